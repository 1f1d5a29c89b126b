"""Images from a folder of class sub-folders (seed 003's cats/dogs layout) and Keras-style
augmentation (``ImageDataGenerator(rescale, shear_range, zoom_range, horizontal_flip)``).

Layout read by ``load_image_folder``::

    training_set/cats/cat.1.jpg, training_set/dogs/dog.1.jpg, ...

Each sub-folder is a class (sorted by name, as Keras's ``flow_from_directory``); images are
resized to ``target_size`` with PIL and kept as ``uint8`` ``(n, H, W, C)``. ``ImageBatches``
serves rescaled (and, for training, randomly sheared / zoomed / flipped) float32 batches by
fancy indexing, so a Trainer draws a fresh augmentation of every image in every epoch.

>>> import numpy as np
>>> batches = ImageBatches(np.full((4, 8, 8, 1), 255, np.uint8), rescale=1 / 255)
>>> batches[np.array([0, 2])].shape, float(batches[np.array([0])].max())
((2, 8, 8, 1), 1.0)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.io.errors import ConfigError, DataError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".tif", ".tiff", ".webp")
COLOR_MODES = {"rgb": "RGB", "grayscale": "L"}


def load_image(path, target_size=(64, 64), color_mode: str = "rgb") -> np.ndarray:
    """One image file as ``uint8`` ``(H, W, C)`` resized to ``target_size`` (C = 3 rgb, 1 grayscale).

    Raises DataError naming the file when it is missing or PIL cannot read it.
    """
    from PIL import Image, UnidentifiedImageError

    if color_mode not in COLOR_MODES:
        raise ConfigError(f"color_mode must be one of {', '.join(COLOR_MODES)}, got {color_mode!r}")
    h, w = (int(target_size), int(target_size)) if np.isscalar(target_size) else map(int, target_size)
    try:
        with Image.open(path) as img:
            img = img.convert(COLOR_MODES[color_mode]).resize((w, h), Image.BILINEAR)
            arr = np.asarray(img, dtype=np.uint8)
    except FileNotFoundError:
        raise DataError(f"image file {path} not found") from None
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise DataError(f"cannot read image {path}: {type(e).__name__}; remove the file or replace it "
                        "with a PNG/JPEG") from None
    return arr[:, :, None] if arr.ndim == 2 else arr


def list_image_folder(directory) -> tuple[list[Path], np.ndarray, list[str]]:
    """(image paths, class name of each, sorted class names) of a folder of class sub-folders."""
    root = Path(directory)
    if not root.is_dir():
        raise DataError(f"image folder {root} not found; give a folder with one sub-folder per class")
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise DataError(f"{root} holds no class folders; put the images of each class in its own "
                        f"sub-folder, e.g. {root}/cats/*.jpg and {root}/dogs/*.jpg")
    paths, labels = [], []
    for name in classes:
        files = sorted(p for p in (root / name).rglob("*")
                       if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
        if not files:
            raise DataError(f"class folder {root / name} holds no images ({', '.join(IMAGE_EXTENSIONS)})")
        paths += files
        labels += [name] * len(files)
    return paths, np.array(labels, dtype=object), classes


def load_image_folder(directory, target_size=(64, 64), color_mode: str = "rgb"):
    """Read every image under ``directory/<class>/``.

    Returns ``(images uint8 (n, H, W, C), labels (n,) class names, classes sorted)``.
    """
    paths, labels, classes = list_image_folder(directory)
    images = np.stack([load_image(p, target_size, color_mode) for p in paths])
    return images, labels, classes


def random_affine(images: np.ndarray, rng: np.random.Generator, shear_range: float = 0.0,
                  zoom_range: float = 0.0, horizontal_flip: bool = False) -> np.ndarray:
    """Keras's random transform of a batch ``(n, H, W, C)``: per image a shear angle
    ``U(-shear_range, shear_range)`` degrees (Keras's unit), zoom factors
    ``zx, zy ~ U(1 - zoom_range, 1 + zoom_range)`` (below 1 zooms in), and a left-right flip with
    probability 1/2. See ``affine_batch``."""
    n = len(images)
    shear = rng.uniform(-shear_range, shear_range, n) if shear_range else np.zeros(n)
    zy, zx = rng.uniform(1 - zoom_range, 1 + zoom_range, (2, n)) if zoom_range else (np.ones(n), np.ones(n))
    out = affine_batch(images, shear, zy, zx)
    if horizontal_flip:
        flip = rng.random(n) < 0.5
        out[flip] = out[flip, :, ::-1]
    return out


def affine_batch(images: np.ndarray, shear_degrees, zy, zx) -> np.ndarray:
    """Shear and zoom each image of ``(n, H, W, C)`` about its centre; float32 out, "nearest" fill.

    Output pixel ``p`` (row, col offsets from the centre) samples the input bilinearly at
    ``centre + [[1, -sin s], [0, cos s]] @ diag(zy, zx) @ p`` (Keras's shear-then-zoom matrix).
    """
    images = np.asarray(images, dtype=np.float32)
    n, h, w = images.shape[:3]
    shear = np.deg2rad(np.asarray(shear_degrees, dtype=np.float64))[:, None, None]
    zy, zx = np.asarray(zy, dtype=np.float64)[:, None, None], np.asarray(zx, dtype=np.float64)[:, None, None]
    rows, cols = np.meshgrid(np.arange(h) - (h - 1) / 2, np.arange(w) - (w - 1) / 2, indexing="ij")
    src_r = np.clip(zy * rows - np.sin(shear) * zx * cols + (h - 1) / 2, 0, h - 1)
    src_c = np.clip(np.cos(shear) * zx * cols + (w - 1) / 2, 0, w - 1)
    r0, c0 = np.floor(src_r).astype(np.int64), np.floor(src_c).astype(np.int64)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (src_r - r0)[..., None], (src_c - c0)[..., None]
    b = np.arange(n)[:, None, None]
    out = ((1 - fr) * (1 - fc) * images[b, r0, c0] + (1 - fr) * fc * images[b, r0, c1]
           + fr * (1 - fc) * images[b, r1, c0] + fr * fc * images[b, r1, c1])
    return out.astype(np.float32)


class ImageBatches:
    """Images served in batches: ``batches[idx]`` -> float32 ``(len(idx), H, W, C)``.

    Args:
        images: ``(n, H, W, C)`` array (uint8 or float).
        rescale: multiply pixel values by this (seed 003: ``1 / 255``).
        shear_range, zoom_range, horizontal_flip: random augmentation (see ``random_affine``);
            all zero/False serves the images unchanged (the test set in seed 003).
        seed: seeds the augmentation's random generator.
    """

    def __init__(self, images: np.ndarray, rescale: float = 1.0, shear_range: float = 0.0,
                 zoom_range: float = 0.0, horizontal_flip: bool = False, seed: int | None = None):
        images = np.asarray(images)
        if images.ndim != 4:
            raise DataError(f"images must be (n, H, W, C), got shape {images.shape}")
        if shear_range < 0 or not 0 <= zoom_range < 1:
            raise ConfigError(f"need shear_range >= 0 and 0 <= zoom_range < 1, got {shear_range}, {zoom_range}")
        self.images, self.rescale = images, float(rescale)
        self.shear_range, self.zoom_range = float(shear_range), float(zoom_range)
        self.horizontal_flip = bool(horizontal_flip)
        self.rng = np.random.default_rng(seed)
        self.shape = images.shape

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, idx) -> np.ndarray:
        batch = self.images[idx].astype(np.float32)
        if self.shear_range or self.zoom_range or self.horizontal_flip:
            batch = random_affine(batch, self.rng, self.shear_range, self.zoom_range, self.horizontal_flip)
        return batch * np.float32(self.rescale)
