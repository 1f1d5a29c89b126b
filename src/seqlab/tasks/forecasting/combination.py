"""A forecast combined with a baseline (Bates & Granger 1969): ``w * model + (1 - w) * baseline``.

The weight ``w`` of each target minimises the squared error of the combination over a set of
forecasts whose outcomes are known (the validation windows), clipped to ``[0, 1]``. With ``d = model
- baseline`` and ``e = actual - baseline`` the least-squares weight is ``sum(d * e) / sum(d * d)``;
``w = 0`` is the baseline alone, ``w = 1`` the model alone. With first differences the baseline is the
naive forecast and the combination shrinks the network's predicted change toward zero.

``prior_windows=k`` shrinks the weight further toward the baseline, ``w * n / (n + k)`` for ``n`` windows:
the least-squares weight with a ridge penalty of ``k`` windows' mean spread, ``sum(d * e) / (sum(d * d) + k *
sum(d * d) / n)``, as if ``k`` more windows had shown no gain from the model. On a few windows the weight
is mostly noise; on hundreds the factor is close to 1.

>>> import numpy as np
>>> model, baseline = np.array([[[2.0]], [[4.0]]]), np.array([[[0.0]], [[0.0]]])
>>> combination_weights(model, baseline, actual=np.array([[[1.0]], [[2.0]]]))
array([0.5])
>>> combine(model, baseline, np.array([0.5]))[:, 0, 0]
array([1., 2.])
>>> combination_weights(model, baseline, actual=np.array([[[1.0]], [[2.0]]]), prior_windows=2)   # 0.5 * 2 / 4
array([0.25])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError, DataError

# the least-squares weight times n / (n + COMBINATION_PRIOR_WINDOWS) for n validation windows: on the development
# rows of 17 series (seeds 0, 1, 2) it lowered the worst case (car sales 1.10 -> 1.005, writing paper 1.08 -> 1.05)
# and beat the strong baseline on one or two series more; 10 cost the series where the network is good, and
# keeping w only when a t or Diebold-Mariano test found it significant turned wins into ties
# (benchmarks/choose_forecast_defaults.py, 2026-12-07;
# panels: benchmarks/choose_panel_defaults.py). The test rows, scored once afterwards: worst 1.28 -> 1.18,
# geometric mean of 16 series 0.883 -> 0.893 (benchmarks/defaults.py)
COMBINATION_PRIOR_WINDOWS = 5


def combination_weights(model, baseline, actual, prior_windows: float = 0) -> np.ndarray:
    """The weight of ``model`` per target, in ``[0, 1]``, that minimises the squared error of
    ``w * model + (1 - w) * baseline`` against ``actual``, times ``n / (n + prior_windows)`` for ``n`` windows.

    Args:
        model, baseline, actual: ``(windows, horizon, targets)`` forecasts and outcomes, data units.
        prior_windows: how many windows' worth of doubt pull the weight toward the baseline (0: none).

    Returns:
        ``(targets,)`` float64 weights; ``n / (n + prior_windows)`` (1 without doubt) for a target on which
        the two forecasts never differ.

    Raises:
        DataError: shapes that differ, or no windows.
        ConfigError: a negative ``prior_windows``.

    >>> m, b, a = np.ones((3, 1, 1)), np.zeros((3, 1, 1)), np.full((3, 1, 1), 0.8)
    >>> combination_weights(m, b, a).round(3), combination_weights(m, b, a, prior_windows=1).round(3)
    (array([0.8]), array([0.6]))
    """
    model, baseline, actual = (np.asarray(a, dtype=np.float64) for a in (model, baseline, actual))
    if not model.shape == baseline.shape == actual.shape or model.ndim != 3:
        raise DataError(f"model, baseline and actual must be (windows, horizon, targets) of one shape; got "
                        f"{model.shape}, {baseline.shape}, {actual.shape}")
    if not len(model):
        raise DataError("no windows to choose a combination weight on")
    if not prior_windows >= 0:
        raise ConfigError(f"prior_windows must be >= 0, got {prior_windows!r}")
    d, e = model - baseline, actual - baseline
    spread = np.sum(d * d, axis=(0, 1))                        # (targets,)
    fit = np.sum(d * e, axis=(0, 1))
    w = np.divide(fit, spread, out=np.ones_like(spread), where=spread > 0)
    n = len(model)
    return np.clip(w, 0.0, 1.0) * (n / (n + prior_windows))


def weight_text(w: float) -> str:
    """A combination weight for a label: two decimals, or three significant digits where two decimals would
    round a weight short of 1 up to 1.00 (or one above 0 down to 0.00).

    >>> weight_text(0.31), weight_text(0.9989), weight_text(1.0), weight_text(0.0004)
    ('0.31', '0.999', '1.00', '0.0004')
    """
    return f"{w:.2f}" if w in (0.0, 1.0) or 0.0 < round(w, 2) < 1.0 else f"{w:.3g}"


def combine(model, baseline, weights) -> np.ndarray:
    """``weights * model + (1 - weights) * baseline``, the weights along the last (targets) axis of
    ``(..., targets)`` forecasts (written as ``baseline + w * (model - baseline)``)."""
    model, baseline = np.asarray(model, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    return baseline + np.asarray(weights, dtype=np.float64) * (model - baseline)
