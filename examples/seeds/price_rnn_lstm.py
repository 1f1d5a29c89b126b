"""Seed 000's price models: SimpleRNN(32) and LSTM(256) on a lookback window of prices.

The seed feeds each window as ONE time step of ``lookback`` features (``input_shape=(1, lookback)``),
trains 5 epochs with batch 1 on MinMax-scaled prices and inverse-scales the predictions. Here
the prices are the bundled Google opens (2012-2016 train, January 2017 test); the scaler is fitted
on the training rows only, and both models are scored beside the naive (yesterday's open) forecast.

    python examples/seeds/price_rnn_lstm.py [--epochs 5] [--lookback 25]
"""
from __future__ import annotations

import argparse

import pandas as pd

import seqlab
from seqlab import datasets, layers
from seqlab.data import MinMaxScaler, make_windows
from seqlab.tasks.forecasting.metrics import mae, rmse


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--lookback", type=int, default=25)
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--seed", type=int, default=3)
    args = p.parse_args(argv)
    g = datasets.load("google-stock")
    prices = pd.concat([g["train"], g["test"]], ignore_index=True)["Open"].to_numpy("float64")
    n_train = len(g["train"])
    scaler = MinMaxScaler().fit(prices[:n_train])
    X, y = make_windows(scaler.transform(prices).astype("float32"), lookback=args.lookback)
    X = X.reshape(len(X), 1, args.lookback)                  # the seed's (samples, 1, lookback)
    first_test = n_train - args.lookback                     # window whose target is the first test day
    train_x, train_y, test_x = X[:first_test], y[:first_test], X[first_test:]
    actual = prices[n_train:]
    results = {"naive": {"mae": mae(actual, prices[n_train - 1:-1]), "rmse": rmse(actual, prices[n_train - 1:-1])}}
    for name, recurrent in (("SimpleRNN(32)", layers.SimpleRNN(32)), ("LSTM(256)", layers.LSTM(256))):
        model = seqlab.Sequential([recurrent, layers.Dense(1)], input_shape=(1, args.lookback), seed=args.seed)
        model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mse"])
        print(model.summary())
        model.fit(train_x, train_y, epochs=args.epochs, batch_size=args.batch_size, verbose=0)
        pred = scaler.inverse_transform(model.predict(test_x)[:, 0], column=0)
        results[name] = {"mae": mae(actual, pred), "rmse": rmse(actual, pred)}
    for name, r in results.items():
        print(f"{name:<14} test MAE {r['mae']:7.3f}  RMSE {r['rmse']:7.3f}")
    return results


if __name__ == "__main__":
    main()
