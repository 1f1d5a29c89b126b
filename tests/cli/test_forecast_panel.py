"""``seqlab forecast --id-col`` (a panel, long or --wide) and ``seqlab predict`` of its model:
the run directory, the aggregate table with the baselines, and bad input as one line with exit 2."""
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main


def wide_csv(tmp_path, n=12, years=30):
    rng = np.random.default_rng(0)
    trend = rng.uniform(-0.1, 0.1, n)
    values = 5 + trend[:, None] * np.arange(years) + 0.05 * rng.normal(size=(n, years)).cumsum(axis=1)
    frame = pd.DataFrame(values, columns=[str(1980 + k) for k in range(years)])
    frame.iloc[0, :3] = np.nan                        # one series starts later, one ends earlier
    frame.iloc[1, -2:] = np.nan
    frame.insert(0, "Country", [f"c{i}" for i in range(n)])
    frame.insert(1, "Indicator", "fertility")          # a text column that is neither id nor time: left out
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    return path


def test_wide_panel_run_and_predict(tmp_path, capsys):
    path, out = wide_csv(tmp_path), tmp_path / "run"
    code = main(["forecast", str(path), "--wide", "--id-col", "Country", "--model", "mlp", "--difference",
                 "--lookback", "6", "--horizon", "3", "--epochs", "3", "--backtest", "2", "--verbose", "0",
                 "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Panel: 12 series" in text and "seasonal_naive" in text and "OWA" in text and "naive on sMAPE" in text
    names = {p.name for p in out.iterdir()}
    assert {"model", "metrics.json", "per_series.csv", "errors.png", "series.png", "report.html"} <= names
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"mlp", "naive", "seasonal_naive"} <= set(metrics["table"]) and metrics["series"] == 12
    assert len(pd.read_csv(out / "per_series.csv", header=[0, 1], index_col=0)) == 12
    assert "Rolling-origin backtest, 2 cutoffs" in text and len(pd.read_csv(out / "backtest.csv")) == 2 * 5
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out), str(path), "--output", str(preds)]) == 0
    table = pd.read_csv(preds)
    assert list(table.columns) == ["id", "time", "forecast"] and len(table) == 36
    assert table[table.id == "c1"]["time"].tolist() == [2008, 2009, 2010]      # after its own last value


