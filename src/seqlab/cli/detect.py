"""``seqlab detect DATA``: anomaly detection by autoencoder reconstruction error.

A table (one score per row) or, with ``--window N``, a time series (every window of N steps is
reconstructed; each step's score is its mean error over the windows holding it). A file of one value
column beside a column of dates (NAB's ``timestamp,value``) is a time series in windows of whole seasonal
cycles (a day of 5-minute readings: 288 steps; ``seqlab.tasks.unsupervised.anomaly.series_window``), else of
32 steps, without flags; the date column is found without ``--time-col``. In aeon's and TSB-UAD's
``timestamp,value,is_anomaly`` the 0/1 column is read as the labels (never trained on) and the
row counter as the time. Rows/steps
scoring above the ``1 - contamination`` quantile of the training scores are flagged. Writes
``scores.csv``, ``flagged.csv``, ``score.png`` (score over time, or sorted by rank for a
table), ``metrics.json`` (ROC-AUC / PR-AUC when ``--label-col`` is given), ``loss.png``, the
model and ``report.html``.

The strong baseline of the same run is scikit-learn's IsolationForest on the same standardised rows
(or windows, mapped to steps the same way); its score is in ``scores.csv`` beside the model's. With
``--label-col`` the verdict line compares their ROC-AUC; without labels there is nothing to judge
by, and the run reports how far the two rankings agree (Spearman's rank correlation).

    seqlab detect transactions.csv --label-col Class --contamination 0.02 --out runs/det1
    seqlab detect sensor.csv --time-col time --window 48 --model lstm
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    ADAPTIVE,
    RUN_DIR,
    Described,
    add_arguments,
    add_command,
    add_table_options,
    given,
    guess_time_column,
    read_table,
    training_run,
)
from seqlab.data.csv import read_feature_table

AUTOENCODERS = {"dense": "dense autoencoder", "lstm": "LSTM autoencoder", "vae": "variational autoencoder"}


def add_parser(sub) -> None:
    p = add_command(sub, "detect", run, description=__doc__,
                    help="anomaly detection: autoencoder reconstruction error per row or time step")
    p.add_argument("data", help="CSV of numeric columns (.gz too), or a bundled data set name")
    p.add_argument("--model", choices=list(AUTOENCODERS), default="dense",
                   help="autoencoder: dense, LSTM (with --window) or variational")
    p.add_argument("--label-col", help="0/1 column (1 = anomaly) used only for ROC-AUC / PR-AUC (default: the only 0/1 "
                                          "column named is_anomaly, anomaly, label, is_outlier or outlier)")
    p.add_argument("--time-col", help="column kept for the output and plot, not trained on")
    p.add_argument("--window", type=int, help="steps per window: treat DATA as a time series")
    p.add_argument("--contamination", type=float, default=0.05, help="expected anomaly fraction, in (0, 0.5]")
    p.add_argument("--code-size", type=int,
                   help="units of the bottleneck code (default: a quarter of the inputs, at least 2)")
    add_table_options(p)
    add_arguments(p, "detect", epochs=ADAPTIVE, batch_size=32, learning_rate=Described("the model's"), seed=0,
                  verbose=1, threads=None, time_budget=None, out=None, encoding=None)


# the 0/1 column of the public anomaly benchmarks (aeon and TSB-UAD: timestamp,value,is_anomaly), any case
ANOMALY_LABEL_NAMES = ("is_anomaly", "anomaly", "label", "is_outlier", "outlier")
# a row counter, the time column of a file without dates (aeon's timestamp = 0, 1, 2, ...), any case
COUNTER_NAMES = ("timestamp", "time", "index", "step")


def _named(table: pd.DataFrame, names, holds) -> str | None:
    """The only column of ``table`` whose name is one of ``names`` (any case) and whose numbers ``holds``."""
    found = []
    for column in (c for c in table.columns if str(c).strip().lower() in names):
        values = pd.to_numeric(table[column], errors="coerce")
        if values.notna().all() and holds(values):
            found.append(column)
    return found[0] if len(found) == 1 else None


def guess_label_and_counter(args, table: pd.DataFrame, source) -> tuple[pd.DataFrame, list[str], str | None]:
    """Without ``--label-col``: a 0/1 column named as anomaly labels are (``ANOMALY_LABEL_NAMES``) is the label
    column, never a feature (left out when it holds one class only, as in a training file of normal rows: nothing
    to score by here, but ``seqlab predict`` scores a file that holds both). Without ``--time-col`` and a date
    column (``guess_time_column``): a column of increasing whole numbers named as a time (``COUNTER_NAMES``) is
    the time column. Returns the table, the notes that say so (for stderr) and the labels left out, if any."""
    notes, left_out = [], None
    label = None if args.label_col else _named(table, ANOMALY_LABEL_NAMES, lambda v: v.isin([0, 1]).all())
    if label is not None and table[label].nunique() == 1:
        notes.append(f"seqlab: note: left out column {label!r} of {source}: anomaly labels, all "
                     f"{table[label].iloc[0]:g}, nothing to score by (seqlab predict scores a file that has both)")
        table, left_out = table.drop(columns=[label]), label
    elif label is not None:
        args.label_col = label
        notes.append(f"seqlab: note: reading column {label!r} as the anomaly labels (1 = anomaly) of {source}, used "
                     "only to score the detector (--label-col names another; --drop leaves it out)")
    notes += guess_time_column(args, table, exclude=[args.label_col], source=source)
    if args.time_col is None:
        args.time_col = _named(table.drop(columns=[c for c in [args.label_col] if c in table]), COUNTER_NAMES,
                               lambda v: (v == v.round()).all() and v.is_monotonic_increasing and v.is_unique)
        if args.time_col is not None:
            notes.append(f"seqlab: note: reading column {args.time_col!r} as the time of each row (increasing "
                         f"whole numbers, not trained on) of {source} (--time-col names another)")
    return table, notes, left_out


def _window_of(values: pd.DataFrame, times: pd.Series | None) -> tuple[int, str]:
    """``--window`` for a file of one value column beside a time column (NAB's ``timestamp,value``), chosen by
    ``series_window``, and the words that say why."""
    from seqlab.data.series import infer_freq
    from seqlab.tasks.unsupervised.anomaly import SERIES_WINDOW, series_window

    stamps = None if times is None or pd.api.types.is_numeric_dtype(times) else \
        pd.to_datetime(times, errors="coerce", format="mixed")
    freq = infer_freq(stamps) if stamps is not None and stamps.notna().all() else None
    window, season = series_window(values.to_numpy(), freq)
    if window == SERIES_WINDOW:
        return window, f"{window} steps"
    cycles = window // season
    return window, (f"{window} steps ({'one seasonal cycle' if cycles == 1 else f'{cycles} seasonal cycles'} of "
                    f"{season} steps{f' at {freq}' if freq else ''})")


def _plot(scores, flags, threshold, labels, times, window, path: Path) -> None:
    from seqlab.inspect.plots import new_figure, save_figure

    fig, ax = new_figure(10, 4)
    if window:
        x = np.arange(len(scores))
        ax.plot(x, scores, lw=0.8, color="#4477aa", label="score")
        ax.scatter(x[flags == 1], scores[flags == 1], s=12, color="#cc3311", zorder=3, label="flagged")
        if labels is not None:
            lab = np.asarray(labels) == 1
            ax.scatter(x[lab], np.full(lab.sum(), scores.min()), marker="|", s=60, color="k", label="labelled anomaly")
        span = "" if times is None else f" ({times.name}: {times.iloc[0]} ... {times.iloc[-1]})"
        ax.set_xlabel(f"time step{span}")
        ax.set_title("Reconstruction error over time")
    else:
        order = np.argsort(-scores)
        ranked = scores[order]
        ax.plot(np.arange(1, len(ranked) + 1), ranked, lw=1, color="#4477aa", label="score (sorted)")
        if labels is not None:
            lab = np.asarray(labels)[order] == 1
            ax.scatter(np.arange(1, len(ranked) + 1)[lab], ranked[lab], s=8, color="#cc3311",
                       label="labelled anomaly", zorder=3)
        ax.set_xscale("log")
        ax.set_xlabel("rank")
        ax.set_title("Reconstruction error by rank")
    ax.axhline(threshold, ls="--", color="gray", label=f"threshold {threshold:.3g}")
    ax.set_ylabel("mean squared reconstruction error")
    ax.legend(fontsize=8)
    save_figure(fig, path)


def run(args: argparse.Namespace) -> int:
    from scipy.stats import spearmanr
    from sklearn.metrics import average_precision_score, roc_auc_score

    from seqlab.tasks.unsupervised.anomaly import AnomalyDetector, check_anomaly_labels, isolation_forest_scores
    from seqlab.tasks.verdicts import verdict
    from seqlab.train.budget import describe

    table = read_table(args, args.data, keep=[args.label_col, args.time_col])
    table, notes, unscored = guess_label_and_counter(args, table, args.data)
    df, labels, times = read_feature_table(table, label_col=args.label_col, time_col=args.time_col)
    if labels is not None:
        check_anomaly_labels(labels.to_numpy())           # before training, not after
    if args.window is None and df.shape[1] == 1 and times is not None:
        args.window, why = _window_of(df, times)
        notes.append(f"seqlab: note: one numeric column ({df.columns[0]}) with a time column: a time series, "
                     f"scored in windows of {why} (--window N chooses)")
    elif args.window is None and df.shape[1] == 1:
        print(f"note: one numeric column ({df.columns[0]}) read as a table, each row scored on its own: an "
              "autoencoder of one value reconstructs it exactly; for a time series give --window N", file=sys.stderr)
    det = AnomalyDetector(model=args.model, window=args.window, contamination=args.contamination,
                          code_size=args.code_size, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
                          verbose=args.verbose, time_budget=args.time_budget, **given(learning_rate=args.learning_rate))
    with training_run(args, "detect") as run:
        det.fit(df)
        for note in notes:   # after the fit, so that a refusal stays one line
            print(note, file=sys.stderr)
        scores = det.score_samples(df)
        flags = (scores > det.threshold_).astype(int)
        forest = isolation_forest_scores(df, args.window, args.seed)
        metrics = {"model": args.model, "mode": "time series" if args.window else "table", "rows": len(df),
                   "threshold": det.threshold_, "contamination": args.contamination, "flagged": int(flags.sum()),
                   "training": det.training_}
        strong = {"name": "IsolationForest", "rank_correlation": float(spearmanr(scores, forest)[0])}
        line = None
        if labels is not None:
            metrics.update(det.evaluate(df, labels.to_numpy()))
            strong.update(roc_auc=float(roc_auc_score(labels, forest)),
                          pr_auc=float(average_precision_score(labels, forest)))
            line = f"{AUTOENCODERS[args.model]} " + verdict(metrics["roc_auc"], strong["roc_auc"], "IsolationForest",
                                                            "ROC-AUC")
            metrics["verdict"] = line
        metrics["strong_baseline"] = strong
        table = pd.DataFrame({"score": scores, "flagged": flags, "isolation_forest_score": forest})
        if times is not None:
            table.insert(0, times.name, times.to_numpy())
        if labels is not None:
            table[labels.name] = labels.to_numpy()
        flagged = df.assign(score=scores)[flags == 1].sort_values("score", ascending=False)
        if times is not None:
            flagged.insert(0, times.name, times.to_numpy()[df.index.get_indexer(flagged.index)])   # in score order
        run.save(det, input={"command": "detect", "columns": [str(c) for c in df.columns],
                             "label_col": args.label_col or unscored, "time_col": args.time_col})
        table.to_csv(run.dir / "scores.csv", index_label="row")
        flagged.to_csv(run.dir / "flagged.csv", index_label="row")
        _plot(scores, flags, det.threshold_, labels, times, args.window, run.dir / "score.png")
        run.history(det.model_.history_, plotted={k: v for k, v in det.model_.history_.items()
                                                   if k in ("loss", "val_loss")})
        run.json("metrics.json", metrics)
        against = (f"no --label-col: nothing to judge the scores by; rank correlation with IsolationForest "
                   f"{strong['rank_correlation']:.3f}") if line is None else line
        run.report("Anomaly detection", [
            ("Verdict", against), ("Metrics", metrics), ("Training budget", describe(det.training_)),
            ("Score", "score.png"), ("Training loss", "loss.png"),
            (f"Flagged ({int(flags.sum())}, highest scores first)", flagged.head(50).to_html()),
        ])
        auc = f"; ROC-AUC {metrics['roc_auc']:.3f}, PR-AUC {metrics['pr_auc']:.3f}" if "roc_auc" in metrics else ""
        run.say(f"flagged {int(flags.sum())} of {len(scores)} {'steps' if args.window else 'rows'}{auc}")
        run.say(describe(det.training_))
        run.verdict(against)
        run.plot = "score.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.data])
    return 0
