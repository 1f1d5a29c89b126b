"""Peak memory of ``seqlab predict`` on large inputs, beside the input file's size.

For each task type a small model is trained on a few rows and saved, a large input file of
``--rows`` rows is written (1,000,000 by default), and ``seqlab predict MODEL INPUT --output
preds.csv`` runs in a fresh process whose peak resident set (``ru_maxrss`` from ``wait4``) is read.
Two baselines are measured in the same run, in fresh processes too:

- the same command on a 1-row file of the same kind: the fixed cost (Python, torch, the model);
- for the series classifier, the whole-file path that ``predict`` used before it streamed
  (``read_unlabeled`` then one ``predict_proba`` over every series).

The acceptance figure: the series classifier's peak is at most 3x its input file's size.
Timings are not the point here (the machine may be shared); memory figures are per process.

    OMP_NUM_THREADS=1 nice python benchmarks/predict_memory.py [--rows 1000000] [--tasks series,text]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

LENGTH = 24          # steps per series (ItalyPowerDemand's length)
BLOCK = 100_000      # rows written at a time


# Linux charges a child with the memory its parent had when it forked (the exec records the old
# address space's high-water mark), so the command is started from a tiny fresh interpreter whose
# own footprint (a few MB) is all that can leak into the figure.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_mb(args: list[str]) -> tuple[float, float, int]:
    """``(peak resident MB, seconds, exit status)`` of a fresh process running ``args``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, *args], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    kb, code = (int(v) for v in done.stdout.split()[-2:])
    if code:
        print(f"  ! {' '.join(args[2:5])} ... exited {code}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    return kb / 1024, seconds, code


def write_blocks(path: Path, rows: int, block, header: str | None) -> None:
    with open(path, "w") as f:
        if header:
            f.write(header + "\n")
        rng = np.random.default_rng(0)
        for start in range(0, rows, BLOCK):
            f.write(block(rng, min(BLOCK, rows - start)))


def series_rows(rng, n) -> str:
    values = rng.normal(size=(n, LENGTH)).cumsum(axis=1)
    labels = np.where(values[:, -1] > 0, "up", "down")
    return pd.DataFrame(values).round(3).assign(label=labels).iloc[:, [-1, *range(LENGTH)]].to_csv(
        header=False, index=False)


def text_rows(rng, n) -> str:
    words = np.array(["win", "cash", "now", "free", "prize", "call", "see", "you", "at", "lunch", "meeting",
                      "noon", "tomorrow", "ok"])
    picks = words[rng.integers(0, len(words), size=(n, 6))]
    return "\n".join(" ".join(row) for row in picks) + "\n"


def table_rows(rng, n) -> str:
    return pd.DataFrame(rng.normal(size=(n, 4)).round(4)).to_csv(header=False, index=False)


def history_rows(rng, n) -> str:
    return pd.DataFrame({"y": (10 + np.sin(np.arange(n) / 5) + 0.1 * rng.normal(size=n)).round(4)}).to_csv(
        header=False, index=False)


def train_models(folder: Path) -> dict:
    """Small saved models of each task type, and how to write their inputs."""
    from seqlab.tasks import Forecaster, SequenceClassifier, TabularClassifier, TextClassifier

    rng = np.random.default_rng(0)
    series = rng.normal(size=(64, LENGTH)).cumsum(axis=1).astype("float32")
    SequenceClassifier(encoder="gru", units=8, epochs=2, batch_size=16, seed=0).fit(
        series, np.where(series[:, -1] > 0, "up", "down")).save(folder / "series")
    texts = [text_rows(rng, 1).strip() for _ in range(64)]
    TextClassifier(encoder="lstm", units=8, embedding_dim=8, epochs=2, batch_size=16, seed=0).fit(
        texts, ["spam" if "cash" in t else "ham" for t in texts]).save(folder / "text")
    table = pd.DataFrame(rng.normal(size=(200, 4)).round(4), columns=["0", "1", "2", "3"])
    TabularClassifier(epochs=2, seed=0).fit(table, (table["0"] > 0).astype(int)).save(folder / "tabular")
    t = np.arange(300)
    Forecaster("lstm", lookback=12, units=8, epochs=2, seed=0, verbose=0).fit(
        pd.DataFrame({"y": 10 + np.sin(t / 5)})).save(folder / "forecaster")
    header = "label," + ",".join(f"t{i}" for i in range(LENGTH))
    return {"series": (series_rows, header, ".csv"), "text": (text_rows, None, ".txt"),
            "tabular": (table_rows, "0,1,2,3", ".csv"), "forecaster": (history_rows, "y", ".csv")}


WHOLE_FILE = """
import sys
from seqlab.data.formats import read_unlabeled
from seqlab.tasks.base import Task
task = Task.load(sys.argv[1])
proba = task.predict_proba(read_unlabeled(sys.argv[2], "csv", label_col="label"))
print(proba.shape)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tasks", default="series,text,tabular,forecaster")
    parser.add_argument("--workdir", default=None, help="where to write the files (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="predict-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    kinds = train_models(folder)
    seqlab = [sys.executable, "-m", "seqlab", "predict"]
    print(f"seqlab predict, {args.rows:,} rows per input; peak resident memory of the process (MB)\n")
    print(f"{'task':12} {'input MB':>9} {'1 row':>8} {'all rows':>9} {'peak/input':>11} {'seconds':>8}")
    for name in args.tasks.split(","):
        write, header, suffix = kinds[name]
        small, large = folder / f"{name}-1{suffix}", folder / f"{name}-all{suffix}"
        rows_small = 60 if name == "forecaster" else 1  # a forecaster needs a history of lookback rows
        write_blocks(small, rows_small, write, header)
        write_blocks(large, args.rows, write, header)
        size = large.stat().st_size / 2**20
        base, _, _ = peak_mb([*seqlab, str(folder / name), str(small), "--output", str(folder / "p1.csv")])
        peak, seconds, code = peak_mb([*seqlab, str(folder / name), str(large), "--output", str(folder / "p.csv")])
        flag = "" if code == 0 else "  (failed)"
        print(f"{name:12} {size:9.0f} {base:8.0f} {peak:9.0f} {peak / size:10.2f}x {seconds:8.0f}{flag}", flush=True)
        if name == "series":
            whole, whole_s, _ = peak_mb([sys.executable, "-c", WHOLE_FILE, str(folder / name), str(large)])
            print(f"{'  whole file':12} {size:9.0f} {'':8} {whole:9.0f} {whole / size:10.2f}x {whole_s:8.0f}"
                  "   (read everything, then predict: the path before streaming)", flush=True)
            verdict = "meets" if peak <= 3 * size else "MISSES"
            print(f"  series classifier: peak {peak:.0f} MB = {peak / size:.2f}x the file; {verdict} the 3x target",
                  flush=True)
        large.unlink()


if __name__ == "__main__":
    main()
