"""RBM, DBN and DBM on binarised 8x8 digits: test log-likelihood from annealed importance sampling.

Data: scikit-learn's bundled handwritten digits (1,797 images of 8x8, grey levels 0-16), binarised
at 8, shuffled with seed 0; 1,297 images train, 250 validation, 250 test. Every model has 64
visible units and hidden layers of 100 (DBN and DBM: 100-100), trained with the same epochs.

- RBM: persistent CD-1; log p(v) = -F(v) - log Z exactly, log Z by AIS.
- DBN: greedy stack of two RBMs; a lower bound on log p(v) (recognition pass sampled 100 times),
  with the top RBM's log Z by AIS.
- DBM: greedy pre-training with doubled inputs, then persistent-chain training with mean-field
  statistics; the mean-field lower bound on log p(v), log Z by AIS.
- Baseline: independent pixels with the training set's base rates (exact log-likelihood).

The DBN's and DBM's figures are lower bounds, so they understate those models; AIS itself tends to
underestimate log Z, which overstates every model a little. The learning rates were chosen by the
validation likelihood among {0.01, 0.05} for RBM and DBN and {0.001, 0.005} for the DBM, whose
persistent chains fall behind at larger steps (0.01: -27.4 nats on validation); every figure is
printed, and the test images are scored once.

    OMP_NUM_THREADS=1 python benchmarks/boltzmann.py
"""
from __future__ import annotations

import time

import numpy as np
import torch
from sklearn.datasets import load_digits

from seqlab.models.boltzmann import DeepBoltzmannMachine, LayeredBoltzmann, dbn_log_likelihood_bound, rbm_log_likelihood
from seqlab.tasks.unsupervised.rbm import DBN, RBM

EPOCHS, HIDDEN, RUNS, BETAS = 60, 100, 100, 10_000


def digits_split(seed: int = 0):
    X = (load_digits().data >= 8).astype(np.float32)
    order = np.random.default_rng(seed).permutation(len(X))
    X = X[order]
    return X[:1297], X[1297:1547], X[1547:]


def base_rates(train: np.ndarray) -> torch.Tensor:
    p = train.mean(0).clip(1e-3, 1 - 1e-3)
    return torch.from_numpy(np.log(p / (1 - p)))


def independent_pixels(train, test) -> float:
    p = train.mean(0).clip(1e-3, 1 - 1e-3)
    return float((test * np.log(p) + (1 - test) * np.log(1 - p)).sum(1).mean())


def score_rbm(rbm, data, a0):
    log_z, err = LayeredBoltzmann.from_rbm(rbm).ais_log_partition(RUNS, BETAS, a0)
    return float(rbm_log_likelihood(rbm, torch.from_numpy(data), log_z).mean()), log_z, err


def score_dbn(dbn, data):
    top = dbn.model_.rbms[-1]
    log_z, err = LayeredBoltzmann.from_rbm(top).ais_log_partition(RUNS, BETAS)
    bound = dbn_log_likelihood_bound(dbn.model_, torch.from_numpy(data), log_z, samples=100)
    return float(bound.mean()), log_z, err


def score_dbm(dbm, data, a0):
    log_z, err = dbm.layered().ais_log_partition(RUNS, BETAS, a0)
    return float(dbm.log_likelihood_bound(torch.from_numpy(data), log_z).mean()), log_z, err


def train(kind: str, data: np.ndarray, lr: float):
    if kind == "RBM":
        return RBM(HIDDEN, persistent=True, learning_rate=lr, epochs=EPOCHS, batch_size=20, seed=0).fit(data).model_
    if kind == "DBN":
        return DBN((HIDDEN, HIDDEN), persistent=True, learning_rate=lr, epochs=EPOCHS, batch_size=20, seed=0).fit(data)
    dbm = DeepBoltzmannMachine([64, HIDDEN, HIDDEN], seed=0)
    dbm.fit(torch.from_numpy(data), epochs=EPOCHS, batch_size=20, learning_rate=lr, pretrain_epochs=EPOCHS)
    return dbm


def score(kind, model, data, a0):
    if kind == "RBM":
        return score_rbm(model, data, a0)
    if kind == "DBN":
        return score_dbn(model, data)
    return score_dbm(model, data, a0)


def main() -> None:
    train_x, valid_x, test_x = digits_split()
    a0 = base_rates(train_x)
    print(f"binarised digits: {len(train_x)} train, {len(valid_x)} validation, {len(test_x)} test; "
          f"AIS {RUNS} runs x {BETAS} temperatures; torch {torch.__version__}")
    rows = [("independent pixels (baseline)", independent_pixels(train_x, test_x), float("nan"), float("nan"),
             "-", 0.0)]
    for kind in ("RBM", "DBN", "DBM"):
        start = time.perf_counter()
        choices = {}
        for lr in ((0.001, 0.005) if kind == "DBM" else (0.01, 0.05)):
            model = train(kind, train_x, lr)
            choices[lr] = (score(kind, model, valid_x, a0)[0], model)
            print(f"  {kind} learning rate {lr}: validation {choices[lr][0]:.2f} nats/image")
        lr = max(choices, key=lambda k: choices[k][0])
        ll, log_z, err = score(kind, choices[lr][1], test_x, a0)
        rows.append((f"{kind} 64-{'100' if kind == 'RBM' else '100-100'} (lr {lr})", ll, log_z, err,
                     "exact given Z" if kind == "RBM" else "lower bound", time.perf_counter() - start))
    print(f"\n{'model':34} {'test log p(v)':>14} {'log Z':>9} {'AIS rel. sd':>11}  {'kind':14} {'time':>7}")
    for name, ll, log_z, err, kind, seconds in rows:
        print(f"{name:34} {ll:14.2f} {log_z:9.2f} {err:11.3f}  {kind:14} {seconds:6.0f}s")
    base = rows[0][1]
    for name, ll, *_ in rows[1:]:
        verdict = "beats" if ll > base else "LOSES TO"
        print(f"{name}: {verdict} independent pixels by {ll - base:+.2f} nats/image")


if __name__ == "__main__":
    main()
