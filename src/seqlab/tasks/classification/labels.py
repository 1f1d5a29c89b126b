"""Class labels keep the type they were given in: one rule for every classifier.

``fit(X, y)`` with int labels predicts ints, with strings strings, also after save and load:

- ``label_array(y)``: the labels as one flat array of one kind, numbers (``bool``, ``int64``,
  ``float64``) or text (an object array of ``str``); NaN, None and a mix of numbers and text
  are a ``DataError``.
- ``fit_classes(labels)``: the sorted distinct labels, ``classes_`` (numbers by value, text in
  natural order: ``"2"`` before ``"10"``, the rest alphabetically).
- ``label_index(classes, labels)``: each label's position in ``classes``.
- ``classes_to_json`` / ``classes_from_json``: ``classes_`` through config.json (JSON keeps int,
  float, bool and str; NumPy scalars become Python ones).

>>> classes = fit_classes(label_array([3, 1, 3, 10]))
>>> classes, label_index(classes, [10, 1]).tolist()
(array([ 1,  3, 10]), [2, 0])
>>> classes_from_json(classes_to_json(classes))
array([ 1,  3, 10])
>>> fit_classes(label_array(["b", "a", "b"]))
array(['a', 'b'], dtype=object)
"""
from __future__ import annotations

import numbers

import numpy as np

from seqlab.io.errors import DataError, names_listed


def _kind(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "missing"
    if isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, complex):
        return "number"
    return "text"


def label_array(y) -> np.ndarray:
    """``y`` (list, array, Series; ``(n,)`` or ``(n, 1)``) as a flat array of labels of one kind."""
    raw = np.asarray(y)
    if raw.ndim > 1 and not (raw.ndim == 2 and raw.shape[1] == 1):
        raise DataError(f"labels must be one per sample, got shape {raw.shape}")
    raw = raw.ravel()
    if raw.dtype.kind in "biuf":
        if raw.dtype.kind == "f" and not np.isfinite(raw).all():
            raise DataError("labels hold NaN or infinite values; drop those rows")
        return raw.astype({"b": bool, "i": np.int64, "u": np.int64, "f": np.float64}[raw.dtype.kind])
    values = np.asarray(y, dtype=object).ravel().tolist()
    kinds = {_kind(v) for v in values}
    if "missing" in kinds:
        raise DataError("labels hold missing values (None or NaN); drop those rows")
    if kinds == {"number", "text"}:
        raise DataError("labels mix numbers and text; give one type of label")
    if kinds == {"number"}:
        return label_array(np.asarray([v.item() if isinstance(v, np.generic) else v for v in values]))
    return np.array([str(v) for v in values], dtype=object)


def _natural_key(label):
    """Numbers by value; text that reads as a number by that number (2 before 10), other text alphabetically."""
    if not isinstance(label, str):
        return (0, float(label), "")
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label)


def fit_classes(labels: np.ndarray) -> np.ndarray:
    """The distinct labels of ``label_array`` output, sorted; DataError for fewer than two, and for labels that
    are measurements rather than classes (``is_continuous``, scikit-learn's "Unknown label type: continuous")."""
    classes = sorted(set(labels.tolist()), key=_natural_key)
    if len(classes) < 2:
        raise DataError(f"the training labels hold one class only ({classes[0] if classes else 'none'}); "
                        "a classifier needs examples of at least two classes")
    if is_continuous(classes, len(labels)):
        raise DataError(f"the training labels are measurements, not classes: {len(classes)} distinct numbers in "
                        f"{len(labels)} examples ({names_listed(classes, 3)}); a classifier needs labels that repeat "
                        "(numbers to predict are a regression: TabularRegressor, or seqlab forecast)")
    return _class_array(classes)


def is_continuous(classes: list, n: int) -> bool:
    """Distinct labels ``classes`` of ``n`` examples are measurements: all numbers (or texts of numbers), some
    not whole, and more distinct values than half the examples. Classes written as decimals (``1.0``, ``2.0``)
    and a few fractional classes (``0.5``, ``1.5``) stay classes.

    >>> is_continuous(["-9.51e-02", "5.98e-01", "8.52e-01"], 3), is_continuous([1.0, 2.0, 3.0], 3)
    (True, False)
    >>> is_continuous([0.5, 1.5], 40), is_continuous(["a", "b", "c"], 3)
    (False, False)
    """
    try:
        values = np.array([float(c) for c in classes], dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return len(classes) > n / 2 and bool(np.isfinite(values).all()) and not bool((values == np.round(values)).all())


def label_index(classes: np.ndarray, y) -> np.ndarray:
    """Positions of the labels ``y`` in ``classes``; DataError names labels not seen in training."""
    index = {c: i for i, c in enumerate(classes.tolist())}
    labels = label_array(y).tolist()
    unknown = sorted({v for v in labels if v not in index}, key=str)
    if unknown:
        raise DataError(f"labels {unknown[:5]} were not seen in training; known: "
                        f"{names_listed(classes.tolist(), 20)}")
    return np.array([index[v] for v in labels], dtype=np.int64)


def python_label(value):
    """One label as a JSON-friendly Python value (NumPy scalars become int, float, bool or str)."""
    return value.item() if isinstance(value, np.generic) else value


def classes_to_json(classes: np.ndarray) -> list:
    return [python_label(c) for c in classes.tolist()]


def classes_from_json(values: list) -> np.ndarray:
    """``classes_`` from config.json (also the string lists of earlier releases)."""
    return _class_array(list(values))


def _class_array(values: list) -> np.ndarray:
    if all(isinstance(v, str) for v in values):
        return np.array(values, dtype=object)
    return label_array(values)


class ClassLabels:
    """Mixin for a classifier task: ``_fit_labels(y)`` learns ``classes_`` (in the type given) and
    returns each label's class index; ``_label_index(y)`` maps labels of the fitted classes. A
    classifier to scikit-learn (stratified folds in ``cross_val_score``), with its ``score``."""

    _estimator_type = "classifier"

    def score(self, X, y, sample_weight=None) -> float:
        """The share of ``X`` whose predicted label is ``y`` (weighted by ``sample_weight`` if given):
        scikit-learn's classifier ``score``, what ``cross_val_score`` and ``GridSearchCV`` rank by
        when given no ``scoring``. Returns a float in [0, 1]."""
        from sklearn.metrics import accuracy_score

        return float(accuracy_score(label_array(y), self.predict(X), sample_weight=sample_weight))

    def _fit_labels(self, y) -> np.ndarray:
        labels = label_array(y)
        self.classes_ = fit_classes(labels)
        return label_index(self.classes_, labels)

    def _label_index(self, y) -> np.ndarray:
        return label_index(self.classes_, y)
