"""Sliding-window attention (Beltagy et al. 2020, Longformer section 3.1): query ``i`` sees keys
``|i - j| <= w`` (causal: ``0 <= i - j <= w``).

The sequence is cut into blocks of ``w`` steps; block ``a`` only meets blocks ``a - 1, a, a + 1``
(``a - 1, a`` when causal), so the scores are ``T x 3w`` instead of ``T x T``: memory grows linearly
with the length. Inside those blocks the exact band ``|i - j| <= w`` is kept.

>>> import torch
>>> q = k = v = torch.randn(1, 2, 10, 4)
>>> LocalAttention(4, window=3)(q, k, v).shape
torch.Size([1, 2, 10, 4])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.parts import NEG_INF, blocks, mask_blocks, merge, neighbours, partial


def band(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, window: int, causal: bool,
         key_mask: torch.Tensor | None, skip_first: int = 0, dropout: float = 0.0):
    """The band ``|i - j| <= window`` as one group: ``(out (B, nh, T, hs), lse (B, nh, T, 1))``.

    ``skip_first`` leaves keys ``j < skip_first`` out (another group holds them). q is pre-scaled.
    """
    batch, heads, length, _ = q.shape
    size = max(1, min(window, length))
    ahead = 0 if causal else 1
    qb = blocks(q, size)                                               # (B, nh, nb, w, hs)
    kb, vb = neighbours(blocks(k, size), 1, ahead), neighbours(blocks(v, size), 1, ahead)  # (B, nh, nb, K, hs)
    valid = neighbours(mask_blocks(key_mask, length, size)[..., None], 1, ahead)[..., 0]   # (B, nb, K)
    nb, width = qb.shape[2], kb.shape[3]
    i = (torch.arange(nb)[:, None] * size + torch.arange(size))[:, :, None]                 # (nb, w, 1)
    j = ((torch.arange(nb)[:, None] - 1) * size + torch.arange(width))[:, None, :]          # (nb, 1, K)
    allowed = (i - j <= window) & (j >= skip_first) & ((i - j >= 0) if causal else (j - i <= window))
    allowed = (allowed & valid[:, :, None, :])[:, None]                                     # (B, 1, nb, w, K)
    scores = (qb @ kb.transpose(-1, -2)).masked_fill(~allowed.to(q.device), NEG_INF)
    out, lse = partial(scores, vb, dropout)
    return out.flatten(2, 3)[:, :, :length], lse.flatten(2, 3)[:, :, :length]


class LocalAttention(torch.nn.Module):
    """Sliding-window attention of half-width ``window``; causal supported.

    Call ``attn(q, k, v, causal=False, key_mask=None, dropout=0.0)``: q, k, v ``(B, nh, T, hs)``
    with q already scaled by ``1/sqrt(hs)``, key_mask ``(B, T)`` True at real steps; returns ``(B, nh, T, hs)``.
    """

    supports_causal = True
    self_only = True

    def __init__(self, head_dim: int, window: int = 64):
        super().__init__()
        if int(window) < 1:
            raise ConfigError(f"local attention needs window >= 1, got {window}")
        self.window = int(window)

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        return merge([band(q, k, v, self.window, causal, key_mask, dropout=dropout)])


def pattern(length: int, window: int, causal: bool = False) -> torch.Tensor:
    """The dense ``(T, T)`` pattern (True = attends), for checking the blocked computation."""
    i, j = torch.arange(length)[:, None], torch.arange(length)[None, :]
    keep = (i - j).abs() <= window
    return keep & (j <= i) if causal else keep
