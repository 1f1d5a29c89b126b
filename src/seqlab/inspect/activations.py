"""Seeing inside a recurrent language model (seed 003, "LSTM practical intuition").

A unit's activation is read at every character: ``tanh(C_t)`` of an LSTM cell (the value seed 003
colours), the hidden state ``h_t`` of a GRU or SimpleRNN (already in [-1, 1]). The page colours
each character blue for +1 and red for -1, and a search ranks the units whose activation follows a
pattern best (inside quotes, position in the line, or any regular expression).

>>> import numpy as np
>>> html = activation_html("ab", np.array([1.0, -1.0]), "unit 3")
>>> "rgb(" in html
True
"""
from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import numpy as np
import torch

from seqlab.io.errors import ConfigError

PATTERNS = ("quotes", "position")


@torch.no_grad()
def cell_activations(layers: list, x: torch.Tensor, layer: int = -1) -> np.ndarray:
    """Per-step activations of one recurrent layer in a stack.

    Args:
        layers: seqlab recurrent layers (``SimpleRNN``, ``LSTM``, ``GRU``), applied in order.
        x: the first layer's input ``(1, time, features)``.
        layer: which layer to read (index into ``layers``).

    Returns ``(time, units)``: ``tanh(C_t)`` for an LSTM, ``h_t`` otherwise.
    """
    if not layers:
        raise ConfigError("this model has no recurrent layer to inspect; use an rnn, lstm or gru model")
    target = layers[layer]
    for lower in layers[: layers.index(target)]:
        out = lower(x)
        x = out[0] if isinstance(out, (list, tuple)) else out
    cell = target.cell
    x_proj = cell.project_inputs(x)[0]                                  # (time, k*units)
    states = cell.initial_states(1, x)
    values = []
    for t in range(x_proj.shape[0]):
        _, states = cell.step(x_proj[t:t + 1], states)
        values.append(torch.tanh(states[1]) if len(states) > 1 else states[0])   # tanh(C_t) or h_t
    return torch.cat(values).numpy()


def _colour(v: float) -> str:
    """+1 -> blue, 0 -> white, -1 -> red (seed 003's colouring)."""
    v = float(np.clip(v, -1.0, 1.0))
    fade = int(round(255 * (1 - abs(v))))
    return f"rgb({fade},{fade},255)" if v >= 0 else f"rgb(255,{fade},{fade})"


def activation_html(text: str, values: np.ndarray, title: str) -> str:
    """A self-contained HTML page colouring ``text[i]`` by ``values[i]`` (one value per character)."""
    values = np.asarray(values, dtype=float)
    if len(values) != len(text):
        raise ConfigError(f"need one activation per character: {len(text)} characters, {len(values)} values")
    spans = []
    for ch, v in zip(text, values):
        if ch == "\n":
            spans.append("<br>\n")
            continue
        shown = "&nbsp;" if ch == " " else html_lib.escape(ch)
        spans.append(f'<span style="background:{_colour(v)}" title="{v:+.3f}">{shown}</span>')
    return ("<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html_lib.escape(title)}</title><style>body{{font-family:system-ui,sans-serif;max-width:980px;"
            "margin:2em auto}}.text{font-family:monospace;font-size:15px;line-height:1.7}"
            "span{padding:1px 0}</style></head><body>"
            f"<h1>{html_lib.escape(title)}</h1><p>Blue = +1, white = 0, red = -1 "
            "(hover a character for its value).</p>"
            f"<div class='text'>{''.join(spans)}</div></body></html>")


def write_activation_html(path: str | Path, text: str, values: np.ndarray, title: str) -> Path:
    """Write :func:`activation_html` to ``path``; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(activation_html(text, values, title), encoding="utf-8")
    return path


def pattern_signal(text: str, pattern: str) -> np.ndarray:
    """A per-character signal to correlate units with.

    ``"quotes"``: 1 inside double quotes (the quote marks included), else 0. ``"position"``: the
    character's column divided by its line's length. Anything else is a regular expression: 1 on
    the characters it matches.

    >>> pattern_signal('a"bc"d', "quotes").tolist()
    [0.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    """
    out = np.zeros(len(text))
    if pattern == "quotes":
        inside = False
        for i, ch in enumerate(text):
            if ch == '"':
                out[i] = 1.0
                inside = not inside
            else:
                out[i] = float(inside)
        return out
    if pattern == "position":
        start = 0
        for line in text.split("\n"):
            n = max(1, len(line))
            out[start:start + len(line)] = np.arange(len(line)) / n
            start += len(line) + 1
        return out
    try:
        regex = re.compile(pattern)
    except re.error as e:
        raise ConfigError(f"pattern {pattern!r} is neither {', '.join(PATTERNS)} nor a valid regular "
                          f"expression: {e}") from None
    for m in regex.finditer(text):
        out[m.start():m.end()] = 1.0
    return out


def correlated_units(activations: np.ndarray, signal: np.ndarray, top: int = 5) -> list[tuple[int, float]]:
    """The ``top`` units whose activation ``(time, units)`` correlates most (|Pearson r|) with ``signal``.

    Returns ``[(unit, r), ...]`` sorted by |r|, largest first.

    >>> acts = np.stack([np.arange(5.0), np.ones(5), -np.arange(5.0)], 1)
    >>> [(u, round(r, 2)) for u, r in correlated_units(acts, np.arange(5.0), top=2)]
    [(0, 1.0), (2, -1.0)]
    """
    signal = np.asarray(signal, dtype=float)
    if signal.std() == 0:
        raise ConfigError("the pattern is constant over this text (it never or always matches); give a "
                          "text where it changes")
    a = activations - activations.mean(0)
    s = signal - signal.mean()
    denom = np.sqrt((a ** 2).sum(0) * (s ** 2).sum())
    r = np.divide(a.T @ s, denom, out=np.zeros(a.shape[1]), where=denom > 0)
    order = np.argsort(-np.abs(r), kind="stable")[:top]
    return [(int(u), float(r[u])) for u in order]
