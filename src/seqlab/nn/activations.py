"""Activations by name, with the course's definitions (seed 002).

``get_activation(name)`` returns a function of a tensor; ``prelu`` and ``maxout`` have learned
or structural state, so they are layers (:class:`PReLU`, :class:`Maxout`) and are not looked up here.

>>> import torch
>>> get_activation("relu")(torch.tensor([-1.0, 2.0]))
tensor([0., 2.])
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError

Activation = Callable[[torch.Tensor], torch.Tensor]


def linear(x: torch.Tensor) -> torch.Tensor:
    """f(x) = x."""
    return x


def threshold(x: torch.Tensor) -> torch.Tensor:
    """Step function: 1 where x >= 0, else 0 (the perceptron's activation)."""
    return (x >= 0).to(x.dtype)


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """1 / (1 + e^-x)."""
    return torch.sigmoid(x)


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Piecewise-linear sigmoid, Keras's definition: clip(0.2 x + 0.5, 0, 1)."""
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """(e^x - e^-x) / (e^x + e^-x)."""
    return torch.tanh(x)


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x)."""
    return torch.relu(x)


def leaky_relu(x: torch.Tensor, alpha: float = 0.01) -> torch.Tensor:
    """x where x > 0, else alpha x (alpha 0.01, seed 002)."""
    return F.leaky_relu(x, alpha)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """x where x > 0, else alpha (e^x - 1)."""
    return F.elu(x, alpha)


def selu(x: torch.Tensor) -> torch.Tensor:
    """lambda * elu(x, alpha) with the self-normalising constants."""
    return F.selu(x)


def swish(x: torch.Tensor) -> torch.Tensor:
    """x * sigmoid(x) (also called silu)."""
    return F.silu(x)


def softmax(x: torch.Tensor) -> torch.Tensor:
    """e^x_i / sum_j e^x_j over the last axis."""
    return torch.softmax(x, dim=-1)


def softplus(x: torch.Tensor) -> torch.Tensor:
    """log(1 + e^x)."""
    return F.softplus(x)


ACTIVATIONS: dict[str, Activation] = {
    "linear": linear, "threshold": threshold, "step": threshold, "sigmoid": sigmoid,
    "hard_sigmoid": hard_sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
    "elu": elu, "selu": selu, "swish": swish, "silu": swish, "softmax": softmax,
    "softplus": softplus,
}


def get_activation(name: str | Callable | None) -> Activation:
    """The activation called ``name`` (None means linear); a callable is returned as it is."""
    if name is None:
        return linear
    if callable(name):
        return name
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ConfigError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        ) from None


def activation_name(fn: str | Callable | None) -> str:
    """The registered name of an activation, for saving a layer's config."""
    if fn is None:
        return "linear"
    if isinstance(fn, str):
        get_activation(fn)
        return fn
    for name, f in ACTIVATIONS.items():
        if f is fn:
            return name
    raise ConfigError("only named activations can be saved; pass the activation by name")


class PReLU(torch.nn.Module):
    """Parametric ReLU: x where x > 0, else a x with a learned slope ``a`` per feature.

    >>> PReLU(3)(torch.tensor([[-1.0, 0.0, 2.0]])).shape
    torch.Size([1, 3])
    """

    def __init__(self, features: int = 1, init: float = 0.25):
        super().__init__()
        self.alpha = torch.nn.Parameter(torch.full((features,), float(init)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, self.alpha * x)


class Maxout(torch.nn.Module):
    """Maxout: the maximum over ``pieces`` groups of the last axis (features must divide evenly).

    >>> Maxout(2)(torch.tensor([[1.0, 5.0, 3.0, 2.0]]))
    tensor([[5., 3.]])
    """

    def __init__(self, pieces: int):
        super().__init__()
        self.pieces = pieces

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % self.pieces:
            raise ConfigError(f"maxout: {x.shape[-1]} features do not split into {self.pieces} pieces")
        return x.unflatten(-1, (x.shape[-1] // self.pieces, self.pieces)).amax(-1)
