"""Speed of the recurrent layers, measured as ratios in one run (the machine's load hits all alike).

``lstm_speed(...)`` times forward+backward of the same LSTM through: seqlab's fast path, seqlab's
readable cell (one hand-differentiated node per sequence, ``seqlab.nn.lstm_bptt``), the same cell
stepped under autograd (``stepwise_recurrence``), ``torch.nn.LSTM`` (oneDNN's fused kernel on CPU)
and ``torch.nn.LSTM`` with oneDNN off (PyTorch's own step-by-step code). Repetitions are
interleaved and medians reported. Used by ``seqlab bench`` and ``benchmarks/recurrent.py``.

>>> table = lstm_speed(units=8, steps=5, repeats=2)   # doctest: +SKIP
>>> table["rows"]["torch.nn.LSTM"]["ratio"]            # doctest: +SKIP
1.0
"""
from __future__ import annotations

import statistics
import time
import warnings

import torch

from seqlab.nn.lstm_bptt import stepwise_recurrence
from seqlab.nn.recurrent import LSTM
from seqlab.nn.seeding import isolated_rng
from seqlab.train.compiling import CompiledModule


def lstm_contenders(units: int, features: int, compile_mode: str | None = None) -> dict:
    """Functions ``x -> output sequence`` computing one LSTM with the same weights five ways (six
    with ``compile_mode``: the readable cell through ``torch.compile`` in that mode)."""
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

    def reference_without_onednn(x):
        with torch.backends.mkldnn.flags(enabled=False):
            return reference(x)[0]

    def readable_stepwise(x):
        with stepwise_recurrence():
            return readable(x)

    runs = {"seqlab fast path": lambda x: fast(x), "seqlab readable cell": lambda x: readable(x),
            "seqlab readable, stepwise": readable_stepwise,
            "torch.nn.LSTM": lambda x: reference(x)[0], "torch.nn.LSTM, oneDNN off": reference_without_onednn}
    if compile_mode:
        compiled = CompiledModule(readable, compile_mode)
        runs["seqlab readable, compiled"] = lambda x: compiled(x)
    return runs


def _forward_backward_seconds(run, x: torch.Tensor) -> float:
    start = time.perf_counter()
    run(x).sum().backward()
    return time.perf_counter() - start


def lstm_speed(units: int = 256, batch: int = 32, steps: int = 60, features: int = 1,
               repeats: int = 30, seed: int = 0, compile_mode: str | None = None) -> dict:
    """Median forward+backward seconds and ratio to ``torch.nn.LSTM`` for each contender
    (``compile_mode``: add the readable cell compiled with ``torch.compile`` in that mode; its
    compilation happens during the warm-up and is not timed).

    Returns ``{"setting": str, "max_abs_diff": float, "rows": {name: {"ms": .., "ratio": ..}}}``.
    """
    warnings.filterwarnings("ignore", message=".*TF32.*")  # printed when toggling oneDNN on a CPU build
    with isolated_rng(seed):  # torch.nn.LSTM initialises from the global RNG
        contenders = lstm_contenders(units, features, compile_mode)
        x = torch.randn(batch, steps, features, requires_grad=True)
    outs = {name: run(x).detach() for name, run in contenders.items()}
    worst = max(float((o - outs["torch.nn.LSTM"]).abs().max()) for o in outs.values())
    for run in contenders.values():  # warm-up
        for _ in range(3):
            _forward_backward_seconds(run, x)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, run in contenders.items():
            times[name].append(_forward_backward_seconds(run, x))
    base = statistics.median(times["torch.nn.LSTM"])
    rows = {name: {"ms": statistics.median(ts) * 1e3, "ratio": statistics.median(ts) / base}
            for name, ts in times.items()}
    setting = (f"LSTM({units}) forward+backward on (batch {batch}, {steps} steps, {features} feature(s)), "
               f"{torch.get_num_threads()} thread(s), median of {repeats} interleaved repetitions; torch "
               f"{torch.__version__}" + (f", torch.compile mode {compile_mode!r}" if compile_mode else ""))
    return {"setting": setting, "max_abs_diff": worst, "rows": rows}


def format_speed_table(result: dict) -> str:
    """The result of ``lstm_speed`` as a small text table."""
    lines = [result["setting"], f"max |output - torch.nn.LSTM output| = {result['max_abs_diff']:.2e}",
             f"{'contender':<28}{'median ms':>12}{'ratio':>10}"]
    for name, row in result["rows"].items():
        lines.append(f"{name:<28}{row['ms']:>12.2f}{row['ratio']:>9.2f}x")
    return "\n".join(lines)
