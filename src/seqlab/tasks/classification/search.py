"""How the classifiers are tuned (``task.tune``, ``seqlab tune classify``): the search space of
each encoder, the stratified validation hold-out a trial is scored on, and the refit.

A trial is scored by the metric the report leads with, its validation error rate (1 - accuracy),
at its most accurate epoch, with the validation cross-entropy breaking ties (``+ 0.001 * loss``;
training stops early on the cross-entropy, which also feeds the pruner). Small data sets (under
1,000 examples) are cross-validated: 3 stratified folds, the trial's value the mean of the three
(one validation set of a few dozen examples ranks configurations by noise); larger ones hold out a
stratified 20%. Folds and hold-out are seeded by
the task's ``seed``: every trial sees the same ones. The winner is refitted on all the training
data for the median over the folds of those best epochs.

>>> import optuna
>>> from seqlab.tasks.classification.classifier import SequenceClassifier
>>> trial = optuna.trial.FixedTrial({"encoder": "cnn1d", "learning_rate": 0.003, "batch_size": 16, "dropout": 0.1,
...                                  "filters": "64,128,64"})
>>> SequenceClassifierSearch().decode(SequenceClassifierSearch().sample(trial, SequenceClassifier()))
{'encoder': 'cnn1d', 'learning_rate': 0.003, 'batch_size': 16, 'dropout': 0.1, 'filters': (64, 128, 64)}
"""
from __future__ import annotations

import numpy as np

from seqlab.tasks.classification.classifier import as_series_list, one_label_each
from seqlab.tasks.tuning.space import Param, Search, suggest_all

VALIDATION_SHARE = 0.2
CROSS_VALIDATION = (1000, 3)   # below this many examples, this many folds
TIE_BREAK = 1e-3               # the trial value: validation error rate + TIE_BREAK * cross-entropy
TRAINING = [Param("learning_rate", 1e-4, 1e-2, log=True), Param("batch_size", choices=(8, 16, 32, 64)),
            Param("dropout", 0.0, 0.5)]
SERIES_SPACES = {   # per encoder: its width and depth (seed 002: number of layers, of units)
    "cnn1d": [Param("filters", choices=("32,64,32", "64,128,64", "128,256,128"))],
    "transformer": [Param("units", choices=(16, 32, 64, 128), scope="transformer"),
                    Param("num_layers", 1, 3, integer=True)],
    "mlp": [Param("units", 32, 512, log=True, integer=True, scope="mlp")],
}
RECURRENT_SPACE = [Param("units", 16, 256, log=True, integer=True)]   # lstm, gru, bilstm, stacked_lstm, cnn_lstm
TEXT_SPACE = [Param("embedding_dim", choices=(32, 64, 128)), Param("units", 16, 256, log=True, integer=True)]
SERIES_ENCODER_CHOICES = ("cnn1d", "cnn_lstm", "lstm", "gru", "transformer", "mlp")  # the CLI's search without --model
REFIT_MEMBERS = 5   # series: the winner is refitted this many times (seeds seed, seed + 1, ...), averaged


