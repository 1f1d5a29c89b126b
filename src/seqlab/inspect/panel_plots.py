"""Plots of a forecast over many series: the spread of per-series errors, and a few series drawn whole.

>>> plot_error_distribution({"mlp": [1.0, 2.0], "naive": [2.0, 3.0]}, "/tmp/dist.png")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.inspect.plots import new_figure, plt, save_figure

COLORS = {"naive": "#999999", "seasonal_naive": "#bbbbbb", "AutoETS": "#228833", "AutoTheta": "#ccbb44"}


def plot_error_distribution(errors: dict[str, np.ndarray], path: str | Path, metric: str = "sMAPE") -> Path:
    """Box plots (with each series as a dot) of one per-series error, a box per model. ``errors``:
    ``{model: values (one per series)}``. Returns the PNG path."""
    fig, ax = new_figure(8.0, 4.0)
    names = list(errors)
    data = [np.asarray(errors[n], np.float64)[np.isfinite(errors[n])] for n in names]
    ax.boxplot(data, showfliers=False)
    ax.set_xticks(range(1, len(names) + 1), names)
    rng = np.random.default_rng(0)                      # fixed jitter: the same picture every run
    for i, values in enumerate(data, start=1):
        ax.scatter(i + rng.uniform(-0.15, 0.15, len(values)), values, s=6, alpha=0.35, color="#4477aa")
    ax.set_ylabel(f"{metric} per series")
    ax.set_title(f"{metric} of each series on its test part (box: quartiles; dots: series)")
    return save_figure(fig, path)


def plot_series_forecasts(panels: list[dict], path: str | Path) -> Path:
    """One row per series: its history (last part), the test values and each model's forecast.

    Each dict: ``title``, ``times`` and ``values`` of the history and test part, ``forecast_times``,
    ``actual`` and ``forecasts`` ``{model: values}``, optional ``lower``/``upper`` interval.
    """
    fig, axes = plt.subplots(len(panels), 1, figsize=(8.0, 2.6 * len(panels)), dpi=110, squeeze=False)
    for ax, p in zip(axes[:, 0], panels):
        ax.grid(True, alpha=0.3)
        ax.plot(p["times"], p["values"], color="black", lw=1.2, label="actual")
        short = len(p["forecast_times"]) < 3   # a line of one point is not drawn: baselines get a marker too
        for j, (name, values) in enumerate(p["forecasts"].items()):
            ax.plot(p["forecast_times"], values, lw=1.6 if j == 0 else 1.0, ls="-" if j == 0 else "--",
                    color=COLORS.get(name, "#ee6677" if j == 0 else None), label=name,
                    marker="o" if j == 0 else ("x" if short else None), ms=3 if j == 0 else 5)
        if p.get("lower") is not None:
            ax.fill_between(p["forecast_times"], p["lower"], p["upper"], color="#ee6677", alpha=0.15,
                            label="interval")
        ax.set_title(p["title"], fontsize=10)
    axes[0, 0].legend(fontsize=8, ncol=3)
    return save_figure(fig, path)
