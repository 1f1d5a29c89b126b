"""One test (or a few) per item of issue 19, "what a new user tripped over". The behaviour shared by every
command (bundled names, one missing-file line, --threads, -q, --columns/--drop, the closing block) is in
test_every_command.py; threads= in the API in tests/train/test_threads.py."""
import gzip
import io
import json

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from seqlab.cli import main
from seqlab.tasks import Forecaster, Task
from seqlab.tasks.classification.metrics import classification_metrics


def _run(argv, capsys, code=0):
    assert main(argv) == code, capsys.readouterr()
    return capsys.readouterr()


# 1. ROC-AUC with numeric labels 1..10 crashed after training and the model was lost
def test_roc_auc_with_classes_out_of_sklearns_order_matches_sklearn():
    rng = np.random.default_rng(0)
    labels = [str(k) for k in range(1, 11)]                       # numeric order: "10" after "9"
    y = np.array(labels * 6, dtype=object)
    proba = rng.dirichlet(np.ones(10), size=len(y))
    got = classification_metrics(y, y, labels, proba)["roc_auc"]
    order = np.argsort(labels)                                    # sklearn's (sorted) order of the same columns
    assert got == pytest.approx(roc_auc_score(y, proba[:, order], multi_class="ovr", labels=sorted(labels)))


def test_classify_with_ten_numeric_classes_keeps_its_model(tmp_path, capsys):
    rng = np.random.default_rng(0)
    label = np.repeat(np.arange(1, 11), 6)
    series = rng.normal(size=(60, 8)) + label[:, None]
    f = tmp_path / "ten.csv"
    pd.DataFrame(series, columns=[f"t{i}" for i in range(8)]).assign(label=label).to_csv(f, index=False)
    out = tmp_path / "run"
    _run(["classify", str(f), "--model", "mlp", "--epochs", "1", "-q", "--out", str(out)], capsys)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["roc_auc"] is not None and (out / "model" / "model.safetensors").is_file()


# 4. .gz read everywhere (the bundled files are gzipped; a user's may be too)
def test_gzipped_files_are_read_as_they_are(tmp_path, capsys):
    csv = tmp_path / "series.csv.gz"
    with gzip.open(csv, "wt") as fh:
        fh.write("y\n" + "\n".join(str(np.sin(i / 3)) for i in range(80)))
    _run(["forecast", str(csv), "--target", "y", "--model", "naive", "-q", "--out", str(tmp_path / "f")], capsys)
    txt = tmp_path / "names.txt.gz"
    txt.write_bytes(gzip.compress(b"anna\nbob\ncarla\ndave\nemma\nfrank\n" * 5))
    _run(["generate", "train", str(txt), "--lines", "--model", "bigram", "--steps", "2", "--samples", "1", "-q",
          "--out", str(tmp_path / "g")], capsys)


# 5. predict reads the training file of every task, names missing or extra columns, prints scores
@pytest.fixture(scope="module")
def table_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tables")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    frame.insert(0, "when", pd.date_range("2020-01-01", periods=60, freq="D").astype(str))
    frame["label"] = (rng.random(60) < 0.1).astype(int)
    data = tmp / "train.csv"
    frame.to_csv(data, index=False)
    runs = {"detect": tmp / "detect", "som": tmp / "som"}
    assert main(["detect", str(data), "--label-col", "label", "--time-col", "when", "--epochs", "1", "-q",
                 "--out", str(runs["detect"])]) == 0
    assert main(["som", str(data), "--label-col", "label", "--drop", "when", "--iterations", "50", "-q",
                 "--out", str(runs["som"])]) == 0
    return data, frame, runs


