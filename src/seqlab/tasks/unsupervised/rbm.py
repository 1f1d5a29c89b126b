"""``RBM`` and ``DBN`` estimators (seed 003's Boltzmann machines); seed 003's MovieLens recommender
is ``MovieRecommender`` in ``movie_recommender`` (re-exported here), fed by ``ratings_matrix``.

>>> import numpy as np
>>> X = (np.random.default_rng(0).random((64, 6)) > 0.5).astype(float)
>>> RBM(3, epochs=2, batch_size=16, seed=0).fit(X).transform(X).shape
(64, 3)
"""
from __future__ import annotations

import sys
import time

import numpy as np
import torch

from seqlab.data.arrays import numeric_matrix
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.rbm import DeepBeliefNetwork, RestrictedBoltzmannMachine
from seqlab.tasks.base import Task
from seqlab.train.budget import BudgetTracker


def _binary_matrix(X, batch_size: int, visible: str = "bernoulli") -> torch.Tensor:
    arr = numeric_matrix(X)
    observed = arr[arr >= 0]
    if visible == "bernoulli" and observed.size and observed.max() > 1:
        raise DataError("RBM input must be 0/1 or probabilities in [0, 1] (negative = missing); "
                        "binarise or scale the data first")
    if len(arr) < int(batch_size):
        raise DataError(f"{len(arr)} rows is fewer than batch_size={batch_size}; lower batch_size")
    return torch.from_numpy(arr.astype(np.float32))


class RBM(Task):
    """Bernoulli RBM trained with CD-k or persistent CD.

    Args: n_hidden; k: Gibbs steps per update; persistent: PCD; momentum and weight_decay (L2 on
    W), both 0 in the seed; visible: "bernoulli" (0/1 or probabilities, negatives missing) or
    "gaussian" (standardised real values, unit variance; no missing entries); epochs, batch_size,
    learning_rate, seed, verbose: the shared training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``);
    ``learning_rate`` is per sample (the seed's summed update is learning_rate = batch_size).
    ``fit(X (n, n_visible) of 0/1, negatives missing)``; ``transform`` -> p(h|v) ``(n, n_hidden)``;
    ``predict`` -> p(v|h(v)) reconstruction; ``sample(n, gibbs_steps)``; ``evaluate`` ->
    ``{"reconstruction_error", "free_energy"}``. Fitted: ``model_``, ``history_`` (per epoch: the
    seed's training ``loss`` and the mean ``free_energy`` of the training rows).
    ``RBM.from_weights(W, hidden_bias, visible_bias)`` builds a fitted one from given weights.

    >>> rbm = RBM.from_weights([[0.1, 0.2]], [0.0, 0.0], [0.0])
    >>> rbm.hidden_probs(np.array([[1.0]])).round(3)
    array([[0.525, 0.55 ]], dtype=float32)
    """

    def __init__(self, n_hidden: int = 100, *, k: int = 1, learning_rate: float = 0.1, epochs: int = 10,
                 batch_size: int = 100, persistent: bool = False, seed: int | None = None,
                 momentum: float = 0.0, weight_decay: float = 0.0, visible: str = "bernoulli", verbose: int = 0,
                 time_budget=None):
        self.n_hidden, self.k, self.learning_rate = n_hidden, k, learning_rate
        self.epochs, self.batch_size, self.persistent, self.seed = epochs, batch_size, persistent, seed
        self.momentum, self.weight_decay, self.visible, self.verbose = momentum, weight_decay, visible, verbose
        self.time_budget = time_budget

    @classmethod
    def from_weights(cls, W, hidden_bias, visible_bias) -> "RBM":
        obj = cls(np.asarray(W).shape[-1])
        obj.model_ = RestrictedBoltzmannMachine.from_weights(W, hidden_bias, visible_bias)
        obj.history_ = {"loss": []}
        return obj

    def fit(self, X, y=None) -> "RBM":
        """Train on ``X``; ``y`` is ignored. Returns self."""
        if int(self.batch_size) < 1 or int(self.k) < 1 or int(self.epochs) < 1:
            raise ConfigError("batch_size, k and epochs must be >= 1")
        if not float(self.learning_rate) > 0:
            raise ConfigError(f"learning_rate must be > 0, got {self.learning_rate}")
        if not 0 <= float(self.momentum) < 1 or float(self.weight_decay) < 0:
            raise ConfigError(f"momentum must be in [0, 1) and weight_decay >= 0, got {self.momentum} "
                              f"and {self.weight_decay}")
        V = _binary_matrix(X, self.batch_size, self.visible)
        self.model_ = RestrictedBoltzmannMachine(V.shape[1], int(self.n_hidden), seed=self.seed, visible=self.visible)
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        self.history_ = {"loss": [], "free_energy": []}
        bs = int(self.batch_size)
        observed = V if self.visible == "gaussian" else torch.where(V < 0, 0.0, V)  # missing count as 0 in F(v)
        start = time.perf_counter()
        clock = BudgetTracker(time_budget=self.time_budget, adaptive=False)
        clock.start()
        for epoch in range(int(self.epochs)):
            order = torch.randperm(len(V), generator=g)
            losses = [self.model_.contrastive_divergence(V[order[s:s + bs]], int(self.k), self.learning_rate,
                                                         self.persistent, g, self.momentum, self.weight_decay)
                      for s in range(0, len(V) - bs + 1, bs)]
            self.history_["loss"].append(float(np.mean(losses)))
            self.history_["free_energy"].append(float(self.model_.free_energy(observed).mean()))
            if self.verbose:
                print(f"Epoch {epoch + 1}/{self.epochs} - {time.perf_counter() - start:.1f}s - loss: "
                      f"{self.history_['loss'][-1]:.4f} - free_energy: {self.history_['free_energy'][-1]:.3f}",
                      file=sys.stderr)
            if clock.update(None, clock.steps + len(losses)) is not None:
                break
        clock.finish("epochs")
        self.training_ = clock.summary()
        return self

    def hidden_probs(self, v) -> np.ndarray:
        self._check_fitted()
        return self.model_.hidden_probs(torch.as_tensor(np.asarray(v, dtype=np.float32))).numpy()

    def visible_probs(self, h) -> np.ndarray:
        self._check_fitted()
        return self.model_.visible_probs(torch.as_tensor(np.asarray(h, dtype=np.float32))).numpy()

    def transform(self, X) -> np.ndarray:
        return self.hidden_probs(numeric_matrix(X))

    def predict(self, X) -> np.ndarray:
        return self.visible_probs(self.transform(X))

    def free_energy(self, X) -> np.ndarray:
        self._check_fitted()
        return self.model_.free_energy(torch.from_numpy(numeric_matrix(X).astype(np.float32))).numpy()

    def sample(self, n: int, gibbs_steps: int = 100, seed: int | None = None) -> np.ndarray:
        """``n`` visible samples from a chain started at random 0/1 states: ``(n, n_visible)``."""
        self._check_fitted()
        g = torch.Generator().manual_seed(0 if seed is None else int(seed))
        v = torch.bernoulli(torch.full((int(n), self.model_.n_visible), 0.5), generator=g)
        return self.model_.gibbs(v, gibbs_steps, g).numpy()

    def evaluate(self, X) -> dict:
        V = numeric_matrix(X)
        recon = self.predict(V)
        seen = V >= 0
        return {"reconstruction_error": float(np.abs(V[seen] - recon[seen]).mean()),
                "free_energy": float(self.free_energy(np.where(seen, V, 0)).mean())}

    def _get_state(self):
        m = self.model_
        return ({"history": self.history_},
                {"W": m.W, "hidden_bias": m.hidden_bias, "visible_bias": m.visible_bias}, {})

    def _set_state(self, config, tensors, preprocessing):
        self.model_ = RestrictedBoltzmannMachine.from_weights(tensors["W"], tensors["hidden_bias"],
                                                              tensors["visible_bias"], self.visible)
        self.history_ = config.get("history", {"loss": []})


