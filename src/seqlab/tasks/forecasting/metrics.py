"""Point-forecast errors, computed on values in the data's own units (after inverse scaling).

Every function takes ``y_true`` and ``y_pred`` of the same shape (any shape; all entries count
equally) and returns a float. ``mase`` also needs the training series, whose in-sample
(seasonal) naive error is the scale.

>>> import numpy as np
>>> y, p = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
>>> mae(y, p), round(rmse(y, p), 4)
(1.0, 1.291)
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import DataError
from seqlab.tasks.verdicts import significance_text

METRIC_NAMES = ("mae", "rmse", "mape", "smape", "mase")


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise DataError(f"y_true has shape {y_true.shape} but y_pred has shape {y_pred.shape}; they must match")
    if y_true.size == 0:
        raise DataError("no values to score: the test split is empty; use a longer series or a larger test size")
    return y_true, y_pred


def mae(y_true, y_pred) -> float:
    """Mean absolute error ``mean(|y - p|)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred)))


def rmse(y_true, y_pred) -> float:
    """Root mean squared error ``sqrt(mean((y - p)^2))``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2)))


def mape(y_true, y_pred) -> float:
    """Mean absolute percentage error ``100 * mean(|y - p| / |y|)``, over entries with ``y != 0``
    (NaN when every true value is 0)."""
    y_true, y_pred = _pair(y_true, y_pred)
    keep = y_true != 0
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(y_true[keep] - y_pred[keep]) / np.abs(y_true[keep])))


def smape(y_true, y_pred) -> float:
    """Symmetric MAPE ``100 * mean(2|y - p| / (|y| + |p|))`` in [0, 200]; a pair of zeros counts 0."""
    y_true, y_pred = _pair(y_true, y_pred)
    denom = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(2.0 * np.abs(y_true - y_pred), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100.0 * np.mean(ratio))


def mase(y_true, y_pred, y_train, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006): MAE divided by the in-sample MAE of the
    seasonal naive forecast ``y[t] = y[t - season]`` on ``y_train`` ``(rows,)`` or ``(rows, targets)``.
    Below 1 beats that naive forecast on average; NaN when the training series is constant."""
    y_train = np.asarray(y_train, dtype=np.float64)
    if len(y_train) <= season:
        raise DataError(f"MASE needs more than season={season} training rows, got {len(y_train)}")
    scale = float(np.mean(np.abs(y_train[season:] - y_train[:-season])))
    return mae(y_true, y_pred) / scale if scale > 0 else float("nan")


def forecast_metrics(y_true, y_pred, y_train, season: int = 1) -> dict[str, float]:
    """All five metrics as ``{"mae", "rmse", "mape", "smape", "mase"}``.

    >>> import numpy as np
    >>> m = forecast_metrics([2.0, 3.0], [2.0, 2.0], y_train=[0.0, 1.0, 2.0])
    >>> m["mae"], m["mase"]
    (0.5, 0.5)
    """
    return {"mae": mae(y_true, y_pred), "rmse": rmse(y_true, y_pred), "mape": mape(y_true, y_pred),
            "smape": smape(y_true, y_pred), "mase": mase(y_true, y_pred, y_train, season)}


