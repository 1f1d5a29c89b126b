"""``seqlab forecast`` and ``seqlab quickstart``: run directories, the comparison, and bad input."""
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main


@pytest.fixture
def csv(tmp_path):
    t = np.arange(96)
    df = pd.DataFrame({"date": pd.date_range("2001-01-01", periods=96, freq="MS").strftime("%Y-%m"),
                       "sales": 50 + t + 8 * np.sin(2 * np.pi * t / 12), "temp": np.cos(t / 3.0),
                       "label": ["a"] * 96})
    path = tmp_path / "sales.csv"
    df.to_csv(path, index=False)
    return path


def test_forecast_writes_the_run_directory(csv, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["forecast", str(csv), "--target", "sales", "--time-col", "date", "--model", "gru",
                 "--epochs", "2", "--units", "4", "--quantiles", "0.1,0.5,0.9", "--verbose", "0", "--out", str(out)])
    assert code == 0
    names = {p.name for p in out.iterdir()}
    assert {"model", "metrics.json", "history.json", "forecast.png", "loss.png", "report.html"} <= names
    metrics = json.loads((out / "metrics.json").read_text())
    assert "baseline" in metrics and metrics["baseline"]["model"] == "naive"
    assert len(json.loads((out / "history.json").read_text())["loss"]) == 2
    text = capsys.readouterr().out
    assert "RMSE" in text and "naive" in text and str(out / "report.html") in text


def test_compare_trains_each_model_on_the_same_split(csv, tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["forecast", str(csv), "--target", "sales", "--features", "temp", "--compare", "linear,mlp,naive",
                 "--epochs", "2", "--difference", "--verbose", "0", "--out", str(out)])
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["compare"]) == {"linear", "mlp", "naive"}
    assert metrics["compare"]["naive"]["rmse"] == pytest.approx(metrics["baseline"]["rmse"])
    assert (out / "compare.png").is_file() and (out / "models" / "mlp" / "config.json").is_file()


@pytest.mark.parametrize("args,message", [
    (["--target", "price"], "not found"),
    (["--target", "label"], "numeric"),
    (["--target", "gappy"], "NaN"),
    (["--target", "sales", "--lookback", "90"], "too short"),
    (["--target", "sales", "--horizon", "0"], "horizon"),
    (["--target", "sales", "--model", "prophet"], "unknown model"),
    (["--target", "sales", "--compare", ","], "at least one model"),
    (["--target", "sales", "--thousands", "ab"], "one character"),
    (["--target", "sales", "--season", "-3"], "season"),
    (["--target", "sales", "--time-col", "sales"], "time column"),
])
def test_bad_input_is_one_line_exit_2_and_leaves_nothing(csv, tmp_path, capsys, args, message):
    df = pd.read_csv(csv)
    df["gappy"] = df["sales"].where(df.index != 10)
    df.to_csv(csv, index=False)
    out = tmp_path / "bad"
    code = main(["forecast", str(csv), *args, "--epochs", "1", "--verbose", "0", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".bad")]


def test_without_target_the_only_numeric_column_is_forecast(tmp_path, capsys):
    path = tmp_path / "passengers.csv"
    pd.DataFrame({"Month": pd.date_range("2001-01-01", periods=60, freq="MS").strftime("%Y-%m"),
                  "Passengers": 100 + np.arange(60.0)}).to_csv(path)           # with pandas' index column
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--epochs", "1", "--units", "4", "--verbose", "0", "--out", str(out)]) == 0
    assert "forecasting column 'Passengers', the only numeric column" in capsys.readouterr().err
    assert json.loads((out / "model" / "config.json").read_text())["config"]["params"]["target"] == ["Passengers"]


