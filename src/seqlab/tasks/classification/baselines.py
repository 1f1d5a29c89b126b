"""Strong classification baselines computed in the same run as the model they are compared with.

- Numeric series: **1-nearest-neighbour** on series brought to one length (each series linearly
  resampled to the longest training length, channels side by side), Euclidean distance, or
  dynamic time warping (``metric="dtw"``, with a Sakoe-Chiba band of ``window`` of the length).
- Texts: **TF-IDF + logistic regression** (scikit-learn: word 1-2-grams, sublinear term
  frequency, ``C=20``).

Each returns the ``classification_metrics`` of its predictions plus ``"name"`` (and, with
``predictions=True``, the predictions too, for a paired test against the model:
``seqlab.tasks.classification.metrics.mcnemar``); ``verdict`` words the comparison the reports print.

>>> import numpy as np
>>> train = [np.zeros(5), np.ones(5), np.zeros(4)]
>>> nearest_neighbour_baseline(train, ["a", "b", "a"], [np.full(6, 0.9)], ["b"])["accuracy"]
1.0
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError
from seqlab.tasks.classification.metrics import classification_metrics
from seqlab.tasks.classification.tfidf_logistic import PLAIN_TOKENS, TFIDF_C, fit_tfidf
from seqlab.tasks.verdicts import verdict  # noqa: F401  (the reports' wording, re-exported)

NN_METRICS = ("euclidean", "dtw")


def _as_2d(series) -> list[np.ndarray]:
    out = []
    for s in series:
        a = np.asarray(s, dtype=np.float64)
        out.append(a[:, None] if a.ndim == 1 else a)
    return out


def resample(series, length: int) -> np.ndarray:
    """Series (each ``(time,)`` or ``(time, channels)``) linearly resampled to ``length`` steps:
    ``(n, length, channels)``.

    >>> resample([np.array([0.0, 2.0])], 3)[0, :, 0].tolist()
    [0.0, 1.0, 2.0]
    """
    rows = []
    for s in _as_2d(series):
        if len(s) == length:
            rows.append(s)
            continue
        old = np.linspace(0.0, 1.0, len(s)) if len(s) > 1 else np.zeros(1)
        new = np.linspace(0.0, 1.0, length)
        rows.append(np.stack([np.interp(new, old, s[:, c]) for c in range(s.shape[1])], axis=1))
    return np.stack(rows)


def _dtw_to_all(query: np.ndarray, refs: np.ndarray, band: int) -> np.ndarray:
    """DTW distances (squared-error cost, summed over channels) from ``query (L, C)`` to each of ``refs (n, L, C)``."""
    n, length = refs.shape[0], refs.shape[1]
    inf = np.inf
    prev = np.full((n, length + 1), inf)
    prev[:, 0] = 0.0
    for i in range(1, length + 1):
        cur = np.full((n, length + 1), inf)
        lo, hi = max(1, i - band), min(length, i + band)
        cost = ((refs[:, lo - 1:hi, :] - query[i - 1][None, None, :]) ** 2).sum(-1)
        for j in range(lo, hi + 1):
            best = np.minimum(np.minimum(prev[:, j], prev[:, j - 1]), cur[:, j - 1])
            cur[:, j] = cost[:, j - lo] + best
        prev = cur
    return np.sqrt(prev[:, length])


def nearest_neighbour_predict(train_series, train_y, test_series, metric: str = "euclidean",
                              window: float = 0.1) -> np.ndarray:
    """1-NN labels of ``test_series`` among ``train_series`` (ties: the first training series)."""
    if metric not in NN_METRICS:
        raise ConfigError(f"nearest-neighbour metric must be one of {', '.join(NN_METRICS)}, got {metric!r}")
    train_y = np.asarray(train_y).ravel()
    length = max(len(s) for s in _as_2d(train_series))
    a, b = resample(train_series, length), resample(test_series, length)
    if metric == "euclidean":
        fa, fb = a.reshape(len(a), -1), b.reshape(len(b), -1)
        d = (fb ** 2).sum(1)[:, None] - 2 * fb @ fa.T + (fa ** 2).sum(1)[None, :]
        return train_y[d.argmin(axis=1)]
    band = max(1, int(round(window * length)))
    return train_y[[int(_dtw_to_all(q, a, band).argmin()) for q in b]]


def nearest_neighbour_baseline(train_series, train_y, test_series, test_y, metric: str = "euclidean",
                               window: float = 0.1, predictions: bool = False):
    """Test scores of 1-NN (``metric`` ``"euclidean"`` or ``"dtw"``); ``classification_metrics`` + ``"name"``
    (``(scores, predicted labels)`` with ``predictions``)."""
    pred = nearest_neighbour_predict(train_series, train_y, test_series, metric, window)
    test_y = np.asarray(test_y).ravel()
    labels = sorted(set(np.asarray(train_y).ravel().tolist()) | set(test_y.tolist()), key=str)
    out = classification_metrics(test_y, pred, labels)
    out["name"] = "1-NN Euclidean" if metric == "euclidean" else f"1-NN DTW (window {window:g})"
    return (out, np.asarray(pred, dtype=object)) if predictions else out


def tfidf_baseline(train_texts, train_y, test_texts, test_y, C: float = TFIDF_C, predictions: bool = False):
    """Test scores of TF-IDF (word 1-2-grams, sublinear tf) + logistic regression; ``classification_metrics``
    + ``"name"`` (``(scores, predicted labels)`` with ``predictions``). Texts without words of two letters are
    read as ``fit_tfidf`` says (the name then says which tokens).

    >>> tfidf_baseline(["free prize", "see you", "win prize", "lunch at noon"], ["s", "h", "s", "h"],
    ...                ["prize now"], ["s"])["accuracy"]
    1.0
    """
    train_y = np.asarray(train_y, dtype=object).ravel().astype(str)
    tokens, vectorizer, features, model = fit_tfidf(train_texts, C)   # TextClassifier's linear member's too
    model.fit(features, train_y)
    pred = model.predict(vectorizer.transform(list(test_texts)))
    test_y = np.asarray(test_y, dtype=object).ravel().astype(str)
    labels = sorted(set(train_y.tolist()) | set(test_y.tolist()))
    out = classification_metrics(test_y, pred, labels)
    out["name"] = "TF-IDF + logistic regression" + ("" if tokens in PLAIN_TOKENS else f" ({tokens})")
    return (out, np.asarray(pred, dtype=object)) if predictions else out
