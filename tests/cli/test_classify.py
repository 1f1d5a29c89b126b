"""``seqlab classify``: run directory contents and one-line errors (exit 2) for bad input."""
import io
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.tasks import Task


def _series_csv(path, n=24, length=10, seed=0, label_col="label"):
    rng = np.random.default_rng(seed)
    rows = [",".join(f"t{i}" for i in range(length)) + f",{label_col}"]
    for k in range(n):
        up = k % 2
        values = (1 if up else -1) * np.linspace(0, 1, length) + 0.1 * rng.normal(size=length)
        rows.append(",".join(f"{v:.4f}" for v in values) + f",{'up' if up else 'down'}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _texts_file(path, n=30):
    spam, ham = ["win cash prize now", "free prize claim"], ["see you at lunch", "meeting moved to noon"]
    path.write_text("".join(f"spam\t{spam[i % 2]} {i}\n" if i % 3 == 0 else f"ham\t{ham[i % 2]} {i}\n"
                            for i in range(n)))
    return path


def _fails(argv, capsys, match):
    assert main(argv) == 2
    err = "\n".join(line for line in capsys.readouterr().err.strip().splitlines()
                    if not line.startswith("Epoch "))            # progress of a fit that came before the error
    assert err.count("\n") == 0 and err.startswith("seqlab: error:") and match in err, err


def test_classify_series_csv_writes_a_complete_run(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv")
    test = _series_csv(tmp_path / "test.csv", n=10, seed=1)
    out = tmp_path / "run"
    assert main(["classify", str(train), "--test", str(test), "--model", "gru", "--epochs", "2",
                 "--units", "4", "--out", str(out)]) == 0
    for name in ("model/config.json", "model/model.safetensors", "model/preprocessing.json", "metrics.json",
                 "history.json", "confusion.png", "loss.png", "report.html"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n"] == 10 and "baseline" in metrics and metrics["baseline"]["accuracy"] == 0.5
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 2
    assert "test accuracy" in capsys.readouterr().out


def test_classify_text_without_test_records_a_stratified_split(tmp_path):
    data = _texts_file(tmp_path / "sms")
    out = tmp_path / "run"
    assert main(["classify", str(data), "--format", "text", "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(out)]) == 0
    split = json.loads((out / "split.json").read_text())
    assert split["kind"] == "stratified" and split["n_test"] == 6 and split["duplicates_removed"] == 0
    assert "Misclassified" in (out / "report.html").read_text()


def test_unknown_label_column(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv")
    _fails(["classify", str(train), "--label-col", "target", "--out", str(tmp_path / "r")], capsys,
           "column(s) 'target' not found (the label column)")
    assert not (tmp_path / "r").exists()


def test_one_class_only(tmp_path, capsys):
    f = tmp_path / "one.csv"
    f.write_text("t0,t1,label\n" + "".join(f"{i},{i + 1},a\n" for i in range(12)))
    _fails(["classify", str(f), "--out", str(tmp_path / "r")], capsys, "one class only")


def test_empty_texts_are_left_out_with_one_warning_line(tmp_path, capsys):
    f = tmp_path / "t.csv"
    f.write_text("text,label\n" + "".join(f"{'hello there' if i % 2 else 'bye now'} {i},{'ab'[i % 2]}\n"
                                           for i in range(30)) + ",b\n")
    assert main(["classify", str(f), "--text-col", "text", "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(tmp_path / "r")]) == 0
    err = capsys.readouterr().err
    assert "seqlab: warning: " in err and "left out 1 empty text(s) (first at row 32)" in err
    f.write_text("text,label\n,a\n ,b\n")
    _fails(["classify", str(f), "--text-col", "text", "--out", str(tmp_path / "r2")], capsys, "every text is empty")


def test_mismatched_train_and_test_formats(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv")
    test = tmp_path / "test.tsv"
    test.write_text("1\t0.1\t0.2\n")
    _fails(["classify", str(train), "--test", str(test), "--out", str(tmp_path / "r")], capsys,
           "looks like the ucr format but TRAIN is csv")


def test_unequal_lengths_where_the_model_needs_equal_lengths(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv", length=10)
    test = _series_csv(tmp_path / "test.csv", n=4, length=7)
    _fails(["classify", str(train), "--test", str(test), "--model", "mlp", "--epochs", "1",
            "--out", str(tmp_path / "r")], capsys, "needs that length")
    assert not (tmp_path / "r").exists() and not list(tmp_path.glob(".r.tmp-*"))


def test_text_encoder_for_series_is_rejected(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv")
    _fails(["classify", str(train), "--model", "bag_of_embeddings", "--out", str(tmp_path / "r")], capsys,
           "not a series encoder")


@pytest.mark.parametrize("name", ["missing.csv"])
def test_missing_file(tmp_path, capsys, name):
    _fails(["classify", str(tmp_path / name), "--out", str(tmp_path / "r")], capsys, "file not found")


def test_tagger_on_the_bundled_event_streams_scores_steps_and_events(tmp_path, capsys):
    out = tmp_path / "tag"
    assert main(["classify", "events", "--tagger", "--streams", "20", "--model", "gru", "--units", "4",
                 "--epochs", "1", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["task"] == "tagger" and m["baseline"]["predicts"] == "background"
    assert m["baseline"]["events"]["detected"] == 0 and m["events"]["events"] == m["baseline"]["events"]["events"] > 0
    assert len(m["split"]["test_ids"]) == 4
    for name in ("model/config.json", "confusion.png", "loss.png", "report.html", "history.json"):
        assert (out / name).exists(), name
    assert "events detected" in capsys.readouterr().out


def _step_table(path, n_streams=6, length=30, seed=0):
    rng = np.random.default_rng(seed)
    lines = ["sequence,value,event"]
    for s in range(n_streams):
        for t in range(length):
            on = 10 <= t < 16
            lines.append(f"s{s},{(3.0 if on else 0.0) + rng.normal(0, 0.2):.3f},{'spike' if on else 'none'}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_tagger_on_a_step_csv_then_predict_gives_one_row_per_step(tmp_path, capsys):
    data = _step_table(tmp_path / "steps.csv")
    out = tmp_path / "run"
    assert main(["classify", str(data), "--tagger", "--label-col", "event", "--model", "lstm", "--units", "4",
                 "--epochs", "1", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["events"]["background"] == "none" and m["events"]["events"] == 1  # 1 of 6 streams held out
    new = tmp_path / "new.csv"
    new.write_text("sequence,value\n" + "".join(f"q,{v}\n" for v in (0.1, 3.2, 2.9, 0.0)))
    capsys.readouterr()
    assert main(["predict", str(out), str(new)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sequence,step,prediction,p_none,p_spike" and len(lines) == 5
    assert lines[1].startswith("q,0,")


def test_tagger_bad_input_exits_2(tmp_path, capsys):
    data = _step_table(tmp_path / "steps.csv")
    _fails(["classify", str(data), "--tagger"], capsys, "column(s) 'label' not found (the per-step label column)")
    _fails(["classify", str(data), "--tagger", "--label-col", "event", "--model", "mlp"], capsys, "cannot tag")
    _fails(["classify", "events", "--tagger", "--test", str(data)], capsys, "do not give --test")


def test_no_refit_reaches_the_text_classifier(tmp_path):
    data = _texts_file(tmp_path / "sms")
    for flags, refit in (([], None), (["--no-refit"], False)):
        out = tmp_path / f"run{len(flags)}"
        assert main(["classify", str(data), "--format", "text", "--model", "bag_of_embeddings", "--epochs", "1",
                     *flags, "--out", str(out)]) == 0
        assert json.loads((out / "model" / "config.json").read_text())["config"]["params"]["refit"] is refit


def test_classify_text_with_a_two_encoder_blend_and_shapes(tmp_path, capsys):
    data = _texts_file(tmp_path / "sms")
    out = tmp_path / "run"
    assert main(["classify", str(data), "--format", "text", "--model", "bag_of_embeddings+fasttext", "--shapes",
                 "--ensemble", "2", "--epochs", "1", "--out", str(out)]) == 0
    config = json.loads((out / "model" / "config.json").read_text())
    assert "bag_of_embeddings+fasttext" in json.dumps(config) and '"shapes": true' in json.dumps(config)
    assert [m["encoder"] for m in config["config"]["members"]] == ["bag_of_embeddings", "fasttext"] * 2
    _fails(["classify", str(data), "--format", "text", "--model", "bilstm+nonsense", "--out", str(tmp_path / "x")],
           capsys, "is not a text encoder")


def test_the_text_default_reads_texts_of_one_letter_words(tmp_path, capsys):
    """Texts whose words are single letters (spaced DNA bases) gave scikit-learn's TF-IDF no terms: the
    baseline crashed with a traceback; both now read words of any length and say so."""
    rng = np.random.default_rng(0)
    rows = [(" ".join(rng.choice(list("acg" if i % 2 else "gtt"), 6)), i % 2) for i in range(60)]
    data = tmp_path / "bases.csv"
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(data, index=False)
    out = tmp_path / "run"
    assert main(["classify", str(data), "--text-col", "text", "--epochs", "1", "--units", "4", "--embedding-dim", "4",
                 "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["strong_baseline"]["name"] == "TF-IDF + logistic regression (short words)"
    assert json.loads((out / "model" / "preprocessing.json").read_text())["linear"]["tokens"] == "short words"


def test_the_text_default_averages_the_nets_with_tfidf_logistic_regression_and_says_so(tmp_path, capsys):
    data = _texts_file(tmp_path / "sms")
    small = ["--epochs", "1", "--units", "4", "--embedding-dim", "4"]
    out = tmp_path / "blend"
    assert main(["classify", str(data), "--format", "text", *small, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    name = "bilstm+fasttext + TF-IDF LR on word + char n-grams (probability average)"
    m = json.loads((out / "metrics.json").read_text())
    assert m["model"] == name and m["strong_baseline"]["name"] == "TF-IDF + logistic regression"
    assert f"{name} {m['verdict']}" in printed and "the strong baseline TF-IDF + logistic regression" in m["verdict"]
    assert name in (out / "report.html").read_text()
    saved = json.loads((out / "model" / "preprocessing.json").read_text())["linear"]
    assert saved["weight"] == 0.5 and saved["chars"] == "char_wb 2-5"
    new = tmp_path / "new.txt"
    new.write_text("win cash prize now\nsee you at lunch\n")
    assert main(["predict", str(out), str(new)]) == 0             # the saved blend predicts as in memory
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = Task.load(out / "model").predict_proba(["win cash prize now", "see you at lunch"])
    np.testing.assert_allclose(table[["p_ham", "p_spam"]].to_numpy(), expected, atol=1e-6)

    plain = tmp_path / "plain"                                      # --no-linear: the nets alone, as before
    assert main(["classify", str(data), "--format", "text", *small, "--no-linear", "--out", str(plain)]) == 0
    assert json.loads((plain / "metrics.json").read_text())["model"] == "bilstm+fasttext"
    assert "linear" not in json.loads((plain / "model" / "preprocessing.json").read_text())
    assert Task.load(plain / "model").linear_ is None

    for flags, blended in (([], False), (["--linear"], True)):    # a --model trains alone unless --linear
        chosen = tmp_path / f"chosen{len(flags)}"
        assert main(["classify", str(data), "--format", "text", "--model", "bag_of_embeddings", *small, *flags,
                     "--out", str(chosen)]) == 0
        model = json.loads((chosen / "metrics.json").read_text())["model"]
        assert model == "bag_of_embeddings" + (" + TF-IDF LR on word + char n-grams (probability average)"
                                               if blended else "")


def test_a_csv_of_texts_without_text_col_is_read_as_texts_and_says_which_columns(tmp_path, capsys):
    """A CSV whose one column of texts is not called ``text`` (``review, sentiment``, as in Kaggle's IMDb file)
    was read as numeric series and stopped at its first word; its texts column is now found and named."""
    rows = [(f"{'great lovely film' if i % 2 else 'dull boring plot'} number {i}", "pos" if i % 2 else "neg")
            for i in range(40)]
    data = tmp_path / "reviews.csv"
    pd.DataFrame(rows, columns=["review", "sentiment"]).to_csv(data, index=False)
    out = tmp_path / "run"
    assert main(["classify", str(data), "--model", "bag_of_embeddings", "--epochs", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "classifying the texts of column 'review' with labels from 'sentiment'" in err
    assert json.loads((out / "metrics.json").read_text())["strong_baseline"]["name"].startswith("TF-IDF")
    assert main(["predict", str(out), str(data), "--out", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["prediction"].isin(["pos", "neg"]).all()


def test_an_ag_news_csv_without_a_header_is_classified_by_its_longest_text_column(tmp_path, capsys):
    """Zhang et al.'s AG News / DBpedia / Yelp CSVs have no header: ``"3","title","description"``. The first row
    was taken for column names and no label column was found; now the columns are 0, 1, 2, the labels are the
    codes in 0 and the texts the longer of 1 and 2, and predict reads a five-row file of the same kind."""
    topics = {"1": "world leaders meet for peace talks", "2": "the home team wins the final match",
              "3": "shares rise as markets rally today", "4": "a new chip makes phones faster"}
    rows = [f'"{c}","Headline {i} of {c}","{topics[c]} said a report number {i} on Monday"\n'
            for i, c in enumerate(["3", "4", "1", "2"] * 10)]
    data, small = tmp_path / "news.csv", tmp_path / "five.csv"
    data.write_text("".join(rows))
    small.write_text("".join(rows[:5]))
    out = tmp_path / "run"
    assert main(["classify", str(data), "--model", "bag_of_embeddings", "--epochs", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "news.csv has no header row (its first line is data): its columns are named 0 to 2" in err
    assert "classifying the texts of column '2' with labels from '0', the longest of its text columns ('1', '2')" \
        in err
    assert json.loads((out / "metrics.json").read_text())["n_train"] == 32          # the first row is a text too
    assert main(["predict", str(out), str(small), "--out", str(tmp_path / "p.csv")]) == 0
    predicted = pd.read_csv(tmp_path / "p.csv")
    assert len(predicted) == 5 and predicted["label"].tolist() == [3, 4, 1, 2, 3]


def test_a_sentiment140_csv_without_a_header_finds_its_polarity_and_tweets(tmp_path, capsys):
    """Sentiment140: ``"0","1467810369","Mon Apr 06 22:19:45 PDT 2009","NO_QUERY","user","tweet"``, no header."""
    words = {"0": "so sad and tired of this rain", "4": "what a lovely sunny happy day"}
    rows = [f'"{p}","{1467810369 + i}","Mon Apr 06 22:{i % 60:02d}:45 PDT 2009","NO_QUERY","user_{i}",'
            f'"{words[p]} {i}"\n' for i, p in enumerate(["0", "4"] * 20)]
    data = tmp_path / "tweets.csv"
    data.write_text("".join(rows))
    assert main(["classify", str(data), "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(tmp_path / "run")]) == 0
    assert "classifying the texts of column '5' with labels from '0', the only text column" in capsys.readouterr().err



def test_kaggles_spam_csv_in_windows_1252_with_three_unnamed_columns_is_classified(tmp_path, capsys):
    """Kaggle's ``spam.csv`` (UCI SMS spam): ``v1,v2,,,`` in Windows-1252 (a pound sign is byte 0xA3), three
    columns without a header, mostly empty. It was refused as not UTF-8; then no label column was found."""
    words = {"ham": "see you at lunch then", "spam": "win a £100 prize now text"}
    rows = [f'{c},"{words[c]} {i}",{" ok" if i == 3 else ""},,\n' for i, c in enumerate(["ham", "spam"] * 20)]
    data = tmp_path / "spam.csv"
    data.write_bytes(("v1,v2,,,\n" + "".join(rows)).encode("cp1252"))
    out = tmp_path / "run"
    assert main(["classify", str(data), "--model", "bag_of_embeddings", "--epochs", "1", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("spam.csv is not UTF-8 text") == 1 and "read as Windows-1252" in err
    assert "classifying the texts of column 'v2' with labels from 'v1', the only text column" in err
    assert json.loads((out / "metrics.json").read_text())["n_train"] + 8 == 40
    assert main(["predict", str(out), str(data), "--out", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["text"].str.contains("£").sum() == 20   # written as UTF-8

def test_a_csv_of_numeric_series_with_an_id_column_stays_series(tmp_path):
    from seqlab.cli.classify import text_columns

    table = pd.read_csv(_series_csv(tmp_path / "s.csv"), dtype=str).assign(id=[f"s{i}" for i in range(24)],
                                                                         when="2020-01-01 10:00")
    assert text_columns(table) is None
    named = table.assign(id=[f"patient number {i}" for i in range(24)])     # an id of words, beside series
    assert text_columns(named) is None


def test_classify_and_predict_read_weka_arff_files(tmp_path):
    """The UCR/UEA archive's zips hold each set as .ts, .txt and .arff; the .arff was refused by its name."""
    rng = np.random.default_rng(0)
    attributes = "".join(f"@attribute t{i} numeric\n" for i in range(8))
    header = "@relation r\n" + attributes + "@attribute c {up,down}\n@data\n"

    def arff(path, n):
        rows = [(np.linspace(0, 1, 8) * (1 if k % 2 else -1) + 0.1 * rng.normal(size=8), "up" if k % 2 else "down")
                for k in range(n)]
        path.write_text(header + "".join(",".join(f"{v:.3f}" for v in x) + f",{c}\n" for x, c in rows))
        return path

    train, test, out = arff(tmp_path / "r_TRAIN.arff", 20), arff(tmp_path / "r_TEST.arff", 10), tmp_path / "run"
    assert main(["classify", str(train), "--test", str(test), "--epochs", "2", "--ensemble", "1",
                 "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["n"] == 10
    assert main(["predict", str(out), str(test), "--out", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 10


def test_a_series_csv_whose_labels_are_called_target_needs_no_label_col(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv", label_col="Target")
    out = tmp_path / "run"
    assert main(["classify", str(train), "--model", "gru", "--units", "4", "--epochs", "1", "--ensemble", "1",
                 "--out", str(out)]) == 0
    assert "taking the labels from column 'Target'" in capsys.readouterr().err
    assert json.loads((out / "metrics.json").read_text())["format"] == "csv"


def _heartbeats(path, n=30, seed=0, label_first=False):
    """Kaggle's MIT-BIH layout: no header row, 40 readings in [0, 1] padded with zeros, the class as 0.0-2.0
    last (or first, as the UCR archive's rows written as CSV)."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    readings = np.clip(rng.random((n, 40)) * 0.3 + (y[:, None] / 3) * np.linspace(0, 1, 40), 0, 1)
    readings[:, 28:] = 0.0
    rows = np.column_stack([y, readings] if label_first else [readings, y.astype(float)])
    np.savetxt(path, rows, delimiter=",", fmt="%.6e")
    return path


@pytest.mark.parametrize("label_first", [False, True], ids=["last", "first"])
def test_a_headerless_table_of_readings_takes_its_labels_from_the_end_column_of_whole_numbers(
        tmp_path, capsys, label_first):
    train = _heartbeats(tmp_path / "mitbih_train.csv", label_first=label_first)
    test = _heartbeats(tmp_path / "mitbih_test.csv", n=15, seed=1, label_first=label_first)
    out = tmp_path / "run"
    assert main(["classify", str(train), "--test", str(test), "--model", "gru", "--units", "4", "--epochs", "1",
                 "--ensemble", "1", "--out", str(out)]) == 0
    column = "0" if label_first else "40"
    where = "first" if label_first else "last"
    assert f"taking the labels from column '{column}' of mitbih_train.csv, its {where} column" in \
        capsys.readouterr().err
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n"] == 15 and sorted(metrics["per_class"]) == ["0", "1", "2"]
    assert main(["predict", str(out), str(test), "--out", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 15


def test_a_headerless_table_of_counts_names_no_label_column(tmp_path, capsys):
    rng = np.random.default_rng(0)
    counts = np.column_stack([rng.poisson(5, size=(30, 12)), np.arange(30) % 3])   # whole readings: no end stands out
    np.savetxt(tmp_path / "counts.csv", counts, delimiter=",", fmt="%d")
    assert main(["classify", str(tmp_path / "counts.csv"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("seqlab: error:") and "choose one with --label-col" in err[-1]
    assert not any("taking the labels" in line for line in err)


def test_a_refused_run_with_a_guessed_column_is_still_one_line(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv", n=4, label_col="class")
    _fails(["classify", str(train), "--out", str(tmp_path / "r")], capsys, "too few")


def test_a_series_csv_leaves_out_its_id_and_row_number_unless_the_columns_are_named(tmp_path, capsys):
    path = _series_csv(tmp_path / "train.csv")
    plain = pd.read_csv(path)
    table = plain.copy()
    table.insert(0, "row", range(len(table)))                                           # 0, 1, 2, ...
    table.insert(0, "id", np.random.default_rng(0).permutation(len(table)) + 1000)      # distinct, in no order
    table.to_csv(path, index=False)
    plain.to_csv(tmp_path / "plain.csv", index=False)
    out = tmp_path / "run"
    assert main(["classify", str(path), "--model", "gru", "--units", "4", "--epochs", "1", "--ensemble", "1",
                 "--out", str(out)]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "left out column(s)" in line]
    assert len(warned) == 1 and warned[0].startswith("seqlab: warning: train.csv: left out column(s) 'id', 'row'")
    assert json.loads((out / "model" / "preprocessing.json").read_text())["input"]["left_out"] == ["id", "row"]
    for name in ("train.csv", "plain.csv"):                    # predict leaves them out as training did
        assert main(["predict", str(out), str(tmp_path / name), "--out", str(tmp_path / f"p-{name}")]) == 0
    with_ids, without = pd.read_csv(tmp_path / "p-train.csv"), pd.read_csv(tmp_path / "p-plain.csv")
    pd.testing.assert_frame_equal(with_ids, without)
    named = tmp_path / "named"                                  # --drop: the user's choice, as given
    assert main(["classify", str(path), "--drop", "row", "--model", "gru", "--units", "4", "--epochs", "1",
                 "--ensemble", "1", "--out", str(named)]) == 0
    assert "left out column(s)" not in capsys.readouterr().err
    assert "left_out" not in json.loads((named / "model" / "preprocessing.json").read_text())["input"]


def test_kaggles_airline_tweets_csv_finds_its_sentiment_labels_and_texts_beside_numeric_columns(tmp_path, capsys):
    """Kaggle's Twitter US airline sentiment ``Tweets.csv``: ``tweet_id, airline_sentiment, ..._confidence, airline,
    retweet_count, text, ...``. Four numeric columns made it a table of series ("text where a number belongs")."""
    words = {"negative": "flight delayed again worst service", "neutral": "what time does the flight leave",
             "positive": "thanks great crew lovely flight"}
    labels = ["negative", "neutral", "positive", "negative"] * 10
    frame = pd.DataFrame({"tweet_id": [570306133677760513 - i for i in range(40)], "airline_sentiment": labels,
                          "airline_sentiment_confidence": [1.0, 0.68] * 20, "airline": ["United", "Delta"] * 20,
                          "negativereason_confidence": [0.5, None] * 20, "retweet_count": [0, 0, 1, 0] * 10,
                          "text": [f"@united {words[c]} {i}" for i, c in enumerate(labels)]})
    frame.to_csv(tmp_path / "Tweets.csv", index=False)
    assert main(["classify", str(tmp_path / "Tweets.csv"), "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(tmp_path / "run")]) == 0
    err = capsys.readouterr().err
    assert "taking the labels from column 'airline_sentiment'" in err and "texts of column 'text'" in err


def _reviews(n=30):
    """Amazon-like reviews: a title and a body (some bodies empty), and the label."""
    return pd.DataFrame({"id": range(n),
                         "title": [("Great gadget" if i % 2 else "Awful junk") + f" {i}" for i in range(n)],
                         "body": ["" if i % 5 == 0 else "works well love it" if i % 2 else "broke fast hate it"
                                  for i in range(n)], "label": ["pos" if i % 2 else "neg" for i in range(n)]})


def test_text_col_joins_several_columns_and_predict_joins_the_same_ones_without_the_flag(tmp_path, capsys):
    data, new = tmp_path / "reviews.csv", tmp_path / "new.csv"
    _reviews().to_csv(data, index=False)
    _reviews(4).drop(columns=["label"]).to_csv(new, index=False)
    small = ["--model", "fasttext", "--no-linear", "--epochs", "1"]
    out = tmp_path / "run"
    assert main(["classify", str(data), "--text-col", "title,body", "--columns", "label", *small,
                 "--out", str(out)]) == 0                           # --columns keeps both joined columns
    assert Task.load(out / "model").input_["text_col"] == "title,body"
    capsys.readouterr()
    assert main(["predict", str(out), str(new)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table["text"].tolist() == ["Awful junk 0", "Great gadget 1. works well love it",
                                      "Awful junk 2. broke fast hate it", "Great gadget 3. works well love it"]
    _fails(["classify", str(data), "--text-col", "title,summary", "--out", str(tmp_path / "r2")], capsys,
           "column(s) 'summary' not found (the text columns); columns are: id, title, body, label")
    assert not (tmp_path / "r2").exists()


def test_encoding_reads_a_shift_jis_csv_of_texts_and_an_unknown_one_is_one_line(tmp_path, capsys):
    words = {"良い": "とても良い商品です 満足", "悪い": "すぐ壊れた 最悪の買い物"}
    rows = [(f"{words[c]} {i}", c) for i, c in enumerate(["良い", "悪い"] * 10)]
    data = tmp_path / "reviews_sjis.csv"
    data.write_bytes(pd.DataFrame(rows, columns=["text", "label"]).to_csv(index=False).encode("shift_jis"))
    out = tmp_path / "run"
    assert main(["classify", str(data), "--encoding", "shift_jis", "--model", "fasttext", "--no-linear",
                 "--epochs", "1", "--out", str(out)]) == 0
    assert "not UTF-8" not in capsys.readouterr().err
    assert sorted(Task.load(out / "model").classes_) == ["悪い", "良い"]
    assert main(["predict", str(out), str(data), "--encoding", "shift_jis", "--output", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["text"].str.contains("商品").sum() == 10
    assert main(["predict", str(out), str(data), "--output", str(tmp_path / "q.csv")]) == 0   # as in training
    assert "reading " + str(data) + " as shift_jis, the encoding the model's training file was read in" in (
        capsys.readouterr().err)
    assert pd.read_csv(tmp_path / "q.csv")["text"].str.contains("商品").sum() == 10
    with pytest.raises(SystemExit) as refused:                       # a usage error, as argparse's own
        main(["classify", str(data), "--encoding", "klingon", "--out", str(tmp_path / "r2")])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("seqlab: error: argument --encoding: unknown encoding 'klingon': give one Python knows")
    _fails(["classify", str(data), "--encoding", "utf-8", "--out", str(tmp_path / "r3")], capsys,
           "reviews_sjis.csv is not UTF-8 text: byte ")
