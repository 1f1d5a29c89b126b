"""Training speed through the Forecaster against a bare PyTorch loop with ``torch.nn.LSTM``,
measured in the same run on the same data, batch size and number of epochs.

Models (60 days of Google opens -> next open, batch 32, Adam, MSE):
* the Google-stock course model (seed 003): 4 x LSTM(50), each followed by Dropout(0.2), Dense(1);
* the CQF stacked LSTM (seed 002, 806,017 parameters): LSTM(256, return_sequences), Dropout(0.4),
  LSTM(256), Dropout(0.4), Dense(64, relu), Dense(1).

The Forecaster's time is its whole ``fit`` (split, scaling, windows, training, scoring the test
rows); samples/s counts training windows x epochs. The ratio is Forecaster / PyTorch (>= 0.9 wanted).

Run: ``python benchmarks/forecast_speed.py [--epochs N] [--threads N] [--repeats N]``
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import torch

from seqlab import datasets
from seqlab.tasks import Forecaster

MODELS = {
    "google 4 x LSTM(50)": dict(units=50, num_layers=4, dropout=0.2, head_units=0),
    "CQF stacked LSTM(256) x 2": dict(units=256, num_layers=2, dropout=0.4, head_units=64),
}


class TorchStack(torch.nn.Module):
    """The same network written with torch.nn.LSTM, the baseline."""

    def __init__(self, units, num_layers, dropout, head_units):
        super().__init__()
        self.lstms = torch.nn.ModuleList(torch.nn.LSTM(1 if i == 0 else units, units, batch_first=True)
                                         for i in range(num_layers))
        self.drop = torch.nn.Dropout(dropout)
        self.head = torch.nn.Sequential(torch.nn.Linear(units, head_units), torch.nn.ReLU()) if head_units else None
        self.out = torch.nn.Linear(head_units or units, 1)

    def forward(self, x):
        for lstm in self.lstms:
            x = self.drop(lstm(x)[0])
        x = x[:, -1]
        return self.out(self.head(x) if self.head is not None else x)


def torch_loop(X: np.ndarray, y: np.ndarray, cfg: dict, epochs: int, batch: int = 32) -> float:
    """Samples per second of a plain PyTorch training loop."""
    torch.manual_seed(0)
    net = TorchStack(**cfg)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)
    start = time.perf_counter()
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return len(xt) * epochs / (time.perf_counter() - start)


def seqlab_fit(df: pd.DataFrame, cfg: dict, epochs: int) -> tuple[float, int]:
    f = Forecaster("stacked_lstm", target="Open", lookback=60, epochs=epochs, batch_size=32, patience=0,
                   val_size=0, test_size=20, verbose=0, **cfg)
    start = time.perf_counter()
    f.fit(df)
    n = f.train_end_ - 60
    return n * epochs / (time.perf_counter() - start), n


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--only", choices=["google", "cqf"], help="run one of the two models")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    g = datasets.load("google-stock")
    df = pd.concat([g["train"], g["test"]], ignore_index=True)[["Open"]]
    opens = df["Open"].to_numpy(np.float64)
    lo, hi = opens[:-20].min(), opens[:-20].max()
    scaled = ((opens[:-20] - lo) / (hi - lo)).astype(np.float32)
    X = np.stack([scaled[i:i + 60] for i in range(len(scaled) - 60)])[..., None]
    y = scaled[60:, None]
    print(f"threads {args.threads}, epochs {args.epochs}, best of {args.repeats} (samples/s, higher is better)")
    print(f"{'model':<28}{'torch.nn.LSTM':>15}{'Forecaster':>13}{'ratio':>8}")
    for name, cfg in MODELS.items():
        if args.only and not name.lower().startswith(args.only):
            continue
        base, ours = 0.0, 0.0
        for _ in range(args.repeats):             # interleaved, so both see the same machine load
            base = max(base, torch_loop(X, y, cfg, args.epochs))
            ours = max(ours, seqlab_fit(df, cfg, args.epochs)[0])
        print(f"{name:<28}{base:15.0f}{ours:13.0f}{ours / base:8.2f}x")
