"""``Forecaster``: a leak-free forecasting estimator over seqlab's named networks.

fit(data) splits the rows in time order (train, validation, test), fits the scaler on training
rows only, trains on windows whose targets are all training rows, and scores the test windows in
the data's own units against the naive (last value) and seasonal naive forecasts.

>>> import numpy as np, pandas as pd
>>> y = pd.DataFrame({"y": 10 + np.sin(np.arange(120) / 3.0)})
>>> f = Forecaster("linear", target="y", lookback=8, epochs=30, verbose=0).fit(y)
>>> sorted(f.metrics_)[:3]           # "combination": the network's weight against a baseline
['baseline', 'combination', 'mae']
>>> f.predict().shape                # the next horizon steps after the data
(1, 1)

Many series at once (a panel): ``fit(df, id_col="store")`` trains one global model on the windows of
every series (``seqlab.tasks.forecasting.panel``); ``predict`` then gives a long table
``id, time, forecast``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqlab.data import make_windows
from seqlab.data.series import SeriesTransform, infer_freq, series_from, split_rows, window_starts
from seqlab.io import schema
from seqlab.io.errors import ConfigError, DataError, ModelFileError
from seqlab.models.forecast_baselines import infer_season, naive_forecast
from seqlab.models.forecasting import (
    BASELINES,
    MODEL_NAMES,
    NETWORKS,
    NetworkConfig,
    QuantileOutputs,
    build_network,
    check_config,
    network_config_dict,
)
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Task
from seqlab.tasks.forecasting.combination import COMBINATION_PRIOR_WINDOWS, combination_weights, combine
from seqlab.tasks.forecasting.metrics import diebold_mariano, forecast_metrics, strong_baseline
from seqlab.tasks.forecasting.panel import PanelModel, backtest_panel
from seqlab.tasks.forecasting.panel_predict import panel_from_state, panel_onnx_spec, panel_state, predict_panel
from seqlab.train import Trainer
from seqlab.train import budget as training_budget
from seqlab.train.budget import budget_callback, parse_duration
from seqlab.train.callbacks import EarlyStopping, EpochProgressBar, LearningRateScheduler
from seqlab.train.losses import quantile_loss

STRATEGIES = ("direct", "recursive", "seq2seq")
# the options difference="auto" trains and chooses among on the validation rows ("seasonal" only for a
# series with a season and MIN_SEASONAL_WINDOWS training windows after its first season). Values (False)
# are left out: on the development rows of 16 public series a network on values chosen by a validation
# part of 6-30 rows forecast 2-4x worse than the naive forecasts on five of them, where a network on
# differences, whose zero output is the naive (or seasonal naive) forecast, stayed within 1.7x
# (benchmarks/choose_forecast_defaults.py)
AUTO_DIFFERENCES = (True, "seasonal")
MIN_SEASONAL_WINDOWS = 10
DIFFERENCE_NAMES = {False: "rmse_levels", True: "rmse_differences", "seasonal": "rmse_seasonal_differences"}
# combine="auto" combines the network with a baseline when at least this many validation windows choose
# the weight: on the development rows of 17 series, asking for 10 or 20 (yearly and quarterly series have
# 2-16) undid the gains on water usage, Lynx, robberies, shampoo and PBS (benchmarks/choose_forecast_defaults.py)
MIN_COMBINATION_WINDOWS = 1
COMBINATION_BASELINES = {"naive": "naive", "seasonal": "seasonal naive"}   # a combination's baseline, by name

# what one fit of the network sets (kept per differencing option while difference="auto" chooses)
_FITTED = ("difference_", "transform_", "network_", "network_config_", "history_", "training_", "_z",
           "_test_starts")


class Forecaster(Task):
    """Forecast one or several columns of a time series ``horizon`` steps ahead.

    Args:
        model: a name from ``seqlab.models.forecasting.MODEL_NAMES`` (``naive``, ``seasonal_naive``,
            ``linear``, ``mlp``, ``rnn``, ``lstm``, ``gru``, ``stacked_lstm``, ``bilstm``, ``cnn1d``,
            ``cnn_lstm``, ``seq2seq``, ``transformer``).
        target: column name(s) to forecast (default: the only numeric column).
        features: covariate columns also fed to the model (multivariate input).
        time_col: date/time column (rows are sorted by it; plots and future index use it).
        lookback: past rows in each input window. horizon: steps ahead (>= 1).
        strategy: ``"direct"`` (one output per step), ``"recursive"`` (a one-step model fed its own
            predictions; inputs must be targets only) or ``"seq2seq"`` (encoder-decoder network).
        quantiles: e.g. ``[0.1, 0.5, 0.9]``: train with the pinball loss; the lowest and highest
            quantiles give the prediction interval, the middle one the point forecast.
        units, num_layers, dropout, head_units: network size (see ``NetworkConfig``).
        attention, attention_options: the transformer's self-attention (``"full"`` or a variant of
            ``seqlab.nn.efficient``) and its options.
        loss: ``"mse"`` or ``"mae"``.
        scaler: ``"minmax"``, ``"standard"`` or None, fitted on training rows only.
        difference: model first differences of the targets (helps trending series and random walks,
            which a network on values cannot extrapolate past the training range): True, False (the
            values), ``"seasonal"`` (differences ``y_t - y_{t-m}`` over the season ``m``: the network
            learns what the seasonal naive forecast misses), or ``"auto"`` (the default): first
            differences, and when the series has a season and at least ``MIN_SEASONAL_WINDOWS``
            training windows after the first season, seasonal differences too, keeping the one that
            forecasts the validation rows with the lower RMSE (data units; the first without
            validation rows). Either way the network's zero output is a naive forecast, which kept
            it within 1.7x of the strong baseline on the development rows of 16 public series where
            values chosen the same way reached 2-4x (``benchmarks/choose_forecast_defaults.py``).
            Baselines ignore it. ``difference_`` is the choice, ``metrics_["validation"]`` each
            option's validation RMSE and the naive forecast's. Costs one training, two with a season.
            A panel's ``"auto"`` trains on values and on first differences and keeps the lower mean
            validation MASE over series (``metrics_["validation_mase"]``; ``benchmarks/choose_panel_defaults.py``).
        combine: ``"auto"``: the forecast is ``w * network + (1 - w) * baseline`` (a forecast combination,
            Bates & Granger 1969), the baseline being the naive or the seasonal naive forecast, whichever
            forecasts the validation rows better, and ``w`` in [0, 1] (one per target) the least-squares
            weight on those rows times ``n / (n + COMBINATION_PRIOR_WINDOWS)`` for ``n`` validation windows
            (``seqlab.tasks.forecasting.combination``: on a few windows the weight is mostly noise, so it
            leans toward the baseline; hundreds of windows leave it as it is); ``w = 1`` is the network
            alone. With first differences it shrinks the predicted change toward zero. None: the network
            alone. Not for baselines, quantiles (the interval is the network's quantiles, and a shifted
            point would leave its middle), or fewer than ``MIN_COMBINATION_WINDOWS`` validation windows:
            there the network stands alone. A panel takes one weight for all series, fitted on their
            validation windows with each series' errors divided by its MASE scale
            (``panel.pooled_combination``). ``combination_`` is the choice (None when alone),
            ``metrics_["combination"]`` the weights, what they were chosen on and the network alone on
            the test rows; ``backtest`` refits, so each fold chooses its own weights.
        refit: True: after the validation rows chose the epoch (adaptive budget), the differencing and the
            combination weight (all with the network trained on the training windows), train the chosen
            network again from the same initial weights and seed on every window whose targets end before
            the test rows (training and validation) for the epochs at which the validation loss was best,
            at the learning rates the budget ran them at; the scaler stays the training rows' one.
            Only for a network trained by the adaptive budget with validation rows: not for baselines, the
            closed-form ``linear`` and ``esn``, an explicit ``epochs`` or panels. ``training_["refit_epochs"]``
            and ``["refit_examples"]`` (the windows) record it. False (the default): on the development
            rows of 17 series it tied the geometric mean of RMSE / strong baseline (0.894 against 0.895) and
            made the worst case worse (1.207 against 1.099; ``benchmarks/choose_forecast_defaults.py``).
        season: seasonal period in rows; None infers it from the training rows.
        test_size: the last rows held out for the test metrics (a fraction below 1 or a row count; None:
            0.2 of the rows of one series, ``horizon`` rows of each series of a panel).
        future_features, static_features, calendar, cutoff, drop_short, classical: for a panel
            (``fit(df, id_col=...)``):
            covariates known over the horizon; columns with one value per series (text ones embedded);
            derive month / weekday / hour features from the time column; score the rows after this
            date (or step) instead of the last ``test_size`` rows; leave out series too short for
            lookback + horizon instead of refusing them; also score AutoETS and AutoTheta fitted on each
            series when statsforecast is installed (seconds per thousand series). ``features`` are then
            the past covariates.
        fill: NaN handling: None (refuse), ``"ffill"``, ``"interpolate"``, ``"zero"``.
        epochs, batch_size, learning_rate, patience, validation_split, time_budget, seed, verbose: the shared
            training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam. Here ``validation_split``
            is the rows just before the test rows, in time order (a fraction below 1 or a row count);
            ``epochs=None`` (the default) is the adaptive budget on those rows; with ``epochs``,
            ``patience=0`` turns early stopping off; ``verbose=1`` shows a progress bar. A ``time_budget``
            is shared by the networks one ``fit`` trains (one per differencing option, and the refit): each
            gets an equal part of what is left.

    Fitted attributes: ``network_``, ``transform_``, ``season_``, ``metrics_`` (test metrics with
    ``"baseline"``), ``history_``, ``test_forecasts_`` (arrays for plots), ``targets_``, ``features_``.
    """

    # what a saved single-series Forecaster's folder must hold, checked before use (seqlab.io.schema)
    _CONFIG_SCHEMA = schema.Fields({"network": schema.Optional(schema.Fields({
        "architecture": schema.Str(), **{k: schema.Optional(schema.Int(1)) for k in (
            "lookback", "horizon", "outputs", "units", "num_layers", "kernel_size", "num_heads")},
        "features": schema.Optional(schema.Int(0)), "head_units": schema.Optional(schema.Int(0)),
        "dropout": schema.Optional(schema.Number())}))})
    _PREPROCESSING_SCHEMA = schema.Fields({
        "transform": schema.Fields({"difference": schema.Bool(), "lag": schema.Optional(schema.Int(1)),
                                    "scaler": schema.Optional(schema.SCALER), "n_targets": schema.Int(1)}),
        "targets": schema.ListOf(schema.Str(), min_length=1), "features": schema.ListOf(schema.Str()),
        "season": schema.Int(1), "last_values": schema.ListOf(schema.ListOf(schema.Number())),
        "last_time": schema.Optional(schema.OneOf(schema.Str(), schema.Number())),
        "freq": schema.Optional(schema.Str()),
        "rows": schema.ListOf(schema.Optional(schema.Int(0)), length=3),
        "combination": schema.Optional(schema.Fields({
            "baseline": schema.Str(), "season": schema.Int(1),
            "weights": schema.ListOf(schema.Number(), min_length=1),
            "prior_windows": schema.Optional(schema.Number())}))})

    @classmethod
    def saved_schemas(cls, preprocessing: dict):
        """``(config schema, preprocessing schema)`` of a saved model (None: checked by the panel code)."""
        return (None, None) if "panel" in preprocessing else (cls._CONFIG_SCHEMA, cls._PREPROCESSING_SCHEMA)

    def __init__(self, model: str = "lstm", *, target=None, features=None, time_col: str | None = None,
                 lookback: int = 12, horizon: int = 1, strategy: str = "direct", quantiles=None,
                 units: int = 32, num_layers: int | None = None, dropout: float = 0.0, head_units: int = 0,
                 epochs: int | None = None,
                 batch_size: int = 32, learning_rate: float = 1e-3, loss: str = "mse", patience: int = 20,
                 scaler: str | None = "minmax", difference="auto", combine: str | None = "auto",
                 season: int | None = None,
                 validation_split: float = 0.1, test_size: float | None = None, fill: str | None = None, seed: int = 0,
                 verbose: int = 0, future_features=None, static_features=None, calendar: bool = False, cutoff=None,
                 drop_short: bool = False, classical: bool = True, time_budget=None, attention: str = "full",
                 attention_options: dict | None = None, refit: bool | None = False):
        self.refit = refit
        self.model, self.target, self.features, self.time_col = model, target, features, time_col
        self.lookback, self.horizon, self.strategy, self.quantiles = lookback, horizon, strategy, quantiles
        self.units, self.num_layers, self.dropout, self.head_units = units, num_layers, dropout, head_units
        self.attention, self.attention_options = attention, attention_options
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.loss, self.patience = loss, patience
        self.scaler, self.difference, self.combine, self.season = scaler, difference, combine, season
        self.validation_split, self.test_size, self.fill = validation_split, test_size, fill
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget
        self.future_features, self.static_features, self.calendar = future_features, static_features, calendar
        self.cutoff, self.drop_short, self.classical = cutoff, drop_short, classical

    # ----- checks --------------------------------------------------------------------------
    def _check_params(self) -> None:
        for name in ("lookback", "horizon", "epochs", "batch_size", "units"):
            value = getattr(self, name)
            if name == "epochs" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
        season = self.season
        if season is not None and (isinstance(season, bool) or not isinstance(season, (int, np.integer)) or season < 1):
            raise ConfigError(f"season must be an integer >= 1 (or None to infer it), got {season!r}")
        if self.model not in MODEL_NAMES:
            raise ConfigError(f"unknown model {self.model!r}; choose one of {', '.join(MODEL_NAMES)}")
        if self.strategy not in STRATEGIES:
            raise ConfigError(f"unknown strategy {self.strategy!r}; choose one of {', '.join(STRATEGIES)}")
        if self.strategy == "seq2seq" and self.model not in ("seq2seq", "lstm"):
            raise ConfigError(f"strategy 'seq2seq' uses the seq2seq network; got model {self.model!r}")
        if self.model == "esn" and (self.quantiles is not None or self.loss != "mse"):
            raise ConfigError("the echo-state network's read-out is a least-squares fit: it takes loss='mse' "
                              "and no quantiles")
        if not (isinstance(self.difference, (bool, np.bool_)) or self.difference in ("auto", "seasonal")):
            raise ConfigError(f"difference must be True, False, 'seasonal' or 'auto', got {self.difference!r}")
        if not (self.combine is None or self.combine is False or self.combine == "auto"):
            raise ConfigError(f"combine must be 'auto' or None (False), got {self.combine!r}")
        if self.loss not in ("mse", "mae"):
            raise ConfigError(f"loss must be 'mse' or 'mae', got {self.loss!r}")
        split = self.validation_split
        if isinstance(split, bool) or not isinstance(split, (int, float, np.integer, np.floating)) or split < 0:
            raise ConfigError(f"validation_split must be >= 0 (a fraction below 1 or a row count), got {split!r}")
        if self.quantiles is not None:
            q = list(self.quantiles)
            if not q or not all(0 < float(v) < 1 for v in q) or sorted(q) != q or len(set(q)) != len(q):
                raise ConfigError(f"quantiles must be increasing values in (0, 1), e.g. [0.1, 0.5, 0.9]; got {q}")

    @property
    def architecture(self) -> str:
        return "seq2seq" if self.strategy == "seq2seq" else self.model

    @property
    def _quantiles(self) -> list[float]:
        return [float(q) for q in self.quantiles] if self.quantiles else []

    # ----- fitting -------------------------------------------------------------------------
    def fit(self, data, id_col: str | None = None, wide: bool = False) -> "Forecaster":
        """Split, scale, train and score on the test rows. ``data``: DataFrame, Series or array. Returns self.
        With ``id_col``: ``data`` is a panel, long (a row per series and time) or ``wide`` (a row per series)."""
        self._check_params()
        self.panel_, self.combination_ = None, None
        if id_col is not None:
            return self._fit_panel(data, id_col, wide)
        s = series_from(data, self.target, self.features, self.time_col, self.fill)
        rows = len(s.values)
        if self.strategy == "recursive" and s.features:
            raise ConfigError("strategy 'recursive' feeds predictions back as inputs, so it cannot use covariates "
                              f"({', '.join(s.features)}); use strategy='direct'")
        train_end, val_end = split_rows(rows, self.validation_split, 0.2 if self.test_size is None else self.test_size)
        step = 1 if self.strategy == "recursive" else self.horizon
        self.targets_, self.features_ = s.targets, s.features
        freq = infer_freq(s.times[:train_end]) if s.times is not None and train_end > 2 else None
        self.season_ = int(self.season) if self.season else infer_season(s.values[:train_end, 0], freq=freq)
        self.n_rows_, self.train_end_, self.val_end_ = rows, train_end, val_end
        options = self._difference_options(train_end, step)
        fits, kept = {}, {}
        total, start = parse_duration(self.time_budget), training_budget.monotonic()
        parts = len(options) + bool(self.refit)   # the networks that share time_budget: an option each, the refit
        for i, option in enumerate(options):
            self._time_share = training_budget.time_share(total, start, parts - i)
            fits[option] = self._fit_option(s, option, step, train_end, val_end)
            kept[option] = {k: getattr(self, k, None) for k in _FITTED}
            if fits[option] is None:          # no validation windows: nothing to choose on
                break
        scored = None not in fits.values()
        choice = min(fits, key=lambda o: fits[o] if np.isfinite(fits[o]) else np.inf) if scored else options[0]
        for key, value in kept[choice].items():
            setattr(self, key, value)
        self.combination_ = self._choose_combination(s.values)
        if self._refit_applies():
            self._time_share = training_budget.time_share(total, start, 1)
            self._refit_network(s.values, step)
        if total is not None and self.training_:   # the budget given, not the chosen option's share of it
            self.training_ = {**self.training_, "time_budget": total}
        self._keep_history(s)
        self.metrics_, self.test_forecasts_ = self._score(s.values, self._z, self._test_starts, s.times)
        del self._z, self._test_starts
        if self.difference == "auto" and self.model not in BASELINES and scored:   # what "auto" saw
            self.metrics_["validation"] = {**{DIFFERENCE_NAMES[o]: fits[o] for o in fits},
                                           "naive_rmse": self._validation_rmse(s.values, naive=True),
                                           "differenced": choice}
        return self

    def _difference_options(self, train_end: int, step: int) -> tuple:
        """The differencing options ``fit`` trains: one, or ``AUTO_DIFFERENCES`` for ``"auto"``."""
        if self.difference != "auto":
            if self.difference == "seasonal" and self.season_ < 2:
                raise ConfigError("difference='seasonal' needs a season: none was found in the training rows "
                                  "(give season=...)")
            return (self.difference if self.difference == "seasonal" else bool(self.difference),)
        if self.model in BASELINES:       # a baseline ignores the choice
            return (False,)
        windows = train_end - self.season_ - self.lookback - step + 1
        seasonal = self.season_ > 1 and windows >= MIN_SEASONAL_WINDOWS
        return tuple(o for o in AUTO_DIFFERENCES if o != "seasonal" or seasonal)

    def _fit_option(self, s, difference, step: int, train_end: int, val_end: int) -> float | None:
        """Fit the scaler and the network on the training rows with (or without) differencing (True:
        first, ``"seasonal"``: over ``season_`` rows); returns the RMSE (data units) of its forecasts of
        the validation rows (None without validation windows)."""
        rows, k = len(s.values), len(s.targets)
        transform = SeriesTransform(k, self.scaler, bool(difference), self.season_ if difference == "seasonal" else 1)
        starts = window_starts(rows, self.lookback, step, train_end, val_end, transform.first_row)
        test_starts = window_starts(rows, self.lookback, self.horizon, train_end, val_end, transform.first_row)["test"]
        needed = self.lookback + self.horizon + transform.first_row
        if len(starts["train"]) < 1 or len(test_starts) < 1 or train_end < needed:
            raise DataError(f"the series has {rows} rows: too short for lookback={self.lookback} + horizon="
                            f"{self.horizon} with {train_end} training and {rows - val_end} test rows; use a longer "
                            "series or a smaller lookback, horizon or test_size")
        self.difference_ = difference
        self.transform_ = transform.fit(s.values, train_end)
        self.history_, self.training_ = {}, None
        z = transform.forward(s.values)
        X, Y = make_windows(z, self.lookback, step, targets=list(range(k)))
        self._test_starts, self._z = test_starts, z
        if self.model in BASELINES:
            self.network_ = None
        else:
            self.network_ = self._new_network(s.values.shape[1], step, k)
            if self.architecture == "linear" and not self._quantiles and self.loss == "mse":
                self._solve_linear(X[starts["train"]], Y[starts["train"]])
            elif self.architecture == "esn":  # only the read-out learns, in closed form
                self.network_.fit_readout(X[starts["train"]], Y[starts["train"]]).eval()
            else:
                self.history_ = self._train(X, Y, starts)
        return self._validation_rmse(s.values) if len(starts["val"]) else None

    def _validation_rmse(self, values: np.ndarray, naive: bool = False) -> float:
        """RMSE (data units) of the fitted model's (or the naive) forecasts of the validation rows,
        ``horizon`` steps ahead from each validation window."""
        found = self._validation_forecasts(values, model=not naive)
        if found is None:
            return float("nan")
        point = found["naive" if naive else "model"]
        return float(np.sqrt(np.mean((point - found["actual"]) ** 2)))

    def _validation_forecasts(self, values: np.ndarray, model: bool = True) -> dict | None:
        """The forecasts of the validation rows, ``horizon`` steps ahead from each validation window, and
        what happened: ``{"actual", "model", "naive", "seasonal"}``, each ``(windows, horizon, targets)`` in
        data units (``"model"`` None when not asked for, ``"seasonal"`` None without a season or when the
        first window starts before one has passed); None without validation windows."""
        starts = window_starts(len(values), self.lookback, self.horizon, self.train_end_, self.val_end_,
                               self.transform_.first_row)["val"]
        if not len(starts):
            return None
        origins = starts + self.lookback - 1
        k = len(self.targets_)
        point = self._forecast(values, self.transform_.forward(values), starts)[0] if model else None
        seasonal = None
        if self.season_ > 1 and origins.min() + 1 >= self.season_:
            seasonal = naive_forecast(values[:, :k], origins, self.horizon, self.season_)
        return {"actual": np.stack([values[o + 1:o + 1 + self.horizon, :k] for o in origins]), "model": point,
                "naive": naive_forecast(values[:, :k], origins, self.horizon, 1), "seasonal": seasonal}

    def _choose_combination(self, values: np.ndarray) -> dict | None:
        """``combine="auto"``: the baseline (naive or seasonal naive, the lower validation RMSE) and the
        least-squares weight of the network per target on the validation windows, times ``n / (n +
        COMBINATION_PRIOR_WINDOWS)``, as ``{"baseline", "season", "weights", "windows", "prior_windows",
        "validation_rmse"}``; None where the network stands alone."""
        if self.combine in (None, False) or self.network_ is None or self._quantiles:
            return None
        found = self._validation_forecasts(values)
        if found is None or len(found["actual"]) < MIN_COMBINATION_WINDOWS:
            return None
        actual = found["actual"]
        rmse = {b: float(np.sqrt(np.mean((found[b] - actual) ** 2)))
                for b in ("naive", "seasonal") if found[b] is not None}
        baseline = min(rmse, key=rmse.get)                      # a tie keeps the naive forecast
        weights = combination_weights(found["model"], found[baseline], actual, COMBINATION_PRIOR_WINDOWS)
        combined = combine(found["model"], found[baseline], weights)
        return {"baseline": baseline, "season": self.season_ if baseline == "seasonal" else 1,
                "weights": [float(w) for w in weights], "windows": int(len(actual)),
                "prior_windows": COMBINATION_PRIOR_WINDOWS,
                "validation_rmse": {"combined": float(np.sqrt(np.mean((combined - actual) ** 2))),
                                    "network": float(np.sqrt(np.mean((found["model"] - actual) ** 2))),
                                    "baseline": rmse[baseline]}}

    def _combined(self, point: np.ndarray, values: np.ndarray, origins: np.ndarray) -> np.ndarray:
        """The network's point forecasts ``(n, horizon, targets)`` combined with the chosen baseline."""
        c = self.combination_
        baseline = naive_forecast(values[:, :len(self.targets_)], origins, self.horizon, c["season"])
        return combine(point, baseline, np.asarray(c["weights"]))

    def _fit_panel(self, data, id_col: str, wide: bool) -> "Forecaster":
        if self.difference == "seasonal":
            raise ConfigError("difference='seasonal' is for one series; a panel takes difference=True or False")
        self.panel_ = PanelModel(self.get_params()).fit(data, id_col, wide)     # "auto": PanelModel's choices
        self.difference_ = self.panel_.difference_
        self.network_, self.history_, self.metrics_ = self.panel_.network, self.panel_.history, self.panel_.metrics()
        self.training_ = getattr(self.panel_, "training", None)
        self.targets_, self.features_ = [self.panel_.target], self.panel_.past
        return self

    def _new_network(self, n_features: int, horizon: int, k: int) -> torch.nn.Module:
        nq = len(self._quantiles)
        cfg = NetworkConfig(self.architecture, self.lookback, n_features, horizon, k * max(nq, 1), self.units,
                            self.num_layers, float(self.dropout), head_units=int(self.head_units),
                            attention=self.attention, attention_options=self.attention_options)
        check_config(cfg)
        self.network_config_ = network_config_dict(cfg)
        net = build_network(cfg, seed=self.seed)     # initial weights from a Generator seeded by seed
        return QuantileOutputs(net, k, nq) if nq else net

    def _train(self, X, Y, starts) -> dict:
        loss = quantile_loss(self._quantiles) if self._quantiles else self.loss
        tr, va = _as_slice(starts["train"]), _as_slice(starts["val"])  # views of the windows: nothing copied
        validation = (X[va], Y[va]) if len(starts["val"]) else None
        budget = budget_callback(self.epochs, patience=self.patience,
                                 time_budget=getattr(self, "_time_share", self.time_budget))
        epochs = budget.fit_epochs(self.epochs, len(starts["train"]), self.batch_size)
        stopper = EarlyStopping(patience=self.patience, restore_best_weights=True) \
            if validation and self.patience and self.epochs is not None else None
        callbacks = [c for c in (stopper, budget, EpochProgressBar(epochs, self.model) if self.verbose else None) if c]
        with seeded(self.seed):
            trainer = Trainer(self.network_, loss=loss, optimizer="adam", metrics=(), lr=self.learning_rate,
                              seed=self.seed)
            history = trainer.fit(X[tr], Y[tr], epochs=epochs, batch_size=self.batch_size,
                                  validation_data=validation, shuffle=True, callbacks=callbacks, verbose=0)
        if stopper is not None and stopper.best_weights is not None and not trainer.stop_training:
            trainer.load_weights(stopper.best_weights)
        self.training_ = budget.summary()
        self.network_.eval()
        return history.as_dict()

    def _refit_applies(self) -> bool:
        """``refit``: only where the validation rows chose the epoch (the adaptive budget trained a network on
        them: not baselines, the closed-form linear / esn, an explicit ``epochs`` or no validation rows)."""
        history, training = self.history_ or {}, self.training_ or {}
        return bool(self.refit) and self.epochs is None and self.network_ is not None and "val_loss" in history \
            and bool(training.get("best_epoch"))

    def _refit_network(self, values: np.ndarray, step: int) -> None:
        """Train the chosen option's network again from the same initial weights and seed on every window
        whose targets end before the test rows (training and validation), for the epochs at which the
        validation loss was best, replaying the learning rates the budget ran them at; the transform stays
        the one fitted on the training rows."""
        k = len(self.targets_)
        X, Y = make_windows(self._z, self.lookback, step, targets=list(range(k)))
        starts = window_starts(len(values), self.lookback, step, self.val_end_, self.val_end_,
                               self.transform_.first_row)["train"]
        best = self._refit_epochs(len(starts))
        rates = [float(self.learning_rate)] + [float(r) for r in self.history_.get("learning_rate", [])][:best - 1]
        self.network_ = self._new_network(values.shape[1], step, k)
        loss = quantile_loss(self._quantiles) if self._quantiles else self.loss
        with seeded(self.seed):
            trainer = Trainer(self.network_, loss=loss, optimizer="adam", metrics=(), lr=self.learning_rate,
                              seed=self.seed)
            bound = budget_callback(best, time_budget=getattr(self, "_time_share", None))   # stops at the budget
            trainer.fit(X[_as_slice(starts)], Y[_as_slice(starts)], epochs=best, batch_size=self.batch_size,
                        shuffle=True, verbose=0,
                        callbacks=[LearningRateScheduler(lambda e: rates[min(e, len(rates) - 1)]), bound])
        self.network_.eval()
        self.training_ = {**self.training_, "refit_epochs": best, "refit_examples": int(len(starts))}
        if bound.summary().get("stopped_by") == "time budget":
            self.training_["refit_stopped_by"] = "time budget"

    def _refit_epochs(self, windows: int) -> int:
        """The refit's epochs on ``windows`` windows: the best epoch of the run on the training windows (the
        same passes over each window; with 12% more windows an epoch may take one batch more)."""
        return int(self.training_["best_epoch"])

    def _solve_linear(self, X, Y) -> None:
        """The linear autoregression's exact least-squares weights (a tiny ridge keeps it well posed),
        written into its Dense layer: no gradient steps needed for a convex problem."""
        W = _least_squares(X, Y)
        dense = self.network_.body.layers[1]
        dense.set_weights([W[:-1].astype(np.float32), W[-1].astype(np.float32)])
        self.network_.eval()

    def _keep_history(self, s) -> None:
        """The last rows ``predict()`` continues from, and the time step for a future index."""
        keep = max(self.lookback + self.transform_.first_row, self._combination_rows)
        self.last_values_ = s.values[-keep:].copy()
        self.last_time_, self.freq_ = None, None
        if s.times is not None and len(s.times) >= 3:
            self.last_time_ = str(pd.Timestamp(s.times[-1]))
            self.freq_ = infer_freq(s.times)

    @property
    def _combination_rows(self) -> int:
        """The rows of history the combination's baseline reads (a season for the seasonal naive one)."""
        c = getattr(self, "combination_", None)
        return 0 if c is None else c["season"]

    # ----- forecasting ---------------------------------------------------------------------
    def _network_forecast(self, windows: np.ndarray) -> np.ndarray:
        """Model-space forecasts ``(n, horizon, targets[, quantiles])`` for windows ``(n, lookback, features)``."""
        net, k = self.network_, len(self.targets_)
        out = []
        with torch.no_grad():
            for i in range(0, len(windows), 1024):
                x = torch.as_tensor(np.ascontiguousarray(windows[i:i + 1024]), dtype=torch.float32)
                if self.strategy != "recursive":
                    out.append(net(x).numpy())
                    continue
                steps = []
                for _ in range(self.horizon):
                    y = net(x)[:, :1]                                     # (n, 1, k[, q])
                    steps.append(y)
                    point = y if not self._quantiles else y[..., len(self._quantiles) // 2]
                    x = torch.cat([x[:, 1:], point.reshape(len(x), 1, k)], dim=1)
                out.append(torch.cat(steps, dim=1).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.horizon, k))

    def _forecast(self, values: np.ndarray, z: np.ndarray, starts: np.ndarray):
        """Forecasts in the data's units: ``(point (n, h, k), lower, upper)`` for windows starting at ``starts``."""
        origins = starts + self.lookback - 1
        if self.network_ is None:
            season = 1 if self.model == "naive" else self.season_
            return naive_forecast(values[:, :len(self.targets_)], origins, self.horizon, season), None, None
        windows = np.stack([z[s:s + self.lookback] for s in starts]) if len(starts) else \
            np.zeros((0, self.lookback, z.shape[1]), np.float32)
        pred = self.transform_.inverse(self._network_forecast(windows), origins, values)
        if not self._quantiles:
            return pred, None, None
        return pred[..., len(self._quantiles) // 2], pred[..., 0], pred[..., -1]

    def _score(self, values, z, starts, times):
        k, h = len(self.targets_), self.horizon
        origins = starts + self.lookback - 1
        actual = np.stack([values[o + 1:o + 1 + h, :k] for o in origins])
        point, lower, upper = self._forecast(values, z, starts)
        train = values[:self.train_end_, :k]
        season = self.season_ if len(train) > self.season_ else 1
        network = point
        if getattr(self, "combination_", None) is not None:
            point = self._combined(point, values, origins)
        metrics = {"model": self.model, **forecast_metrics(actual, point, train, season)}
        if point is not network:    # what was combined, and the network alone on the same rows
            c = self.combination_
            metrics["combination"] = {
                "baseline": c["baseline"], "season": c["season"], "weights": dict(zip(self.targets_, c["weights"])),
                "validation_windows": c.get("windows"), "validation_rmse": c.get("validation_rmse"),
                "network": forecast_metrics(actual, network, train, season),
                "description": combination_label(self.model, c, self.targets_)}
        naive = naive_forecast(values[:, :k], origins, h, 1)
        metrics["baseline"] = {"model": "naive", **forecast_metrics(actual, naive, train, season)}
        seasonal = None
        if self.season_ > 1 and origins.min() + 1 >= self.season_:
            seasonal = naive_forecast(values[:, :k], origins, h, self.season_)
            metrics["seasonal_naive"] = {"season": self.season_, **forecast_metrics(actual, seasonal, train, season)}
        if k == 1:   # is the difference from the strong baseline more than chance on these test rows?
            name, _ = strong_baseline(metrics)
            against = seasonal if name.startswith("seasonal") else naive
            metrics["significance"] = {"test": "Diebold-Mariano", "against": name,
                                       **diebold_mariano(actual, point, against, h)}
        if lower is not None:
            metrics["interval_coverage"] = float(np.mean((actual >= lower) & (actual <= upper)))
            metrics["quantiles"] = self._quantiles
        metrics["test_windows"] = int(len(starts))
        if k > 1:   # the pooled metrics above mix the targets' scales: each target on its own as well
            metrics["per_target"] = {
                name: {"model": forecast_metrics(actual[..., j], point[..., j], train[:, j], season),
                       "naive": forecast_metrics(actual[..., j], naive[..., j], train[:, j], season)}
                for j, name in enumerate(self.targets_)}
        forecasts = {"origins": origins, "actual": actual, "model": point, "network": network, "naive": naive,
                     "seasonal": seasonal,
                     "lower": lower, "upper": upper, "times": times, "targets": list(self.targets_),
                     "time_col": self.time_col}
        return metrics, forecasts

    def predict(self, data=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of the fitted data, or after the end of ``data``
        (a new history with the same columns, at least ``lookback`` rows).

        Returns a DataFrame with ``horizon`` rows (indexed by future times when the time step is
        known, else by step 1..horizon), one column per target, and ``<target>_q<q>`` columns for quantiles.
        """
        self._check_fitted()
        if getattr(self, "panel_", None) is not None:
            return predict_panel(self.panel_, data)
        if data is None:
            values, last_time, freq = self.last_values_, self.last_time_, self.freq_
        else:
            s = series_from(data, self.targets_, self.features_, self.time_col, self.fill)
            need = max(self.lookback + self.transform_.first_row, self._combination_rows)
            if len(s.values) < need:
                why = f"lookback={self.lookback}" + ("" if need == self.lookback + self.transform_.first_row else
                                                     f"; the seasonal naive forecast it is combined with reads {need}")
                raise DataError(f"predict needs at least {need} rows of history ({why}), got {len(s.values)}")
            values, last_time, freq = s.values, None, None
            if s.times is not None and len(s.times) >= 3:
                last_time = str(pd.Timestamp(s.times[-1]))
                freq = infer_freq(s.times)
        z = self.transform_.forward(values)
        start = np.array([len(values) - self.lookback])
        origins = start + self.lookback - 1
        if self.network_ is None:
            season = 1 if self.model == "naive" else self.season_
            full = naive_forecast(values[:, :len(self.targets_)], origins, self.horizon, season)
            raw = None
        else:
            raw = self.transform_.inverse(self._network_forecast(z[start[0]:][None]), origins, values)
            full = raw if not self._quantiles else raw[..., len(self._quantiles) // 2]
            if getattr(self, "combination_", None) is not None:
                full = self._combined(full, values, origins)
        table = {t: full[0, :, j] for j, t in enumerate(self.targets_)}
        if raw is not None and self._quantiles:
            for j, t in enumerate(self.targets_):
                for qi, q in enumerate(self._quantiles):
                    table[f"{t}_q{q:g}"] = raw[0, :, j, qi]
        index = pd.RangeIndex(1, self.horizon + 1, name="step")
        if last_time is not None and freq is not None:
            index = pd.date_range(pd.Timestamp(last_time), periods=self.horizon + 1, freq=freq)[1:].rename(
                self.time_col or "time")
        return pd.DataFrame(table, index=index)

    def evaluate(self, data=None) -> dict:
        """Test metrics (MAE, RMSE, MAPE, sMAPE, MASE) with the naive ``"baseline"``: those of ``fit``
        when ``data`` is None, else over every window of ``data`` (scaled with the fitted scaler)."""
        self._check_fitted()
        if data is None:
            return self.metrics_
        if getattr(self, "panel_", None) is not None:
            raise ConfigError("evaluate(data) scores one series; for a panel, fit with cutoff=... (or test_size) "
                              "and read metrics_")
        s = series_from(data, self.targets_, self.features_, self.time_col, self.fill)
        first = max(self.transform_.first_row, 1, self._combination_rows - self.lookback)  # a season before each
        starts = np.arange(first, len(s.values) - self.lookback - self.horizon + 1)
        if len(starts) < 1:
            raise DataError(f"evaluate needs at least {self.lookback + self.horizon + 1} rows, got {len(s.values)}")
        saved = self.train_end_
        self.train_end_ = len(s.values)            # MASE scale from the data given
        try:
            metrics, _ = self._score(s.values, self.transform_.forward(s.values), starts, s.times)
        finally:
            self.train_end_ = saved
        return metrics

    def backtest(self, data, folds: int = 3, test_size: int | None = None, id_col: str | None = None,
                 wide: bool = False) -> pd.DataFrame:
        """Rolling-origin evaluation: refit on each growing prefix of ``data`` and score the next
        ``test_size`` rows (default: this forecaster's test rows split in ``folds``), ``folds`` times,
        the last fold ending with the data. Returns one row of metrics per fold (model and naive).
        A panel (``id_col``): each fold's cutoff is ``test_size`` (default ``horizon``) steps before the
        next one's in every series; one row per fold and model (baselines included)."""
        self._check_params()
        if folds < 1:
            raise ConfigError(f"folds must be >= 1, got {folds}")
        if id_col is not None:
            return backtest_panel(self.get_params(), data, id_col, wide, folds, test_size)
        s = series_from(data, self.target, self.features, self.time_col, self.fill)
        frame = pd.DataFrame(s.values, columns=s.targets + s.features)
        rows = len(frame)
        if test_size is None:
            _, val_end = split_rows(rows, self.validation_split, 0.2 if self.test_size is None else self.test_size)
            test_size = max(self.horizon, (rows - val_end) // folds)
        rows_out = []
        for fold in range(folds):
            end = rows - (folds - 1 - fold) * test_size
            clone = type(self)(**{**self.get_params(), "time_col": None, "target": s.targets,
                                  "features": s.features or None, "test_size": test_size, "verbose": 0})
            m = clone.fit(frame.iloc[:end]).metrics_
            rows_out.append({"fold": fold + 1, "train_rows": clone.train_end_, "test_start": clone.val_end_,
                             "test_rows": test_size,
                             **{k: m[k] for k in ("mae", "rmse", "mape", "smape", "mase")},
                             "naive_mae": m["baseline"]["mae"], "naive_rmse": m["baseline"]["rmse"]})
        return pd.DataFrame(rows_out).set_index("fold")

    def summary(self) -> str:
        """The network's Keras-style layer table (or a line for a baseline)."""
        self._check_fitted()
        if self.network_ is None:
            return f"{self.model}: no trainable weights (season {self.season_})"
        from seqlab.inspect.summary import summary_table

        net = self.network_.network if isinstance(self.network_, QuantileOutputs) else self.network_
        if hasattr(net, "body"):
            table = summary_table(net.body, self.model)
        else:
            table = f"{self.model} ({type(net).__name__}): {sum(p.numel() for p in net.parameters()):,} parameters"
        c = getattr(self, "combination_", None)
        return table if c is None else f"{table}\nforecast: {combination_label(self.model, c, self.targets_)}"

    # ----- persistence ---------------------------------------------------------------------
    def _onnx_spec(self):
        """The network for ``export``: model-space windows in, model-space forecasts out."""
        from seqlab.io.errors import ExportError
        from seqlab.tasks.export import OnnxSpec

        if getattr(self, "panel_", None) is not None:
            return panel_onnx_spec(self.panel_)
        if self.network_ is None:
            raise ExportError(f"Forecaster({self.model!r}) has no network to export: its forecast is a rule on "
                              "the last values (see preprocessing in the model directory)")
        n_in = len(self.targets_) + len(self.features_ or [])
        example = torch.zeros(2, self.lookback, n_in)
        steps = 1 if self.strategy == "recursive" else self.horizon
        output = (f"(batch, {steps}, {len(self.targets_)}" + (f", {len(self._quantiles)} quantiles)" if self._quantiles
                                                               else ")"))
        description = {
            "input_meaning": f"(batch, lookback={self.lookback}, targets then features) rows after "
                             "preprocessing.transform (if 'difference': y[t] - y[t - lag], 'lag' rows; then "
                             "the scaler)",
            "output_meaning": f"{output} forecasts in model space; undo the scaler (and the differencing: add "
                              "the value 'lag' rows before each forecast row, real or forecast) to get the "
                              "data's units",
            "strategy": self.strategy, "horizon": self.horizon, "lookback": self.lookback,
            "quantiles": self._quantiles or None}
        c = getattr(self, "combination_", None)
        if c is not None:
            description["combination_meaning"] = (
                f"seqlab's forecast combines these with the {COMBINATION_BASELINES[c['baseline']]} forecast: in data "
                "units, w * forecast + (1 - w) * baseline, w per target in preprocessing.combination.weights, the "
                f"baseline y[t + h - season * ceil(h / season)] with season {c['season']}")
        if self.strategy == "recursive":
            description["notes_recursive"] = ("one step per call: append the forecast to the window and call "
                                              f"again, {self.horizon} times")
        prep = {"transform": self.transform_.to_dict(), "targets": self.targets_, "features": self.features_,
                "freq": self.freq_, "combination": _saved_combination(c)}
        return OnnxSpec(self.network_, example, False, prep, description)

    def _get_state(self):
        if getattr(self, "panel_", None) is not None:
            return panel_state(self.panel_)
        tensors = {} if self.network_ is None else dict(self.network_.state_dict())
        prep = {"transform": self.transform_.to_dict(), "targets": self.targets_, "features": self.features_,
                "season": self.season_, "last_values": self.last_values_.tolist(), "last_time": self.last_time_,
                "freq": self.freq_, "metrics": self.metrics_, "rows": [self.n_rows_, self.train_end_, self.val_end_],
                "training": getattr(self, "training_", None),
                "combination": _saved_combination(getattr(self, "combination_", None))}
        return {"network": getattr(self, "network_config_", None)}, tensors, prep

    def _set_state(self, config, tensors, preprocessing):
        if "panel" in preprocessing:
            self.panel_ = panel_from_state({**self.get_params(), "difference": self.difference is True}, config,
                                           tensors, preprocessing)
            self.network_, self.metrics_, self.history_ = self.panel_.network, self.panel_.saved_metrics, {}
            self.targets_, self.features_ = [self.panel_.target], self.panel_.past
            self.combination_ = None
            return
        self.panel_ = None
        self.targets_, self.features_ = preprocessing["targets"], preprocessing["features"]
        self.transform_ = SeriesTransform.from_dict(preprocessing["transform"])
        t = self.transform_
        self.difference_ = "seasonal" if t.difference and t.lag > 1 else t.difference
        self.season_ = int(preprocessing["season"])
        self.last_values_ = np.asarray(preprocessing["last_values"], dtype=np.float64)
        self.last_time_, self.freq_ = preprocessing["last_time"], preprocessing["freq"]
        self.metrics_ = preprocessing["metrics"]
        self.n_rows_, self.train_end_, self.val_end_ = preprocessing["rows"]
        self.training_ = preprocessing.get("training")
        self.combination_ = preprocessing.get("combination")    # None in files written before it existed
        if self.combination_ is not None and len(self.combination_["weights"]) != len(self.targets_):
            raise ModelFileError(f"preprocessing.json: combination.weights has {len(self.combination_['weights'])} "
                                 f"weights for {len(self.targets_)} targets; the file was not written by seqlab")
        self.network_ = None
        if config.get("network"):
            cfg = NetworkConfig(**config["network"])
            if cfg.architecture not in NETWORKS:
                raise ValueError(f"unknown network {cfg.architecture!r}")
            self.network_config_ = config["network"]
            net = build_network(cfg)
            nq = len(self._quantiles)
            self.network_ = QuantileOutputs(net, len(self.targets_), nq) if nq else net
            self.network_.load_state_dict(tensors)
            self.network_.eval()



def combination_label(model: str, combination: dict, targets) -> str:
    """The forecast in words: the network shrunk toward a baseline, or one of them alone when the
    validation windows gave the other no weight, and how ``w`` was chosen (the least-squares weight, and
    its shrinkage by ``n / (n + prior_windows)`` when the combination has ``prior_windows``).

    >>> combination_label("lstm", {"baseline": "naive", "weights": [0.31], "windows": 12}, ["y"])
    'lstm shrunk toward the naive forecast: 0.31 x lstm + 0.69 x naive (w chosen on 12 validation windows)'
    >>> combination_label("lstm", {"baseline": "naive", "weights": [0.4], "windows": 15, "prior_windows": 5}, ["y"])
    'lstm shrunk toward the naive forecast: 0.40 x lstm + 0.60 x naive (least-squares w 0.53 on 15 validation \
windows, x 15/(15+5))'
    >>> combination_label("lstm", {"baseline": "naive", "weights": [0.0], "windows": 12, "prior_windows": 5}, ["y"])
    'the naive forecast: on 12 validation windows lstm did not improve on it (least-squares w <= 0, so w = 0)'
    """
    weights, short = combination["weights"], COMBINATION_BASELINES[combination["baseline"]]
    words = f"the {short} forecast"
    windows, prior = combination.get("windows"), combination.get("prior_windows") or 0
    on = f"{windows} validation windows" if windows else "the validation windows"
    if all(w == 1.0 for w in weights):
        return f"{model} alone: the validation windows gave {words} no weight (w = 1 on {on})"
    if all(w == 0.0 for w in weights):
        if not prior:
            return f"{words}: the validation windows gave {model} no weight (w = 0 on {on})"
        return f"{words}: on {on} {model} did not improve on it (least-squares w <= 0, so w = 0)"
    if len(weights) == 1:
        mix = f"{weights[0]:.2f} x {model} + {1 - weights[0]:.2f} x {short}"
    else:
        mix = "w " + ", ".join(f"{t} {w:.2f}" for t, w in zip(targets, weights))
    if not (prior and windows):
        return f"{model} shrunk toward {words}: {mix} (w chosen on {on})"
    factor = windows / (windows + prior)
    raw = f"least-squares w {weights[0] / factor:.2f}" if len(weights) == 1 else "the least-squares w"
    return f"{model} shrunk toward {words}: {mix} ({raw} on {on}, x {windows}/({windows}+{prior:g}))"


def _saved_combination(combination: dict | None) -> dict | None:
    """What the model file keeps of a combination: what ``predict`` needs."""
    if combination is None:
        return None
    keep = ("baseline", "season", "weights", "windows", "prior_windows")
    return {k: combination[k] for k in keep if k in combination}


def _least_squares(X, Y) -> np.ndarray:
    """Weights ``(inputs + 1, outputs)`` (bias last) of the least-squares map from windows ``X`` to
    targets ``Y``, with a tiny ridge so it stays well posed."""
    A = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    A = np.hstack([A, np.ones((len(A), 1))])
    B = np.asarray(Y, dtype=np.float64).reshape(len(Y), -1)
    ridge = 1e-6 * np.eye(A.shape[1])
    ridge[-1, -1] = 0.0
    return np.linalg.solve(A.T @ A + ridge * len(A), A.T @ B)


def _as_slice(starts: np.ndarray):
    """Consecutive window starts ``a, a+1, ..., b`` as ``slice(a, b + 1)`` (indexing the strided
    window view with it gives a view, not a copy); any other ``starts`` as they are."""
    if len(starts) and int(starts[-1]) - int(starts[0]) == len(starts) - 1:
        return slice(int(starts[0]), int(starts[-1]) + 1)
    return starts
