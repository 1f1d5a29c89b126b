"""Weight penalties and constraints as layer arguments (Keras's ``kernel_regularizer``,
``recurrent_regularizer``, ``bias_regularizer``, ``activity_regularizer``, ``kernel_constraint``,
``recurrent_constraint``, ``bias_constraint``).

A penalty is ``L1L2(l1, l2)``: ``l1 * sum(|w|) + l2 * sum(w^2)`` (Keras's, no factor 1/2). A layer
with penalties reports them through ``layer_penalty()``, which ``seqlab.train`` adds to every
training batch's loss; an activity penalty is taken on the layer's output of the last training batch and
divided by its batch size, as Keras 3 does. A constraint maps a weight to an allowed one
(``MaxNorm``, ``NonNeg``, ``UnitNorm``, ``MinMaxNorm``); the trainer calls
``apply_constraints()`` after every optimiser step. Specs are names (``"l2"``, ``"max_norm"``),
dicts (``{"l2": 0.01}``, ``{"class_name": "MaxNorm", "max_value": 2}``) or the objects, and are
stored in a layer's config as dicts, so saved models keep them.

>>> import torch
>>> round(float(L2(0.01)(torch.full((2, 2), 2.0))), 6)   # 0.01 * 4 * 4
0.16
>>> MaxNorm(1.0)(torch.tensor([[3.0], [4.0]])).flatten().tolist()   # column norm 5 -> 1
[0.6000000238418579, 0.800000011920929]
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError

EPSILON = 1e-7  # Keras's epsilon in the norm constraints


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
        return L1L2(**{k: v for k, v in spec.items() if k in ("l1", "l2")})
    named = {"l1": lambda: L1(), "l2": lambda: L2(), "l1_l2": lambda: L1L2(0.01, 0.01)}
    if isinstance(spec, str) and spec.lower() in named:
        return named[spec.lower()]()
    raise ConfigError(f"unknown regularizer {spec!r}; use 'l1', 'l2', 'l1_l2' or L1L2(l1=.., l2=..)")


# ----- constraints ---------------------------------------------------------------------------
class Constraint:
    """Maps a weight to the nearest allowed one; ``axis`` is the axis the norms are taken over
    (Keras's default 0: each column of a ``(in, units)`` kernel is one unit's incoming weights)."""

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"class_name": type(self).__name__, **{k: v for k, v in vars(self).items()}}


def _norms(w: torch.Tensor, axis) -> torch.Tensor:
    return w.square().sum(dim=axis, keepdim=True).sqrt()


class MaxNorm(Constraint):
    """Rescales each unit's weights so their L2 norm is at most ``max_value``."""

    def __init__(self, max_value: float = 2.0, axis: int = 0):
        self.max_value, self.axis = float(max_value), axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (norms.clamp(0, self.max_value) / (EPSILON + norms))


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        return w.clamp(min=0)


class UnitNorm(Constraint):
    """Rescales each unit's weights to L2 norm 1."""

    def __init__(self, axis: int = 0):
        self.axis = axis

    def __call__(self, w):
        return w / (EPSILON + _norms(w, self.axis))


