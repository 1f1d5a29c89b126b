"""``seqlab detect``'s window on the Numenta Anomaly Benchmark: the autoencoder and IsolationForest in windows of
32 steps and in the window ``series_window`` chooses (whole seasonal cycles), ROC-AUC against NAB's labelled
windows, all in one run. Also Keras's anomaly example: trained on ``art_daily_small_noise``, scored on the
``art_daily_*`` series with a jump.

NAB is not in this repository (AGPL): give a checkout of github.com/numenta/NAB (its ``data/`` and
``labels/combined_windows.json``).

    OMP_NUM_THREADS=1 python benchmarks/detect_nab.py --nab ~/NAB
    OMP_NUM_THREADS=1 python benchmarks/detect_nab.py --nab ~/NAB --groups realKnownCause,realTraffic --all

By default only the series whose window changes are run (those with a seasonal cycle); ``--all`` runs every
labelled series of the groups. Measured 2026-12-07 (seed 0, 2-core machine, about 3 minutes), series with a
cycle among the 37 real ones of realAWSCloudwatch, realAdExchange, realKnownCause and realTraffic, and the 5
artificial ones with anomalies and a cycle, each trained on itself: autoencoder mean ROC-AUC 0.530 in windows
of 32 steps, 0.624 in the chosen windows; IsolationForest 0.608 and 0.722. Keras's example, trained on
small_noise: jumpsup 0.989 (0.564 in windows of 32), jumpsdown 0.974 (0.393), nojump 0.987 (0.312), flatmiddle
0.320 (0.204). Those 11 series' figures: ``--all`` adds the 31 whose window stays 32 steps.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score

from seqlab.data.series import infer_freq
from seqlab.tasks.unsupervised.anomaly import (
    SERIES_WINDOW,
    AnomalyDetector,
    isolation_forest_scores,
    series_window,
)

REAL = "realAWSCloudwatch,realAdExchange,realKnownCause,realTraffic"
KERAS_TESTS = ("art_daily_jumpsup", "art_daily_jumpsdown", "art_daily_nojump", "art_daily_flatmiddle")


def labelled(nab: Path, name: str, windows: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """NAB's series ``group/file.csv`` and its 0/1 labels (1 inside a labelled anomaly window)."""
    frame = pd.read_csv(nab / "data" / name, parse_dates=["timestamp"])
    y = np.zeros(len(frame), int)
    for start, end in windows[name]:
        y[((frame["timestamp"] >= pd.Timestamp(start)) & (frame["timestamp"] <= pd.Timestamp(end))).to_numpy()] = 1
    return frame, y


def scores(train: np.ndarray, test: np.ndarray, window: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The autoencoder's scores of ``test`` after training on ``train``, and IsolationForest's (on ``test``
    itself when they are the same series, as ``seqlab detect`` runs it)."""
    auto = AnomalyDetector("dense", window=window, seed=seed).fit(train).score_samples(test)
    return auto, isolation_forest_scores(test, window, seed)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--nab", type=Path, required=True, help="a checkout of numenta/NAB")
    p.add_argument("--groups", default=REAL, help=f"NAB data folders (default {REAL})")
    p.add_argument("--all", action="store_true", help="also the series whose window stays 32 steps")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    torch.set_num_threads(1)
    windows = json.loads((args.nab / "labels" / "combined_windows.json").read_text())
    names = sorted(n for n in windows if n.split("/")[0] in args.groups.split(",") and windows[n])
    names += sorted(n for n in windows if n.startswith("artificialWithAnomaly/") and windows[n])
    rows, start = [], time.time()
    for name in names:
        frame, y = labelled(args.nab, name, windows)
        values = frame[["value"]].to_numpy(float)
        window, season = series_window(values, infer_freq(frame["timestamp"]))
        if window == SERIES_WINDOW and not args.all:
            continue
        row = {"series": name, "season": season, "window": window}
        for label, w in (("32", SERIES_WINDOW), ("chosen", window)):
            auto, forest = scores(values, values, w, args.seed)
            row[f"ae_{label}"], row[f"if_{label}"] = roc_auc_score(y, auto), roc_auc_score(y, forest)
        rows.append(row)
        print(" ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)
    table = pd.DataFrame(rows)
    print(f"\n{len(table)} series, mean ROC-AUC ({time.time() - start:.0f} s):")
    print(table[["ae_32", "ae_chosen", "if_32", "if_chosen"]].mean().round(3).to_string())
    small = args.nab / "data" / "artificialNoAnomaly" / "art_daily_small_noise.csv"
    train = pd.read_csv(small, parse_dates=["timestamp"])
    window, _ = series_window(train[["value"]].to_numpy(float), infer_freq(train["timestamp"]))
    print(f"\nKeras's example: trained on art_daily_small_noise, windows of {window} steps (and of 32):")
    for test in KERAS_TESTS:
        frame, y = labelled(args.nab, f"artificialWithAnomaly/{test}.csv", windows)
        got = {w: roc_auc_score(y, AnomalyDetector("dense", window=w, seed=args.seed).fit(
            train[["value"]].to_numpy(float)).score_samples(frame[["value"]].to_numpy(float)))
            for w in (window, SERIES_WINDOW)}
        print(f"  {test}: ROC-AUC {got[window]:.3f} (windows of 32: {got[SERIES_WINDOW]:.3f})", flush=True)
