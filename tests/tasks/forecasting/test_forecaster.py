"""Forecaster: leak-free splits, scaling on training rows only, strategies, quantiles, persistence."""
import numpy as np
import pandas as pd
import pytest

from seqlab.data.series import SeriesTransform, split_rows, window_starts
from seqlab.io.errors import ConfigError, DataError, NotFittedError
from seqlab.tasks import Forecaster, Task

FAST = dict(epochs=3, units=4, batch_size=16, verbose=0)


def seasonal_frame(n=120, trend=0.5):
    t = np.arange(n)
    return pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS"),
                         "y": 100 + trend * t + 10 * np.sin(2 * np.pi * t / 12),
                         "x": np.cos(2 * np.pi * t / 12)})


def test_training_windows_never_touch_validation_or_test_targets():
    s = window_starts(100, lookback=5, horizon=3, train_end=70, val_end=85)
    assert (s["train"] + 5 + 3 - 1 < 70).all()
    assert ((s["val"] + 5 >= 70) & (s["val"] + 5 + 3 - 1 < 85)).all()
    assert (s["test"] + 5 >= 85).all() and s["test"][-1] + 5 + 3 == 100
    assert split_rows(144, 0, 0.33) == (97, 97)


def test_scaler_sees_only_training_rows():
    df = seasonal_frame()
    df.loc[100:, "y"] = 1e6                   # a test-period shock the scaler must not see
    f = Forecaster("naive", target="y", lookback=4, validation_split=0.1, test_size=20, **FAST).fit(df)
    scaler = f.transform_.scaler
    assert scaler.data_max_[0] == pytest.approx(df["y"][:f.train_end_].max())


def test_differencing_round_trips_to_levels():
    values = np.cumsum(np.random.default_rng(0).normal(size=(30, 1)), axis=0) + 50
    t = SeriesTransform(1, "standard", difference=True).fit(values, 20)
    z = t.forward(values)
    origins = np.array([10, 20])
    true_next = np.stack([z[o + 1:o + 4, :1] for o in origins])        # model-space differences
    levels = t.inverse(true_next, origins, values)
    np.testing.assert_allclose(levels, np.stack([values[o + 1:o + 4] for o in origins]), atol=1e-4)


def test_linear_autoregression_is_the_least_squares_fit():
    rng = np.random.default_rng(1)
    y = np.zeros(200)
    for i in range(2, 200):
        y[i] = 0.6 * y[i - 1] - 0.3 * y[i - 2] + rng.normal()
    f = Forecaster("linear", lookback=2, scaler=None, difference=False, validation_split=0, test_size=40,
                   verbose=0).fit(y)
    A = np.column_stack([y[0:158], y[1:159], np.ones(158)])            # numpy's own least squares
    coef = np.linalg.lstsq(A, y[2:160], rcond=None)[0]
    pred = np.column_stack([y[158:198], y[159:199], np.ones(40)]) @ coef
    np.testing.assert_allclose(f.test_forecasts_["model"][:, 0, 0], pred, atol=1e-3)
    assert f.metrics_["rmse"] < f.metrics_["baseline"]["rmse"]


def test_metrics_are_in_data_units_with_naive_baseline():
    df = seasonal_frame()
    f = Forecaster("mlp", target="y", time_col="month", lookback=12, difference=True, **FAST).fit(df)
    m = f.metrics_
    assert {"mae", "rmse", "mape", "smape", "mase", "baseline"} <= set(m)
    actual = f.test_forecasts_["actual"][:, 0, 0]
    np.testing.assert_allclose(actual, df["y"].to_numpy()[-len(actual):])
    naive = f.test_forecasts_["naive"][:, 0, 0]
    assert m["baseline"]["mae"] == pytest.approx(np.mean(np.abs(actual - naive)))
    assert f.season_ == 12 and "seasonal_naive" in m


@pytest.mark.parametrize("model,strategy", [("gru", "direct"), ("lstm", "recursive"), ("seq2seq", "seq2seq"),
                                            ("cnn_lstm", "direct")])
