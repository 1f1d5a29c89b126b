"""The forecast combined with a baseline: the least-squares weight, its clipping, and the Forecaster's
``combine="auto"`` (weight chosen on validation windows, kept in the model file, off when asked)."""
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.forecast_baselines import naive_forecast
from seqlab.tasks import Forecaster, Task
from seqlab.tasks.forecasting.combination import combination_weights, combine
from seqlab.tasks.forecasting.forecaster import COMBINATION_PRIOR_WINDOWS, combination_label

LINEAR = dict(lookback=4, verbose=0, seed=0)     # the linear autoregression: a closed-form fit, no training


def walk(n=160, seed=0):
    return pd.DataFrame({"y": 50 + np.cumsum(np.random.default_rng(seed).normal(size=n))})


def test_weights_are_the_least_squares_solution_per_target():
    rng = np.random.default_rng(0)
    model, baseline = rng.normal(size=(30, 3, 2)), rng.normal(size=(30, 3, 2))
    actual = baseline + 0.4 * (model - baseline) + 0.1 * rng.normal(size=(30, 3, 2))
    w = combination_weights(model, baseline, actual)
    for j in range(2):     # numpy's least squares of the residual on the forecasts' difference, no intercept
        d, e = (model - baseline)[..., j].reshape(-1, 1), (actual - baseline)[..., j].ravel()
        expected = np.linalg.lstsq(d, e, rcond=None)[0][0]
        assert 0 < expected < 1 and w[j] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(combine(model, baseline, w), w * model + (1 - w) * baseline)


def test_weights_are_clipped_to_zero_and_one():
    rng = np.random.default_rng(1)
    model, baseline = rng.normal(size=(20, 1, 3)), rng.normal(size=(20, 1, 3))
    d = model - baseline
    actual = baseline + d * np.array([2.0, -1.0, 0.0])     # least squares: 2, -1 and 0
    np.testing.assert_array_equal(combination_weights(model, baseline, actual), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(combination_weights(baseline, baseline, actual), [1.0, 1.0, 1.0])  # no spread
    with pytest.raises(DataError, match="one shape"):
        combination_weights(model, baseline, actual[:, :, :2])


def test_prior_windows_give_the_ridge_weight_toward_the_baseline():
    rng = np.random.default_rng(4)
    model, baseline = rng.normal(size=(12, 2, 1)), rng.normal(size=(12, 2, 1))
    actual = baseline + 0.6 * (model - baseline) + 0.2 * rng.normal(size=(12, 2, 1))
    d, e = (model - baseline).ravel(), (actual - baseline).ravel()
    ridge = d @ e / (d @ d + 5 * (d @ d) / 12)         # a penalty of 5 windows' mean spread, by hand
    w = combination_weights(model, baseline, actual, prior_windows=5)
    assert 0 < ridge < 1 and w[0] == pytest.approx(ridge, rel=1e-12)
    assert w[0] == pytest.approx(combination_weights(model, baseline, actual)[0] * 12 / 17, rel=1e-12)
    too_much = baseline + 3 * (model - baseline)       # least squares 3: clipped to 1, then shrunk
    assert combination_weights(model, baseline, too_much, prior_windows=5)[0] == pytest.approx(12 / 17)
    with pytest.raises(ConfigError, match="prior_windows"):
        combination_weights(model, baseline, actual, prior_windows=-1)


def test_prior_windows_edge_cases():
    one = combination_weights(np.array([[[2.0]]]), np.array([[[0.0]]]), np.array([[[1.0]]]), prior_windows=5)
    assert one[0] == pytest.approx(0.5 / 6)            # one window: its exact fit, shrunk by 1 / (1 + 5)
    same = np.ones((4, 1, 1))
    assert combination_weights(same, same, 2 * same, prior_windows=5)[0] == pytest.approx(4 / 9)   # no spread
    rng = np.random.default_rng(5)
    model, baseline = rng.normal(size=(6, 1, 1)), rng.normal(size=(6, 1, 1))
    assert combination_weights(model, baseline, baseline, prior_windows=5)[0] == 0.0   # the baseline exact
    assert combination_weights(model, baseline, model, prior_windows=5)[0] == pytest.approx(6 / 11)  # model exact


def test_the_label_says_how_w_was_shrunk_and_why_it_is_zero():
    shrunk = {"baseline": "seasonal", "weights": [0.6], "windows": 10, "prior_windows": 5}
    assert combination_label("gru", shrunk, ["y"]) == ("gru shrunk toward the seasonal naive forecast: 0.60 x gru + "
                                                       "0.40 x seasonal naive (least-squares w 0.90 on 10 validation "
                                                       "windows, x 10/(10+5))")
    zero = {"baseline": "naive", "weights": [0.0], "windows": 7, "prior_windows": 5}
    assert "gru did not improve on it (least-squares w <= 0, so w = 0)" in combination_label("gru", zero, ["y"])
    old = {"baseline": "naive", "weights": [0.5], "windows": 7}            # a model file from before the prior
    assert combination_label("gru", old, ["y"]).endswith("(w chosen on 7 validation windows)")


def validation_by_hand(f, values):
    """One step ahead: the validation rows' values, their naive forecasts and the forecast origins."""
    origins = np.arange(f.train_end_ - 1, f.val_end_ - 1)          # each validation row is forecast once
    return values[origins + 1][:, None, :], naive_forecast(values, origins, 1, 1), origins


def test_forecaster_weight_is_the_least_squares_weight_on_the_validation_windows():
    df = walk()
    values = df[["y"]].to_numpy(np.float64)
    f = Forecaster("linear", target="y", **LINEAR).fit(df)
    alone = Forecaster("linear", target="y", combine=None, **LINEAR).fit(df)
    actual, naive, origins = validation_by_hand(f, values)
    network = alone._forecast(values, alone.transform_.forward(values), origins - f.lookback + 1)[0]
    d, e = (network - naive).ravel(), (actual - naive).ravel()
    n = len(origins)
    expected = min(max(d @ e / (d @ d), 0.0), 1.0) * n / (n + COMBINATION_PRIOR_WINDOWS)
    c = f.combination_
    assert c["baseline"] == "naive" and c["windows"] == n > 0 and c["prior_windows"] == COMBINATION_PRIOR_WINDOWS
    assert c["weights"][0] == pytest.approx(expected, rel=1e-9)
    tf = f.test_forecasts_
    np.testing.assert_allclose(tf["model"], expected * tf["network"] + (1 - expected) * tf["naive"])
    assert f.metrics_["combination"]["weights"] == {"y": c["weights"][0]}


def test_no_combination_is_the_network_alone():
    df = walk()
    f = Forecaster("linear", target="y", **LINEAR).fit(df)
    g = Forecaster("linear", target="y", combine=None, **LINEAR).fit(df)
    assert g.combination_ is None and "combination" not in g.metrics_
    np.testing.assert_array_equal(g.test_forecasts_["model"], f.test_forecasts_["network"])
    assert g.metrics_["rmse"] == f.metrics_["combination"]["network"]["rmse"]
    with pytest.raises(ConfigError, match="combine must be"):
        Forecaster("linear", target="y", combine="yes", **LINEAR).fit(df)


def test_a_baseline_that_is_exactly_right_gets_all_the_weight():
    y = 50 + np.cumsum(np.random.default_rng(2).normal(size=160))
    y[100:] = y[99]                                  # flat from the validation rows on: naive is exact
    f = Forecaster("linear", target="y", **LINEAR).fit(pd.DataFrame({"y": y}))
    assert f.combination_["weights"] == [0.0] and f.metrics_["rmse"] == 0.0
    assert f.predict()["y"].iloc[0] == y[-1]


def test_save_and_load_reproduce_the_combined_forecasts(tmp_path):
    t = np.arange(150)
    df = pd.DataFrame({"y": 100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12)
                       + np.random.default_rng(3).normal(0, 2, 150)})
    f = Forecaster("linear", target="y", lookback=12, horizon=3, season=12, verbose=0).fit(df)
    assert f.combination_ is not None and 0 <= f.combination_["weights"][0] <= 1
    f.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "preprocessing.json").read_text())["combination"]
    assert saved["weights"] == f.combination_["weights"] and saved["baseline"] == f.combination_["baseline"]
    g = Task.load(tmp_path / "m")
    assert g.combination_ == saved
    pd.testing.assert_frame_equal(f.predict(), g.predict())
    pd.testing.assert_frame_equal(f.predict(df.iloc[:40]), g.predict(df.iloc[:40]))
    assert g.evaluate(df.iloc[100:])["rmse"] == f.evaluate(df.iloc[100:])["rmse"]
    assert "shrunk toward" in g.summary().splitlines()[-1]