def pinball_loss(y_true, y_pred, q: float) -> float:
    """Quantile (pinball) loss ``mean(max(q * (y - p), (q - 1) * (y - p)))`` for quantile ``q``."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = y_true - y_pred
    return float(np.mean(np.maximum(q * diff, (q - 1.0) * diff)))


def diebold_mariano(actual, forecast, baseline, horizon: int = 1) -> dict:
    """Do ``forecast`` and ``baseline`` differ in squared error on the same windows beyond chance? The
    Diebold-Mariano test (1995) of the loss differential ``d_t = mean((baseline - actual)^2 - (forecast -
    actual)^2)`` over each window's steps, its variance from the autocovariances of ``d`` up to lag
    ``horizon - 1`` (forecasts ``horizon`` steps ahead overlap), with Harvey, Leybourne and Newbold's (1997)
    small-sample correction and Student's t with ``windows - 1`` degrees of freedom.

    Args:
        actual, forecast, baseline: ``(windows, ...)`` arrays of one shape, in the data's units.
        horizon: steps ahead of each window's forecast.

    Returns:
        ``{"statistic", "p_value", "windows"}``: the statistic is positive when ``forecast`` has the lower
        squared error, the p-value two-sided (1 when the two forecasts are the same; NaN below 2 windows).

    >>> a = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> r = diebold_mariano(a, a + [0.1, -0.1, 0.2, -0.1, 0.1, -0.2], a + [1.0, -1.2, 0.9, -1.1, 1.3, -0.8])
    >>> r["statistic"] > 0 and r["p_value"] < 0.01, r["windows"]
    (True, 6)
    """
    from scipy import stats

    actual, forecast, baseline = (np.asarray(v, np.float64) for v in (actual, forecast, baseline))
    n = len(actual)
    axes = tuple(range(1, actual.ndim))
    d = np.mean((baseline - actual) ** 2 - (forecast - actual) ** 2, axis=axes) if axes else \
        (baseline - actual) ** 2 - (forecast - actual) ** 2
    if n < 2:
        return {"statistic": float("nan"), "p_value": float("nan"), "windows": int(n)}
    mean, centred = float(d.mean()), d - d.mean()
    gammas = [float(centred[k:] @ centred[:n - k]) / n for k in range(min(horizon, n))]
    variance = (gammas[0] + 2 * sum(gammas[1:])) / n
    if variance <= 0:
        variance = gammas[0] / n
    if variance == 0:
        stat = 0.0 if mean == 0 else float(np.sign(mean)) * float("inf")
        return {"statistic": stat, "p_value": 1.0 if mean == 0 else 0.0, "windows": int(n)}
    h = horizon
    stat = mean / np.sqrt(variance) * np.sqrt(max(n + 1 - 2 * h + h * (h - 1) / n, 1.0) / n)
    return {"statistic": float(stat), "p_value": float(2 * stats.t.sf(abs(stat), n - 1)), "windows": int(n)}


def series_signed_rank(model_errors, baseline_errors) -> dict:
    """Do the model's per-series errors differ from the baseline's on the same series beyond chance? Wilcoxon's
    signed-rank test of the paired differences (one error per series, e.g. each series' MASE), two-sided; the
    test forecasting comparisons across many series use (Demsar 2006), as Diebold-Mariano's is across windows.

    Returns:
        ``{"p_value", "series", "better"}``: ``better`` counts the series where the model's error is lower;
        the p-value is 1 when every pair ties, NaN with fewer than 2 series that differ.

    >>> r = series_signed_rank([0.8, 0.9, 0.7, 0.95, 0.85, 0.6, 0.9, 0.75], [1.0] * 8)
    >>> round(r["p_value"], 4), r["series"], r["better"]
    (0.0078, 8, 8)
    """
    from scipy import stats

    m, b = np.asarray(model_errors, np.float64), np.asarray(baseline_errors, np.float64)
    keep = np.isfinite(m) & np.isfinite(b)
    d = (m - b)[keep]
    out = {"series": int(keep.sum()), "better": int((d < 0).sum())}
    if not (d != 0).any():
        return {**out, "p_value": 1.0 if len(d) else float("nan")}
    if (d != 0).sum() < 2:
        return {**out, "p_value": float("nan")}
    return {**out, "p_value": float(stats.wilcoxon(d, zero_method="wilcox").pvalue)}


def strong_baseline(metrics: dict) -> tuple[str, dict]:
    """The stronger of the naive and seasonal naive forecasts in a Forecaster's ``metrics_`` (lower
    test RMSE): ``(name, its metrics)``.

    >>> strong_baseline({"baseline": {"rmse": 2.0}, "seasonal_naive": {"season": 12, "rmse": 1.5}})
    ('seasonal naive (12)', {'season': 12, 'rmse': 1.5})
    """
    best = ("naive", metrics["baseline"])
    seasonal = metrics.get("seasonal_naive")
    if seasonal is not None and seasonal["rmse"] < best[1]["rmse"]:
        best = (f"seasonal naive ({seasonal['season']})", seasonal)
    return best


def _ratio(value: float, reference: float) -> str:
    """``value / reference`` with enough digits that a ratio below 1 never prints as 1.00."""
    if not reference:
        return "n/a"
    r = value / reference
    for digits in (2, 3, 4, 6):
        text = f"{r:.{digits}f}"
        if float(text) != 1.0 or r == 1.0:
            return text + "x"
    return f"{r:.6f}x"


def forecast_verdict(name: str, metrics: dict) -> str:
    """One line: does model ``name`` (its ``metrics_``) beat the strong baseline on test RMSE?

    >>> m = {"rmse": 0.999, "baseline": {"rmse": 1.0}}
    >>> forecast_verdict("lstm", m)
    'lstm beats the strong baseline naive: test RMSE 0.999 vs 1 (0.999x)'
    >>> forecast_verdict("lstm", {"rmse": 1.2, "baseline": {"rmse": 1.0}})
    'lstm LOSES to the strong baseline naive: test RMSE 1.2 vs 1 (1.20x)'

    With ``metrics["significance"]`` (``diebold_mariano`` against the strong baseline) the ratio says whether
    the difference is significant:

    >>> forecast_verdict("lstm", {"rmse": 1.2, "baseline": {"rmse": 1.0}, "significance": {"p_value": 0.31,
    ...                                                                                     "windows": 21}})
    'lstm LOSES to the strong baseline naive: test RMSE 1.2 vs 1 (1.20x; not significant at 5%: Diebold-Mariano \
p = 0.31 on 21 forecasts)'
    """
    base_name, base = strong_baseline(metrics)
    model, ref = float(metrics["rmse"]), float(base["rmse"])
    word = "ties" if model == ref else "beats" if model < ref else "LOSES to"
    test = metrics.get("significance")
    tested = "" if not test or model == ref else "; " + significance_text("Diebold-Mariano", test["p_value"],
                                                                          test["windows"], "forecasts")
    return (f"{name} {word} the strong baseline {base_name}: test RMSE {model:.4g} vs {ref:.4g} "
            f"({_ratio(model, ref)}{tested})")