def test_multi_step_strategies_give_horizon_rows(model, strategy):
    f = Forecaster(model, target="y", lookback=12, horizon=4, strategy=strategy, **FAST).fit(seasonal_frame())
    assert f.test_forecasts_["model"].shape[1:] == (4, 1)
    assert f.predict().shape == (4, 1)


def test_covariates_feed_the_model_and_recursive_refuses_them():
    df = seasonal_frame()
    f = Forecaster("lstm", target="y", features=["x"], lookback=6, **FAST).fit(df)
    assert f.features_ == ["x"] and f.network_.body.layers[0].get_weights()[0].shape[0] == 2
    with pytest.raises(ConfigError, match="recursive"):
        Forecaster("lstm", target="y", features="x", strategy="recursive", **FAST).fit(df)


def test_quantiles_give_ordered_intervals_and_coverage():
    f = Forecaster("mlp", target="y", lookback=12, horizon=2, quantiles=[0.1, 0.5, 0.9], **FAST).fit(seasonal_frame())
    tf = f.test_forecasts_
    assert (tf["lower"].shape == tf["model"].shape) and 0 <= f.metrics_["interval_coverage"] <= 1
    out = f.predict()
    assert list(out.columns) == ["y", "y_q0.1", "y_q0.5", "y_q0.9"]
    np.testing.assert_allclose(out["y"], out["y_q0.5"])


def test_predict_continues_after_the_data_with_future_dates():
    df = seasonal_frame()
    f = Forecaster("naive", target="y", time_col="month", horizon=3, **FAST).fit(df)
    out = f.predict()
    assert list(out.index) == list(pd.date_range("2010-01-01", periods=3, freq="MS"))
    assert (out["y"] == df["y"].iloc[-1]).all()
    new = f.predict(df.iloc[:50])
    assert (new["y"] == df["y"].iloc[49]).all()


def test_seasonal_differencing_round_trips_to_levels_past_one_season():
    rng = np.random.default_rng(0)
    values = 50 + 10 * np.sin(2 * np.pi * np.arange(60) / 12)[:, None] + rng.normal(size=(60, 1))
    t = SeriesTransform(1, "minmax", difference=True, lag=12).fit(values, 40)
    z = t.forward(values)
    assert t.first_row == 12 and np.allclose(z[12:, 0], t.scaler.transform(values[12:] - values[:-12])[:, 0],
                                             atol=1e-5)
    origins = np.array([20, 30])
    true_next = np.stack([z[o + 1:o + 16, :1] for o in origins])      # 15 steps: past one season
    levels = t.inverse(true_next, origins, values)
    np.testing.assert_allclose(levels, np.stack([values[o + 1:o + 16] for o in origins]), atol=1e-4)
    assert SeriesTransform.from_dict(t.to_dict()).lag == 12


def test_seasonal_differences_learn_what_the_seasonal_naive_misses_and_reload(tmp_path):
    df = seasonal_frame(150)                       # trend + a 12-month cycle: y_t - y_(t-12) is constant
    f = Forecaster("linear", target="y", time_col="month", lookback=12, horizon=3, difference="seasonal",
                   verbose=0).fit(df)
    assert f.difference_ == "seasonal" and f.transform_.lag == f.season_ == 12
    network = f.metrics_["combination"]["network"]     # the combination shrinks even an exact network a little
    assert network["rmse"] < 1e-3 * f.metrics_["seasonal_naive"]["rmse"]
    f.save(tmp_path / "m")
    g = Task.load(tmp_path / "m")
    assert g.difference_ == "seasonal"
    pd.testing.assert_frame_equal(f.predict(), g.predict())
    pd.testing.assert_frame_equal(f.predict(df.iloc[:60]), g.predict(df.iloc[:60]))


