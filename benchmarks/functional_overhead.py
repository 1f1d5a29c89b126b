"""What the functional graph costs: the same network as ``seqlab.Sequential`` and as ``seqlab.Model``
(one input, one output), a training step each (forward, backward, Adam), repetitions interleaved.
Prints the time per step of each and the ratio Model / Sequential measured in the same run.

    python benchmarks/functional_overhead.py [--reps 30] [--batch 64]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch

import seqlab
from seqlab import layers


def stack():
    return [layers.LSTM(32, return_sequences=True), layers.Dropout(0.1), layers.LSTM(32),
            layers.Dense(16, activation="relu"), layers.Dense(1)]


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--batch", type=int, default=64)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    seq = seqlab.Sequential(stack(), input_shape=(30, 4), seed=0)
    x_in = seqlab.Input((30, 4))
    out = x_in
    for layer in stack():
        out = layer(out)
    fun = seqlab.Model(x_in, out, seed=0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.batch, 30, 4)).astype(np.float32)
    y = rng.normal(size=(args.batch, 1)).astype(np.float32)
    times = {"Sequential": [], "Model": []}
    models = {"Sequential": seq, "Model": fun}
    for m in models.values():
        m.compile("adam", loss="mse")
        m.train_on_batch(x, y)  # warm-up
    for _ in range(args.reps):
        for name, m in models.items():
            start = time.perf_counter()
            m.train_on_batch(x, y)
            times[name].append(time.perf_counter() - start)
    med = {k: float(np.median(v)) for k, v in times.items()}
    print(f"median training step: Sequential {med['Sequential'] * 1e3:.2f} ms, Model {med['Model'] * 1e3:.2f} ms; "
          f"Model / Sequential = {med['Model'] / med['Sequential']:.3f} ({args.reps} interleaved repetitions)")
    return med


if __name__ == "__main__":
    main()
