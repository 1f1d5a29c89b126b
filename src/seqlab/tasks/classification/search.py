"""How the classifiers are tuned (``task.tune``, ``seqlab tune classify``): the search space of
each encoder, the validation folds a trial is scored on, the trial's score and the refit.

**The objective** (lower is better): the out-of-fold validation log loss. Small data sets (under
1,000 examples) are cross-validated: 3 stratified folds, each trains the trial's configuration on
the other two thirds exactly as ``fit`` would train it (the same adaptive budget, its own hold-out
or training-loss rule; the validation fold is never shown to it) and predicts the fold it left out,
so every training example gets one probability vector from a model that did not see it. The
trial's value is the mean cross-entropy of those predictions over all the training examples
(natural log, probabilities clipped to ``[eps, 1 - eps]`` as ``sklearn.metrics.log_loss`` does).
Larger sets hold out one stratified 20% and score it the same way. Folds and hold-out are seeded
by the task's ``seed``: every trial sees the same ones. The out-of-fold accuracy is recorded
beside it (``validation_accuracy``) but does not rank trials.

Why the log loss and not the accuracy the report leads with: on a few dozen validation series the
accuracy moves in steps of one series and the best configurations tie (ItalyPowerDemand: 67
training series, the best trials all one error short of perfect), so the search picks among ties
by luck; the log loss is continuous, is what the nets minimise, and is a proper scoring rule (it
is lowest for the true class probabilities), so it ranks configurations the accuracy cannot
separate. Why the fold is never used to stop training: a trial scored at its best epoch on the
same fold is scored optimistically, the more so the noisier its curve, and the refit could not
repeat that choice of epoch on the full data; here the refit trains the way the folds did.

The pruner reads the first fold's validation cross-entropy after every epoch (measured on the side:
it does not change training) and may stop a trial only once its adaptive budget could stop it
itself, after the budget's floor of optimiser steps (a slow learning rate's early epochs say little
about where it ends up); with an explicit ``epochs`` count, after the pruner's own 10 warm-up epochs.

The winner is refitted on all the training data by the task's own ``fit`` (series: as an average of
``REFIT_MEMBERS`` nets with seeds ``seed``, ``seed + 1``, ...). For series the ``REFIT_MEMBERS`` nets
are chosen by ensemble selection over the finished trials (``seqlab.tasks.tuning.selection``): each
trial stores its out-of-fold probability of every training example's label, and greedily, with
repeats, the trial whose predictions most lower the log loss of the average is added, starting from
the best trial. A configuration picked ``k`` times is refitted as ``k`` nets of different seeds.

>>> import optuna
>>> from seqlab.tasks.classification.classifier import SequenceClassifier
>>> trial = optuna.trial.FixedTrial({"encoder": "cnn1d", "learning_rate": 0.003, "batch_size": 16, "dropout": 0.1,
...                                  "filters": "64,128,64"})
>>> SequenceClassifierSearch().decode(SequenceClassifierSearch().sample(trial, SequenceClassifier()))
{'encoder': 'cnn1d', 'learning_rate': 0.003, 'batch_size': 16, 'dropout': 0.1, 'filters': (64, 128, 64)}
"""
from __future__ import annotations

import contextlib

import numpy as np

from seqlab.tasks.classification.classifier import as_series_list, average_classifiers, one_label_each
from seqlab.tasks.tuning.selection import MAX_STORED, OOF_KEY, log_loss_of, select_trials
from seqlab.tasks.tuning.space import Param, Search, suggest_all

VALIDATION_SHARE = 0.2
CROSS_VALIDATION = (1000, 3)   # below this many examples, this many folds
OBJECTIVE = "out-of-fold validation log loss"
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


