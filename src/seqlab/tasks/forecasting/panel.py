"""One global model for many series: what ``Forecaster.fit(df, id_col=...)`` does.

Per series, in time order: the last ``test_size`` rows (default: ``horizon``; or the rows after
``cutoff``) are the test part, the ``validation_split`` rows before them the validation part (early
stopping; default: ``horizon`` rows), the rest the training part. Scaling is per series and channel,
fitted on each series' training part. One network of the chosen family is trained on the windows of
every series (``seqlab.data.panel_windows``: one buffer, an index of (series, start)), and scored on
each series' test windows in the data's units against the naive and seasonal-naive forecasts and,
with statsforecast installed, AutoETS and AutoTheta fitted on each series' history before its test part.

Inputs of a window: the scaled target and past covariates over the lookback; the future covariates
(and ``calendar`` features) shifted ``horizon`` steps ahead, so the window's last steps carry the
values known over the forecast steps; static features on every step (numbers standardised across
series, text categories embedded: ``seqlab.models.panel_network``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqlab.data.panel import Panel, names_of, panel_from_long, panel_from_wide
from seqlab.data.panel_windows import PanelInputs, PanelTargets, PerSeriesScaler, WindowIndex, calendar_features
from seqlab.data.series import calendar_periods
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.forecasting import NetworkConfig, QuantileOutputs, check_config, network_config_dict
from seqlab.models.panel_network import PanelNetwork
from seqlab.nn.seeding import seeded
from seqlab.tasks.forecasting.classical import classical_forecasts
from seqlab.tasks.forecasting.combination import COMBINATION_PRIOR_WINDOWS, combination_weights, combine, weight_text
from seqlab.tasks.forecasting.panel_metrics import aggregate, mase_scales, series_errors
from seqlab.train import Trainer
from seqlab.train.budget import budget_callback
from seqlab.train.callbacks import EarlyStopping, EpochProgressBar
from seqlab.train.losses import quantile_loss

# difference="auto" fits the network on values and on first differences and keeps the lower mean validation MASE
PANEL_DIFFERENCES = (False, True)


def season_of(step) -> int:
    """The seasonal period implied by the grid's step (``seqlab.data.series.calendar_periods``, its usual
    one): 1 for integer steps and years, 12 for months, 24 for hours, a day for steps of minutes (96 at 15
    minutes: the electricity load's).

    >>> season_of("MS"), season_of(1), season_of("h"), season_of("15min"), season_of("W-SUN")
    (12, 1, 24, 96, 52)
    """
    if not isinstance(step, str):
        return 1
    periods = calendar_periods(step)
    if not periods:
        return 1
    return max(periods) if step.lstrip("0123456789").startswith(("min", "T")) else periods[0]


def rows_of(value, rows: np.ndarray, horizon: int, what: str) -> np.ndarray:
    """Per-series row counts from ``value``: None -> ``horizon``; an int >= 1 -> that; a fraction below
    1 -> that share of each series' rows, at least ``horizon``; 0 -> none."""
    if value is None:
        return np.full(len(rows), horizon)
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or value < 0:
        raise ConfigError(f"{what} must be >= 0 (rows per series, or a fraction below 1), got {value!r}")
    if value == 0:
        return np.zeros(len(rows), np.int64)
    if value < 1:
        return np.maximum(np.round(value * rows).astype(np.int64), horizon)
    return np.full(len(rows), int(value))


class PanelModel:
    """The fitted state of a global forecaster (held by ``Forecaster.panel_``). ``p``: the Forecaster's
    parameters; ``fit(data, id_col, wide)`` then ``predict``, ``state``/``from_state`` for model files."""

    def __init__(self, p: dict):
        difference = p.get("difference")
        self.p = {**p, "difference": difference if difference == "auto" else difference is True}
        self.quantiles = [float(q) for q in p.get("quantiles") or []]
        self.difference_, self.combination = bool(self.p["difference"] is True), None

    # ----- reading -------------------------------------------------------------------------
    def read(self, data, step=None) -> Panel:
        p = self.p
        static = names_of(p.get("static_features"))
        if self.wide:
            if names_of(p.get("features")) or names_of(p.get("future_features")):
                raise ConfigError("a wide table holds one value per series and time step: it has no covariates; "
                                  "give a long table for --past-features / --future-features")
            return panel_from_wide(data, self.id_col, static, p.get("fill"), value_name=self.target)
        if p.get("time_col") is None:
            raise ConfigError("a long panel needs time_col (--time-col): the column of each row's time")
        return panel_from_long(data, self.id_col, p["time_col"], self.target, past=p.get("features"),
                               future=p.get("future_features"), static=static, fill=p.get("fill"), step=step)

    def _calendar(self, panel: Panel, positions: np.ndarray) -> np.ndarray:
        if not self.p.get("calendar"):
            return np.zeros((len(positions), 0))
        features, self.calendar_names = calendar_features(panel.time_of(positions), panel.step)
        return features

    # ----- fitting -------------------------------------------------------------------------
    def fit(self, data, id_col: str, wide: bool = False, trim: int = 0) -> "PanelModel":
        """Read, split, scale, train and score (see the module docstring); ``trim``: leave out each
        series' last ``trim`` observed steps first (a backtest's earlier cutoff). Returns self."""
        p = self.p
        if p["model"] in ("naive", "seasonal_naive"):
            raise ConfigError("a panel forecaster scores the naive and seasonal naive forecasts of every series in "
                              "any case; choose a network (e.g. model='mlp')")
        if p["model"] == "esn" or p["strategy"] == "recursive":
            raise ConfigError("a panel forecaster takes strategy 'direct' or 'seq2seq' and no esn "
                              f"(got model={p['model']!r}, strategy={p['strategy']!r})")
        if not isinstance(data, pd.DataFrame):
            raise DataError(f"a panel is a DataFrame (long or wide), got {type(data).__name__}")
        self.id_col, self.wide = id_col, bool(wide)
        target = p.get("target")
        self.target = target if isinstance(target, str) else (target[0] if target else ("value" if wide else None))
        if self.target is None or (not isinstance(target, str) and target and len(target) > 1):
            raise ConfigError("a panel forecaster takes one target column (target=...)")
        panel = self.read(data)
        if trim:
            panel = _trimmed(panel, int(trim))
        self.empty_series = list(panel.empty)
        L, H = int(p["lookback"]), int(p["horizon"])
        n_obs = panel.lengths
        test = self._test_rows(panel, n_obs, H)
        val = rows_of(p.get("validation_split"), n_obs - test, H, "validation_split")
        train = n_obs - test - val
        short = (train < L + H) | (test < H)
        self.dropped = [panel.ids[i] for i in np.flatnonzero(short)]
        if short.any() and not p.get("drop_short"):
            names = ", ".join(repr(s) for s in self.dropped[:5]) + (" ..." if len(self.dropped) > 5 else "")
            i = int(np.argmax(short))
            raise DataError(f"series {names} too short: {panel.ids[i]!r} has {n_obs[i]} rows, but lookback={L} + "
                            f"horizon={H} needs {L + H} training rows besides {val[i]} validation and {test[i]} "
                            f"test rows ({len(self.dropped)} of {panel.n_series} series); use drop_short=True "
                            "(--drop-short) to leave such series out, or a smaller lookback or horizon")
        if short.all():
            raise DataError(f"every series is shorter than lookback={L} + horizon={H} plus the validation and test "
                            "rows; use a smaller lookback or horizon")
        keep = np.flatnonzero(~short)
        panel, n_obs, test, val, train = self._subset(panel, keep), n_obs[keep], test[keep], val[keep], train[keep]
        self.ids, self.step, self.anchor = list(panel.ids), panel.step, panel.anchor
        self.past, self.future = list(panel.past), list(panel.future)
        values = np.hstack([panel.values, self._calendar(panel, panel.positions)])
        self.n_future = len(self.future) + (values.shape[1] - panel.values.shape[1])
        self.season = int(p["season"]) if p.get("season") else season_of(panel.step)
        self.scaler = PerSeriesScaler(p.get("scaler")).fit(values, panel.offsets, train)
        buffer = self.scaler.transform(values, panel.offsets)
        statics = self._fit_statics(panel.statics)
        off = panel.offsets[:-1]
        windows = {"train": WindowIndex(off, train - L - H + 1), "val": WindowIndex(off + train - L, val - H + 1),
                   "test": WindowIndex(off + n_obs - test - L, test - H + 1)}
        views = {k: (PanelInputs(buffer, w, L, H, self.n_future, statics), PanelTargets(buffer, w, L, H))
                 for k, w in windows.items()}
        self.history_rows, self.test_index, self.classical = n_obs - test, windows["test"], False
        self._fit_network(panel, values, views, windows["val"], train)
        if len(windows["val"]):      # the validation part's scores: what defaults are chosen on
            self.val_table = self._score(panel, values, views["val"][0], windows["val"], train, with_classical=False)[0]
        self.table, self.per_series, self.test_forecasts = self._score(panel, values, views["test"][0],
                                                                       windows["test"], n_obs - test,
                                                                       with_classical=p.get("classical", True))
        self.static_codes = statics
        starts = off + n_obs - L
        self.last = np.stack([values[s:s + L] for s in starts]).astype(np.float64)      # (series, L, channels)
        self.last_position = panel.positions[off + n_obs - 1]
        self.n_windows = {k: len(w) for k, w in windows.items()}
        return self

    def _fit_network(self, panel: Panel, values: np.ndarray, views: dict, val_index: WindowIndex,
                     train: np.ndarray) -> None:
        """Train the network (``difference="auto"``: on values and on first differences, keeping the lower mean
        validation MASE), then with ``combine="auto"`` choose its weight against the naive forecast."""
        p, has_val = self.p, len(val_index) > 0
        options = PANEL_DIFFERENCES if p["difference"] == "auto" and has_val else (p["difference"] is True,)
        self.validation_mase, kept = {}, {}
        for option in options:
            self.difference_, self.combination = option, None
            self.network = self._new_network(values.shape[1])
            self.history = self._train(views["train"], views["val"] if has_val else None)
            kept[option] = (self.network, self.history, getattr(self, "training", None), self.network_config)
            if len(options) > 1:
                table = self._score(panel, values, views["val"][0], val_index, train, with_classical=False)[0]
                self.validation_mase[DIFFERENCE_LABELS[option]] = float(table.loc[p["model"], "mase"])
        if len(options) > 1:
            self.difference_ = min(options, key=lambda o: self.validation_mase[DIFFERENCE_LABELS[o]])
            self.network, self.history, self.training, self.network_config = kept[self.difference_]
        if p.get("combine") == "auto" and has_val and not self.quantiles:
            found = self._score(panel, values, views["val"][0], val_index, train, with_classical=False)[2]
            scale = mase_scales(values[:, 0], panel.offsets, train, self.season)
            self.combination = pooled_combination(found, scale, self.season, int(p["lookback"]),
                                                  COMBINATION_PRIOR_WINDOWS)

    def _test_rows(self, panel: Panel, n_obs: np.ndarray, horizon: int) -> np.ndarray:
        cutoff = self.p.get("cutoff")
        if cutoff is None:
            return rows_of(self.p.get("test_size"), n_obs, horizon, "test_size")
        if isinstance(panel.step, str):
            try:
                cut = np.datetime64(pd.Timestamp(cutoff))
            except (ValueError, TypeError):
                raise ConfigError(f"cutoff must be a date like 2010-12-31, got {cutoff!r}") from None
        else:
            try:
                cut = int(cutoff)
            except (ValueError, TypeError):
                raise ConfigError(f"cutoff must be a time step like {panel.anchor}, got {cutoff!r}") from None
        times = panel.time_of(panel.positions)
        after = (times > cut).astype(np.int64)
        return np.array([after[panel.offsets[i]:panel.offsets[i] + n_obs[i]].sum() for i in range(panel.n_series)])

    @staticmethod
    def _subset(panel: Panel, keep: np.ndarray) -> Panel:
        if len(keep) == panel.n_series:
            return panel
        rows = np.concatenate([np.arange(panel.offsets[i], panel.offsets[i + 1]) for i in keep])
        sizes = np.diff(panel.offsets)[keep]
        ids = [panel.ids[i] for i in keep]
        return Panel(ids, np.r_[0, np.cumsum(sizes)], panel.lengths[keep], panel.values[rows], panel.positions[rows],
                     panel.target, panel.past, panel.future, None if panel.statics is None else panel.statics.loc[ids],
                     panel.anchor, panel.step, panel.empty)

    def _fit_statics(self, table: pd.DataFrame | None) -> np.ndarray | None:
        """Numeric statics standardised across series, then category codes (0: unseen); remembered for predict."""
        self.static_numeric, self.static_categories = {}, {}
        if table is None:
            return None
        for c in table.columns:
            col = table[c]
            if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
                v = col.to_numpy(np.float64)
                self.static_numeric[c] = [float(v.mean()), float(v.std()) or 1.0]
            else:
                self.static_categories[c] = sorted(map(str, col.unique()))
        return self._encode_statics(table)

    def _encode_statics(self, table: pd.DataFrame | None) -> np.ndarray | None:
        names = list(self.static_numeric) + list(self.static_categories)
        if not names:
            return None
        if table is None or any(c not in table.columns for c in names):
            missing = [c for c in names if table is None or c not in table.columns]
            raise DataError(f"the static feature(s) {', '.join(missing)} are missing")
        cols = [(table[c].to_numpy(np.float64) - m) / s for c, (m, s) in self.static_numeric.items()]
        for c, cats in self.static_categories.items():
            lookup = {v: i + 1 for i, v in enumerate(cats)}
            cols.append(np.array([lookup.get(str(v), 0) for v in table[c]], np.float64))
        return np.stack(cols, axis=1).astype(np.float32)

    def _new_network(self, channels: int) -> torch.nn.Module:
        p, nq = self.p, len(self.quantiles)
        arch = "seq2seq" if p["strategy"] == "seq2seq" else p["model"]
        cfg = NetworkConfig(arch, int(p["lookback"]), channels + len(self.static_numeric), int(p["horizon"]),
                            max(nq, 1), int(p["units"]), p.get("num_layers"), float(p.get("dropout") or 0.0),
                            head_units=int(p.get("head_units") or 0))
        check_config(cfg)
        self.network_config = network_config_dict(cfg)
        self.cardinalities = [len(c) + 1 for c in self.static_categories.values()]
        net = PanelNetwork(cfg, self.cardinalities, seed=p.get("seed"), residual=bool(self.difference_))
        return QuantileOutputs(net, 1, nq) if nq else net

    def _train(self, train, val) -> dict:
        p = self.p
        inner = self.network.network if isinstance(self.network, QuantileOutputs) else self.network
        if (inner.config.architecture == "linear" and not self.quantiles and p["loss"] == "mse"
                and not self.cardinalities and not inner.residual):
            solve_linear(inner.network, *train)
            self.network.eval()
            return {}
        loss = quantile_loss(self.quantiles) if self.quantiles else p["loss"]
        budget = budget_callback(p["epochs"], patience=p["patience"], time_budget=p.get("time_budget"))
        epochs = budget.fit_epochs(p["epochs"], len(train[0]), p["batch_size"])
        stopper = EarlyStopping(patience=p["patience"], restore_best_weights=True) \
            if val and p["patience"] and p["epochs"] is not None else None
        bar = EpochProgressBar(epochs, p["model"]) if p.get("verbose") else None
        with seeded(p.get("seed")):
            trainer = Trainer(self.network, loss=loss, optimizer="adam", metrics=(), lr=p["learning_rate"],
                              seed=p.get("seed"))
            history = trainer.fit(*train, epochs=epochs, batch_size=p["batch_size"], validation_data=val,
                                  shuffle=True, callbacks=[c for c in (stopper, budget, bar) if c], verbose=0)
        if stopper is not None and stopper.best_weights is not None and not trainer.stop_training:
            trainer.load_weights(stopper.best_weights)
        self.training = budget.summary()
        self.network.eval()
        return history.as_dict()

    # ----- forecasting and scoring ------------------------------------------------------------
    def forecast_windows(self, inputs: PanelInputs, series: np.ndarray) -> np.ndarray:
        """Forecasts ``(windows, horizon[, quantiles])`` in the data's units."""
        out = []
        with torch.no_grad():
            for a in range(0, len(inputs), 2048):
                out.append(self.network(inputs[np.arange(a, min(a + 2048, len(inputs)))]).numpy())
        z = np.concatenate(out)[:, :, 0] if out else np.zeros((0, int(self.p["horizon"])))
        return self.scaler.inverse_target(z, series)

    def _score(self, panel: Panel, values: np.ndarray, inputs: PanelInputs, index: WindowIndex,
               history_rows: np.ndarray, with_classical: bool = True):
        """``(aggregate table, per-series tables, forecasts for plots)`` of the windows of ``index``; the
        MASE scale and the classical models use each series' first ``history_rows`` rows."""
        H, L = int(self.p["horizon"]), int(self.p["lookback"])
        series, starts = index.locate(np.arange(len(index)))
        origins = starts + L - 1
        y = values[:, 0]
        actual = y[origins[:, None] + np.arange(1, H + 1)]
        raw = self.forecast_windows(inputs, series)
        model = raw if not self.quantiles else raw[..., len(self.quantiles) // 2]
        alone = model
        if self.combination is not None:
            history = y[origins[:, None] - L + 1 + np.arange(L)]                       # (windows, L)
            model = combine(model, baseline_forecasts(history, H, self.combination["season"]),
                            np.array([self.combination["weight"]]))
        forecasts = {self.p["model"]: model, "naive": np.repeat(y[origins][:, None], H, axis=1)}
        m = self.season
        if m > 1:
            back = m * np.ceil(np.arange(1, H + 1) / m).astype(np.int64)
            rows = origins[:, None] + np.arange(1, H + 1) - back
            ok = rows.min(axis=1) >= panel.offsets[series]
            forecasts["seasonal_naive"] = np.where(ok[:, None], y[np.maximum(rows, 0)], forecasts["naive"])
        else:
            forecasts["seasonal_naive"] = forecasts["naive"]
        origin_in_series = origins - panel.offsets[series]
        classical = None
        for shift in np.unique(origin_in_series - (history_rows[series] - 1)) if with_classical else []:
            chosen = np.flatnonzero(origin_in_series - (history_rows[series] - 1) == shift)
            hist = [y[panel.offsets[s]:o + 1] for s, o in zip(series[chosen], origins[chosen])]
            fc = classical_forecasts(hist, H, m)
            if fc is None:
                break
            classical = classical or {k: np.full_like(model, np.nan) for k in fc}
            for k, v in fc.items():
                classical[k][chosen] = v
        if classical is not None:
            forecasts.update(classical)
        if index is self.test_index:
            self.classical = classical is not None
        scale = mase_scales(y, panel.offsets, history_rows, m)
        per_series = {k: series_errors(actual, f, series, scale, self.ids) for k, f in forecasts.items()}
        if self.combination is not None and index is self.test_index:
            alone_errors = {"naive": per_series["naive"], "network": series_errors(actual, alone, series, scale,
                                                                                   self.ids)}
            self.network_table = aggregate(alone_errors)
        if self.quantiles:
            self.coverage = float(np.mean((actual >= raw[..., 0]) & (actual <= raw[..., -1])))
        plotted = {"series": series, "origins": origins, "actual": actual, "forecasts": forecasts, "y": y,
                   "alone": alone, "times": panel.time_of(panel.positions), "offsets": panel.offsets,
                   "lower": raw[..., 0] if self.quantiles else None, "upper": raw[..., -1] if self.quantiles else None}
        return aggregate(per_series), per_series, plotted

    def metrics(self) -> dict:
        """The aggregate table and run facts as plain JSON values."""
        table = self.table
        out = {"model": self.p["model"], "series": len(self.ids), "horizon": int(self.p["horizon"]),
               "season": self.season, "test_windows": self.n_windows["test"], "train_windows": self.n_windows["train"],
               "aggregate": {m: {k: float(v) for k, v in row.items()} for m, row in table.iterrows()},
               "dropped_short": self.dropped, "empty_series": self.empty_series,
               "classical_baselines": self.classical}
        for k in ("mae", "rmse", "smape", "mase", "owa"):
            out[k] = float(table.loc[self.p["model"], k])
        out["baseline"] = {"model": "naive", **{k: float(v) for k, v in table.loc["naive"].items()}}
        if self.quantiles:
            out["interval_coverage"], out["quantiles"] = self.coverage, self.quantiles
        if getattr(self, "val_table", None) is not None:
            out["validation"] = {m: {k: float(v) for k, v in row.items()} for m, row in self.val_table.iterrows()}
        out["difference"] = DIFFERENCE_LABELS[bool(self.difference_)]
        if self.validation_mase:
            out["validation_mase"] = self.validation_mase
        if self.combination is not None:
            alone = self.network_table.loc["network"]
            out["combination"] = {**self.combination, "network_alone": {k: float(v) for k, v in alone.items()}}
        return out

    def describe(self) -> str:
        """What forecasts the panel, e.g. ``lstm on first differences, shrunk toward naive (w=0.40)``."""
        text = f"{self.p['model']} on {DIFFERENCE_LABELS[bool(self.difference_)]}"
        c = self.combination
        if c is None or c["weight"] == 1.0:
            return text
        if c["weight"] == 0.0:
            return f"the {BASELINE_NAMES[c['baseline']]} forecast ({text} weighed 0)"
        return f"{text}, shrunk toward {BASELINE_NAMES[c['baseline']]} (w={weight_text(c['weight'])})"


DIFFERENCE_LABELS = {False: "values", True: "first differences"}
BASELINE_NAMES = {"naive": "naive", "seasonal_naive": "seasonal naive"}


def baseline_forecasts(history: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """The seasonal naive forecasts ``(windows, horizon)`` from each window's last values ``history``
    ``(windows, lookback)``: step ``h`` repeats the value ``season * ceil(h / season)`` steps back (season 1:
    the naive forecast, the last value).

    >>> baseline_forecasts(np.array([[1.0, 2.0, 3.0, 4.0]]), 3, 2).tolist()
    [[3.0, 4.0, 3.0]]
    """
    h = np.arange(1, horizon + 1)
    back = season * np.ceil(h / season).astype(np.int64)
    return history[:, history.shape[1] - 1 + h - back]


def seasonal_fits(lookback: int, horizon: int, season: int) -> bool:
    """Whether a lookback holds every value the seasonal naive forecast repeats over the horizon."""
    h = np.arange(1, horizon + 1)
    return season > 1 and bool(np.all(lookback - 1 + h - season * np.ceil(h / season) >= 0))


def pooled_combination(found: dict, scale: np.ndarray, season: int, lookback: int,
                       prior_windows: float = 0) -> dict | None:
    """One weight ``w`` for ``w * network + (1 - w) * baseline`` over every series, fitted by least squares on
    the validation windows in ``found`` (``_score``'s third value) with each series' errors divided by its MASE
    scale (so that no series weighs by its size), times ``n / (n + prior_windows)`` for ``n`` windows (as a
    single series' weight: ``combination_weights``); the baseline is naive or (when the lookback holds it)
    seasonal naive, the lower mean scaled validation error. None when no series has a scale.

    Args:
        found: ``series`` ``(windows,)``, ``actual`` and ``alone`` (the network) ``(windows, horizon)``, ``y``
            and ``origins``: the validation windows in the data's units.
        scale: ``(n_series,)`` MASE scales (NaN or 0: the series is left out of the fit).
        season, lookback: the panel's season and the network's lookback.
        prior_windows: windows' worth of doubt pulling ``w`` toward the baseline (0: the least-squares weight).

    Returns:
        ``{"baseline", "season", "weight", "windows", "least_squares", "prior_windows"}`` or None
        (``least_squares``: the weight before the shrinkage).
    """
    series, actual, alone = found["series"], found["actual"], found["alone"]
    s = scale[series]
    ok = np.isfinite(s) & (s > 0)
    if not ok.any():
        return None
    L, H = lookback, actual.shape[1]
    history = found["y"][found["origins"][:, None] - L + 1 + np.arange(L)]
    seasons = {"naive": 1, **({"seasonal_naive": season} if seasonal_fits(L, H, season) else {})}
    base = {k: baseline_forecasts(history, H, m) for k, m in seasons.items()}
    scaled = lambda a: (a[ok] / s[ok, None])[..., None]                # (windows, horizon, 1)
    error = {k: float(np.mean(np.abs(scaled(b) - scaled(actual)))) for k, b in base.items()}
    name = min(error, key=error.get)                                  # a tie keeps the naive forecast
    least = combination_weights(scaled(alone), scaled(base[name]), scaled(actual))[0]
    n = int(ok.sum())
    return {"baseline": name, "season": seasons[name], "weight": float(least) * n / (n + prior_windows),
            "windows": n, "least_squares": float(least), "prior_windows": prior_windows}


def _trimmed(panel: Panel, trim: int) -> Panel:
    """``panel`` without the last ``trim`` observed steps (and any future rows) of each series."""
    keep = np.maximum(panel.lengths - trim, 0)
    rows = np.concatenate([np.arange(a, a + k) for a, k in zip(panel.offsets[:-1], keep)])
    return Panel(panel.ids, np.r_[0, np.cumsum(keep)], keep, panel.values[rows], panel.positions[rows], panel.target,
                 panel.past, panel.future, panel.statics, panel.anchor, panel.step, panel.empty)


def backtest_panel(params: dict, data, id_col: str, wide: bool, folds: int, test_size: int | None = None):
    """Rolling-origin backtest of a global model: fold ``k`` of ``folds`` refits with each series cut
    ``(folds - k) * test_size`` steps before its end and scores the next ``test_size`` steps (default
    ``horizon``). Returns a DataFrame indexed by ``(fold, model)`` with the aggregate metrics."""
    step = int(test_size or params["horizon"])
    frames = []
    for fold in range(folds):
        model = PanelModel({**params, "test_size": step, "verbose": 0}).fit(data, id_col, wide,
                                                                              trim=(folds - 1 - fold) * step)
        frames.append(model.table.assign(fold=fold + 1, series=len(model.ids)))
    return pd.concat(frames).reset_index().set_index(["fold", "model"])


def solve_linear(net, inputs: PanelInputs, targets: PanelTargets, chunk: int = 65536) -> None:
    """Least-squares weights of a ``linear`` network (Flatten, Dense) over every window, from normal
    equations accumulated a chunk of windows at a time (a tiny ridge keeps them well posed)."""
    A_A, A_B = None, None
    for a in range(0, len(inputs), chunk):
        idx = np.arange(a, min(a + chunk, len(inputs)))
        A = inputs[idx].reshape(len(idx), -1).double()
        A = torch.cat([A, torch.ones(len(idx), 1, dtype=A.dtype)], dim=1)
        B = targets[idx].reshape(len(idx), -1).double()
        A_A = A.T @ A if A_A is None else A_A + A.T @ A
        A_B = A.T @ B if A_B is None else A_B + A.T @ B
    ridge = 1e-6 * len(inputs) * torch.eye(A_A.shape[0], dtype=A_A.dtype)
    ridge[-1, -1] = 0.0
    W = torch.linalg.solve(A_A + ridge, A_B).numpy()
    dense = net.body.layers[1]
    dense.set_weights([W[:-1].astype(np.float32), W[-1].astype(np.float32)])
