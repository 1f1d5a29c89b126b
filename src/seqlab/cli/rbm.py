"""``seqlab rbm DATA``: train a restricted Boltzmann machine (seed 003) and write a run directory.

    seqlab rbm ml-100k --movielens --out runs/rbm1      # the course's movie recommender (u1 split)
    seqlab rbm binary.csv --hidden 32 --epochs 20       # any CSV of 0/1 values (or probabilities)

With ``--movielens``, DATA is the unzipped MovieLens-100k folder (``u1.base``, ``u1.test``):
ratings become liked (3-5) / not liked (1-2) / not rated, the recommender is trained on
``u1.base``, and ``metrics.json`` holds the course's test loss on ``u1.test`` beside the
all-liked baseline. Otherwise DATA is a CSV of 0/1 values (a header row is optional) and the run
holds the reconstruction error and the free-energy curve. Either way the run directory holds
``model/``, ``metrics.json``, ``history.json``, a PNG of the training curves and ``report.html``.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    Described,
    add_arguments,
    add_command,
    add_table_options,
    given,
    input_file,
    select_columns,
    training_run,
)
from seqlab.io.errors import DataError
from seqlab.tasks.verdicts import verdict


def add_parser(sub) -> None:
    p = add_command(sub, "rbm", run, description=__doc__,
                    help="restricted Boltzmann machine: 0/1 data or the MovieLens recommender")
    p.add_argument("data", help="CSV of 0/1 values, or with --movielens the ml-100k folder")
    p.add_argument("--movielens", action="store_true", help="DATA is a MovieLens-100k folder (u1 split)")
    p.add_argument("--hidden", type=int, default=100, help="hidden units")
    p.add_argument("--k", type=int, help="Gibbs steps per update, CD-k (default: 10 MovieLens, 1 CSV)")
    add_table_options(p)
    add_arguments(p, "rbm", epochs=10, batch_size=100, learning_rate=Described("the model's, per sample"), seed=0,
                  verbose=1, threads=None, time_budget=None, out=None)


def read_binary_csv(path: str, args=None) -> pd.DataFrame:
    """A CSV of numbers in [0, 1], with or without a header row (``--columns``/``--drop`` of ``args`` applied);
    DataError otherwise."""
    f = input_file(path)
    if f.is_dir():
        raise DataError(f"{path} is a folder; pass a CSV of 0/1 values, or add --movielens for the ml-100k folder")
    try:
        df = pd.read_csv(f, header=None)
        if not pd.to_numeric(df.iloc[0], errors="coerce").notna().all():
            df = pd.read_csv(f)                           # the first row is a header
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"{path} is not a readable CSV: {str(e).strip().splitlines()[-1]}") from None
    if args is not None:
        df = select_columns(df, args, source=str(path))
    text = [str(c) for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
    if text:
        raise DataError(f"{path}: columns {', '.join(text)} are not numeric; an RBM needs 0/1 values")
    values = df.to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise DataError(f"{path} has empty, NaN or inf cells; fill or drop those rows first")
    if values.size and (values.min() < 0 or values.max() > 1):
        raise DataError(f"{path} has values in [{values.min():g}, {values.max():g}]; an RBM needs 0/1 "
                        "values (or probabilities in [0, 1]); binarise or scale the data first")
    return df


def _options(args) -> dict:
    return given(n_hidden=args.hidden, epochs=args.epochs, k=args.k, batch_size=args.batch_size,
                 learning_rate=args.learning_rate, seed=args.seed, verbose=args.verbose, time_budget=args.time_budget)


def run_movielens(args):
    from seqlab.datasets import movielens_100k
    from seqlab.tasks.unsupervised.rbm import MovieRecommender, ratings_matrix

    ratings = movielens_100k(args.data)
    train, test = ratings_matrix(ratings["train"].to_numpy(), ratings["test"].to_numpy())
    rec = MovieRecommender(**_options(args))
    rec.fit(train)
    m = rec.evaluate(train, test, seed=args.seed)
    metrics = {"test_loss": m["test_loss"], "test_loss_mean_field": m["test_loss_mean_field"], "users": m["users"],
               "baseline": {"name": "all liked", "test_loss": m["baseline_all_liked"]}}
    table = {"RBM (course: v sampled through h)": {"test_loss": m["test_loss"]},
             "RBM (mean field, p > 0.5)": {"test_loss": m["test_loss_mean_field"]},
             "baseline: every movie liked": {"test_loss": m["baseline_all_liked"]}}
    line = "RBM " + verdict(m["test_loss"], m["baseline_all_liked"], "'every movie liked'", "test loss",
                            higher_is_better=False)
    metrics["verdict"] = line
    summary = (f"test loss {m['test_loss']:.4f} (course 0.25), mean field {m['test_loss_mean_field']:.4f}, "
               f"all-liked baseline {m['baseline_all_liked']:.4f} over {m['users']} users")
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
        run.history(model.history_, png, title="RBM training: reconstruction error (loss); free energy beside")
        run.report(title, [("Test metrics" if args.movielens else "Metrics", table), ("Training", png)])
        run.say(summary)
        run.verdict(metrics["verdict"])
        run.plot = png
        if not args.movielens:
            run.reuse = ("predict", f"seqlab predict {{out}} {args.data}")
    return 0
