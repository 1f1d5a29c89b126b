"""Windowing a large panel: memory, training throughput and index build time.

1. Memory. 10,000 series x 500 steps (one float32 value each: a 20 MB raw array). The windowing of
   ``seqlab.tasks.forecasting.panel`` (per-series scaler fitted on each training part, the scaled
   float32 buffer, the window index, the input/target views) is traced with ``tracemalloc`` (NumPy's
   allocations are traced; the torch views share the buffer's memory). Printed: its peak over the raw
   array's bytes (target: at most 1.5), beside what materialised windows would take.
2. Throughput. The same MLP trained one epoch by seqlab's ``Trainer`` on the panel views (windows
   gathered batch by batch from the buffer) and by a bare PyTorch loop (Adam, shuffled mini-batches,
   MSE) over the same windows pre-built as one tensor. Windows/s of each and their ratio (target: at
   least 0.9); repetitions interleaved, median of each.
3. Index build time for 1k, 10k and 100k series (per-series window counts -> ``WindowIndex``, and
   locating every window once): should grow linearly (constant time per series).

Timings are wall-clock on whatever machine runs this; the ratios, measured in the same run with
repetitions interleaved, are what to compare.

Measured on a shared, loaded 2-core machine: windowing peak 1.03x the raw array (materialised windows:
28x); Trainer over the views 74,100 windows/s vs bare loop 70,700 (ratio 1.05); index build 0.017 /
0.059 / 0.68 ms for 1k / 10k / 100k series (a batch's lookup 17 / 22 / 55 us: a searchsorted).

Run: ``OMP_NUM_THREADS=1 python benchmarks/panel_scale.py [--series N] [--repeats R]``
"""
from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import torch

from seqlab.data.panel_windows import PanelInputs, PanelTargets, PerSeriesScaler, WindowIndex
from seqlab.models.forecasting import NetworkConfig
from seqlab.models.panel_network import PanelNetwork
from seqlab.train import Trainer

LOOKBACK, HORIZON = 24, 6


def make_panel(n_series: int, steps: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    level = rng.uniform(10, 100, (n_series, 1)).astype(np.float32)
    walk = rng.normal(0, 1, (n_series, steps)).astype(np.float32).cumsum(axis=1)
    return (level + walk).reshape(-1, 1)                           # (series * steps, 1), series end to end


def windowing(raw: np.ndarray, n_series: int, steps: int, per_series: int | None = None):
    """What a panel fit builds before training: scaler, buffer, index, views."""
    offsets = np.arange(n_series + 1) * steps
    train = np.full(n_series, steps - HORIZON)
    scaler = PerSeriesScaler("standard").fit(raw, offsets, train)
    buffer = scaler.transform(raw, offsets)
    count = train - LOOKBACK - HORIZON + 1 if per_series is None else np.full(n_series, per_series)
    index = WindowIndex(offsets[:-1], count)
    return PanelInputs(buffer, index, LOOKBACK, HORIZON), PanelTargets(buffer, index, LOOKBACK, HORIZON)


def memory(n_series: int, steps: int) -> None:
    raw = make_panel(n_series, steps)
    tracemalloc.start()
    x, y = windowing(raw, n_series, steps)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    windows = len(x)
    built = windows * (LOOKBACK + HORIZON) * 4
    print(f"1. memory: {n_series:,} series x {steps} steps, raw array {raw.nbytes / 2**20:.1f} MiB; "
          f"{windows:,} windows")
    print(f"   windowing peak {peak / 2**20:.1f} MiB = {peak / raw.nbytes:.2f}x the raw array (target <= 1.5); "
          f"materialised windows would take {built / 2**20:,.0f} MiB = {built / raw.nbytes:.0f}x")


def new_network(seed: int = 0) -> torch.nn.Module:
    return PanelNetwork(NetworkConfig("mlp", LOOKBACK, 1, HORIZON, units=64), seed=seed)


def bare_loop(X: torch.Tensor, Y: torch.Tensor, batch: int) -> float:
    net = new_network()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    order = torch.randperm(len(X), generator=g)
    for a in range(0, len(X), batch):
        idx = order[a:a + batch]
        xb, yb = X[idx], Y[idx]
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(net(xb), yb)
        loss.backward()
        opt.step()
    return len(X) / (time.perf_counter() - start)


def seqlab_trainer(x, y, batch: int) -> float:
    trainer = Trainer(new_network(), loss="mse", optimizer="adam", metrics=(), lr=1e-3, seed=0)
    start = time.perf_counter()
    trainer.fit(x, y, epochs=1, batch_size=batch, shuffle=True, verbose=0)
    return len(x) / (time.perf_counter() - start)


def throughput(n_series: int, steps: int, per_series: int, batch: int, repeats: int) -> None:
    raw = make_panel(n_series, steps)
    x, y = windowing(raw, n_series, steps, per_series)
    every = np.arange(len(x))
    X, Y = x[every].contiguous(), y[every].contiguous()            # the same windows, pre-built
    bare, ours = [], []
    for _ in range(repeats):                                        # interleaved
        bare.append(bare_loop(X, Y, batch))
        ours.append(seqlab_trainer(x, y, batch))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"2. throughput: MLP(64), batch {batch}, one epoch of {len(x):,} windows ({per_series} from each of "
          f"{n_series:,} series), {repeats} interleaved repeats")
    print(f"   bare loop over a pre-built tensor {b:,.0f} windows/s; Trainer over the panel views {o:,.0f} "
          f"windows/s; ratio {o / b:.2f} (target >= 0.9)")


def index_build(sizes=(1_000, 10_000, 100_000), steps: int = 500, repeats: int = 21) -> None:
    print("3. index build (series lengths -> per-series first window and count -> WindowIndex), and the cost of")
    print("   locating one batch of 256 windows in it:")
    base = None
    rng = np.random.default_rng(0)
    for n in sizes:
        lengths = np.full(n, steps)
        build, locate = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            offsets = np.r_[0, np.cumsum(lengths)]
            index = WindowIndex(offsets[:-1], lengths - HORIZON - LOOKBACK - HORIZON + 1)
            build.append(time.perf_counter() - start)
            batch = rng.integers(0, len(index), 256)
            start = time.perf_counter()
            index.locate(batch)
            locate.append(time.perf_counter() - start)
        t = statistics.median(build)
        base = base or t / n
        print(f"   {n:>7,} series ({len(index):>11,} windows): build {t * 1e3:7.3f} ms ({t / n * 1e9:6.1f} ns per "
              f"series, {t / n / base:.2f}x the 1k rate); locate a batch {statistics.median(locate) * 1e6:6.1f} us")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--per-series", type=int, default=20, help="training windows per series in part 2")
    args = ap.parse_args()
    torch.set_num_threads(1)
    memory(args.series, args.steps)
    throughput(args.series, args.steps, args.per_series, args.batch, args.repeats)
    index_build(steps=args.steps)


if __name__ == "__main__":
    main()
