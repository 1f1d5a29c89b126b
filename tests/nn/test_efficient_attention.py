"""The efficient-attention kernels (seqlab.nn.efficient) against dense attention.

Each sparse kernel equals a dense softmax restricted to its pattern (the paper's definition, written
as a T x T mask here and nowhere in the package), equals full attention when its window covers the
sequence, and, where it can be causal, never lets a later step change an earlier output.
"""
from __future__ import annotations

import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.efficient import ATTENTION_KINDS, local, longformer, make_attention

HS = 8


def qkv(length=37, batch=2, heads=2, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    q, k, v = (torch.randn(batch, heads, length, HS, generator=g, dtype=dtype) for _ in range(3))
    return q / HS ** 0.5, k, v


def dense(q, k, v, keep=None, key_mask=None):
    """softmax over the kept pairs (rows with none give zeros): the reference."""
    scores = q @ k.transpose(-1, -2)
    allowed = torch.ones(scores.shape[-2:], dtype=torch.bool) if keep is None else keep
    allowed = allowed[None, None]
    if key_mask is not None:
        allowed = allowed & key_mask[:, None, None, :]
    weights = scores.masked_fill(~allowed, float("-inf")).softmax(-1).nan_to_num(0.0)
    return weights @ v


def padding(batch=2, length=37):
    mask = torch.ones(batch, length, dtype=torch.bool)
    mask[1, -9:] = False
    return mask


SPARSE = {  # kind, options, pattern(T, causal)
    "local": ({"window": 5}, lambda T, c: local.pattern(T, 5, c)),
    "longformer": ({"window": 4, "global_tokens": 3}, lambda T, c: longformer.pattern(T, 4, 3, c)),
    "bigbird": ({"block_size": 4, "global_blocks": 1, "random_blocks": 2}, None),
    "strided": ({"stride": 6}, None),
    "strided-fixed": ({"stride": 6, "pattern": "fixed", "summary": 2}, None),
}


@pytest.mark.parametrize("name", list(SPARSE))
@pytest.mark.parametrize("causal", [False, True])
def test_sparse_kernels_equal_dense_attention_on_their_pattern(name, causal):
    options, pattern = SPARSE[name]
    kernel = make_attention(name.split("-")[0], HS, options).double()
    pattern = pattern or kernel.pattern
    q, k, v = qkv()
    mask = padding()
    keep = pattern(37, causal)
    assert not keep.all()                                   # a real restriction, not full attention
    got = kernel(q, k, v, causal=causal, key_mask=mask)
    torch.testing.assert_close(got, dense(q, k, v, keep, mask), atol=1e-10, rtol=0)


@pytest.mark.parametrize("kind, options", [("local", {"window": 40}), ("longformer", {"window": 40}),
                                           ("bigbird", {"block_size": 40}), ("strided", {"stride": 40}),
                                           ("lsh", {"buckets": 1, "rounds": 2})])
@pytest.mark.parametrize("causal", [False, True])
def test_a_window_covering_the_sequence_is_full_attention(kind, options, causal):
    kernel = make_attention(kind, HS, options)
    q, k, v = qkv(dtype=torch.float32)
    full = make_attention("full", HS)
    if causal and not kernel.supports_causal:
        with pytest.raises(ConfigError, match="cannot be causal"):
            kernel(q, k, v, causal=True)
        return
    torch.testing.assert_close(kernel(q, k, v, causal=causal), full(q, k, v, causal=causal), atol=1e-5, rtol=0)


def test_linformer_with_k_equal_t_and_identity_projections_is_full_attention():
    kernel = make_attention("linformer", HS, {"max_length": 37, "k": 37})
    with torch.no_grad():
        kernel.key_projection.copy_(torch.eye(37))
        kernel.value_projection.copy_(torch.eye(37))
    q, k, v = qkv(dtype=torch.float32)
    torch.testing.assert_close(kernel(q, k, v), make_attention("full", HS)(q, k, v), atol=1e-5, rtol=0)
    with pytest.raises(ConfigError, match="cannot be causal"):
        kernel(q, k, v, causal=True)


@pytest.mark.parametrize("causal", [False, True])
def test_performer_error_shrinks_as_features_grow(causal):
    q, k, v = qkv(length=64)
    q, k = q / 2, k / 2        # logits of std ~1/4: FAVOR+'s variance grows like exp(|q|^2 + |k|^2)
    exact = dense(q, k, v, torch.ones(64, 64, dtype=torch.bool).tril() if causal else None)
    errors = {}
    for m in (16, 256):
        runs = [make_attention("performer", HS, {"features": m}, torch.Generator().manual_seed(s)).double()
                for s in range(4)]
        errors[m] = sum(float((r(q, k, v, causal=causal) - exact).pow(2).mean().sqrt()) for r in runs) / len(runs)
    assert errors[256] < 0.5 * errors[16], errors


def test_performer_redraws_its_features():
    kernel = make_attention("performer", HS, {"features": 16, "redraw_interval": 2})
    before = kernel.projection.clone()
    q, k, v = qkv(dtype=torch.float32)
    for _ in range(3):
        kernel(q, k, v)
    assert not torch.equal(before, kernel.projection)
    kernel.eval()
    now = kernel.projection.clone()
    kernel(q, k, v)
    assert torch.equal(now, kernel.projection)                # no redraw outside training


CAUSAL = [("full", {}), ("local", {"window": 5}), ("longformer", {"window": 4, "global_tokens": 2}),
          ("bigbird", {"block_size": 4, "random_blocks": 2}), ("strided", {"stride": 6}),
          ("strided", {"stride": 6, "pattern": "fixed"}), ("performer", {"features": 32})]


@pytest.mark.parametrize("kind, options", CAUSAL, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CAUSAL)])
def test_a_later_step_never_changes_an_earlier_output(kind, options):
    kernel = make_attention(kind, HS, options, torch.Generator().manual_seed(0))
    q, k, v = qkv(length=150, dtype=torch.float32)         # > one performer chunk
    before = kernel(q, k, v, causal=True)
    for t in (20, 101, 149):
        q2, k2, v2 = q.clone(), k.clone(), v.clone()
        for x in (q2, k2, v2):
            x[:, :, t] += 3.0
        after = kernel(q2, k2, v2, causal=True)
        assert torch.equal(before[:, :, :t], after[:, :, :t]), (kind, t)
        assert not torch.equal(before[:, :, t], after[:, :, t])