class DBN(Task):
    """Deep belief network: RBMs trained greedily, each on the hidden probabilities of the last.

    Args: hidden_layers (sizes), and RBM's k, persistent, and the shared training arguments
    epochs, batch_size, learning_rate, seed (``seqlab.tasks.base.TRAINING_ARGUMENTS``);
    fine_tune_epochs: epochs of wake-sleep fine-tuning after the greedy stack (0: none), which
    unties the directed layers' generative weights. ``sample(n)`` generates from the top RBM down.
    ``transform`` -> top-layer probabilities; ``predict`` -> reconstruction; ``encoder_weights()`` /
    ``decoder_weights()`` -> Dense-layout ``[(kernel (in, out), bias)]`` for a deep autoencoder.

    >>> import numpy as np
    >>> X = (np.random.default_rng(0).random((40, 8)) > 0.5).astype(float)
    >>> [k.shape for k, _ in DBN([4, 2], epochs=1, batch_size=10).fit(X).encoder_weights()]
    [(8, 4), (4, 2)]
    """

    def __init__(self, hidden_layers=(64, 32), *, k: int = 1, learning_rate: float = 0.1, epochs: int = 10,
                 batch_size: int = 100, persistent: bool = False, seed: int | None = None,
                 fine_tune_epochs: int = 0, time_budget=None):
        self.hidden_layers, self.k, self.learning_rate = hidden_layers, k, learning_rate
        self.epochs, self.batch_size, self.persistent, self.seed = epochs, batch_size, persistent, seed
        self.fine_tune_epochs, self.time_budget = fine_tune_epochs, time_budget

    def fit(self, X, y=None) -> "DBN":
        V = _binary_matrix(X, self.batch_size)
        sizes = [V.shape[1], *[int(h) for h in self.hidden_layers]]
        self.model_ = DeepBeliefNetwork(sizes, seed=self.seed)
        self.history_ = {}
        layer_input = V
        clock = BudgetTracker(time_budget=self.time_budget, adaptive=False)   # shared by the layers
        clock.start()
        for n, rbm in enumerate(self.model_.rbms):
            left = None if clock.time_budget is None else max(clock.time_budget - clock.elapsed(), 1e-3)
            step = RBM(rbm.n_hidden, k=self.k, learning_rate=self.learning_rate, epochs=self.epochs,
                       batch_size=self.batch_size, persistent=self.persistent,
                       seed=None if self.seed is None else int(self.seed) + n, time_budget=left)
            step.fit(layer_input.numpy())
            rbm.load_state_dict(step.model_.state_dict())
            self.history_[f"rbm_{n}_loss"] = step.history_["loss"]
            layer_input = rbm.hidden_probs(layer_input)          # the next RBM learns these
            self.training_ = {**step.training_, "layer": n + 1, "layers": len(self.model_.rbms)}
        if int(self.fine_tune_epochs or 0) > 0:
            self.history_["wake_sleep_error"] = self.model_.wake_sleep(
                V, int(self.fine_tune_epochs), int(self.batch_size), float(self.learning_rate) / 10, self.k, self.seed)
        return self

    def sample(self, n: int, gibbs_steps: int = 200, seed: int | None = None) -> np.ndarray:
        """``n`` generated visible vectors (probabilities), top RBM chain then down: ``(n, n_visible)``."""
        self._check_fitted()
        return self.model_.sample(n, gibbs_steps, seed).numpy()

    def transform(self, X) -> np.ndarray:
        self._check_fitted()
        return self.model_.transform(torch.from_numpy(numeric_matrix(X).astype(np.float32))).numpy()

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        return self.model_.reconstruct(torch.from_numpy(numeric_matrix(X).astype(np.float32))).numpy()

    def evaluate(self, X) -> dict:
        V = numeric_matrix(X)
        return {"reconstruction_error": float(np.abs(V - self.predict(V)).mean())}

    def encoder_weights(self):
        self._check_fitted()
        return self.model_.encoder_weights()

    def decoder_weights(self):
        self._check_fitted()
        return self.model_.decoder_weights()

    def _get_state(self):
        return {"history": self.history_}, dict(self.model_.state_dict()), {}

    def _set_state(self, config, tensors, preprocessing):
        sizes = [tensors["rbms.0.W"].shape[0], *[int(h) for h in self.hidden_layers]]
        self.model_ = DeepBeliefNetwork(sizes)
        if any(name.startswith("gen_W") for name in tensors):
            self.model_.untie()
        self.model_.load_state_dict(tensors)
        self.history_ = config.get("history", {})


