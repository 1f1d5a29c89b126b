"""Seed 003's cats-vs-dogs CNN on a folder you give.

Layout (Keras's flow_from_directory): TRAIN/cats/*.jpg, TRAIN/dogs/*.jpg, and the same under
TEST. Images are resized to 64x64 and rescaled by 1/255; training images are sheared (0.2),
zoomed (0.2) and flipped left-right at random. The network: Conv2D(32, 3, relu),
MaxPool2D(2, 2), Conv2D(32, 3, relu), Flatten, Dense(128, relu), Dense(1, sigmoid).

    python examples/seeds/cats_dogs_cnn.py dataset/training_set dataset/test_set --epochs 25
"""
from __future__ import annotations

import argparse
import sys

from seqlab.data.images import load_image_folder
from seqlab.io.errors import SeqlabError
from seqlab.tasks.classification.image import ImageClassifier


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("train", help="folder of class sub-folders for training")
    p.add_argument("test", help="folder of class sub-folders for testing")
    p.add_argument("--size", type=int, default=64, help="images are resized to SIZE x SIZE (seed: 64)")
    p.add_argument("--epochs", type=int, default=25)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", help="model directory to write")
    args = p.parse_args(argv)
    cnn = ImageClassifier(target_size=(args.size, args.size), filters=(32, 32), units=128,
                          rescale=1 / 255, shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                          epochs=args.epochs, batch_size=32, seed=args.seed)
    cnn.fit(args.train)
    print(cnn.model_.summary())
    x_test, y_test, _ = load_image_folder(args.test, (args.size, args.size))
    metrics = cnn.evaluate(x_test, y_test)
    print(" ".join(f"{k}={metrics[k]:.4f}" for k in ("accuracy", "precision", "recall", "auc")))
    if args.save:
        print("saved to", cnn.save(args.save))
    return metrics


if __name__ == "__main__":
    try:
        main()
    except SeqlabError as e:  # bad input: one line, exit 2 (as the seqlab command does)
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
