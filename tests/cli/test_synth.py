"""seqlab synth: synthetic.csv in original units, the two TimeGAN scores, plots; bad input exits 2."""
import json

import numpy as np
import pandas as pd

from seqlab.cli import main


def _series(tmp_path, text=False):
    t = np.arange(120.0)
    df = pd.DataFrame({"date": pd.date_range("2020", periods=120).astype(str), "x": 100 + 10 * np.sin(t / 5),
                       "y": 5 + np.cos(t / 7)})
    if text:
        df["note"] = "n"
    path = tmp_path / "s.csv"
    df.to_csv(path, index=False)
    return path


def test_synth_writes_windows_scores_and_plots(tmp_path):
    out = tmp_path / "run"
    assert main(["synth", str(_series(tmp_path)), "--time-col", "date", "--seq-len", "8", "--model", "rnn",
                 "--epochs", "2", "--n", "20", "--batch-size", "16", "--metric-iterations", "20",
                 "--out", str(out)]) == 0
    syn = pd.read_csv(out / "synthetic.csv")
    assert list(syn.columns) == ["sample", "step", "x", "y"] and len(syn) == 20 * 8
    assert syn["x"].between(90 - 1e-3, 110 + 1e-3).all()          # original units
    m = json.loads((out / "metrics.json").read_text())
    assert 0 <= m["discriminative_score"] <= 0.5 and m["predictive_score"] >= 0
    for name in ("embedding.png", "samples.png", "loss.png", "report.html", "model/model.safetensors"):
        assert (out / name).exists(), name


def test_synth_refuses_text_columns_and_short_series(tmp_path, capsys):
    assert main(["synth", str(_series(tmp_path, text=True)), "--seq-len", "8", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "column 'note' is non-numeric" in err and "(--drop note)" in err and err.count("\n") == 1
    assert main(["synth", str(_series(tmp_path)), "--time-col", "date", "--seq-len", "110",
                 "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err    # the default batch is cut to the windows: the series is too short, not the batch
    assert "11 windows of 110 steps (120 rows): fewer than 16 windows" in err and "--batch-size" not in err
    assert err.count("\n") == 1 and not (tmp_path / "b").exists()
    assert main(["synth", str(_series(tmp_path)), "--seq-len", "100", "--batch-size", "32",
                 "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert "fewer than the batch size 32" in err and err.count("\n") == 1 and not (tmp_path / "b").exists()


def test_synth_leaves_out_the_only_date_column_without_time_col(tmp_path, capsys):
    """``seqlab synth ETTh1.csv`` stopped at its date column unless --time-col named it (forecast, detect find it)."""
    out = tmp_path / "run"
    assert main(["synth", str(_series(tmp_path)), "--seq-len", "8", "--model", "rnn", "--epochs", "1", "--n", "5",
                 "--batch-size", "16", "--metric-iterations", "5", "--out", str(out)]) == 0
    assert "reading column 'date' as the time of each row" in capsys.readouterr().err
    recorded = json.loads((out / "model" / "input.json").read_text())
    assert recorded["columns"] == ["x", "y"] and recorded["time_col"] == "date"


def test_synth_leaves_out_a_row_number_and_an_id_unless_the_columns_are_named(tmp_path, capsys):
    path = _series(tmp_path)
    table = pd.read_csv(path)
    table.insert(0, "row", range(len(table)))
    table.insert(0, "id", [f"r{k}" for k in np.random.default_rng(0).permutation(len(table))])
    table.to_csv(path, index=False)
    options = ["--seq-len", "8", "--model", "rnn", "--epochs", "1", "--n", "5", "--batch-size", "16",
               "--metric-iterations", "5"]
    assert main(["synth", str(path), *options, "--out", str(tmp_path / "run")]) == 0
    warned = [line for line in capsys.readouterr().err.splitlines() if "left out column(s)" in line]
    assert len(warned) == 1 and warned[0].startswith("seqlab: warning: ") and "'id', 'row'" in warned[0]
    assert json.loads((tmp_path / "run" / "model" / "input.json").read_text())["columns"] == ["x", "y"]
    assert main(["synth", str(path), *options, "--columns", "row,x", "--out", str(tmp_path / "named")]) == 0
    assert "left out column(s)" not in capsys.readouterr().err
    assert json.loads((tmp_path / "named" / "model" / "input.json").read_text())["columns"] == ["row", "x"]
