import numpy as np
import pytest
import torch

import seqlab
from seqlab.models.language import (
    BACKBONES,
    LanguageModel,
    LanguageModelConfig,
    filter_logits,
    generate,
    language_loss,
)


def _model(backbone, **kw):
    torch.manual_seed(0)
    sizes = dict(n_embd=16, units=24, n_layer=2, n_head=2, context=3)
    sizes.update(kw)
    model = LanguageModel(LanguageModelConfig(backbone, vocab_size=11, block_size=8, **sizes)).eval()
    if backbone == "bigram":  # starts uniform (zeros); give it something to say
        torch.nn.init.normal_(model.table)
    return model


@pytest.mark.parametrize("backbone", BACKBONES)
def test_every_backbone_predicts_from_the_past_only(backbone):
    model = _model(backbone)
    ids = torch.randint(0, 11, (3, 8))
    changed = ids.clone()
    changed[:, 5:] = (ids[:, 5:] + 1) % 11
    a, b = model(ids), model(changed)
    assert a.shape == (3, 8, 11)
    torch.testing.assert_close(a[:, :5], b[:, :5])
    assert not torch.allclose(a[:, 5], b[:, 5])


def test_mlp_sees_only_its_context_window():
    model = _model("mlp", context=3)
    ids = torch.randint(0, 11, (2, 8))
    changed = ids.clone()
    changed[:, 2] = (ids[:, 2] + 1) % 11
    a, b = model(ids), model(changed)
    torch.testing.assert_close(a[:, 5:], b[:, 5:])   # position 5 sees tokens 3, 4, 5
    assert not torch.allclose(a[:, 4], b[:, 4])


@pytest.mark.parametrize("backbone", ["rnn", "lstm", "gru"])
def test_recurrent_stepping_matches_the_full_pass(backbone):
    model = _model(backbone)
    ids = torch.randint(0, 11, (2, 6))
    full = model(ids)
    state, steps = None, []
    for t in range(6):
        logits, state = model.step(ids[:, t], state)
        steps.append(logits)
    torch.testing.assert_close(torch.stack(steps, 1), full, atol=1e-5, rtol=1e-5)


def test_loss_is_the_seed_cross_entropy_in_nats_per_character():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2, 4, 5)).astype("float32")
    targets = np.array([[1, 2, 0, -1], [4, 4, 3, 0]])
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    keep = targets >= 0
    want = -np.log(p[keep, targets[keep]]).mean()      # L = -1/T sum_t log y_hat[t, y_t]
    got = language_loss(torch.tensor(logits), torch.tensor(targets))
    assert abs(float(got) - want) < 1e-5


def test_bucketed_batches_weigh_every_character_alike_with_tokens_per_row():
    # 12 items of 1..12 targets in 3 buckets by length, each chosen with odds in proportion to its
    # size: the expected batch loss must be the per-character mean over all items (what is tested)
    gen = torch.Generator().manual_seed(0)
    lengths = torch.arange(1, 13)
    logits = torch.randn(12, 12, 5, generator=gen)
    targets = torch.randint(0, 5, (12, 12), generator=gen)
    targets[torch.arange(12)[None, :] >= lengths[:, None]] = -1
    per_row = float(lengths.float().mean())
    buckets = torch.arange(12).chunk(3)
    expected = sum(len(b) / 12 * language_loss(logits[b], targets[b], tokens_per_row=per_row) for b in buckets)
    torch.testing.assert_close(expected, language_loss(logits, targets))
    batch_mean = sum(len(b) / 12 * language_loss(logits[b], targets[b]) for b in buckets)
    assert abs(float(batch_mean - language_loss(logits, targets))) > 1e-3   # the bias it removes


def test_transformer_biases_start_at_zero_and_are_not_weight_decayed():
    # the attention's per-head biases are (heads, size) tables: they must be treated as biases
    from seqlab.models.language import is_matrix_weight
    model = LanguageModel(LanguageModelConfig("transformer", vocab_size=11, block_size=8, n_embd=16, n_head=2),
                          seed=0)
    biases = {n: p for n, p in model.named_parameters() if n.endswith("bias")}
    assert any(p.dim() == 2 for p in biases.values())
    assert all(float(p.abs().max()) == 0.0 for p in biases.values())
    decayed = {n for n, p in model.named_parameters() if is_matrix_weight(n, p)}
    assert decayed.isdisjoint(biases) and "embedding.embeddings" in decayed
    assert not any("norm" in n for n in decayed)


def test_top_k_and_top_p_keep_the_expected_tokens():
    probs = np.array([[0.5, 0.05, 0.3, 0.15]])
    logits = torch.tensor(np.log(probs), dtype=torch.float32)
    kept = torch.isfinite(filter_logits(logits, top_k=2))[0].tolist()
    assert kept == [True, False, True, False]
    # nucleus: smallest set with mass >= 0.7 is {0.5, 0.3}; >= 0.85 adds 0.15
    assert torch.isfinite(filter_logits(logits, top_p=0.7))[0].tolist() == [True, False, True, False]
    assert torch.isfinite(filter_logits(logits, top_p=0.85))[0].tolist() == [True, False, True, True]
    scaled = filter_logits(logits, temperature=0.5).softmax(-1)[0].numpy()
    np.testing.assert_allclose(scaled, (probs ** 2 / (probs ** 2).sum())[0], rtol=1e-5)


def test_generation_stops_at_the_stop_token_and_repeats_with_a_seed():
    model = _model("transformer")
    prefix = torch.zeros(4, 1, dtype=torch.long)
    a = generate(model, prefix, 7, stop_token=0, generator=torch.Generator().manual_seed(3))
    b = generate(model, prefix, 7, stop_token=0, generator=torch.Generator().manual_seed(3))
    assert a == b and all(0 not in row and len(row) <= 7 for row in a)


def test_bad_config_is_a_seqlab_error():
    with pytest.raises(seqlab.SeqlabError, match="unknown model"):
        LanguageModel(LanguageModelConfig("wavenet", vocab_size=5, block_size=4))
    with pytest.raises(seqlab.SeqlabError, match="divisible"):
        LanguageModel(LanguageModelConfig("transformer", vocab_size=5, block_size=4, n_embd=10, n_head=4))


def test_transformer_refuses_context_longer_than_its_positions():
    with pytest.raises(seqlab.SeqlabError, match="block_size"):
        _model("transformer")(torch.zeros(1, 9, dtype=torch.long))
