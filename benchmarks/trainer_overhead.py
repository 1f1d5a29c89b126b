"""Trainer epoch time against a bare PyTorch loop: same model, data, batch size, optimiser.

Both loops shuffle, gather each batch by index from the same in-memory arrays, run forward,
MSE, backward and an Adam step (lr 1e-3, eps 1e-7). The Trainer additionally tracks the epoch
loss, checks the losses for NaN/inf, keeps a snapshot to fall back on, and prints nothing
(verbose=0); each timed Trainer epoch is a whole ``fit(epochs=1)`` call, set-up included.

Four loops are timed, interleaved epoch by epoch so machine load hits all alike:
- bare: ``torch.optim.Adam`` as a PyTorch user writes it (torch's default per-tensor update);
- bare fused: the same with ``fused=True``, the kernel the Trainer picks for ``"adam"``, so
  ``Trainer / bare fused`` is the Trainer's own overhead;
- Trainer with the ``mae`` metric, and without metrics (the bare loops compute none).
Both wall time and process CPU time are reported (medians); on a shared, loaded machine the
CPU-time ratio is the steadier estimate.

    OMP_NUM_THREADS=1 python benchmarks/trainer_overhead.py [--epochs 7] [--model lstm|mlp]
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


def timed(fn) -> tuple[float, float]:
    """(wall seconds, process CPU seconds) of ``fn()``."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=["lstm", "mlp"], default="lstm")
    ap.add_argument("--samples", type=int, default=4096)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args()
    x, y = make_data(args.model, args.samples)
    x_t, y_t = torch.from_numpy(x), torch.from_numpy(y)
    bs = args.batch_size

    bare_model, fused_model = make_model(args.model), make_model(args.model)
    bare_opt = torch.optim.Adam(bare_model.parameters(), lr=1e-3, eps=1e-7)
    fused_opt = torch.optim.Adam(fused_model.parameters(), lr=1e-3, eps=1e-7, fused=True)
    gens = [torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)]
    with_metric = Trainer(make_model(args.model), loss="mse", optimizer="adam", metrics=("mae",), seed=0,
                          device="cpu")
    no_metric = Trainer(make_model(args.model), loss="mse", optimizer="adam", metrics=(), seed=0, device="cpu")
    loops = {
        "bare PyTorch loop (default Adam)": lambda: bare_epoch(bare_model, bare_opt, x_t, y_t, bs, gens[0]),
        "bare PyTorch loop (fused Adam)": lambda: bare_epoch(fused_model, fused_opt, x_t, y_t, bs, gens[1]),
        "seqlab Trainer, mae metric": lambda: with_metric.fit(x, y, epochs=1, batch_size=bs, verbose=0),
        "seqlab Trainer, no metric": lambda: no_metric.fit(x, y, epochs=1, batch_size=bs, verbose=0),
    }
    for fn in loops.values():  # warm-up
        fn()
    times = {name: [] for name in loops}
    for _ in range(args.epochs):
        for name, fn in loops.items():
            times[name].append(timed(fn))
    wall = {k: statistics.median(t[0] for t in v) for k, v in times.items()}
    cpu = {k: statistics.median(t[1] for t in v) for k, v in times.items()}
    steps = -(-args.samples // bs)
    print(f"model={args.model} samples={args.samples} batch_size={bs} steps/epoch={steps} "
          f"threads={torch.get_num_threads()} epochs={args.epochs} (medians)")
    for name in loops:
        print(f"{name:<34}: {wall[name] * 1000:8.1f} ms/epoch wall, {cpu[name] * 1000:8.1f} ms/epoch CPU")
    bare, fused = "bare PyTorch loop (default Adam)", "bare PyTorch loop (fused Adam)"
    for name, short in (("seqlab Trainer, no metric", "Trainer (no metric)"),
                        ("seqlab Trainer, mae metric", "Trainer (mae)")):
        for base, base_short in ((bare, "bare (default Adam)"), (fused, "bare (fused Adam)")):
            print(f"ratio {short:<19} / {base_short:<19}: {wall[name] / wall[base]:.3f}x wall, "
                  f"{cpu[name] / cpu[base]:.3f}x CPU  (target <= 1.10x)")


if __name__ == "__main__":
    main()
