"""A global Forecaster over a panel: covariates that matter, every network family, the validation
rules, per-series metrics against the single-series ones, the classical baselines, model files."""
import numpy as np
import pandas as pd
import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.base import Task
from seqlab.tasks.forecasting import Forecaster
from seqlab.tasks.forecasting.metrics import forecast_metrics
from seqlab.tasks.forecasting.panel_metrics import series_errors

FAST = dict(epochs=2, units=8, batch_size=64, verbose=0, seed=0, classical=False)   # AutoETS/Theta: their own test


def panel(n_series=30, steps=60, seed=0, future_effect=0.0, level_by_type=None, noise=0.3):
    """Long table ``id, t, y, promo, type``: a random walk per series, plus ``future_effect * promo``
    (promo: a known-ahead 0/1 covariate), plus a level set by the series' ``type``."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        promo = rng.integers(0, 2, steps).astype(float)
        kind = ["a", "b", "c", "d"][i % 4]
        level = 0.0 if level_by_type is None else level_by_type[kind]
        y = 20 + level + np.cumsum(rng.normal(0, noise, steps)) * (level_by_type is None) + future_effect * promo
        if level_by_type is not None:
            y = 20 + level + rng.normal(0, noise, steps)
        frames.append(pd.DataFrame({"id": f"s{i:02d}", "t": np.arange(steps), "y": y, "promo": promo, "type": kind}))
    return pd.concat(frames, ignore_index=True)


def test_a_future_known_covariate_gives_a_wide_margin():
    df = panel(future_effect=3.0, noise=0.1)
    kwargs = dict(target="y", time_col="t", lookback=6, horizon=3, **FAST)
    blind = Forecaster("linear", **kwargs).fit(df, id_col="id")
    told = Forecaster("linear", future_features="promo", **kwargs).fit(df, id_col="id")
    ratio = told.metrics_["mae"] / blind.metrics_["mae"]
    assert ratio < 0.25, ratio        # the promo moves y by 3, the walk's steps are 0.1: MAE 0.170 vs 1.472 (0.12x)
    assert told.metrics_["mase"] < 0.2 * told.metrics_["baseline"]["mase"]


def test_a_static_feature_decides_the_level():
    levels = {"a": -9.0, "b": -3.0, "c": 3.0, "d": 9.0}
    df = panel(n_series=16, steps=30, level_by_type=levels, noise=3.0).assign(y=lambda d: d.y - 20)
    kwargs = dict(target="y", time_col="t", lookback=1, horizon=2, scaler=None, epochs=30, units=16, batch_size=32,
                  learning_rate=1e-2, patience=0, verbose=0, seed=0, classical=False,
                  difference=False, combine=None)              # the network on values alone: what statics give it
    told = Forecaster("mlp", static_features="type", **kwargs).fit(df, id_col="id")
    blind = Forecaster("mlp", **kwargs).fit(df, id_col="id")
    # noise 3 around the level: one past value leaves the level unsure, the type gives it (MAE 2.14 vs 2.66)
    assert told.metrics_["mae"] < 0.9 * blind.metrics_["mae"], (told.metrics_["mae"], blind.metrics_["mae"])
    history = df[df.id == "s00"].assign(id="new")              # the same history under each type
    means = {k: told.predict(history.assign(type=k))["forecast"].mean() for k in levels}
    assert means["a"] < means["b"] < means["c"] < means["d"], means
    assert means["d"] - means["a"] > 12.0, means               # measured 17.3 for a true gap of 18


@pytest.mark.parametrize("model,strategy", [("mlp", "direct"), ("lstm", "direct"), ("gru", "direct"),
                                            ("cnn1d", "direct"), ("transformer", "direct"), ("linear", "direct"),
                                            ("seq2seq", "seq2seq"), ("cnn_lstm", "direct"), ("rnn", "direct")])
def test_every_network_family_trains_one_global_model(model, strategy):
    df = panel(n_series=6, steps=24)
    f = Forecaster(model, strategy=strategy, target="y", time_col="t", lookback=4, horizon=2, epochs=1, units=4,
                   features="promo", static_features="type", verbose=0, classical=False).fit(df, id_col="id")
    assert f.metrics_["series"] == 6 and np.isfinite(f.metrics_["mae"])
    assert f.predict()["id"].tolist() == [f"s{i:02d}" for i in range(6) for _ in range(2)]


def test_per_series_metrics_match_the_single_series_ones():
    rng = np.random.default_rng(1)
    actual, forecast = rng.normal(10, 1, (5, 3)), rng.normal(10, 1, (5, 3))
    series, history = np.array([0, 0, 1, 1, 1]), [rng.normal(10, 1, 12), rng.normal(5, 2, 9)]
    scales = np.array([np.mean(np.abs(np.diff(h))) for h in history])
    table = series_errors(actual, forecast, series, scales, ["p", "q"])
    for i, name in enumerate(["p", "q"]):
        ref = forecast_metrics(actual[series == i], forecast[series == i], history[i], 1)
        for k in ("mae", "rmse", "smape", "mase"):
            assert table.loc[name, k] == pytest.approx(ref[k]), k


def test_short_series_are_refused_by_name_or_left_out():
    df = panel(n_series=4, steps=30)
    df = df[~((df.id == "s02") & (df.t < 22))]
    kwargs = dict(target="y", time_col="t", lookback=6, horizon=3, **FAST)
    with pytest.raises(DataError, match=r"series 's02' too short: 's02' has 8 rows"):
        Forecaster("linear", **kwargs).fit(df, id_col="id")
    f = Forecaster("linear", drop_short=True, **kwargs).fit(df, id_col="id")
    assert f.metrics_["dropped_short"] == ["s02"] and f.metrics_["series"] == 3


def test_predict_needs_the_future_features_over_the_horizon():
    df = panel(n_series=4, steps=30, future_effect=1.0)
    f = Forecaster("linear", target="y", time_col="t", lookback=5, horizon=3, future_features="promo",
                   **FAST).fit(df, id_col="id")
    with pytest.raises(DataError, match="missing from the table: promo"):
        f.predict(df.drop(columns="promo"))
    with pytest.raises(DataError, match=r"series 's00' has 0 row\(s\) after its last observed value"):
        f.predict(df)
    ahead = pd.DataFrame({"id": np.repeat([f"s{i:02d}" for i in range(4)], 3), "t": np.tile([30, 31, 32], 4),
                          "y": np.nan, "promo": 1.0})
    out = f.predict(pd.concat([df, ahead]))
    assert list(out.columns) == ["id", "time", "forecast"] and out["time"].tolist()[:3] == [30, 31, 32]
    with pytest.raises(DataError, match=r"series 's01' has 1 row\(s\)"):
        f.predict(pd.concat([df, ahead[~((ahead.id == "s01") & (ahead.t > 30))]]))


def test_quantile_model_round_trips_through_its_model_directory(tmp_path):
    df = panel(n_series=5, steps=30)
    df["t"] = pd.date_range("2020-01-01", periods=30, freq="D").strftime("%Y-%m-%d").tolist() * 5
    f = Forecaster("mlp", target="y", time_col="t", lookback=7, horizon=2, quantiles=[0.1, 0.5, 0.9], calendar=True,
                   static_features="type", **FAST).fit(df, id_col="id")
    out = f.predict()
    assert list(out.columns) == ["id", "time", "forecast", "forecast_q0.1", "forecast_q0.5", "forecast_q0.9"]
    assert str(pd.Timestamp(out["time"].iloc[0]).date()) == "2020-01-31"
    f.save(tmp_path / "m")
    g = Task.load(tmp_path / "m")
    pd.testing.assert_frame_equal(g.predict(), out)
    pd.testing.assert_frame_equal(g.predict(df), f.predict(df))
    assert g.metrics_["mae"] == f.metrics_["mae"]


def test_panel_options_are_checked():
    df = panel(n_series=3, steps=20)
    with pytest.raises(ConfigError, match="choose a network"):
        Forecaster("naive", target="y", time_col="t").fit(df, id_col="id")
    with pytest.raises(ConfigError, match="strategy"):
        Forecaster("mlp", strategy="recursive", target="y", time_col="t").fit(df, id_col="id")
    with pytest.raises(ConfigError, match="integer steps"):
        Forecaster("mlp", target="y", time_col="t", calendar=True).fit(df, id_col="id")


def test_classical_baselines_are_statsforecasts_own_per_series():
    sf = pytest.importorskip("statsforecast")
    from statsforecast.models import AutoETS

    df = panel(n_series=3, steps=25)
    f = Forecaster("linear", target="y", time_col="t", lookback=4, horizon=3, validation_split=0,
                   **{**FAST, "classical": True})
    f.fit(df, id_col="id")
    fc = f.panel_.test_forecasts["forecasts"]["AutoETS"]
    for i in range(3):
        history = df[df.id == f"s{i:02d}"].y.to_numpy()[:-3]
        frame = pd.DataFrame({"unique_id": 0, "ds": np.arange(len(history)), "y": history})
        ref = sf.StatsForecast(models=[AutoETS(season_length=1)], freq=1).forecast(df=frame, h=3)["AutoETS"]
        assert np.allclose(fc[i], ref.to_numpy())
    assert {"AutoETS", "AutoTheta", "naive", "seasonal_naive"} <= set(f.metrics_["aggregate"])


def test_backtest_refits_at_rolling_cutoffs():
    df = panel(n_series=4, steps=30)
    f = Forecaster("linear", target="y", time_col="t", lookback=5, horizon=2, **FAST)
    folds = f.backtest(df, folds=3, id_col="id")
    assert folds.index.get_level_values("fold").unique().tolist() == [1, 2, 3]
    last = Forecaster("linear", target="y", time_col="t", lookback=5, horizon=2, **FAST).fit(df, id_col="id")
    assert folds.loc[(3, "linear"), "mae"] == pytest.approx(last.metrics_["mae"])       # the last fold is the test
    first = Forecaster("linear", target="y", time_col="t", lookback=5, horizon=2, **FAST)
    first.fit(df[df.t < 26], id_col="id")
    assert folds.loc[(1, "naive"), "mae"] == pytest.approx(first.metrics_["baseline"]["mae"])


def test_a_cutoff_scores_the_steps_after_it():
    df = panel(n_series=4, steps=30)
    kwargs = dict(target="y", time_col="t", lookback=5, horizon=2, **FAST)
    by_date = Forecaster("linear", cutoff=25, **kwargs).fit(df, id_col="id")
    by_rows = Forecaster("linear", test_size=4, **kwargs).fit(df, id_col="id")
    assert by_date.metrics_["test_windows"] == 4 * 3                  # steps 26..29: 3 origins per series
    assert by_date.metrics_["mae"] == pytest.approx(by_rows.metrics_["mae"])
    with pytest.raises(DataError, match="too short"):
        Forecaster("linear", cutoff=29, **kwargs).fit(df, id_col="id")        # 0 steps after it


def _panel_model(df, **options):
    from seqlab.tasks.forecasting.panel import PanelModel

    params = {**Forecaster("mlp", target="y", time_col="t", lookback=4, horizon=2, validation_split=3, **FAST)
              .get_params(), **options}
    return PanelModel(params).fit(df, "id")


def test_the_pooled_weight_is_least_squares_on_scaled_validation_errors():
    from seqlab.tasks.forecasting.panel import pooled_combination

    rng = np.random.default_rng(0)
    series = np.array([0, 0, 1, 1, 2])
    y = rng.normal(size=40).cumsum() * 10
    origins = np.array([5, 8, 20, 22, 35])
    actual, alone = rng.normal(size=(5, 2)) * 10, rng.normal(size=(5, 2)) * 10
    scale = np.array([2.0, 50.0, np.nan])                        # the third series has no scale: left out
    found = {"series": series, "actual": actual, "alone": alone, "y": y, "origins": origins}
    c = pooled_combination(found, scale, season=1, lookback=3)
    keep = series < 2
    naive = y[origins[keep]][:, None]
    d = (alone[keep] - naive) / scale[series[keep], None]
    e = (actual[keep] - naive) / scale[series[keep], None]
    assert c["baseline"] == "naive" and c["windows"] == 4
    assert c["weight"] == pytest.approx(np.clip(np.sum(d * e) / np.sum(d * d), 0, 1))
    assert c["least_squares"] == c["weight"] and c["prior_windows"] == 0
    shrunk = pooled_combination(found, scale, season=1, lookback=3, prior_windows=5)   # as a single series' weight
    assert shrunk["least_squares"] == pytest.approx(c["weight"])
    assert shrunk["weight"] == pytest.approx(c["weight"] * 4 / (4 + 5)) and shrunk["prior_windows"] == 5


def test_a_fitted_panel_shrinks_its_weight_by_the_forecasters_prior():
    from seqlab.tasks.forecasting.combination import COMBINATION_PRIOR_WINDOWS

    df = panel(n_series=6, steps=30)
    c = Forecaster("mlp", target="y", time_col="t", lookback=4, horizon=2, validation_split=3, difference=False,
                   **FAST).fit(df, id_col="id").panel_.combination
    n = c["windows"]
    assert n > 0 and c["prior_windows"] == COMBINATION_PRIOR_WINDOWS
    assert c["weight"] == pytest.approx(c["least_squares"] * n / (n + COMBINATION_PRIOR_WINDOWS))


def test_a_combined_panel_forecast_is_the_weighted_network_and_naive_and_round_trips(tmp_path):
    df = panel(n_series=6, steps=30)
    f = Forecaster("mlp", target="y", time_col="t", lookback=4, horizon=2, validation_split=3, difference=False,
                   **FAST).fit(df, id_col="id")
    c = f.panel_.combination
    assert c is not None and 0 <= c["weight"] <= 1 and f.metrics_["combination"]["weight"] == c["weight"]
    fc = f.panel_.test_forecasts
    naive = fc["y"][fc["origins"]][:, None]
    np.testing.assert_allclose(fc["forecasts"]["mlp"], naive + c["weight"] * (fc["alone"] - naive))
    alone = f.metrics_["combination"]["network_alone"]
    assert set(alone) == {"mae", "rmse", "smape", "mase", "owa"} and alone["mae"] != f.metrics_["mae"]
    out = f.predict()
    last = df.groupby("id")["y"].last().to_numpy().repeat(2)
    f.panel_.combination = None
    network = f.predict()["forecast"].to_numpy()
    f.panel_.combination = c
    np.testing.assert_allclose(out["forecast"], last + c["weight"] * (network - last))
    f.save(tmp_path / "m")
    g = Task.load(tmp_path / "m")
    pd.testing.assert_frame_equal(g.predict(), out)
    pd.testing.assert_frame_equal(g.predict(df), f.predict(df))


def test_no_combine_gives_the_network_alone():
    df = panel(n_series=6, steps=30)
    f = Forecaster("mlp", target="y", time_col="t", lookback=4, horizon=2, validation_split=3, combine=None,
                   **FAST).fit(df, id_col="id")
    assert f.panel_.combination is None and "combination" not in f.metrics_
    fc = f.panel_.test_forecasts
    np.testing.assert_array_equal(fc["forecasts"]["mlp"], fc["alone"])


def test_difference_auto_keeps_the_lower_validation_mase():
    df = panel(n_series=6, steps=30)
    m = _panel_model(df, difference="auto", combine=None)
    mase = m.validation_mase
    assert set(mase) == {"values", "first differences"}
    assert m.difference_ == (mase["first differences"] < mase["values"])
    net = m.network
    assert net.residual == m.difference_
    assert m.metrics()["difference"] == ("first differences" if m.difference_ else "values")
    assert m.val_table.loc["mlp", "mase"] == pytest.approx(min(mase.values()))


def test_a_panel_model_file_without_the_new_fields_still_loads(tmp_path):
    from seqlab.tasks.forecasting.panel_predict import panel_from_state, panel_state

    df = panel(n_series=4, steps=30)
    m = _panel_model(df, difference=True, combine=None)
    config, tensors, prep = panel_state(m)
    for key in ("difference", "combination"):
        del prep["panel"][key]                               # as written before they were saved
    old = panel_from_state({**m.p, "difference": True}, config, tensors, prep)
    assert old.difference_ is True and old.combination is None
    from seqlab.tasks.forecasting.panel_predict import predict_panel

    pd.testing.assert_frame_equal(predict_panel(old), predict_panel(m))
