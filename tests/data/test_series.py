"""``series_from`` on times that skip steps of their grid (``seqlab.data.series.skipped_grid``)."""
import numpy as np
import pandas as pd
import pytest

from seqlab.data.series import series_from, skipped_grid


def _daily(skip=(3, 4), n=20):
    days = pd.date_range("2020-01-01", periods=n, freq="D")
    keep = np.setdiff1d(np.arange(n), skip)
    return pd.DataFrame({"day": days[keep].strftime("%Y-%m-%d"), "y": keep.astype(float)})


def test_skipped_days_are_told_and_kept_as_rows_without_fill():
    with pytest.warns(UserWarning, match=r"'day' skips 2 time\(s\) of its steps of 1 day \(first 2020-01-04\)"):
        s = series_from(_daily(), "y", time_col="day")
    assert len(s.values) == 18


def test_skipped_days_are_put_in_and_filled_with_fill():
    with pytest.warns(UserWarning, match=r"skipped 2 time\(s\) of its steps of 1 day .*put in and filled"):
        s = series_from(_daily(), "y", time_col="day", fill="interpolate")
    assert s.values[:, 0].tolist() == list(np.arange(20.0))     # 3 and 4 interpolated between 2 and 5
    assert pd.DatetimeIndex(s.times).equals(pd.date_range("2020-01-01", periods=20, freq="D"))


@pytest.mark.parametrize("times,step", [
    (["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 03:00", "2020-01-01 04:00"], "1 hour"),
    (["2019-01-31", "2019-02-28", "2019-04-30", "2019-05-31"], "1 month"),       # month ends
    (["2019-01-01", "2019-04-01", "2019-10-01", "2020-01-01"], "3 months"),      # quarters
    (["2001-01-01", "2002-01-01", "2004-01-01", "2005-01-01"], "12 months"),     # years
])
def test_the_grid_of_hours_month_ends_quarters_and_years(times, step):
    grid, found = skipped_grid(pd.to_datetime(times))
    assert found == step and len(grid) == 5 and set(pd.to_datetime(times)) <= set(grid)


@pytest.mark.parametrize("times", [
    pd.date_range("2020-01-01", periods=10, freq="D"),          # nothing skipped
    pd.bdate_range("2020-01-01", periods=30).delete([7]),       # weekdays: a market's days and a holiday
    pd.to_datetime(["2020-01-01 00:00", "2020-01-02 00:00", "2020-01-04 00:00", "2020-01-04 12:00"]),   # no one step
])
def test_no_gap_is_told_where_none_is_or_no_step_is_followed(times):
    assert skipped_grid(times) is None
