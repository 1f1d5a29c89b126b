"""Rotary position embeddings (Su et al. 2021, RoFormer eq. 34): each pair of a head's features is
turned by an angle proportional to the position,

    (x_2i, x_2i+1) at position t  ->  (x_2i cos t θ_i - x_2i+1 sin t θ_i,  x_2i sin t θ_i + x_2i+1 cos t θ_i),
    θ_i = 10000^(-2i / d),

applied to queries and keys (not values), so ``rot(q, m) . rot(k, n)`` depends on ``m - n`` only:
attention sees relative positions, and no table limits the length.

>>> import torch
>>> q, k = torch.randn(1, 1, 1, 8), torch.randn(1, 1, 1, 8)
>>> a = (rotate(q, 5) * rotate(k, 2)).sum()
>>> b = (rotate(q, 13) * rotate(k, 10)).sum()
>>> bool(torch.isclose(a, b, atol=1e-5))
True
"""
from __future__ import annotations

import torch

BASE = 10000.0   # the paper's (and the sinusoidal table's) base


def rotate(x: torch.Tensor, offset: int = 0) -> torch.Tensor:
    """Rotate ``x`` ``(..., T, d)`` (d even) at positions ``offset .. offset + T - 1``; same shape back."""
    length, dim = x.shape[-2], x.shape[-1]
    theta = BASE ** (-torch.arange(0, dim, 2, dtype=torch.float64, device=x.device) / dim)         # (d/2,)
    angle = (torch.arange(offset, offset + length, dtype=torch.float64, device=x.device)[:, None] * theta)
    cos, sin = angle.cos().to(x.dtype), angle.sin().to(x.dtype)                                      # (T, d/2)
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)
