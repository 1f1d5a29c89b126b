"""Metrics by name, accumulated over a whole epoch (never averaged per batch).

``accuracy, precision, recall, f1, auc, mae, mse, rmse, mape``. Sum-type metrics keep running
tensors on the device (no host sync per batch); ranking/count metrics (precision, recall, f1,
auc) keep the epoch's predictions and hand them to scikit-learn once at the end.

Predictions are probabilities (the Trainer applies sigmoid/softmax first for ``from_logits``
losses). Classification metrics read the task from the shapes, as Keras does for "accuracy":
one output -> binary (threshold 0.5); targets with the prediction's shape -> one-hot
(argmax); targets without the class axis -> integer labels. Multi-class precision/recall/f1 are
macro averages; multi-class auc is one-vs-rest macro.

>>> import torch
>>> m = get_metric("mae")
>>> m.update(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 0.0]))
>>> m.result()
2.0
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.train.losses import EPSILON, match_rank, target_like


class Metric:
    """Base: ``update(pred, target)`` per batch, ``result() -> float`` per epoch, ``reset()``."""

    name = "metric"

    def reset(self) -> None:
        raise ConfigError(f"{type(self).__name__} must define reset")

    def update(self, pred: torch.Tensor, target: torch.Tensor) -> None:
        raise ConfigError(f"{type(self).__name__} must define update")

    def result(self) -> float:
        raise ConfigError(f"{type(self).__name__} must define result")

    def sync(self) -> None:
        """Combine the states of all distributed ranks (called once per epoch under torchrun)."""


class _Mean(Metric):
    """Mean of an element-wise value over every element seen in the epoch.

    Each batch appends one on-device partial sum; they are added up (in float64) in ``result``.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.sums, self.count = [], 0

    def values(self, pred, target) -> torch.Tensor:
        return self.elementwise(pred, target_like(pred, target))

    def batch_sum(self, pred, target) -> tuple[torch.Tensor, int]:
        v = self.values(pred, target)
        return v.sum(), v.numel()

    def update(self, pred, target):
        s, n = self.batch_sum(pred.detach(), target)
        self.sums.append(s)
        self.count += n

    def total(self) -> torch.Tensor:
        if not self.sums:
            return torch.zeros((), dtype=torch.float64)
        return torch.stack(self.sums).double().sum()

    def sync(self):
        import torch.distributed as dist

        total = self.total()
        both = torch.stack([total, torch.tensor(float(self.count), dtype=torch.float64, device=total.device)])
        dist.all_reduce(both)
        self.sums, self.count = [both[0]], int(both[1].item())

    def result(self):
        return float(self.total()) / self.count if self.count else float("nan")


class MAE(_Mean):
    name = "mae"

    def elementwise(self, pred, target):
        return (pred - target).abs()

    def batch_sum(self, pred, target):  # one fused kernel
        target = target_like(pred, target)
        return F.l1_loss(pred, target, reduction="sum"), pred.numel()


class MSE(_Mean):
    name = "mse"

    def elementwise(self, pred, target):
        return (pred - target).square()

    def batch_sum(self, pred, target):
        target = target_like(pred, target)
        return F.mse_loss(pred, target, reduction="sum"), pred.numel()


class RMSE(MSE):
    """``sqrt`` of the epoch's mean squared error."""

    name = "rmse"

    def result(self):
        return float(np.sqrt(super().result()))


class MAPE(_Mean):
    """``100 * mean(|y - p| / max(|y|, 1e-7))`` (Keras's definition)."""

    name = "mape"

    def elementwise(self, pred, target):
        return 100.0 * (target - pred).abs() / target.abs().clamp(min=EPSILON)


def class_labels(pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, bool]:
    """``(predicted labels, true labels, binary?)`` flattened over all non-class axes."""
    if pred.dim() == 1 or pred.shape[-1] == 1:
        target = match_rank(pred, target)
        return (pred > 0.5).long().reshape(-1), target.reshape(-1).round().long(), True
    if target.shape == pred.shape:
        return pred.argmax(-1).reshape(-1), target.argmax(-1).reshape(-1), False
    if target.dim() == pred.dim() and target.shape[-1] == 1:
        target = target.squeeze(-1)
    return pred.argmax(-1).reshape(-1), target.reshape(-1).long(), False


class Accuracy(_Mean):
    """Fraction of correct labels (binary, one-hot or integer targets; see module doc)."""

    name = "accuracy"

    def values(self, pred, target):
        guess, truth, _ = class_labels(pred, target)
        return (guess == truth).to(torch.float32)


