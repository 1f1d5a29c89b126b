"""A synthetic "moving digit" sequence set: each sequence is a handful of frames of one
handwritten digit (scikit-learn's bundled 8x8 digits) gliding across a blank canvas and bouncing
off its edges, in the spirit of Moving MNIST. It shows CNN-LSTM and ConvLSTM2D models on
sequences of images without downloading anything.

Each sample has three targets: the digit (0-9, what the frames show), the direction of motion
(one of 8 compass directions, only visible across frames, so a per-frame CNN cannot tell it
alone), and the frames themselves for next-frame prediction.

>>> data = make_moving_digits(n=4, frames=6, size=16, seed=0)
>>> data["frames"].shape, data["digit"].shape, data["direction"].shape
((4, 6, 16, 16, 1), (4,), (4,))
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError

# unit steps of the eight compass directions, (row, col): E, NE, N, NW, W, SW, S, SE
DIRECTIONS = np.array([(0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1)])
DIRECTION_NAMES = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")


def make_moving_digits(n: int = 1000, frames: int = 10, size: int = 24, speed: int = 2,
                       seed: int | None = 0) -> dict:
    """Generate ``n`` sequences of ``frames`` frames of ``size x size`` pixels.

    Args:
        n: number of sequences.
        frames: frames per sequence.
        size: canvas height and width (at least 10: the digit is 8x8).
        speed: pixels moved per frame along each moving axis.
        seed: random seed (digit choice, start position, direction).

    Returns a dict: ``frames`` float32 ``(n, frames, size, size, 1)`` in [0, 1] (Keras's
    channels-last layout), ``digit`` int64 ``(n,)``, ``direction`` int64 ``(n,)`` indexing
    ``DIRECTION_NAMES`` (the initial direction; bounces reverse an axis).
    """
    from sklearn.datasets import load_digits

    if size < 10 or frames < 1 or n < 1 or speed < 1:
        raise ConfigError(f"need n >= 1, frames >= 1, size >= 10 and speed >= 1; got n={n}, frames={frames}, "
                          f"size={size}, speed={speed}")
    digits = load_digits()
    glyphs, labels = digits.images.astype(np.float32) / 16.0, digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(glyphs), n)
    direction = rng.integers(0, len(DIRECTIONS), n)
    room = size - 8
    out = np.zeros((n, frames, size, size, 1), np.float32)
    for s in range(n):
        pos = rng.integers(0, room + 1, 2)
        vel = DIRECTIONS[direction[s]] * speed
        for t in range(frames):
            r, c = pos
            out[s, t, r:r + 8, c:c + 8, 0] = glyphs[pick[s]]
            nxt = pos + vel
            bounce = (nxt < 0) | (nxt > room)
            vel = np.where(bounce, -vel, vel)
            pos = np.clip(pos + vel, 0, room)
    return {"frames": out, "digit": labels[pick], "direction": direction.astype(np.int64)}
