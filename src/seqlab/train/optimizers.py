"""Optimisers by name, with Keras's default settings, built on ``torch.optim``.

Seed 002: "Adaptive algorithm used in optimization: Adam, Adadelta, Adagrad, RMSProp"; plain,
momentum and Nesterov SGD. Full-batch, mini-batch and per-sample SGD differ only in batch size.

An optimiser is given as a name (``"adam"``), a spec (``SGD(learning_rate=0.1, momentum=0.9,
nesterov=True)``) or a ready ``torch.optim.Optimizer``. Names and specs are built only when the
trainable parameters are known, so a recompile after freezing layers picks up the change.

| name     | torch class | Keras defaults used                                   |
|----------|-------------|-------------------------------------------------------|
| sgd      | SGD         | lr 0.01, momentum 0, nesterov False                   |
| adam     | Adam        | lr 0.001, betas (0.9, 0.999), eps 1e-7                |
| adamw    | AdamW       | lr 0.001, betas (0.9, 0.999), eps 1e-7, weight_decay 0.004 |
| rmsprop  | RMSprop     | lr 0.001, rho 0.9, eps 1e-7, momentum 0               |
| adagrad  | Adagrad     | lr 0.001, initial_accumulator_value 0.1, eps 1e-7     |
| adadelta | Adadelta    | lr 0.001, rho 0.95, eps 1e-7                          |

The update equations are torch's (Adam's epsilon is added to ``sqrt(v_hat)`` as in the paper;
Keras adds it to ``sqrt(v)``, a difference far below 1e-6 after the first steps).

Speed: unless a spec says ``foreach=`` or ``fused=``, sgd, adam, adamw and adagrad use torch's
fused kernel (one call updates every weight; on CPU about 4x faster per step than torch's
default per-tensor loop, which dominates the step time of small networks) and rmsprop and
adadelta the ``foreach`` kernels. The results equal the per-tensor loop's up to float rounding.

>>> import torch
>>> w = torch.nn.Parameter(torch.ones(2))
>>> opt = build_optimizer("adam", [w])
>>> type(opt).__name__, opt.param_groups[0]["lr"]
('Adam', 0.001)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import torch

from seqlab.io.errors import ConfigError

# name -> (torch class, Keras-default keyword arguments in torch's names)
OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {"lr": 0.01, "momentum": 0.0, "nesterov": False}),
    "adam": (torch.optim.Adam, {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-7}),
    "adamw": (torch.optim.AdamW, {"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-7, "weight_decay": 0.004}),
    "rmsprop": (torch.optim.RMSprop, {"lr": 0.001, "alpha": 0.9, "eps": 1e-7, "momentum": 0.0}),
    "adagrad": (torch.optim.Adagrad, {"lr": 0.001, "initial_accumulator_value": 0.1, "eps": 1e-7}),
    "adadelta": (torch.optim.Adadelta, {"lr": 0.001, "rho": 0.95, "eps": 1e-7}),
}

FUSED = ("sgd", "adam", "adamw", "adagrad")  # torch has a fused kernel for these (CPU and CUDA)

# Keras argument names -> torch's
_KERAS_NAMES = {"learning_rate": "lr", "epsilon": "eps", "beta_1": None, "beta_2": None}


@dataclass
class OptimizerSpec:
    """An optimiser not yet bound to parameters: a name from ``OPTIMIZERS`` and its settings.

    Settings use Keras or torch names (``learning_rate`` or ``lr``, ``epsilon`` or ``eps``,
    ``beta_1``/``beta_2`` or ``betas``, ``rho`` for RMSprop's ``alpha``).

    >>> OptimizerSpec("sgd", {"learning_rate": 0.1, "momentum": 0.9}).build([torch.zeros(1)]).defaults["lr"]
    0.1
    """

    name: str
    settings: dict = field(default_factory=dict)

    def build(self, params: Iterable[torch.Tensor], lr: float | None = None) -> torch.optim.Optimizer:
        """The torch optimiser over ``params``; ``lr`` (if given) overrides the learning rate."""
        key = self.name.lower()
        if key not in OPTIMIZERS:
            raise ConfigError(f"unknown optimizer {self.name!r}; choose one of: {', '.join(OPTIMIZERS)}")
        cls, kwargs = OPTIMIZERS[key]
        kwargs = dict(kwargs)
        betas = list(kwargs.get("betas", (0.9, 0.999)))
        for k, v in self.settings.items():
            if k == "beta_1":
                betas[0] = v
            elif k == "beta_2":
                betas[1] = v
            elif k == "rho" and key == "rmsprop":
                kwargs["alpha"] = v
            else:
                kwargs[_KERAS_NAMES.get(k) or k] = v
        if "betas" in kwargs:
            kwargs["betas"] = tuple(kwargs["betas"]) if "betas" in self.settings else tuple(betas)
        if lr is not None:
            kwargs["lr"] = float(lr)
        params = list(params)
        if not params:
            raise ConfigError("the model has no trainable parameters; set trainable=True on a layer "
                              "or build the model before training")
        if "fused" not in kwargs and "foreach" not in kwargs:
            try:
                return cls(params, **kwargs, **_fast_kernel(key, params))
            except (TypeError, ValueError, RuntimeError):
                pass  # e.g. a parameter type the fused kernel does not take: use torch's default
        try:
            return cls(params, **kwargs)
        except (TypeError, ValueError) as err:
            raise ConfigError(f"bad setting for optimizer {self.name!r}: {err}") from None


def _fast_kernel(name: str, params: list) -> dict:
    """``{"fused": True}`` or ``{"foreach": True}`` when every parameter is a dense float tensor on
    a CPU or CUDA device; ``{}`` otherwise."""
    tensors = [p for p in params if isinstance(p, torch.Tensor)]
    if len(tensors) != len(params) or not all(
            p.is_floating_point() and not p.is_sparse and p.device.type in ("cpu", "cuda") for p in tensors):
        return {}
    return {"fused": True} if name in FUSED else {"foreach": True}


def SGD(learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **kw) -> OptimizerSpec:
    """Stochastic gradient descent: ``v = m v + g; w -= lr v`` (Nesterov: ``w -= lr (g + m v)``)."""
    return OptimizerSpec("sgd", {"lr": learning_rate, "momentum": momentum, "nesterov": nesterov, **kw})


def Adam(learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
         epsilon: float = 1e-7, **kw) -> OptimizerSpec:
    """Adam: bias-corrected first/second moment estimates (Kingma and Ba)."""
    return OptimizerSpec("adam", {"lr": learning_rate, "betas": (beta_1, beta_2), "eps": epsilon, **kw})


def AdamW(learning_rate: float = 0.001, weight_decay: float = 0.004, **kw) -> OptimizerSpec:
    """Adam with decoupled weight decay: ``w -= lr * weight_decay * w`` before the Adam step."""
    return OptimizerSpec("adamw", {"lr": learning_rate, "weight_decay": weight_decay, **kw})


def RMSprop(learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7, **kw) -> OptimizerSpec:
    """RMSprop: ``v = rho v + (1 - rho) g^2; w -= lr g / (sqrt(v) + eps)``."""
    return OptimizerSpec("rmsprop", {"lr": learning_rate, "rho": rho, "eps": epsilon, **kw})


def Adagrad(learning_rate: float = 0.001, initial_accumulator_value: float = 0.1,
            epsilon: float = 1e-7, **kw) -> OptimizerSpec:
    """Adagrad: ``a += g^2; w -= lr g / (sqrt(a) + eps)``."""
    return OptimizerSpec("adagrad", {"lr": learning_rate, "initial_accumulator_value": initial_accumulator_value,
                                     "eps": epsilon, **kw})


def Adadelta(learning_rate: float = 0.001, rho: float = 0.95, epsilon: float = 1e-7, **kw) -> OptimizerSpec:
    """Adadelta: step ``sqrt(u + eps) / sqrt(v + eps) g`` scaled by ``lr``, with running averages."""
    return OptimizerSpec("adadelta", {"lr": learning_rate, "rho": rho, "eps": epsilon, **kw})


def build_optimizer(optimizer, params: Iterable[torch.Tensor], lr: float | None = None) -> torch.optim.Optimizer:
    """A torch optimiser from a name, an ``OptimizerSpec``, a torch optimiser class, or an instance.

    Args:
        optimizer: ``"adam"`` etc., ``SGD(momentum=0.9)``, ``torch.optim.Adam`` (class), or a ready
            ``torch.optim.Optimizer`` (used as given; ``params`` are then ignored).
        params: the trainable parameters.
        lr: overrides the learning rate when given.
    Returns:
        a ``torch.optim.Optimizer``.
    """
    if isinstance(optimizer, torch.optim.Optimizer):
        if lr is not None:
            for group in optimizer.param_groups:
                group["lr"] = float(lr)
        return optimizer
    if isinstance(optimizer, str):
        optimizer = OptimizerSpec(optimizer)
    if isinstance(optimizer, OptimizerSpec):
        return optimizer.build(params, lr)
    if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer(list(params), **({} if lr is None else {"lr": float(lr)}))
    raise ConfigError(f"optimizer must be a name ({', '.join(OPTIMIZERS)}), a spec such as "
                      f"SGD(momentum=0.9), or a torch optimizer; got {type(optimizer).__name__}")
