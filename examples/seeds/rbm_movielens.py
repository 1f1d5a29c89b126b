"""Seed 003's RBM recommender on MovieLens-100k, fold u1 (u1.base to train, u1.test to test).

Ratings become liked (3-5) = 1, not liked (1-2) = 0, not rated = -1. Where the seed feeds the -1s to
a 0/1 RBM, MovieRecommender gives each user visible units for the movies they rated only (a two-way
softmax, Salakhutdinov, Mnih & Hinton 2007; conditioned on the user + movie like rates) and predicts
a held-out rating by a mean-field pass from the user's known ratings; by default it trains until a
held-out fifth of the u1.base ratings stops improving. The test error is the seed's averaging: for
every user with test ratings, the share called wrongly at p(liked) >= 0.5; then the mean over users.
The like-rate baselines (every movie liked, the movie's, the user's, user + movie) and the seed's
sampled loss (v sampled once through h: its 0.25) are printed beside it.

GroupLens does not allow redistributing MovieLens, so seqlab does not ship it: download
ml-100k.zip from GroupLens, unzip it, and pass the folder.

    python examples/seeds/rbm_movielens.py path/to/ml-100k
    python examples/seeds/rbm_movielens.py path/to/ml-100k --epochs 2     # a quick run
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from seqlab.datasets import movielens_100k
from seqlab.tasks.unsupervised.like_baselines import like_rate_baselines
from seqlab.tasks.unsupervised.rbm import MovieRecommender, ratings_matrix


def recommend(rec: MovieRecommender, train: np.ndarray, user: int, n: int = 5) -> np.ndarray:
    """Indices (0-based movie ids) of the ``n`` unrated movies ``user`` is most likely to like."""
    p = rec.predict(train[user:user + 1])[0]
    p[train[user] >= 0] = -np.inf                      # only movies the user has not rated
    return np.argsort(-p)[:n]


def main(argv=None) -> dict | None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", nargs="?", help="the unzipped ml-100k folder (u1.base, u1.test)")
    p.add_argument("--epochs", type=int, help="passes over the users (default: the adaptive budget)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if not args.folder or not (Path(args.folder) / "u1.base").is_file():
        print(f"MovieLens-100k not found at {args.folder!r}: download ml-100k.zip from GroupLens, unzip it "
              "and pass the folder; skipping")
        return None
    ratings = movielens_100k(args.folder)
    train, test = ratings_matrix(ratings["train"].to_numpy(), ratings["test"].to_numpy())
    print(f"{train.shape[0]} users x {train.shape[1]} movies; {int((train >= 0).sum())} training ratings, "
          f"{int((test >= 0).sum())} test ratings")
    rec = MovieRecommender(seed=args.seed, **({"epochs": args.epochs} if args.epochs else {}))
    rec.fit(train)
    for epoch, loss in enumerate(rec.history_["loss"], 1):
        print(f"epoch: {epoch} loss: {loss:.4f}")
    m = rec.evaluate(train, test, seed=args.seed)
    base = like_rate_baselines(train, test)
    print(f"test error: {m['test_error']:.4f} over {m['users']} users; baselines: "
          + ", ".join(f"{name} {e:.4f}" for name, e in base.items())
          + f"; the course's sampled loss {m['course_test_loss']:.4f} (the course: 0.25)")
    titles = Path(args.folder) / "u.item"
    names = (titles.read_text(encoding="latin-1").splitlines() if titles.is_file() else [])
    top = recommend(rec, train, user=0)
    print("recommended to user 1:", "; ".join(names[i].split("|")[1] if i < len(names) else f"movie {i + 1}"
                                              for i in top))
    return m


if __name__ == "__main__":
    main()
