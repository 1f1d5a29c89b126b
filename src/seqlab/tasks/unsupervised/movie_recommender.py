"""``MovieRecommender``: seed 003's MovieLens recommender, an RBM used the way Salakhutdinov, Mnih &
Hinton (2007) use it for collaborative filtering (``seqlab.models.ratings_rbm``).

Seed 003 feeds the whole users x movies matrix to a 0/1 RBM with -1 for "not rated": unrated movies
enter p(h | v) with weight -1, a dislike (0) says nothing, and its test loss samples v once through
h, so even a perfect probability p scores 2p(1 - p), not min(p, 1 - p). Here each user's RBM has
visible units for the movies they rated only (a two-way softmax: not liked / liked), and a
held-out rating is predicted by the mean-field pass ``p(v | p(h | known ratings))``, thresholded
at 0.5. The course's sampled loss is still reported (``course_test_loss``) for comparison with its
0.25.

By default (``offset="like rates"``) the RBM is conditional: the logit of "liked" for user u and
movie i gets the offset ``logit(user rate + movie rate - overall rate)`` (the "user + movie like
rates" baseline of ``like_baselines``; user rates from the known ratings, movie rates from the
training ratings) beside its learned visible bias (which starts at 0), so the hidden units learn
what that predictor misses. Why: a plain RBM's hidden input sums a user's ratings, so it sees counts, not
rates, and light users get little of their own taste; on a validation split of u1.base the plain
RBM scored 0.1482 where the like-rate predictor scores 0.1443 (``benchmarks/rbm_movielens.py``).
``offset=None`` is the plain RBM.

>>> import numpy as np
>>> likes = np.where(np.random.default_rng(0).random((40, 12)) < 0.5, -1, 1)
>>> rec = MovieRecommender(4, epochs=2, batch_size=10, seed=0).fit(likes)
>>> rec.predict(likes[:2]).shape
(2, 12)
"""
from __future__ import annotations

import copy
import math
import sys
import time
from dataclasses import replace

import numpy as np
import torch

from seqlab.data.arrays import numeric_matrix
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.ratings_rbm import RatingsRBM, one_hot_ratings
from seqlab.nn.seeding import make_generator
from seqlab.tasks.base import Task
from seqlab.tasks.unsupervised.like_baselines import like_rates, per_user_error
from seqlab.train import budget as training_budget

MIN_DELTA = 1e-3   # an epoch improves when the validation cross-entropy falls by 0.1% (1e-4: 450 epochs of crumbs)


def likes_matrix(X) -> np.ndarray:
    """``X`` (users x movies: 1 liked, 0 not, negative = not rated) as an int array of 1/0/-1;
    DataError for NaN, text or other values."""
    V = numeric_matrix(X)
    rated = V >= 0
    if not np.isin(V[rated], (0.0, 1.0)).all():
        raise DataError("MovieRecommender needs 1 (liked), 0 (not liked) or a negative number (not rated) in "
                        "every cell; build the matrix with ratings_matrix(train, test)")
    return np.where(rated, V, -1).astype(np.int64)


