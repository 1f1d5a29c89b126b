"""SOM against MiniSom, measured in the same run (issue 7, acceptance 2).

1. Credit-card data (MinMax-scaled, seed 003), 10x10, sigma 1.0, lr 0.5, 10,000 iterations of
   train_random: quantization and topographic error of seqlab and MiniSom, mean over 5 seeds.
2. Speed, 30x30 map, 50,000 samples of 15 features: train_random with 50,000 iterations (the
   same sequential rule in both; seqlab's loop is compiled by numba), and one pass of the offline
   batch map (train_batch_offline).

    OMP_NUM_THREADS=1 python benchmarks/som.py
"""
import time
import warnings

import numpy as np

from seqlab import datasets
from seqlab.models.som import SelfOrganizingMap

warnings.simplefilter("ignore")


def quality():
    from minisom import MiniSom

    X = datasets.load("credit-card-applications").iloc[:, :-1].to_numpy(float)  # the bundled copy
    X = (X - X.min(0)) / (X.max(0) - X.min(0))
    rows = []
    for seed in range(5):
        ours = SelfOrganizingMap(10, 10, 15, sigma=1.0, learning_rate=0.5, seed=seed)
        ref = MiniSom(10, 10, 15, sigma=1.0, learning_rate=0.5, random_seed=seed)
        ours.random_weights_init(X)
        ref.random_weights_init(X)
        ours.train_random(X, 10000)
        ref.train_random(X, 10000)
        rows.append((ours.quantization_error(X), ref.quantization_error(X),
                     ours.topographic_error(X), ref.topographic_error(X)))
    q, qr, t, tr = np.mean(rows, 0)
    print(f"credit card 10x10, 10,000 its, mean of 5 seeds: quantization error seqlab {q:.6f} minisom {qr:.6f}; "
          f"topographic error seqlab {t:.4f} minisom {tr:.4f}")


def speed():
    from minisom import MiniSom

    X = np.random.default_rng(0).random((50000, 15))
    ours, ref = SelfOrganizingMap(30, 30, 15, seed=0), MiniSom(30, 30, 15, random_seed=0)
    ours.random_weights_init(X)
    ref.random_weights_init(X)
    ours.train_random(X[:100], 10)                       # compile the numba loop first (cached on disk)
    t0 = time.perf_counter()
    ours.train_random(X, 50000)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref.train_random(X, 50000)
    t_ref = time.perf_counter() - t0
    print(f"30x30, 50,000 samples, train_random 50,000 its (sequential rule): seqlab {t_ours:.2f}s "
          f"minisom {t_ref:.2f}s ratio {t_ref / t_ours:.1f}x")
    t0 = time.perf_counter()
    ours.train_batch_offline(X, 1)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref.train_batch_offline(X, 1)
    t_ref = time.perf_counter() - t0
    print(f"30x30, 50,000 samples, train_batch_offline 1 pass (Kohonen batch map): seqlab {t_ours:.2f}s "
          f"minisom {t_ref:.2f}s ratio {t_ref / t_ours:.1f}x")


if __name__ == "__main__":
    quality()
    speed()
