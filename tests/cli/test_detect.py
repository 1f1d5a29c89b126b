"""seqlab detect: run directory contents, metrics with labels, bad input -> one line, exit 2."""
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main


@pytest.fixture
def table_csv(tmp_path):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 2))
    df = pd.DataFrame(np.c_[z, z.sum(1), z[:, 0] - z[:, 1]], columns=list("abcd"))
    df["label"] = 0
    df.loc[[5, 50, 150], list("abcd")] = [[6, -6, 6, 6]] * 3
    df.loc[[5, 50, 150], "label"] = 1
    path = tmp_path / "t.csv"
    df.to_csv(path, index=False)
    return path


def test_detect_writes_scores_flags_plot_metrics_and_report(table_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["detect", str(table_csv), "--label-col", "label", "--epochs", "5", "--contamination", "0.05",
                 "--out", str(out)]) == 0
    for name in ("scores.csv", "flagged.csv", "score.png", "metrics.json", "report.html", "loss.png",
                 "model/config.json"):
        assert (out / name).exists(), name
    scores = pd.read_csv(out / "scores.csv")
    assert len(scores) == 200 and {"score", "flagged", "label"} <= set(scores.columns)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["roc_auc"] > 0.9 and metrics["flagged"] == int(scores["flagged"].sum())
    assert "ROC-AUC" in capsys.readouterr().out


def test_detect_time_series_scores_every_step(tmp_path):
    s = np.sin(np.arange(300) / 3.0)
    s[200] += 4
    path = tmp_path / "s.csv"
    pd.DataFrame({"time": pd.date_range("2020", periods=300, freq="h").astype(str), "v": s}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["detect", str(path), "--time-col", "time", "--window", "8", "--model", "lstm", "--epochs", "2",
                 "--out", str(out)]) == 0
    scores = pd.read_csv(out / "scores.csv")
    assert len(scores) == 300 and "time" in scores.columns


@pytest.mark.parametrize("args,message", [
    (["--contamination", "0.7"], "contamination"),
    (["--contamination", "0"], "contamination"),
    (["--batch-size", "500"], "batch_size"),
    (["--label-col", "nope"], "not found"),
])
def test_detect_bad_options_exit_2_with_one_line(table_csv, tmp_path, capsys, args, message):
    out = tmp_path / "run"
    assert main(["detect", str(table_csv), "--epochs", "1", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not out.exists()


def test_detect_text_columns_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"a": np.arange(50.0), "b": ["x"] * 50}).to_csv(path, index=False)
    assert main(["detect", str(path), "--out", str(tmp_path / "run")]) == 2
    assert "non-numeric" in capsys.readouterr().err
