"""attention=, rotary=, moe= and the KV cache on MultiHeadAttention and the transformer blocks."""
from __future__ import annotations

import math

import pytest
import torch

from seqlab import layers
from seqlab.io.errors import ConfigError
from seqlab.nn.moe import SwitchFeedForward
from seqlab.nn.rotary import rotate
from seqlab.train.regularizers import regularization_loss


def twin(kind, options=None, **kw):
    """A full MultiHeadAttention and one of ``kind`` with the same weights."""
    full = layers.MultiHeadAttention(4, 8, **kw)
    x = torch.randn(2, 24, 32, generator=torch.Generator().manual_seed(0))
    full(x)
    other = layers.MultiHeadAttention(4, 8, attention=kind, attention_options=options, **kw)
    other(x)
    n = len(full.get_weights())
    other.set_weights(full.get_weights() + other.get_weights()[n:])
    return full, other, x


@pytest.mark.parametrize("kind, options", [("local", {"window": 24}), ("longformer", {"window": 24}),
                                           ("bigbird", {"block_size": 24}), ("strided", {"stride": 24}),
                                           ("lsh", {"buckets": 1})])
def test_covering_variants_of_the_layer_equal_full_attention(kind, options):
    full, other, x = twin(kind, options)
    mask = torch.ones(2, 24, dtype=torch.bool)
    mask[0, -5:] = False
    torch.testing.assert_close(other(x, mask=mask), full(x, mask=mask), atol=1e-5, rtol=0)


def test_linformer_layer_with_identity_projections_equals_full_attention():
    full, other, x = twin("linformer", {"max_length": 24, "k": 24})
    other.set_weights(full.get_weights() + [torch.eye(24).numpy(), torch.eye(24).numpy()])
    torch.testing.assert_close(other(x), full(x), atol=1e-5, rtol=0)
    with pytest.raises(ConfigError, match="linformer attention cannot be causal; causal attention works with full"):
        other(x, causal=True)


def test_variants_refuse_what_they_cannot_do():
    _, lsh, x = twin("lsh")
    with pytest.raises(ConfigError, match="lsh attention cannot be causal"):
        lsh(x, causal=True)
    with pytest.raises(ConfigError, match="self-attention"):
        lsh(x, torch.randn(2, 10, 32))
    with pytest.raises(ConfigError, match="return_attention_scores needs attention='full'"):
        lsh(x, return_attention_scores=True)
    with pytest.raises(ConfigError, match="cache needs attention='full'"):
        lsh(x, cache={})
    with pytest.raises(ConfigError, match="unknown attention 'sparse'"):
        layers.TransformerEncoder(16, 2, attention="sparse")


def test_rotary_scores_depend_on_relative_position_only():
    g = torch.Generator().manual_seed(0)
    q, k = torch.randn(1, 1, 6, 8, generator=g), torch.randn(1, 1, 6, 8, generator=g)
    scores = rotate(q) @ rotate(k).transpose(-1, -2)
    shifted = rotate(q, 11) @ rotate(k, 11).transpose(-1, -2)
    torch.testing.assert_close(scores, shifted, atol=1e-5, rtol=0)
    # against complex multiplication: (x_2i + i x_2i+1) e^{i t theta_i}
    t, theta = torch.arange(6.0)[:, None], 10000.0 ** (-torch.arange(0, 8, 2) / 8)
    z = torch.view_as_complex(q.reshape(1, 1, 6, 4, 2).contiguous()) * torch.polar(torch.ones(6, 4), t * theta)
    torch.testing.assert_close(rotate(q), torch.view_as_real(z).flatten(-2), atol=1e-5, rtol=0)


@pytest.mark.parametrize("rotary", [False, True])
def test_decoder_with_a_cache_gives_the_outputs_of_the_whole_prefix(rotary):
    block = layers.TransformerDecoder(32, num_heads=2, rotary=rotary).eval()
    g = torch.Generator().manual_seed(1)
    x, memory = torch.randn(2, 9, 16, generator=g), torch.randn(2, 5, 12, generator=g)
    mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])
    whole = block(x, memory, encoder_mask=mask)
    cache = {}
    steps = [block(x[:, :4], memory, encoder_mask=mask, cache=cache)]
    steps += [block(x[:, t:t + 1], memory, encoder_mask=mask, cache=cache) for t in range(4, 9)]
    torch.testing.assert_close(torch.cat(steps, 1), whole, atol=1e-5, rtol=0)
    assert cache["self"]["key"].shape[2] == 9 and cache["cross"]["key"].shape[2] == 5


def test_switch_balancing_loss_is_one_for_uniform_routing_and_larger_otherwise():
    moe = SwitchFeedForward(4, 8, input_shape=(None, 4), generator=torch.Generator().manual_seed(0))
    tokens = torch.eye(4).repeat(8, 1)                        # 32 tokens, 8 of each basis vector
    with torch.no_grad():
        moe.router_kernel.copy_(5 * torch.eye(4))             # token e -> expert e: uniform routing
    probs, expert, _, _ = moe.route(tokens)
    balanced = float(moe.balance_loss(probs, expert))
    assert math.isclose(balanced, 1.0, rel_tol=1e-6)
    g = torch.Generator().manual_seed(1)
    for _ in range(5):                                         # any other router: >= 1
        with torch.no_grad():
            moe.router_kernel.copy_(torch.randn(4, 4, generator=g) * 3)
        assert float(moe.balance_loss(*moe.route(tokens)[:2])) >= balanced - 1e-6
    with torch.no_grad():
        moe.router_kernel.copy_(torch.zeros(4, 4))
        moe.router_kernel[:, 0] = 20.0
    collapsed = float(moe.balance_loss(*moe.route(tokens + 1)[:2]))
    assert collapsed > 3.9                                     # one expert takes all: ~E


def test_tokens_over_capacity_pass_through_the_residual():
    block = layers.TransformerEncoder(16, num_heads=2, moe=2, capacity_factor=0.5, normalize_first=True)
    x = torch.randn(1, 8, 8, generator=torch.Generator().manual_seed(2))
    block(x)
    moe = block.switch_feedforward
    with torch.no_grad():
        moe.router_kernel.zero_()                              # equal logits: argmax sends all to expert 0
    tokens = torch.randn(8, 8, generator=torch.Generator().manual_seed(3))
    out = moe(tokens)
    capacity = math.ceil(0.5 * 8 / 2)
    assert moe.dropped_fraction_ == (8 - capacity) / 8
    assert torch.equal(out[capacity:], torch.zeros(8 - capacity, 8))   # dropped: nothing added
    assert out[:capacity].abs().sum() > 0
    # in a pre-norm block, a dropped token leaves the feed-forward sub-layer unchanged
    block.eval()
    inside = block._residual(tokens[None], block.feedforward_norm, block._ff)
    torch.testing.assert_close(inside[0, capacity:], tokens[capacity:], atol=0, rtol=0)


def test_the_balancing_loss_joins_training_through_regularization_loss():
    model = torch.nn.Sequential(layers.TransformerEncoder(16, 2, moe=4, input_shape=(None, 8)))
    model.train()
    model(torch.randn(2, 5, 8))
    loss = regularization_loss(model)
    assert loss is not None and loss.requires_grad and float(loss) >= 0.01 - 1e-6
    assert regularization_loss(model) is None                  # taken once per forward
