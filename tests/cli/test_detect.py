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
    printed = capsys.readouterr().out
    assert "ROC-AUC" in printed


def test_detect_report_carries_isolation_forest_and_a_verdict(table_csv, tmp_path, capsys):
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score

    out = tmp_path / "run"
    assert main(["detect", str(table_csv), "--label-col", "label", "--epochs", "3", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    strong = metrics["strong_baseline"]
    df = pd.read_csv(table_csv)
    x = df[list("abcd")].to_numpy()
    direct = -IsolationForest(random_state=0).fit((x - x.mean(0)) / x.std(0)).score_samples((x - x.mean(0)) / x.std(0))
    scores = pd.read_csv(out / "scores.csv")
    np.testing.assert_allclose(scores["isolation_forest_score"], direct)
    assert strong["name"] == "IsolationForest" and strong["roc_auc"] == pytest.approx(roc_auc_score(df.label, direct))
    assert metrics["verdict"].startswith("dense autoencoder ") and "IsolationForest: ROC-AUC" in metrics["verdict"]
    assert metrics["training"]["budget"] == "fixed" and metrics["training"]["epochs"] == 3
    printed = capsys.readouterr().out
    assert "verdict: dense autoencoder" in printed and "trained 3 epochs" in printed
    assert "IsolationForest" in (out / "report.html").read_text()


def test_detect_without_labels_says_there_is_nothing_to_judge_by(table_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["detect", str(table_csv), "--drop", "label", "--epochs", "2", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert "verdict" not in metrics and -1 <= metrics["strong_baseline"]["rank_correlation"] <= 1
    assert "verdict: no --label-col" in capsys.readouterr().out


def test_detect_refuses_one_class_labels_before_training(table_csv, tmp_path, capsys, monkeypatch):
    from seqlab.tasks.unsupervised.anomaly import AnomalyDetector

    df = pd.read_csv(table_csv).assign(label=0)
    df.to_csv(table_csv, index=False)
    monkeypatch.setattr(AnomalyDetector, "fit", lambda *a, **k: pytest.fail("trained before the labels were read"))
    assert main(["detect", str(table_csv), "--label-col", "label", "--out", str(tmp_path / "run")]) == 2
    assert "both present" in capsys.readouterr().err and not (tmp_path / "run").exists()


def test_isolation_forest_scores_of_windows_map_to_steps():
    from sklearn.ensemble import IsolationForest

    from seqlab.tasks.unsupervised.anomaly import isolation_forest_scores, sliding_windows, steps_from_windows

    v = np.sin(np.arange(60) / 3.0)[:, None]
    z = (v - v.mean()) / v.std()
    win = sliding_windows(z, 5).reshape(56, 5)
    per_window = -IsolationForest(random_state=1).fit(win).score_samples(win)
    expected = steps_from_windows(np.repeat(per_window[:, None], 5, axis=1), 60)
    np.testing.assert_allclose(isolation_forest_scores(v, window=5, seed=1), expected)
    assert expected[0] == per_window[0] and expected[10] == pytest.approx(per_window[6:11].mean())


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


def test_one_column_without_a_window_gets_a_note(tmp_path, capsys):
    path = tmp_path / "s.csv"
    pd.DataFrame({"v": np.sin(np.arange(100) / 3.0)}).to_csv(path, index=False)
    assert main(["detect", str(path), "--epochs", "1", "-q", "--out", str(tmp_path / "run")]) == 0
    assert "for a time series give --window N" in capsys.readouterr().err


def test_a_timestamp_value_file_is_a_series_without_flags_and_flagged_rows_keep_their_times(tmp_path, capsys):
    """NAB's layout, ``timestamp,value``: it stopped with 'column timestamp is non-numeric' unless --time-col was
    given; flagged.csv, sorted by score, paired each flagged row with the time of another."""
    rng = np.random.default_rng(0)
    value = np.sin(np.arange(300) / 10) + 0.05 * rng.normal(size=300)
    value[200:205] += 4
    times = pd.date_range("2020-01-01", periods=300, freq="5min")
    path = tmp_path / "nab.csv"
    pd.DataFrame({"timestamp": times.strftime("%Y-%m-%d %H:%M:%S"), "value": value}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["detect", str(path), "--epochs", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reading column 'timestamp' as the time" in err and "windows of 32 steps" in err
    assert json.loads((out / "metrics.json").read_text())["mode"] == "time series"
    flagged = pd.read_csv(out / "flagged.csv")
    assert flagged["score"].is_monotonic_decreasing and len(flagged) > 1
    assert (pd.to_datetime(flagged["timestamp"]) == times[flagged["row"].to_numpy()]).all()


def test_an_aeon_anomaly_file_reads_its_labels_and_row_counter_as_such(tmp_path, capsys):
    """aeon's and TSB-UAD's layout, ``timestamp,value,is_anomaly`` with timestamp 0, 1, 2, ...: all three columns
    were trained on, the anomaly labels among the features, each row scored on its own."""
    rng = np.random.default_rng(0)
    value = np.sin(np.arange(300) / 10) + 0.05 * rng.normal(size=300)
    value[200:205] += 4
    path = tmp_path / "aeon.csv"
    pd.DataFrame({"timestamp": np.arange(300), "value": value,
                  "is_anomaly": (np.arange(300) // 5 == 40).astype(int)}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["detect", str(path), "--epochs", "2", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reading column 'is_anomaly' as the anomaly labels" in err and "reading column 'timestamp'" in err
    recorded = json.loads((out / "model" / "input.json").read_text())
    assert recorded["columns"] == ["value"] and recorded["label_col"] == "is_anomaly"
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["mode"] == "time series" and "roc_auc" in metrics


def test_anomaly_labels_of_one_class_are_left_out_not_trained_on(tmp_path, capsys):
    rng = np.random.default_rng(0)
    path = tmp_path / "normal.csv"
    pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100), "is_anomaly": 0}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["detect", str(path), "--epochs", "1", "--out", str(out)]) == 0
    assert "left out column 'is_anomaly'" in capsys.readouterr().err
    assert json.loads((out / "model" / "input.json").read_text())["columns"] == ["a", "b"]
    test = tmp_path / "test.csv"        # aeon's TRAIN of normal rows, TEST with anomalies: predict scores it
    pd.DataFrame({"a": [0.1, 9.0, -0.2, 0.3], "b": [0.0, 9.0, 0.1, -0.1], "is_anomaly": [0, 1, 0, 0]}).to_csv(
        test, index=False)
    assert main(["predict", str(out), str(test)]) == 0
    assert "roc_auc" in capsys.readouterr().err


def test_predict_scores_a_file_whose_labels_are_all_normal(table_csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["detect", str(table_csv), "--label-col", "label", "--epochs", "1", "--out", str(out)]) == 0
    normal = tmp_path / "normal.csv"
    pd.read_csv(table_csv).query("label == 0").to_csv(normal, index=False)
    capsys.readouterr()
    assert main(["predict", str(out), str(normal)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 198 and "roc_auc" not in captured.err


def test_a_series_with_a_daily_cycle_is_scored_in_windows_of_a_day(tmp_path, capsys):
    """Keras' anomaly example (NAB's art_daily_small_noise, 5-minute readings) takes windows of a day, 288 steps;
    seqlab took 32, which see a fraction of the daily shape: a day whose peak jumps scored ROC-AUC 0.55, 0.77 in
    windows of a day (``docs/baselines.md``)."""
    rng = np.random.default_rng(0)
    steps = np.arange(288 * 8)
    value = np.where(steps % 288 < 100, 20.0, 80.0) + rng.normal(0, 2, len(steps))
    times = pd.date_range("2014-04-01", periods=len(steps), freq="5min")
    path = tmp_path / "art_daily_small_noise.csv"
    pd.DataFrame({"timestamp": times.strftime("%Y-%m-%d %H:%M:%S"), "value": value}).to_csv(path, index=False)
    assert main(["detect", str(path), "--epochs", "1", "-q", "--out", str(tmp_path / "run")]) == 0
    assert "scored in windows of 288 steps (one seasonal cycle of 288 steps at 5min)" in capsys.readouterr().err
    path.write_text("timestamp,value\n" + "".join(f"{t},{v}\n" for t, v in zip(times, rng.normal(size=len(times)))))
    assert main(["detect", str(path), "--epochs", "1", "-q", "--out", str(tmp_path / "noise")]) == 0
    assert "scored in windows of 32 steps (--window N chooses)" in capsys.readouterr().err
