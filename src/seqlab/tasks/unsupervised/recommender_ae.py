"""``AutoencoderRecommender``: seed 003's stacked-autoencoder recommender on MovieLens.

Each user is a vector of ratings over all movies (1..5, 0 = not rated). A stacked autoencoder
``movies -> 20 -> 10 -> 20 -> movies`` (sigmoid inside, linear output) learns to reproduce the
ratings a user gave; only rated movies count in the loss (the output at unrated movies is
zeroed before the squared error, as in the course), and predicted ratings for unrated movies
are the recommendations.

Training: mini-batches of 8 users, Adam (lr 1e-3), loss = mean squared error over the rated
entries. The course trains one user per update with RMSprop(lr 0.01, weight_decay 0.5)
for 200 epochs but never calls ``zero_grad``, so its gradients accumulate over every update
since the start; with zeroed gradients that recipe does not learn (weight decay 0.5 pins the
weights near 0), so seqlab uses the recipe above, which reaches the course's figure (~0.94) in 100 epochs
(``epochs=100``, what ``benchmarks/recommender_ae.py`` passes).

How long: ``epochs=None`` (the default) is the adaptive budget of ``seqlab.train.budget``. A seeded
``validation_split`` (20%) of each user's training ratings is held out (every user keeps at least
one rating to fit on); the network trains on the other 80% (as input and as target), and after
every epoch the held-out ratings are predicted from the 80% and scored by their RMSE
(``val_rmse_global``, pooled over the ratings like the training loss; the per-user mean of the
course, ``val_rmse``, is recorded too but is noisier: users with one held-out rating swing it).
Training stops after ``patience`` (20) epochs without a better score, after the floor of 1,000
updates (ceiling 500 epochs or 20,000 updates); Adam's rate halves after 10 epochs without one.
Then (``refit=True``) the network is trained again from the same initial weights on every
training rating for the best epoch's count, with the same learning rates epoch by epoch
(``training_["refit_epochs"]``): a network fitted on 80% of each user's ratings predicts worse
from all of them, the input it gets afterwards (``evaluate(train, test)`` feeds ``train``),
because its sigmoid units see 25% more ratings than they were trained on. With ``refit=False``
the best epoch's weights are kept as they are. An integer ``epochs`` trains exactly that many
epochs on every rating, no hold-out.

Chosen on a validation split of u1.base (a seeded 20% of each user's ratings, fitted on the other
80%, course RMSE, mean of seeds 0-2), never on u1.test: the fixed 100 epochs scored 0.9299, the
default 0.9269 (patience 10: 0.9346, 15: 0.9322), the default with ``refit=False`` 0.9572. On
u1.test, measured once afterwards: 0.9396 for 100 epochs, 0.9279 for the default (112-170 epochs
searched, about three times the training time).

The course's test RMSE: for every user with test ratings, feed the user's TRAINING vector and
take the RMSE over that user's test movies; average over users (``test_rmse``).
``test_rmse_global`` pools every test rating instead.

>>> import pandas as pd
>>> tr = pd.DataFrame({"user_id": [1, 1, 2], "item_id": [1, 2, 2], "rating": [5, 3, 4]})
>>> rec = AutoencoderRecommender((20,), epochs=2, seed=0).fit(tr)
>>> rec.predict(tr).shape
(2, 2)
"""
from __future__ import annotations

import copy
import math
import sys
import time
from dataclasses import asdict, replace

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.autoencoders import AutoencoderConfig, AutoencoderNet
from seqlab.tasks.base import Task
from seqlab.tasks.unsupervised.movie_recommender import hold_out
from seqlab.train import budget as training_budget


def rating_matrix(ratings, n_users: int | None = None, n_movies: int | None = None) -> np.ndarray:
    """Users x movies float32 matrix of ratings (0 = not rated) from rows (user_id, item_id, rating),
    ids starting at 1 (MovieLens's u.data / u1.base layout)."""
    try:
        arr = np.asarray(ratings)[:, :3].astype(np.int64)
    except (TypeError, ValueError, IndexError):
        raise DataError("ratings must be rows of numeric (user_id, item_id, rating)") from None
    if len(arr) == 0 or arr[:, :2].min() < 1:
        raise DataError("ratings must be non-empty with user and item ids starting at 1")
    n_users = int(n_users or arr[:, 0].max())
    n_movies = int(n_movies or arr[:, 1].max())
    if arr[:, 0].max() > n_users or arr[:, 1].max() > n_movies:
        raise DataError(f"ratings name users/items beyond the fitted {n_users} users x {n_movies} movies")
    m = np.zeros((n_users, n_movies), dtype=np.float32)
    m[arr[:, 0] - 1, arr[:, 1] - 1] = arr[:, 2]
    return m


