"""``AutoencoderRecommender``: seed 003's stacked-autoencoder recommender on MovieLens.

Each user is a vector of ratings over all movies (1..5, 0 = not rated). A stacked autoencoder
``movies -> 20 -> 10 -> 20 -> movies`` (sigmoid inside, linear output) learns to reproduce the
ratings a user gave; only rated movies count in the loss (the output at unrated movies is
zeroed before the squared error, as in the course), and predicted ratings for unrated movies
are the recommendations.

Training: mini-batches of 8 users, Adam (lr 1e-3), 100 epochs, loss = mean squared error over
the rated entries. The course trains one user per update with RMSprop(lr 0.01, weight_decay 0.5)
for 200 epochs but never calls ``zero_grad``, so its gradients accumulate over every update
since the start; with zeroed gradients that recipe does not learn (weight decay 0.5 pins the
weights near 0), so seqlab uses the recipe above, which reaches the course's figure (~0.94).

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

from dataclasses import asdict

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.autoencoders import AutoencoderConfig, AutoencoderNet
from seqlab.tasks.base import Task
from seqlab.train.budget import BudgetTracker


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


class AutoencoderRecommender(Task):
    """Stacked-autoencoder recommender (seed 003).

    Args: hidden (20,) and code_size 10 (the course's 20-10-20 stack), weight_decay (Adam's);
    epochs, batch_size, learning_rate, seed, verbose: the shared training arguments
    (``seqlab.tasks.base.TRAINING_ARGUMENTS``); a batch is users, Adam.
    ``fit(train, n_users=None, n_movies=None)`` with rows (user_id, item_id, rating);
    ``predict(ratings) -> (users, movies)`` predicted ratings; ``evaluate(train, test) ->
    {"train_rmse", "test_rmse", "test_rmse_global", "users"}``. Fitted: ``model_``, ``history_``.
    """

    def __init__(self, hidden=(20,), *, code_size: int = 10, epochs: int = 100, batch_size: int = 8,
                 learning_rate: float = 1e-3, weight_decay: float = 0.0, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.hidden, self.code_size, self.epochs, self.learning_rate = hidden, code_size, epochs, learning_rate
        self.batch_size = batch_size
        self.weight_decay, self.seed, self.verbose = weight_decay, seed, verbose
        self.time_budget = time_budget

    def fit(self, train, n_users: int | None = None, n_movies: int | None = None) -> "AutoencoderRecommender":
        if int(self.epochs) < 1 or int(self.batch_size) < 1 or not float(self.learning_rate) > 0:
            raise ConfigError("epochs and batch_size must be >= 1 and learning_rate > 0")
        V = torch.from_numpy(rating_matrix(train, n_users, n_movies))
        cfg = AutoencoderConfig(kind="dense", input_shape=(V.shape[1],), code_size=int(self.code_size),
                                hidden=tuple(int(h) for h in self.hidden), activation="sigmoid",
                                output_activation=None)
        self.model_ = net = AutoencoderNet(cfg, seed=self.seed)
        opt = torch.optim.Adam(net.parameters(), lr=float(self.learning_rate), weight_decay=float(self.weight_decay))
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        users = torch.nonzero((V > 0).any(1)).flatten()
        bs = int(self.batch_size)
        self.history_ = {"loss": []}
        net.train()
        clock = BudgetTracker(time_budget=self.time_budget, adaptive=False)
        clock.start()
        for epoch in range(int(self.epochs)):
            total, count = 0.0, 0.0
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
            self.history_["loss"].append(float(np.sqrt(total / count)))
            if self.verbose:
                print(f"epoch {epoch + 1}: train RMSE {self.history_['loss'][-1]:.4f}")
            if clock.update(None, clock.steps + -(-len(order) // bs)) is not None:
                break
        clock.finish("epochs")
        self.training_ = clock.summary()
        net.eval()
        return self

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
        seen, seen_tr = te > 0, tr > 0
        users = seen.any(1)
        sq = np.where(seen, (pred - te) ** 2, 0.0)
        per_user = np.sqrt(sq[users].sum(1) / seen[users].sum(1))
        return {"test_rmse": float(per_user.mean()), "test_rmse_global": float(np.sqrt(sq.sum() / seen.sum())),
                "train_rmse": float(np.sqrt(np.where(seen_tr, (pred - tr) ** 2, 0).sum() / seen_tr.sum())),
                "users": int(users.sum())}

    def _get_state(self):
        return {"net": asdict(self.model_.cfg), "history": self.history_}, dict(self.model_.state_dict()), {}

    def _set_state(self, config, tensors, preprocessing):
        cfg = dict(config["net"])
        cfg["input_shape"], cfg["hidden"] = tuple(cfg["input_shape"]), tuple(cfg["hidden"])
        self.model_ = AutoencoderNet(AutoencoderConfig(**cfg))
        self.model_.load_state_dict(tensors)
        self.model_.eval()
        self.history_ = config.get("history", {})
