"""Seed 003's Google stock RNN: 60 days of opens -> next open; 4 x LSTM(50) each with Dropout(0.2),
Dense(1); Adam, MSE, 100 epochs, batch 32. Train 2012-2016, test January 2017 (20 days), with the
last 60 training days as the first test inputs, as in the course.

The course publishes no RMSE; the naive forecast (yesterday's open) scores RMSE 8.42 on these days.

    python examples/seeds/google_stock_lstm.py [--epochs 100]
"""
from __future__ import annotations

import argparse

import pandas as pd

from seqlab import datasets
from seqlab.tasks import Forecaster


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-days", type=int, default=None, help="train on the last N training days only (quick runs)")
    args = p.parse_args(argv)
    g = datasets.load("google-stock")
    train = g["train"] if args.train_days is None else g["train"].tail(args.train_days)
    df = pd.concat([train, g["test"]], ignore_index=True)
    f = Forecaster("stacked_lstm", target="Open", time_col="Date", lookback=60, units=50, num_layers=4, dropout=0.2,
                   epochs=args.epochs, batch_size=32, test_size=len(g["test"]), validation_split=0, seed=args.seed,
                   verbose=0)
    f.fit(df)
    print(f.summary())
    m = f.evaluate()
    print(f"January 2017: RMSE {m['rmse']:.2f}, MAE {m['mae']:.2f}; naive RMSE {m['baseline']['rmse']:.2f}, "
          f"MAE {m['baseline']['mae']:.2f}; RMSE / 800 = {m['rmse'] / 800:.4f} (the course's relative error)")
    return m


if __name__ == "__main__":
    main()
