"""``AnomalyDetector``: reconstruction error of an autoencoder as the anomaly score (seed 000: "an
autoencoder trained on normal data can reconstruct it accurately; anomalous data gives a higher
reconstruction error").

With ``model="rbm"`` the score is an RBM's free energy F(v) instead (seed 003's energy view:
improbable inputs have high energy), from an RBM with Gaussian visible units of unit variance on
the standardised features (a Bernoulli RBM would need 0/1 inputs).

Two modes:

- tables (``window=None``): one score per row, the mean squared reconstruction error over the
  row's standardised features.
- time series (``window=w``): the series ``(steps, features)`` is cut into every window of ``w``
  steps (stride 1); each window is reconstructed, and the score of a time step is the mean
  squared error at that step over all windows that contain it, so scores map back to time steps.

The threshold is the ``1 - contamination`` quantile of the training scores (or
``threshold_quantile`` if given); ``predict`` flags scores above it as 1.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(200, 4))
>>> det = AnomalyDetector("dense", epochs=2, batch_size=32, seed=0).fit(X)
>>> det.score_samples(X).shape, int(det.predict(X).sum()) > 0
((200,), True)
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.data.arrays import numeric_samples
from seqlab.data.scalers import StandardScaler
from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.base import Task
from seqlab.tasks.unsupervised.autoencoder import VAE, Autoencoder
from seqlab.tasks.unsupervised.rbm import RBM

MODELS = ("dense", "lstm", "vae", "rbm")
RBM_EPOCHS = 50  # when epochs is None: CD-1 has no validation score to stop on


SERIES_WINDOW = 32          # steps per window of a series without a seasonal cycle
MAX_SEASON_WINDOW = 1024    # a longer cycle (a week of minutes) is not one window: SERIES_WINDOW instead


def series_window(values, freq: str | None = None) -> tuple[int, int]:
    """``(window, season)``: the steps per window for scoring series ``values`` ``(steps,)`` or
    ``(steps, features)``, and its seasonal period (``seqlab.data.series.infer_season``, from the first
    column; ``freq``: the time step, which names the calendar's cycles). A window of whole cycles, the fewest
    that span ``SERIES_WINDOW`` steps, so that a normal cycle is one shape the autoencoder learns (a day of
    5-minute readings: 288 steps); ``SERIES_WINDOW`` for a series without a cycle, or whose cycle is longer
    than ``MAX_SEASON_WINDOW`` or a quarter of its steps.

    >>> t = np.arange(4032)
    >>> series_window(np.sin(2 * np.pi * t / 288), "5min"), series_window(np.sin(2 * np.pi * t / 12))
    ((288, 288), (36, 12))
    >>> series_window(np.random.default_rng(0).normal(size=500))
    (32, 1)
    """
    from seqlab.data.series import infer_season

    values = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    season = infer_season(values[:, 0], freq)
    if season < 2 or season > min(MAX_SEASON_WINDOW, len(values) // 4):
        return SERIES_WINDOW, season
    return season * -(-SERIES_WINDOW // season), season


def sliding_windows(values: np.ndarray, window: int) -> np.ndarray:
    """Every window of ``window`` steps, stride 1: ``(steps, features) -> (steps - window + 1, window, features)``
    (a read-only view)."""
    return np.lib.stride_tricks.sliding_window_view(values, window, axis=0).transpose(0, 2, 1)


def steps_from_windows(per_window_step: np.ndarray, n_steps: int) -> np.ndarray:
    """Mean over the windows covering each time step: ``(n_windows, window) -> (n_steps,)``."""
    n_win, w = per_window_step.shape
    total, count = np.zeros(n_steps), np.zeros(n_steps)
    for k in range(w):
        total[k:k + n_win] += per_window_step[:, k]
        count[k:k + n_win] += 1
    return total / count


def check_anomaly_labels(y) -> None:
    """DataError unless the labels ``y`` are 0 (normal) and 1 (anomaly), both present (ROC-AUC needs both).

    >>> check_anomaly_labels([0, 1, 0])
    """
    classes = set(np.unique(np.asarray(y)).tolist())
    if not classes <= {0, 1, True, False} or len(classes) < 2:
        raise DataError(f"labels must be 0 (normal) and 1 (anomaly), both present; got {sorted(classes)}")


def isolation_forest_scores(X, window: int | None = None, seed: int | None = 0) -> np.ndarray:
    """The strong baseline of ``seqlab detect``: scikit-learn's ``IsolationForest`` (default settings)
    on the same standardised inputs as the autoencoder, as anomaly scores (higher = more anomalous:
    minus ``score_samples``).

    Takes a table ``(rows, features)`` and, for a series, ``window``: every window of that many steps
    (flattened) is one sample and a step's score is the mean over the windows holding it, as
    ``AnomalyDetector`` maps its reconstruction errors. Returns ``(rows,)`` or ``(steps,)``.

    >>> X = np.r_[np.zeros((50, 2)), [[8.0, 8.0]]] + np.random.default_rng(0).normal(0, 0.1, (51, 2))
    >>> int(np.argmax(isolation_forest_scores(X)))
    50
    """
    from sklearn.ensemble import IsolationForest

    arr = numeric_samples(X)
    values = StandardScaler().fit(arr).transform(arr)
    if window is not None:
        values = sliding_windows(values, int(window)).reshape(len(values) - int(window) + 1, -1)
    scores = -IsolationForest(random_state=seed).fit(values).score_samples(values)
    if window is None:
        return scores
    return steps_from_windows(np.repeat(scores[:, None], int(window), axis=1), len(arr))


class AnomalyDetector(Task):
    """Autoencoder anomaly detector for tables and time series.

    Args:
        model: "dense" | "lstm" (needs ``window``) | "vae" | "rbm" (free-energy score).
        window: None for tables; a number of steps for a time series.
        contamination: expected fraction of anomalies in (0, 0.5]; the threshold is the
            ``1 - contamination`` quantile of the training scores.
        threshold_quantile: overrides contamination with this quantile in (0, 1) of training scores.
        code_size (None: a quarter of the inputs, at least 2), hidden: the autoencoder's sizes.
        epochs, batch_size, learning_rate, time_budget, seed, verbose: the shared training arguments
            (``seqlab.tasks.base.TRAINING_ARGUMENTS``), handed to the autoencoder. ``epochs=None``
            (the default) is the adaptive budget on the reconstruction loss of the last 20% of the
            rows or windows (in time order for a series); the RBM, which has no such score, trains
            ``RBM_EPOCHS``.

    ``fit(X)`` (labels are not used); ``score_samples(X) -> (n,)`` per row or per time step;
    ``predict(X) -> (n,)`` 0/1 flags; ``evaluate(X, y) -> {"roc_auc", "pr_auc", "precision",
    "recall", "f1", "threshold", "flagged"}`` with ``y`` 1 = anomaly.
    Fitted: ``scaler_``, ``model_`` (an ``Autoencoder`` or ``VAE``), ``threshold_``, ``train_scores_``.
    """

    def __init__(self, model: str = "dense", *, window: int | None = None, contamination: float = 0.05,
                 threshold_quantile: float | None = None, code_size: int | None = None, hidden=(),
                 epochs: int | None = None, batch_size: int = 32, learning_rate: float | None = None,
                 seed: int | None = None, verbose: int = 0, time_budget=None):
        self.model, self.window, self.contamination = model, window, contamination
        self.threshold_quantile, self.code_size, self.hidden = threshold_quantile, code_size, hidden
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def _check(self) -> None:
        if self.model not in MODELS:
            raise ConfigError(f"model must be one of {MODELS}, got {self.model!r}")
        c = self.contamination
        if not isinstance(c, (int, float)) or not 0.0 < float(c) <= 0.5:
            raise ConfigError(f"contamination must be in (0, 0.5], got {c!r}")
        q = self.threshold_quantile
        if q is not None and not 0.0 < float(q) < 1.0:
            raise ConfigError(f"threshold_quantile must be in (0, 1), got {q!r}")
        if self.window is not None and int(self.window) < 2:
            raise ConfigError(f"window must be >= 2 steps, got {self.window}")
        if self.model == "lstm" and self.window is None:
            raise ConfigError("model='lstm' reads windows of a series; give window=N (e.g. --window 24)")

    def _samples(self, X) -> tuple[np.ndarray, int]:
        """Scaled model inputs and the number of rows/steps they score."""
        arr = numeric_samples(X)
        if arr.ndim != 2:
            raise DataError(f"give a table (rows, features), got shape {arr.shape}")
        values = self.scaler_.transform(arr).astype(np.float32)
        if self.window is None:
            return values, len(values)
        w = int(self.window)
        if len(values) < w:
            raise DataError(f"the series has {len(values)} steps, fewer than window={w}")
        win = np.ascontiguousarray(sliding_windows(values, w))
        return (win if self.model == "lstm" else win.reshape(len(win), -1)), len(values)

    def fit(self, X, y=None) -> "AnomalyDetector":
        """Train the autoencoder on ``X`` and set the threshold from its training scores. Returns self."""
        self._check()
        arr = numeric_samples(X)
        if arr.ndim != 2:
            raise DataError(f"give a table (rows, features), got shape {arr.shape}")
        self.scaler_ = StandardScaler().fit(arr)
        samples, _ = self._samples(arr)
        if len(samples) < int(self.batch_size):
            raise DataError(f"{len(samples)} training {'windows' if self.window else 'rows'} is fewer than "
                            f"batch_size={self.batch_size}; give more data or lower batch_size")
        n_in = int(np.prod(samples.shape[1:]))
        code = int(self.code_size) if self.code_size else max(2, n_in // 4)
        common = dict(epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
                      seed=self.seed, verbose=self.verbose, scale=None, time_budget=self.time_budget)
        if self.model == "rbm":
            self.model_ = RBM(code, epochs=int(self.epochs or RBM_EPOCHS), batch_size=self.batch_size,
                              learning_rate=self.learning_rate or 0.01, seed=self.seed, visible="gaussian",
                              time_budget=self.time_budget)
        elif self.model == "vae":
            self.model_ = VAE(code, hidden=tuple(self.hidden) or (max(2 * code, 8),), output_activation=None,
                              **common)
        else:
            self.model_ = Autoencoder("lstm" if self.model == "lstm" else "dense", code_size=code,
                                      hidden=tuple(self.hidden), output_activation=None, **common)
        self.model_.fit(samples)
        self.training_ = self.model_.training_
        self.train_scores_ = self._score(samples, len(arr))
        q = self.threshold_quantile if self.threshold_quantile is not None else 1.0 - float(self.contamination)
        self.threshold_ = float(np.quantile(self.train_scores_, q))
        return self

    @torch.no_grad()
    def _score(self, samples: np.ndarray, n: int) -> np.ndarray:
        if self.model == "rbm":
            energy = self.model_.free_energy(samples)
            if self.window is None:
                return energy
            return steps_from_windows(np.repeat(energy[:, None], int(self.window), axis=1), n)
        net = self.model_.model_
        net.eval()
        x = torch.from_numpy(samples)
        sq = (net(x) - x).square().numpy()
        if self.window is None:
            return sq.mean(1)
        per_step = sq.reshape(len(sq), int(self.window), -1).mean(-1)     # (windows, window)
        return steps_from_windows(per_step, n)

    def score_samples(self, X) -> np.ndarray:
        """Anomaly score (mean squared reconstruction error): ``(rows,)`` or ``(steps,)``."""
        self._check_fitted()
        samples, n = self._samples(X)
        return self._score(samples, n)

    def predict(self, X) -> np.ndarray:
        """1 where the score is above ``threshold_``, else 0: ``(rows,)`` or ``(steps,)``."""
        return (self.score_samples(X) > self.threshold_).astype(np.int64)

    def evaluate(self, X, y) -> dict:
        """Ranking quality of the scores against labels ``y`` (1 = anomaly) and the flags' precision/recall."""
        from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

        scores = self.score_samples(X)
        y = np.asarray(y).reshape(-1)
        if len(y) != len(scores):
            raise DataError(f"{len(y)} labels for {len(scores)} scored {'steps' if self.window else 'rows'}")
        check_anomaly_labels(y)
        flags = (scores > self.threshold_).astype(int)
        return {"roc_auc": float(roc_auc_score(y, scores)), "pr_auc": float(average_precision_score(y, scores)),
                "precision": float(precision_score(y, flags, zero_division=0)),
                "recall": float(recall_score(y, flags, zero_division=0)),
                "f1": float(f1_score(y, flags, zero_division=0)), "threshold": self.threshold_,
                "flagged": int(flags.sum()), "anomaly_rate": float(np.mean(y))}

    def _get_state(self):
        config, tensors, pre = self.model_._get_state()
        return ({"inner": type(self.model_).__name__, "inner_params": self.model_.get_params(), "inner_config": config,
                 "threshold": self.threshold_, "train_scores": self.train_scores_.tolist()},
                tensors, {"scaler": self.scaler_.to_dict(), "inner": pre})

    def _set_state(self, config, tensors, preprocessing):
        klass = {"Autoencoder": Autoencoder, "VAE": VAE, "RBM": RBM}[config["inner"]]
        inner = klass.from_params(config["inner_params"])    # saved by earlier releases with lr=...
        inner._set_state(config["inner_config"], tensors, preprocessing["inner"])
        self.model_ = inner
        self.scaler_ = StandardScaler.from_dict(preprocessing["scaler"])
        self.threshold_ = float(config["threshold"])
        self.train_scores_ = np.asarray(config["train_scores"])