def hold_out_ratings(m: np.ndarray, share: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """``(fit part, validation part)`` of a rating matrix (0 = not rated): each rating goes to
    validation with probability ``share`` (seeded), but every user keeps at least one rating to fit on
    (``movie_recommender.hold_out``'s draw).

    >>> fit, val = hold_out_ratings(np.array([[5, 0, 3, 4]], dtype=np.float32), 0.99, seed=0)
    >>> int((fit > 0).sum()), int((val > 0).sum())
    (1, 2)
    """
    fit, val = hold_out(np.where(m > 0, m, -1), share, seed)
    return np.where(fit > 0, fit, 0).astype(np.float32), np.where(val > 0, val, 0).astype(np.float32)


def rmse_scores(pred: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """``(course RMSE, pooled RMSE)`` of ``pred`` on the rated cells (> 0) of ``target``: the mean over
    users with ratings of each user's RMSE, and the RMSE over every rating (NaN with no ratings).

    >>> course, pooled = rmse_scores(np.array([[4.0, 1.0], [3.0, 3.0]]), np.array([[5.0, 0.0], [3.0, 1.0]]))
    >>> round(course, 4), round(pooled, 4)     # (1 + sqrt(4 / 2)) / 2, sqrt(5 / 3)
    (1.2071, 1.291)
    """
    seen = target > 0
    users = seen.any(1)
    if not users.any():
        return math.nan, math.nan
    sq = np.where(seen, (pred - target) ** 2, 0.0)
    per_user = np.sqrt(sq[users].sum(1) / seen[users].sum(1))
    return float(per_user.mean()), float(np.sqrt(sq.sum() / seen.sum()))


class AutoencoderRecommender(Task):
    """Stacked-autoencoder recommender (seed 003).

    Args: hidden (20,) and code_size 10 (the course's 20-10-20 stack), weight_decay (Adam's);
    epochs: None is the adaptive budget (module docstring: ``validation_split`` of each user's
    ratings held out, ``patience`` epochs without a better validation RMSE stop it, the best
    epoch's weights kept), an integer trains exactly that many epochs on every rating (the course's
    figure: ``epochs=100``); refit: after the adaptive budget, train again from the same start on
    every rating for the best epoch's count (skipped when ``time_budget`` stopped the search or
    leaves too little time for it); batch_size, learning_rate, seed, verbose, time_budget: the
    shared training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); a batch is users, Adam.
    ``fit(train, n_users=None, n_movies=None)`` with rows (user_id, item_id, rating);
    ``predict(ratings) -> (users, movies)`` predicted ratings; ``evaluate(train, test) ->
    {"train_rmse", "test_rmse", "test_rmse_global", "users"}``. Fitted: ``model_``, ``history_``
    (per epoch: ``loss``, the training RMSE on the ratings trained on, and with the adaptive budget
    ``val_rmse`` (the course's measure), ``val_rmse_global`` (watched) and ``refit_loss``), ``training_``.
    """

    def __init__(self, hidden=(20,), *, code_size: int = 10, epochs: int | None = None, batch_size: int = 8,
                 learning_rate: float = 1e-3, weight_decay: float = 0.0, patience: int = 20,
                 validation_split: float = 0.2, refit: bool = True, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.hidden, self.code_size, self.epochs, self.learning_rate = hidden, code_size, epochs, learning_rate
        self.batch_size = batch_size
        self.weight_decay, self.seed, self.verbose = weight_decay, seed, verbose
        self.patience, self.validation_split, self.refit = patience, validation_split, refit
        self.time_budget = time_budget

    def _check(self) -> None:
        if int(self.batch_size) < 1 or int(self.patience) < 1 or not float(self.learning_rate) > 0:
            raise ConfigError("batch_size and patience must be >= 1 and learning_rate > 0")
        if self.epochs is not None and int(self.epochs) < 1:
            raise ConfigError(f"epochs must be >= 1 or None (the adaptive budget), got {self.epochs}")
        if self.epochs is None and not 0 < float(self.validation_split) < 1:
            raise ConfigError(f"validation_split must be in (0, 1) for the adaptive budget, got "
                              f"{self.validation_split}")

    def fit(self, train, n_users: int | None = None, n_movies: int | None = None) -> "AutoencoderRecommender":
        self._check()
        ratings = rating_matrix(train, n_users, n_movies)
        adaptive = self.epochs is None
        fit_part, val_part = hold_out_ratings(ratings, float(self.validation_split), self.seed) if adaptive \
            else (ratings, None)
        validating = adaptive and bool((val_part > 0).any())   # a few ratings may leave none to hold out
        V = torch.from_numpy(fit_part)
        cfg = AutoencoderConfig(kind="dense", input_shape=(V.shape[1],), code_size=int(self.code_size),
                                hidden=tuple(int(h) for h in self.hidden), activation="sigmoid",
                                output_activation=None)
        self.model_ = net = AutoencoderNet(cfg, seed=self.seed)
        start = copy.deepcopy(net.state_dict())
        opt = self._optimizer(net)
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        users = torch.nonzero((V > 0).any(1)).flatten()      # the same users as in every rating (hold_out)
        steps_per_epoch = -(-len(users) // int(self.batch_size))
        rule = replace(training_budget.DEFAULT_RULE, patience=int(self.patience))
        tracker = training_budget.BudgetTracker(rule, time_budget=self.time_budget, adaptive=adaptive)
        if adaptive:
            tracker.monitored = "val_rmse_global" if validating else "loss"
        last = rule.ceiling_epochs(steps_per_epoch) if adaptive else int(self.epochs)
        self.history_ = {"loss": []} | ({"val_rmse": [], "val_rmse_global": []} if validating else {})
        lr, rates, best, begun = float(self.learning_rate), [], None, time.perf_counter()
        tracker.start()
        for epoch in range(last):
            rates.append(lr)
            self.history_["loss"].append(self._epoch(net, opt, V, users, g))
            score = self.history_["loss"][-1] if adaptive else None
            if validating:
                net.eval()
                with torch.no_grad():
                    course, score = rmse_scores(net(V).numpy(), val_part)
                self.history_["val_rmse"].append(course)
                self.history_["val_rmse_global"].append(score)
            if self.verbose:
                extra = f" - val_rmse_global: {score:.4f}" if validating else ""
                print(f"Epoch {epoch + 1}/{'adaptive' if adaptive else last} - {time.perf_counter() - begun:.1f}s "
                      f"- train RMSE: {self.history_['loss'][-1]:.4f}{extra}", file=sys.stderr)
            reason = tracker.update(score, tracker.steps + steps_per_epoch)
            if adaptive and tracker.improved:
                best = copy.deepcopy(net.state_dict())
            if tracker.reduce_lr and lr > float(self.learning_rate) * rule.min_lr_ratio:
                lr *= rule.lr_factor
                self._set_rate(opt, lr)
            if reason is not None:
                break
        tracker.finish("ceiling" if adaptive else "epochs")
        if best is not None:   # the best validated weights; a fixed count keeps the last ones
            net.load_state_dict(best)
        self.training_ = tracker.summary()
        if validating and self.refit and tracker.reason != "time budget" and tracker.best_evaluation is not None:
            self._refit(ratings, start, rates[:tracker.best_evaluation + 1], tracker)
        self.model_.eval()
        return self

    def _refit(self, ratings: np.ndarray, start: dict, rates: list, tracker) -> None:
        """Train again from ``start`` on every rating for the best epoch's count, replaying the search's
        learning rates; kept unless the time budget cuts it short (then the validated weights stay)."""
        left = None if tracker.time_budget is None else tracker.time_budget - tracker.elapsed()
        per_epoch = tracker.elapsed() / max(1, tracker.evaluations)
        if left is not None and per_epoch * len(rates) > left:
            self.training_["refit"] = "skipped: it would not fit in the time budget"
            return
        net = AutoencoderNet(self.model_.cfg)
        net.load_state_dict(start)
        opt = self._optimizer(net)
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        V = torch.from_numpy(ratings)
        users = torch.nonzero((V > 0).any(1)).flatten()
        deadline = None if left is None else training_budget.monotonic() + left
        if self.verbose:
            print(f"Refit: {len(rates)} epochs (the best) on all {int((ratings > 0).sum()):,} ratings", file=sys.stderr)
        self.history_["refit_loss"] = []
        for epoch, lr in enumerate(rates, 1):
            began = training_budget.monotonic()
            self._set_rate(opt, lr)
            self.history_["refit_loss"].append(self._epoch(net, opt, V, users, g))
            now = training_budget.monotonic()
            if deadline is not None and epoch < len(rates) and now + (now - began) > deadline:
                self.training_["refit"] = "cut short by the time budget: the validated weights were kept"
                return
        self.model_ = net
        self.training_.update(refit_epochs=len(rates), refit_examples=int((ratings > 0).sum()),
                              seconds=round(tracker.elapsed(), 2))

    def _optimizer(self, net) -> torch.optim.Adam:
        return torch.optim.Adam(net.parameters(), lr=float(self.learning_rate), weight_decay=float(self.weight_decay))

    @staticmethod
    def _set_rate(opt, lr: float) -> None:
        for group in opt.param_groups:
            group["lr"] = lr

    def _epoch(self, net, opt, V: torch.Tensor, users: torch.Tensor, g: torch.Generator) -> float:
        """One pass over ``users`` in shuffled batches; the training RMSE over the rated entries."""
        net.train()
        bs, total, count = int(self.batch_size), 0.0, 0.0
        order = users[torch.randperm(len(users), generator=g)]
        for s in range(0, len(order), bs):
            v = V[order[s:s + bs]]
            rated = v > 0
            sq = ((net.decode(net.encode(v)) - v) * rated).square().sum()   # output[target == 0] = 0
            loss = sq / rated.sum()                                            # mean over rated entries
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total, count = total + float(sq.detach()), count + float(rated.sum())
        return float(np.sqrt(total / count))

    @torch.no_grad()
    def predict(self, ratings) -> np.ndarray:
        """Predicted ratings for every user and movie: ``(users, movies)``."""
        self._check_fitted()
        V = torch.from_numpy(rating_matrix(ratings, None, self.model_.cfg.input_shape[0]))
        return self.model_(V).numpy()

    @torch.no_grad()
    def evaluate(self, train, test) -> dict:
        """The course's test RMSE (mean over users of the RMSE on their test movies, inputs are the
        training ratings), the pooled test RMSE, and the training RMSE on rated entries."""
        self._check_fitted()
        n_movies = self.model_.cfg.input_shape[0]
        tr = rating_matrix(train, None, n_movies)
        te = rating_matrix(test, None, n_movies)
        n = max(len(tr), len(te))
        tr = np.pad(tr, ((0, n - len(tr)), (0, 0)))
        te = np.pad(te, ((0, n - len(te)), (0, 0)))
        pred = self.model_(torch.from_numpy(tr)).numpy()
        course, pooled = rmse_scores(pred, te)
        return {"test_rmse": course, "test_rmse_global": pooled, "train_rmse": rmse_scores(pred, tr)[1],
                "users": int((te > 0).any(1).sum())}

    def _get_state(self):
        return ({"net": asdict(self.model_.cfg), "history": self.history_,
                 "training": getattr(self, "training_", None)}, dict(self.model_.state_dict()), {})

    def _set_state(self, config, tensors, preprocessing):
        cfg = dict(config["net"])
        cfg["input_shape"], cfg["hidden"] = tuple(cfg["input_shape"]), tuple(cfg["hidden"])
        self.model_ = AutoencoderNet(AutoencoderConfig(**cfg))
        self.model_.load_state_dict(tensors)
        self.model_.eval()
        self.history_ = config.get("history", {})
        if config.get("training"):   # files saved before the adaptive budget have none
            self.training_ = config["training"]
