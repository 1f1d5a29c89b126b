"""Longformer attention (Beltagy et al. 2020): a sliding window plus global tokens.

The first ``global_tokens`` positions are global: every query attends to them, and they attend to
every key (causal: to every earlier key). Every other query sees its window ``|i - j| <= w``. The
non-global queries' softmax runs over two groups, the band and the global keys, merged exactly
(``parts.merge``); the global queries' rows are ``global_tokens x T``. Memory: ``T (3w + g) + g T``.

>>> import torch
>>> q = k = v = torch.randn(1, 2, 12, 4)
>>> LongformerAttention(4, window=2, global_tokens=1)(q, k, v).shape
torch.Size([1, 2, 12, 4])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.local import band
from seqlab.nn.efficient.parts import NEG_INF, full_rows, merge, partial


class LongformerAttention(torch.nn.Module):
    """Window ``window`` plus ``global_tokens`` global positions at the start; causal supported.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention`.
    """

    supports_causal = True
    self_only = True

    def __init__(self, head_dim: int, window: int = 64, global_tokens: int = 1):
        super().__init__()
        if int(window) < 1 or int(global_tokens) < 0:
            raise ConfigError(f"longformer attention needs window >= 1 and global_tokens >= 0, "
                              f"got {window} and {global_tokens}")
        self.window, self.global_tokens = int(window), int(global_tokens)

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        g = min(self.global_tokens, q.shape[2])
        groups = [band(q, k, v, self.window, causal, key_mask, skip_first=g, dropout=dropout)]
        if g:
            scores = q @ k[:, :, :g].transpose(-1, -2)                     # everyone -> global keys (B, nh, T, g)
            allowed = torch.ones(q.shape[2], g, dtype=torch.bool, device=q.device)
            if causal:
                allowed = allowed.tril()
            if key_mask is not None:
                allowed = allowed & key_mask[:, None, None, :g].to(torch.bool)
            groups.append(partial(scores.masked_fill(~allowed, NEG_INF), v[:, :, :g], dropout))
        out = merge(groups)
        if g:                                                              # global queries see everything
            out = torch.cat([full_rows(q, k, v, g, causal, key_mask, dropout), out[:, :, g:]], dim=2)
        return out


def pattern(length: int, window: int, global_tokens: int, causal: bool = False) -> torch.Tensor:
    """The dense ``(T, T)`` pattern (True = attends)."""
    i, j = torch.arange(length)[:, None], torch.arange(length)[None, :]
    keep = ((i - j).abs() <= window) | (i < global_tokens) | (j < global_tokens)
    return keep & (j <= i) if causal else keep