class _Collected(Metric):
    """Keeps the epoch's probabilities and targets; scikit-learn computes ``result``."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.preds, self.targets = [], []

    def update(self, pred, target):
        self.preds.append(pred.detach())
        self.targets.append(target.detach())

    def sync(self):
        import torch.distributed as dist

        mine = (self.arrays(),)
        gathered = [None] * dist.get_world_size()
        dist.all_gather_object(gathered, mine[0])
        p = np.concatenate([g[0] for g in gathered])
        y = np.concatenate([g[1] for g in gathered])
        self.preds, self.targets = [torch.from_numpy(p)], [torch.from_numpy(y)]

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return (torch.cat(self.preds).cpu().numpy(), torch.cat(self.targets).cpu().numpy())

    def result(self):
        if not self.preds:
            return float("nan")
        return float(self.score(torch.cat(self.preds).cpu(), torch.cat(self.targets).cpu()))


class _LabelScore(_Collected):
    score_name = ""  # the scikit-learn function, imported when first needed (sklearn loads slowly)

    def score(self, pred, target):
        from sklearn import metrics as skm

        guess, truth, binary = class_labels(pred, target)
        return getattr(skm, self.score_name)(truth.numpy(), guess.numpy(),
                                             average="binary" if binary else "macro", zero_division=0)


class Precision(_LabelScore):
    name, score_name = "precision", "precision_score"


class Recall(_LabelScore):
    name, score_name = "recall", "recall_score"


class F1(_LabelScore):
    name, score_name = "f1", "f1_score"


class AUC(_Collected):
    """Area under the ROC curve (one-vs-rest macro for several classes); nan with one class."""

    name = "auc"

    def score(self, pred, target):
        from sklearn import metrics as skm

        _, truth, binary = class_labels(pred, target)
        if len(np.unique(truth.numpy())) < 2:
            return float("nan")
        if binary:
            return skm.roc_auc_score(truth.numpy(), pred.reshape(-1).numpy())
        probs = pred.reshape(-1, pred.shape[-1]).double()
        probs = probs / probs.sum(-1, keepdim=True)
        return skm.roc_auc_score(truth.numpy(), probs.numpy(), multi_class="ovr",
                                 labels=np.arange(pred.shape[-1]))


class EpochMetrics:
    """Feeds an epoch's batches to ``metrics`` a chunk at a time instead of batch by batch.

    ``add(pred, target)`` only keeps the (detached) tensors; every ``limit`` prediction elements,
    when the batch shape changes, and at ``flush()`` the kept batches are concatenated and each
    metric is updated once, so the per-batch cost is one list append whatever the metrics are.
    ``to_probs`` maps raw predictions to what the metrics expect (e.g. a sigmoid for logits).

    >>> acc = EpochMetrics([get_metric("mae")])
    >>> acc.add(torch.tensor([[1.0]]), torch.tensor([0.0])); acc.add(torch.tensor([[3.0]]), torch.tensor([0.0]))
    >>> acc.flush(); acc.metrics[0].result()
    2.0
    """

    def __init__(self, metrics: list, to_probs=None, limit: int = 1 << 20):
        self.metrics, self.to_probs, self.limit = metrics, to_probs, limit
        self.preds, self.targets, self.size = [], [], 0

    def add(self, pred: torch.Tensor, target: torch.Tensor) -> None:
        """Keep one batch's predictions and targets (a model with several outputs: update at once)."""
        if not isinstance(pred, torch.Tensor):
            for m in self.metrics:
                m.update(tuple(p.detach() for p in pred), target)
            return
        if self.preds and (pred.shape[1:] != self.preds[-1].shape[1:]
                           or target.shape[1:] != self.targets[-1].shape[1:]):
            self.flush()
        self.preds.append(pred.detach())
        self.targets.append(target)
        self.size += pred.numel()
        if self.size >= self.limit:
            self.flush()

    def flush(self) -> None:
        """Update every metric with the batches kept so far."""
        if not self.preds:
            return
        pred = self.preds[0] if len(self.preds) == 1 else torch.cat(self.preds)
        target = self.targets[0] if len(self.targets) == 1 else torch.cat(self.targets)
        self.preds, self.targets, self.size = [], [], 0
        if self.to_probs is not None:
            pred = self.to_probs(pred)
        for m in self.metrics:
            m.update(pred, target)


METRICS = {"accuracy": Accuracy, "acc": Accuracy, "precision": Precision, "recall": Recall, "f1": F1,
           "auc": AUC, "mae": MAE, "mean_absolute_error": MAE, "mse": MSE, "mean_squared_error": MSE,
           "rmse": RMSE, "mape": MAPE, "mean_absolute_percentage_error": MAPE}


def get_metric(metric) -> Metric:
    """A fresh ``Metric`` from a name or a ``Metric`` instance.

    >>> get_metric("accuracy").name
    'accuracy'
    """
    if isinstance(metric, Metric):
        return metric
    if isinstance(metric, str) and metric.lower() in METRICS:
        m = METRICS[metric.lower()]()
        m.name = metric.lower() if metric.lower() != "acc" else "accuracy"
        return m
    raise ConfigError(f"unknown metric {metric!r}; choose from: {', '.join(sorted(METRICS))}")
