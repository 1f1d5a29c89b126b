"""``attention.png``: where a sequence-to-sequence decoder looked while writing each character.

>>> plot_attention([[0.9, 0.1], [0.2, 0.8]], ["a", "b"], ["b", "a"], "/tmp/attention.png")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.inspect.plots import new_figure, save_figure


def _label(token: str) -> str:
    return "␣" if token == " " else token


def plot_attention(weights, input_tokens: list[str], output_tokens: list[str], path: str | Path,
                   title: str = "Attention") -> Path:
    """Heat map of ``weights`` ``(len(output_tokens), len(input_tokens))``: row t is the attention
    over the input while writing output token t (rows sum to 1). Returns the PNG path."""
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (len(output_tokens), len(input_tokens)):
        raise ValueError(f"weights must be (outputs, inputs) = ({len(output_tokens)}, {len(input_tokens)}), "
                         f"got {w.shape}")
    cell = 0.38
    fig, ax = new_figure(max(4.0, 1.8 + cell * len(input_tokens)), max(3.0, 1.4 + cell * len(output_tokens)))
    ax.grid(False)
    image = ax.imshow(w, cmap="viridis", vmin=0.0, vmax=1.0, aspect="equal")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="attention weight")
    ax.set_xticks(range(len(input_tokens)), [_label(t) for t in input_tokens])
    ax.set_yticks(range(len(output_tokens)), [_label(t) for t in output_tokens])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("input")
    ax.set_ylabel("output")
    ax.set_title(title, pad=24)
    return save_figure(fig, path)