def test_without_time_col_the_only_date_column_is_the_time(tmp_path, capsys):
    path = tmp_path / "passengers.csv"
    pd.DataFrame({"Month": pd.date_range("2001-01-01", periods=60, freq="MS").strftime("%Y-%m"),
                  "Passengers": 100 + np.arange(60.0)}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--epochs", "1", "--units", "4", "--verbose", "0", "--out", str(out)]) == 0
    assert "reading column 'Month' as the time of each row" in capsys.readouterr().err
    assert json.loads((out / "model" / "config.json").read_text())["config"]["params"]["time_col"] == "Month"


@pytest.mark.parametrize("frame", [
    {"start": ["2001-01", "2001-02"], "end": ["2001-02", "2001-03"], "v": [1.0, 2.0]},   # two date columns
    {"day": ["2001-01-01", "2001-01-01"], "v": [1.0, 2.0]},                              # a date that repeats
    {"name": ["spam", "eggs"], "v": [1.0, 2.0]},                                         # no dates
])
def test_no_time_column_is_guessed_from_two_date_columns_repeated_dates_or_text(frame):
    from seqlab.cli.common import only_time_column

    assert only_time_column(pd.DataFrame(frame), exclude=["v"]) is None


def test_without_target_a_year_column_of_whole_numbers_is_not_a_candidate(tmp_path, capsys):
    """Yearly files (``"Year","Water"`` with "1885", "1886", ...) have two numeric columns; the year counts time."""
    path = tmp_path / "water.csv"
    pd.DataFrame({"Year": 1885 + np.arange(60), "Water": 300 + np.sin(np.arange(60.0))}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--epochs", "1", "--units", "4", "--verbose", "0", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "forecasting column 'Water', the only numeric column" in err
    assert "'Year' counts time steps and is left out" in err


@pytest.mark.parametrize("frame, expected", [
    ({"Year": [1885, 1886, 1888], "Water": [1.5, 2.0, 3.0]}, (["Water"], ["Year"])),   # a time name: gaps allowed
    ({"a": [1, 2, 3], "b": [2, 4, 6]}, (["a", "b"], [])),                               # both count: neither left out
    ({"n": [10, 20, 30], "v": [1.5, 0.5, 2.5]}, (["v"], ["n"])),                      # a constant step
    ({"cases": [1, 5, 9, 20], "new": [1, 4, 4, 11]}, (["cases", "new"], [])),          # rising counts: kept
    ({"v": [1, 2, 3]}, (["v"], [])),                                                    # the only column stays
])
def test_value_columns_leave_out_columns_that_count_time(frame, expected):
    from seqlab.data.series import value_columns

    assert value_columns(pd.DataFrame(frame)) == expected


def test_without_target_several_numeric_columns_are_one_line_exit_2(csv, tmp_path, capsys):
    out = tmp_path / "bad"
    assert main(["forecast", str(csv), "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--target is required" in err and "sales, temp" in err
    assert err.endswith("; --target a,b forecasts several together, --series-per-column each as a series of one "
                        "global model)")
    assert not out.exists()


def test_the_differencing_choice_is_printed_and_reported(csv, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["forecast", str(csv), "--target", "sales", "--time-col", "date", "--model", "linear",
                 "--verbose", "0", "--out", str(out)]) == 0
    seen = json.loads((out / "metrics.json").read_text())["validation"]
    kept = {True: "first differences", "seasonal": "seasonal differences"}[seen["differenced"]]
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("modelled "))
    assert line.startswith(f"modelled {kept}: validation RMSE ") and "naive forecast" in line
    assert "Differencing, chosen on the validation rows" in (out / "report.html").read_text()


def test_missing_file_is_a_clean_error(tmp_path, capsys):
    assert main(["forecast", str(tmp_path / "none.csv"), "--target", "y", "--out", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err


def test_quickstart_runs_on_bundled_airline_data(tmp_path, capsys):
    out = tmp_path / "qs"
    assert main(["quickstart", "--epochs", "2", "--verbose", "0", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "airline" in text and "naive" in text and (out / "forecast.png").is_file()


@pytest.mark.parametrize("out_name", ["afile", "afile/run"])
def test_out_pointing_at_a_file_is_one_line_exit_2(csv, tmp_path, capsys, out_name):
    (tmp_path / "afile").write_text("keep")
    code = main(["forecast", str(csv), "--target", "sales", "--model", "naive", "--verbose", "0",
                 "--out", str(tmp_path / out_name)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "--out" in err
    assert (tmp_path / "afile").read_text() == "keep"


def test_a_windows_1252_file_is_forecast_with_one_warning(tmp_path, capsys):
    path = tmp_path / "ventes.csv"   # saved by Excel on a French Windows: not UTF-8
    rows = "".join(f"2020-01-{d:02d},{d % 7}\n" for d in range(1, 31))
    path.write_bytes(("date,ventes_€\n" + rows).encode("cp1252"))
    assert main(["forecast", str(path), "--target", "ventes_€", "--model", "naive", "--verbose", "0",
                 "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert err.count("is not UTF-8 text") == 1 and "read as Windows-1252" in err


def test_a_binary_file_is_one_line_exit_2(tmp_path, capsys):
    path = tmp_path / "book.csv"   # a workbook saved under a .csv name
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\xe9\xff,1\n")
    assert main(["forecast", str(path), "--target", "v", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "binary" in err and not (tmp_path / "o").exists()


def test_compare_with_naive_prints_one_naive_column_and_says_nothing_beat_it(csv, tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(["forecast", str(csv), "--target", "sales", "--compare", "naive,seasonal_naive", "--season", "5",
                 "--verbose", "0", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "naive", "seasonal_naive"]
    best = json.loads((out / "metrics.json").read_text())["best"]
    assert ("naive has the lowest" in text) == (best == "naive") and "naive does NOT beat" not in text


def test_the_combination_with_a_baseline_is_reported_and_no_combine_turns_it_off(tmp_path, capsys):
    csv = tmp_path / "walk.csv"                # a random walk: validation gives the network a weight below 1
    pd.DataFrame({"y": 50 + np.cumsum(np.random.default_rng(2).normal(size=96))}).to_csv(csv, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(csv), "--target", "y", "--model", "linear", "--verbose", "0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    c = metrics["combination"]
    w = c["weights"]["y"]
    assert 0 < w < 1 and c["baseline"] == "naive" and c["validation_windows"] == 9
    assert metrics["verdict"].startswith(f"linear shrunk toward naive (w={w:.2f}) ")
    assert "the strong baseline naive" in metrics["verdict"]             # compared with the baseline alone
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("linear shrunk toward"))
    assert f"{w:.2f} x linear" in line and "9 validation windows" in line and "the network alone: test RMSE" in line
    assert "Combination with a baseline" in (out / "report.html").read_text()
    alone = tmp_path / "alone"
    assert main(["forecast", str(csv), "--target", "y", "--model", "linear", "--no-combine", "--verbose", "0",
                 "--out", str(alone)]) == 0
    plain = json.loads((alone / "metrics.json").read_text())
    assert "combination" not in plain and plain["verdict"].startswith("linear ")
    assert plain["rmse"] == pytest.approx(c["network"]["rmse"])
    assert "shrunk" not in capsys.readouterr().out


def test_the_verdict_says_whether_the_difference_is_significant_by_diebold_mariano(csv, tmp_path, capsys):
    from seqlab.tasks.forecasting import Forecaster
    from seqlab.tasks.forecasting.metrics import diebold_mariano

    out = tmp_path / "run"
    assert main(["forecast", str(csv), "--target", "sales", "--time-col", "date", "--model", "linear",
                 "--epochs", "1", "--test-size", "12", "--verbose", "0", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    test = m["significance"]
    assert test["test"] == "Diebold-Mariano" and test["windows"] == 12 and 0 <= test["p_value"] <= 1
    verdict = [line for line in capsys.readouterr().out.splitlines() if line.startswith("verdict:")][0]
    p = "p < 0.001" if test["p_value"] < 0.001 else f"p = {test['p_value']:.2g}"
    assert verdict.endswith(f"significant at 5%: Diebold-Mariano {p} on 12 forecasts)")
    # the figures are the test of the run's own test forecasts against its strong baseline's
    df = pd.read_csv(csv)
    f = Forecaster("linear", target="sales", time_col="date", epochs=1, test_size=12, verbose=0).fit(df)
    fc, sig = f.test_forecasts_, f.metrics_["significance"]
    against = fc["seasonal"] if sig["against"].startswith("seasonal") else fc["naive"]
    assert sig == {"test": "Diebold-Mariano", "against": sig["against"],
                   **diebold_mariano(fc["actual"], fc["model"], against)}


def test_a_file_without_a_header_warns_once_and_names_its_columns_by_position(tmp_path, capsys):
    path = tmp_path / "rates.txt"
    rng = np.random.default_rng(0)
    path.write_text("".join(f"{a:.6f},{b:.6f}\n" for a, b in rng.normal(size=(60, 2))))
    assert main(["forecast", str(path), "--verbose", "0", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip().splitlines()    # the file is read twice (columns, then data): one warning
    assert err == ["seqlab: warning: rates.txt has no header row (its first line is data): its columns are named "
                   "0 to 1", err[1]] and err[1].startswith("seqlab: error: --target is required")
    assert "numeric columns are 0, 1;" in err[1] and not (tmp_path / "r").exists()


def test_a_date_column_and_a_time_of_day_column_are_read_together_as_the_time(tmp_path, capsys):
    """UCI's household power file has a Date column and a Time column. The Time column was guessed as the
    time of each row and the rows sorted by the time of day, mixing the days; now the two are read together
    (``--time-col Date,Time``, as pandas' ``parse_dates=[["Date", "Time"]]``), in predict too, and the
    readings' "?" gaps are filled when --fill says so."""
    path = tmp_path / "household_power_consumption.txt"
    times = pd.date_range("2006-12-16 23:30", periods=60, freq="min")
    rows = [f"{t.day}/{t.month}/{t.year};{t:%H:%M:%S};{'?' if i == 7 else f'{1 + i / 10:.3f}'};234.840"
            for i, t in enumerate(times)]
    path.write_text("Date;Time;Global_active_power;Voltage\n" + "\n".join(rows) + "\n")
    out = tmp_path / "o"
    assert main(["forecast", str(path), "--target", "Global_active_power", "--fill", "interpolate", "--model",
                 "naive", "--verbose", "0", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "sorted them" not in err and "reading columns 'Date' and 'Time' together as the time of each row" in err
    actual = 1 + np.arange(48, 60) / 10          # the last 20% of the rows in time order, each 0.1 above the last
    mape = json.loads((out / "metrics.json").read_text())["mape"]
    assert mape == pytest.approx(100 * np.mean(0.1 / actual))
    assert main(["predict", str(out), str(path), "--out", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["Date,Time"].tolist() == ["2006-12-17 00:30:00"]


def test_year_month_day_hour_columns_are_read_together_as_the_time(tmp_path, capsys):
    """The Beijing PM2.5 file (``No,year,month,day,hour,pm2.5,...``) keeps its time in four columns. No time was
    read (no time step, no future times in predict) and without --target the four were offered as values to
    forecast; now they are one time (``--time-col year,month,day,hour``, pandas' ``to_datetime`` of a frame), left
    out of the values, and predict writes the next hour with its clock (pandas' CSV writer dropped a midnight's)."""
    path = tmp_path / "pollution.csv"
    times = pd.date_range("2014-12-30 00:00", periods=48, freq="h")
    rows = [f"{i + 1},{t.year},{t.month},{t.day},{t.hour},{10 + i % 5}" for i, t in enumerate(times)]
    path.write_text("No,year,month,day,hour,pm2.5\n" + "\n".join(rows) + "\n")
    out = tmp_path / "o"
    assert main(["forecast", str(path), "--model", "naive", "--verbose", "0", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "reading columns 'year', 'month', 'day' and 'hour' together as the time of each row" in err
    assert "forecasting column 'pm2.5'" in err
    assert json.loads((out / "model" / "preprocessing.json").read_text())["freq"] == "h"
    assert main(["predict", str(out), str(path), "--out", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["year,month,day,hour"].tolist() == ["2015-01-01 00:00:00"]


def test_a_date_column_and_a_column_of_whole_hours_are_read_together_as_the_time(tmp_path, capsys):
    """UCI's bike sharing ``hour.csv`` keeps each row's date in ``dteday`` and its hour in ``hr`` (0-23): no time
    was read; now the two are one time, as a Date,Time pair is."""
    path = tmp_path / "hour.csv"
    times = pd.date_range("2011-01-01", periods=72, freq="h")
    rows = [f"{i + 1},{t:%Y-%m-%d},{t.hour},{5 + t.hour % 6}" for i, t in enumerate(times)]
    path.write_text("instant,dteday,hr,cnt\n" + "\n".join(rows) + "\n")
    out = tmp_path / "o"
    assert main(["forecast", str(path), "--target", "cnt", "--model", "naive", "--verbose", "0",
                 "--out", str(out)]) == 0
    assert "reading columns 'dteday' and 'hr' together as the time of each row" in capsys.readouterr().err
    assert json.loads((out / "model" / "preprocessing.json").read_text())["freq"] == "h"
    assert main(["predict", str(out), str(path), "--out", str(tmp_path / "p.csv")]) == 0
    assert pd.read_csv(tmp_path / "p.csv")["dteday,hr"].tolist() == ["2011-01-04 00:00:00"]


def test_a_series_per_column_beside_a_headerless_time_column_is_not_a_panel_per_row(tmp_path, capsys):
    """UCI's electricity file (LD2011_2014.txt: ``;``, decimal commas, an unnamed column of times, then MT_001 ...
    MT_370) was read as an M4 file (a series per row, the numbered columns its steps), and with --target its time
    column was dropped as a pandas index; without --target the refusal listed all 370 columns twice."""
    times = pd.date_range("2011-01-01 00:15", periods=80, freq="15min")
    rng = np.random.default_rng(0)
    rows = [";".join([f"{t:%Y-%m-%d %H:%M:%S}", *(f"{v:.3f}".replace(".", ",") for v in rng.random(20) * 100)])
            for t in times]
    path = tmp_path / "LD2011_2014.txt"
    path.write_text(";" + ";".join(f"MT_{i:03d}" for i in range(1, 21)) + "\n" + "\n".join(rows) + "\n")
    assert main(["forecast", str(path), "--model", "naive", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "M4" not in err and "MT_012, ... (8 more)" in err and err.count("seqlab: error") == 1
    out = tmp_path / "b"
    assert main(["forecast", str(path), "--target", "MT_001", "--model", "naive", "--verbose", "0",
                 "--out", str(out)]) == 0
    assert "reading column 'Unnamed: 0' as the time of each row" in capsys.readouterr().err
    assert json.loads((out / "model" / "preprocessing.json").read_text())["freq"] == "15min"


def test_a_parquet_series_is_forecast_and_predicted_and_a_broken_one_is_one_line(tmp_path, capsys):
    """A Parquet file was read as a CSV (a panel's alone was read as Parquet); a broken one raised pyarrow's
    ArrowInvalid (a traceback) from the NeuralForecast-format check."""
    pytest.importorskip("pyarrow")
    path = tmp_path / "sales.parquet"
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    pd.DataFrame({"day": days, "sales": np.arange(40.0) % 7}).to_parquet(path)
    out = tmp_path / "o"
    assert main(["forecast", str(path), "--model", "naive", "--verbose", "0", "--out", str(out)]) == 0
    assert "reading column 'day' as the time of each row" in capsys.readouterr().err
    assert main(["predict", str(out), str(path)]) == 0
    assert "2020-02-10" in capsys.readouterr().out
    broken = tmp_path / "broken.parquet"
    broken.write_text("hello")
    assert main(["forecast", str(broken), "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a readable Parquet file" in err


def test_times_that_cross_a_daylight_saving_change_are_read_as_utc(tmp_path, capsys):
    """A local clock with its UTC offset (``+01:00`` then ``+02:00`` after the last Sunday of March) raised
    pandas' "Tz-aware datetime.datetime cannot be converted to datetime64" (a traceback)."""
    times = pd.date_range("2021-03-26", periods=72, freq="h", tz="Europe/Berlin")
    path = tmp_path / "load.csv"
    pd.DataFrame({"time": [str(t) for t in times], "load": np.arange(72.0) % 24}).to_csv(path, index=False)
    out = tmp_path / "o"
    assert main(["forecast", str(path), "--model", "naive", "--verbose", "0", "--out", str(out)]) == 0
    assert "column 'time' holds times with UTC offsets (+01:00, -0800): read as UTC times" in capsys.readouterr().err
    assert main(["predict", str(out), str(path)]) == 0
    assert "2021-03-28 23:00:00" in capsys.readouterr().out      # 72 hours after 2021-03-25 23:00 UTC
