"""``seqlab forecast FILE --series-per-column``: a table of a series per column beside its time (UCI's
electricity load, LSTNet's traffic and exchange rates) forecast by one global model, as NeuralForecast's users
melt it into a long panel; ``--target a,b`` alone forecasts the columns together, as one series of several values.
"""
import json

import numpy as np
import pandas as pd

from seqlab.cli import main


def columns_csv(tmp_path, n_series=4, days=80):
    rng = np.random.default_rng(0)
    t = np.arange(days)
    frame = pd.DataFrame({"date": pd.date_range("2012-01-01", periods=days, freq="D").strftime("%Y-%m-%d")})
    for k in range(n_series):
        frame[f"MT_{k:03d}"] = 10 * (k + 1) + np.sin(2 * np.pi * t / 7) * (k + 1) + rng.normal(0, .2, days)
    path = tmp_path / "LD.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_series_per_column_is_a_panel_of_one_global_model_and_predict_reads_the_file_the_same_way(tmp_path, capsys):
    path, out = columns_csv(tmp_path), tmp_path / "run"
    assert main(["forecast", str(path), "--series-per-column", "--model", "linear", "--lookback", "14",
                 "--horizon", "3", "--epochs", "2", "--no-classical", "--verbose", "0", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Panel: 4 series" in captured.out
    assert "4 series, one per column (MT_000, MT_001, MT_002, MT_003), forecast by one global model" in captured.err
    assert json.loads((out / "model" / "input.json").read_text())["series"] == ["MT_000", "MT_001", "MT_002",
                                                                                "MT_003"]
    assert main(["predict", str(out), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert list(table.columns) == ["id", "time", "forecast"] and len(table) == 12
    assert table["id"].unique().tolist() == ["MT_000", "MT_001", "MT_002", "MT_003"]
    assert table["time"].tolist()[:3] == ["2012-03-21", "2012-03-22", "2012-03-23"]
    assert abs(table.groupby("id")["forecast"].mean()["MT_003"] - 40) < 8    # each series at its own level


def test_target_columns_choose_the_series(tmp_path, capsys):
    path, out = columns_csv(tmp_path), tmp_path / "run"
    assert main(["forecast", str(path), "--series-per-column", "--target", "MT_001,MT_003", "--model", "linear",
                 "--lookback", "14", "--epochs", "1", "--no-classical", "--verbose", "0", "--out", str(out)]) == 0
    assert "Panel: 2 series" in capsys.readouterr().out


def test_a_table_of_one_series_or_with_an_id_column_is_one_line(tmp_path, capsys):
    path = tmp_path / "one.csv"
    pd.DataFrame({"date": pd.date_range("2012-01-01", periods=40).strftime("%Y-%m-%d"),
                  "load": np.arange(40.0)}).to_csv(path, index=False)
    for extra, message in (([], "--series-per-column needs two columns of values or more; "),
                           (["--id-col", "date"], "--series-per-column reads one series from each column")):
        assert main(["forecast", str(path), "--series-per-column", *extra, "--out", str(tmp_path / "r")]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1 and not (tmp_path / "r").exists()
    several = columns_csv(tmp_path)
    assert main(["forecast", str(several), "--out", str(tmp_path / "r")]) == 2
    assert "--series-per-column each as a series of one global model" in capsys.readouterr().err


def test_values_without_a_header_or_times_are_series_over_row_steps_and_an_exact_naive_forecast_is_no_crash(
        tmp_path, capsys):
    """LSTNet's exchange_rate.txt: eight columns of rates, no header, no dates, its last row a copy of the one
    before, so the naive forecast of the last step is exact: the OWA table divided by zero (a traceback)."""
    rng = np.random.default_rng(1)
    values = 1 + rng.normal(0, .01, (120, 3)).cumsum(axis=0)
    values[-1] = values[-2]
    path, out = tmp_path / "exchange_rate.txt", tmp_path / "run"
    path.write_text("\n".join(",".join(f"{v:.6f}" for v in row) for row in values) + "\n")
    assert main(["forecast", str(path), "--series-per-column", "--model", "linear", "--lookback", "8", "--epochs",
                 "1", "--no-classical", "--verbose", "0", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "its rows are steps 0, 1, 2, ..." in captured.err and "Panel: 3 series" in captured.out
    assert "lowest OWA: nan" not in captured.out and "Traceback" not in captured.err
    assert main(["predict", str(out), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert table["id"].tolist() == [0, 1, 2] and set(table["time"]) == {120}


def test_tune_says_a_panel_of_columns_is_not_tuned_yet(tmp_path, capsys):
    assert main(["tune", "forecast", str(columns_csv(tmp_path)), "--series-per-column", "--trials", "2",
                 "--out", str(tmp_path / "t")]) == 2
    assert "a panel (--id-col, --wide, --series-per-column) is not tuned yet" in capsys.readouterr().err
