"""Seed 000's dense autoencoder: ``Dense(32, relu)`` code, ``Dense(784, sigmoid)`` reconstruction,
binary cross-entropy, Adam (Chollet's "Building autoencoders in Keras").

MNIST is not bundled, so this runs on scikit-learn's 8x8 digits: by default as 64-32-64 (the
pixels as they are, scaled to [0, 1]); ``--upsample`` resizes each digit to 28x28 (bilinear) to
get the seed's exact 784-32-784 network. Prints the test reconstruction error beside PCA with
the same code size (the linear autoencoder baseline) fitted on the same training digits.

The seed's 50 epochs over 60,000 MNIST digits are ~11,700 updates of batch 256; 1,437 training
digits need ~1,000 epochs for as many. Measured (seed 0, 1000 epochs): test MSE 0.00328 for
64-32-64 against PCA-32's 0.00275: the non-linear code does not beat the linear one here.

    python examples/seeds/dense_autoencoder.py [--epochs 1000] [--upsample]
"""
from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from seqlab.tasks import Autoencoder


def digits(upsample: bool) -> np.ndarray:
    X = load_digits().images / 16.0
    if upsample:
        from PIL import Image
        X = np.stack([np.asarray(Image.fromarray(x.astype(np.float32), mode="F").resize((28, 28), Image.BILINEAR))
                      for x in X])
    return X.reshape(len(X), -1).clip(0, 1).astype(np.float32)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1000)
    p.add_argument("--upsample", action="store_true", help="28x28 digits: the seed's 784-32-784")
    p.add_argument("--code-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    X = digits(args.upsample)
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=args.seed)
    ae = Autoencoder("dense", code_size=args.code_size, activation="relu", output_activation="sigmoid",
                     loss="binary_crossentropy", scale=None, epochs=args.epochs, batch_size=256, seed=args.seed)
    ae.fit(X_train)
    n = X.shape[1]
    print(f"dense autoencoder {n}-{args.code_size}-{n} on {'28x28 upsampled' if args.upsample else '8x8'} digits")
    mse = float(np.mean((ae.predict(X_test) - X_test) ** 2))
    pca = PCA(args.code_size, random_state=args.seed).fit(X_train)
    pca_mse = float(np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2))
    print(f"test reconstruction MSE {mse:.5f}; PCA with {args.code_size} components {pca_mse:.5f}; "
          f"codes {ae.transform(X_test).shape}")
    return {"mse": mse, "pca_mse": pca_mse, "inputs": n}


if __name__ == "__main__":
    main()
