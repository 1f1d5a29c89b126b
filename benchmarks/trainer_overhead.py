"""Trainer epoch time against a bare PyTorch loop: same model, data, batch size, optimiser.

Both loops shuffle, gather each batch by index from the same in-memory arrays, run forward,
MSE, backward and an Adam step. The Trainer additionally tracks the epoch loss and the
``mae`` metric, checks each loss for NaN/inf, and prints nothing (verbose=0). Timings are
interleaved (bare, trainer, bare, ...) and the median epoch of each is compared.

    OMP_NUM_THREADS=1 python benchmarks/trainer_overhead.py [--epochs 5] [--model lstm|mlp]
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch

from seqlab.train import Trainer


class LSTMRegressor(torch.nn.Module):
    def __init__(self, features=8, units=64):
        super().__init__()
        self.lstm = torch.nn.LSTM(features, units, batch_first=True)
        self.head = torch.nn.Linear(units, 1)

    def forward(self, x):
        return self.head(self.lstm(x)[0][:, -1])


def make_model(kind: str) -> torch.nn.Module:
    torch.manual_seed(0)
    if kind == "lstm":
        return LSTMRegressor()
    return torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 1))


def make_data(kind: str, n: int):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 30, 8) if kind == "lstm" else (n, 64)).astype(np.float32)
    y = x.reshape(n, -1).mean(1, keepdims=True).astype(np.float32)
    return x, y


def bare_epoch(model, opt, x_t, y_t, batch_size, gen):
    model.train()
    perm = torch.randperm(len(x_t), generator=gen)
    for start in range(0, len(x_t), batch_size):
        idx = perm[start:start + batch_size]
        xb, yb = x_t.index_select(0, idx), y_t.index_select(0, idx)
        loss = torch.nn.functional.mse_loss(model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["lstm", "mlp"], default="lstm")
    ap.add_argument("--samples", type=int, default=4096)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    x, y = make_data(args.model, args.samples)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)

    bare_model = make_model(args.model)
    bare_opt = torch.optim.Adam(bare_model.parameters(), lr=1e-3, eps=1e-7)
    gen = torch.Generator().manual_seed(0)
    trainer = Trainer(make_model(args.model), loss="mse", optimizer="adam", metrics=("mae",), seed=0, device="cpu")

    bare_epoch(bare_model, bare_opt, x_t, y_t, args.batch_size, gen)          # warm-up both
    trainer.fit(x, y, epochs=1, batch_size=args.batch_size, verbose=0)
    bare_times, trainer_times = [], []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        bare_epoch(bare_model, bare_opt, x_t, y_t, args.batch_size, gen)
        bare_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        trainer.fit(x, y, epochs=1, batch_size=args.batch_size, verbose=0)
        trainer_times.append(time.perf_counter() - t0)
    bare, ours = statistics.median(bare_times), statistics.median(trainer_times)
    steps = -(-args.samples // args.batch_size)
    print(f"model={args.model} samples={args.samples} batch_size={args.batch_size} steps/epoch={steps} "
          f"threads={torch.get_num_threads()}")
    print(f"bare PyTorch loop : {bare * 1000:8.1f} ms/epoch (median of {args.epochs})")
    print(f"seqlab Trainer    : {ours * 1000:8.1f} ms/epoch (median of {args.epochs})")
    print(f"ratio Trainer/bare: {ours / bare:.3f}x  (target <= 1.10x)")


if __name__ == "__main__":
    main()