def hold_out(likes: np.ndarray, share: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """``(fit part, validation part)`` of a likes matrix: each rating goes to validation with
    probability ``share`` (seeded), but every user keeps at least one rating to fit on.

    >>> fit, val = hold_out(np.array([[1, 0, 1, -1]]), 0.99, seed=0)
    >>> int((fit >= 0).sum()), int((val >= 0).sum())
    (1, 2)
    """
    rng = np.random.default_rng([0 if seed is None else int(seed), 13])   # not the stream of seed alone
    rated = likes >= 0
    to_val = rated & (rng.random(likes.shape) < float(share))
    emptied = rated.any(1) & ~(rated & ~to_val).any(1)
    for u in np.nonzero(emptied)[0]:                 # give back one rating to users left with none
        to_val[u, rng.choice(np.nonzero(rated[u])[0])] = False
    return np.where(to_val, -1, likes), np.where(to_val, likes, -1)


OFFSETS = (None, "like rates")
SMOOTHING = 5.0   # pseudo-ratings, as like_baselines


def like_rate_logits(likes: np.ndarray, movie_rates: np.ndarray, overall: float) -> torch.Tensor:
    """``offset="like rates"``: logit of ``user rate + movie rate - overall`` for every user and movie
    (the "user + movie like rates" baseline, clipped to [0.02, 0.98]), ``(n_users, n_movies)``; the user
    rates come from ``likes``, shrunk towards ``overall`` by 5 pseudo-ratings.

    >>> print(like_rate_logits(np.array([[1, -1]]), np.array([0.5, 0.5]), 0.5).numpy().round(3))
    [[0.336 0.336]]
    """
    seen = likes >= 0
    user = (np.where(seen, likes, 0).sum(1) + SMOOTHING * overall) / (seen.sum(1) + SMOOTHING)
    p = np.clip(user[:, None] + np.asarray(movie_rates)[None, :] - overall, 0.02, 0.98)
    return torch.from_numpy(np.log(p / (1 - p)).astype(np.float32))


def cross_entropy(p_liked: np.ndarray, likes: np.ndarray) -> float:
    """Mean -log p of the true answer over the rated cells of ``likes`` (p clipped to [1e-6, 1 - 1e-6])."""
    seen = likes >= 0
    p = np.clip(p_liked[seen], 1e-6, 1 - 1e-6)
    y = likes[seen]
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


class MovieRecommender(Task):
    """Seed 003's recommender (liked / not liked), as an RBM for collaborative filtering.

    Args: n_hidden; k: Gibbs steps per CD update; learning_rate (per user, averaged over the batch);
    offset: "like rates" (the conditional RBM of the module docstring) or None (the plain RBM);
    momentum, weight_decay (L2 on W); average: the predictions use an exponential moving average of
    the weights with this decay per update (0: the last weights); epochs: None is the adaptive budget
    (``seqlab.train.budget``): ``validation_split`` of each user's ratings are held out, training
    stops when their cross-entropy has not fallen by 0.1% for ``patience`` epochs (after the floor
    of 1,000 updates; ceiling 500 epochs), the learning rate halves on plateaus, and the best weights
    are kept; an integer trains exactly that many epochs on every rating. batch_size, seed,
    verbose, time_budget: the shared training arguments. Defaults chosen on a validation split of
    MovieLens u1.base (``benchmarks/rbm_movielens.py --choose``), never on u1.test.

    ``fit(likes)`` with likes users x movies of 1/0/-1 (``ratings_matrix``); ``predict(likes)`` ->
    p(liked) for every movie ``(n_users, n_movies)`` from the given known ratings;
    ``evaluate(train, test)`` -> ``test_error`` (per-user share of wrong liked/not-liked calls at
    p >= 0.5, averaged over users: seed 003's averaging), ``test_cross_entropy``,
    ``course_test_loss`` (the seed's measure: v sampled once through a sampled h) and ``users``.
    Fitted: ``model_``, ``history_`` (per epoch: ``loss``, the training reconstruction error, and
    with the adaptive budget ``val_cross_entropy`` and ``val_error``), ``training_``.
    """

    def __init__(self, n_hidden: int = 30, *, k: int = 1, learning_rate: float = 0.05, epochs: int | None = None,
                 batch_size: int = 50, momentum: float = 0.9, weight_decay: float = 0.01, average: float = 0.99,
                 patience: int = 10, validation_split: float = 0.2, offset: str | None = "like rates",
                 seed: int | None = None, verbose: int = 0, time_budget=None):
        self.n_hidden, self.k, self.learning_rate, self.epochs = n_hidden, k, learning_rate, epochs
        self.offset = offset
        self.batch_size, self.momentum, self.weight_decay, self.average = batch_size, momentum, weight_decay, average
        self.patience, self.validation_split, self.seed, self.verbose = patience, validation_split, seed, verbose
        self.time_budget = time_budget

    def _check(self, likes: np.ndarray) -> None:
        if int(self.n_hidden) < 1 or int(self.k) < 1 or int(self.batch_size) < 1 or int(self.patience) < 1:
            raise ConfigError("n_hidden, k, batch_size and patience must be >= 1")
        if self.epochs is not None and int(self.epochs) < 1:
            raise ConfigError(f"epochs must be >= 1 or None (the adaptive budget), got {self.epochs}")
        if not float(self.learning_rate) > 0 or not 0 <= float(self.momentum) < 1 or float(self.weight_decay) < 0:
            raise ConfigError("learning_rate must be > 0, momentum in [0, 1) and weight_decay >= 0")
        if self.offset not in OFFSETS:
            raise ConfigError(f"offset must be one of {OFFSETS}, got {self.offset!r}")
        if not 0 <= float(self.average) < 1:
            raise ConfigError(f"average must be in [0, 1), got {self.average}")
        if self.epochs is None and not 0 < float(self.validation_split) < 1:
            raise ConfigError(f"validation_split must be in (0, 1) for the adaptive budget, got "
                              f"{self.validation_split}")
        if len(likes) < int(self.batch_size):
            raise DataError(f"{len(likes)} users is fewer than batch_size={self.batch_size}; lower batch_size")
        if not (likes >= 0).any():
            raise DataError("the likes matrix has no ratings (every cell is negative = not rated)")

    def fit(self, X, y=None) -> "MovieRecommender":
        """Train on the likes matrix ``X``; ``y`` is ignored. Returns self."""
        likes = likes_matrix(X)
        self._check(likes)
        adaptive = self.epochs is None
        fit_part, val_part = hold_out(likes, self.validation_split, self.seed) if adaptive else (likes, None)
        V = one_hot_ratings(torch.from_numpy(fit_part), 2)
        self.model_ = RatingsRBM(likes.shape[1], 2, int(self.n_hidden), seed=self.seed)
        offsets = None
        if self.offset is None:
            self.model_.init_visible_bias(V)
        else:   # the like-rate predictor is the visible bias; the RBM learns what it misses
            _, self.movie_rates_, self.overall_rate_ = like_rates(fit_part, SMOOTHING)
            offsets = like_rate_logits(fit_part, self.movie_rates_, self.overall_rate_)
        self._averaged = copy.deepcopy(self.model_)
        bs = int(self.batch_size)
        steps_per_epoch = math.ceil(len(V) / bs)
        default = training_budget.DEFAULT_RULE
        rule = replace(default, patience=int(self.patience), min_delta=MIN_DELTA)
        tracker = training_budget.BudgetTracker(rule, time_budget=self.time_budget, adaptive=adaptive)
        if adaptive:
            tracker.monitored = "val_cross_entropy"
        last = rule.ceiling_epochs(steps_per_epoch) if adaptive else int(self.epochs)
        g = make_generator(0 if self.seed is None else self.seed)
        self.history_ = {"loss": []} | ({"val_cross_entropy": [], "val_error": []} if adaptive else {})
        lr, best, start = float(self.learning_rate), None, time.perf_counter()
        tracker.start()
        for epoch in range(last):
            order = torch.randperm(len(V), generator=g)
            losses = []
            for s in range(0, len(V), bs):
                batch = order[s:s + bs]
                losses.append(self.model_.contrastive_divergence(
                    V[batch], int(self.k), lr, g, float(self.momentum), float(self.weight_decay),
                    None if offsets is None else offsets[batch]))
                self._update_average()
            self.history_["loss"].append(float(np.mean(losses)))
            score = None
            if adaptive:
                p = self._predict(self._averaged, fit_part)
                score = cross_entropy(p, val_part)
                self.history_["val_cross_entropy"].append(score)
                self.history_["val_error"].append(per_user_error(p, val_part))
            if self.verbose:
                extra = f" - val_cross_entropy: {score:.4f} - val_error: {self.history_['val_error'][-1]:.4f}" \
                    if adaptive else ""
                print(f"Epoch {epoch + 1}/{'adaptive' if adaptive else last} - {time.perf_counter() - start:.1f}s "
                      f"- loss: {self.history_['loss'][-1]:.4f}{extra}", file=sys.stderr)
            reason = tracker.update(score, tracker.steps + len(losses))
            if adaptive and tracker.improved:
                best = copy.deepcopy(self._averaged.state_dict())
            if tracker.reduce_lr and lr > float(self.learning_rate) * rule.min_lr_ratio:
                lr *= rule.lr_factor
            if reason is not None:
                break
        tracker.finish("ceiling" if adaptive else "epochs")
        # the best validated weights; with a fixed count (no validation) the averaged weights at the end
        self.model_.load_state_dict(best if best is not None else self._averaged.state_dict())
        del self._averaged
        self.model_.velocity = None
        if self.offset is not None:   # predictions: the rates of every training rating
            _, self.movie_rates_, self.overall_rate_ = like_rates(likes, SMOOTHING)
        self.training_ = tracker.summary()
        return self

    @torch.no_grad()
    def _update_average(self) -> None:
        decay = float(self.average)
        for avg, cur in zip(self._averaged.buffers(), self.model_.buffers()):
            avg.mul_(decay).add_(cur, alpha=1 - decay)

    def _offsets(self, likes: np.ndarray) -> torch.Tensor | None:
        return None if self.offset is None else like_rate_logits(likes, self.movie_rates_, self.overall_rate_)

    @torch.no_grad()
    def _predict(self, model: RatingsRBM, likes: np.ndarray) -> np.ndarray:
        V = one_hot_ratings(torch.from_numpy(likes), model.K)
        return model.predict_probs(V, self._offsets(likes))[..., 1].numpy()

    def predict(self, X) -> np.ndarray:
        """p(liked) for every movie, ``(n_users, n_movies)``, from the known ratings in ``X`` (1/0/-1)."""
        self._check_fitted()
        likes = likes_matrix(X)
        if likes.shape[1] != self.model_.n_movies:
            raise DataError(f"the likes matrix has {likes.shape[1]} movies; the model was trained on "
                            f"{self.model_.n_movies}")
        return self._predict(self.model_, likes)

    def evaluate(self, train, test=None, seed: int | None = None) -> dict:
        """Scores on the rated cells of ``test`` predicted from the known ratings ``train`` (both
        likes matrices, same shape); with ``test=None`` the known ratings are scored themselves.
        ``{"test_error", "test_cross_entropy", "course_test_loss", "users"}``."""
        known = likes_matrix(train)
        target = known if test is None else likes_matrix(test)
        if target.shape != known.shape:
            raise DataError(f"train is {known.shape} and test {target.shape}; they must be the same users x movies")
        p = self.predict(known)
        g = make_generator(0 if seed is None else seed)
        with torch.no_grad():
            h = torch.bernoulli(self.model_.hidden_probs(one_hot_ratings(torch.from_numpy(known), 2)), generator=g)
            sampled = torch.bernoulli(self.model_.visible_probs(h, self._offsets(known))[..., 1], generator=g).numpy()
        return {"test_error": per_user_error(p, target), "test_cross_entropy": cross_entropy(p, target),
                "course_test_loss": per_user_error(sampled, target), "users": int((target >= 0).any(1).sum())}

    def _get_state(self):
        m = self.model_
        tensors = {"W": m.W, "visible_bias": m.visible_bias, "hidden_bias": m.hidden_bias}
        if self.offset is not None:
            tensors.update(movie_like_rates=torch.as_tensor(self.movie_rates_, dtype=torch.float64),
                           overall_like_rate=torch.tensor([self.overall_rate_], dtype=torch.float64))
        return {"history": self.history_, "training": getattr(self, "training_", None)}, tensors, {}

    def _set_state(self, config, tensors, preprocessing):
        n_movies, K, n_hidden = tensors["W"].shape
        self.model_ = RatingsRBM(n_movies, K, n_hidden)
        self.model_.load_state_dict({k: tensors[k] for k in ("W", "visible_bias", "hidden_bias")})
        if self.offset is not None:
            self.movie_rates_ = tensors["movie_like_rates"].numpy()
            self.overall_rate_ = float(tensors["overall_like_rate"][0])
        self.history_ = config.get("history", {"loss": []})
        if config.get("training"):
            self.training_ = config["training"]
