"""KV caching in the transformer language model and the seq2seq decoder: the same tokens as
recomputing the prefix at every step, and the options the language model passes to its blocks."""
from __future__ import annotations

import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.models.decoding import beam_search, greedy_decode
from seqlab.models.language import LanguageModel, LanguageModelConfig, generate
from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel


@pytest.mark.parametrize("positions", ["learned", "rotary"])
def test_cached_sampling_gives_the_same_tokens(positions):
    model = LanguageModel(LanguageModelConfig("transformer", 27, block_size=40, n_layer=2, positions=positions),
                          seed=0)
    prefix = torch.randint(1, 27, (4, 3), generator=torch.Generator().manual_seed(0))
    runs = [generate(model, prefix, 60, generator=torch.Generator().manual_seed(5), use_cache=c) for c in (True, False)]
    assert runs[0] == runs[1]
    assert all(len(row) == 60 for row in runs[0])          # past block_size the window slides, as without cache


def test_a_cache_step_equals_the_whole_prefix():
    # capacity is per call (2 tokens a cached step, 32 the whole prefix): with 2 experts and factor 2 no
    # token is ever over capacity, so both ways must agree (with 1.25 they agree only if routing is even)
    model = LanguageModel(LanguageModelConfig("transformer", 27, block_size=16, n_layer=2, moe=2, capacity_factor=2.0),
                          seed=0).eval()
    x = torch.randint(0, 27, (2, 16), generator=torch.Generator().manual_seed(1))
    cache = model.new_cache()
    pieces = [model.run(x[:, :5], cache)[0]] + [model.run(x[:, t:t + 1], cache)[0] for t in range(5, 16)]
    torch.testing.assert_close(torch.cat(pieces, 1), model(x), atol=1e-5, rtol=0)
    with pytest.raises(ConfigError, match="longer than block_size"):
        model.run(x[:, :1], cache)


def test_language_model_options_are_checked():
    with pytest.raises(ConfigError, match="needs causal attention; linformer cannot be causal"):
        LanguageModel(LanguageModelConfig("transformer", 27, 16, attention="linformer",
                                          attention_options={"max_length": 16}))
    with pytest.raises(ConfigError, match="unknown positions"):
        LanguageModel(LanguageModelConfig("transformer", 27, 16, positions="sinusoid"))
    local = LanguageModel(LanguageModelConfig("transformer", 27, 16, attention="local",
                                              attention_options={"window": 3}), seed=0)
    assert local(torch.zeros(2, 16, dtype=torch.long)).shape == (2, 16, 27)
    with pytest.raises(ConfigError, match="KV cache needs"):
        local.new_cache()


def test_seq2seq_decoding_with_and_without_the_cache_agree():
    model = Seq2SeqModel(Seq2SeqConfig(src_vocab_size=20, tgt_vocab_size=20, model="transformer", units=32,
                                       num_layers=2), seed=0).eval()
    src = torch.randint(3, 20, (3, 7), generator=torch.Generator().manual_seed(2))
    src[1, -2:] = 0
    for decode in (lambda: greedy_decode(model, src, 25), lambda: beam_search(model, src, 3, 25)):
        ids, weights = decode()
        model.use_cache = False
        try:
            ids_plain, weights_plain = decode()
        finally:
            model.use_cache = True
        assert torch.equal(ids, ids_plain)
        torch.testing.assert_close(weights, weights_plain, atol=1e-5, rtol=0)
