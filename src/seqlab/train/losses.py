"""Losses by name, with Keras semantics (seed 002's BCE/MSE, seed 003's cross-entropy).

Every loss is a ``Loss``: ``per_sample(pred, target)`` gives one value per sample (shape
``(batch,)``) and calling it gives the batch loss, optionally weighted per sample. Reductions,
as in Keras:

- per sample: mean over every non-batch axis (``mse``, ``mae``, ``huber``,
  ``binary_crossentropy``, ``quantile``); cross-entropies sum over the class axis and average
  over any remaining axes (e.g. time steps).
- per batch: ``sum(per_sample * sample_weight) / batch`` (Keras's "sum over batch size"); with no
  weights that is the plain mean. So ``mse`` is the mean over all elements, and seed 003's
  "MSE = 0.76 / 3 = 0.2533" (squared error summed over the two outputs, averaged over rows) is
  2 x ``mse`` = 2 x 0.1267.

Probabilistic losses take probabilities by default (``from_logits=False``), clipped to
``[1e-7, 1 - 1e-7]`` like Keras; pass ``from_logits=True`` for raw scores.

>>> import torch
>>> p = torch.tensor([[.9, .1], [.1, .9], [.4, .6]]); y = torch.tensor([[1., 0], [0, 1], [1, 0]])
>>> round(float(get_loss("categorical_crossentropy")(p, y)), 4)   # seed 003: 1.1271 / 3
0.3757
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError, DataError

EPSILON = 1e-7  # Keras's backend epsilon: probabilities are clipped to [eps, 1 - eps]
_NO_INDEX = -(2 ** 62)  # nll_loss's ignore_index set to a label nobody uses (its default -100 skips a label)


def match_rank(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``target`` reshaped to ``pred``'s rank when they differ by a trailing axis of size 1.

    ``y`` of shape ``(batch,)`` against predictions ``(batch, 1)`` becomes ``(batch, 1)`` (Keras
    does the same); any other mismatch raises DataError instead of broadcasting silently.
    """
    if target.dim() == pred.dim() - 1 and pred.shape[-1] == 1:
        target = target.unsqueeze(-1)
    elif target.dim() == pred.dim() + 1 and target.shape[-1] == 1:
        target = target.squeeze(-1)
    if target.shape != pred.shape:
        raise DataError(f"targets of shape {tuple(target.shape)} do not match predictions of shape "
                        f"{tuple(pred.shape)}; reshape y to the model's output shape")
    return target


