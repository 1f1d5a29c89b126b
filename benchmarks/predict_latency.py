"""Prediction latency: seqlab, seqlab compiled (``compile=True``) and ONNX Runtime side by side.

For each model, one sample (a request served alone) and a batch of 1024 (an offline job) are
predicted by: ``model.predict`` (eager), ``model.predict`` after ``compile(compile=True)``
(torch.compile; its compilation happens in the warm-up and is not timed), the exported graph in
ONNX Runtime (``model.export``, one intra-op thread per torch thread), and the plain module call
under ``torch.inference_mode()`` as the floor. Repetitions are interleaved; medians reported in
milliseconds, with each contender's ratio to seqlab eager (< 1: faster than seqlab eager).

    OMP_NUM_THREADS=1 python benchmarks/predict_latency.py [--repeats 7] [--threads 1] [--no-compile]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

import seqlab
from seqlab import layers as L

MODELS = {
    "google_4xlstm50": (lambda: [L.LSTM(50, return_sequences=True), L.LSTM(50, return_sequences=True),
                                 L.LSTM(50, return_sequences=True), L.LSTM(50), L.Dense(1)], (60, 1)),
    "gru64": (lambda: [L.GRU(64), L.Dense(1)], (120, 14)),
    "text_seed004": (lambda: [L.Embedding(5000, 64), L.Dropout(0.5), L.LSTM(64, return_sequences=True), L.LSTM(64),
                              L.Dense(6, activation="softmax")], (100,)),
    "conv1d": (lambda: [L.Conv1D(32, 5, activation="relu"), L.MaxPooling1D(2), L.Conv1D(32, 3, activation="relu"),
                        L.GlobalAveragePooling1D(), L.Dense(3, activation="softmax")], (128, 8)),
}


def inputs(shape, n: int, rng) -> np.ndarray:
    if len(shape) == 1:
        return rng.integers(1, 5000, size=(n, *shape))
    return rng.normal(size=(n, *shape)).astype(np.float32)


def contenders(name: str, threads: int, use_compile: bool, tmp: Path) -> dict:
    layers, shape = MODELS[name]
    eager = seqlab.Sequential(layers(), input_shape=shape, seed=0)
    runs = {"seqlab": lambda x: eager.predict(x, batch_size=len(x))}
    if use_compile:
        compiled = seqlab.Sequential(layers(), input_shape=shape, seed=0)
        compiled.set_weights(eager.get_weights())
        compiled.compile(loss="mse", compile=True)
        runs["seqlab compiled"] = lambda x: compiled.predict(x, batch_size=len(x))
    try:
        import onnxruntime as ort

        out = eager.export(tmp / name)
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        session = ort.InferenceSession(str(out / "model.onnx"), options, providers=["CPUExecutionProvider"])
        runs["onnxruntime"] = lambda x: session.run(None, {"x": x})[0]
    except ImportError:
        print("onnxruntime is not installed: its column is left out (pip install 'seqlab[onnx]')")

    def plain(x):
        with torch.inference_mode():
            return eager(torch.from_numpy(x)).numpy()

    runs["plain module call"] = plain
    return runs


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--single-calls", type=int, default=50, help="single-sample calls per timed repetition")
    ap.add_argument("--no-compile", action="store_true", help="leave out the compiled contender")
    ap.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {m: contenders(m, args.threads, not args.no_compile, Path(tmp)) for m in args.models}
        data = {m: (inputs(MODELS[m][1], 1, rng), inputs(MODELS[m][1], 1024, rng)) for m in args.models}
        for m, by_name in runs.items():  # warm-up (compiles the compiled contender for both shapes)
            for fn in by_name.values():
                for x in data[m]:
                    fn(x), fn(x)
        times = {}
        for _ in range(args.repeats):
            for m, by_name in runs.items():
                one, batch = data[m]
                for who, fn in by_name.items():
                    start = time.perf_counter()
                    for _ in range(args.single_calls):
                        fn(one)
                    times.setdefault((m, "1 sample", who), []).append((time.perf_counter() - start) / args.single_calls)
                    start = time.perf_counter()
                    fn(batch)
                    times.setdefault((m, "batch 1024", who), []).append(time.perf_counter() - start)
    print(f"torch {torch.__version__}, {args.threads} thread(s), medians of {args.repeats} interleaved repetitions "
          f"(single sample: mean of {args.single_calls} calls each); ms, and ratio to seqlab eager")
    for m, by_name in runs.items():
        for case in ("1 sample", "batch 1024"):
            med = {w: statistics.median(times[(m, case, w)]) * 1e3 for w in by_name}
            cells = "  ".join(f"{w} {v:8.3f} ({v / med['seqlab']:.2f}x)" for w, v in med.items())
            print(f"{m:<16} {case:<11} {cells}")


if __name__ == "__main__":
    main()
