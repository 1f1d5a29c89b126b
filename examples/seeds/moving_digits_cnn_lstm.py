"""CNN-LSTM vs ConvLSTM2D on seqlab's synthetic moving digits (seed 001's CNN-LSTM, seed 002's
"CNN-LSTM is not ConvLSTM").

The job: tell in which of 8 directions the digit moves. One frame cannot show it; the sequence can.

- CNN-LSTM: the same small CNN reads every frame (TimeDistributed), an LSTM reads the features.
- ConvLSTM2D: the LSTM's gates are convolutions, so the recurrence keeps the image layout.

    python examples/seeds/moving_digits_cnn_lstm.py --epochs 8
"""
from __future__ import annotations

import argparse

import seqlab
from seqlab import layers
from seqlab.data.moving_digits import DIRECTION_NAMES, make_moving_digits


def cnn_lstm(frames: int, size: int, seed: int) -> seqlab.Sequential:
    return seqlab.Sequential([
        layers.TimeDistributed(layers.Conv2D(8, 3, activation="relu", input_shape=(size, size, 1)),
                               input_shape=(frames, size, size, 1)),
        layers.TimeDistributed(layers.MaxPooling2D(2)),
        layers.TimeDistributed(layers.Flatten()),
        layers.LSTM(32),
        layers.Dense(len(DIRECTION_NAMES), activation="softmax"),
    ], seed=seed)


def conv_lstm(frames: int, size: int, seed: int) -> seqlab.Sequential:
    return seqlab.Sequential([
        layers.ConvLSTM2D(8, 3, padding="same", input_shape=(frames, size, size, 1)),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(len(DIRECTION_NAMES), activation="softmax"),
    ], seed=seed)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=1200, help="sequences (80%% train, 20%% test)")
    p.add_argument("--frames", type=int, default=6)
    p.add_argument("--size", type=int, default=16)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    data = make_moving_digits(args.n, args.frames, args.size, seed=args.seed)
    x, y = data["frames"], data["direction"]
    cut = int(0.8 * len(x))
    results = {}
    for name, build in (("cnn_lstm", cnn_lstm), ("conv_lstm", conv_lstm)):
        model = build(args.frames, args.size, args.seed)
        print(model.summary())
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                      learning_rate=0.003)
        model.fit(x[:cut], y[:cut], epochs=args.epochs, batch_size=32, verbose=0)
        results[name] = model.evaluate(x[cut:], y[cut:])["accuracy"]
        print(f"{name}: test accuracy {results[name]:.3f} (chance {1 / len(DIRECTION_NAMES):.3f})")
    return results


if __name__ == "__main__":
    main()
