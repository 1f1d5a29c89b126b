"""The efficient-attention family (seed 000's "latest models after the transformer"), one file per paper.

``make_attention(kind, head_dim, options, generator)`` builds the kernel a ``MultiHeadAttention``
runs on its projected heads. Every kernel is called ``kernel(q, k, v, causal=False, key_mask=None,
dropout=0.0)`` with q, k, v ``(B, nh, T, hs)``, q already scaled by ``1/sqrt(hs)``, and returns
``(B, nh, Tq, hs)``.

========== ============================================ ============ ======== ==========================
kind       idea                                          memory       causal   options (defaults)
========== ============================================ ============ ======== ==========================
full       all pairs, fused SDPA kernel                  T^2 (kernel) yes
local      sliding window |i - j| <= w                   T w          yes      window=64
longformer window + g global tokens                      T (w + g)    yes      window=64, global_tokens=1
bigbird    window + global + random blocks               T b (g+3+r)  yes      block_size=32, global_blocks=1,
                                                                               random_blocks=1, seed=0
strided    Sparse Transformer strided / fixed            T (l + T/l)  yes      stride=64, pattern="strided",
                                                                               summary=1
linformer  keys, values projected to k rows              T k          no       max_length (needed), k=64
performer  FAVOR+ positive orthogonal random features    T m          yes      features=64, redraw_interval=None
lsh        Reformer: hash, sort, chunk                   T c rounds   no       buckets=8, rounds=2, chunk_size=None
========== ============================================ ============ ======== ==========================

>>> kernel = make_attention("local", 8, {"window": 4})
>>> type(kernel).__name__, kernel.supports_causal
('LocalAttention', True)
"""
from __future__ import annotations

import inspect

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient.bigbird import BigBirdAttention
from seqlab.nn.efficient.full import FullAttention
from seqlab.nn.efficient.linformer import LinformerAttention
from seqlab.nn.efficient.local import LocalAttention
from seqlab.nn.efficient.longformer import LongformerAttention
from seqlab.nn.efficient.lsh import LSHAttention
from seqlab.nn.efficient.performer import PerformerAttention
from seqlab.nn.efficient.strided import StridedAttention

KERNELS = {
    "full": FullAttention,
    "local": LocalAttention,
    "longformer": LongformerAttention,
    "bigbird": BigBirdAttention,
    "strided": StridedAttention,
    "linformer": LinformerAttention,
    "performer": PerformerAttention,
    "lsh": LSHAttention,
}
ATTENTION_KINDS = tuple(KERNELS)


def check_attention(kind: str, options: dict | None) -> None:
    """Raise ``ConfigError`` for an unknown kind or an option the kind does not take."""
    if kind not in KERNELS:
        raise ConfigError(f"unknown attention {kind!r}; choose one of {', '.join(ATTENTION_KINDS)}")
    known = set(inspect.signature(KERNELS[kind]).parameters) - {"head_dim", "generator"}
    unknown = sorted(set(options or {}) - known)
    if unknown:
        raise ConfigError(f"{kind} attention takes no option {', '.join(unknown)}; its options: "
                          f"{', '.join(sorted(known)) or 'none'}")


def make_attention(kind: str, head_dim: int, options: dict | None = None,
                   generator: torch.Generator | None = None) -> torch.nn.Module:
    """The kernel ``kind`` for heads of ``head_dim`` with ``options``; random parts (linformer's
    projections, performer's features, lsh's rotations) are drawn from ``generator``, else from a
    generator seeded 0, so a layer rebuilt from its config without one draws the same."""
    check_attention(kind, options)
    cls = KERNELS[kind]
    kwargs = dict(options or {})
    if "generator" in inspect.signature(cls).parameters:
        kwargs["generator"] = generator if generator is not None else torch.Generator().manual_seed(0)
    return cls(head_dim, **kwargs)


__all__ = ["ATTENTION_KINDS", "KERNELS", "check_attention", "make_attention"]
