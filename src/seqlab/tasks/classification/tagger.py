"""Many-to-many (synced) labelling: one class per time step, e.g. event detection in a stream
(seed 004: "identify the occurrence of a specific, expected event within a continuous data stream").

>>> from seqlab.data.events import make_event_streams
>>> X, y = make_event_streams(64, length=120, seed=0)
>>> tagger = SequenceTagger(encoder="bilstm", units=16, epochs=3, seed=0).fit(X, y)   # doctest: +SKIP
>>> tagger.predict(X[:2]).shape                                                      # doctest: +SKIP
(2, 120)
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.classifiers import TAGGER_ENCODERS, ClassifierConfig, pack_series
from seqlab.tasks.classification.classifier import NetTask, _softmax, as_series_list, balanced_weights
from seqlab.tasks.classification.labels import label_array, python_label
from seqlab.tasks.classification.metrics import classification_metrics, event_scores

PAD_LABEL = -1  # target of padded steps: left out of the loss


class MaskedStepLoss:
    """Cross-entropy over real steps only: ``pred`` logits ``(batch, time, classes)``, ``target``
    ``(batch, time)`` class indices with ``PAD_LABEL`` at padded steps; optional class weights."""

    def __init__(self, weight: torch.Tensor | None = None):
        self.weight = weight

    def __call__(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        weight = None if self.weight is None else self.weight.to(pred.device)
        return F.cross_entropy(pred.reshape(-1, pred.shape[-1]), target.reshape(-1).long(), weight=weight,
                               ignore_index=PAD_LABEL)


class SequenceTagger(NetTask):
    """Label every step of numeric sequences.

    Args:
        encoder: ``lstm``, ``gru``, ``bilstm`` (sees the whole stream), ``cnn1d`` or ``transformer``.
        units, dropout, normalize, class_weight: as ``SequenceClassifier``.
        epochs, batch_size, learning_rate, patience, validation_split, time_budget, seed, verbose: the shared
            training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``), as in ``SequenceClassifier``
            (``epochs=None``: the adaptive budget on a random 20% of the sequences).

    ``fit(X, Y)``: X ``(n, time[, channels])`` or a list of ``(time_i, channels)`` arrays; Y the
    step labels, ``(n, time)`` or a list of ``(time_i,)`` arrays. ``predict`` returns labels in
    the same layout (an array when all lengths match, else a list); ``predict_proba`` gives
    ``(time_i, n_classes)`` per sequence. ``background_`` is the most frequent training step
    label ("no event"), against which ``evaluate`` also scores whole events. Step labels keep the
    type given in ``Y`` (``seqlab.tasks.classification.labels``).
    """

    def __init__(self, encoder: str = "bilstm", *, units: int = 64, dropout: float = 0.0,
                 normalize: str | None = "channel", epochs: int | None = None, batch_size: int = 32,
                 learning_rate: float | None = None, class_weight=None,
                 validation_split: float = 0.0, patience: int = 5, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.encoder, self.units, self.dropout, self.normalize = encoder, units, dropout, normalize
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.class_weight, self.validation_split, self.patience = class_weight, validation_split, patience
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def _steps(self, series, Y) -> list[np.ndarray]:
        Y = list(Y)
        if len(Y) != len(series):
            raise DataError(f"{len(series)} sequences but {len(Y)} label sequences")
        out = []
        for i, (s, labels) in enumerate(zip(series, Y)):
            labels = np.asarray(labels, dtype=object).ravel()
            if len(labels) != len(s):
                raise DataError(f"sequence {i} has {len(s)} steps but {len(labels)} step labels")
            out.append(labels)
        return out

    def fit(self, X, Y) -> "SequenceTagger":
        """Train on sequences ``X`` with per-step labels ``Y``."""
        if self.encoder not in TAGGER_ENCODERS:
            raise ConfigError(f"unknown tagger encoder {self.encoder!r}; choose one of {', '.join(TAGGER_ENCODERS)}")
        series, _ = as_series_list(X)
        steps = self._steps(series, Y)
        flat = self._fit_labels(np.concatenate(steps))
        self.background_ = python_label(self.classes_[np.bincount(flat).argmax()])
        stacked = np.concatenate(series)
        self.n_features_ = int(stacked.shape[1])
        self.mean_ = stacked.mean(axis=0) if self.normalize else np.zeros(self.n_features_)
        std = stacked.std(axis=0) if self.normalize else np.ones(self.n_features_)
        self.std_ = np.where(std > 1e-12, std, 1.0)
        self.length_ = None
        self._build_net(ClassifierConfig(n_classes=len(self.classes_), encoder=self.encoder,
                                         n_features=self.n_features_, units=self.units, dropout=self.dropout,
                                         per_step=True), self.seed)
        weights = self._class_weight(flat)
        weight = None if weights is None else torch.tensor(
            [weights.get(c, 1.0) for c in range(len(self.classes_))], dtype=torch.float32)
        self._train(self._inputs(series), self._targets(steps), self.seed, loss=MaskedStepLoss(weight))
        return self

    def _class_weight(self, y_idx):
        if self.class_weight == "balanced":
            return balanced_weights(y_idx, len(self.classes_))
        return super()._class_weight(y_idx)

    def _targets(self, steps) -> np.ndarray:
        length = max(len(s) for s in steps)
        out = np.full((len(steps), length), PAD_LABEL, dtype=np.int64)
        for i, labels in enumerate(steps):
            out[i, :len(labels)] = self._label_index(labels)
        return out

    def _inputs(self, X) -> np.ndarray:
        series, _ = as_series_list(X, None)
        if any(s.shape[1] != self.n_features_ for s in series):
            raise DataError(f"the model was trained on {self.n_features_} channel(s); got "
                            f"{sorted({s.shape[1] for s in series})}")
        return pack_series([(s - self.mean_) / self.std_ for s in series])

    def predict_proba(self, X) -> list[np.ndarray]:
        """Per sequence, ``(time_i, n_classes)`` step probabilities in ``classes_`` order."""
        self._check_fitted()
        packed = self._inputs(X)
        lengths = packed[..., -1].sum(axis=1).astype(int)
        proba = _softmax(self._logits(packed))
        return [p[:n] for p, n in zip(proba, lengths)]

    def predict(self, X):
        """Step labels: ``(n, time)`` array when all sequences have one length, else a list of arrays."""
        out = [self.classes_[p.argmax(axis=1)] for p in self.predict_proba(X)]
        return np.stack(out) if len({len(o) for o in out}) == 1 else out

    _estimator_type = None   # one label per step, not per example: not a classifier to scikit-learn's folds

    def score(self, X, Y, sample_weight=None) -> float:
        """The share of every real step of ``X`` whose predicted label is ``Y``'s (``evaluate``'s
        ``accuracy``). ``sample_weight`` is not taken (ConfigError)."""
        if sample_weight is not None:
            raise ConfigError("SequenceTagger.score weighs every step alike; it takes no sample_weight")
        return float(self.evaluate(X, Y)["accuracy"])

    def evaluate(self, X, Y) -> dict:
        """Step-level scores over every real step (see ``classification_metrics``), and under
        ``"events"`` the event-level scores against ``background_`` (see ``event_scores``)."""
        series, _ = as_series_list(X)
        steps = [label_array(s) for s in self._steps(series, Y)]
        per_seq = self.predict_proba(series)
        proba = np.concatenate(per_seq)
        y_true = np.concatenate(steps)
        self._label_index(y_true)
        out = classification_metrics(y_true, self.classes_[proba.argmax(axis=1)], self.classes_, proba)
        if getattr(self, "background_", None) is not None:
            out["events"] = {"background": self.background_, **event_scores(
                steps, [self.classes_[p.argmax(axis=1)] for p in per_seq], self.background_)}
        return out

    def _extra_state(self) -> dict:
        return {"mean": np.asarray(self.mean_).tolist(), "std": np.asarray(self.std_).tolist(),
                "n_features": self.n_features_, "background": self.background_}

    def _set_state(self, config, tensors, preprocessing):
        super()._set_state(config, tensors, preprocessing)
        self.mean_ = np.asarray(preprocessing["mean"], dtype=np.float32)
        self.std_ = np.asarray(preprocessing["std"], dtype=np.float32)
        self.n_features_, self.length_ = int(preprocessing["n_features"]), None
        self.background_ = preprocessing.get("background")  # None in models saved before event scores
