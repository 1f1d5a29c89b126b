"""The classifiers' trial objective: the log loss of the out-of-fold predictions (checked against
scikit-learn), the validation fold never shown to the fit it scores, and a pruner that waits for
the adaptive budget's floor of optimiser steps."""
import dataclasses

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss

from seqlab.tasks.classification.classifier import SequenceClassifier
from seqlab.tasks.classification.search import SequenceClassifierSearch, validation_folds


def _data(n=45, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 10)).astype(np.float32)
    y = np.where(X[:, :3].mean(1) > 0.3, "up", np.where(X[:, :3].mean(1) < -0.3, "down", "flat"))
    return X, y


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")   # float32 probabilities
def test_the_trial_value_is_the_log_loss_of_the_out_of_fold_predictions(monkeypatch):
    X, y = _data()
    seen = []
    proba = SequenceClassifier.predict_proba
    monkeypatch.setattr(SequenceClassifier, "predict_proba",
                        lambda self, A: seen.append((self.classes_, proba(self, A))) or seen[-1][1])
    clf = SequenceClassifier("gru", units=4, epochs=3, seed=0)
    clf.tune(X, y, trials=1, pruner="none", progress=False, choices={"learning_rate": [0.01], "batch_size": [8],
                                                                     "dropout": [0.0], "units": [4]})
    folds = validation_folds(y, 0)
    assert len(seen) == len(folds) == 3                         # one prediction of each fold, no test split
    truth = np.concatenate([y[va] for _, va in folds])
    classes = seen[0][0]
    assert all(list(c) == list(classes) for c, _ in seen)
    oof = np.concatenate([p for _, p in seen]).astype(np.float64)
    t = clf.tuning_
    assert t["objective"] == "out-of-fold validation log loss"
    assert t["best_value"] == pytest.approx(log_loss(truth, oof, labels=classes), rel=1e-9)
    assert t["refit"]["validation_log_loss"] == pytest.approx(t["best_value"], rel=1e-12)
    assert t["refit"]["validation_accuracy"] == pytest.approx(accuracy_score(truth, classes[oof.argmax(1)]))
    assert t["refit"]["validation_examples"] == len(y)


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_a_fold_is_never_trained_on_and_its_per_epoch_loss_is_measured_on_the_side():
    X, y = _data()
    search = SequenceClassifierSearch()
    task = SequenceClassifier("gru", units=4, epochs=3, batch_size=8, seed=0)
    (fit_data, validation), *_ = search.holdout(task, X, y)
    heard = []
    listen = lambda score, epoch, may_prune: heard.append((epoch, score, may_prune))
    with search.pruning_scores(task, validation)(listen):
        value, info = search.fit_trial(task, fit_data, validation)
    plain = SequenceClassifier("gru", units=4, epochs=3, batch_size=8, seed=0).fit(*fit_data)
    np.testing.assert_array_equal(task.predict_proba(validation[0]), plain.predict_proba(validation[0]))
    assert [e for e, _, _ in heard] == [0, 1, 2] and all(m for _, _, m in heard)   # explicit epochs: no floor
    last = log_loss(validation[1], plain.predict_proba(validation[0]).astype(np.float64), labels=plain.classes_)
    assert heard[-1][1] == pytest.approx(last, rel=1e-5) and value == pytest.approx(last, rel=1e-5)
    assert info["examples"] == len(validation[1]) and info["epochs_run"] == 3


def test_the_pruner_may_stop_an_adaptive_trial_only_after_the_budgets_floor_of_steps(monkeypatch):
    from seqlab.train import budget

    monkeypatch.setattr(budget, "DEFAULT_RULE", dataclasses.replace(budget.DEFAULT_RULE, min_steps=24, patience=2,
                                                                    max_epochs=12))
    X, y = _data()
    search = SequenceClassifierSearch()
    task = SequenceClassifier("gru", units=4, batch_size=8, seed=0)          # epochs=None: the adaptive budget
    (fit_data, validation), *_ = search.holdout(task, X, y)
    heard = []
    with search.pruning_scores(task, validation)(lambda score, epoch, may_prune: heard.append((epoch, may_prune))):
        search.fit_trial(task, fit_data, validation)
    steps_per_epoch = -(-len(fit_data[1]) // 8)                              # 30 series in batches of 8: 4
    assert len(heard) >= 24 // steps_per_epoch
    assert all(m == ((e + 1) * steps_per_epoch >= 24) for e, m in heard)
