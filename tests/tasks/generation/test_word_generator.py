"""WordGenerator: a capped vocabulary with <unk>, and context a bigram cannot see."""
import numpy as np
import pytest

from seqlab import load
from seqlab.io.errors import DataError
from seqlab.tasks.generation.word_generator import WordGenerator, bigram_nats, words_of


def corpus(n=200, seed=0):
    """After "x" comes "b" when the sentence began with "a", else "d": two words back."""
    rng = np.random.default_rng(seed)
    return ["a x b ." if rng.random() < 0.5 else "c x d ." for _ in range(n)]


def test_bigram_nats_is_the_add_k_formula():
    train, test = [0, 1, 2, 1, 2, 0], [1, 2, 0]
    # p(2|1) = (2 + k) / (2 + 3k); p(0|2) = (1 + k) / (2 + 3k), k = 1, vocab 3
    expected = -(np.log(3 / 5) + np.log(2 / 5)) / 2
    assert bigram_nats(train, test, 3, 1.0) == pytest.approx(expected)


def test_context_beyond_one_word_beats_the_bigram_and_survives_saving(tmp_path):
    gen = WordGenerator(units=16, n_embd=8, block_size=8, steps=250, learning_rate=1e-2, seed=0).fit(corpus())
    scores = gen.evaluate()
    assert scores["beats_baseline"] and scores["test_loss"] < scores["baseline"]["test_loss"] - 0.1
    assert all(s.split()[0] in ("a", "c") for s in gen.sample(4, seed=0))
    gen.save(tmp_path / "words")
    again = load(tmp_path / "words")
    assert again.evaluate()["test_loss"] == pytest.approx(scores["test_loss"], rel=1e-6)
    assert again.sample(3, seed=1) == gen.sample(3, seed=1)


def test_rare_words_become_unknown():
    lines = [f"word{i} common ." for i in range(30)]
    gen = WordGenerator(num_words=4, units=4, n_embd=4, block_size=4, steps=2, seed=0).fit(lines)
    assert gen.vocab_ == ["<eos>", "<unk>", "common", "."] and gen.evaluate()["unknown_rate"] == 0.25
    assert words_of("It's 5, ok") == ["it's", "5", ",", "ok"]
    with pytest.raises(DataError, match="at least 10"):
        WordGenerator().fit(["one line"])
