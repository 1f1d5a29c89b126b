"""``seqlab rbm DATA``: train a restricted Boltzmann machine (seed 003) and write a run directory.

    seqlab rbm ml-100k --movielens --out runs/rbm1      # the course's movie recommender (u1 split)
    seqlab rbm binary.csv --hidden 32 --epochs 20       # any CSV of 0/1 values (or probabilities)

With ``--movielens``, DATA is the MovieLens-100k folder (``u1.base``, ``u1.test``) or its ``ml-100k.zip``: ratings
become liked (3-5) / not liked (1-2) / not rated and ``MovieRecommender`` (an RBM with visible units
for each user's rated movies only, Salakhutdinov, Mnih & Hinton 2007; its visible biases conditioned
on the user + movie like rates) learns ``u1.base``; by default it trains by the adaptive budget
below, on 80% of each user's u1.base ratings, watching the other 20%. ``metrics.json`` holds the
test error on ``u1.test`` (per user, the share of test ratings called wrongly at p(liked) >= 0.5,
then the mean over users: the course's averaging) beside the like-rate baselines of the same run
(every movie liked, the movie's, the user's, user + movie like rates) and the course's sampled loss
(its 0.25). Otherwise DATA is a CSV of 0/1 values (a header row is optional), the RBM trains
--epochs (default 10) and the run holds the reconstruction error and the free-energy curve. Either
way the run directory holds ``model/``, ``metrics.json``, ``history.json``, a PNG of the training
curves and ``report.html``.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    RUN_DIR,
    Described,
    add_arguments,
    add_command,
    add_table_options,
    given,
    input_file,
    select_columns,
    training_run,
)
from seqlab.data.csv import read_frame
from seqlab.io.errors import DataError
from seqlab.tasks.verdicts import verdict


def add_parser(sub) -> None:
    p = add_command(sub, "rbm", run, description=__doc__,
                    help="restricted Boltzmann machine: 0/1 data or the MovieLens recommender")
    p.add_argument("data", help="CSV of 0/1 values, or with --movielens the ml-100k folder (or ml-100k.zip)")
    p.add_argument("--movielens", action="store_true", help="DATA is a MovieLens-100k folder (u1 split)")
    p.add_argument("--hidden", type=int, help="hidden units (default: 30 MovieLens, 100 CSV)")
    p.add_argument("--k", type=int, help="Gibbs steps per update, CD-k (default: 1)")
    add_table_options(p)
    add_arguments(p, "rbm", epochs=Described("the adaptive budget described below with --movielens, 10 for a CSV"),
                  batch_size=Described("50 MovieLens, 100 CSV"), learning_rate=Described("the model's, per sample"),
                  seed=0, verbose=1, threads=None, time_budget=None, out=None, encoding=None)


def read_binary_csv(path: str, args=None) -> pd.DataFrame:
    """A CSV of numbers in [0, 1], with or without a header row (``--columns``/``--drop`` of ``args`` applied);
    DataError otherwise."""
    f = input_file(path)
    if f.is_dir():
        raise DataError(f"{path} is a folder; pass a CSV of 0/1 values, or add --movielens for the ml-100k folder")
    df = read_frame(f, header=None)     # a ';', tab or '|' file too, and a byte-order mark dropped
    if not pd.to_numeric(df.iloc[0], errors="coerce").notna().all():
        df = read_frame(f)                # the first row is a header
    if args is not None:
        df = select_columns(df, args, source=str(path))
    text = [str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        raise DataError(f"{path}: columns {', '.join(text)} are not numeric; an RBM needs 0/1 values: leave them "
                        f"out (--drop {','.join(text)})")
    values = df.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise DataError(f"{path} has empty, NaN or inf cells; fill or drop those rows first")
    outside = [str(c) for c, lo, hi in zip(df.columns, values.min(0, initial=0), values.max(0, initial=1))
               if lo < 0 or hi > 1]
    if outside:
        raise DataError(f"{path} has values in [{values.min():g}, {values.max():g}] (columns {', '.join(outside)}); "
                        "an RBM needs 0/1 values (or probabilities in [0, 1]); binarise or scale the data first, or "
                        f"leave an id column out (--drop {outside[0]})")
    return df


def _options(args) -> dict:
    """The task's arguments from the command line; a CSV RBM keeps the old fixed defaults (10 epochs,
    100 hidden units, batches of 100), the recommender its own (the adaptive budget)."""
    csv = {} if args.movielens else {"epochs": 10, "n_hidden": 100, "batch_size": 100}
    return {**csv, **given(n_hidden=args.hidden, epochs=args.epochs, k=args.k, batch_size=args.batch_size,
                           learning_rate=args.learning_rate, seed=args.seed, verbose=args.verbose,
                           time_budget=args.time_budget)}


def run_movielens(args):
    from seqlab.datasets import movielens_100k
    from seqlab.tasks.unsupervised.like_baselines import like_rate_baselines
    from seqlab.tasks.unsupervised.movie_recommender import MovieRecommender
    from seqlab.tasks.unsupervised.rbm import ratings_matrix
    from seqlab.train.budget import describe

    ratings = movielens_100k(input_file(args.data))   # the folder, or GroupLens' ml-100k.zip as downloaded
    train, test = ratings_matrix(ratings["train"].to_numpy(), ratings["test"].to_numpy())
    rec = MovieRecommender(**_options(args))
    rec.fit(train)
    m = rec.evaluate(train, test, seed=args.seed)
    baselines = like_rate_baselines(train, test)
    strongest = min(baselines, key=baselines.get)
    line = "RBM " + verdict(m["test_error"], baselines[strongest], f"'{strongest}'", "test error",
                            higher_is_better=False)
    metrics = {**m, "baseline": {"name": strongest, "test_error": baselines[strongest]},
               "baselines": {name: {"test_error": e} for name, e in baselines.items()},
               "training": rec.training_, "verdict": line}
    table = {"RBM (mean field, p >= 0.5)": {"test_error": m["test_error"],
                                            "test_cross_entropy": m["test_cross_entropy"]},
             "RBM, v sampled through h (the course's loss)": {"test_error": m["course_test_loss"]},
             **{f"baseline: {name}": {"test_error": e} for name, e in baselines.items()}}
    summary = (f"test error {m['test_error']:.4f} over {m['users']} users (strongest baseline {strongest} "
               f"{baselines[strongest]:.4f}; every movie liked {baselines['every movie liked']:.4f}); the course's "
               f"sampled loss {m['course_test_loss']:.4f} (the course: 0.25)\n{describe(rec.training_)}")
    return rec, metrics, table, "loss.png", "MovieLens recommender (RBM, u1 split)", summary, None


def run_csv(args):
    from seqlab.tasks.unsupervised.rbm import RBM, majority_reconstruction_error

    df = read_binary_csv(args.data, args)
    rbm = RBM(**_options(args))
    rbm.fit(df)
    metrics = rbm.evaluate(df)
    base = majority_reconstruction_error(df)
    line = "RBM " + verdict(metrics["reconstruction_error"], base, "'the most common value of each unit'",
                            "reconstruction error", higher_is_better=False)
    metrics.update(baseline={"name": "the most common value of each unit", "reconstruction_error": base}, verdict=line)
    summary = (f"reconstruction error {metrics['reconstruction_error']:.4f}, mean free energy "
               f"{metrics['free_energy']:.3f} on {len(df)} rows x {df.shape[1]} units")
    return rbm, metrics, metrics, "free_energy.png", "Restricted Boltzmann machine", summary, \
        {"command": "rbm", "columns": [str(c) for c in df.columns]}


def run(args: argparse.Namespace) -> int:
    with training_run(args, "rbm") as run:
        model, metrics, table, png, title, summary, read_as = (run_movielens if args.movielens else run_csv)(args)
        run.save(model, input=read_as)
        run.json("metrics.json", metrics)
        title_png = ("RBM training: reconstruction error (loss), validation cross-entropy and error" if args.movielens
                     else "RBM training: reconstruction error (loss); free energy beside")
        run.history(model.history_, png, title=title_png, training=getattr(model, "training_", None))
        sections = [("Verdict", metrics["verdict"]), ("Test metrics" if args.movielens else "Metrics", table),
                    ("Training", png)]
        if args.movielens:
            from seqlab.train.budget import describe
            sections.append(("Training budget", describe(model.training_)))
        run.report(title, sections)
        run.say(summary)
        run.verdict(metrics["verdict"])
        run.plot = png
        if not args.movielens:
            run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.data])
    return 0
