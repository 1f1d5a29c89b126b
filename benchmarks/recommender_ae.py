"""Seed 003's stacked-autoencoder recommender on the MovieLens-100k u1 split (issue 7, acceptance 3).

Prints the course's test RMSE (mean over users of the RMSE on their test movies, inputs = the
users' training ratings; the course reports about 0.95, target <= 0.95), the pooled test RMSE,
and two baselines measured in the same run: every rating predicted as the training mean, and
each movie's training mean rating (global mean for unseen movies).

    OMP_NUM_THREADS=1 python benchmarks/recommender_ae.py [--data ../shared/data/movielens-100k] [--seeds 0 1]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from seqlab import datasets
from seqlab.tasks.unsupervised.recommender_ae import AutoencoderRecommender, rating_matrix

MOVIELENS = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "movielens-100k")  # shared/ beside the repo


def baselines(train, test, n_users, n_movies) -> dict:
    tr, te = rating_matrix(train, n_users, n_movies), rating_matrix(test, n_users, n_movies)
    seen_tr, seen = tr > 0, te > 0
    mu = tr[seen_tr].mean()
    counts = seen_tr.sum(0)
    item_mean = np.where(counts > 0, tr.sum(0) / np.maximum(counts, 1), mu)
    out = {}
    for name, pred in (("global mean", np.full_like(te, mu)), ("item mean", np.broadcast_to(item_mean, te.shape))):
        sq = np.where(seen, (pred - te) ** 2, 0.0)
        users = seen.any(1)
        out[name] = (float(np.sqrt(sq[users].sum(1) / seen[users].sum(1)).mean()),
                     float(np.sqrt(sq.sum() / seen.sum())))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=MOVIELENS)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--epochs", type=int, default=100)
    args = ap.parse_args()
    torch.set_num_threads(1)
    d = datasets.movielens_100k(args.data)
    n_users = int(max(d["train"].user_id.max(), d["test"].user_id.max()))
    n_movies = int(max(d["train"].item_id.max(), d["test"].item_id.max()))
    print(f"MovieLens-100k u1: {len(d['train'])} train / {len(d['test'])} test ratings, "
          f"{n_users} users x {n_movies} movies")
    print(f"{'model':<34}{'test RMSE (course)':>20}{'pooled':>10}{'train':>10}{'seconds':>9}")
    for name, (course, pooled) in baselines(d["train"], d["test"], n_users, n_movies).items():
        print(f"{'baseline: ' + name:<34}{course:>20.4f}{pooled:>10.4f}{'':>10}{'':>9}")
    results = []
    for seed in args.seeds:
        t = time.perf_counter()
        rec = AutoencoderRecommender(epochs=args.epochs, seed=seed).fit(d["train"], n_users, n_movies)
        m = rec.evaluate(d["train"], d["test"])
        results.append(m["test_rmse"])
        print(f"{f'stacked AE 1682-20-10-20-1682 s{seed}':<34}{m['test_rmse']:>20.4f}{m['test_rmse_global']:>10.4f}"
              f"{m['train_rmse']:>10.4f}{time.perf_counter() - t:>9.1f}")
    mean = float(np.mean(results))
    print(f"mean course test RMSE over {len(results)} seed(s): {mean:.4f} "
          f"({'meets' if mean <= 0.95 else 'MISSES'} the <= 0.95 target; the course reports about 0.95)")


if __name__ == "__main__":
    main()
