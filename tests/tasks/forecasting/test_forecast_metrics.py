"""Forecast metrics against scikit-learn / the textbook formulas, and the naive baselines against
the persistence figures published in the data sets' SOURCE.md."""
import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error

from seqlab import datasets
from seqlab.models.forecast_baselines import infer_season, naive_forecast
from seqlab.tasks.forecasting.metrics import forecast_metrics, mae, mape, mase, pinball_loss, rmse, smape


def test_point_metrics_match_sklearn_and_formulas():
    rng = np.random.default_rng(0)
    y, p = rng.uniform(1, 10, 50), rng.uniform(1, 10, 50)
    assert mae(y, p) == pytest.approx(mean_absolute_error(y, p))
    assert rmse(y, p) == pytest.approx(np.sqrt(mean_squared_error(y, p)))
    assert mape(y, p) == pytest.approx(100 * mean_absolute_percentage_error(y, p))
    assert smape(y, p) == pytest.approx(100 * np.mean(2 * np.abs(y - p) / (np.abs(y) + np.abs(p))))


def test_mase_divides_by_in_sample_seasonal_naive_error():
    train = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    scale = np.mean(np.abs(train[2:] - train[:-2]))          # season 2 by hand
    assert mase([6.0, 7.0], [5.0, 9.0], train, season=2) == pytest.approx(1.5 / scale)
    assert set(forecast_metrics([1.0], [1.0], train)) == {"mae", "rmse", "mape", "smape", "mase"}


def test_pinball_loss_weights_under_and_over_prediction_by_quantile():
    assert pinball_loss([1.0], [0.0], 0.9) == pytest.approx(0.9)
    assert pinball_loss([0.0], [1.0], 0.9) == pytest.approx(0.1)


def test_persistence_on_brownlee_airline_split_is_the_published_48_66():
    y = datasets.load("airline-passengers")["Passengers"].to_numpy(float)
    origins = np.arange(96, 142)                 # his look_back=1 test pairs: predict rows 97..142
    pred = naive_forecast(y, origins, horizon=1)[:, 0, 0]
    assert rmse(y[origins + 1], pred) == pytest.approx(48.66, abs=0.005)


def test_persistence_on_google_january_2017_opens_is_the_published_8_42():
    g = datasets.load("google-stock")
    opens = np.concatenate([g["train"]["Open"].to_numpy(float), g["test"]["Open"].to_numpy(float)])
    origins = np.arange(1257, 1277)
    pred = naive_forecast(opens, origins, horizon=1)[:, 0, 0]
    assert rmse(opens[origins + 1], pred) == pytest.approx(8.416, abs=0.001)
    assert mae(opens[origins + 1], pred) == pytest.approx(5.944, abs=0.001)


def test_seasonal_naive_copies_the_value_one_cycle_back():
    y = np.arange(30.0)
    out = naive_forecast(y, origins=[20], horizon=5, season=4)[0, :, 0]
    np.testing.assert_array_equal(out, [17, 18, 19, 20, 17])


def test_infer_season_finds_the_yearly_cycle_of_airline_passengers():
    y = datasets.load("airline-passengers")["Passengers"].to_numpy(float)
    assert infer_season(y[:96]) == 12
    assert infer_season(np.random.default_rng(0).normal(size=200)) == 1


def test_diebold_mariano_one_step_is_the_t_test_of_the_loss_differential():
    """With one-step forecasts the corrected statistic is scipy's one-sample t test of d_t (the HLN factor
    sqrt((n - 1) / n) turns the biased variance into the unbiased one)."""
    from scipy import stats

    from seqlab.tasks.forecasting.metrics import diebold_mariano

    rng = np.random.default_rng(0)
    actual = rng.normal(size=(40, 1, 1))
    forecast, baseline = actual + rng.normal(0, 0.8, actual.shape), actual + rng.normal(0, 1.0, actual.shape)
    d = ((baseline - actual) ** 2 - (forecast - actual) ** 2).ravel()
    expected = stats.ttest_1samp(d, 0.0)
    r = diebold_mariano(actual, forecast, baseline)
    assert r["statistic"] == pytest.approx(expected.statistic) and r["p_value"] == pytest.approx(expected.pvalue)
    assert r["windows"] == 40
    assert diebold_mariano(actual, forecast, forecast)["p_value"] == 1.0          # the same forecast: no difference


def test_diebold_mariano_h_steps_uses_the_autocovariances_up_to_h_minus_1():
    from scipy import stats

    from seqlab.tasks.forecasting.metrics import diebold_mariano

    rng = np.random.default_rng(1)
    n, h = 60, 3
    actual = rng.normal(size=(n, h, 1))
    forecast, baseline = actual + rng.normal(0, 0.9, actual.shape), actual + rng.normal(0, 1.0, actual.shape)
    d = ((baseline - actual) ** 2 - (forecast - actual) ** 2).mean(axis=(1, 2))
    e = d - d.mean()
    long_run = sum((1 if k == 0 else 2) * np.sum(e[k:] * e[:n - k]) / n for k in range(h))
    stat = d.mean() / np.sqrt(long_run / n) * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    r = diebold_mariano(actual, forecast, baseline, horizon=h)
    assert r["statistic"] == pytest.approx(stat)
    assert r["p_value"] == pytest.approx(2 * stats.t.sf(abs(stat), n - 1))