def target_like(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``match_rank(pred, target)`` in ``pred``'s dtype (no cast when it already is)."""
    target = match_rank(pred, target)
    return target if target.dtype == pred.dtype else target.to(pred.dtype)


def _mean_per_sample(values: torch.Tensor) -> torch.Tensor:
    return values.reshape(values.shape[0], -1).mean(dim=1) if values.dim() > 1 else values


class Loss:
    """A loss: ``loss(pred, target, sample_weight=None) -> scalar tensor``.

    Subclasses implement ``per_sample(pred, target) -> (batch,)``. ``from_logits`` tells metrics
    whether predictions are probabilities (False) or raw scores (True).
    """

    name = "loss"
    from_logits = False

    def per_sample(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return _mean_per_sample(self.elementwise(pred, target_like(pred, target)))

    def elementwise(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise ConfigError(f"{type(self).__name__} must define per_sample or elementwise")

    def __call__(self, pred: torch.Tensor, target: torch.Tensor,
                 sample_weight: torch.Tensor | None = None) -> torch.Tensor:
        if sample_weight is None:
            return self.mean(pred, target)
        values = self.per_sample(pred, target)
        return (values * sample_weight).sum() / values.shape[0]

    def mean(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """The unweighted batch loss (subclasses may use one fused torch kernel)."""
        return self.per_sample(pred, target).mean()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """``mean((pred - target)^2)`` per sample (seed 002's MSE)."""

    name = "mse"

    def elementwise(self, pred, target):
        return (pred - target).square()

    def mean(self, pred, target):  # every sample has the same size, so this is the mean of means
        return F.mse_loss(pred, target_like(pred, target))


class MeanAbsoluteError(Loss):
    """``mean(|pred - target|)`` per sample."""

    name = "mae"

    def elementwise(self, pred, target):
        return (pred - target).abs()

    def mean(self, pred, target):
        return F.l1_loss(pred, target_like(pred, target))


class Huber(Loss):
    """``0.5 e^2`` where ``|e| <= delta``, else ``delta (|e| - 0.5 delta)``; mean per sample."""

    name = "huber"

    def __init__(self, delta: float = 1.0):
        self.delta = float(delta)

    def elementwise(self, pred, target):
        return F.huber_loss(pred, target, reduction="none", delta=self.delta)


class BinaryCrossentropy(Loss):
    """``-(y log p + (1 - y) log(1 - p))``, mean per sample (seed 002's BCE).

    ``pred`` holds probabilities (clipped to [1e-7, 1-1e-7]) or logits with ``from_logits=True``.
    """

    name = "binary_crossentropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def elementwise(self, pred, target, reduction="none"):
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(pred, target, reduction=reduction)
        return F.binary_cross_entropy(pred.clamp(EPSILON, 1.0 - EPSILON), target, reduction=reduction)

    def mean(self, pred, target):  # one fused kernel; equal sample sizes make it the mean of means
        target = target_like(pred, target)
        if self.from_logits:
            return F.binary_cross_entropy_with_logits(pred, target)
        return F.binary_cross_entropy(pred.clamp(EPSILON, 1.0 - EPSILON), target)


class CategoricalCrossentropy(Loss):
    """``-sum_k y_k log p_k`` over the last (class) axis for one-hot ``y`` (seed 003's H(p, q)).

    Probabilities are renormalised to sum to 1 and clipped, as Keras does; averaged over any
    axes between batch and class (e.g. time steps).
    """

    name = "categorical_crossentropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def per_sample(self, pred, target):
        target = target_like(pred, target)
        if self.from_logits:
            log_p = pred.log_softmax(dim=-1)
        else:
            p = pred / pred.sum(dim=-1, keepdim=True)
            log_p = p.clamp(EPSILON, 1.0 - EPSILON).log()
        return _mean_per_sample(-(target * log_p).sum(dim=-1))


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer class labels: ``-log p[label]``.

    ``pred`` is ``(batch, ..., classes)``; ``target`` is ``(batch, ...)`` integer labels (a
    trailing axis of size 1 is accepted).
    """

    name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits: bool = False):
        self.from_logits = from_logits

    def per_sample(self, pred, target):
        if target.dim() == pred.dim() and target.shape[-1] == 1:
            target = target.squeeze(-1)
        if target.shape != pred.shape[:-1]:
            raise DataError(f"sparse labels of shape {tuple(target.shape)} do not match predictions "
                            f"{tuple(pred.shape)}; labels need the prediction shape without the "
                            "class axis (use categorical_crossentropy for one-hot targets)")
        return _mean_per_sample(-self._log_probs(pred).gather(-1, target.long().unsqueeze(-1)).squeeze(-1))

    def _log_probs(self, pred):
        if self.from_logits:
            return pred.log_softmax(dim=-1)
        p = pred / pred.sum(dim=-1, keepdim=True)
        return p.clamp(EPSILON, 1.0 - EPSILON).log()

    def mean(self, pred, target):  # nll_loss gathers, negates and averages in one kernel
        if target.dim() == pred.dim() and target.shape[-1] == 1:
            target = target.squeeze(-1)
        if target.shape != pred.shape[:-1] or target.is_floating_point():
            return self.per_sample(pred, target).mean()  # float labels, or a shape error to report
        log_p = self._log_probs(pred).reshape(-1, pred.shape[-1])
        return F.nll_loss(log_p, target.reshape(-1).long(), ignore_index=_NO_INDEX)


class QuantileLoss(Loss):
    """Pinball loss for quantile forecasts: ``max(q e, (q - 1) e)`` with ``e = y - pred``.

    ``pred`` is ``(batch, ..., len(quantiles))``; ``target`` is ``(batch, ...)`` (or with a trailing
    axis of 1) and is compared with every quantile. Mean per sample over all axes.

    >>> loss = QuantileLoss([0.1, 0.5, 0.9])
    >>> round(float(loss(torch.zeros(1, 3), torch.ones(1))), 4)  # e = 1: (0.1 + 0.5 + 0.9) / 3
    0.5
    """

    name = "quantile"

    def __init__(self, quantiles: Sequence[float] = (0.5,)):
        self.quantiles = [float(q) for q in quantiles]
        if not self.quantiles or not all(0.0 < q < 1.0 for q in self.quantiles):
            raise ConfigError(f"quantiles must be in (0, 1), got {list(quantiles)}")

    def per_sample(self, pred, target):
        q = torch.tensor(self.quantiles, dtype=pred.dtype, device=pred.device)
        if pred.shape[-1] != len(self.quantiles):
            raise DataError(f"quantile loss expects a last axis of {len(self.quantiles)} quantiles, "
                            f"got predictions of shape {tuple(pred.shape)}")
        if target.dim() == pred.dim() and target.shape[-1] == 1:
            target = target.squeeze(-1)
        if target.shape != pred.shape[:-1]:
            raise DataError(f"targets of shape {tuple(target.shape)} do not match quantile predictions "
                            f"{tuple(pred.shape)} (expected {tuple(pred.shape[:-1])})")
        e = target.to(pred.dtype).unsqueeze(-1) - pred
        return _mean_per_sample(torch.maximum(q * e, (q - 1.0) * e))


def quantile_loss(quantiles: Sequence[float]) -> QuantileLoss:
    """The pinball loss over ``quantiles`` (e.g. ``[0.1, 0.5, 0.9]``); see ``QuantileLoss``."""
    return QuantileLoss(quantiles)


class CallableLoss(Loss):
    """Wraps a user's ``fn(pred, target) -> scalar``; it cannot weight samples."""

    def __init__(self, fn: Callable):
        self.fn = fn
        self.name = getattr(fn, "__name__", "loss")

    def per_sample(self, pred, target):
        raise ConfigError(f"loss {self.name!r} is a plain function and gives no per-sample values; "
                          "class_weight needs a named seqlab loss")

    def __call__(self, pred, target, sample_weight=None):
        if sample_weight is not None:
            self.per_sample(pred, target)
        return self.fn(pred, target)


LOSSES = {
    "mse": MeanSquaredError, "mean_squared_error": MeanSquaredError,
    "mae": MeanAbsoluteError, "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber, "huber_loss": Huber,
    "binary_crossentropy": BinaryCrossentropy, "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "quantile": QuantileLoss, "pinball": QuantileLoss,
}


def get_loss(loss) -> Loss:
    """A ``Loss`` from a name (``"mse"``, ``"binary_crossentropy"``, ...), a ``Loss`` or a callable.

    >>> get_loss("mean_squared_error").name
    'mse'
    """
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        cls = LOSSES.get(loss.lower())
        if cls is None:
            raise ConfigError(f"unknown loss {loss!r}; choose one of: {', '.join(sorted(LOSSES))}")
        return cls()
    if callable(loss):
        return CallableLoss(loss)
    raise ConfigError(f"loss must be a name or a function(pred, target), got {type(loss).__name__}")
