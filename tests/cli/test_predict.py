"""``seqlab predict RUN_DIR INPUT``: predictions with probabilities from a saved run."""
import io

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.tasks import Task


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("predict")
    data = tmp / "sms"
    data.write_text("".join(f"spam\twin free cash prize {i}\n" if i % 2 else f"ham\tsee you at lunch {i}\n"
                            for i in range(24)))
    out = tmp / "run"
    assert main(["classify", str(data), "--format", "text", "--model", "lstm", "--units", "4", "--epochs", "1",
                 "--out", str(out)]) == 0
    return out


def test_predict_prints_labels_and_probabilities_matching_the_task(text_run, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("claim your free cash\nlunch at noon?\n")
    capsys.readouterr()
    assert main(["predict", str(text_run), str(new)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["row", "text", "prediction", "p_ham", "p_spam"]
    np.testing.assert_allclose(table[["p_ham", "p_spam"]].sum(axis=1), 1.0, atol=1e-5)
    task = Task.load(text_run / "model")
    expected = task.predict_proba(["claim your free cash", "lunch at noon?"])
    np.testing.assert_allclose(table[["p_ham", "p_spam"]].to_numpy(), expected, atol=1e-5)


def test_predict_writes_a_csv_file(text_run, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("free prize\n")
    out = tmp_path / "preds.csv"
    assert main(["predict", str(text_run), str(new), "--output", str(out)]) == 0
    assert len(pd.read_csv(out)) == 1 and "1 predictions written" in capsys.readouterr().out


def test_predict_series_from_a_ucr_file(tmp_path, capsys):
    train = tmp_path / "train.tsv"
    rng = np.random.default_rng(0)
    train.write_text("".join(f"{1 + i % 2}\t" + "\t".join(f"{v:.3f}" for v in rng.normal(i % 2, 1, 8)) + "\n"
                             for i in range(20)))
    run = tmp_path / "run"
    assert main(["classify", str(train), "--model", "gru", "--units", "4", "--epochs", "1", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["predict", str(run), str(train)]) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 20 and list(table.columns) == ["row", "prediction", "p_1", "p_2", "label"]  # labels kept
    assert err.startswith(f"scores on {train}: accuracy ")                                              # and scored


def test_predict_series_from_a_csv_table_leaves_out_the_columns_drop_names(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = pd.DataFrame(rng.normal(0, 1, (20, 8)), columns=[f"t{i}" for i in range(8)])
    rows.insert(0, "label", [f"c{i % 2}" for i in range(20)])
    rows.to_csv(tmp_path / "train.csv", index=False)
    run = tmp_path / "run"
    assert main(["classify", str(tmp_path / "train.csv"), "--model", "gru", "--units", "4", "--epochs", "1",
                 "--out", str(run)]) == 0
    new = rows.drop(columns="label").head(3)
    new.to_csv(tmp_path / "new.csv", index=False)
    new.assign(id=[1000, 2000, 3000]).to_csv(tmp_path / "new_with_id.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(run), str(tmp_path / "new.csv")]) == 0
    expected = capsys.readouterr().out
    assert main(["predict", str(run), str(tmp_path / "new_with_id.csv"), "--drop", "id"]) == 0
    assert capsys.readouterr().out == expected
    assert main(["predict", str(run), str(tmp_path / "new_with_id.csv"), "--columns", "t0,t1"]) == 0
    assert capsys.readouterr().out != expected          # two steps of each series, not eight
    assert main(["predict", str(run), str(tmp_path / "new.csv"), "--drop", "id"]) == 2
    assert "'id' not found (named by --drop)" in capsys.readouterr().err


def test_predict_bad_inputs_exit_2(text_run, tmp_path, capsys):
    assert main(["predict", str(tmp_path / "nope"), str(tmp_path / "x.txt")]) == 2
    assert "no such run or model directory" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert main(["predict", str(text_run), str(empty)]) == 2
    assert "no texts" in capsys.readouterr().err
    assert main(["predict", str(text_run), str(empty), "--format", "ts"]) == 2
    assert "takes texts" in capsys.readouterr().err


def test_predict_tabular_classifier_reads_a_csv_table_with_the_training_columns(tmp_path, capsys):
    from seqlab.tasks.classification.tabular import TabularClassifier

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"Geography": rng.choice(["France", "Spain", "Germany"], 60),
                       "Gender": rng.choice(["Female", "Male"], 60), "Age": rng.integers(18, 80, 60),
                       "Balance": rng.normal(5e4, 2e4, 60)})
    y = (df["Age"] > 45).astype(int)
    TabularClassifier(units=(4,), epochs=2, seed=0).fit(df, y).save(tmp_path / "model")
    new = df.head(5).assign(Exited=y[:5], Surname="Smith")  # extra columns (label, text) are ignored
    new.to_csv(tmp_path / "churn.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "churn.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["row", "prediction", "p_0", "p_1"]
    expected = Task.load(tmp_path / "model").predict_proba(df.head(5))
    np.testing.assert_allclose(table[["p_0", "p_1"]].to_numpy(), expected, atol=1e-5)
    df.drop(columns="Age").to_csv(tmp_path / "short.csv", index=False)
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "short.csv")]) == 2
    assert "'Age'" in capsys.readouterr().err


def test_predict_image_classifier_takes_a_folder_or_one_image_file(tmp_path, capsys):
    from PIL import Image

    from seqlab.tasks.classification.image import ImageClassifier

    rng = np.random.default_rng(0)
    for name, level in (("cats", 40), ("dogs", 210)):
        (tmp_path / "train" / name).mkdir(parents=True)
        for i in range(4):
            pixels = np.clip(level + rng.integers(-30, 30, (10, 10, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / "train" / name / f"{i}.png")
    ImageClassifier(target_size=(8, 8), filters=(2,), units=4, epochs=1, seed=0).fit(
        tmp_path / "train").save(tmp_path / "model")
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "train")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["file", "prediction", "p_cats", "p_dogs"] and len(table) == 8
    assert table["file"].iloc[0] == "cats/0.png"
    files = sorted((tmp_path / "train").rglob("*.png"))
    expected = Task.load(tmp_path / "model").predict_proba(files)
    np.testing.assert_allclose(table[["p_cats", "p_dogs"]].to_numpy(), expected, atol=1e-5)
    assert main(["predict", str(tmp_path / "model"), str(files[-1])]) == 0
    one = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert one["file"].tolist() == ["3.png"]
    np.testing.assert_allclose(one[["p_cats", "p_dogs"]].to_numpy(), expected[-1:], atol=1e-5)
    (tmp_path / "empty").mkdir()
    assert main(["predict", str(tmp_path / "model"), str(tmp_path / "empty")]) == 2
    assert "no image files" in capsys.readouterr().err


def test_predict_forecaster_forecasts_after_a_csv_history(tmp_path, capsys):
    from seqlab.tasks.forecasting.forecaster import Forecaster

    history = pd.DataFrame({"y": 10 + np.sin(np.arange(80) / 3.0)})
    Forecaster("linear", target="y", lookback=6, horizon=2, epochs=2, verbose=0).fit(history).save(tmp_path / "m")
    history.tail(20).to_csv(tmp_path / "history.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "history.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = Task.load(tmp_path / "m").predict(history.tail(20))
    assert list(table.columns) == ["step", "y"]
    np.testing.assert_allclose(table["y"].to_numpy(), expected["y"].to_numpy(), rtol=1e-5)


def test_predicted_times_are_headed_by_the_time_column(tmp_path, capsys):
    """The future times of a history with a date column were headed 'index'."""
    from seqlab.tasks.forecasting.forecaster import Forecaster

    history = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=80, freq="D").astype(str),
                            "y": 10 + np.sin(np.arange(80) / 3.0)})
    Forecaster("linear", target="y", time_col="date", lookback=6, horizon=2, epochs=2, verbose=0).fit(history).save(
        tmp_path / "m")
    history.tail(20).to_csv(tmp_path / "history.csv", index=False)
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "history.csv")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["date", "y"] and table["date"].tolist() == ["2020-03-21", "2020-03-22"]


def test_predict_reads_a_semicolon_csv_as_classify_did(tmp_path, capsys):
    """classify trained on a ';'-separated CSV of texts; predict on the same file said: no text column 'text';
    columns are: text;label."""
    rows = [(f"win free cash prize {i}", "spam") if i % 2 else (f"see you at lunch {i}", "ham") for i in range(24)]
    path = tmp_path / "texts.csv"
    path.write_text("text;label\n" + "".join(f"{t};{y}\n" for t, y in rows))
    out = tmp_path / "run"
    assert main(["classify", str(path), "--model", "lstm", "--units", "4", "--epochs", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["predict", str(out), str(path)]) == 0
    out, err = capsys.readouterr()
    assert len(pd.read_csv(io.StringIO(out))) == 24 and err.startswith(f"scores on {path}: accuracy ")
