"""Sequence classification estimators (seed 001's sequence classification, seed 004's time-series
classification) and what every classifier task shares (``NetTask``).

- :class:`SequenceClassifier`: numeric series, univariate or multivariate, equal or varying length.
- ``TextClassifier`` (``text_classifier.py``): texts (seed 000's spam classifier), built on ``NetTask``.

Both are scikit-learn style: ``fit(X, y)`` returns self; ``predict`` gives labels,
``predict_proba`` ``(n, n_classes)`` probabilities in ``classes_`` order; ``evaluate(X, y)`` gives
accuracy, macro and per-class precision / recall / F1, ROC-AUC and the confusion matrix.

>>> import numpy as np
>>> X = np.sin(np.linspace(0, 6, 20))[None, :] * np.array([[1.0], [-1.0]] * 10)
>>> clf = SequenceClassifier(encoder="cnn1d", epochs=2, seed=0).fit(X, ["up", "down"] * 10)
>>> clf.predict_proba(X[:3]).shape
(3, 2)
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from seqlab.data.formats import LabeledSeries
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.classifiers import (
    FIXED_LENGTH_ENCODERS,
    SERIES_ENCODERS,
    ClassifierConfig,
    ClassifierNet,
    EnsembleNet,
    pack_series,
    recalibrate_batch_norm,
)
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Task
from seqlab.tasks.classification.labels import (
    ClassLabels,
    classes_from_json,
    classes_to_json,
    label_array,
)
from seqlab.tasks.classification.metrics import classification_metrics
from seqlab.train import Trainer
from seqlab.train import budget as training_budget
from seqlab.train.batching import predict_in_batches
from seqlab.train.budget import budget_callback, parse_duration
from seqlab.train.callbacks import EarlyStopping
from seqlab.train.losses import SparseCategoricalCrossentropy

ADAPTIVE_VALIDATION = 0.2  # the stratified share held out when epochs=None and validation_split=0
# ... but only from this many training examples (SequenceClassifier.hold_out_from): a hold-out of fewer
# than 100 series decided the kept epoch by a handful of series and, on one fold of a small UCR set, kept a
# net that scored 0.18 (benchmarks/choose_classifier_defaults.py); smaller sets train on every example and
# the budget watches the training loss, as the FCN/ResNet recipes do
SMALL_SET_BELOW = 500
# the adaptive budget's learning rate stops falling at this fraction of its start (the shared rule's 1%
# starved training on small UCR sets: docs/training-budgets.md)
CLASSIFIER_MIN_LR_RATIO = 0.1
# the default ensemble (``SequenceClassifier(ensemble=None)``, adaptive budget, fewer than SMALL_SET_BELOW
# series): AUTO_MEMBERS nets on series of up to AUTO_MEMBER_STEPS // AUTO_MEMBERS steps, fewer on longer
# series (one net's cost grows with the length): AUTO_MEMBER_STEPS // longest, at least one. Chosen by
# cross-validation on training splits (benchmarks/choose_classifier_defaults.py, ens5-trainloss)
AUTO_MEMBERS = 5
AUTO_MEMBER_STEPS = 1000


def balanced_weights(y_idx: np.ndarray, n_classes: int) -> dict[int, float]:
    """scikit-learn's ``"balanced"`` class weights: ``n / (n_classes * count_c)``."""
    counts = np.bincount(y_idx.ravel(), minlength=n_classes).astype(np.float64)
    return {c: float(len(y_idx.ravel()) / (n_classes * counts[c])) for c in range(n_classes) if counts[c] > 0}