@pytest.mark.parametrize("kwargs,match", [
    (dict(difference="yes"), "difference must be"),
    (dict(difference="seasonal", season=1), "needs a season"),
])
def test_bad_difference_is_a_config_error(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Forecaster("linear", target="y", **kwargs, **FAST).fit(seasonal_frame())


def test_save_and_load_reproduce_predictions(tmp_path):
    df = seasonal_frame()
    f = Forecaster("gru", target="y", features=["x"], lookback=6, horizon=2, quantiles=[0.2, 0.5, 0.8],
                   difference=True, **FAST).fit(df)
    f.save(tmp_path / "m")
    g = Task.load(tmp_path / "m")
    assert isinstance(g, Forecaster)
    pd.testing.assert_frame_equal(f.predict(), g.predict())
    pd.testing.assert_frame_equal(f.predict(df.iloc[:60]), g.predict(df.iloc[:60]))
    assert g.evaluate() == f.metrics_


def test_evaluate_on_new_data_and_backtest_folds():
    df = seasonal_frame(150)
    f = Forecaster("linear", target="y", lookback=12, difference=True, verbose=0).fit(df.iloc[:100])
    m = f.evaluate(df.iloc[100:])
    assert m["test_windows"] == 50 - 12 - 1 + 1 - 1 and m["rmse"] < m["baseline"]["rmse"]
    bt = f.backtest(df, folds=3, test_size=10)
    assert list(bt.index) == [1, 2, 3] and (bt["test_start"].diff().dropna() == 10).all()
    assert bt["test_start"].iloc[-1] == 140


@pytest.mark.parametrize("kwargs,data,error,match", [
    (dict(target="nope"), None, DataError, "not found"),
    (dict(target="word"), None, DataError, "numeric"),
    (dict(target="gap"), None, DataError, "NaN"),
    (dict(target="y", lookback=200), None, DataError, "too short"),
    (dict(target="y", horizon=0), None, ConfigError, "horizon"),
    (dict(target="y", model="prophet"), None, ConfigError, "unknown model"),
])
def test_bad_input_raises_a_seqlab_error(kwargs, data, error, match):
    df = seasonal_frame()
    df["word"] = "abc"
    df["gap"] = df["y"].where(df.index != 5)
    kwargs = {"model": "lstm", **kwargs}
    with pytest.raises(error, match=match):
        Forecaster(**kwargs, **FAST).fit(df)


def test_nan_is_filled_when_asked_and_predict_needs_fit():
    df = seasonal_frame()
    df.loc[5, "y"] = np.nan
    assert Forecaster("naive", target="y", fill="interpolate").fit(df).metrics_["rmse"] > 0
    with pytest.raises(NotFittedError):
        Forecaster().predict()


def test_auto_difference_keeps_the_fit_with_the_lower_validation_rmse():
    """difference="auto" trains on first and on seasonal differences and keeps the one better on the
    validation rows (never the test rows); values only when asked for."""
    df = seasonal_frame(150)
    df["y"] += np.random.default_rng(0).normal(0, 2.0, len(df))
    f = Forecaster("linear", target="y", time_col="month", lookback=6, seed=0).fit(df)
    seen = f.metrics_["validation"]
    names = {True: "rmse_differences", "seasonal": "rmse_seasonal_differences"}
    assert set(names.values()) <= set(seen) and "rmse_levels" not in seen
    assert f.difference_ == min(names, key=lambda o: seen[names[o]]) == seen["differenced"]
    for option, name in names.items():      # each figure is that fit's own validation RMSE
        g = Forecaster("linear", target="y", time_col="month", lookback=6, seed=0, difference=option).fit(df)
        assert "validation" not in g.metrics_
        assert g._validation_rmse(df[["y"]].to_numpy(np.float64)) == pytest.approx(seen[name])
        if option == f.difference_:
            assert f.metrics_["rmse"] == pytest.approx(g.metrics_["rmse"])
    walk = pd.DataFrame({"y": 100 + np.cumsum(np.random.default_rng(1).normal(0.5, 1.0, 300))})
    g = Forecaster("linear", target="y", lookback=6, seed=0).fit(walk)      # no season: first differences
    assert g.difference_ is True and set(g.metrics_["validation"]) == {"rmse_differences", "naive_rmse",
                                                                        "differenced"}