def majority_reconstruction_error(X) -> float:
    """The baseline of ``RBM.evaluate``'s reconstruction error: every unit predicted as its most
    common value (0 or 1; the best constant for a mean absolute error), over the seen cells.

    >>> majority_reconstruction_error([[1, 0], [1, 1], [0, 0]])
    0.3333333333333333
    """
    V = numeric_matrix(X)
    seen = V >= 0
    ones = np.where(seen, V, 0).sum(0) / np.maximum(seen.sum(0), 1)
    pred = np.broadcast_to((ones > 0.5).astype(float), V.shape)
    return float(np.abs(V[seen] - pred[seen]).mean())


def ratings_matrix(train, test, n_users: int | None = None, n_movies: int | None = None):
    """Seed 003's MovieLens matrices: users x movies, 1 = liked (rating >= 3), 0 = not (1 or 2),
    -1 = not rated. ``train``/``test``: DataFrames or arrays with columns user_id, item_id, rating."""
    tr, te = np.asarray(train)[:, :3].astype(int), np.asarray(test)[:, :3].astype(int)
    n_users = n_users or int(max(tr[:, 0].max(), te[:, 0].max()))
    n_movies = n_movies or int(max(tr[:, 1].max(), te[:, 1].max()))
    out = []
    for d in (tr, te):
        m = np.full((n_users, n_movies), -1.0, dtype=np.float32)
        m[d[:, 0] - 1, d[:, 1] - 1] = (d[:, 2] >= 3).astype(np.float32)
        out.append(m)
    return out[0], out[1]


from seqlab.tasks.unsupervised.movie_recommender import MovieRecommender  # noqa: E402  (the old import path)

__all__ = ["RBM", "DBN", "MovieRecommender", "majority_reconstruction_error", "ratings_matrix"]