def test_long_panel_with_covariates_from_parquet(tmp_path, capsys):
    grunfeld = pd.read_csv("../shared/data/grunfeld/grunfeld.csv")
    path = tmp_path / "g.parquet"
    grunfeld.to_parquet(path)
    out = tmp_path / "g"
    code = main(["forecast", str(path), "--id-col", "firm", "--time-col", "year", "--target", "invest",
                 "--past-features", "value,capital", "--static-features", "firm", "--model", "linear",
                 "--lookback", "4", "--horizon", "2", "--quantiles", "0.1,0.5,0.9", "--epochs", "2",
                 "--no-classical", "--verbose", "0", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert "Panel: 11 series" in capsys.readouterr().out
    assert main(["predict", str(out), str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "id,time,forecast,forecast_q0.1,forecast_q0.5,forecast_q0.9" and len(lines) == 23


def test_two_id_columns_and_calendar_time_columns_name_each_series_and_its_times(tmp_path, capsys):
    """Kaggle's store-item demand keys each series by two columns (``date,store,item,sales``), as Darts'
    ``from_group_dataframe(group_cols=[...])`` takes them; ``--id-col store,item`` read neither. Here the time is in
    two calendar columns too (``--time-col year,month``), as a panel's monthly tables may keep it."""
    rows = [{"year": 2000 + m // 12, "month": m % 12 + 1, "store": s, "item": i, "sales": 10 * s + i + (m % 12)}
            for s in (1, 2) for i in (1, 2, 3) for m in range(48)]
    path, out = tmp_path / "demand.csv", tmp_path / "run"
    pd.DataFrame(rows).to_csv(path, index=False)
    assert main(["forecast", str(path), "--id-col", "store,item", "--time-col", "year,month", "--target", "sales",
                 "--model", "linear", "--lookback", "12", "--epochs", "1", "--no-classical", "--verbose", "0",
                 "--out", str(out)]) == 0
    assert "Panel: 6 series" in capsys.readouterr().out
    assert main(["predict", str(out), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert list(table.columns) == ["id", "store", "item", "time", "forecast"]
    assert table["id"].tolist()[:2] == ["1/1", "1/2"] and table["item"].tolist()[:2] == [1, 2]
    assert set(table["time"]) == {"2004-01-01"}


@pytest.mark.parametrize("change,message", [
    ("short", "series 'c3' too short"),
    ("misaligned", "series 'c5': date 1980-07-01 is misaligned"),
])
def test_bad_panels_exit_2_naming_the_series(tmp_path, capsys, change, message):
    path = wide_csv(tmp_path)
    frame = pd.read_csv(path)
    long = frame.melt(id_vars=["Country", "Indicator"], var_name="year", value_name="y").dropna()
    long["year"] = long["year"].astype(int)
    if change == "short":
        long = long[(long.Country != "c3") | (long.year > 2000)]
    else:                                            # yearly dates; c5's fall in July, off the others' grid
        long["year"] = long["year"].astype(str) + np.where(long.Country == "c5", "-07-01", "-01-01")
    long.to_csv(path, index=False)
    out = tmp_path / "bad"
    code = main(["forecast", str(path), "--id-col", "Country", "--time-col", "year", "--target", "y",
                 "--lookback", "6", "--horizon", "3", "--epochs", "1", "--verbose", "0", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and message in err and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert not out.exists()


def test_predict_without_the_future_features_exits_2(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = [{"id": f"s{i}", "week": w, "sales": 10 + 3 * p + rng.normal(0, 0.1), "promo": p}
            for i in range(4) for w, p in enumerate(rng.integers(0, 2, 30))]
    path = tmp_path / "sales.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--id-col", "id", "--time-col", "week", "--target", "sales",
                 "--future-features", "promo", "--model", "linear", "--lookback", "4", "--horizon", "2",
                 "--no-classical", "--verbose", "0", "--out", str(out)]) == 0
    pd.DataFrame(rows).drop(columns="promo").to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(out), str(tmp_path / "new.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "predict needs the future features promo over the next 2 steps; missing from the table: promo" in err


def test_a_unique_id_ds_y_file_is_read_as_a_panel_without_id_col(tmp_path, capsys):
    """NeuralForecast's and StatsForecast's long format: ``unique_id, ds, y`` needs no --id-col/--time-col/--target."""
    long = pd.read_csv(wide_csv(tmp_path)).drop(columns="Indicator").melt(id_vars="Country", var_name="ds",
                                                                          value_name="y").dropna()
    path = tmp_path / "long.csv"
    long.rename(columns={"Country": "unique_id"}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--model", "linear", "--lookback", "4", "--no-classical", "--verbose", "0",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "NeuralForecast's long format" in captured.err and "Panel: 12 series" in captured.out
    assert json.loads((out / "metrics.json").read_text())["series"] == 12


def test_an_m4_style_file_is_read_as_a_wide_panel_without_flags(tmp_path, capsys):
    """The M4 competition's files: ``V1, V2, V3, ...``, a series per row from its first value (``Y1``, then its
    values, then empty cells). It asked for --target; with --wide --id-col V1 no column read as a time step; with
    step names 1, 2, 3, ... the header was taken for a row of data."""
    rng = np.random.default_rng(0)
    lengths = [20 + (i % 7) for i in range(12)]
    rows = [[f"Y{i + 1}", *(100 + np.cumsum(rng.normal(1, 1, n))).round(2), *[None] * (26 - n)]
            for i, n in enumerate(lengths)]
    frame = pd.DataFrame(rows, columns=[f"V{j + 1}" for j in range(27)])
    path = tmp_path / "Yearly-train.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--model", "linear", "--lookback", "4", "--no-classical", "--verbose", "0",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "holds a series per row named in 'V1'" in captured.err and "Panel: 12 series" in captured.out
    assert main(["predict", str(out), str(path), "--out", str(tmp_path / "p.csv")]) == 0
    predicted = pd.read_csv(tmp_path / "p.csv")
    assert predicted["id"].tolist() == [f"Y{i + 1}" for i in range(12)] and predicted["time"].tolist() == lengths
    numbered = tmp_path / "numbered.csv"       # the step columns named 1, 2, 3, ...: still a header
    frame.set_axis(["id", *map(str, range(1, 27))], axis=1).to_csv(numbered, index=False)
    assert main(["forecast", str(numbered), "--wide", "--id-col", "id", "--model", "linear", "--lookback", "4",
                 "--no-classical", "--verbose", "0", "--out", str(tmp_path / "run2")]) == 0
    assert "no header row" not in capsys.readouterr().err


def test_a_panel_trained_with_drop_short_predicts_its_own_file_and_is_refused_by_export(tmp_path, capsys):
    """The run prints ``predict: seqlab predict RUN FILE``; with --drop-short that command stopped on the series
    training had left out. Export of a panel model raised an AttributeError (a traceback)."""
    path = wide_csv(tmp_path)
    frame = pd.read_csv(path)
    frame.iloc[2, 2:-3] = np.nan                       # c2: three values only
    frame.to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--wide", "--id-col", "Country", "--model", "linear", "--lookback", "6",
                 "--drop-short", "--no-classical", "--verbose", "0", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["predict", str(out), str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == ("seqlab: warning: left out 1 series with fewer than lookback=6 observed rows, "
                                    "as training did (drop_short): 'c2'")
    assert "c2" not in captured.out and len(captured.out.strip().splitlines()) == 1 + 11
    assert main(["export", str(out), "--out", str(tmp_path / "onnx")]) == 0
    assert sorted(p.name for p in (tmp_path / "onnx").iterdir()) == ["model.onnx", "preprocessing.json"]


def test_default_panel_run_names_its_choices_and_the_opt_outs_drop_them(tmp_path, capsys):
    path = wide_csv(tmp_path)
    common = ["forecast", str(path), "--wide", "--id-col", "Country", "--model", "mlp", "--lookback", "6",
              "--epochs", "3", "--no-classical", "--verbose", "0"]
    assert main([*common, "--out", str(tmp_path / "auto")]) == 0
    text = capsys.readouterr().out
    metrics = json.loads((tmp_path / "auto" / "metrics.json").read_text())
    c = metrics["combination"]
    assert set(metrics["validation_mase"]) == {"values", "first differences"}
    assert metrics["difference"] in ("values", "first differences") and 0 <= c["weight"] <= 1
    described = {0.0: f"forecast: the naive forecast (mlp on {metrics['difference']} weighed 0)",
                 1.0: f"forecast: mlp on {metrics['difference']} alone: the validation rows gave"}.get(
        c["weight"], f"forecast: mlp on {metrics['difference']}, shrunk toward naive (w=")
    assert described in text
    assert c["weight"] == 1.0 or f"the network alone: sMAPE {c['network_alone']['smape']:.4f}" in text
    n = c["windows"]
    assert c["weight"] in (0.0, 1.0) or f"(least-squares w {c['least_squares']:.2f} on {n} windows, x {n}/({n}+5))" \
        in text
    # 12 series, the last row of each: the verdict says 12 forecasts are few, and how to score more
    assert "(on 12 test forecasts: too few for a firm verdict; --test-size 0.2 scores the last 20% of each " \
           "series)" in text
    # ... and whether the model's per-series MASE differs from naive's beyond chance, by Wilcoxon's test
    from scipy import stats

    per_series = pd.read_csv(tmp_path / "auto" / "per_series.csv", header=[0, 1], index_col=0)
    d = per_series[("mlp", "mase")] - per_series[("naive", "mase")]
    want = stats.wilcoxon(d[d != 0]).pvalue if (d != 0).sum() >= 2 else float("nan")
    found = metrics["significance"]
    assert found["series"] == 12 and found["better"] == int((d < 0).sum())
    assert found["p_value"] == pytest.approx(want, nan_ok=True)
    assert "Wilcoxon signed-rank" in text and "on 12 series' MASE, lower on" in text
    assert main([*common, "--no-combine", "--no-difference", "--out", str(tmp_path / "alone")]) == 0
    text = capsys.readouterr().out
    metrics = json.loads((tmp_path / "alone" / "metrics.json").read_text())
    assert "combination" not in metrics and "validation_mase" not in metrics and metrics["difference"] == "values"
    assert "mlp on values beats" in text or "mlp on values does NOT beat" in text


def test_predict_of_a_panel_applies_columns_and_drop_as_training_does(tmp_path, capsys):
    """--columns/--drop were accepted and ignored by predict of a panel model."""
    rng = np.random.default_rng(0)
    rows = [{"id": f"s{i}", "week": w, "sales": 10 + rng.normal(0, 0.1), "note": "x"} for i in range(4) for w in
            range(30)]
    path = tmp_path / "sales.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--id-col", "id", "--time-col", "week", "--target", "sales", "--drop", "note",
                 "--model", "linear", "--lookback", "4", "--horizon", "2", "--no-classical", "--verbose", "0",
                 "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["predict", str(out), str(path), "--drop", "note"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1 + 4 * 2
    assert main(["predict", str(out), str(path), "--drop", "notes"]) == 2
    assert "'notes' not found (named by --drop)" in capsys.readouterr().err
