import numpy as np
import pytest
import torch

import seqlab
from seqlab.nn.transformer import PositionalEncoding, TransformerDecoder, TransformerEncoder


def _load_mha(ours, ref: torch.nn.MultiheadAttention):
    e, h = ref.embed_dim, ref.num_heads
    wq, wk, wv = ref.in_proj_weight.detach().chunk(3)
    bq, bk, bv = ref.in_proj_bias.detach().chunk(3)
    return [wq.T.reshape(e, h, e // h), bq.reshape(h, e // h), wk.T.reshape(e, h, e // h),
            bk.reshape(h, e // h), wv.T.reshape(e, h, e // h), bv.reshape(h, e // h),
            ref.out_proj.weight.detach().T.reshape(h, e // h, e), ref.out_proj.bias.detach()]


def _norm(ln):
    return [ln.weight.detach(), ln.bias.detach()]


def _ff(ref):
    return [ref.linear1.weight.detach().T, ref.linear1.bias.detach(),
            ref.linear2.weight.detach().T, ref.linear2.bias.detach()]


def _randomise(module):
    torch.manual_seed(1)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p) * 0.3)


def test_sinusoidal_encoding_matches_the_paper_formula():
    length, dim = 11, 6
    pos = np.arange(length)[:, None]
    i = np.arange(dim // 2)[None, :]
    want = np.zeros((length, dim))
    want[:, 0::2] = np.sin(pos / 10000 ** (2 * i / dim))
    want[:, 1::2] = np.cos(pos / 10000 ** (2 * i / dim))
    x = torch.randn(2, length, dim)
    got = PositionalEncoding()(x) - x
    np.testing.assert_allclose(got[1].numpy(), want, atol=1e-5)


def test_learned_positions_have_a_table_and_a_length_limit():
    pe = PositionalEncoding(mode="learned", max_length=4, input_shape=(None, 3))
    assert pe.count_params() == 12
    pe.set_weights([np.arange(12, dtype="float32").reshape(4, 3)])
    np.testing.assert_allclose(pe(torch.zeros(1, 2, 3))[0].detach().numpy(), [[0, 1, 2], [3, 4, 5]])
    with pytest.raises(seqlab.SeqlabError, match="max_length"):
        pe(torch.zeros(1, 5, 3))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_block_matches_torch(norm_first):
    ref = torch.nn.TransformerEncoderLayer(16, 4, dim_feedforward=24, dropout=0.0, batch_first=True,
                                           norm_first=norm_first)
    _randomise(ref)
    ours = TransformerEncoder(24, num_heads=4, normalize_first=norm_first, input_shape=(None, 16))
    ours.set_weights(_load_mha(ours, ref.self_attn) + _norm(ref.norm1) + _ff(ref) + _norm(ref.norm2))
    x = torch.randn(3, 5, 16)
    keep = torch.ones(3, 5, dtype=torch.bool)
    keep[1, 3:] = False
    ref.eval()  # the fused fast path and the slow path agree; eval keeps torch deterministic
    want = ref(x, src_key_padding_mask=~keep)
    got = ours(x, mask=keep)
    torch.testing.assert_close(got[keep], want[keep], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_block_matches_torch(norm_first):
    ref = torch.nn.TransformerDecoderLayer(8, 2, dim_feedforward=12, dropout=0.0, batch_first=True,
                                           norm_first=norm_first)
    _randomise(ref)
    ours = TransformerDecoder(12, num_heads=2, normalize_first=norm_first)
    x, memory = torch.randn(2, 6, 8), torch.randn(2, 4, 8)
    ours(x, memory)  # build
    assert len(ours.weight_names) == len(ours.get_weights()) == 26
    ours.set_weights(_load_mha(ours, ref.self_attn) + _norm(ref.norm1) + _load_mha(ours, ref.multihead_attn)
                     + _norm(ref.norm2) + _ff(ref) + _norm(ref.norm3))
    enc_keep = torch.tensor([[True, True, True, False], [True, True, True, True]])
    causal = torch.nn.Transformer.generate_square_subsequent_mask(6)
    want = ref(x, memory, tgt_mask=causal, memory_key_padding_mask=~enc_keep)
    got = ours(x, memory, encoder_mask=enc_keep)
    torch.testing.assert_close(got, want, atol=1e-4, rtol=1e-4)


def test_decoder_only_block_is_causal_and_needs_no_encoder():
    block = TransformerDecoder(32, num_heads=2, cross_attention=False, normalize_first=True)
    x = torch.randn(1, 6, 8)
    y = x.clone()
    y[:, 4:] = 0
    torch.testing.assert_close(block(x)[:, :4], block(y)[:, :4])
    assert "cross_attention" not in " ".join(block.weight_names)


def test_decoder_with_cross_attention_asks_for_the_encoder_sequence():
    block = TransformerDecoder(8, num_heads=1)
    with pytest.raises(seqlab.SeqlabError, match="encoder_sequence"):
        block(torch.randn(1, 2, 4))


def test_heads_must_divide_the_features():
    with pytest.raises(seqlab.SeqlabError, match="divisible"):
        TransformerEncoder(8, num_heads=3, input_shape=(None, 8))


def test_encoder_blocks_stack_in_sequential_with_padding_masks():
    from seqlab import layers

    model = seqlab.Sequential([layers.Embedding(20, 8, mask_zero=True), layers.PositionalEncoding(),
                               layers.TransformerEncoder(16, num_heads=2), layers.Dense(3)],
                              input_shape=(None,), seed=0)
    ids = torch.tensor([[3, 4, 5, 0, 0]])
    out = model(ids)
    assert out.shape == (1, 5, 3)
    torch.testing.assert_close(model(torch.tensor([[3, 4, 5]])), out[:, :3])  # padding is invisible
    assert model.count_params() == 20 * 8 + 4 * (8 * 8 + 8) + 2 * 8 + (8 * 16 + 16) + (16 * 8 + 8) + 2 * 8 + 27