@pytest.mark.parametrize("command", ["detect", "som"])
def test_predict_takes_the_file_a_run_was_trained_on(command, table_runs, capsys):
    data, frame, runs = table_runs
    capsys.readouterr()
    out, err = _run(["predict", str(runs[command]), str(data)], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == len(frame) and "label" in table.columns
    assert "scores on" in err and ("roc_auc" in err if command == "detect" else "quantization_error" in err)


def test_predict_names_an_extra_and_a_missing_column(table_runs, tmp_path, capsys):
    data, frame, runs = table_runs
    extra = tmp_path / "extra.csv"
    frame.assign(shoe_size=1).to_csv(extra, index=False)
    _, err = _run(["predict", str(runs["detect"]), str(extra)], capsys)
    assert "shoe_size" in err and "not trained on" in err
    lacking = tmp_path / "lacking.csv"
    frame.drop(columns=["b"]).to_csv(lacking, index=False)
    _, err = _run(["predict", str(runs["detect"]), str(lacking)], capsys, code=2)
    assert err.count("\n") == 1 and "column(s) 'b' not found (the model was trained on them)" in err


def test_predict_on_an_rbm_with_a_table_of_the_wrong_width_is_one_line(tmp_path, capsys):
    data = tmp_path / "bits.csv"
    pd.DataFrame((np.arange(60).reshape(20, 3) % 2)).to_csv(data, index=False, header=False)
    _run(["rbm", str(data), "--hidden", "2", "--epochs", "1", "--batch-size", "5", "-q", "--out", str(tmp_path / "r")],
         capsys)
    out, err = _run(["predict", str(tmp_path / "r"), str(data)], capsys)
    assert len(pd.read_csv(io.StringIO(out))) == 20 and "reconstruction_error" in err
    narrow = tmp_path / "narrow.csv"
    narrow.write_text("1,0\n0,1\n")
    _, err = _run(["predict", str(tmp_path / "r"), str(narrow)], capsys, code=2)
    assert err.count("\n") == 1 and "has 2 column(s)" in err and "3 visible units" in err


def test_predict_on_a_gan_run_scores_the_windows_of_its_series(tmp_path, capsys):
    data = tmp_path / "series.csv"
    t = np.arange(80)
    pd.DataFrame({"x": np.sin(t / 4), "y": np.cos(t / 5)}).to_csv(data, index=False)
    _run(["synth", str(data), "--seq-len", "4", "--model", "rnn", "--epochs", "1", "--units", "4",
          "--metric-iterations", "2", "--n", "8", "--batch-size", "16", "-q", "--out", str(tmp_path / "s")], capsys)
    out, err = _run(["predict", str(tmp_path / "s"), str(data)], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert len(table) == 77 and table["critic_real"].between(0, 1).all() and "d_accuracy" in err


def test_a_text_file_works_for_every_text_model(tmp_path, capsys):
    sms = tmp_path / "sms.txt"                                     # the training layout: label<TAB>text
    sms.write_text("".join(f"spam\twin cash {i}\n" if i % 2 else f"ham\tlunch at {i}\n" for i in range(30)))
    _run(["classify", str(sms), "--format", "text", "--units", "4", "--epochs", "1", "-q",
          "--out", str(tmp_path / "c")], capsys)
    out, err = _run(["predict", str(tmp_path / "c"), str(sms)], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert table["text"].iloc[0] == "lunch at 0" and "accuracy" in err           # labels set aside and scored
    names = tmp_path / "names.txt"
    names.write_text("anna\nbob\ncarla\ndave\n" * 10)
    _run(["generate", "train", str(names), "--lines", "--model", "bigram", "--steps", "2", "--samples", "1", "-q",
          "--out", str(tmp_path / "g")], capsys)
    out, err = _run(["predict", str(tmp_path / "g"), str(names)], capsys)
    assert "nats_per_char" in out and "perplexity" in err
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("".join(f"ab{i % 3},{i % 3}ba\n" for i in range(40)))
    _run(["seq2seq", "train", str(pairs), "--units", "4", "--embedding-dim", "2", "--epochs", "1", "-q",
          "--out", str(tmp_path / "s2s")], capsys)
    inputs = tmp_path / "inputs.txt"
    inputs.write_text("ab1\nab2\n")
    out, _ = _run(["predict", str(tmp_path / "s2s"), str(inputs)], capsys)
    assert list(pd.read_csv(io.StringIO(out)).columns) == ["input", "prediction"]
    _, err = _run(["predict", str(tmp_path / "s2s"), str(pairs)], capsys)
    assert "exact_match" in err


# 7. smaller items
def test_weekly_data_gets_a_yearly_season_of_52():
    rng = np.random.default_rng(1)
    times = pd.date_range("2012-01-01", periods=52 * 6, freq="W-SUN")
    doy = times.dayofyear.to_numpy()
    y = 3 * np.sin(2 * np.pi * doy / 365.25) + np.cumsum(rng.normal(0, 0.3, len(doy))) + rng.normal(0, 1, len(doy))
    frame = pd.DataFrame({"week": times, "sales": y})
    f = Forecaster("naive", target="sales", time_col="week", lookback=4).fit(frame)
    assert f.season_ == 52 and Forecaster("naive", target="sales", lookback=4).fit(frame[["sales"]]).season_ == 1


def test_a_cycle_is_not_reported_as_a_multiple_of_itself():
    from seqlab.data.series import _shortest_cycle, calendar_periods

    assert _shortest_cycle(156, {52: 0.50, 104: 0.52, 156: 0.53}) == 52
    assert _shortest_cycle(168, {24: 0.3, 168: 0.8}) == 168
    assert calendar_periods("h") == (24, 168) and calendar_periods("D") == (7, 365) and calendar_periods("W") == (52,)


def test_a_pandas_index_column_is_left_out_with_a_note(tmp_path, capsys):
    f = tmp_path / "indexed.csv"
    pd.DataFrame({"y": np.sin(np.arange(60) / 3)}).to_csv(f)               # index written: "Unnamed: 0"
    _, err = _run(["forecast", str(f), "--target", "y", "--model", "naive", "-q", "--out", str(tmp_path / "r")],
                  capsys)
    assert "Unnamed: 0" in err and "left out" in err
    _run(["detect", str(f), "--epochs", "1", "-q", "--out", str(tmp_path / "d")], capsys)
    assert json.loads((tmp_path / "d" / "model" / "input.json").read_text())["columns"] == ["y"]


@pytest.mark.parametrize("command", [["classify"], ["som"]])
def test_three_rows_are_refused(command, tmp_path, capsys):
    f = tmp_path / "three.csv"
    f.write_text("t0,t1,label\n1,2,a\n2,3,b\n3,4,a\n")
    _, err = _run([*command, str(f), *(["--label-col", "label"] if command == ["som"] else []),
                   "--out", str(tmp_path / "r")], capsys, code=2)
    assert err.count("\n") == 1 and "at least 10" in err and not (tmp_path / "r").exists()


def test_multi_target_forecasts_are_scored_and_plotted_per_target(tmp_path, capsys):
    f = tmp_path / "two.csv"
    t = np.arange(120)
    pd.DataFrame({"small": np.sin(t / 4), "large": 1000 + 100 * np.cos(t / 6)}).to_csv(f, index=False)
    out, _ = _run(["forecast", str(f), "--target", "small,large", "--epochs", "1", "--units", "4", "-q",
                   "--out", str(tmp_path / "r")], capsys)
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert set(metrics["per_target"]) == {"small", "large"}
    assert metrics["per_target"]["small"]["model"]["mae"] < metrics["per_target"]["large"]["model"]["mae"]
    assert (tmp_path / "r" / "forecast.png").is_file() and (tmp_path / "r" / "forecast_large.png").is_file()
    assert "per target" in out and "targets (test RMSE" in out


@pytest.mark.parametrize("words,trained_by", [
    (["classify", "italy-power-demand", "--model", "mlp", "--epochs", "1"], "classify"),
    (["generate", "train", "names", "--lines", "--model", "rnn", "--steps", "2", "--samples", "1"], "generate"),
    (["seq2seq", "train", "--task", "reversal", "--n", "40", "--units", "4", "--epochs", "1"], "seq2seq"),
])
def test_summary_is_a_keras_table_for_every_saved_model(words, trained_by, tmp_path, capsys):
    _run([*words, "-q", "--out", str(tmp_path / "r")], capsys)
    out, _ = _run(["summary", str(tmp_path / "r")], capsys)
    lines = out.splitlines()
    assert lines[0].startswith("Model: ") and "Layer (type)" in lines[2] and "Param #" in lines[2]
    total = int(next(line for line in lines if line.startswith("Total params:")).split()[2].replace(",", ""))
    assert total == sum(p.numel() for p in Task.load(tmp_path / "r" / "model").model_.parameters())


def test_quickstart_difference_can_be_turned_off(tmp_path, capsys):
    out, _ = _run(["quickstart", "--no-difference", "--epochs", "1", "--units", "4", "-q",
                   "--out", str(tmp_path / "q")], capsys)
    assert "not differenced" in out and Task.load(tmp_path / "q" / "model").difference is False


def test_generate_inspect_takes_a_text_or_a_file(tmp_path, capsys):
    out = tmp_path / "g"
    _run(["generate", "train", "names", "--lines", "--model", "rnn", "--steps", "2", "--samples", "1", "-q",
          "--out", str(out)], capsys)
    printed, _ = _run(["generate", "inspect", str(out), "annabob", "--unit", "0"], capsys)   # the text itself
    assert printed.strip().endswith(".html")
    _, err = _run(["generate", "inspect", str(out), str(tmp_path / "missing.txt"), "--unit", "0"], capsys, code=2)
    assert "file not found" in err


# plots
@pytest.fixture
def figures(monkeypatch):
    """The figures saved while the test runs (instead of writing them)."""
    saved = []
    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", lambda fig, *a, **k: saved.append(fig))
    return saved


def test_the_compare_chart_names_naive_once(figures, tmp_path):
    from seqlab.inspect.forecast_plots import plot_comparison

    y = pd.DataFrame({"y": np.sin(np.arange(80) / 3)})
    fitted = {m: Forecaster(m, target="y", lookback=4, epochs=1, verbose=0).fit(y) for m in ("linear", "naive")}
    plot_comparison({m: f.test_forecasts_ for m, f in fitted.items()}, {m: f.metrics_ for m, f in fitted.items()},
                    tmp_path / "c.png")
    bars = figures[0].axes[1]
    assert sorted(t.get_text() for t in bars.get_yticklabels()) == ["linear", "naive"]


def test_forecast_and_som_plots_label_their_axes(figures, tmp_path, capsys):
    from seqlab.inspect.forecast_plots import plot_forecast

    f = Forecaster("naive", target="y", lookback=4).fit(pd.DataFrame({"y": np.sin(np.arange(60) / 3)}))
    plot_forecast(f.test_forecasts_, tmp_path / "f.png")
    assert figures[0].axes[0].get_xlabel() == "row of the series (no time column)"
    data = tmp_path / "t.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(20, 3)), columns=list("abc")).to_csv(data, index=False)
    _run(["som", str(data), "--iterations", "20", "-q", "--out", str(tmp_path / "som")], capsys)
    ax = figures[-1].axes[0]
    assert ax.get_xlabel().startswith("map cell x") and ax.get_ylabel().startswith("map cell y")


def test_real_and_synthetic_keep_their_colours_across_synth_figures(figures, tmp_path):
    from seqlab.cli.synth import _plot_samples
    from seqlab.inspect.plots import REAL_COLOR, SYNTHETIC_COLOR
    from seqlab.tasks.generation.metrics import plot_embedding

    rng = np.random.default_rng(0)
    real, fake = rng.random((20, 5, 2)).astype("float32"), rng.random((20, 5, 2)).astype("float32")
    _plot_samples(real, fake, ["x", "y"], tmp_path / "s.png")
    plot_embedding(real, fake, tmp_path / "e.png", n=20, tsne=False)
    lines = {line.get_label(): matplotlib.colors.to_hex(line.get_color()) for line in figures[0].axes[0].lines
             if not line.get_label().startswith("_")}
    dots = {c.get_label(): matplotlib.colors.to_hex(c.get_facecolor()[0]) for c in figures[1].axes[0].collections}
    assert lines == dots == {"real": REAL_COLOR, "synthetic": SYNTHETIC_COLOR}
