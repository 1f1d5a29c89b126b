"""A synthetic event-detection data set (seed 004: "identify the occurrence of a specific,
expected event within a continuous data stream", like hot-word detection in audio).

Each stream is AR(1) background noise into which short events of three shapes are written at
random, non-overlapping places. Every step is labelled: ``0`` background, or the event's type.
A many-to-many (synced) model, ``SequenceTagger``, learns to mark the steps of each event.

>>> X, y = make_event_streams(4, length=120, seed=0)
>>> X.shape, y.shape, EVENT_NAMES[int(y.max())] in EVENT_NAMES
((4, 120, 1), (4, 120), True)
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError

EVENT_NAMES = ("background", "bump", "burst", "dip")


def _event_shape(kind: int, width: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(width)
    if kind == 1:  # bump: a smooth positive hill
        return 2.0 * np.exp(-0.5 * ((t - width / 2) / (width / 5)) ** 2)
    if kind == 2:  # burst: a fast oscillation (period 4 steps)
        return 1.5 * np.sin(2 * np.pi * t / 4 + rng.uniform(0, 2 * np.pi))
    return np.full(width, -2.0)  # dip: a flat negative plateau


def make_event_streams(n_sequences: int = 200, length: int = 200, events_per_stream: tuple[int, int] = (1, 4),
                       width: tuple[int, int] = (10, 25), noise: float = 0.3, seed: int | None = 0
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Generate labelled event streams.

    Args:
        n_sequences: streams to make.
        length: steps per stream.
        events_per_stream: inclusive range of events written into each stream.
        width: inclusive range of an event's length in steps.
        noise: standard deviation of the AR(1) background's innovations (coefficient 0.8).
        seed: seed of the NumPy generator (same seed, same data).

    Returns:
        ``X`` ``(n_sequences, length, 1)`` float32 values and ``y`` ``(n_sequences, length)`` int64
        step labels (indices into ``EVENT_NAMES``).
    """
    if length < width[1] * events_per_stream[1]:
        raise ConfigError(f"length {length} cannot hold {events_per_stream[1]} events of up to {width[1]} steps")
    rng = np.random.default_rng(seed)
    X = np.zeros((n_sequences, length), dtype=np.float64)
    y = np.zeros((n_sequences, length), dtype=np.int64)
    for i in range(n_sequences):
        e = rng.normal(0.0, noise, length)
        for t in range(1, length):  # AR(1) background
            X[i, t] = 0.8 * X[i, t - 1] + e[t]
        n_events = rng.integers(events_per_stream[0], events_per_stream[1] + 1)
        for _ in range(n_events):
            for _attempt in range(50):  # place without overlapping an earlier event
                w = int(rng.integers(width[0], width[1] + 1))
                start = int(rng.integers(0, length - w))
                if not y[i, max(0, start - 2): start + w + 2].any():
                    kind = int(rng.integers(1, len(EVENT_NAMES)))
                    X[i, start:start + w] += _event_shape(kind, w, rng)
                    y[i, start:start + w] = kind
                    break
    return X[..., None].astype(np.float32), y
