"""The Kneser-Ney n-gram baseline: a distribution that sums to one, and the published formula by hand."""
import math

import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.ngram import NgramModel

DATA = [[0, 1, 2, 1, 2, 3, 1, 2], [0, 2, 3, 3, 1]]


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_every_context_gives_a_distribution(order):
    lm = NgramModel(order, vocab_size=5).fit(DATA)
    for context in [(), (1,), (2, 1), (4, 4, 4), (0, 1, 2)]:
        assert math.isclose(sum(lm.probability(w, context) for w in range(5)), 1.0, abs_tol=1e-12)
        assert all(lm.probability(w, context) > 0 for w in range(5))


def test_bigram_probability_matches_the_formula_by_hand():
    lm = NgramModel(2, vocab_size=5).fit(DATA)
    # bigrams seen: (0,1) (1,2) (2,1) (1,2) (2,3) (3,1) (1,2) | (0,2) (2,3) (3,3) (3,1)
    # counts seen once: (0,1) (2,1) (0,2) (3,3); twice: (2,3) (3,1); thrice: (1,2) -> D2 = 4 / (4 + 2*2) = 0.5
    # the bigrams' left neighbours: (1,2) after 0 and 2, (2,1) after 1, (2,3) after 1 and 0, (3,1) after 2 and 3,
    # (3,3) after 2; ...  the unigram continuation counts: 1 <- {0, 2, 3}, 2 <- {1, 0}, 3 <- {2, 3}; total 7.
    # unigram continuation counts 3, 2, 2: none seen once, so D1 = 0.1 (the floor); the uniform floor is 1/5
    p_uni = {w: (c - 0.1) / 7 + 0.1 * 3 / 7 / 5 for w, c in {1: 3, 2: 2, 3: 2}.items()}
    # after 2: (2,1) once, (2,3) twice; total 3, two types
    expected = (2 - 0.5) / 3 + 0.5 * 2 / 3 * p_uni[3]
    assert lm.probability(3, (2,)) == pytest.approx(expected, abs=1e-12)
    assert lm.probability(4, (2,)) == pytest.approx(0.5 * 2 / 3 * 0.1 * 3 / 7 / 5, abs=1e-12)   # never seen


def test_bad_arguments():
    with pytest.raises(ConfigError):
        NgramModel(0, 3)
    with pytest.raises(DataError):
        NgramModel(2, 3).fit([[1]])
