import itertools

import pytest
import torch

from seqlab.data.pairs import END, PAD, START
from seqlab.io.errors import ConfigError
from seqlab.models.decoding import beam_search, greedy_decode
from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel, sequence_loss

KINDS = [("lstm", "none", False), ("lstm", "dot", False), ("lstm", "additive", False), ("gru", "none", False),
         ("gru", "dot", False), ("gru", "additive", True), ("lstm", "dot", True), ("transformer", "none", False)]


def make(model, attention, bidirectional=False, src_vocab=11, tgt_vocab=9, seed=0, **kw):
    torch.manual_seed(seed)
    cfg = Seq2SeqConfig(src_vocab, tgt_vocab, model=model, attention=attention, units=16, embedding_dim=8,
                        num_heads=2, intermediate_dim=32, bidirectional=bidirectional, **kw)
    return Seq2SeqModel(cfg).eval()


def ragged_batch(seed=1):
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(3, 11, (4, 7), generator=g)
    lengths = [7, 3, 5, 1]
    for i, n in enumerate(lengths):
        src[i, n:] = PAD
    return src, lengths


@pytest.mark.parametrize("model,attention,bi", KINDS)
def test_padded_inputs_give_the_same_outputs_as_unpadded(model, attention, bi):
    m = make(model, attention, bi)
    src, lengths = ragged_batch()
    tgt = torch.randint(3, 9, (4, 5))
    tgt[:, 0] = START
    with torch.no_grad():
        batch_logits = m(src, tgt)
        batch_ids, _ = greedy_decode(m, src, 6)
        for i, n in enumerate(lengths):
            alone = m(src[i:i + 1, :n], tgt[i:i + 1])
            torch.testing.assert_close(batch_logits[i:i + 1], alone, atol=1e-5, rtol=1e-4)
            ids, _ = greedy_decode(m, src[i:i + 1, :n], 6)
            assert ids[0].tolist() == batch_ids[i, :ids.shape[1]].tolist()


@pytest.mark.parametrize("model,attention,bi", KINDS)
def test_fused_teacher_forcing_equals_the_step_loop(model, attention, bi):
    m = make(model, attention, bi)
    src, _ = ragged_batch()
    tgt = torch.randint(3, 9, (4, 6))
    with torch.no_grad():
        stepped, _ = m.step_decode(tgt, m.start(src))
        torch.testing.assert_close(m(src, tgt), stepped, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("model,attention", [("lstm", "dot"), ("gru", "additive"), ("lstm", "additive"),
                                             ("transformer", "none")])
def test_attention_weights_sum_to_one_and_ignore_padding(model, attention):
    m = make(model, attention)
    src, lengths = ragged_batch()
    with torch.no_grad():
        _, weights = m.step_decode(torch.randint(3, 9, (4, 5)), m.start(src))
    assert weights.shape == (4, 5, 7)
    torch.testing.assert_close(weights.sum(-1), torch.ones(4, 5))
    for i, n in enumerate(lengths):
        assert float(weights[i, :, n:].abs().sum()) == 0.0
    assert (weights[0] > 0).all()


def test_precomputed_bahdanau_context_equals_the_additive_attention_layer():
    m = make("lstm", "additive")
    src, _ = ragged_batch()
    state = m.start(src)
    query = torch.randn(4, 16)
    context, weights = m._additive_context(query, state["keys"], state["memory"], state["mask"])
    ref_context, ref_weights = m.attention(query, state["memory"], mask=state["mask"])
    torch.testing.assert_close(context, ref_context)
    torch.testing.assert_close(weights, ref_weights)


@pytest.mark.parametrize("model,attention,bi", KINDS)
def test_beam_search_with_beam_one_equals_greedy(model, attention, bi):
    m = make(model, attention, bi, tgt_vocab=6)
    src, _ = ragged_batch()
    greedy, gw = greedy_decode(m, src, 8)
    beam, bw = beam_search(m, src, 1, 8)
    assert torch.equal(greedy, beam)
    if gw is not None:
        torch.testing.assert_close(gw, bw)


def sequence_logprob(m, src, ids):
    """log p(ids | src) by teacher forcing; ids end with </s> or are cut at the length limit."""
    tgt_in = torch.tensor([[START] + ids[:-1]])
    logp = m(src, tgt_in).log_softmax(-1)[0]
    logp[:, [PAD, START]] = float("-inf")
    return float(logp.log_softmax(-1)[torch.arange(len(ids)), torch.tensor(ids)].sum())


def test_exhaustive_beam_search_finds_the_most_likely_output():
    m = make("gru", "dot", tgt_vocab=5, seed=3)     # writable tokens: </s>, 3, 4
    src = torch.tensor([[4, 7, 9]])
    candidates = []
    for length in (1, 2, 3):
        for body in itertools.product([3, 4], repeat=length - 1):
            candidates.append(list(body) + [END])
    candidates += [list(body) for body in itertools.product([3, 4], repeat=3)]  # cut at max_length=3
    with torch.no_grad():
        best = max(candidates, key=lambda ids: sequence_logprob(m, src, ids))
        ids, _ = beam_search(m, src, beam_width=9, max_length=3)
        greedy, _ = greedy_decode(m, src, 3)
        found = [t for t in ids[0].tolist() if t != PAD]
        assert found == best
        assert sequence_logprob(m, src, found) >= sequence_logprob(m, src, [t for t in greedy[0].tolist() if t != PAD])


def test_teacher_forcing_zero_feeds_the_model_its_own_predictions():
    m = make("lstm", "dot", teacher_forcing=0.0).train()
    src, _ = ragged_batch()
    a = torch.randint(3, 9, (4, 5))
    b = torch.randint(3, 9, (4, 5))
    b[:, 0] = a[:, 0]
    torch.testing.assert_close(m(src, a), m(src, b))          # only the first token is read
    m.eval()
    assert not torch.allclose(m(src, a), m(src, b))            # evaluation is always teacher-forced


def test_sequence_loss_ignores_padding_and_matches_cross_entropy():
    logits = torch.randn(2, 3, 6)
    target = torch.tensor([[3, 4, END], [5, END, PAD]])
    expected = -torch.cat([logits[0].log_softmax(-1)[[0, 1, 2], [3, 4, END]],
                           logits[1, :2].log_softmax(-1)[[0, 1], [5, END]]]).mean()
    torch.testing.assert_close(sequence_loss(logits, target), expected)


@pytest.mark.parametrize("kwargs,match", [
    (dict(model="rnn"), "unknown model"), (dict(attention="luong"), "unknown attention"),
    (dict(model="transformer", units=30, num_heads=4), "divisible"), (dict(teacher_forcing=1.5), "teacher_forcing"),
    (dict(model="transformer", teacher_forcing=0.5), "teacher_forcing=1.0"),
    (dict(bidirectional=True, units=15), "even"), (dict(units=0), "units"),
])
def test_bad_configurations_raise_config_error(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        Seq2SeqModel(Seq2SeqConfig(10, 10, **kwargs))


def test_beam_width_must_be_positive():
    with pytest.raises(ConfigError, match="beam_width"):
        beam_search(make("lstm", "none"), torch.tensor([[3, 4]]), 0, 4)
