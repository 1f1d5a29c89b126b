import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab import SeqlabError
from seqlab.data import make_windows, time_split
from seqlab.io.errors import ConfigError, DataError

window_cases = st.tuples(
    st.integers(1, 12),      # lookback
    st.integers(1, 5),       # horizon
    st.integers(1, 4),       # stride
    st.integers(1, 4),       # features
    st.integers(0, 30),      # extra rows beyond the minimum
)


@settings(max_examples=60, deadline=None)
@given(window_cases)
def test_window_i_is_the_slice_and_its_target_the_next_horizon_rows(case):
    lookback, horizon, stride, features, extra = case
    rows = lookback + horizon + extra
    series = np.random.default_rng(rows).normal(size=(rows, features))
    X, y = make_windows(series, lookback, horizon, stride=stride)
    n = (rows - lookback - horizon) // stride + 1
    assert X.shape == (n, lookback, features) and y.shape == (n, horizon, features)
    for i in range(n):
        s = i * stride
        np.testing.assert_array_equal(X[i], series[s: s + lookback])
        np.testing.assert_array_equal(y[i], series[s + lookback: s + lookback + horizon])
    # the last window reaches as far as the series allows with this stride
    assert (n - 1) * stride + lookback + horizon <= rows < n * stride + lookback + horizon


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 4), st.lists(st.integers(0, 4), min_size=1, max_size=4))
def test_target_columns_pick_the_right_values(lookback, horizon, targets):
    series = np.arange(40 * 5, dtype="float32").reshape(40, 5)
    X, y = make_windows(series, lookback, horizon, targets=targets)
    assert y.shape == (len(X), horizon, len(targets))
    for i in (0, len(X) - 1):
        np.testing.assert_array_equal(y[i], series[i + lookback: i + lookback + horizon][:, targets])


def test_scalar_target_gives_two_dimensional_y():
    series = np.arange(30.0).reshape(10, 3)
    X, y = make_windows(series, lookback=4, horizon=2, targets=2)
    assert X.shape == (5, 4, 3) and y.shape == (5, 2)
    np.testing.assert_array_equal(y[0], [14.0, 17.0])


def test_univariate_series_gets_a_feature_axis_and_flat_targets():
    X, y = make_windows(np.arange(10.0), lookback=3, horizon=1)
    assert X.shape == (7, 3, 1) and y.shape == (7, 1)
    np.testing.assert_array_equal(y[:, 0], np.arange(3.0, 10.0))


def test_dataframe_targets_by_name():
    df = pd.DataFrame({"a": np.arange(8.0), "b": np.arange(8.0) * 10})
    X, y = make_windows(df, lookback=3, horizon=1, targets="b")
    np.testing.assert_array_equal(y[:, 0], df["b"].to_numpy()[3:])
    with pytest.raises(ConfigError, match="columns are: a, b"):
        make_windows(df, lookback=3, horizon=1, targets="c")


def test_windows_share_memory_with_the_series_and_are_read_only():
    series = np.random.default_rng(0).normal(size=(500, 3)).astype("float32")
    X, y = make_windows(series, lookback=50, horizon=5, targets=[0, 1])
    assert np.shares_memory(X, series) and np.shares_memory(y, series)
    assert not X.flags.writeable
    assert X.base is not None and X.size * X.itemsize > series.nbytes  # a view far larger than its buffer


def test_batches_are_gathered_by_fancy_indexing():
    series = np.arange(100.0).reshape(50, 2)
    X, y = make_windows(series, lookback=5, horizon=2, targets=0)
    idx = np.array([7, 0, 30])
    batch_x, batch_y = X[idx], y[idx]
    assert len(X) == len(y) == 44
    assert batch_x.shape == (3, 5, 2) and batch_y.shape == (3, 2)
    np.testing.assert_array_equal(batch_x[0], series[7:12])
    np.testing.assert_array_equal(batch_y[2], series[35:37, 0])


def test_time_split_slices_of_windows_stay_views():
    series = np.arange(200.0)
    X, y = make_windows(series, lookback=10, horizon=1)
    s = time_split(len(X))
    assert np.shares_memory(X[s.test], series)


def test_too_short_series_names_the_minimum_length():
    with pytest.raises(DataError, match="at least 13"):
        make_windows(np.arange(12.0), lookback=10, horizon=3)
    with pytest.raises(SeqlabError):
        make_windows(np.arange(3.0), lookback=3, horizon=1)


@pytest.mark.parametrize("kwargs", [dict(lookback=0, horizon=1), dict(lookback=2, horizon=0),
                                    dict(lookback=2, horizon=1, stride=0), dict(lookback=2.5, horizon=1)])
def test_bad_window_settings_raise_config_error(kwargs):
    with pytest.raises(ConfigError):
        make_windows(np.arange(10.0), **kwargs)


def test_three_dimensional_series_is_refused():
    with pytest.raises(DataError, match="1-D"):
        make_windows(np.zeros((10, 2, 2)), lookback=2, horizon=1)


def test_text_columns_are_refused_with_their_names():
    df = pd.DataFrame({"pm": [1.0, 2.0, 3.0, 4.0], "wind": ["NW", "SE", "cv", "NE"]})
    with pytest.raises(DataError, match="non-numeric columns: wind"):
        make_windows(df, lookback=2, horizon=1)
