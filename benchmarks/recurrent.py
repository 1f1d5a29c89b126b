"""Forward+backward time of LSTM(256) on (batch 32, 60 steps, 1 feature): the seed 002 layer.

Contenders with the same weights, measured in the same run, repetitions interleaved so drifts in
machine load hit all of them alike; medians reported as ratios against ``torch.nn.LSTM``:
seqlab's fast path, seqlab's readable cell (one hand-differentiated node per sequence), the same
cell stepped under autograd, ``torch.nn.LSTM`` (oneDNN's fused kernel on CPU) and ``torch.nn.LSTM``
with oneDNN off (PyTorch's own step-by-step code).
The measuring code is ``seqlab.inspect.speed`` (also behind ``seqlab bench recurrent``).

Run: ``OMP_NUM_THREADS=1 python benchmarks/recurrent.py [--repeats 30] [--threads 1] [--compile [MODE]]``
"""
from __future__ import annotations

import argparse

import torch

from seqlab.inspect.speed import format_speed_table, lstm_speed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--features", type=int, default=1)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compile", nargs="?", const="default", default=None,
                        help="also time the readable cell through torch.compile in this mode")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(format_speed_table(lstm_speed(args.units, args.batch, args.steps, args.features, args.repeats,
                                        compile_mode=args.compile)))


if __name__ == "__main__":
    main()
