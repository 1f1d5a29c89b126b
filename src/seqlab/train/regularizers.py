"""L1/L2 weight penalties and the hook through which modules add them to the loss; constraints.

Layers given ``kernel_regularizer=...`` and friends (``seqlab.nn.penalties``) report their
penalties through ``layer_penalty()``; their constraints are applied by ``apply_constraints(model)``
after each optimiser step.

Any module (a seqlab layer, a task's model, a plain ``torch.nn.Module``) contributes penalty
terms by defining ``regularization_loss() -> scalar tensor``; the Trainer adds
``regularization_loss(model)`` (the sum over all modules) to every training batch's loss, as
Keras adds a layer's ``kernel_regularizer`` losses. ``add_weight_penalty`` attaches a penalty to
chosen weights of an existing module without touching its class.

>>> import torch
>>> lin = torch.nn.Linear(2, 1, bias=False)
>>> with torch.no_grad(): _ = lin.weight.fill_(2.0)
>>> add_weight_penalty(lin, "weight", L2(0.01))
>>> round(regularization_loss(lin).item(), 6)   # 0.01 * (4 + 4)
0.08
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.penalties import L1, L1L2, L2, get_regularizer
from seqlab.train.callbacks import Callback

__all__ = ["L1", "L2", "L1L2", "get_regularizer", "add_weight_penalty", "regularization_loss",
           "has_regularization", "apply_constraints", "has_constraints", "penalty_logs", "PenaltyLog"]


class _Penalties:
    """What ``add_weight_penalty`` stores on a module: (weight name, penalty) pairs."""

    def __init__(self):
        self.items: list[tuple[str, object]] = []


def add_weight_penalty(module: torch.nn.Module, weight_name: str, penalty) -> None:
    """Make ``penalty(module.<weight_name>)`` part of ``regularization_loss(module)``.

    Args:
        module: any module holding the weight.
        weight_name: attribute name, e.g. ``"kernel"`` or ``"weight"``.
        penalty: ``L1``/``L2``/``L1L2``, a name or any callable tensor -> scalar.
    """
    if not isinstance(getattr(module, weight_name, None), torch.Tensor):
        raise ConfigError(f"{type(module).__name__} has no weight {weight_name!r}")
    store = module.__dict__.setdefault("_seqlab_penalties", _Penalties())
    store.items.append((weight_name, get_regularizer(penalty)))


def regularization_loss(model: torch.nn.Module) -> torch.Tensor | None:
    """Sum of every module's ``regularization_loss()`` and attached penalties; None if there are none."""
    total = None
    for module in model.modules():
        terms = []
        hook = getattr(type(module), "regularization_loss", None)
        if callable(hook):
            terms.append(module.regularization_loss())
        if getattr(module, "has_penalties", False) or getattr(module, "_activity_penalty", None) is not None:
            terms.append(module.layer_penalty())
        store = module.__dict__.get("_seqlab_penalties")
        if store is not None:
            terms += [penalty(getattr(module, name)) for name, penalty in store.items]
        for term in terms:
            if term is not None:
                total = term if total is None else total + term
    return total


def has_regularization(model: torch.nn.Module) -> bool:
    """True if any module of ``model`` can contribute a penalty (checked once per fit)."""
    return any(callable(getattr(type(m), "regularization_loss", None)) or "_seqlab_penalties" in m.__dict__
               or getattr(m, "has_penalties", False) for m in model.modules())


def has_constraints(model: torch.nn.Module) -> bool:
    """True if any layer of ``model`` has a weight constraint (checked once per fit)."""
    return any(getattr(m, "has_constraints", False) for m in model.modules())


def apply_constraints(model: torch.nn.Module) -> None:
    """Project every constrained weight of ``model`` onto its constraint (after an optimiser step)."""
    for module in model.modules():
        if getattr(module, "has_constraints", False):
            module.apply_constraints()


def penalty_logs(model: torch.nn.Module) -> dict:
    """``{"regularization": total penalty}`` now (shown in a History), or ``{}`` without penalties."""
    if not has_regularization(model):
        return {}
    with torch.no_grad():
        total = regularization_loss(model)
    return {} if total is None else {"regularization": float(total)}


class PenaltyLog(Callback):
    """Adds ``"regularization"`` (the layers' total penalty at the end of each epoch, already part of
    ``"loss"``) to the epoch's logs, so a History shows how much of the loss the penalties are."""

    def on_epoch_end(self, epoch: int, logs=None):
        if logs is not None and self.trainer is not None:
            logs.update(penalty_logs(self.trainer.model))