def stratified_holdout(n: int, y: np.ndarray, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``(train_rows, validation_rows)``: a stratified split when every class has two examples.

    >>> stratified_holdout(10, np.array([0, 1] * 5), 0.2, 0)[1].size
    2
    """
    from sklearn.model_selection import train_test_split

    rows = np.arange(n)
    _, counts = np.unique(y.astype(str), return_counts=True)
    stratify = y.astype(str) if counts.min() >= 2 else None
    tr, va = train_test_split(rows, test_size=share, random_state=seed, stratify=stratify)
    return np.sort(tr), np.sort(va)


def validation_folds(labels: np.ndarray, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(train_rows, validation_rows), ...]``: 3 stratified folds under 1,000 examples, else one
    stratified 20% hold-out.

    >>> [len(va) for _, va in validation_folds(np.array([0, 1] * 30), 0)]
    [20, 20, 20]
    """
    n = len(labels)
    limit, folds = CROSS_VALIDATION
    _, counts = np.unique(labels.astype(str), return_counts=True)
    if n >= limit or counts.min() < folds:
        return [stratified_holdout(n, labels, VALIDATION_SHARE, seed)]
    from sklearn.model_selection import StratifiedKFold

    split = StratifiedKFold(folds, shuffle=True, random_state=seed).split(np.zeros(n), labels.astype(str))
    return [(np.sort(tr), np.sort(va)) for tr, va in split]


class ClassifierSearch(Search):
    """What the series and text classifiers share: the hold-out, the trial's score, refit and test."""

    objective = "validation error rate (+ 0.001 x cross-entropy)"
    test_metric = "accuracy"

    def _inputs(self, X, y):
        raise NotImplementedError

    def holdout(self, task, X, y):
        items, labels = self._inputs(X, y)
        take = lambda rows: ([items[i] for i in rows], labels[rows])
        return [(take(tr), take(va)) for tr, va in validation_folds(labels, task.seed or 0)]

    def combine(self, infos):
        out = dict(infos[0])
        for key in ("epochs", "epochs_run", "validation_accuracy", "validation_loss"):
            values = [i[key] for i in infos if key in i]
            if values:
                out[key] = int(np.median(values)) if key == "epochs" else (
                    max(values) if key == "epochs_run" else float(np.mean(values)))
        return out

    def fit_trial(self, task, fit_data, validation):
        task.set_params(validation_split=0.0)
        task.fit(*fit_data, validation_data=validation)
        loss = np.asarray(task.history_.get("val_loss", []), dtype=float)
        if not loss.size or not np.isfinite(loss).any():
            return float("nan"), {}
        acc = np.asarray(task.history_.get("val_accuracy", np.zeros(loss.size)), dtype=float)
        loss = np.where(np.isfinite(loss), loss, np.inf)
        best = int(np.lexsort((loss, -acc))[0])     # the most accurate epoch; the lowest loss among ties
        info = {"epochs": best + 1, "epochs_run": int(loss.size), "validation_accuracy": float(acc[best]),
                "validation_loss": float(loss[best])}
        return float(1.0 - acc[best] + TIE_BREAK * loss[best]), info

    def refit(self, task, X, y, info):
        task.set_params(validation_split=0.0, **({"epochs": int(info["epochs"])} if info.get("epochs") else {}))
        return task.fit(X, y)

    def test_scores(self, task, test) -> dict:
        return task.evaluate(*test)


class SequenceClassifierSearch(ClassifierSearch):
    """Numeric series: the encoder's width and depth, learning rate, batch size, dropout."""

    def sample(self, trial, task, choices=None):
        params = suggest_all(trial, [Param("encoder", choices=(task.encoder,))], choices)
        space = TRAINING + SERIES_SPACES.get(params["encoder"], RECURRENT_SPACE)
        return {**params, **suggest_all(trial, space, choices)}

    def refit(self, task, X, y, info):
        """The winner on all the training series, ``REFIT_MEMBERS`` times (seeds ``seed``, ``seed + 1``,
        ...) for the epochs its folds chose, probabilities averaged: one refit of a net trained on a
        few dozen series varies with its seed by more than the configurations differ."""
        task.set_params(ensemble=REFIT_MEMBERS)
        return super().refit(task, X, y, info)

    def decode(self, params):
        out = super().decode(params)
        if isinstance(out.get("filters"), str):
            out["filters"] = tuple(int(v) for v in out["filters"].split(","))
        return out

    def _inputs(self, X, y):
        series, labels = as_series_list(X, y)
        return series, labels


class TextClassifierSearch(ClassifierSearch):
    """Texts: embedding width, encoder units, learning rate, batch size, dropout."""

    def sample(self, trial, task, choices=None):
        params = suggest_all(trial, [Param("encoder", choices=(task.encoder,))], choices)
        return {**params, **suggest_all(trial, TRAINING + TEXT_SPACE, choices)}

    def _inputs(self, X, y):
        texts = list(getattr(X, "texts", X))
        return texts, one_label_each(getattr(X, "y", None) if y is None else y, len(texts), "texts", "text")
