"""Multi-digit numbers written with scikit-learn's handwritten digits: an image-to-sequence task.

Each sample pastes 1..``max_digits`` random 8x8 digit images side by side on a blank canvas of
``height x width`` pixels, with a random gap of 0..``max_gap`` pixels before each digit and a
random vertical shift of 0..``height - 8`` pixels per digit; its label is the string of digits.

The digits come from two disjoint pools: images 0-1,399 of ``sklearn.datasets.load_digits()`` for
``split="train"`` and 1,400-1,796 for ``split="test"``. scikit-learn's copy does not record who
wrote each digit; the UCI source lists its writers in order, so the split by position keeps most
writers on one side, but that is not guaranteed.

>>> images, labels = digit_strings(3, max_digits=4, seed=0)
>>> images.shape, [len(s) <= 4 for s in labels]
((3, 12, 44), [True, True, True])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError

TRAIN_DIGITS = 1400


def digit_pool(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digit images (scaled to 0..1) and their labels for ``split`` "train" or "test"."""
    from sklearn.datasets import load_digits

    if split not in ("train", "test"):
        raise ConfigError(f"split must be 'train' or 'test', got {split!r}")
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    part = slice(0, TRAIN_DIGITS) if split == "train" else slice(TRAIN_DIGITS, None)
    return images[part], digits.target[part]


def digit_strings(n: int, *, min_digits: int = 1, max_digits: int = 6, split: str = "train", height: int = 12,
                  max_gap: int = 3, width: int | None = None, seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """``n`` composed images ``(n, height, width)`` float32 in 0..1 and their digit strings.

    ``width`` defaults to room for ``max_digits`` digits with the widest gaps."""
    if not 1 <= int(min_digits) <= int(max_digits):
        raise ConfigError(f"need 1 <= min_digits <= max_digits, got {min_digits} and {max_digits}")
    if int(height) < 8:
        raise ConfigError(f"height must be at least 8 pixels, got {height}")
    width = int(width or max_digits * (8 + max_gap))   # 4 digits, gaps <= 3: 44 pixels
    if width < max_digits * (8 + max_gap):
        raise ConfigError(f"width {width} cannot hold {max_digits} digits with gaps of {max_gap}")
    pool, targets = digit_pool(split)
    rng = np.random.default_rng(seed)
    images = np.zeros((int(n), int(height), width), dtype=np.float32)
    labels = []
    for i in range(int(n)):
        count = int(rng.integers(min_digits, max_digits + 1))
        picks = rng.integers(0, len(pool), count)
        x = 0
        for k in picks:
            x += int(rng.integers(0, max_gap + 1))
            y = int(rng.integers(0, height - 8 + 1))
            images[i, y:y + 8, x:x + 8] = np.maximum(images[i, y:y + 8, x:x + 8], pool[k])
            x += 8
        labels.append("".join(str(int(targets[k])) for k in picks))
    return images, labels
