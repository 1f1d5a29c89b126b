"""Weight initialisers by name, as in Keras and the course (seed 002, orthogonal from seed 004).

Each takes a shape (Keras layout: ``(fan_in, fan_out)`` for kernels) and a ``torch.Generator``
and returns a new float32 tensor.

>>> g = torch.Generator().manual_seed(0)
>>> w = orthogonal((4, 4), g)
>>> torch.allclose(w.T @ w, torch.eye(4), atol=1e-5)
True
"""
from __future__ import annotations

import math
from typing import Callable

import torch

from seqlab.io.errors import ConfigError

Shape = tuple[int, ...]
Initializer = Callable[[Shape, torch.Generator], torch.Tensor]


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a Keras-layout kernel; conv kernels ``(*k, in, out)`` count the field."""
    if len(shape) < 2:
        return (shape[0], shape[0]) if shape else (1, 1)
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def zeros(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    return torch.zeros(shape)


def ones(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    return torch.ones(shape)


def uniform(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the classic default (PyTorch's for recurrent layers)."""
    limit = 1.0 / math.sqrt(fans(shape)[0])
    return (torch.rand(shape, generator=generator) * 2 - 1) * limit


def glorot_uniform(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """Xavier: U(-sqrt(6 / (fan_in + fan_out)), +...)."""
    fan_in, fan_out = fans(shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return (torch.rand(shape, generator=generator) * 2 - 1) * limit


def glorot_normal(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """Xavier normal: N(0, 2 / (fan_in + fan_out)), truncated at two standard deviations as in Keras."""
    fan_in, fan_out = fans(shape)
    return _truncated_normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), generator)


def he_uniform(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """He: U(-sqrt(6 / fan_in), +...), for ReLU layers."""
    limit = math.sqrt(6.0 / fans(shape)[0])
    return (torch.rand(shape, generator=generator) * 2 - 1) * limit


def he_normal(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """He normal: N(0, 2 / fan_in), truncated at two standard deviations."""
    return _truncated_normal(shape, math.sqrt(2.0 / fans(shape)[0]), generator)


def lecun_normal(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """LeCun normal: N(0, 1 / fan_in), truncated at two standard deviations (for SELU)."""
    return _truncated_normal(shape, math.sqrt(1.0 / fans(shape)[0]), generator)


def orthogonal(shape: Shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """QR of a Gaussian matrix, signs corrected by diag(R) so the result is uniformly distributed.

    A non-square shape such as a ``(n, k*n)`` recurrent kernel gets orthonormal rows
    (one draw for all gates, as Keras does); a square one gets W^T W = I.
    """
    rows, cols = shape[0], math.prod(shape[1:])
    flat = torch.randn((max(rows, cols), min(rows, cols)), generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(flat)
    q = q * torch.sign(torch.diagonal(r)).unsqueeze(0)
    if rows < cols:
        q = q.T
    return q.reshape(shape).to(torch.float32)


def _truncated_normal(shape: Shape, std: float, generator: torch.Generator | None) -> torch.Tensor:
    out = torch.empty(shape)
    # Keras divides by 0.8796 so the truncated distribution keeps the wanted variance.
    torch.nn.init.trunc_normal_(out, 0.0, std / 0.87962566103423978, -2 * std / 0.8796, 2 * std / 0.8796,
                                generator=generator)
    return out


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros, "ones": ones, "uniform": uniform, "glorot_uniform": glorot_uniform,
    "xavier_uniform": glorot_uniform, "glorot_normal": glorot_normal, "xavier_normal": glorot_normal,
    "he_uniform": he_uniform, "he_normal": he_normal, "lecun_normal": lecun_normal,
    "orthogonal": orthogonal,
}


def get_initializer(name: str | Initializer) -> Initializer:
    """The initialiser called ``name``; a callable is returned as it is."""
    if callable(name):
        return name
    try:
        return INITIALIZERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown initializer {name!r}; choose one of {', '.join(sorted(INITIALIZERS))}"
        ) from None
