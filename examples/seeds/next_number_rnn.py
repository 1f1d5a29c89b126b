"""Seed 000's first RNN: predict the 6th number of 1,2,3,4,5-style sequences with SimpleRNN(50).

The seed trains 1000 epochs with Adam/MSE and predicts about 9.30 for [5, 6, 7, 8, 9]; its summary
counts 2,651 parameters (2,600 in the SimpleRNN, 51 in the Dense layer).

    python examples/seeds/next_number_rnn.py
"""
from __future__ import annotations

import argparse

import numpy as np

import seqlab
from seqlab import layers


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    X = np.array([[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7], [4, 5, 6, 7, 8]], "float32")[..., None]
    y = np.array([6, 7, 8, 9], "float32")
    model = seqlab.Sequential([layers.SimpleRNN(50), layers.Dense(1)], input_shape=(5, 1), seed=args.seed)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, y, epochs=args.epochs, batch_size=32, verbose=0)
    print(model.summary())
    predicted = float(model.predict(np.array([5, 6, 7, 8, 9], "float32").reshape(1, 5, 1))[0, 0])
    print(f"Predicted number: {predicted}   (seed: 9.2970552444458; a perfect model says 10)")
    return {"params": model.count_params(), "predicted": predicted}


if __name__ == "__main__":
    main()
