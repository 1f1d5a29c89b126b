"""Full attention (Vaswani et al. 2017) on PyTorch's fused ``scaled_dot_product_attention``:
``softmax(Q K^T / sqrt(d) + mask) V`` over all ``T x T`` pairs. The reference every variant is tested against.

>>> import torch
>>> q = k = v = torch.randn(1, 2, 5, 4)
>>> FullAttention(4)(q / 2, k, v, causal=True).shape
torch.Size([1, 2, 5, 4])
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


class FullAttention(torch.nn.Module):
    """Call ``attn(q, k, v, causal=False, key_mask=None, dropout=0.0, allowed=None)`` with q already
    scaled by ``1/sqrt(d)``; ``allowed`` ``(B, 1, Tq, Tk)`` (True = attend) replaces causal and key_mask.
    A query with no key to see gets zeros. Causal with fewer queries than keys (a cached decoder step)
    aligns the queries with the last keys."""

    supports_causal = True
    self_only = False

    def __init__(self, head_dim: int):
        super().__init__()

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0, allowed=None):
        tq, tk = q.shape[2], k.shape[2]
        if allowed is None and key_mask is None and (not causal or tq == tk):
            return F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=causal, scale=1.0)
        if allowed is None:
            allowed = torch.ones(1, 1, tq, tk, dtype=torch.bool, device=q.device)
            if key_mask is not None:
                allowed = allowed & key_mask[:, None, None, :].to(torch.bool)
        if causal:
            allowed = allowed & self._tril(tq, tk, q.device)
        empty = ~allowed.any(-1, keepdim=True)                               # nothing to see
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed | empty, dropout_p=dropout, scale=1.0)
        return out.masked_fill(empty, 0.0)

    @staticmethod
    def _tril(tq: int, tk: int, device) -> torch.Tensor:
        return torch.ones(tq, tk, dtype=torch.bool, device=device).tril(tk - tq)
