"""A counted n-gram language model with interpolated Kneser-Ney smoothing (Chen & Goodman 1998,
"An Empirical Study of Smoothing Techniques for Language Modeling", section 3.5): the baseline that
a neural language model over tokens has to beat.

``p(w | h) = max(c(h w) - D, 0) / c(h) + D * N1+(h .) / c(h) * p(w | h')``, where ``h'`` is ``h``
without its oldest token; the highest order counts occurrences, every lower order counts the
distinct tokens seen before ``h' w`` (continuation counts), the discount of each order is
``D = n1 / (n1 + 2 n2)`` (``n1``, ``n2``: n-grams seen once and twice; kept within
[0.1, 0.9], so that a level with no n-gram seen once still passes mass on), and below the unigrams
sits the uniform distribution over the vocabulary, so no token has probability zero.

Each sequence is scored from its second token on (the first is its start mark), with the context
cut at the start of the sequence: exactly the tokens a language model reading the sequence from
its start predicts.

>>> lm = NgramModel(2, vocab_size=3).fit([[0, 1, 2, 1, 2], [0, 1, 2]])
>>> round(lm.nats([[0, 1, 2]]), 4)
0.0726
>>> abs(sum(lm.probability(w, (1,)) for w in range(3)) - 1) < 1e-12
True
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from seqlab.io.errors import ConfigError, DataError

MIN_DISCOUNT, MAX_DISCOUNT = 0.1, 0.9


class NgramModel:
    """Interpolated Kneser-Ney n-gram model over token ids ``0 .. vocab_size - 1``.

    Args:
        order: n (1 = unigram, 2 = bigram, ...).
        vocab_size: how many token ids there are (the uniform floor spreads over them).
    """

    def __init__(self, order: int, vocab_size: int):
        if int(order) < 1 or int(vocab_size) < 1:
            raise ConfigError(f"an n-gram model needs order >= 1 and vocab_size >= 1, got {order}, {vocab_size}")
        self.order, self.vocab_size = int(order), int(vocab_size)

    def fit(self, sequences) -> "NgramModel":
        """Count the n-grams of ``sequences`` (lists of ids); returns self."""
        top = self.order
        occurrences, distinct = Counter(), set()
        for seq in sequences:
            seq = [int(t) for t in seq]
            for i in range(1, len(seq)):
                occurrences[tuple(seq[max(0, i - top + 1):i + 1])] += 1
                distinct.update(tuple(seq[i - n + 1:i + 1]) for n in range(2, min(top, i + 1) + 1))
        if not occurrences:
            raise DataError("no n-grams to count: give sequences of at least two tokens")
        # counts[k][context] -> Counter of next tokens, k = len(context). The longest n-grams count
        # occurrences; so do the shorter ones that start a sequence (no token can come before them,
        # as KenLM does for n-grams after <s>); every other shorter n-gram counts the distinct tokens
        # seen before it (its continuation count).
        self.counts = [defaultdict(Counter) for _ in range(top)]
        for gram, c in occurrences.items():
            self.counts[len(gram) - 1][gram[:-1]][gram[-1]] += c
        for gram in distinct:
            suffix = gram[1:]
            self.counts[len(suffix) - 1][suffix[:-1]][suffix[-1]] += 1
        self.totals = [{h: sum(ws.values()) for h, ws in level.items()} for level in self.counts]
        self.discounts = []
        for level in self.counts:
            n = Counter(c for ws in level.values() for c in ws.values())
            d = n[1] / (n[1] + 2 * n[2]) if n[1] + n[2] else 0.5
            self.discounts.append(min(MAX_DISCOUNT, max(MIN_DISCOUNT, d)))
        return self

    def probability(self, word: int, context: tuple) -> float:
        """``p(word | context)``, ``context`` the preceding ids (only the last ``order - 1`` are used)."""
        context = tuple(context)[-(self.order - 1):] if self.order > 1 else ()
        p = 1.0 / self.vocab_size
        for k in range(0, len(context) + 1):
            h = context[len(context) - k:]
            total = self.totals[k].get(h)
            if not total:
                break
            seen = self.counts[k][h]
            d = self.discounts[k]
            p = max(seen.get(word, 0) - d, 0.0) / total + d * len(seen) / total * p
        return p

    def nats(self, sequences) -> float:
        """Mean ``-log p`` of every token after the first of each sequence, in nats per token."""
        total, count = 0.0, 0
        for seq in sequences:
            seq = [int(t) for t in seq]
            for i in range(1, len(seq)):
                total -= math.log(self.probability(seq[i], tuple(seq[max(0, i - self.order + 1):i])))
                count += 1
        if not count:
            raise DataError("no tokens to score: give sequences of at least two tokens")
        return total / count
