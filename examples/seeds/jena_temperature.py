"""Seed 004's Jena climate example (Chollet): temperature 24 h after the last of 120 hourly steps
(sampling_rate 6 on 10-minute rows) of 14 weather quantities; 50/25/25 split, train-only
normalisation. First the common-sense baseline ("as warm as now": the book's validation MAE
2.44, test 2.62), then LSTM(16) + Dense(1) trained with MSE, scored by MAE, as in the book.

The data file is not bundled: download jena_climate_2009_2016.csv.zip from
https://s3.amazonaws.com/keras-datasets/ and give its path.

    python examples/seeds/jena_temperature.py PATH [--epochs 10]
"""
from __future__ import annotations

import argparse

import numpy as np

import seqlab
from seqlab import layers
from seqlab.datasets import jena_climate
from seqlab.tasks.forecasting.metrics import mae


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", help="jena_climate_2009_2016.csv (or .csv.zip)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--sampling-rate", type=int, default=6)
    p.add_argument("--sequence-length", type=int, default=120)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    data = jena_climate(args.path, sampling_rate=args.sampling_rate, sequence_length=args.sequence_length)
    results = {f"naive_{k}": mae(getattr(data, k).y, getattr(data, k).last) for k in ("val", "test")}
    print(f"common-sense baseline: validation MAE {results['naive_val']:.2f}, test MAE {results['naive_test']:.2f}")
    model = seqlab.Sequential([layers.LSTM(16), layers.Dense(1)], input_shape=data.train.X.shape[1:], seed=args.seed)
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    print(model.summary())
    model.fit(data.train.X, data.train.y.astype(np.float32), epochs=args.epochs, batch_size=256,
              validation_data=(data.val.X, data.val.y.astype(np.float32)), verbose=1)
    for k in ("val", "test"):
        results[f"lstm_{k}"] = mae(getattr(data, k).y, model.predict(getattr(data, k).X)[:, 0])
    print(f"LSTM(16): validation MAE {results['lstm_val']:.2f}, test MAE {results['lstm_test']:.2f}")
    return results


if __name__ == "__main__":
    main()