class MinMaxNorm(Constraint):
    """Moves each unit's norm ``n`` to ``rate * clip(n, min_value, max_value) + (1 - rate) * n``."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int = 0):
        self.min_value, self.max_value, self.rate, self.axis = float(min_value), float(max_value), float(rate), axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * norms.clamp(self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (EPSILON + norms))


CONSTRAINTS = {"max_norm": MaxNorm, "MaxNorm": MaxNorm, "non_neg": NonNeg, "NonNeg": NonNeg,
               "unit_norm": UnitNorm, "UnitNorm": UnitNorm, "min_max_norm": MinMaxNorm, "MinMaxNorm": MinMaxNorm}


def get_constraint(spec) -> Constraint | None:
    """A constraint from None, a name (``"max_norm"``, ``"non_neg"``, ``"unit_norm"``, ``"min_max_norm"``),
    a dict ``{"class_name": "MaxNorm", "max_value": 3}`` or a ``Constraint``."""
    if spec is None or isinstance(spec, Constraint):
        return spec
    if isinstance(spec, str) and spec in CONSTRAINTS:
        return CONSTRAINTS[spec]()
    if isinstance(spec, dict) and spec.get("class_name") in CONSTRAINTS:
        try:
            return CONSTRAINTS[spec["class_name"]](**{k: v for k, v in spec.items() if k != "class_name"})
        except TypeError as e:
            raise ConfigError(f"constraint {spec!r} does not fit: {e}") from None
    raise ConfigError(f"unknown constraint {spec!r}; use one of max_norm, non_neg, unit_norm, min_max_norm")


def _spec(obj):
    """A penalty or constraint as a JSON-friendly config value."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return obj.get_config()
    raise ConfigError("only L1L2 penalties and seqlab constraints can be saved with a layer")


PENALTY_ARGS = ("kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                "kernel_constraint", "recurrent_constraint", "bias_constraint")


class WeightPenalties:
    """Mixin (listed before ``Layer``) for layers that take Keras's regularizer and constraint arguments.

    ``take_penalties(kwargs)`` pops them from a constructor's ``kwargs`` (before
    ``super().__init__(**kwargs)``); ``get_config`` adds them. The weights are found by name on
    ``penalty_owner()`` (the layer, or the cell of a recurrent layer): ``kernel``,
    ``recurrent_kernel``, ``bias``. ``has_penalties``/``has_constraints`` tell the trainer whether
    to ask this layer at all, so layers without them cost nothing per batch.
    """

    penalties: dict = {}
    has_penalties = False
    has_constraints = False
    _activity_penalty = None

    def take_penalties(self, kwargs: dict) -> None:
        penalties = {}
        for name in PENALTY_ARGS:
            spec = kwargs.pop(name, None)
            penalties[name] = get_constraint(spec) if name.endswith("constraint") else get_regularizer(spec)
        self.penalties = {k: v for k, v in penalties.items() if v is not None}
        self.has_penalties = any(k.endswith("regularizer") for k in self.penalties)
        self.has_constraints = any(k.endswith("constraint") for k in self.penalties)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({name: _spec(obj) for name, obj in self.penalties.items()})
        return cfg

    def penalty_owner(self):
        return self

    def _penalised(self, kind: str):
        owner = self.penalty_owner()
        for weight in ("kernel", "recurrent", "bias"):
            obj = self.penalties.get(f"{weight}_{kind}")
            tensor = getattr(owner, "recurrent_kernel" if weight == "recurrent" else weight, None)
            if obj is not None and isinstance(tensor, torch.Tensor):
                yield obj, tensor

    def __call__(self, *args, **kwargs):
        out = super().__call__(*args, **kwargs)
        activity = self.penalties.get("activity_regularizer")
        if activity is not None:
            outs = out if isinstance(out, (list, tuple)) else [out]
            self._activity_penalty = None
            if self.training and all(isinstance(o, torch.Tensor) for o in outs):
                self._activity_penalty = sum(activity(o) / o.shape[0] for o in outs)
        return out

    def layer_penalty(self) -> torch.Tensor | None:
        """The sum of this layer's weight penalties, plus its activity penalty from the last training
        batch (Keras 3: the penalty of the output divided by the batch size); None when it has none."""
        terms = [penalty(w) for penalty, w in self._penalised("regularizer")]
        if self._activity_penalty is not None:
            terms.append(self._activity_penalty)
        return sum(terms[1:], terms[0]) if terms else None

    @torch.no_grad()
    def apply_constraints(self) -> None:
        """Project the constrained weights in place (the trainer calls it after each optimiser step)."""
        for constraint, w in self._penalised("constraint"):
            w.copy_(constraint(w))
