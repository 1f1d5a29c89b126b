"""Panels: long and wide tables onto one grid, the validation rules, the window index over one buffer."""
import numpy as np
import pandas as pd
import pytest

from seqlab.data import make_windows
from seqlab.data.panel import panel_from_long, panel_from_wide, read_table
from seqlab.data.panel_windows import PanelInputs, PanelTargets, PerSeriesScaler, WindowIndex, calendar_features
from seqlab.io.errors import DataError


def long_table():
    rows = []
    for name, start, n in (("a", "2020-01-01", 8), ("b", "2020-03-01", 6)):
        for k, t in enumerate(pd.date_range(start, periods=n, freq="MS")):
            rows.append({"id": name, "date": t.strftime("%Y-%m-%d"), "y": 10.0 * (name == "b") + k, "x": k % 3})
    return pd.DataFrame(rows)


def test_long_and_wide_give_the_same_panel(tmp_path):
    long = long_table()
    wide = long.pivot(index="id", columns="date", values="y").reset_index()
    a = panel_from_long(long, "id", "date", "y")
    b = panel_from_wide(wide, "id", value_name="y")
    assert a.ids == b.ids == ["a", "b"]
    assert np.array_equal(a.values[:, 0], b.values[:, 0])
    assert np.array_equal(a.positions, b.positions) and a.positions[a.rows_of(1)][0] == 2   # b starts in March
    assert a.step == "MS"
    wide.to_parquet(tmp_path / "w.parquet")
    c = panel_from_wide(read_table(tmp_path / "w.parquet"), "id", value_name="y")
    assert np.array_equal(c.values, b.values)


def test_misaligned_dates_name_the_series():
    df = long_table()
    shifted = pd.date_range("2020-03-01", periods=6, freq="MS") + pd.Timedelta(days=14)     # the 15th of each month
    df.loc[df.id == "b", "date"] = shifted.strftime("%Y-%m-%d")
    with pytest.raises(DataError, match=r"series 'b'.*misaligned"):
        panel_from_long(df, "id", "date", "y")


def test_integer_steps_off_the_grid_are_misaligned():
    df = pd.DataFrame({"id": ["a"] * 4 + ["b"] * 3, "t": [0, 2, 4, 6, 1, 3, 5], "y": np.arange(7.0)})
    with pytest.raises(DataError, match=r"series 'b'.*misaligned"):
        panel_from_long(df, "id", "t", "y")


def test_gaps_are_refused_or_filled_as_asked():
    df = long_table().drop(index=3)                    # a month missing inside series a
    with pytest.raises(DataError, match=r"series 'a' has a gap.*missing time step"):
        panel_from_long(df, "id", "date", "y")
    p = panel_from_long(df, "id", "date", "y", fill="interpolate")
    assert p.values[:8, 0].tolist() == list(np.arange(8.0))
    dup = pd.concat([long_table(), long_table().iloc[[2]]])
    with pytest.raises(DataError, match=r"series 'a'.*appears twice"):
        panel_from_long(dup, "id", "date", "y")


def test_static_features_have_one_value_per_series():
    df = long_table().assign(region=lambda d: np.where(d.id == "a", "north", "south"))
    p = panel_from_long(df, "id", "date", "y", static="region")
    assert p.statics["region"].tolist() == ["north", "south"]
    df.loc[0, "region"] = "east"
    with pytest.raises(DataError, match=r"series 'a': static feature 'region' takes several values"):
        panel_from_long(df, "id", "date", "y", static="region")


def test_rows_after_the_last_target_with_future_covariates_are_future_rows():
    df = long_table()
    extra = pd.DataFrame({"id": ["a", "a"], "date": ["2020-09-01", "2020-10-01"], "y": [np.nan, np.nan], "x": [1, 2]})
    p = panel_from_long(pd.concat([df, extra]), "id", "date", "y", future="x")
    assert p.lengths.tolist() == [8, 6] and np.diff(p.offsets).tolist() == [10, 6]


def test_window_index_matches_make_windows_on_each_series():
    rng = np.random.default_rng(0)
    lengths = [9, 5, 12]
    series = [rng.normal(size=(n, 2)).astype(np.float32) for n in lengths]
    buffer = np.concatenate(series)
    L, H = 3, 2
    offsets = np.r_[0, np.cumsum(lengths)]
    index = WindowIndex(offsets[:-1], np.array(lengths) - L - H + 1)
    every = np.arange(len(index))
    x, y = PanelInputs(buffer, index, L, H)[every], PanelTargets(buffer, index, L, H)[every]
    ref = [make_windows(s, L, H, targets=[0]) for s in series]
    assert np.array_equal(x.numpy(), np.concatenate([r[0] for r in ref]))
    assert np.array_equal(y.numpy(), np.concatenate([r[1] for r in ref]))
    assert index.series().tolist() == [0] * 5 + [1] + [2] * 8


def test_future_channels_are_read_a_horizon_ahead_and_statics_repeat():
    buffer = np.stack([np.arange(8.0), 100 + np.arange(8.0)], axis=1).astype(np.float32)
    index = WindowIndex(np.array([0]), np.array([4]))
    x = PanelInputs(buffer, index, lookback=3, horizon=2, future=1, statics=np.array([[7.0]]))[np.array([1])]
    assert x[0].tolist() == [[1.0, 103.0, 7.0], [2.0, 104.0, 7.0], [3.0, 105.0, 7.0]]


def test_per_series_scaler_uses_each_training_part_only():
    values = np.array([[1.0], [3.0], [100.0], [10.0], [20.0], [30.0], [-5.0]])
    offsets, train = np.array([0, 3, 7]), np.array([2, 3])
    s = PerSeriesScaler("minmax").fit(values, offsets, train)
    z = s.transform(values, offsets)
    assert z[:, 0].tolist() == pytest.approx([0.0, 1.0, 49.5, 0.0, 0.5, 1.0, -0.75])
    assert s.inverse_target(z[[1, 4], 0], np.array([0, 1])).tolist() == pytest.approx([3.0, 20.0])


def test_calendar_features_follow_the_step():
    X, names = calendar_features(pd.date_range("2021-01-04", periods=48, freq="h").values, "h")
    assert names == ["hour_sin", "hour_cos", "weekday_sin", "weekday_cos", "month_sin", "month_cos"]
    assert X[0, 0] == pytest.approx(0.0) and X[6, 0] == pytest.approx(1.0)      # 06:00 is a quarter day


def test_day_first_dates_read_in_one_order_give_the_same_panel():
    """pandas reads 13/01/2020 day first only when the first value says so; 01/02/2020 then came out as 2 January."""
    iso = long_table()
    day_first = iso.assign(date=pd.to_datetime(iso["date"]).dt.strftime("%d/%m/%Y"))   # 01/02/2020: 1 February
    a, b = panel_from_long(iso, "id", "date", "y"), panel_from_long(day_first, "id", "date", "y")
    assert b.ids == a.ids and a.step == "MS"
    # eight months read month first are eight days; a panel of two years is read as months
    two_years = pd.DataFrame({"id": "a", "date": pd.date_range("2020-01-01", periods=24, freq="MS"), "y": 1.0})
    c = panel_from_long(two_years.assign(date=two_years["date"].dt.strftime("%d/%m/%Y")), "id", "date", "y")
    assert c.step == "MS" and c.positions.tolist() == list(range(24))
