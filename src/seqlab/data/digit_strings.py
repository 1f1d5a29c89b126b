"""Multi-digit numbers written with scikit-learn's handwritten digits: an image-to-sequence task.

Each sample pastes 1..``max_digits`` random 8x8 digit images side by side on a blank canvas of
``height x width`` pixels, with a random gap of 0..``max_gap`` pixels before each digit and a
random vertical shift of 0..``height - 8`` pixels per digit; its label is the string of digits.

The digits come from disjoint pools of ``sklearn.datasets.load_digits()``: images 0-1,399 for
``split="train"`` and 1,400-1,796 for ``split="test"``. The training pool is itself cut in two so
that settings can be chosen on digits the model never trained on without touching the test pool:
``split="fit"`` is images 0-1,259 and ``split="validation"`` images 1,260-1,399. scikit-learn's
copy does not record who wrote each digit; the UCI source lists its writers in order, so the split
by position keeps most writers on one side, but that is not guaranteed.

``augment=True`` warps every pasted digit by a random affine map (rotation, shear, scale and a
sub-pixel shift, bilinear; ``warp_digit``): new shapes of the same writers' digits, meant for
training images only, so the validation and test pools are read as written.

>>> images, labels = digit_strings(3, max_digits=4, seed=0)
>>> images.shape, [len(s) <= 4 for s in labels]
((3, 12, 44), [True, True, True])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError

TRAIN_DIGITS = 1400
FIT_DIGITS = 1260          # the first 90% of the training pool; the rest is the validation pool
POOLS = {"train": slice(0, TRAIN_DIGITS), "test": slice(TRAIN_DIGITS, None),
         "fit": slice(0, FIT_DIGITS), "validation": slice(FIT_DIGITS, TRAIN_DIGITS)}
# The random warp of augment=True: rotation (radians), shear, log-scale and shift (pixels) are
# drawn uniformly in +-these; sized so that a warped 8x8 digit still fits its 8x8 cell.
WARP = {"rotation": 0.2, "shear": 0.2, "log_scale": 0.12, "shift": 0.6}


def digit_pool(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The 8x8 digit images (scaled to 0..1) and their labels for ``split`` "train", "test", "fit" or
    "validation" (see the module doc)."""
    from sklearn.datasets import load_digits

    if split not in POOLS:
        raise ConfigError(f"split must be one of {', '.join(map(repr, POOLS))}, got {split!r}")
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)
    return images[POOLS[split]], digits.target[POOLS[split]]


def affine_digit(image: np.ndarray, angle: float = 0.0, shear: float = 0.0, scale=(1.0, 1.0),
                 shift=(0.0, 0.0)) -> np.ndarray:
    """``image`` (rows, columns) rotated by ``angle`` radians, sheared, scaled (rows, columns) about
    its centre and then shifted by ``shift`` pixels (down, right); bilinear, zero outside, clipped to
    0..1.

    >>> affine_digit(np.eye(3, dtype=np.float32), shift=(0, 1))[0].tolist()
    [0.0, 1.0, 0.0]
    """
    from scipy.ndimage import affine_transform

    cos, sin = np.cos(angle), np.sin(angle)
    forward = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]]) @ np.diag(scale)
    inverse = np.linalg.inv(forward)                     # output pixel -> input pixel
    centre = (np.array(image.shape) - 1) / 2.0
    offset = centre - inverse @ (centre + np.asarray(shift, dtype=float))
    out = affine_transform(image, inverse, offset=offset, order=1, mode="constant", cval=0.0)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def warp_digit(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``image`` under a random ``affine_digit`` map with parameters drawn uniformly within ``WARP``.

    >>> out = warp_digit(np.eye(8, dtype=np.float32), np.random.default_rng(0))
    >>> out.shape, bool(0 <= out.min() and out.max() <= 1)
    ((8, 8), True)
    """
    angle, shear = rng.uniform(-1, 1, 2) * (WARP["rotation"], WARP["shear"])
    scale = np.exp(rng.uniform(-1, 1, 2) * WARP["log_scale"])
    return affine_digit(image, angle, shear, scale, rng.uniform(-1, 1, 2) * WARP["shift"])


def digit_strings(n: int, *, min_digits: int = 1, max_digits: int = 6, split: str = "train", height: int = 12,
                  max_gap: int = 3, width: int | None = None, augment: bool = False,
                  seed: int = 0) -> tuple[np.ndarray, list[str]]:
    """``n`` composed images ``(n, height, width)`` float32 in 0..1 and their digit strings.

    ``width`` defaults to room for ``max_digits`` digits with the widest gaps; ``augment`` warps
    each pasted digit (``warp_digit``)."""
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
            digit = warp_digit(pool[k], rng) if augment else pool[k]
            images[i, y:y + 8, x:x + 8] = np.maximum(images[i, y:y + 8, x:x + 8], digit)
            x += 8
        labels.append("".join(str(int(targets[k])) for k in picks))
    return images, labels
