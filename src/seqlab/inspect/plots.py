"""Plots every run writes, as PNG (matplotlib, Agg backend: no screen needed).

>>> plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}, "/tmp/loss.png")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# One colour each for real and synthetic data in every figure of a generative run (TimeGAN's: real red,
# synthetic blue), so samples.png and embedding.png read the same way.
REAL_COLOR, SYNTHETIC_COLOR = "#cc3311", "#0077bb"


def new_figure(width: float = 8.0, height: float = 4.0):
    """A figure and axes in seqlab's house style."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=110)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def save_figure(fig, path: str | Path) -> Path:
    """Save ``fig`` as PNG at ``path`` and close it."""
    path = Path(path)
    fig.tight_layout()
    fig.savefig(path, format="png", bbox_inches="tight")  # long tick labels are never clipped
    plt.close(fig)
    return path


def plot_history(history: dict[str, list[float]], path: str | Path, title: str = "Training loss",
                 x: list | None = None, xlabel: str = "epoch") -> Path:
    """Plot each ``loss``-like series of a History dict per epoch (train solid, validation dashed).

    Takes ``{"loss": [...], "val_loss": [...], "mae": [...], ...}``; metrics other than losses are
    drawn on a second panel, a ``learning_rate`` series on its own logarithmic axis there (on the
    accuracy scale a rate of 1e-3 is a flat line at zero). ``x`` gives the positions of the points
    (default epochs 1, 2, ...) and ``xlabel`` names them (e.g. ``x=history["step"], xlabel="training
    step"``). Returns the PNG path.
    """
    losses = {k: v for k, v in history.items() if k.endswith("loss") and len(v)}
    others = {k: v for k, v in history.items() if not k.endswith("loss") and len(v)
              and all(isinstance(x, (int, float)) for x in v)}
    rate = others.pop("learning_rate", None)
    if rate is not None and not others:
        others, rate = {"learning_rate": rate}, None      # the rate alone: the panel's own (log) axis
    fig, axes = plt.subplots(1, 2 if others else 1, figsize=(11 if others else 7, 4), dpi=110, squeeze=False)
    for ax, series, label in ((axes[0, 0], losses, "loss"), *(((axes[0, 1], others, "metric"),) if others else ())):
        for name, values in series.items():
            xs = list(x)[:len(values)] if x is not None else range(1, len(values) + 1)
            ax.plot(xs, values, "--" if name.startswith("val_") else "-", label=name,
                    marker="o" if len(values) == 1 else None)     # one epoch: a line of one point is invisible
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if x is None and max((len(v) for v in series.values()), default=0) == 1:
            ax.set_xlim(0.5, 1.5)
            ax.set_xticks([1])
        ax.set_ylabel(label)
        ax.grid(True, alpha=0.3)
        if series:
            ax.legend()
        if label == "metric" and "learning_rate" in series and all(v > 0 for v in series["learning_rate"]):
            ax.set_yscale("log")
    if rate is not None and all(v > 0 for v in rate):
        twin = axes[0, 1].twinx()
        xs = list(x)[:len(rate)] if x is not None else range(1, len(rate) + 1)
        twin.plot(xs, rate, ":", color="gray", label="learning_rate")
        twin.set_yscale("log")
        twin.set_ylabel("learning rate (log scale)")
        twin.legend(loc="lower left")
    axes[0, 0].set_title(title)
    return save_figure(fig, path)
