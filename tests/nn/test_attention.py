import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.nn.attention import AdditiveAttention, Attention, MultiHeadAttention


def _softmax(z):
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def _copy_torch_mha(ref: torch.nn.MultiheadAttention, ours: MultiHeadAttention):
    e, h = ref.embed_dim, ref.num_heads
    wq, wk, wv = ref.in_proj_weight.detach().chunk(3)
    bq, bk, bv = ref.in_proj_bias.detach().chunk(3)
    ours.set_weights([
        wq.T.reshape(e, h, e // h), bq.reshape(h, e // h),
        wk.T.reshape(e, h, e // h), bk.reshape(h, e // h),
        wv.T.reshape(e, h, e // h), bv.reshape(h, e // h),
        ref.out_proj.weight.detach().T.reshape(h, e // h, e), ref.out_proj.bias.detach(),
    ])


@pytest.mark.parametrize("masking", ["none", "padding", "causal", "both"])
def test_multi_head_attention_matches_torch(masking):
    torch.manual_seed(0)
    ref = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    with torch.no_grad():
        ref.in_proj_bias.normal_()
        ref.out_proj.bias.normal_()
    ours = MultiHeadAttention(num_heads=4, key_dim=4, input_shape=(None, 16))
    _copy_torch_mha(ref, ours)
    x = torch.randn(3, 6, 16)
    keep = torch.ones(3, 6, dtype=torch.bool)
    keep[0, 4:] = False
    keep[2, 1:] = False
    mask = keep if masking in ("padding", "both") else None
    causal = masking in ("causal", "both")
    tri = torch.ones(6, 6, dtype=torch.bool).triu(1) if causal else None  # torch: True = blocked
    kpm = ~keep if mask is not None else None

    x_ref = x.clone().requires_grad_(True)
    want, want_w = ref(x_ref, x_ref, x_ref, key_padding_mask=kpm, attn_mask=tri)
    x_ours = x.clone().requires_grad_(True)
    got = ours(x_ours, mask=mask, causal=causal)
    torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    got.pow(2).sum().backward()
    want.pow(2).sum().backward()
    torch.testing.assert_close(x_ours.grad, x_ref.grad, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(ours.output_kernel.grad,
                               ref.out_proj.weight.grad.T.reshape(4, 4, 16), atol=1e-4, rtol=1e-4)

    _, weights = ours(x, mask=mask, causal=causal, return_attention_scores=True)
    torch.testing.assert_close(weights.mean(1), want_w, atol=1e-5, rtol=1e-5)


def test_multi_head_attention_cross_attends_to_other_sizes():
    mha = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5, output_dim=7)
    out, w = mha(torch.randn(2, 4, 6), torch.randn(2, 9, 10), return_attention_scores=True)
    assert out.shape == (2, 4, 7) and w.shape == (2, 2, 4, 9)
    assert [a.shape for a in mha.get_weights()] == [
        (6, 2, 3), (2, 3), (10, 2, 3), (2, 3), (10, 2, 5), (2, 5), (2, 5, 7), (7,)]
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 2, 4))


def test_causal_attention_ignores_the_future():
    mha = MultiHeadAttention(num_heads=2, key_dim=4)
    x = torch.randn(1, 5, 8)
    y = x.clone()
    y[:, 3:] = torch.randn(1, 2, 8)
    a, b = mha(x, causal=True), mha(y, causal=True)
    torch.testing.assert_close(a[:, :3], b[:, :3])
    assert not torch.allclose(a[:, 3:], b[:, 3:])


def test_query_with_nothing_to_attend_gets_zeros_not_nan():
    mha = MultiHeadAttention(num_heads=1, key_dim=4)
    x = torch.randn(2, 3, 4)
    keep = torch.tensor([[False, True, True], [True, True, True]])  # pre-padding
    out = mha(x, mask=keep, causal=True)
    assert torch.isfinite(out).all()
    attn = Attention(causal=True)
    context, weights = attn(x, x, mask=keep)
    assert torch.isfinite(context).all()
    assert torch.all(context[0, 0] == 0) and torch.all(weights[0, 0] == 0)


@pytest.mark.parametrize("score_mode,use_scale", [("dot", False), ("scaled_dot", False), ("dot", True),
                                                  ("general", False)])
def test_luong_attention_matches_numpy(score_mode, use_scale):
    rng = np.random.default_rng(0)
    q, v, k = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 6)), rng.normal(size=(2, 5, 4))
    keep = np.ones((2, 5), bool)
    keep[1, 3:] = False
    attn = Attention(score_mode=score_mode, use_scale=use_scale)
    t = lambda a: torch.tensor(a, dtype=torch.float32)
    attn(t(q), t(v), t(k))  # build
    w = [rng.normal(size=a.shape).astype("float32") for a in attn.get_weights()]
    attn.set_weights(w)
    context, weights = attn(t(q), t(v), t(k), mask=torch.tensor(keep))

    qq = q @ w[0] if score_mode == "general" else q
    scores = qq @ k.transpose(0, 2, 1)
    if score_mode == "scaled_dot":
        scores = scores / np.sqrt(4)
    if use_scale:
        scores = scores * w[0]
    scores = np.where(keep[:, None, :], scores, -np.inf)
    want_w = _softmax(scores)
    np.testing.assert_allclose(weights.detach().numpy(), want_w, atol=1e-5)
    np.testing.assert_allclose(context.detach().numpy(), want_w @ v, atol=1e-5)


def test_bahdanau_attention_matches_numpy():
    rng = np.random.default_rng(1)
    q, v = rng.normal(size=(2, 4)), rng.normal(size=(2, 6, 3))
    attn = AdditiveAttention(units=5)
    t = lambda a: torch.tensor(a, dtype=torch.float32)
    context, weights = attn(t(q), t(v))  # 2-D query: one decoder step
    assert context.shape == (2, 3) and weights.shape == (2, 6)
    wq, wk, b, vec = [rng.normal(size=a.shape).astype("float32") for a in attn.get_weights()]
    attn.set_weights([wq, wk, b, vec])
    context, weights = attn(t(q), t(v))
    scores = np.tanh((q @ wq)[:, None, :] + v @ wk + b) @ vec[:, 0]      # (2, 6)
    want_w = _softmax(scores)
    np.testing.assert_allclose(weights.detach().numpy(), want_w, atol=1e-5)
    np.testing.assert_allclose(context.detach().numpy(), np.einsum("bt,btd->bd", want_w, v), atol=1e-5)


def test_dot_attention_with_different_sizes_says_what_to_do():
    with pytest.raises(seqlab.SeqlabError, match="general"):
        Attention()(torch.randn(1, 2, 3), torch.randn(1, 4, 5))


def test_bad_mask_shape_is_a_seqlab_error():
    with pytest.raises(seqlab.SeqlabError, match="mask"):
        Attention()(torch.randn(2, 2, 3), torch.randn(2, 4, 3), mask=torch.ones(2, 3, dtype=torch.bool))


def test_attention_layers_are_registered():
    for name in ("Attention", "AdditiveAttention", "MultiHeadAttention"):
        assert layers.LAYER_CLASSES[name].__name__ == name