@pytest.mark.parametrize("kind", [k for k in ATTENTION_KINDS if k not in ("linformer",)])
def test_padded_keys_are_ignored(kind):
    options = {"local": {"window": 50}, "longformer": {"window": 50}, "bigbird": {"block_size": 40},
               "strided": {"stride": 40}, "lsh": {"buckets": 1}}.get(kind, {})
    kernel = make_attention(kind, HS, options, torch.Generator().manual_seed(0))
    q, k, v = qkv(dtype=torch.float32)
    mask = padding()
    got = kernel(q, k, v, key_mask=mask)
    if kind == "performer":   # an approximation: padded keys must count as if they were not there
        torch.testing.assert_close(got[1:], kernel(q[1:], k[1:, :, :28], v[1:, :, :28]), atol=1e-5, rtol=0)
        return
    torch.testing.assert_close(got, dense(q, k, v, None, mask), atol=1e-5, rtol=0)


def test_unknown_kinds_and_options_are_clear_errors():
    with pytest.raises(ConfigError, match="choose one of full, local"):
        make_attention("sparse", HS)
    with pytest.raises(ConfigError, match="takes no option windw; its options: window"):
        make_attention("local", HS, {"windw": 3})
    with pytest.raises(ConfigError, match="max_length"):
        make_attention("linformer", HS)
