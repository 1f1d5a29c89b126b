"""Linformer attention (Wang et al. 2020): keys and values projected along time to ``k`` rows.

    head = softmax(Q (E K)^T / sqrt(d)) (F V),    E, F: (k, n)

``E`` and ``F`` are learned ``(k, max_length)`` matrices shared by the heads (the paper's
"headwise" sharing); a sequence of ``T <= max_length`` steps uses their first ``T`` columns. The
scores are ``T x k``: memory linear in T. Causal attention is impossible (every projected row mixes
all steps, the future included), so ``causal=True`` raises. Padded keys are zeroed before projecting.

>>> import torch
>>> attn = LinformerAttention(8, max_length=32, k=4)
>>> attn(torch.randn(1, 2, 20, 8), torch.randn(1, 2, 20, 8), torch.randn(1, 2, 20, 8)).shape
torch.Size([1, 2, 20, 8])
"""
from __future__ import annotations

import math

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.parts import partial


class LinformerAttention(torch.nn.Module):
    """Low-rank attention; weights ``key_projection`` ``E`` and ``value_projection`` ``F``, ``(k, max_length)``,
    drawn from N(0, 1/k) (the authors' initialisation) with ``generator``.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention` (keys and values may be longer or
    shorter than the queries, up to ``max_length``).
    """

    supports_causal = False
    self_only = False
    weight_names = ["key_projection", "value_projection"]

    def __init__(self, head_dim: int, max_length: int | None = None, k: int = 64,
                 generator: torch.Generator | None = None):
        super().__init__()
        if max_length is None or int(max_length) < 1 or int(k) < 1:
            raise ConfigError(f"linformer attention needs max_length >= 1 (the longest sequence) and k >= 1, "
                              f"got max_length={max_length}, k={k}; pass attention_options="
                              f"{{'max_length': ..., 'k': ...}}")
        self.max_length, self.k = int(max_length), int(k)
        std = 1.0 / math.sqrt(self.k)
        draw = lambda: torch.nn.Parameter(torch.randn(self.k, self.max_length, generator=generator) * std)  # noqa: E731
        self.key_projection, self.value_projection = draw(), draw()

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        if causal:
            raise ConfigError("linformer attention cannot be causal: each projected key mixes every step, "
                              "the future included; use attention='local', 'performer' or 'full'")
        length = k.shape[2]
        if length > self.max_length:
            raise ConfigError(f"sequence of {length} steps is longer than linformer's max_length={self.max_length}")
        if key_mask is not None:
            keep = key_mask[:, None, :, None].to(k.dtype)
            k, v = k * keep, v * keep
        e, f = self.key_projection[:, :length], self.value_projection[:, :length]
        k_low, v_low = e @ k, f @ v                                          # (B, nh, k, hs)
        return partial(q @ k_low.transpose(-1, -2), v_low, dropout)[0]
