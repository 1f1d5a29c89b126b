"""What every efficient attention is made of: partial softmaxes over groups of keys, merged exactly.

A query's attention over a set of keys split into groups ``G_1 .. G_n`` is

    out = sum_g exp(lse_g - lse) * out_g,   lse = log sum_g exp(lse_g)

where ``out_g = softmax(s_g) @ v_g`` and ``lse_g = logsumexp(s_g)`` are one group's normalised output
and log-normaliser (the merge rule of blockwise and flash attention). So a sparse pattern is written
as a few small groups of scores (a band of blocks, some global keys, a column) and never as a dense
``T x T`` matrix with a mask. A query that sees no key in a group has ``lse_g = -inf`` and adds nothing;
a query that sees no key at all gets a zero output.

Shapes follow nanoGPT: ``(B, nh, T, hs)`` for queries, keys and values; masks are True where allowed.

>>> import torch
>>> q, k, v = torch.randn(1, 1, 4, 8), torch.randn(1, 1, 6, 8), torch.randn(1, 1, 6, 8)
>>> s = q @ k.transpose(-1, -2)
>>> out = merge([partial(s[..., :2], v[..., :2, :]), partial(s[..., 2:], v[..., 2:, :])])
>>> torch.allclose(out, s.softmax(-1) @ v, atol=1e-6)
True
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

NEG_INF = float("-inf")


def partial(scores: torch.Tensor, values: torch.Tensor, dropout: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """One group: ``(softmax(scores) @ values, logsumexp(scores))`` with -inf scores for masked keys.

    scores ``(..., Q, K)``, values ``(..., K, dv)`` -> output ``(..., Q, dv)`` and lse ``(..., Q, 1)``.
    A row with every key masked gives a zero output and lse -inf. ``dropout`` drops attention weights
    (it commutes with the merge, which only rescales each group).
    """
    lse = scores.logsumexp(-1, keepdim=True)
    finite = torch.isfinite(lse)
    weights = torch.exp(scores - torch.where(finite, lse, torch.zeros_like(lse)))
    if dropout:
        weights = F.dropout(weights, dropout)
    return weights @ values, lse


def merge(parts: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
    """The exact softmax over the union of the groups' keys (the groups must not share a key)."""
    if len(parts) == 1:
        return parts[0][0]
    lses = torch.stack([lse for _, lse in parts])                     # (n, ..., Q, 1)
    total = lses.logsumexp(0)
    total = torch.where(torch.isfinite(total), total, torch.zeros_like(total))
    return sum(torch.exp(lse - total) * out for out, lse in parts)


def blocks(x: torch.Tensor, size: int, value: float = 0.0) -> torch.Tensor:
    """``(B, nh, T, hs)`` -> ``(B, nh, nb, size, hs)``, the time axis padded with ``value`` to ``nb * size``."""
    pad = -x.shape[2] % size
    if pad:
        x = F.pad(x, (0, 0, 0, pad), value=value)
    return x.view(*x.shape[:2], -1, size, x.shape[-1])


def mask_blocks(key_mask: torch.Tensor | None, length: int, size: int) -> torch.Tensor:
    """Key validity ``(B, nb, size)``: real steps (``key_mask`` True, default all) and not padding."""
    batch = 1 if key_mask is None else key_mask.shape[0]
    valid = torch.ones(batch, length, dtype=torch.bool) if key_mask is None else key_mask.to(torch.bool)
    return F.pad(valid, (0, -length % size), value=False).view(batch, -1, size)


def neighbours(x: torch.Tensor, behind: int = 1, ahead: int = 1) -> torch.Tensor:
    """Each block beside its neighbours: ``(..., nb, size, c)`` -> ``(..., nb, (behind + 1 + ahead) * size, c)``;
    block ``a`` sees blocks ``a - behind .. a + ahead`` in order (zeros / False beyond the ends)."""
    nb = x.shape[-3]
    edge = lambda n: x.new_zeros(*x.shape[:-3], n, *x.shape[-2:])   # noqa: E731
    padded = torch.cat([edge(behind), x, edge(ahead)], dim=-3)
    return torch.cat([padded[..., o:o + nb, :, :] for o in range(behind + 1 + ahead)], dim=-2)


def full_rows(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, rows: int, causal: bool,
              key_mask: torch.Tensor | None, dropout: float = 0.0) -> torch.Tensor:
    """The first ``rows`` queries attending to every key (global tokens): ``(B, nh, rows, hs)``."""
    scores = q[:, :, :rows] @ k.transpose(-1, -2)                         # (B, nh, rows, T)
    allowed = torch.ones(rows, k.shape[2], dtype=torch.bool, device=q.device)
    if causal:
        allowed = allowed.tril()
    allowed = allowed if key_mask is None else allowed & key_mask[:, None, None, :].to(torch.bool)
    return partial(scores.masked_fill(~allowed, NEG_INF), v, dropout)[0]
