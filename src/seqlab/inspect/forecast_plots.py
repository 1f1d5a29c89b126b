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


def plot_forecast(forecasts: dict, path: str | Path, title: str | None = None, step: int = 0,
                  target: int = 0) -> Path:
    """Plot one target's test period ``step + 1`` steps ahead: actual (black), model (blue), naive
    (grey dashed), seasonal naive if present (dotted), and the shaded interval. Returns the PNG path."""
    x = _x(forecasts, step)
    name = forecasts.get("targets", ["value"])[target]
    fig, ax = new_figure(9, 4.2)
    lower, upper = forecasts.get("lower"), forecasts.get("upper")
    if lower is not None and upper is not None:
        ax.fill_between(x, lower[:, step, target], upper[:, step, target], color="#4477aa", alpha=0.2,
                        label="prediction interval")
    ax.plot(x, forecasts["actual"][:, step, target], color="black", lw=1.6, label="actual")
    ax.plot(x, forecasts["naive"][:, step, target], color="#999999", ls="--", lw=1.2, label="naive (last value)")
    if forecasts.get("seasonal") is not None:
        ax.plot(x, forecasts["seasonal"][:, step, target], color="#ccbb44", ls=":", lw=1.2, label="seasonal naive")
    ax.plot(x, forecasts["model"][:, step, target], color="#4477aa", lw=1.8,
            label=forecasts.get("label", "model"))
    ahead = "1 step" if step == 0 else f"{step + 1} steps"
    ax.set_title(title or f"{name}: test forecasts, {ahead} ahead")
    ax.set_ylabel(name)
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
    first = next(iter(results.values()))
    x = _x(first, 0)
    ax.plot(x, first["actual"][:, 0, 0], color="black", lw=1.8, label="actual")
    for name, f in results.items():
        ax.plot(_x(f, 0), f["model"][:, 0, 0], lw=1.2, label=name)
    ax.set_title(f"{first.get('targets', ['value'])[0]}: test forecasts, 1 step ahead")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    names = list(metrics) + ["naive (baseline)"]
    values = [metrics[n][metric] for n in metrics] + [next(iter(metrics.values()))["baseline"][metric]]
    colors = ["#4477aa"] * len(metrics) + ["#999999"]
    bars.barh(names[::-1], values[::-1], color=colors[::-1])
    bars.set_xlabel(f"test {metric.upper()}")
    bars.grid(True, axis="x", alpha=0.3)
    fig.autofmt_xdate()
    return save_figure(fig, path)
