"""Reformer's LSH attention (Kitaev et al. 2020): hash, sort, chunk, attend near neighbours.

For each of ``rounds`` hashes, a random rotation ``R: (d, n_b / 2)`` puts a unit vector x in bucket
``h(x) = argmax([x R ; -x R])`` (angular LSH: close vectors share buckets). Queries and keys are
sorted by ``(bucket, position)``, cut into chunks of ``c`` steps, and each query chunk attends to the
key chunks at the same place in the sorted order and one before it: ``T x 2c`` scores per round.
The rounds' outputs are merged with their log-normalisers (the paper's eq. combining hashes).

Queries and keys keep their own projections here (the paper ties them, shared-QK), so each is
hashed on its own direction. With one bucket and ``chunk_size >= T`` it is exactly full attention.
``chunk_size`` defaults to ``ceil(T / buckets)``, the expected bucket size. Causal masking is not
offered: a future token's bucket moves the chunk boundaries of earlier ones, so an earlier output
could change; ``causal=True`` raises.

>>> import torch
>>> attn = LSHAttention(8, buckets=4, rounds=2)
>>> attn(torch.randn(1, 2, 32, 8), torch.randn(1, 2, 32, 8), torch.randn(1, 2, 32, 8)).shape
torch.Size([1, 2, 32, 8])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.parts import NEG_INF, merge, neighbours, partial


def buckets_of(x: torch.Tensor, rotation: torch.Tensor) -> torch.Tensor:
    """Angular LSH: ``argmax([x R ; -x R])`` of unit rows x ``(..., T, d)``, R ``(d, n/2)`` -> ``(..., T)``."""
    if rotation.shape[-1] == 0:
        return torch.zeros(x.shape[:-1], dtype=torch.long, device=x.device)
    rotated = torch.nn.functional.normalize(x, dim=-1) @ rotation
    return torch.cat([rotated, -rotated], dim=-1).argmax(-1)


def sort_into_chunks(x: torch.Tensor, order: torch.Tensor, size: int) -> torch.Tensor:
    """Rows of ``x`` ``(B, nh, T, c)`` in ``order`` ``(B, nh, T)``, padded and cut into ``(B, nh, n, size, c)``."""
    sorted_x = x.gather(2, order[..., None].expand(*order.shape, x.shape[-1]))
    pad = -sorted_x.shape[2] % size
    if pad:
        sorted_x = torch.nn.functional.pad(sorted_x, (0, 0, 0, pad))
    return sorted_x.view(*x.shape[:2], -1, size, x.shape[-1])


class LSHAttention(torch.nn.Module):
    """LSH attention with ``buckets`` buckets (1 or even), ``rounds`` hashes and chunks of
    ``chunk_size`` (None: ``ceil(T / buckets)``). Rotations are a buffer drawn from ``generator``.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention` (self-attention, not causal).
    """

    supports_causal = False
    self_only = True

    def __init__(self, head_dim: int, buckets: int = 8, rounds: int = 2, chunk_size: int | None = None,
                 generator: torch.Generator | None = None):
        super().__init__()
        if int(buckets) < 1 or (int(buckets) > 1 and int(buckets) % 2) or int(rounds) < 1:
            raise ConfigError(f"lsh attention needs buckets = 1 or an even number, and rounds >= 1; "
                              f"got {buckets} and {rounds}")
        if chunk_size is not None and int(chunk_size) < 1:
            raise ConfigError(f"lsh attention needs chunk_size >= 1, got {chunk_size}")
        self.buckets, self.rounds = int(buckets), int(rounds)
        self.chunk_size = None if chunk_size is None else int(chunk_size)
        half = self.buckets // 2 if self.buckets > 1 else 0
        self.register_buffer("rotations", torch.randn(self.rounds, int(head_dim), half, generator=generator))

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        if causal:
            raise ConfigError("lsh attention cannot be causal here: a future token's bucket shifts the "
                              "chunks of earlier ones; use attention='local', 'longformer', 'bigbird', "
                              "'strided', 'performer' or 'full'")
        batch, heads, length, _ = q.shape
        size = min(self.chunk_size or -(-length // self.buckets), length)
        position = torch.arange(length, device=q.device)
        valid = (torch.ones(batch, length, dtype=torch.bool, device=q.device) if key_mask is None
                 else key_mask.to(torch.bool))
        parts = []
        for rotation in self.rotations.to(q.dtype):
            # sort by (bucket, position): the bucket dominates, positions keep ties in order
            q_order = (buckets_of(q, rotation) * length + position).argsort(-1)
            k_order = (buckets_of(k, rotation) * length + position).argsort(-1)
            qs = sort_into_chunks(q, q_order, size)                                   # (B, nh, n, c, hs)
            ks = neighbours(sort_into_chunks(k, k_order, size), 1, 0)               # (B, nh, n, 2c, hs)
            vs = neighbours(sort_into_chunks(v, k_order, size), 1, 0)
            real = torch.ones(batch, heads, length, 1, dtype=q.dtype, device=q.device)
            real = real * valid[:, None, :, None].to(q.dtype)
            seen = neighbours(sort_into_chunks(real, k_order, size), 1, 0)[..., 0] > 0.5   # (B, nh, n, 2c)
            scores = (qs @ ks.transpose(-1, -2)).masked_fill(~seen[:, :, :, None, :], NEG_INF)
            out, lse = partial(scores, vs, dropout)
            out, lse = out.flatten(2, 3)[:, :, :length], lse.flatten(2, 3)[:, :, :length]
            back = q_order.argsort(-1)[..., None]                                     # undo the sort
            parts.append((out.gather(2, back.expand_as(out)), lse.gather(2, back)))
        return merge(parts)
