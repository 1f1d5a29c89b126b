"""``TabularRegressor``: seed 003's churn pipeline (drop columns, encode text columns, standardise)
with a numeric target: the same multilayer perceptron ending in ``Dense(1)``, mean squared error on
the standardised target.

It lives with ``TabularClassifier``, whose table pipeline it shares. ``evaluate`` reports MAE,
RMSE and R^2 beside the baseline that predicts the training mean, computed in the same call, and
says whether the model beat it.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(200, 3)); y = X @ [1.0, -2.0, 0.5] + 3
>>> reg = TabularRegressor((8,), epochs=30, seed=0).fit(X, y)
>>> reg.evaluate(X, y)["beats_baseline"]
True
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.core import Dense
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Regressor
from seqlab.tasks.classification.classifier import ADAPTIVE_VALIDATION, SMALL_SET_BELOW
from seqlab.tasks.classification.tabular import TabularClassifier, _units
from seqlab.tasks.sequential import Sequential
from seqlab.train import Trainer
from seqlab.train.batching import predict_in_batches
from seqlab.train.budget import budget_callback
from seqlab.train.callbacks import EarlyStopping


def regression_metrics(y_true, y_pred) -> dict:
    """``{"mae", "rmse", "r2"}`` of predictions against a numeric target.

    >>> regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])["mae"]
    0.3333333333333333
    """
    y_true, y_pred = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    error = y_pred - y_true
    total = float(((y_true - y_true.mean()) ** 2).sum())
    return {"mae": float(np.abs(error).mean()), "rmse": float(np.sqrt((error ** 2).mean())),
            "r2": float(1 - (error ** 2).sum() / total) if total > 0 else float("nan")}


class TabularRegressor(Regressor, TabularClassifier):
    """A multilayer perceptron on a table of mixed numeric and text columns, numeric target.

    Args: as ``TabularClassifier`` (units, activation, dropout, drop, label_encode, one_hot,
    max_categories, and the shared training arguments); ``validation_split`` holds out the last rows
    and stops early on their loss.

    ``fit(X, y)`` with ``y`` numbers; ``predict(X) -> (n,)`` in the target's units;
    ``evaluate(X, y) -> {"mae", "rmse", "r2", "baseline": {...}, "beats_baseline"}``; ``score(X, y)``: R^2.
    """

    def fit(self, X, y, validation_data=None) -> "TabularRegressor":
        """Fit the table pipeline and the target's standardisation on ``X``, ``y``; train; returns self."""
        units = _units(self.units)
        if not units or min(units) < 1:
            raise ConfigError(f"units must be one or more positive layer sizes, got {self.units!r}")
        df = self._frame(X, fitting=True)
        target = self._target(y, len(df))
        self._fit_pipeline(df)
        self.target_ = {"mean": float(target.mean()), "scale": float(target.std()) or 1.0,
                        "train_mean": float(target.mean())}
        val, x, scaled = None, self.transform(df), self._scaled(target)
        adaptive = self.epochs is None
        if validation_data is not None:
            val = (self.transform(validation_data[0]), self._scaled(self._target(validation_data[1])))
        elif adaptive and not self.validation_split and len(df) >= SMALL_SET_BELOW:
            held = np.random.default_rng(self.seed).permutation(len(df))[:int(len(df) * ADAPTIVE_VALIDATION)]
            kept = np.setdiff1d(np.arange(len(df)), held)
            x, scaled, val = x[kept], scaled[kept], (x[held], scaled[held])
        callbacks = []
        if not adaptive and (val is not None or self.validation_split > 0):
            callbacks.append(EarlyStopping(monitor="val_loss", patience=self.patience, restore_best_weights=True))
        budget = budget_callback(self.epochs, patience=self.patience, time_budget=self.time_budget)
        held_out = 0.0 if val is not None else self.validation_split
        with seeded(self.seed):
            self.model_ = self._build_model()
            trainer = Trainer(self.model_, loss="mse", optimizer="adam", lr=self.learning_rate, seed=self.seed)
            history = trainer.fit(x, scaled, epochs=budget.fit_epochs(self.epochs, len(x), self.batch_size, held_out),
                                  batch_size=self.batch_size, validation_data=val, validation_split=held_out,
                                  callbacks=[*callbacks, budget], verbose=self.verbose)
        self.training_ = budget.summary()
        self.history_ = history.as_dict()
        self.model_.eval()
        return self

    @staticmethod
    def _target(y, n: int | None = None) -> np.ndarray:
        try:
            target = np.asarray(y, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise DataError("a regression target must be numbers") from None
        if n is not None and len(target) != n:
            raise DataError(f"X has {n} rows but y has {len(target)} values")
        if not np.isfinite(target).all():
            raise DataError("the target has missing or infinite values; fill or drop those rows")
        return target

    def _scaled(self, target: np.ndarray) -> np.ndarray:
        return ((target - self.target_["mean"]) / self.target_["scale"]).astype(np.float32)[:, None]

    def _build_model(self) -> Sequential:
        return Sequential([*self._hidden_layers(), Dense(1)], input_shape=self._input_shape(), seed=self.seed)

    def predict(self, X) -> np.ndarray:
        """Predicted targets ``(n,)`` in the units of ``y``."""
        self._check_fitted()
        out = predict_in_batches(self.model_, self.transform(X), 256, dtype=np.float32).double().numpy()[:, 0]
        return out * self.target_["scale"] + self.target_["mean"]

    def predict_proba(self, X) -> np.ndarray:
        raise ConfigError("a regressor gives numbers, not class probabilities; use predict")

    def evaluate(self, X, y) -> dict:
        """MAE, RMSE, R^2 of ``predict(X)`` against ``y``, beside predicting the training mean."""
        target = self._target(y)
        out = regression_metrics(target, self.predict(X))
        out["baseline"] = {"name": "training mean",
                           **regression_metrics(target, np.full(len(target), self.target_["train_mean"]))}
        out["beats_baseline"] = bool(out["mae"] < out["baseline"]["mae"])
        return out

    def _get_state(self):
        tensors = {k: v.detach().cpu().contiguous() for k, v in self.model_.state_dict().items()}
        config = {"target": self.target_, "model": self.model_.get_config()}
        return config, tensors, {"history": self.history_, **self._preprocessing_state()}

    def _set_state(self, config, tensors, preprocessing):
        self.target_ = dict(config["target"])
        self._restore_preprocessing(preprocessing)
        self.model_ = self._build_model()
        self.model_.load_state_dict({k: torch.as_tensor(v) for k, v in tensors.items()}, strict=True)
        self.model_.eval()
        self.history_ = preprocessing.get("history", {})
