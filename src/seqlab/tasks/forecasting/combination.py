"""A forecast combined with a baseline (Bates & Granger 1969): ``w * model + (1 - w) * baseline``.

The weight ``w`` of each target minimises the squared error of the combination over a set of
forecasts whose outcomes are known (the validation windows), clipped to ``[0, 1]``. With ``d = model
- baseline`` and ``e = actual - baseline`` the least-squares weight is ``sum(d * e) / sum(d * d)``;
``w = 0`` is the baseline alone, ``w = 1`` the model alone. With first differences the baseline is the
naive forecast and the combination shrinks the network's predicted change toward zero.

>>> import numpy as np
>>> model, baseline = np.array([[[2.0]], [[4.0]]]), np.array([[[0.0]], [[0.0]]])
>>> combination_weights(model, baseline, actual=np.array([[[1.0]], [[2.0]]]))
array([0.5])
>>> combine(model, baseline, np.array([0.5]))[:, 0, 0]
array([1., 2.])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import DataError


def combination_weights(model, baseline, actual) -> np.ndarray:
    """The weight of ``model`` per target, in ``[0, 1]``, that minimises the squared error of
    ``w * model + (1 - w) * baseline`` against ``actual``.

    Args:
        model, baseline, actual: ``(windows, horizon, targets)`` forecasts and outcomes, data units.

    Returns:
        ``(targets,)`` float64 weights; 1 for a target on which the two forecasts never differ.

    Raises:
        DataError: shapes that differ, or no windows.
    """
    model, baseline, actual = (np.asarray(a, dtype=np.float64) for a in (model, baseline, actual))
    if not model.shape == baseline.shape == actual.shape or model.ndim != 3:
        raise DataError(f"model, baseline and actual must be (windows, horizon, targets) of one shape; got "
                        f"{model.shape}, {baseline.shape}, {actual.shape}")
    if not len(model):
        raise DataError("no windows to choose a combination weight on")
    d, e = model - baseline, actual - baseline
    spread = np.sum(d * d, axis=(0, 1))                        # (targets,)
    fit = np.sum(d * e, axis=(0, 1))
    w = np.divide(fit, spread, out=np.ones_like(spread), where=spread > 0)
    return np.clip(w, 0.0, 1.0)


def combine(model, baseline, weights) -> np.ndarray:
    """``weights * model + (1 - weights) * baseline``, the weights along the last (targets) axis of
    ``(..., targets)`` forecasts (written as ``baseline + w * (model - baseline)``)."""
    model, baseline = np.asarray(model, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    return baseline + np.asarray(weights, dtype=np.float64) * (model - baseline)
