import json

import numpy as np
import pandas as pd
import pytest
import sklearn.preprocessing as skp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from seqlab.data import MinMaxScaler, StandardScaler, time_split
from seqlab.io.errors import ConfigError, DataError, NotFittedError

fractions = st.floats(0, 0.45, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 5000), fractions, fractions)
def test_split_pieces_are_ordered_disjoint_and_cover(n, val, test):
    s = time_split(n, val=val, test=test)
    pieces = [range(n)[p] for p in s]
    assert [i for p in pieces for i in p] == list(range(n))        # ordered, disjoint, covering
    assert len(pieces[0]) >= 1
    assert len(pieces[2]) == int(np.floor(n * test + 1e-9))


def test_split_puts_the_most_recent_items_in_test():
    s = time_split(10, val=0.2, test=0.3)
    assert (s.train, s.val, s.test) == (slice(0, 5), slice(5, 7), slice(7, 10))


def test_split_refuses_bad_fractions_and_nothing_left_to_train():
    with pytest.raises(ConfigError):
        time_split(10, val=1.2)
    with pytest.raises(ConfigError):
        time_split(10, test=-0.1)
    with pytest.raises(DataError, match="nothing to train"):
        time_split(2, val=0.5, test=0.5 - 1e-12)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
matrices = hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=20), elements=finite)


@settings(max_examples=80, deadline=None)
@given(matrices, st.sampled_from([MinMaxScaler, StandardScaler]))
def test_inverse_transform_undoes_transform(x, cls):
    scaler = cls().fit(x)
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(x)), x, rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(matrices)
def test_scalers_match_scikit_learn(x):
    np.testing.assert_allclose(MinMaxScaler((-1, 1)).fit_transform(x),
                               skp.MinMaxScaler((-1, 1)).fit_transform(x), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(StandardScaler().fit_transform(x), skp.StandardScaler().fit_transform(x),
                               rtol=1e-7, atol=1e-7)


def test_scaler_is_fitted_on_the_training_rows_only():
    series = np.arange(100.0)
    s = time_split(len(series), val=0.0, test=0.2)
    scaler = MinMaxScaler().fit(series[s.train])
    assert scaler.transform(series[s.test]).min() > 1.0      # test values lie beyond the training max
    assert scaler.data_max_[0] == 79.0


def test_inverse_of_one_target_column_of_a_multi_column_scaler():
    df = pd.DataFrame({"price": [10.0, 20.0, 30.0], "volume": [1e3, 5e3, 9e3]})
    scaler = StandardScaler().fit(df)
    predictions = scaler.transform(df)[:, 1].reshape(3, 1)        # e.g. (n, horizon) forecasts
    np.testing.assert_allclose(scaler.inverse_transform(predictions, column="volume")[:, 0], df["volume"])
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(df)[:, 0], column=0), df["price"])


def test_scaler_json_round_trip_gives_the_same_transform():
    x = np.random.default_rng(1).normal(size=(30, 3))
    for cls in (MinMaxScaler, StandardScaler):
        scaler = cls().fit(x)
        text = scaler.to_json()
        json.loads(text)                                           # plain JSON
        again = cls.from_json(text)
        np.testing.assert_array_equal(again.transform(x), scaler.transform(x))


def test_constant_column_does_not_divide_by_zero():
    x = np.array([[1.0, 5.0], [2.0, 5.0]])
    assert np.isfinite(MinMaxScaler().fit_transform(x)).all()
    assert np.isfinite(StandardScaler().fit_transform(x)).all()


def test_scaler_errors_are_clear():
    with pytest.raises(NotFittedError, match="fit"):
        MinMaxScaler().transform(np.zeros((2, 1)))
    with pytest.raises(DataError, match="NaN"):
        MinMaxScaler().fit(np.array([1.0, np.nan]))
    with pytest.raises(DataError, match="fitted on 2"):
        MinMaxScaler().fit(np.zeros((3, 2))).transform(np.zeros((3, 3)))
    with pytest.raises(DataError, match="not a StandardScaler"):
        StandardScaler.from_json(MinMaxScaler().fit(np.zeros((2, 1))).to_json())


def test_float32_in_gives_float32_out():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    scaler = MinMaxScaler().fit(x)
    assert scaler.transform(x).dtype == np.float32
    assert scaler.inverse_transform(scaler.transform(x)).dtype == np.float32
    assert scaler.transform(x.astype("float64")).dtype == np.float64
