"""Seed 003's RBM recommender on MovieLens-100k fold u1 (issue 7, acceptance 3, RBM half).

Prints the course's test loss (mean |liked - sampled prediction| on test movies, per user), the
deterministic variant (p(v|h) > 0.5) and the all-liked baseline, for 3 seeds.

    OMP_NUM_THREADS=1 python benchmarks/rbm_movielens.py [/path/to/ml-100k]
"""
import sys
import time

import numpy as np

from seqlab.datasets import movielens_100k
from seqlab.tasks.rbm import MovieRecommender, ratings_matrix

if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/movielens-100k"
    data = movielens_100k(folder)
    train, test = ratings_matrix(data["train"].to_numpy(), data["test"].to_numpy())
    results = []
    for seed in range(3):
        t0 = time.perf_counter()
        rec = MovieRecommender(seed=seed).fit(train)
        m = rec.evaluate(train, test, seed=seed)
        results.append(m)
        print(f"seed {seed}: test loss {m['test_loss']:.4f} (course: 0.25), "
              f"mean-field {m['test_loss_mean_field']:.4f}, "
              f"all-liked baseline {m['baseline_all_liked']:.4f}, {time.perf_counter() - t0:.1f}s")
    print(f"mean test loss {np.mean([r['test_loss'] for r in results]):.4f}, "
          f"mean-field {np.mean([r['test_loss_mean_field'] for r in results]):.4f}")
