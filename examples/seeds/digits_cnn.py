"""Seed 002's MNIST-style CNN, on the 8x8 digits scikit-learn ships (or on 28x28 MNIST files).

Seed 002's network is Conv2D(32, 3, relu), MaxPooling2D(2), Conv2D(64, 3, relu),
MaxPooling2D(2), Conv2D(64, 3, relu), Flatten, Dense(64, relu), Dense(10, softmax): 93,322
parameters on 28x28x1 images. On 8x8 digits "valid" convolutions would shrink the image to
nothing (8 -> 6 -> 3 -> 1 -> no room for a 3x3 kernel), so there the convolutions use
padding="same" (8 -> 8 -> 4 -> 4 -> 2 -> 2).

    python examples/seeds/digits_cnn.py                           # sklearn digits, 25% test
    python examples/seeds/digits_cnn.py --mnist path/to/mnist.npz  # Keras's mnist.npz, or a folder
                                                                   # with the four idx(-ubyte)(.gz) files
"""
from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from seqlab.io.errors import DataError
from seqlab.tasks.classification.image import ImageClassifier


def read_idx(path: Path) -> np.ndarray:
    """An MNIST idx file (optionally gzipped) as a NumPy array."""
    raw = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_mnist(path: str):
    """(x_train, y_train, x_test, y_test) from Keras's mnist.npz or a folder of idx files."""
    p = Path(path)
    if p.is_file():
        with np.load(p) as f:  # allow_pickle stays False
            return f["x_train"], f["y_train"], f["x_test"], f["y_test"]
    if not p.is_dir():
        raise DataError(f"{p}: no such MNIST file or folder")

    def find(stem):
        hits = sorted(p.glob(f"{stem}*"))
        if not hits:
            raise DataError(f"{p} has no {stem}* file (expected the four MNIST idx files)")
        return read_idx(hits[0])
    return (find("train-images"), find("train-labels"), find("t10k-images"), find("t10k-labels"))


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mnist", help="mnist.npz or a folder with the MNIST idx files (default: sklearn digits)")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if args.mnist:
        x_train, y_train, x_test, y_test = load_mnist(args.mnist)
        padding, rescale = "valid", 1 / 255
    else:
        digits = load_digits()
        x_train, x_test, y_train, y_test = train_test_split(
            digits.images, digits.target, test_size=0.25, random_state=0, stratify=digits.target)
        padding, rescale = "same", 1 / 16
    cnn = ImageClassifier(filters=(32, 64, 64), units=64, padding=padding, rescale=rescale,
                          shear_range=0, zoom_range=0, horizontal_flip=False,  # digits are not mirror-symmetric
                          epochs=args.epochs, batch_size=32, seed=args.seed)
    cnn.fit(x_train, y_train)
    print(cnn.model_.summary())
    metrics = cnn.evaluate(x_test, y_test)
    print(f"test accuracy {metrics['accuracy']:.4f} on {len(x_test)} images")
    return metrics


if __name__ == "__main__":
    main()
