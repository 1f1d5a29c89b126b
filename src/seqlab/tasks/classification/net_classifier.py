"""What the Keras-style classifiers of seed 003 share (``TabularClassifier``, ``ImageClassifier``):
labels to class indices, a ``seqlab.Sequential`` ending in ``Dense(1, sigmoid)`` with binary
cross-entropy for two classes or ``Dense(k, softmax)`` with sparse categorical cross-entropy for
more, training through ``seqlab.train.Trainer``, and the saved state.

``evaluate`` reports the seed's Keras metrics, ``accuracy``, ``precision``, ``recall``, ``auc``
and ``mae`` (two classes: of the second class in ``classes_``, the "positive" one; more: macro
averages and the mean absolute error of the one-hot probabilities), plus the full
``classification_metrics`` (per-class scores, confusion matrix).
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.core import Dense
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Task
from seqlab.tasks.classification.labels import (
    ClassLabels,
    classes_from_json,
    classes_to_json,
)
from seqlab.tasks.classification.metrics import classification_metrics
from seqlab.tasks.sequential import Sequential
from seqlab.train import Trainer
from seqlab.train.batching import predict_in_batches
from seqlab.train.budget import budget_callback
from seqlab.train.callbacks import EarlyStopping, LearningRateScheduler
from seqlab.train.schedules import cosine_decay

LR_SCHEDULES = (None, "cosine")


class NetClassifier(ClassLabels, Task):
    """Base: subclasses set the constructor parameters (``epochs``, ``batch_size``, ``learning_rate``,
    ``learning_rate_schedule``, ``validation_split``, ``patience``, ``seed``, ``verbose``) and implement
    ``_hidden_layers()`` (the layers before the output) and ``_input_shape()``.

    ``learning_rate_schedule="cosine"`` anneals the learning rate from ``learning_rate`` to 0 over
    ``epochs`` (Keras's ``CosineDecay`` per epoch, ``seqlab.train.schedules.cosine_decay``); None
    keeps it constant.

    ``epochs=None`` is the adaptive budget (``seqlab.train.budget``, patience ``patience``): on the
    validation loss when there is validation data (``validation_data`` or ``validation_split``),
    else on the training loss, as ``SequenceClassifier`` does below 500 training series."""

    @property
    def _binary(self) -> bool:
        return len(self.classes_) == 2

    # ----- the network -------------------------------------------------------------------------
    def _build_model(self) -> Sequential:
        out = Dense(1, activation="sigmoid") if self._binary else Dense(len(self.classes_), activation="softmax")
        return Sequential([*self._hidden_layers(), out], input_shape=self._input_shape(), seed=self.seed)

    def _train(self, x, y_idx: np.ndarray, validation_data=None) -> None:
        schedule = self.learning_rate_schedule
        if schedule not in LR_SCHEDULES:
            raise ConfigError(f"learning_rate_schedule must be one of {LR_SCHEDULES}, got {schedule!r}")
        binary = self._binary
        target = (lambda v: v.astype(np.float32)[:, None]) if binary else (lambda v: v)
        if validation_data is not None:
            validation_data = (validation_data[0], target(validation_data[1]))
        adaptive = self.epochs is None
        if adaptive and schedule == "cosine":
            raise ConfigError("learning_rate_schedule='cosine' anneals over a number of epochs; give epochs=N")
        callbacks = []
        if not adaptive and (validation_data is not None or self.validation_split > 0):
            callbacks.append(EarlyStopping(monitor="val_loss", patience=self.patience, restore_best_weights=True))
        if schedule == "cosine":
            callbacks.append(LearningRateScheduler(cosine_decay(self.learning_rate or 0.001, self.epochs)))
        budget = budget_callback(self.epochs, patience=self.patience, time_budget=getattr(self, "time_budget", None))
        callbacks.append(budget)
        epochs = budget.fit_epochs(self.epochs, len(y_idx), self.batch_size,
                                   0.0 if validation_data is not None else self.validation_split)
        with seeded(self.seed):
            self.model_ = self._build_model()
            trainer = Trainer(self.model_, loss="binary_crossentropy" if binary else "sparse_categorical_crossentropy",
                              optimizer="adam", metrics=("accuracy",), lr=self.learning_rate, seed=self.seed)
            history = trainer.fit(x, target(y_idx), epochs=epochs, batch_size=self.batch_size,
                                  validation_split=0.0 if validation_data is not None else self.validation_split,
                                  validation_data=validation_data, callbacks=callbacks, verbose=self.verbose)
        self.history_ = history.as_dict()
        self.training_ = budget.summary()
        self.model_.eval()

    def _proba(self, x, batch_size: int = 256) -> np.ndarray:
        """``(n, n_classes)`` probabilities for network inputs ``x`` (indexable by slices)."""
        p = predict_in_batches(self.model_, x, batch_size, dtype=np.float32).double().numpy()
        return np.concatenate([1 - p, p], axis=1) if self._binary else p

    # ----- results -----------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n, n_classes)``, columns in ``classes_`` order."""
        self._check_fitted()
        return self._proba(self._inputs(X))

    def predict(self, X) -> np.ndarray:
        """Predicted labels ``(n,)`` from ``classes_``, of the type the training labels had (two
        classes: probability >= 0.5)."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def evaluate(self, X, y) -> dict:
        """The seed's Keras metrics and ``classification_metrics`` of ``predict(X)`` against ``y``."""
        proba = self.predict_proba(X)
        y_idx = self._label_index(y)
        pred_idx = proba.argmax(axis=1)
        out = classification_metrics(y_idx, pred_idx, list(range(len(self.classes_))), proba)
        out["labels"] = [str(c) for c in self.classes_.tolist()]
        out["per_class"] = {str(c): v for c, v in zip(self.classes_.tolist(), out["per_class"].values())}
        onehot = np.eye(len(self.classes_))[y_idx]
        if self._binary:
            scores = out["per_class"][str(self.classes_[1])]
            out.update(precision=scores["precision"], recall=scores["recall"],
                       mae=float(np.abs(proba[:, 1] - y_idx).mean()))
        else:
            out.update(precision=out["precision_macro"], recall=out["recall_macro"],
                       mae=float(np.abs(proba - onehot).mean()))
        out["auc"] = out["roc_auc"]
        return out

    # ----- persistence -------------------------------------------------------------------------
    def _get_state(self):
        tensors = {k: v.detach().cpu().contiguous() for k, v in self.model_.state_dict().items()}
        config = {"classes": classes_to_json(self.classes_), "model": self.model_.get_config()}
        return config, tensors, {"history": self.history_, **self._preprocessing_state()}

    def _set_state(self, config, tensors, preprocessing):
        self.classes_ = classes_from_json(config["classes"])
        self._restore_preprocessing(preprocessing)
        self.model_ = self._build_model()
        self.model_.load_state_dict({k: torch.as_tensor(v) for k, v in tensors.items()}, strict=True)
        self.model_.eval()
        self.history_ = preprocessing.get("history", {})

