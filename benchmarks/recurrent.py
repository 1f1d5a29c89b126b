"""Forward+backward time of LSTM(256) on (batch 32, 60 steps, 1 feature): the seed 002 layer.

Contenders with the same weights, measured in the same run, repetitions interleaved
(a, b, c, a, b, c, ...) so drifts in machine load hit all of them alike; medians reported as
ratios against ``torch.nn.LSTM``:

* seqlab fast path (``torch.lstm`` on Keras-layout weights),
* seqlab readable cell (one GEMM for the inputs of all steps, one per step for the recurrence),
* ``torch.nn.LSTM`` (the baseline; on CPU it runs oneDNN's fused LSTM primitive),
* ``torch.nn.LSTM`` with oneDNN disabled: PyTorch's own step-by-step implementation under
  autograd, the fair peer of the readable cell.

Run: ``OMP_NUM_THREADS=1 python benchmarks/recurrent.py [--repeats 30] [--threads 1]``
"""
from __future__ import annotations

import argparse
import statistics
import time
import warnings

import torch

from seqlab.nn.recurrent import LSTM


def make_contenders(units: int, features: int):
    """Functions x -> output sequence computing the same LSTM: seqlab fast, seqlab readable, torch.nn.LSTM."""
    fast = LSTM(units, return_sequences=True, input_shape=(None, features), use_fast_path=True)
    readable = LSTM(units, return_sequences=True, input_shape=(None, features), use_fast_path=False)
    readable.set_weights(fast.get_weights())
    reference = torch.nn.LSTM(features, units, batch_first=True)
    kernel, recurrent_kernel, bias = fast.get_weights()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(torch.from_numpy(kernel.T))
        reference.weight_hh_l0.copy_(torch.from_numpy(recurrent_kernel.T))
        reference.bias_ih_l0.copy_(torch.from_numpy(bias))
        reference.bias_hh_l0.zero_()
    def reference_without_onednn(x):  # PyTorch's own per-step implementation, the readable cell's peer
        with torch.backends.mkldnn.flags(enabled=False):
            return reference(x)[0]

    return {"seqlab fast path": lambda x: fast(x), "seqlab readable cell": lambda x: readable(x),
            "torch.nn.LSTM": lambda x: reference(x)[0], "torch.nn.LSTM, oneDNN off": reference_without_onednn}


def time_forward_backward(run, x: torch.Tensor) -> float:
    start = time.perf_counter()
    run(x).sum().backward()
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--features", type=int, default=1)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message=".*TF32.*")  # printed when toggling oneDNN on a CPU build
    torch.manual_seed(0)
    contenders = make_contenders(args.units, args.features)
    x = torch.randn(args.batch, args.steps, args.features, requires_grad=True)
    outs = {name: run(x).detach() for name, run in contenders.items()}
    worst = max(float((o - outs["torch.nn.LSTM"]).abs().max()) for o in outs.values())
    for run in contenders.values():  # warm-up
        for _ in range(3):
            time_forward_backward(run, x)
    times = {name: [] for name in contenders}
    for _ in range(args.repeats):
        for name, run in contenders.items():
            times[name].append(time_forward_backward(run, x))
    base = statistics.median(times["torch.nn.LSTM"])
    print(f"LSTM({args.units}) forward+backward on (batch {args.batch}, {args.steps} steps, {args.features} "
          f"feature), {args.threads} thread(s), median of {args.repeats} interleaved repetitions")
    print(f"max |output - torch.nn.LSTM output| = {worst:.2e}")
    print(f"{'contender':<24}{'median ms':>12}{'ratio':>10}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:<24}{med * 1e3:>12.2f}{med / base:>9.2f}x")


if __name__ == "__main__":
    main()
