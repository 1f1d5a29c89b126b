"""Seed 002's stacked LSTM (CQF): 60 steps of one feature; LSTM(256, return_sequences), Dropout(0.4),
LSTM(256), Dropout(0.4), Dense(64, relu), Dense(1): 806,017 parameters, as the seed's summary.

The seed shows no data; this recipe trains it on the bundled Google opens (60 days -> next open,
test January 2017) beside the naive forecast.

    python examples/seeds/cqf_stacked_lstm.py [--epochs 20]
"""
from __future__ import annotations

import argparse

import pandas as pd

from seqlab import datasets
from seqlab.tasks import Forecaster


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-days", type=int, default=None, help="train on the last N training days only (quick runs)")
    args = p.parse_args(argv)
    g = datasets.load("google-stock")
    train = g["train"] if args.train_days is None else g["train"].tail(args.train_days)
    df = pd.concat([train, g["test"]], ignore_index=True)
    f = Forecaster("stacked_lstm", target="Open", time_col="Date", lookback=60, units=256, num_layers=2,
                   dropout=0.4, head_units=64, epochs=args.epochs, batch_size=32, test_size=len(g["test"]),
                   seed=args.seed, verbose=0)
    f.fit(df)
    print(f.summary())
    m = f.evaluate()
    print(f"test RMSE {m['rmse']:.2f}, MAE {m['mae']:.2f}; naive RMSE {m['baseline']['rmse']:.2f}")
    return {**m, "params": sum(p.numel() for p in f.network_.parameters())}


if __name__ == "__main__":
    main()
