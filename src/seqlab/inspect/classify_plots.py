"""``confusion.png``: the confusion matrix of a classifier's test predictions.

>>> plot_confusion([[50, 2], [3, 45]], ["ham", "spam"], "/tmp/confusion.png")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.inspect.plots import new_figure, save_figure


def plot_confusion(matrix, labels: list[str], path: str | Path, title: str = "Confusion matrix") -> Path:
    """Draw ``matrix`` (rows: true class, columns: predicted class, counts) as a heat map with
    the count and the row percentage in every cell. Returns the PNG path."""
    cm = np.asarray(matrix, dtype=np.int64)
    k = len(labels)
    if cm.shape != (k, k):
        raise ValueError(f"confusion matrix must be ({k}, {k}) for {k} labels, got {cm.shape}")
    size = min(3.0 + 0.6 * k, 12.0)
    fig, ax = new_figure(size + 1.0, size)
    ax.grid(False)
    rates = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    image = ax.imshow(rates, cmap="Blues", vmin=0.0, vmax=1.0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of true class")
    tilt = k > 4
    ax.set_xticks(range(k), [str(lab) for lab in labels], rotation=45 if tilt else 0, ha="right" if tilt else "center")
    ax.set_yticks(range(k), [str(lab) for lab in labels])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{title} (accuracy {np.trace(cm) / max(cm.sum(), 1):.3f}, n={cm.sum()})")
    if k <= 20:
        for i in range(k):
            for j in range(k):
                ax.text(j, i, f"{cm[i, j]}\n{rates[i, j]:.0%}", ha="center", va="center", fontsize=9,
                        color="white" if rates[i, j] > 0.6 else "black")
    return save_figure(fig, path)
