"""Losses and metrics for a model with several outputs (Keras's ``compile(loss=[...], loss_weights=[...])``).

The model returns a tuple of predictions and ``y`` is a list of targets, one per output. The total
loss is ``sum(weight_i * loss_i(pred_i, y_i))``; each output's own loss and metrics are reported
under the output's name (``"<output>_loss"``, ``"<output>_mae"``), as Keras names them in a History.

>>> import torch
>>> loss = MultiOutputLoss(["mse", "mae"], [1.0, 0.5])
>>> float(loss((torch.ones(2, 1), torch.zeros(2, 3)), (torch.zeros(2, 1), torch.ones(2, 3))))
1.5
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.train.losses import Loss, get_loss
from seqlab.train.metrics import Metric, get_metric


def _check(pred, target, n: int):
    if not isinstance(pred, (tuple, list)) or len(pred) != n:
        raise ConfigError(f"the model has {n} outputs but returned {type(pred).__name__}")
    if not isinstance(target, (tuple, list)) or len(target) != n:
        raise ConfigError(f"the model has {n} outputs; give y as a list of {n} arrays (or a dict by output name)")


class MultiOutputLoss(Loss):
    """``sum(weights[i] * losses[i](pred[i], target[i]))`` over the outputs."""

    name = "loss"

    def __init__(self, losses: list, weights: list[float] | None = None):
        self.losses = [get_loss(spec) for spec in losses]
        self.weights = [1.0] * len(self.losses) if weights is None else [float(w) for w in weights]
        if len(self.weights) != len(self.losses):
            raise ConfigError(f"loss_weights has {len(self.weights)} entries for {len(self.losses)} outputs")

    def __call__(self, pred, target, sample_weight=None) -> torch.Tensor:
        _check(pred, target, len(self.losses))
        total = None
        for loss, w, p, t in zip(self.losses, self.weights, pred, target):
            term = w * loss(p, t, sample_weight)
            total = term if total is None else total + term
        return total


class OutputLoss(Metric):
    """The loss of output ``index`` alone, averaged over the epoch's samples (``<output>_loss``)."""

    def __init__(self, loss, index: int, name: str):
        self.loss, self.index, self.name = get_loss(loss), index, name
        self.reset()

    def reset(self):
        self.total, self.count = 0.0, 0

    @torch.no_grad()
    def update(self, pred, target):
        p, t = pred[self.index], target[self.index]
        self.total += float(self.loss(p, t)) * p.shape[0]
        self.count += p.shape[0]

    def result(self) -> float:
        return self.total / max(self.count, 1)


class OutputMetric(Metric):
    """A metric on output ``index`` only, reported as ``<output>_<metric>``."""

    def __init__(self, metric, index: int, output_name: str):
        self.metric, self.index = get_metric(metric), index
        self.name = f"{output_name}_{self.metric.name}"

    def reset(self):
        self.metric.reset()

    def update(self, pred, target):
        self.metric.update(pred[self.index], target[self.index])

    def result(self) -> float:
        return self.metric.result()

    def sync(self) -> None:
        self.metric.sync()


def per_output(spec, names: list[str], what: str) -> list:
    """One entry per output from a single spec, a list (in output order) or a dict by output name."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ConfigError(f"{what} names outputs {sorted(unknown)}; the outputs are {names}")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)):
        if len(spec) != len(names):
            raise ConfigError(f"{what} has {len(spec)} entries for {len(names)} outputs ({names})")
        return list(spec)
    return [spec] * len(names)
