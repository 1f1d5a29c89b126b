"""BigBird attention (Zaheer et al. 2020, the ITC block-sparse form): blocks of ``b`` steps; a query
block attends to ``g`` global blocks, its three window blocks ``a - 1, a, a + 1`` and ``r`` random
blocks; the global blocks attend to everything.

Key blocks are gathered per query block, so the scores are ``T x (g + 3 + r) b``: linear in T.
The random blocks are a fixed draw per sequence length from ``seed`` (the paper fixes them per
layer). Causal: window ``a - 1, a``, random blocks only from the past, and ``j <= i`` inside blocks.

>>> import torch
>>> q = k = v = torch.randn(1, 2, 16, 4)
>>> BigBirdAttention(4, block_size=4)(q, k, v).shape
torch.Size([1, 2, 16, 4])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.parts import NEG_INF, blocks, full_rows, mask_blocks, partial


def key_blocks(n_blocks: int, global_blocks: int, random_blocks: int, causal: bool,
               generator: torch.Generator) -> torch.Tensor:
    """``(nb, g + 3 + r)`` key-block ids per query block; -1 where a slot holds no (new) block."""
    a = torch.arange(n_blocks)[:, None]
    glob = torch.arange(global_blocks).expand(n_blocks, global_blocks)
    window = a + torch.tensor([-1, 0, 1])
    window = window.masked_fill((window < global_blocks) | (window >= n_blocks) | (causal & (window > a)), -1)
    glob = glob.masked_fill(causal & (glob > a), -1)
    # random: r of the blocks not yet taken (causal: earlier ones), by ranking random keys
    taken = (a - 1 <= torch.arange(n_blocks)) & (torch.arange(n_blocks) <= a + 1)
    taken |= torch.arange(n_blocks) < global_blocks
    if causal:
        taken |= torch.arange(n_blocks) > a
    rank = torch.rand(n_blocks, n_blocks, generator=generator).masked_fill(taken, 2.0)
    r = min(random_blocks, n_blocks)
    pick = rank.topk(r, dim=1, largest=False)
    rand = pick.indices.masked_fill(pick.values > 1.0, -1)
    return torch.cat([glob, window, rand], dim=1)


class BigBirdAttention(torch.nn.Module):
    """Block-sparse window + global + random attention; causal supported.

    Args:
        block_size: steps per block ``b``.
        global_blocks: the first ``g`` blocks are global.
        random_blocks: random key blocks per query block ``r``.
        seed: the random blocks' draw.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention`.
    """

    supports_causal = True
    self_only = True

    def __init__(self, head_dim: int, block_size: int = 32, global_blocks: int = 1, random_blocks: int = 1,
                 seed: int = 0):
        super().__init__()
        if int(block_size) < 1 or int(global_blocks) < 0 or int(random_blocks) < 0:
            raise ConfigError(f"bigbird attention needs block_size >= 1, global_blocks >= 0 and random_blocks >= 0, "
                              f"got {block_size}, {global_blocks}, {random_blocks}")
        self.block_size, self.global_blocks = int(block_size), int(global_blocks)
        self.random_blocks, self.seed = int(random_blocks), int(seed)

    def layout(self, length: int, causal: bool) -> torch.Tensor:
        """The key-block table for a sequence of ``length`` (the same for the same length and seed)."""
        size = min(self.block_size, length)
        n_blocks = -(-length // size)
        generator = torch.Generator().manual_seed(self.seed * 1_000_003 + n_blocks)
        return key_blocks(n_blocks, min(self.global_blocks, n_blocks), self.random_blocks, causal, generator)

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        batch, heads, length, hs = q.shape
        size = min(self.block_size, length)
        table = self.layout(length, causal)                                 # (nb, K)
        nb, slots = table.shape
        index = table.clamp(min=0)
        qb, kb, vb = blocks(q, size), blocks(k, size), blocks(v, size)      # (B, nh, nb, b, hs)
        kg = kb[:, :, index].flatten(3, 4)                                  # (B, nh, nb, K*b, hs)
        vg = vb[:, :, index].flatten(3, 4)
        valid = mask_blocks(key_mask, length, size)[:, index]               # (B, nb, K, b)
        valid = (valid & (table >= 0)[None, :, :, None]).flatten(2, 3)       # (B, nb, K*b)
        i = (torch.arange(nb)[:, None] * size + torch.arange(size))[:, :, None]                   # (nb, b, 1)
        j = (index[:, :, None] * size + torch.arange(size)).flatten(1)[:, None, :]               # (nb, 1, K*b)
        allowed = valid[:, :, None, :] & (j <= i if causal else True)
        scores = (qb @ kg.transpose(-1, -2)).masked_fill(~allowed[:, None].to(q.device), NEG_INF)
        out = partial(scores, vg, dropout)[0].flatten(2, 3)[:, :, :length]
        rows = min(self.global_blocks * size, length)
        if rows:                                                           # global blocks see everything
            out = torch.cat([full_rows(q, k, v, rows, causal, key_mask, dropout), out[:, :, rows:]], dim=2)
        return out

    def pattern(self, length: int, causal: bool = False) -> torch.Tensor:
        """The dense ``(T, T)`` pattern (True = attends), for checking the gathered computation."""
        size = min(self.block_size, length)
        table = self.layout(length, causal)
        keep = torch.zeros(length, length, dtype=torch.bool)
        for a, row in enumerate(table.tolist()):
            for blk in row:
                if blk >= 0:
                    keep[a * size:(a + 1) * size, blk * size:(blk + 1) * size] = True
        keep[: self.global_blocks * size] = True
        i, j = torch.arange(length)[:, None], torch.arange(length)[None, :]
        return keep & (j <= i) if causal else keep