class NetTask(ClassLabels, Task):
    """What the classifier tasks share: labels to indices, training a ``ClassifierNet`` with the
    Trainer, batched prediction, and the saved state. Subclasses turn raw inputs into net inputs."""

    hold_out_from = 0   # the adaptive budget holds out ADAPTIVE_VALIDATION from this many training examples

    def _class_weight(self, y_idx: np.ndarray):
        if self.class_weight is None:
            return None
        if self.class_weight == "balanced":
            return balanced_weights(y_idx, len(self.classes_))
        if isinstance(self.class_weight, dict):
            text = self.classes_.dtype == object
            index = {c: i for i, c in enumerate(self.classes_.tolist())}
            unknown = [k for k in self.class_weight if (str(k) if text else k) not in index]
            if unknown:
                raise ConfigError(f"class_weight names {unknown[0]!r}, not a training label; labels: "
                                  f"{', '.join(map(str, self.classes_.tolist()))}")
            return {index[str(k) if text else k]: float(v) for k, v in self.class_weight.items()}
        raise ConfigError(f"class_weight must be None, 'balanced' or a dict label -> weight, got {self.class_weight!r}")

    # ----- training --------------------------------------------------------------------------
    def _build_net(self, config: ClassifierConfig, seed: int | None) -> None:
        self.config_ = config
        self.model_ = ClassifierNet(config, seed=seed)   # initial weights from a Generator seeded by seed

    def _train(self, x, y, seed: int | None, validation_data=None, loss=None, class_weight=None,
               learning_rate=None, epochs=None, time_budget=None) -> None:
        """Train ``model_`` on ``(x, y)``: ``epochs`` (the refit's count) or the task's ``epochs``; None
        is the adaptive budget (``seqlab.train.budget``), on a stratified validation share."""
        epochs = epochs or self.epochs
        adaptive_share = ADAPTIVE_VALIDATION if len(x) >= self.hold_out_from else 0
        split = self.validation_split or (adaptive_share if epochs is None else 0)
        with seeded(seed):
            trainer = Trainer(self.model_, loss=loss or SparseCategoricalCrossentropy(from_logits=True),
                              optimizer="adam", metrics=() if loss is not None else ("accuracy",),
                              lr=learning_rate or self.learning_rate, seed=seed)
            if validation_data is None and split > 0 and len(x) * split >= 2:
                x, y, validation_data = _hold_out(x, y, split, seed)
            rule = replace(training_budget.DEFAULT_RULE, min_lr_ratio=CLASSIFIER_MIN_LR_RATIO,
                           **({"patience": int(self.patience)} if self.patience else {}))
            budget = budget_callback(epochs, time_budget=time_budget or getattr(self, "time_budget", None),
                                     rule=rule)
            callbacks = [EarlyStopping(monitor="val_loss", patience=self.patience, restore_best_weights=True)
                         ] if validation_data is not None and epochs is not None else []
            batches = -(-len(x) // self.batch_size)  # equal batches: no tiny last batch to upset batch norm
            history = trainer.fit(x, y, epochs=epochs or budget.rule.ceiling_epochs(batches),
                                  batch_size=-(-len(x) // batches), validation_data=validation_data,
                                  class_weight=class_weight, callbacks=[*callbacks, budget], verbose=self.verbose)
            recalibrate_batch_norm(self.model_, x)
        self.history_ = history.as_dict()
        self.training_ = budget.summary()
        self.model_.eval()

    def _logits(self, x, batch_size: int = 256) -> np.ndarray:
        return predict_in_batches(self.model_, x, batch_size).numpy()

    # ----- persistence -----------------------------------------------------------------------
    def _extra_state(self) -> dict:
        return {}

    def _get_state(self):
        tensors = {k: v.detach().cpu().contiguous() for k, v in self.model_.state_dict().items()}
        config = {"net": self.config_.to_dict(), "classes": classes_to_json(self.classes_)}
        if isinstance(self.model_, EnsembleNet):
            config["ensemble"] = len(self.model_.members)
            config["members"] = [m.config.to_dict() for m in self.model_.members]
        return config, tensors, {**self._extra_state(), "history": self.history_,
                                 "training": getattr(self, "training_", None),
                                 "input": getattr(self, "input_", None)}

    def _set_state(self, config, tensors, preprocessing):
        self.config_ = ClassifierConfig(**config["net"])
        k = int(config.get("ensemble", 1))
        members = config.get("members") or [config["net"]] * k  # members of different encoders: own configs
        self.model_ = ClassifierNet(self.config_) if k == 1 else EnsembleNet(
            [ClassifierNet(ClassifierConfig(**m)) for m in members])
        self.model_.load_state_dict({k: torch.as_tensor(v) for k, v in tensors.items()}, strict=True)
        self.model_.eval()
        self.classes_ = classes_from_json(config["classes"])
        self.history_ = preprocessing.get("history", {})
        self.training_ = preprocessing.get("training")
        self.input_ = preprocessing.get("input")  # how the training file was read (format, columns)

    # ----- prediction ------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n, n_classes)``, columns in ``classes_`` order."""
        self._check_fitted()
        return _softmax(self._logits(self._inputs(X)))

    def predict(self, X) -> np.ndarray:
        """Predicted labels ``(n,)`` from ``classes_``, of the type the training labels had."""
        self._check_fitted()
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def evaluate(self, X, y) -> dict:
        """Held-out scores of ``predict`` against ``y``; see ``classification_metrics``."""
        proba = self.predict_proba(X)
        y = label_array(y)
        self._label_index(y)
        return classification_metrics(y, self.classes_[proba.argmax(axis=1)], self.classes_, proba)


class SequenceClassifier(NetTask):
    """Classify numeric sequences (one label per series).

    Args:
        encoder: ``lstm``, ``gru``, ``bilstm``, ``stacked_lstm``, ``cnn1d`` (FCN), ``cnn_lstm``,
            ``transformer`` or ``mlp`` (fixed length only).
        units, dropout, filters, kernel_sizes, num_heads, num_layers, pooling: see ``ClassifierConfig``.
        attention, attention_options: the transformer encoder's self-attention (``"full"``, ``"local"``,
            ``"performer"``, ... of ``seqlab.nn.efficient``) and its options.
        normalize: ``"channel"`` standardises each channel with the training mean and std; None keeps values.
        class_weight: None, ``"balanced"`` or a dict label -> weight.
        ensemble: train this many nets (seeds ``seed``, ``seed + 1``, ...) and average their class
            probabilities; where the budget holds out validation series, each member holds out its own
            share. A ``time_budget`` is shared: each member gets what is left over the members to come.
            None (the default): with the adaptive budget (``epochs=None``) and fewer than 500 training
            series, ``AUTO_MEMBERS`` (5) nets on series of up to 200 steps and ``1000 // longest`` (at
            least 1) on longer ones, whose nets cost more; otherwise one net. In cross-validation on the
            training splits of five UCR/UEA sets five nets never scored below one and gained on two
            (``benchmarks/choose_classifier_defaults.py``).
        epochs, batch_size, learning_rate, patience, validation_split, time_budget, seed, verbose: the shared
            training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam. ``validation_split`` holds
            out a random (stratified) share; ``epochs=None`` (the default) is the adaptive budget: when
            ``validation_split`` is 0 it watches a stratified 20% from 500 training series up, and below
            that trains on every series and watches the training loss (a hold-out of a few dozen series
            is too noisy to choose the epoch: ``benchmarks/choose_classifier_defaults.py``); with
            ``epochs`` early stopping runs only with validation data.

    Labels keep the type given in ``y`` (``seqlab.tasks.classification.labels``).

    ``fit(X, y)``: X is ``(n, time)``, ``(n, time, channels)``, a list of ``(time_i, channels)``
    arrays, or a ``LabeledSeries``; y holds ``n`` labels (ignored for a ``LabeledSeries``).

    >>> X = np.random.default_rng(0).normal(size=(40, 30)); y = (X[:, :5].mean(1) > 0).astype(int)
    >>> SequenceClassifier(encoder="gru", units=8, epochs=2, seed=0).fit(X, y).predict(X[:2]).shape  # doctest: +SKIP
    (2,)
    """

    hold_out_from = SMALL_SET_BELOW

    def __init__(self, encoder: str = "cnn1d", *, units: int = 64, dropout: float = 0.0,
                 filters: tuple = (128, 256, 128), kernel_sizes: tuple = (8, 5, 3), num_heads: int = 4,
                 num_layers: int = 2, normalize: str | None = "channel", epochs: int | None = None,
                 batch_size: int = 16,
                 learning_rate: float | None = None, class_weight=None, validation_split: float = 0.0,
                 patience: int = 10, pooling: str = "last", seed: int | None = None, verbose: int = 0,
                 time_budget=None, attention: str = "full", attention_options: dict | None = None,
                 ensemble: int | None = None):
        self.encoder, self.units, self.dropout, self.pooling = encoder, units, dropout, pooling
        self.ensemble = ensemble
        self.attention, self.attention_options = attention, attention_options
        self.filters, self.kernel_sizes = filters, kernel_sizes
        self.num_heads, self.num_layers, self.normalize = num_heads, num_layers, normalize
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.class_weight, self.validation_split, self.patience = class_weight, validation_split, patience
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def fit(self, X, y=None, validation_data=None) -> "SequenceClassifier":
        """Train on series ``X`` with labels ``y``; ``validation_data=(X_val, y_val)`` enables early stopping."""
        if self.encoder not in SERIES_ENCODERS:
            raise ConfigError(f"unknown series encoder {self.encoder!r}; choose one of {', '.join(SERIES_ENCODERS)}")
        if self.normalize not in (None, "channel"):
            raise ConfigError(f"normalize must be 'channel' or None, got {self.normalize!r}")
        series, y = as_series_list(X, y)
        y_idx = self._fit_labels(y)
        lengths = {len(s) for s in series}
        fixed = self.encoder in FIXED_LENGTH_ENCODERS
        if fixed and len(lengths) > 1:
            raise DataError(f"encoder {self.encoder!r} needs series of equal length; the training series have "
                            f"{min(lengths)}..{max(lengths)} steps (resample them, or use lstm/cnn1d)")
        stacked = np.concatenate(series)
        self.n_features_ = int(stacked.shape[1])
        self.mean_ = stacked.mean(axis=0) if self.normalize else np.zeros(self.n_features_)
        std = stacked.std(axis=0) if self.normalize else np.ones(self.n_features_)
        self.std_ = np.where(std > 1e-12, std, 1.0)
        self.length_ = max(lengths) if fixed else None
        config = ClassifierConfig(
            n_classes=len(self.classes_), encoder=self.encoder, n_features=self.n_features_, units=self.units,
            dropout=self.dropout, filters=list(self.filters), kernel_sizes=list(self.kernel_sizes),
            num_heads=self.num_heads, num_layers=self.num_layers, length=self.length_, pooling=self.pooling,
            attention=self.attention, attention_options=self.attention_options)
        val = None
        if validation_data is not None:
            val = (self._inputs(validation_data[0]), self._label_index(validation_data[1]))
        x, weights = self._inputs(series), self._class_weight(y_idx)
        count = self._members(len(series), max(lengths), validation_data)
        total = parse_duration(self.time_budget)
        start, members, summaries, histories = training_budget.monotonic(), [], [], []
        for i in range(count):
            left = None if total is None else total - (training_budget.monotonic() - start)
            if left is not None and left <= 0 and members:
                break                                   # the time budget is spent: keep the members done
            seed = None if self.seed is None else self.seed + i
            self._build_net(config, seed)
            self._train(x, y_idx, seed, val, class_weight=weights,
                        time_budget=None if left is None else max(left, 1e-3) / (count - i))
            members.append(self.model_)
            summaries.append(self.training_)
            histories.append(self.history_)
        if len(members) > 1:
            self.model_ = EnsembleNet(members).eval()
            self.config_ = config
            self.history_ = histories[0]                # loss.png shows the first member
            self.training_ = {**summaries[0], "ensemble": len(members),
                              "members": [{k: m.get(k) for k in ("epochs", "steps", "stopped_by", "best_epoch",
                                                                 "seconds")} for m in summaries]}
        if total is not None:               # the budget given, not the share of the first member
            self.training_ = {**self.training_, "time_budget": total}
        return self

    def _members(self, n_series: int, longest: int, validation_data=None) -> int:
        """How many nets ``fit`` trains on ``n_series`` series of at most ``longest`` steps (see ``ensemble``)."""
        if self.ensemble is None:
            small = n_series < self.hold_out_from and not self.validation_split and validation_data is None
            if self.epochs is not None or not small:
                return 1
            return max(1, min(AUTO_MEMBERS, AUTO_MEMBER_STEPS // max(int(longest), 1)))
        if isinstance(self.ensemble, bool) or not isinstance(self.ensemble, (int, np.integer)) or self.ensemble < 1:
            raise ConfigError(f"ensemble must be a whole number >= 1, got {self.ensemble!r}")
        return int(self.ensemble)

    def _inputs(self, X) -> np.ndarray:
        series, _ = as_series_list(X, None)
        if any(s.shape[1] != self.n_features_ for s in series):
            got = sorted({s.shape[1] for s in series})
            raise DataError(f"the model was trained on {self.n_features_} channel(s) but got series with {got}")
        if self.length_ is not None and any(len(s) != self.length_ for s in series):
            bad = next(len(s) for s in series if len(s) != self.length_)
            raise DataError(f"encoder {self.encoder!r} was trained on series of {self.length_} steps and needs "
                            f"that length; got a series of {bad} steps")
        return pack_series([(s - self.mean_) / self.std_ for s in series])

    def _onnx_spec(self):
        """The network for ``export``: raw series in (standardised inside the graph), class
        probabilities out (columns in ``classes_`` order)."""
        from seqlab.tasks.export import OnnxSpec

        graph = _ProbabilityGraph(self.model_, self.mean_, self.std_)
        length = self.length_ or 16
        example = torch.zeros(2, length, self.n_features_)
        description = {"input_meaning": f"(batch, time, {self.n_features_} channels) raw series of equal length, "
                                        "no padding (standardised inside the graph)",
                       "output_meaning": "(batch, classes) probabilities, columns in preprocessing.classes order"}
        prep = {"classes": classes_to_json(self.classes_), "mean": self.mean_.tolist(), "std": self.std_.tolist(),
                "n_features": self.n_features_, "length": self.length_}
        return OnnxSpec(graph, example, self.length_ is None, prep, description)

    def _extra_state(self) -> dict:
        return {"mean": self.mean_.tolist(), "std": self.std_.tolist(), "n_features": self.n_features_,
                "length": self.length_}

    def _set_state(self, config, tensors, preprocessing):
        super()._set_state(config, tensors, preprocessing)
        self.mean_ = np.asarray(preprocessing["mean"], dtype=np.float32)
        self.std_ = np.asarray(preprocessing["std"], dtype=np.float32)
        self.n_features_, self.length_ = int(preprocessing["n_features"]), preprocessing["length"]


def average_classifiers(fitted: list[SequenceClassifier]) -> SequenceClassifier:
    """Make the first of several ``SequenceClassifier`` fitted on the same data predict the average of
    all their nets' class probabilities (each net weighs one; encoders and widths may differ);
    returns it. ``training_["members"]`` lists every net's training.

    >>> X = np.random.default_rng(0).normal(size=(20, 8)); y = [0, 1] * 10
    >>> a = SequenceClassifier("gru", units=4, epochs=1, seed=0).fit(X, y)
    >>> b = SequenceClassifier("cnn1d", filters=(4, 4, 4), epochs=1, ensemble=2, seed=1).fit(X, y)
    >>> len(average_classifiers([a, b]).model_.members)
    3
    """
    first = fitted[0]
    for other in fitted[1:]:
        same = (np.array_equal(other.classes_, first.classes_) and np.allclose(other.mean_, first.mean_)
                and np.allclose(other.std_, first.std_))
        if not same:
            raise ConfigError("average_classifiers needs classifiers fitted on the same data and normalisation")
    nets = [net for t in fitted for net in getattr(t.model_, "members", [t.model_])]
    records = [r for t in fitted for r in (t.training_.get("members") or [t.training_])]
    lengths = [t.length_ for t in fitted if t.length_ is not None]
    first.length_ = max(lengths) if lengths else None    # a fixed-length member fixes the input length
    first.model_ = EnsembleNet(nets).eval()
    keys = ("epochs", "steps", "stopped_by", "best_epoch", "seconds")
    first.training_ = {**first.training_, "ensemble": len(nets),
                       "members": [{k: r.get(k) for k in keys} for r in records],
                       "encoders": [net.config.encoder for net in nets]}
    return first


def as_series_list(X, y=None) -> tuple[list[np.ndarray], np.ndarray | None]:
    """``X`` as a list of finite float32 ``(time, channels)`` arrays (and ``y`` as an array)."""
    if isinstance(X, LabeledSeries):
        X, y = X.X, X.y if y is None else y
    if isinstance(X, np.ndarray) and X.dtype != object:
        if X.ndim == 2:
            X = X[:, :, None]
        if X.ndim != 3:
            raise DataError(f"series must be (n, time) or (n, time, channels), got shape {X.shape}")
        series = list(X.astype(np.float32))
    else:
        series = []
        for i, s in enumerate(X):
            try:
                a = np.asarray(s, dtype=np.float32)
            except (TypeError, ValueError):
                raise DataError(f"series {i} holds values that are not numbers") from None
            series.append(a[:, None] if a.ndim == 1 else a)
    if not series:
        raise DataError("no series given; pass at least one")
    for i, s in enumerate(series):
        if s.ndim != 2 or len(s) == 0:
            raise DataError(f"series {i} has shape {s.shape}; each series must be (time, channels) with time >= 1")
        if not np.isfinite(s).all():
            raise DataError(f"series {i} holds NaN or inf; fill or drop those values first")
    return series, one_label_each(y, len(series), "series", "series")


def one_label_each(y, n: int, what: str, one: str) -> np.ndarray | None:
    """``y`` as a flat object array of ``n`` labels (None stays None); DataError when the counts differ.

    >>> one_label_each([["a"], ["b"]], 2, "texts", "text").tolist()
    ['a', 'b']
    """
    if y is None:
        return None
    y = np.asarray(y, dtype=object).ravel()
    if len(y) != n:
        raise DataError(f"{n} {what} but {len(y)} labels; give one label per {one}")
    return y


def _hold_out(x, y, fraction: float, seed):
    """A random (stratified when every class has two examples) validation split of ``(x, y)``."""
    from sklearn.model_selection import train_test_split

    flat = y if y.ndim == 1 else None
    strat = flat if flat is not None and np.bincount(flat).min(initial=2) >= 2 else None
    try:
        x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=fraction, random_state=seed, stratify=strat)
    except ValueError:
        x_tr, x_val, y_tr, y_val = train_test_split(x, y, test_size=fraction, random_state=seed)
    return x_tr, y_tr, (x_val, y_val)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class _ProbabilityGraph(torch.nn.Module):
    """What ``SequenceClassifier.export`` writes: standardise, run each member's encoder on
    all-real steps, softmax (averaged over an ensemble's members)."""

    def __init__(self, net: torch.nn.Module, mean, std):
        super().__init__()
        self.members = torch.nn.ModuleList(getattr(net, "members", [net]))
        self.register_buffer("mean", torch.as_tensor(np.asarray(mean, np.float32)))
        self.register_buffer("std", torch.as_tensor(np.asarray(std, np.float32)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = (x - self.mean) / self.std
        mask = torch.ones(h.shape[:2], dtype=torch.bool, device=h.device)
        probs = [torch.softmax(self._logits(m, h, mask), dim=-1) for m in self.members]
        return probs[0] if len(probs) == 1 else torch.stack(probs).mean(dim=0)

    @staticmethod
    def _logits(member, h, mask):
        if member.config.encoder in FIXED_LENGTH_ENCODERS:  # flattens a fixed number of steps
            return member(torch.cat([h, mask.unsqueeze(-1).to(h.dtype)], dim=-1))
        return member.head(member.head_dropout(member.encode(h, mask)))
