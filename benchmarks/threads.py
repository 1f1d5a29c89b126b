"""How many CPU threads should training use? The README's examples at 1, 2 and all threads, on an otherwise
idle machine and beside a competing process, as ratios to one thread measured in the same run.

    OMP_NUM_THREADS=1 nice python benchmarks/threads.py            # about 10 minutes on 2 idle cores
    python benchmarks/threads.py --repeats 1 --scale 0.05          # a quicker look

Each example is the README's command, same model and batch size, with fewer epochs, steps or (SMS,
addition) examples: ``--scale`` of the README's (default 0.1; the time per batch is what the thread count
changes), run in this process through ``seqlab.cli.main`` with ``--threads N``
(or ``threads=N`` for the README's first model). Repetitions are interleaved: every repeat runs every
example at every thread count, idle and loaded, in turn, so a slow spell of the machine hits all of them.
The competing process is another Python spinning on one core (NumPy matrix products on one thread), as
another user's job would. The ratio printed is ``median time at N threads / median time at 1 thread`` in
the same condition: above 1, more threads are slower.

The default rule of ``seqlab.train.threads`` (one thread) follows from these ratios. Measured 2026-12-06
(``--repeats 2 --scale 0.03``, nice'd, 2 cores shared with other jobs: load average 10-16), time at
2 threads / time at 1 thread, idle / with the competitor: first model 44.7x / 17.5x; quickstart 15.9x /
7.4x; sms-spam BiLSTM 15.4x / 8.4x; GunPoint CNN1D 4.7x / 4.4x; names GRU 9.2x / 10.8x; seq2seq addition
17.2x / 16.6x. Every example was slower on two threads.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

COMPETITOR = ("import numpy as np\n"
              "a = np.random.default_rng(0).random((300, 300))\n"
              "while True:\n    a = a @ a; a /= a.max()\n")


def first_model(threads, scale: float) -> None:
    """README 'A first model': SimpleRNN(50) + Dense(1), fit for 1000 epochs on 4 samples (scaled)."""
    import seqlab
    from seqlab import layers

    X = np.array([[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7], [4, 5, 6, 7, 8]], "float32")[..., None]
    y = np.array([6, 7, 8, 9], "float32")
    model = seqlab.Sequential([layers.SimpleRNN(50), layers.Dense(1)], input_shape=(5, 1), seed=0)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, y, epochs=max(1, int(1000 * scale)), verbose=0, threads=threads)


def sms_subset(scale: float) -> str:
    """The first ``scale`` of the SMS messages as a file (same model and batches, fewer of them)."""
    from seqlab import datasets

    frame = datasets.load("sms-spam")
    path = Path(tempfile.gettempdir()) / f"seqlab-threads-sms-{scale:g}.txt"
    if not path.exists():
        rows = frame.iloc[: max(200, int(len(frame) * scale))]
        path.write_text("".join(f"{label}\t{text}\n" for label, text in zip(rows["label"], rows["text"])))
    return str(path)


def cli(argv_of):
    def run(threads, scale: float) -> None:
        from seqlab.cli import main

        with tempfile.TemporaryDirectory() as tmp, open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            code = main([*argv_of(scale), "--threads", str(threads), "-q", "--out", str(Path(tmp) / "run")])
        if code != 0:
            raise SystemExit(f"example failed with exit status {code}")
    return run


EXAMPLES = {
    "first model (fit, SimpleRNN 50)": first_model,
    "seqlab quickstart (LSTM 32)": cli(lambda s: ["quickstart", "--epochs", str(max(1, int(300 * s))),
                                                  "--patience", "1000"]),
    "classify sms-spam (BiLSTM)": cli(lambda s: ["classify", sms_subset(s), "--format", "text", "--model", "bilstm",
                                                 "--pooling", "max", "--epochs", "1"]),
    "classify gunpoint (CNN1D)": cli(lambda s: ["classify", "gunpoint", "--model", "cnn1d",
                                                "--epochs", str(max(1, int(20 * s))), "--patience", "1000"]),
    "generate train names (GRU)": cli(lambda s: ["generate", "train", "names", "--lines", "--model", "gru",
                                                 "--steps", str(max(1, int(3000 * s))), "--samples", "5"]),
    "seq2seq addition (LSTM, attention)": cli(lambda s: ["seq2seq", "train", "--task", "addition", "--attention",
                                                         "dot", "--bidirectional", "--n", str(int(50000 * s)),
                                                         "--epochs", "1"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=0.1, help="fraction of each README example's length")
    parser.add_argument("--only", help="run the examples whose name contains this text")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    counts = sorted({1, 2, cores})
    examples = {k: v for k, v in EXAMPLES.items() if not args.only or args.only in k}
    for fn in examples.values():                      # warm up: imports, first-call costs
        fn(1, min(args.scale, 0.05))
    times = {(name, cond, n): [] for name in examples for cond in ("idle", "loaded") for n in counts}
    for rep in range(args.repeats):
        for cond in ("idle", "loaded"):
            competitor = None
            if cond == "loaded":
                competitor = subprocess.Popen([sys.executable, "-c", COMPETITOR],
                                              env={**os.environ, "OMP_NUM_THREADS": "1"})
                time.sleep(1.0)
            try:
                for name, fn in examples.items():
                    for n in counts:
                        start = time.perf_counter()
                        fn(n, args.scale)
                        times[(name, cond, n)].append(time.perf_counter() - start)
            finally:
                if competitor is not None:
                    competitor.kill()
                    competitor.wait()
        print(f"repeat {rep + 1}/{args.repeats} done", file=sys.stderr)
    print(f"{cores} cores; thread counts {counts} ('all' = {cores}); median of {args.repeats} interleaved repeats; "
          "ratio = time / time at 1 thread in the same condition (above 1: slower)")
    head = f"{'example':<38}{'condition':<10}{'1 thread (s)':>13}" + "".join(f"{f'{n} threads':>12}"
                                                                        for n in counts[1:])
    print(head)
    print("-" * len(head))
    for name in examples:
        for cond in ("idle", "loaded"):
            base = statistics.median(times[(name, cond, 1)])
            ratios = "".join(f"{statistics.median(times[(name, cond, n)]) / base:>11.2f}x" for n in counts[1:])
            print(f"{name:<38}{cond:<10}{base:>13.2f}{ratios}")


if __name__ == "__main__":
    main()
