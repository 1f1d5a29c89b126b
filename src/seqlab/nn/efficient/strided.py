"""Sparse Transformer attention (Child et al. 2019), its two factorised patterns of stride ``l``:

- ``"strided"``: ``A_i = {j : |i - j| < l} U {j : (i - j) mod l = 0}``: the previous ``l`` steps and
  every ``l``-th step before them (a column of the ``(T/l, l)`` grid).
- ``"fixed"``: ``A_i = {j : floor(j / l) = floor(i / l)} U {j : j mod l >= l - c}``: the own block and
  the last ``c`` "summary" steps of every block.

Both heads of the paper's factorisation are taken in one softmax (their "merged" head), as groups
merged exactly. Memory: ``T (3l + T/l)`` (strided) or ``T (l + c T/l)`` (fixed): ``O(T sqrt T)``
with ``l ~ sqrt T``, as the paper states.

>>> import torch
>>> q = k = v = torch.randn(1, 2, 20, 4)
>>> StridedAttention(4, stride=4)(q, k, v, causal=True).shape
torch.Size([1, 2, 20, 4])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.local import band
from seqlab.nn.efficient.parts import NEG_INF, blocks, mask_blocks, merge, partial

PATTERNS = ("strided", "fixed")


def _column(q, k, v, stride, causal, key_mask, dropout):
    """Keys ``j = i - m l`` (m != 0): the grid's column, ``(B, nh, l, nb, nb)`` scores."""
    length = q.shape[2]
    qc, kc, vc = (blocks(x, stride).transpose(2, 3) for x in (q, k, v))       # (B, nh, l, nb, hs)
    valid = mask_blocks(key_mask, length, stride).transpose(1, 2)             # (B, l, nb)
    a = torch.arange(qc.shape[3])
    allowed = (a[None, :] < a[:, None]) if causal else (a[None, :] != a[:, None])     # (nb, nb): a' vs a
    allowed = (allowed & valid[:, :, None, :])[:, None]                       # (B, 1, l, nb, nb)
    scores = (qc @ kc.transpose(-1, -2)).masked_fill(~allowed.to(q.device), NEG_INF)
    out, lse = partial(scores, vc, dropout)
    flat = lambda x: x.transpose(2, 3).flatten(2, 3)[:, :, :length]           # noqa: E731
    return flat(out), flat(lse)


def _own_block(q, k, v, stride, causal, key_mask, dropout):
    length = q.shape[2]
    qb, kb, vb = blocks(q, stride), blocks(k, stride), blocks(v, stride)       # (B, nh, nb, l, hs)
    valid = mask_blocks(key_mask, length, stride)                              # (B, nb, l)
    p = torch.arange(stride)
    allowed = valid[:, :, None, :] & ((p[None, :] <= p[:, None]) if causal else True)   # (B, nb, l, l)
    scores = (qb @ kb.transpose(-1, -2)).masked_fill(~allowed[:, None].to(q.device), NEG_INF)
    out, lse = partial(scores, vb, dropout)
    return out.flatten(2, 3)[:, :, :length], lse.flatten(2, 3)[:, :, :length]


def _summaries(q, k, v, stride, summary, causal, key_mask, dropout):
    """Keys ``j mod l >= l - c`` in the other blocks (earlier ones when causal)."""
    length = q.shape[2]
    qb = blocks(q, stride)                                                     # (B, nh, nb, l, hs)
    ks, vs = (blocks(x, stride)[:, :, :, stride - summary:].flatten(2, 3) for x in (k, v))   # (B, nh, nb*c, hs)
    valid = mask_blocks(key_mask, length, stride)[:, :, stride - summary:].flatten(1)       # (B, nb*c)
    a = torch.arange(qb.shape[2])
    owner = a.repeat_interleave(summary)                                        # block of each summary key
    allowed = (owner[None, :] < a[:, None]) if causal else (owner[None, :] != a[:, None])  # (nb, nb*c)
    allowed = (allowed[None, :, None, :] & valid[:, None, None, :])[:, None]    # (B, 1, nb, 1, nb*c)
    scores = (qb @ ks[:, :, None].transpose(-1, -2)).masked_fill(~allowed.to(q.device), NEG_INF)
    out, lse = partial(scores, vs[:, :, None], dropout)
    return out.flatten(2, 3)[:, :, :length], lse.flatten(2, 3)[:, :, :length]


class StridedAttention(torch.nn.Module):
    """Sparse Transformer attention; causal supported.

    Args:
        stride: ``l``, the block length and the column step.
        pattern: ``"strided"`` or ``"fixed"``.
        summary: ``c``, the summary steps per block of the fixed pattern.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention`.
    """

    supports_causal = True
    self_only = True

    def __init__(self, head_dim: int, stride: int = 64, pattern: str = "strided", summary: int = 1):
        super().__init__()
        if pattern not in PATTERNS:
            raise ConfigError(f"unknown sparse pattern {pattern!r}; choose one of {', '.join(PATTERNS)}")
        if int(stride) < 1 or not 1 <= int(summary) <= int(stride):
            raise ConfigError(f"strided attention needs stride >= 1 and 1 <= summary <= stride, "
                              f"got {stride} and {summary}")
        self.stride, self.pattern_name, self.summary = int(stride), pattern, int(summary)

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        stride = min(self.stride, q.shape[2])
        if self.pattern_name == "strided":
            return merge([band(q, k, v, stride - 1, causal, key_mask, dropout=dropout),
                          _column(q, k, v, stride, causal, key_mask, dropout)])
        summary = min(self.summary, stride)
        return merge([_own_block(q, k, v, stride, causal, key_mask, dropout),
                      _summaries(q, k, v, stride, summary, causal, key_mask, dropout)])

    def pattern(self, length: int, causal: bool = False) -> torch.Tensor:
        """The dense ``(T, T)`` pattern (True = attends)."""
        stride = min(self.stride, length)
        i, j = torch.arange(length)[:, None], torch.arange(length)[None, :]
        if self.pattern_name == "strided":
            keep = ((i - j).abs() < stride) | ((i - j) % stride == 0)
        else:
            keep = (i // stride == j // stride) | (j % stride >= stride - min(self.summary, stride))
        return keep & (j <= i) if causal else keep
