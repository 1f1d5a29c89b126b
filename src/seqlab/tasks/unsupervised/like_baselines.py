"""Baselines for predicting which held-out ratings are "liked" (seed 003's MovieLens recommender),
and the per-user error they and the RBM are scored with.

Matrices are users x movies: 1 liked, 0 not liked, -1 (any negative) not rated. The score is
seed 003's averaging: for every user with test ratings, the share of their test ratings predicted
wrongly; then the mean over users. Each baseline predicts "liked" where its like-rate is >= 0.5,
all rates counted on the training matrix only:

- every movie liked (the course's comparison);
- the movie's like rate; the user's like rate;
- user + movie like rates: ``user rate + movie rate - overall rate`` (the additive "baseline
  predictor" of collaborative filtering), each rate shrunk towards the overall rate by
  ``smoothing`` pseudo-ratings (5, chosen on a validation split of MovieLens u1.base: 2, 5 and 10
  scored 0.1503, 0.1504, 0.1505 there; none at all 0.1522).

>>> train = np.array([[1, 0, -1], [1, 1, 0]]); test = np.array([[-1, -1, 1], [-1, -1, -1]])
>>> like_rate_baselines(train, test, smoothing=0)["every movie liked"]
0.0
"""
from __future__ import annotations

import numpy as np

from seqlab.data.arrays import numeric_matrix

STRONGEST = "user + movie like rates"


def per_user_error(liked, test) -> float:
    """Mean over users with test ratings of the share of their test ratings where ``liked`` (bool or
    0/1, users x movies) differs from ``test`` (1/0, negative = none). NaN if no user has one.

    >>> per_user_error([[1, 1], [0, 0]], [[1, 0], [-1, 0]])
    0.25
    """
    test = numeric_matrix(test)
    seen = test >= 0
    users = seen.any(1)
    if not users.any():
        return float("nan")
    wrong = np.where(seen, (np.asarray(liked, dtype=float) >= 0.5) != (test >= 0.5), False).sum(1)
    return float((wrong[users] / seen[users].sum(1)).mean())


def like_rates(train, smoothing: float = 5.0) -> tuple[np.ndarray, np.ndarray, float]:
    """``(user rates (n_users,), movie rates (n_movies,), overall rate)`` of "liked" among the training
    ratings, each user's and movie's shrunk towards the overall rate by ``smoothing`` pseudo-ratings
    (a movie nobody rated gets the overall rate).

    >>> u, m, overall = like_rates([[1, 0], [1, -1]], smoothing=0)
    >>> u.tolist(), m.tolist(), overall
    ([0.5, 1.0], [1.0, 0.0], 0.6666666666666666)
    """
    V = numeric_matrix(train)
    seen = V >= 0
    liked = np.where(seen, V, 0)
    overall = float(liked.sum() / max(seen.sum(), 1))
    k = float(smoothing)

    def rate(axis):
        n = seen.sum(axis)
        return np.where(n + k > 0, (liked.sum(axis) + k * overall) / np.maximum(n + k, 1e-12), overall)

    return rate(1), rate(0), overall


def like_rate_baselines(train, test, smoothing: float = 5.0) -> dict[str, float]:
    """Per-user test error (``per_user_error``) of each baseline in this module's docstring:
    ``{"every movie liked", "the movie's like rate", "the user's like rate", "user + movie like rates"}``."""
    test = numeric_matrix(test)
    user, movie, overall = like_rates(train, smoothing)
    shape = test.shape
    return {
        "every movie liked": per_user_error(np.ones(shape), test),
        "the movie's like rate": per_user_error(np.broadcast_to(movie[None, :], shape), test),
        "the user's like rate": per_user_error(np.broadcast_to(user[:, None], shape), test),
        STRONGEST: per_user_error(user[:, None] + movie[None, :] - overall, test),
    }
