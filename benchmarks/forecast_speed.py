"""Training speed through the Forecaster against a bare PyTorch loop with ``torch.nn.LSTM``,
measured in the same run on the same data, batch size and number of epochs.

Models (60 days of Google opens -> next open, batch 32, Adam, MSE):
* the Google-stock course model (seed 003): 4 x LSTM(50), each followed by Dropout(0.2), Dense(1);
* the CQF stacked LSTM (seed 002, 806,017 parameters): LSTM(256, return_sequences), Dropout(0.4),
  LSTM(256), Dropout(0.4), Dense(64, relu), Dense(1).

The Forecaster's time is its whole ``fit`` (split, scaling, windows, training, scoring the test
rows); samples/s counts training windows x epochs. The ratio is Forecaster / PyTorch (>= 0.9 wanted),
from wall time (best of the repeats) and from process CPU time (best of the repeats; steadier on
a loaded machine). The baseline uses ``torch.optim.Adam`` as a PyTorch user writes it; the
Forecaster's "adam" is torch's fused kernel, so the baseline is also run with ``fused=True``.

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


def torch_loop(X: np.ndarray, y: np.ndarray, cfg: dict, epochs: int, batch: int = 32,
               fused: bool = False) -> tuple[float, float]:
    """(samples/s wall, CPU seconds) of a plain PyTorch training loop."""
    torch.manual_seed(0)
    net = TorchStack(**cfg)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, **({"fused": True} if fused else {}))
    xt, yt = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y, dtype=torch.float32)
    start, cpu = time.perf_counter(), time.process_time()
    net.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return len(xt) * epochs / (time.perf_counter() - start), time.process_time() - cpu


def seqlab_fit(df: pd.DataFrame, cfg: dict, epochs: int) -> tuple[float, float, int]:
    """(samples/s wall, CPU seconds, training windows) of ``Forecaster.fit``."""
    f = Forecaster("stacked_lstm", target="Open", lookback=60, epochs=epochs, batch_size=32, patience=0,
                   validation_split=0, test_size=20, verbose=0, **cfg)
    start, cpu = time.perf_counter(), time.process_time()
    f.fit(df)
    n = f.train_end_ - 60
    return n * epochs / (time.perf_counter() - start), time.process_time() - cpu, n


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
    print(f"{'model':<28}{'torch.nn.LSTM':>15}{'fused Adam':>12}{'Forecaster':>12}{'ratio':>7}"
          f"{'vs fused':>10}{'CPU ratio':>11}{'vs fused':>10}")
    for name, cfg in MODELS.items():
        if args.only and not name.lower().startswith(args.only):
            continue
        base, fused, ours = [0.0, float("inf")], [0.0, float("inf")], [0.0, float("inf")]
        for _ in range(args.repeats):             # interleaved, so all see the same machine load
            for best, (rate, cpu) in ((base, torch_loop(X, y, cfg, args.epochs)),
                                      (fused, torch_loop(X, y, cfg, args.epochs, fused=True)),
                                      (ours, seqlab_fit(df, cfg, args.epochs)[:2])):
                best[0], best[1] = max(best[0], rate), min(best[1], cpu)
        print(f"{name:<28}{base[0]:15.0f}{fused[0]:12.0f}{ours[0]:12.0f}{ours[0] / base[0]:6.2f}x"
              f"{ours[0] / fused[0]:9.2f}x{base[1] / ours[1]:10.2f}x{fused[1] / ours[1]:9.2f}x")
