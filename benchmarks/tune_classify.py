"""Issue 13, acceptance 3: ``seqlab tune classify`` on the bundled ItalyPowerDemand (30 trials,
2 workers) against the hand-tuned runs of ``benchmarks/classify_accuracy.py``, both in this run.

    OMP_NUM_THREADS=1 python benchmarks/tune_classify.py                 # encoder searched too
    OMP_NUM_THREADS=1 python benchmarks/tune_classify.py --model cnn1d   # one encoder
    OMP_NUM_THREADS=1 python benchmarks/tune_classify.py --trials 30 --workers 2 --out runs/tune-ipd

The tuned figure is the refitted winner's test accuracy, scored once; the search saw only the
training series: each trial is scored by the log loss of its out-of-fold predictions (3 stratified
folds of the 67 training series; ``seqlab.tasks.classification.search``), printed with the
out-of-fold accuracy. The hand-tuned rows train each encoder with the epochs and widths the
benchmark chose, on all the training series, and score the same test split (the best of them is
the best of six test scores, so it is an optimistic figure). Timing figures depend on the
machine's load; the comparison that counts is the accuracy.

Measured 2026-12-07 with ensemble selection over the trials (``--trials 30 --workers 2``, an idle
2-core machine, 223 s): tuned **0.9679**, below the best hand-tuned row 0.9747 (transformer, seed 0)
and cnn_lstm's 0.9689, equal to gru's 0.9679, above the other three rows and 1-NN's 0.9553.
Best trial 3 (mlp, learning rate 0.000143, batch 64, dropout 0.472, 280 units; out-of-fold log loss
0.1095, accuracy 0.9701); the 5 nets: trial 3 x3, trial 10 (mlp, 86 units) x1, trial 1 (lstm, 107
units) x1, out-of-fold log loss 0.1091. 9 trials finished, 21 were pruned. For comparison only
(measured after the test score, not used to choose anything): the rerun command, the best
configuration alone as 5 nets, scores 0.9660. Which trials win varies between runs with 2 workers
(the trials each worker's sampler sees depend on timing): the previous run's winner was a gru.

Before ensemble selection (``--trials 30 --workers 2``, nice 19 on a loaded 2-core machine, 726 s): tuned **0.9699**,
below the best hand-tuned row 0.9747 (transformer) and above the other five (0.9504-0.9689) and
1-NN 0.9553. Winner: gru, learning rate 0.000455, batch 32, dropout 0.0723, 34 units, refitted as 5
nets; its out-of-fold log loss 0.0734, out-of-fold accuracy 0.9851 (66 of 67). 12 trials finished,
18 were pruned; the finished ones had 4 distinct out-of-fold accuracies and 12 distinct log losses.
The earlier objective (fold error rate at the best epoch, loss as tie-break) gave 0.9660 in 114 s.

The hand-tuned figures are single runs (seed 0). Over seeds 0-4 (``--hand-only --hand-seeds
0,1,2,3,4``, 2026-12-06 session 7) the transformer's 0.9747 is its best seed: 0.9747, 0.9582, 0.9572,
0.9660, 0.9592, mean 0.9631 (sd 0.0066). Mean over the seeds of each setting: cnn_lstm 0.9701 (sd
0.0011), gru 0.9689, transformer 0.9631, mlp 0.9615, cnn1d 0.9578, lstm 0.9508. The tuned 0.9699 is
0.0002 below cnn_lstm's mean (a fifth of one of the 1029 test series) and above the other means.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from classify_accuracy import SERIES_RUNS, one_nn

from seqlab import datasets
from seqlab.cli import main
from seqlab.data.formats import read_labeled
from seqlab.tasks.classification.classifier import SequenceClassifier


def hand_tuned(name: str = "italy-power-demand", seeds=(0,)) -> dict[str, float]:
    """Test accuracy of each encoder as ``classify_accuracy.py`` trains it (seed 0 there), averaged
    over ``seeds`` when several are given (each seed's figure printed as it comes)."""
    folder = datasets.path(name)
    train = read_labeled(folder / "ItalyPowerDemand_TRAIN.ts")
    test = read_labeled(folder / "ItalyPowerDemand_TEST.ts")
    out = {"1-NN Euclidean": one_nn(train, test)}
    for encoder, kw in SERIES_RUNS[name]:
        accs = [SequenceClassifier(encoder=encoder, seed=seed, **kw).fit(train).evaluate(test.X, test.y)["accuracy"]
                for seed in seeds]
        if len(seeds) > 1:
            print(f"  hand-tuned {encoder} {kw}: " + ", ".join(f"seed {s} {a:.4f}" for s, a in zip(seeds, accs)),
                  flush=True)
        out[f"hand-tuned {encoder} {kw}"] = float(np.mean(accs))
    return out


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=30)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--model", help="fix the encoder (default: searched)")
    p.add_argument("--out", help="run directory of the search (default: a temporary one)")
    p.add_argument("--hand-seeds", default="0", help="seeds of each hand-tuned run, averaged (e.g. 0,1,2,3,4)")
    p.add_argument("--hand-only", action="store_true", help="run the hand-tuned rows only (no search)")
    args = p.parse_args()
    seeds = [int(v) for v in args.hand_seeds.split(",")]
    if args.hand_only:
        for name, acc in hand_tuned(seeds=seeds).items():
            print(f"  {name:<60} {acc:.4f}" + (f" (mean of seeds {args.hand_seeds})" if len(seeds) > 1 else ""))
        raise SystemExit(0)
    out = Path(args.out or tempfile.mkdtemp(prefix="tune-ipd-")) / "run"
    start = time.time()
    command = ["tune", "classify", "italy-power-demand", "--trials", str(args.trials), "--workers",
               str(args.workers), "--out", str(out)] + (["--model", args.model] if args.model else [])
    assert main(command) == 0
    tuned_seconds = time.time() - start
    metrics = json.loads((out / "metrics.json").read_text())
    start = time.time()
    rows = hand_tuned(seeds=seeds)
    hand_seconds = time.time() - start
    print("\nItalyPowerDemand test accuracy (1029 series)")
    print(f"  seqlab tune classify ({args.trials} trials, {args.workers} workers)  "
          f"{metrics['test']['accuracy']:.4f}  {tuned_seconds:6.0f}s  {metrics['rerun']}")
    refit = metrics["refit"]
    print(f"  winner: trial {metrics['best_trial']}, {metrics['objective']} {metrics['best_value']:.4f}, "
          f"out-of-fold accuracy {refit.get('validation_accuracy', float('nan')):.4f} "
          f"({refit.get('validation_examples', '?')} series); trials {metrics['trials']}")
    for name, acc in rows.items():
        print(f"  {name:<60} {acc:.4f}")
    best = max(v for k, v in rows.items() if k.startswith("hand-tuned"))
    print(f"  hand-tuned runs: {hand_seconds:.0f}s in all; best {best:.4f}. Tuned {metrics['test']['accuracy']:.4f} is "
          f"{'at least' if metrics['test']['accuracy'] >= best else 'BELOW'} the best hand-tuned figure")
