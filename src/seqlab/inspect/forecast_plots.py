"""Forecast plots: the test period with actual values, the model, the naive forecast and the
model's prediction interval (``forecast.png``), and several models side by side (``compare.png``).

They take the ``test_forecasts_`` dict a fitted ``Forecaster`` keeps: ``origins`` ``(n,)``,
``actual``/``model``/``naive`` ``(n, horizon, targets)``, ``lower``/``upper`` or None, ``times`` or None.

>>> plot_forecast(forecaster.test_forecasts_, "forecast.png")   # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.inspect.plots import new_figure, plot_history, save_figure

__all__ = ["plot_forecast", "plot_comparison", "plot_history"]


def _x(forecasts: dict, step: int) -> np.ndarray:
    rows = np.asarray(forecasts["origins"]) + 1 + step
    times = forecasts.get("times")
    if times is not None and len(times):
        return np.asarray(times)[rows]
    return rows


def _x_label(forecasts: dict) -> str:
    """What the x axis counts: the time column, or the row of the series when there is none."""
    times = forecasts.get("times")
    if times is not None and len(times):
        return forecasts.get("time_col") or "time"
    return "row of the series (no time column)"


def _ahead(step: int, horizon: int) -> str:
    """``"1 step ahead"`` or, for a multi-step model, ``"1 step ahead (step 1 of 3)"``."""
    ahead = "1 step ahead" if step == 0 else f"{step + 1} steps ahead"
    return ahead if horizon == 1 else f"{ahead} (step {step + 1} of {horizon})"


PLOT_ORIGINS = 500   # test forecasts drawn at most: the last ones (8,764 hourly values draw one solid band)
PER_ORIGIN = ("origins", "actual", "model", "naive", "seasonal", "lower", "upper")   # test_forecasts_' arrays by origin


def last_origins(forecasts: dict, keep: int = PLOT_ORIGINS) -> tuple[dict, str]:
    """``forecasts`` cut to its last ``keep`` test origins, and the words that say so for a title (``""`` when
    nothing was cut). The metrics stay those of every origin; only the plot zooms in.

    >>> cut, words = last_origins({"origins": np.arange(600), "model": np.zeros((600, 1, 1)), "times": None})
    >>> cut["origins"][0], cut["model"].shape, words
    (np.int64(100), (500, 1, 1), '; the last 500 of 600')
    """
    n = len(forecasts["origins"])
    if n <= keep:
        return forecasts, ""
    cut = {k: v[n - keep:] if k in PER_ORIGIN and v is not None else v for k, v in forecasts.items()}
    return cut, f"; the last {keep} of {n}"


def _plot_paths(ax, forecasts: dict, target: int, n_paths: int = 6) -> None:
    """The model's full multi-step forecast from ``n_paths`` evenly spaced test origins."""
    n, horizon = forecasts["model"].shape[:2]
    xs = np.stack([_x(forecasts, s) for s in range(horizon)], axis=1)       # (n, horizon)
    for k, i in enumerate(np.unique(np.linspace(0, n - 1, min(n_paths, n)).astype(int))):
        ax.plot(xs[i], forecasts["model"][i, :, target], color="#ee7733", lw=1.2, marker=".", ms=4,
                label=f"model, all {horizon} steps from a few origins" if k == 0 else None)


def plot_forecast(forecasts: dict, path: str | Path, title: str | None = None, step: int = 0,
                  target: int = 0) -> Path:
    """Plot one target's test period ``step + 1`` steps ahead: actual (black), model (blue), naive
    (grey dashed), seasonal naive if present (dotted), and the shaded interval. With a horizon above
    1 the title says which of the steps is drawn, and the model's whole ``horizon``-step path from a
    few origins is overlaid (orange). Of a long test period only the last ``PLOT_ORIGINS`` forecasts are drawn,
    and the title says so. Returns the PNG path."""
    forecasts, cut = last_origins(forecasts)
    x = _x(forecasts, step)
    name = forecasts.get("targets", ["value"])[target]
    fig, ax = new_figure(9, 4.2)
    lower, upper = forecasts.get("lower"), forecasts.get("upper")
    if lower is not None and upper is not None:
        ax.fill_between(x, lower[:, step, target], upper[:, step, target], color="#4477aa", alpha=0.2,
                        label="prediction interval")
    horizon = forecasts["model"].shape[1]
    actual = forecasts["actual"][:, step, target]
    if step == 0 and horizon > 1:   # the last origin's later steps: actual values up to the end of the test period
        x = np.concatenate([x, [_x(forecasts, s)[-1] for s in range(1, horizon)]])
        actual = np.concatenate([actual, forecasts["actual"][-1, 1:, target]])
    ax.plot(x, actual, color="black", lw=1.6, label="actual")
    x = x[: len(forecasts["naive"])]
    ax.plot(x, forecasts["naive"][:, step, target], color="#999999", ls="--", lw=1.2, label="naive (last value)")
    if forecasts.get("seasonal") is not None:
        ax.plot(x, forecasts["seasonal"][:, step, target], color="#ccbb44", ls=":", lw=1.2, label="seasonal naive")
    ax.plot(x, forecasts["model"][:, step, target], color="#4477aa", lw=1.8,
            label=forecasts.get("label", "model"))
    if horizon > 1:
        _plot_paths(ax, forecasts, target)
    ax.set_title(title or f"{name}: test forecasts, {_ahead(step, horizon)}{cut}")
    ax.set_ylabel(name)
    ax.set_xlabel(_x_label(forecasts))
    ax.legend(loc="best", fontsize=9)
    fig.autofmt_xdate()
    return save_figure(fig, path)


def plot_comparison(results: dict[str, dict], metrics: dict[str, dict], path: str | Path,
                    metric: str = "rmse") -> Path:
    """Several models on the same test period (left) and their ``metric`` as bars (right).

    Args:
        results: model name -> ``test_forecasts_`` dict (same split for all).
        metrics: model name -> metrics dict; the naive baseline is taken from the first model.
    """
    import matplotlib.pyplot as plt

    fig, (ax, bars) = plt.subplots(1, 2, figsize=(13, 4.4), dpi=110, gridspec_kw={"width_ratios": [2.2, 1]})
    cut = {name: last_origins(f) for name, f in results.items()}
    first, words = next(iter(cut.values()))
    ax.plot(_x(first, 0), first["actual"][:, 0, 0], color="black", lw=1.8, label="actual")
    for name, (f, _) in cut.items():
        ax.plot(_x(f, 0), f["model"][:, 0, 0], lw=1.2, label=name)
    ax.set_title(f"{first.get('targets', ['value'])[0]}: test forecasts, {_ahead(0, first['model'].shape[1])}{words}")
    ax.set_xlabel(_x_label(first))
    ax.set_ylabel(first.get("targets", ["value"])[0])
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    names = list(metrics) + ([] if "naive" in metrics else ["naive (baseline)"])      # --compare ...,naive: once
    values = [metrics[n][metric] for n in metrics] + ([] if "naive" in metrics else
                                                      [next(iter(metrics.values()))["baseline"][metric]])
    colors = ["#999999" if n == "naive" else "#4477aa" for n in metrics] + ["#999999"] * (len(names) - len(metrics))
    bars.barh(names[::-1], values[::-1], color=colors[::-1])
    bars.set_xlabel(f"test {metric.upper()}")
    bars.grid(True, axis="x", alpha=0.3)
    fig.autofmt_xdate()
    return save_figure(fig, path)