def fold_scores(proba: np.ndarray, classes: np.ndarray, truth: np.ndarray) -> dict:
    """The scores of one validation fold from a model's class probabilities: ``{"examples": n,
    "log_loss_sum": sum of -log p(true class), "correct": argmax predictions that are right,
    "p_true": each example's p(true class)}``.
    Probabilities are clipped to ``[eps, 1 - eps]`` (float64 eps) as ``sklearn.metrics.log_loss``
    clips them; a label the fold's model never saw gets probability ``eps``.

    >>> s = fold_scores(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array(["a", "b"]), np.array(["a", "a"]))
    >>> s["examples"], round(s["log_loss_sum"], 4), s["correct"]
    (2, 1.7148, 1)
    """
    proba, truth = np.asarray(proba, dtype=np.float64), np.asarray(truth)
    p_true = true_class_probability(proba, classes, truth)
    return {"examples": int(len(truth)), "log_loss_sum": log_loss_of(p_true) * len(truth) if len(truth) else 0.0,
            "correct": int((proba.argmax(axis=1) == _true_columns(classes, truth)).sum()), "p_true": p_true}


def true_class_probability(proba: np.ndarray, classes: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Each example's probability of its true label ``(n,)``; 0 for a label not in ``classes``.

    >>> true_class_probability(np.array([[0.9, 0.1], [0.2, 0.8]]), np.array(["a", "b"]), np.array(["a", "c"]))
    array([0.9, 0. ])
    """
    proba, truth = np.asarray(proba, dtype=np.float64), np.asarray(truth)
    cols = _true_columns(classes, truth)
    return np.where(cols >= 0, proba[np.arange(len(truth)), np.maximum(cols, 0)], 0.0)


def _true_columns(classes, truth: np.ndarray) -> np.ndarray:
    column = {c: i for i, c in enumerate(np.asarray(classes).tolist())}
    return np.array([column.get(t, -1) for t in np.asarray(truth).tolist()], dtype=np.int64)


class ClassifierSearch(Search):
    """What the series and text classifiers share: the folds, the out-of-fold log loss, refit and test."""

    objective = OBJECTIVE
    test_metric = "accuracy"
    keeps_predictions = False   # store each trial's out-of-fold predictions (for ``ensemble``)

    def _inputs(self, X, y):
        raise NotImplementedError

    def holdout(self, task, X, y):
        items, labels = self._inputs(X, y)
        take = lambda rows: ([items[i] for i in rows], labels[rows])
        return [(take(tr), take(va)) for tr, va in validation_folds(labels, task.seed or 0)]

    def fit_trial(self, task, fit_data, validation):
        """Train on ``fit_data`` as ``fit`` does (the validation fold unseen), predict the fold; returns
        its mean log loss and ``fold_scores`` with the epochs the fit ran."""
        task.fit(*fit_data)
        scores = fold_scores(task.predict_proba(validation[0]), task.classes_, validation[1])
        training = getattr(task, "training_", None) or {}
        scores["epochs_run"] = int(training.get("epochs") or len(task.history_.get("loss", [])))
        return scores["log_loss_sum"] / max(scores["examples"], 1), scores

    def aggregate(self, values, infos):
        """The out-of-fold log loss: the mean over every example of every fold (NaN if a fold's was)."""
        if not all(np.isfinite(values)):
            return float("nan")
        return sum(i["log_loss_sum"] for i in infos) / max(sum(i["examples"] for i in infos), 1)

    def combine(self, infos):
        """The trial's record: out-of-fold log loss and accuracy, examples, median epochs, and (with
        ``keeps_predictions``, up to ``MAX_STORED`` examples) each example's out-of-fold true-class
        probability, in fold order (the same for every trial), for ``ensemble``."""
        n = max(sum(i["examples"] for i in infos), 1)
        out = {"validation_log_loss": sum(i["log_loss_sum"] for i in infos) / n,
               "validation_accuracy": sum(i["correct"] for i in infos) / n,
               "validation_examples": n, "epochs_run": int(np.median([i["epochs_run"] for i in infos]))}
        if self.keeps_predictions and all("p_true" in i for i in infos) and n <= MAX_STORED:
            out[OOF_KEY] = [float(f"{p:.6g}") for i in infos for p in i["p_true"]]
        return out

    def pruning_scores(self, task, validation):
        """The first fold's validation cross-entropy after every epoch of the first net ``fit`` trains,
        computed beside training (in eval mode; training goes on unchanged); ``may_prune`` once the
        adaptive budget's floor of optimiser steps is reached (at once with an explicit ``epochs``)."""
        from seqlab.io.errors import SeqlabError
        from seqlab.train.budget import DEFAULT_RULE
        from seqlab.train.callbacks import Callback
        from seqlab.train.observers import observing

        floor = DEFAULT_RULE.min_steps if getattr(task, "epochs", None) is None else 0

        @contextlib.contextmanager
        def scores(listen):
            fits = []

            class FoldLoss(Callback):
                def on_train_begin(self, logs=None):
                    fits.append(self)
                    self.data, self.steps = None, 0
                    if len(fits) == 1:   # the first net of the fold; ensemble members and refits are not watched
                        with contextlib.suppress(SeqlabError):
                            self.data = (task._inputs(validation[0]), task._label_index(validation[1]))
                    self.per_epoch = int(self.trainer.history.params.get("steps", 1))

                def on_epoch_end(self, epoch, logs=None):
                    if self.data is None:
                        return
                    self.steps += self.per_epoch
                    loss = self.trainer.evaluate(*self.data)["loss"]
                    listen(loss, epoch, may_prune=self.steps >= floor)

            with observing(FoldLoss):
                yield

        return scores

    def refit(self, task, X, y, info):
        """The winner on all the training data, trained by ``fit`` as the folds were."""
        return task.fit(X, y)

    def test_scores(self, task, test) -> dict:
        return task.evaluate(*test)


class SequenceClassifierSearch(ClassifierSearch):
    """Numeric series: the encoder's width and depth, learning rate, batch size, dropout."""

    keeps_predictions = True

    def fit_trial(self, task, fit_data, validation):
        """As ``ClassifierSearch.fit_trial``, with one net a fold unless ``ensemble`` was given (the
        default ensemble of small sets is the refit's: ``REFIT_MEMBERS`` nets)."""
        if task.ensemble is None:
            task.set_params(ensemble=1)
        return super().fit_trial(task, fit_data, validation)

    def sample(self, trial, task, choices=None):
        params = suggest_all(trial, [Param("encoder", choices=(task.encoder,))], choices)
        space = TRAINING + SERIES_SPACES.get(params["encoder"], RECURRENT_SPACE)
        return {**params, **suggest_all(trial, space, choices)}

    def refit(self, task, X, y, info):
        """The winner on all the training series, ``REFIT_MEMBERS`` times (seeds ``seed``, ``seed + 1``,
        ...), probabilities averaged: one refit of a net trained on a few dozen series varies with its
        seed by more than the configurations differ."""
        task.set_params(ensemble=REFIT_MEMBERS)
        return super().refit(task, X, y, info)

    def ensemble(self, study):
        """``REFIT_MEMBERS`` picks among the finished trials by ensemble selection on their out-of-fold
        predictions (``seqlab.tasks.tuning.selection``); None when it picks the best trial alone."""
        picks = select_trials(study, REFIT_MEMBERS)
        return picks if picks and len(picks) > 1 else None

    def refit_ensemble(self, task, X, y, members):
        """Each picked configuration refitted on all the training series as ``nets`` nets (seeds
        ``seed``, ``seed + 1``, ... across all of them), the probabilities of all the nets averaged:
        a configuration picked twice weighs twice. ``task`` is set to the first (the best trial). A ``time_budget``
        of ``task`` is shared as one fit shares it among its nets: each configuration gets what is left times its
        share of the nets to come."""
        from seqlab.train import budget as training_budget

        seed, fitted, given = task.seed, [], task.time_budget
        total, start = training_budget.parse_duration(given), training_budget.monotonic()
        nets_left = sum(nets for _, nets in members)
        for k, (params, nets) in enumerate(members):
            one = task if k == 0 else type(task)(**task.get_params())
            left = None if total is None else total - (training_budget.monotonic() - start)
            share = None if left is None else max(left, 1e-3) * nets / nets_left
            one.set_params(**params, ensemble=nets, seed=seed, time_budget=share)
            fitted.append(one.fit(X, y))
            seed = None if seed is None else seed + nets
            nets_left -= nets
        average_classifiers(fitted)
        task.set_params(ensemble=REFIT_MEMBERS, time_budget=given)   # as refitting the best configuration alone
        if total is not None:
            task.training_ = {**task.training_, "time_budget": total}
        return task

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
