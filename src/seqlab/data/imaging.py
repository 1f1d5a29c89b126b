"""Series as images, for a CNN: Gramian angular fields, Markov transition fields, recurrence plots.

Each transform takes one series ``(steps,)`` and gives a square image ``(size, size)``;
``series_to_images`` applies one to a batch ``(n, steps)`` or ``(n, steps, features)`` and stacks
the features as channels: ``(n, size, size, features)``.

- **Gramian angular field** (Wang & Oates, 2015): the series, shrunk to ``size`` points by piecewise
  aggregate approximation (the mean of ``size`` near-equal segments), is rescaled to [-1, 1] and
  read as angles ``phi = arccos(x)``; the summation field is ``cos(phi_i + phi_j)``, the difference
  field ``sin(phi_i - phi_j)``.
- **Markov transition field** (same paper): the series' values are put in ``n_bins`` quantile bins,
  ``W[a, b]`` is the share of steps in bin a followed by a step in bin b, and pixel (i, j) is
  ``W[bin(x_i), bin(x_j)]``; the ``steps x steps`` field is averaged over blocks down to ``size``.
- **Recurrence plot** (Eckmann et al., 1987): pixel (i, j) is ``|x_i - x_j|`` of the shrunk series
  (or 1 where it is below ``threshold``, else 0).

>>> import numpy as np
>>> gramian_angular_field(np.array([0.0, 1.0, 2.0]), size=3).round(3) + 0.0
array([[ 1.,  0., -1.],
       [ 0., -1.,  0.],
       [-1.,  0.,  1.]])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError, DataError

METHODS = ("gaf", "gadf", "mtf", "rp")


def piecewise_aggregate(series: np.ndarray, size: int) -> np.ndarray:
    """The mean of each of ``size`` near-equal segments of ``series``: ``(steps,) -> (size,)``.
    A series shorter than ``size`` is linearly interpolated up to it.

    >>> piecewise_aggregate(np.arange(6.0), 3)
    array([0.5, 2.5, 4.5])
    """
    series = np.asarray(series, dtype=np.float64)
    if len(series) < size:
        return np.interp(np.linspace(0, len(series) - 1, size), np.arange(len(series)), series)
    return np.array([segment.mean() for segment in np.array_split(series, size)])


def _rescaled(series: np.ndarray) -> np.ndarray:
    low, high = series.min(), series.max()
    if high == low:
        return np.zeros_like(series)
    return np.clip(2 * (series - low) / (high - low) - 1, -1.0, 1.0)


def gramian_angular_field(series, size: int = 32, method: str = "summation") -> np.ndarray:
    """GASF ``cos(phi_i + phi_j)`` or GADF (``method="difference"``) ``sin(phi_i - phi_j)``, with
    ``phi = arccos`` of the series shrunk to ``size`` points and rescaled to [-1, 1]: ``(size, size)``."""
    x = _rescaled(piecewise_aggregate(series, size))
    sine = np.sqrt(np.clip(1 - x ** 2, 0, 1))
    if method == "summation":
        return np.outer(x, x) - np.outer(sine, sine)
    if method == "difference":
        return np.outer(sine, x) - np.outer(x, sine)
    raise ConfigError(f"method must be 'summation' or 'difference', got {method!r}")


def markov_transition_field(series, size: int = 32, n_bins: int = 8) -> np.ndarray:
    """Pixel (i, j) = probability of moving from x_i's quantile bin to x_j's in one step, averaged
    over blocks down to ``(size, size)``."""
    series = np.asarray(series, dtype=np.float64)
    edges = np.quantile(series, np.linspace(0, 1, int(n_bins) + 1)[1:-1])
    bins = np.searchsorted(edges, series, side="right")
    counts = np.zeros((int(n_bins), int(n_bins)))
    np.add.at(counts, (bins[:-1], bins[1:]), 1.0)
    transitions = counts / np.maximum(counts.sum(1, keepdims=True), 1.0)
    field = transitions[bins[:, None], bins[None, :]]
    blocks = np.array_split(np.arange(len(series)), min(size, len(series)))
    small = np.array([[field[np.ix_(r, c)].mean() for c in blocks] for r in blocks])
    return small if len(small) == size else _resize(small, size)


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    grid = np.linspace(0, len(image) - 1, size)
    rows = np.array([np.interp(grid, np.arange(len(image)), row) for row in image])
    return np.array([np.interp(grid, np.arange(len(image)), col) for col in rows.T]).T


def recurrence_plot(series, size: int = 32, threshold: float | None = None) -> np.ndarray:
    """``|x_i - x_j|`` of the series shrunk to ``size`` points, or 1/0 below/above ``threshold``."""
    x = piecewise_aggregate(series, size)
    distance = np.abs(x[:, None] - x[None, :])
    return distance if threshold is None else (distance <= float(threshold)).astype(np.float64)


def series_to_images(X, method: str = "gaf", size: int = 32) -> np.ndarray:
    """A batch of series as images: ``(n, steps[, features]) -> (n, size, size, features)`` float32.

    ``method``: "gaf" (summation field), "gadf" (difference), "mtf" or "rp"; each feature becomes
    one channel.

    >>> series_to_images(np.random.default_rng(0).normal(size=(2, 50, 3)), "mtf", 16).shape
    (2, 16, 16, 3)
    """
    if method not in METHODS:
        raise ConfigError(f"as-image method must be one of {METHODS}, got {method!r}")
    if int(size) < 2:
        raise ConfigError(f"image size must be >= 2, got {size}")
    arr = np.asarray(X, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[1] < 2:
        raise DataError(f"give series as (n, steps) or (n, steps, features) with >= 2 steps, got {arr.shape}")
    if not np.isfinite(arr).all():
        raise DataError("series given as images must have no missing or infinite values")
    make = {"gaf": lambda s: gramian_angular_field(s, size, "summation"),
            "gadf": lambda s: gramian_angular_field(s, size, "difference"),
            "mtf": lambda s: markov_transition_field(s, size),
            "rp": lambda s: recurrence_plot(s, size)}[method]
    out = np.empty((len(arr), int(size), int(size), arr.shape[2]), dtype=np.float32)
    for n, sample in enumerate(arr):
        for f in range(arr.shape[2]):
            out[n, :, :, f] = make(sample[:, f])
    return out
