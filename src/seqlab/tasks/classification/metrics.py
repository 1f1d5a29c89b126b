"""Held-out scores of a classifier, and the same scores of the majority-class baseline.

``classification_metrics`` returns accuracy, macro precision / recall / F1, per-class precision /
recall / F1 / support, ROC-AUC (binary: of the second class's probability; multi-class:
one-vs-rest macro) and the confusion matrix (rows true, columns predicted, in ``labels`` order).

>>> m = classification_metrics(["a", "b", "b"], ["a", "b", "a"], labels=["a", "b"])
>>> m["accuracy"], m["per_class"]["b"]["recall"]
(0.6666666666666666, 0.5)
"""
from __future__ import annotations

import numpy as np
from sklearn import metrics as skm

from seqlab.io.errors import DataError


def classification_metrics(y_true, y_pred, labels, proba=None) -> dict:
    """Scores of predictions ``y_pred`` against ``y_true`` (1-D label arrays of equal length).

    Args:
        labels: every class, in the order of ``proba``'s columns and of the confusion matrix.
        proba: optional ``(n, len(labels))`` class probabilities, for ROC-AUC.

    Returns a JSON-friendly dict (floats, lists, nested dicts).
    """
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    labels = list(labels)
    if len(y_true) != len(y_pred):
        raise DataError(f"{len(y_true)} true labels but {len(y_pred)} predictions")
    if len(y_true) == 0:
        raise DataError("no examples to score; the test split is empty")
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out = {
        "n": int(len(y_true)),
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "precision_macro": float(np.mean(p)),
        "recall_macro": float(np.mean(r)),
        "f1_macro": float(np.mean(f)),
        "per_class": {str(c): {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                               "support": int(s[i])} for i, c in enumerate(labels)},
        "confusion_matrix": skm.confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "labels": [str(c) for c in labels],
    }
    out["roc_auc"] = None
    present = set(np.unique(y_true).tolist())
    if proba is not None and len(present) >= 2:
        proba = np.asarray(proba, dtype=np.float64)
        if len(labels) == 2:
            out["roc_auc"] = float(skm.roc_auc_score(y_true == labels[1], proba[:, 1]))
        elif present == set(labels):
            # classes as column numbers: sklearn wants ``labels`` sorted, and the task's class order ("1" .. "10"
            # in numeric order, or labels of mixed types) need not be sorted
            column = {c: i for i, c in enumerate(labels)}
            rows = proba / np.clip(proba.sum(axis=1, keepdims=True), 1e-12, None)
            out["roc_auc"] = float(skm.roc_auc_score([column[v] for v in y_true.tolist()], rows, multi_class="ovr",
                                                     labels=np.arange(len(labels))))
    return out


def majority_baseline(y_train, y_test, labels) -> dict:
    """``classification_metrics`` of always predicting the most frequent training class (ties:
    the first in ``labels``), with the training class frequencies as its probabilities."""
    y_train = np.asarray(y_train).ravel()
    labels = list(labels)
    counts = np.array([(y_train == c).sum() for c in labels], dtype=np.float64)
    majority = labels[int(np.argmax(counts))]
    n = len(np.asarray(y_test).ravel())
    proba = np.tile(counts / counts.sum(), (n, 1))
    out = classification_metrics(y_test, np.full(n, majority, dtype=object), labels, proba)
    out["predicts"] = str(majority)
    return out


def mcnemar(y_true, model_pred, baseline_pred) -> dict:
    """Do the model and the baseline differ in accuracy on the same test examples beyond chance? McNemar's
    exact test: of the examples only one of the two gets right (``model_only``, ``baseline_only``), how
    unlikely is a split this uneven if each were equally likely to be the one (a two-sided binomial test).

    Returns ``{"model_only", "baseline_only", "p_value", "examples"}`` (p = 1 when they disagree nowhere).

    >>> r = mcnemar(["a"] * 12, ["a"] * 12, ["a"] * 2 + ["b"] * 10)
    >>> r["model_only"], r["baseline_only"], round(r["p_value"], 4)
    (10, 0, 0.002)
    """
    from scipy import stats

    y = np.asarray(y_true, dtype=object).ravel().astype(str)
    right_model = np.asarray(model_pred, dtype=object).ravel().astype(str) == y
    right_base = np.asarray(baseline_pred, dtype=object).ravel().astype(str) == y
    b, c = int(np.sum(right_model & ~right_base)), int(np.sum(~right_model & right_base))
    p = 1.0 if b + c == 0 else float(stats.binomtest(b, b + c, 0.5).pvalue)
    return {"model_only": b, "baseline_only": c, "p_value": p, "examples": int(len(y))}


def summary_row(metrics: dict, positive: str | None = None) -> dict:
    """The headline numbers of a metrics dict: accuracy, macro F1, ROC-AUC, and the F1 of
    ``positive`` (e.g. ``spam``) when given."""
    row = {"accuracy": metrics["accuracy"], "f1_macro": metrics["f1_macro"], "roc_auc": metrics.get("roc_auc")}
    if positive is not None and positive in metrics["per_class"]:
        row[f"f1_{positive}"] = metrics["per_class"][positive]["f1"]
    return row


def _runs(labels: np.ndarray, background) -> list[tuple[int, int, object]]:
    """``(start, end, label)`` of every maximal run of equal non-background labels (end exclusive)."""
    runs, start = [], 0
    for t in range(1, len(labels) + 1):
        if t == len(labels) or labels[t] != labels[start]:
            if labels[start] != background:
                runs.append((start, t, labels[start]))
            start = t
    return runs


def event_scores(y_true, y_pred, background) -> dict:
    """Event-level scores of per-step labels (seed 004's event detection).

    An event is a maximal run of equal labels other than ``background`` in one sequence. A true
    event counts as *detected* if any of its steps is predicted as an event (any non-background
    label), and as *detected with its type* if any step is predicted as its own label. A predicted
    event that touches no true event is a *false alarm*.

    Args:
        y_true, y_pred: lists of 1-D label arrays, one pair per sequence (equal lengths per pair).
        background: the label of "no event".

    Returns ``{"events", "detected", "recall", "recall_typed", "predicted_events", "false_alarms",
    "precision"}`` (recall/precision None when there is nothing to divide by).

    >>> event_scores([np.array([0, 1, 1, 0, 2, 2])], [np.array([0, 0, 1, 0, 0, 0])], background=0)["recall"]
    0.5
    """
    events = detected = typed = predicted = false_alarms = 0
    for truth, pred in zip(y_true, y_pred):
        truth, pred = np.asarray(truth, dtype=object).ravel(), np.asarray(pred, dtype=object).ravel()
        if len(truth) != len(pred):
            raise DataError(f"a sequence has {len(truth)} true step labels but {len(pred)} predictions")
        flagged, true_event = pred != background, truth != background
        for start, end, label in _runs(truth, background):
            events += 1
            detected += bool(flagged[start:end].any())
            typed += bool((pred[start:end] == label).any())
        for start, end, _ in _runs(pred, background):
            predicted += 1
            false_alarms += not bool(true_event[start:end].any())
    return {"events": events, "detected": detected, "recall": detected / events if events else None,
            "recall_typed": typed / events if events else None, "predicted_events": predicted,
            "false_alarms": false_alarms,
            "precision": (predicted - false_alarms) / predicted if predicted else None}
