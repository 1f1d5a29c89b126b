"""Seed 003's RBM recommender on MovieLens-100k fold u1 (issue 7, acceptance 3, RBM half).

For each seed it prints the course's test loss (per user with test ratings: sample h from the
training row, sample v from h, mean |liked - v| over the test movies; then the mean over users),
the deterministic variant (p(v | p(h|v)) > 0.5) and the all-liked baseline, for

1. seqlab's ``MovieRecommender`` with its defaults (printed), and
2. seed 003's code as written (transcribed below: W, a, b ~ N(0, 1), CD-10, summed updates,
   batches in user order skipping the last partial one, ``--seed-epochs`` epochs; the seed says
   100), measured in the same run as the reference.

    OMP_NUM_THREADS=1 python benchmarks/rbm_movielens.py [/path/to/ml-100k] [--seeds 3] [--seed-epochs 100]
"""
import argparse
import time
from pathlib import Path

import numpy as np
import torch

from seqlab.datasets import movielens_100k
from seqlab.tasks.unsupervised.rbm import MovieRecommender, ratings_matrix

MOVIELENS = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "movielens-100k")  # shared/ beside the repo


def seed_003_as_written(training_set, test_set, nb_epoch, seed):
    """The seed's RBM section, line for line (global torch RNG seeded with ``seed``)."""
    torch.manual_seed(seed)
    nb_users, nv, nh, batch_size = training_set.shape[0], training_set.shape[1], 100, 100
    W, a, b = torch.randn(nh, nv), torch.randn(1, nh), torch.randn(1, nv)

    def sample_h(x):
        p = torch.sigmoid(x @ W.t() + a)
        return p, torch.bernoulli(p)

    def sample_v(y):
        p = torch.sigmoid(y @ W + b)
        return p, torch.bernoulli(p)

    for _ in range(nb_epoch):
        for id_user in range(0, nb_users - batch_size, batch_size):
            vk = training_set[id_user:id_user + batch_size]
            v0 = training_set[id_user:id_user + batch_size]
            ph0, _ = sample_h(v0)
            for _k in range(10):
                _, hk = sample_h(vk)
                _, vk = sample_v(hk)
                vk[v0 < 0] = v0[v0 < 0]
            phk, _ = sample_h(vk)
            W += (v0.t() @ ph0).t() - (vk.t() @ phk).t()
            b += torch.sum(v0 - vk, 0)
            a += torch.sum(ph0 - phk, 0)
    test_loss, s = 0.0, 0
    for id_user in range(nb_users):
        v, vt = training_set[id_user:id_user + 1], test_set[id_user:id_user + 1]
        if len(vt[vt >= 0]) > 0:
            _, h = sample_h(v)
            _, v = sample_v(h)
            test_loss += float(torch.mean(torch.abs(vt[vt >= 0] - v[vt >= 0])))
            s += 1
    return test_loss / s


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("folder", nargs="?", default=MOVIELENS)
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--seed-epochs", type=int, default=100, help="epochs of the seed's code (it says 100)")
    args = p.parse_args()
    data = movielens_100k(args.folder)
    train, test = ratings_matrix(data["train"].to_numpy(), data["test"].to_numpy())
    settings = MovieRecommender().get_params()
    print("seqlab MovieRecommender:", ", ".join(f"{k}={v}" for k, v in settings.items() if k != "seed"))
    ours, mean_field, course = [], [], []
    for seed in range(args.seeds):
        t0 = time.perf_counter()
        m = MovieRecommender(seed=seed).fit(train).evaluate(train, test, seed=seed)
        t1 = time.perf_counter()
        ref = seed_003_as_written(torch.from_numpy(train.copy()), torch.from_numpy(test), args.seed_epochs, seed)
        t2 = time.perf_counter()
        ours.append(m["test_loss"])
        mean_field.append(m["test_loss_mean_field"])
        course.append(ref)
        print(f"seed {seed}: seqlab test loss {m['test_loss']:.4f} ({t1 - t0:.0f}s), mean-field "
              f"{m['test_loss_mean_field']:.4f}; seed 003 as written ({args.seed_epochs} epochs) {ref:.4f} "
              f"({t2 - t1:.0f}s); all-liked baseline {m['baseline_all_liked']:.4f}", flush=True)
    print(f"mean over {args.seeds} seeds: seqlab test loss {np.mean(ours):.4f} (target <= 0.25, course 0.25), "
          f"mean-field {np.mean(mean_field):.4f}, seed 003 as written {np.mean(course):.4f}, "
          f"all-liked baseline {m['baseline_all_liked']:.4f}")


if __name__ == "__main__":
    main()
