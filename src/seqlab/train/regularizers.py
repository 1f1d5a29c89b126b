"""L1/L2 weight penalties and the hook through which modules add them to the loss.

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


class L1L2:
    """Penalty ``l1 * sum(|w|) + l2 * sum(w^2)`` (Keras's ``L1L2``). Call it on a weight tensor."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        if l1 < 0 or l2 < 0:
            raise ConfigError(f"regularisation factors must be >= 0, got l1={l1}, l2={l2}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        out = w.new_zeros(())
        if self.l1:
            out = out + self.l1 * w.abs().sum()
        if self.l2:
            out = out + self.l2 * w.square().sum()
        return out

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


def L1(l1: float = 0.01) -> L1L2:
    """``l1 * sum(|w|)``."""
    return L1L2(l1=l1)


def L2(l2: float = 0.01) -> L1L2:
    """``l2 * sum(w^2)`` (Keras's ``l2``; note: no factor 1/2)."""
    return L1L2(l2=l2)


def get_regularizer(spec) -> L1L2 | None:
    """A penalty from None, ``"l1"``, ``"l2"``, ``"l1_l2"``, a dict ``{"l1": .., "l2": ..}`` or a callable."""
    if spec is None or callable(spec):
        return spec
    if isinstance(spec, dict):
        return L1L2(**spec)
    named = {"l1": lambda: L1(), "l2": lambda: L2(), "l1_l2": lambda: L1L2(0.01, 0.01)}
    if isinstance(spec, str) and spec.lower() in named:
        return named[spec.lower()]()
    raise ConfigError(f"unknown regularizer {spec!r}; use 'l1', 'l2', 'l1_l2' or L1L2(l1=.., l2=..)")


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
               for m in model.modules())