def test_a_model_file_from_before_the_prior_keeps_its_weights(tmp_path):
    df = walk()
    f = Forecaster("linear", target="y", **LINEAR).fit(df)
    f.save(tmp_path / "m")
    path = tmp_path / "m" / "preprocessing.json"
    prep = json.loads(path.read_text())
    del prep["combination"]["prior_windows"]                 # as files written before it existed
    path.write_text(json.dumps(prep))
    g = Task.load(tmp_path / "m")
    assert "prior_windows" not in g.combination_ and g.combination_["weights"] == f.combination_["weights"]
    pd.testing.assert_frame_equal(f.predict(), g.predict())
    assert g.summary().splitlines()[-1].endswith("validation windows)")


def test_no_combination_with_quantiles_baselines_or_without_validation_rows():
    df = walk()
    q = Forecaster("mlp", target="y", lookback=4, quantiles=[0.1, 0.5, 0.9], epochs=2, verbose=0).fit(df)
    naive = Forecaster("naive", target="y", lookback=4).fit(df)
    none = Forecaster("linear", target="y", validation_split=0, **LINEAR).fit(df)
    for f in (q, naive, none):
        assert f.combination_ is None and "combination" not in f.metrics_


def test_a_seasonal_baseline_longer_than_the_lookback_is_kept_for_predict_and_evaluate():
    t = np.arange(150)
    df = pd.DataFrame({"y": 100 + 0.3 * t + 10 * np.sin(2 * np.pi * t / 12)
                       + np.random.default_rng(3).normal(0, 2, 150)})
    f = Forecaster("linear", target="y", lookback=4, season=12, difference=True, verbose=0).fit(df)
    assert f.combination_["baseline"] == "seasonal" and len(f.last_values_) == 12
    y, w = df["y"].to_numpy(), f.combination_["weights"][0]
    alone = Forecaster("linear", target="y", lookback=4, season=12, difference=True, combine=None, verbose=0).fit(df)
    expected = w * alone.predict()["y"].iloc[0] + (1 - w) * y[-12]         # the seasonal naive: a season back
    assert f.predict()["y"].iloc[0] == pytest.approx(expected)
    assert f.evaluate(df.iloc[100:])["test_windows"] == 50 - 12 - 1 + 1    # windows from a season in
    with pytest.raises(DataError, match="seasonal naive forecast it is combined with reads 12"):
        f.predict(df.iloc[:11])
