"""Hashed n-gram features of a fastText-style text classifier (Joulin et al. 2017, "Bag of Tricks
for Efficient Text Classification"; Bojanowski et al. 2017 for the character n-grams).

A text becomes a bag of ids: its word ids, then one id per word bigram, then one id per
character n-gram of every word (taken from ``<word>``, the angle brackets marking its start
and end). N-grams are not stored in a vocabulary: each is hashed (CRC-32 of its UTF-8 bytes,
the same on every machine and run) into one of ``buckets`` rows placed after the word ids.

>>> char_ngrams("win", 2, 3)
['<w', 'wi', 'in', 'n>', '<wi', 'win', 'in>']
>>> ngram_bag(["win", "now"], [5, 9], vocab_size=10, buckets=4, char_range=None)
[5, 9, 12]
"""
from __future__ import annotations

import zlib

from seqlab.io.errors import ConfigError


def char_ngrams(word: str, minn: int, maxn: int) -> list[str]:
    """Every character n-gram of ``"<" + word + ">"`` with ``minn <= n <= maxn``, shortest first."""
    w = f"<{word}>"
    return [w[i:i + n] for n in range(minn, maxn + 1) for i in range(len(w) - n + 1)]


def hashed_row(gram: str, buckets: int) -> int:
    """The bucket ``[0, buckets)`` of ``gram``: CRC-32 of its UTF-8 bytes modulo ``buckets``.

    >>> hashed_row("win now", 1000) == hashed_row("win now", 1000)
    True
    """
    return zlib.crc32(gram.encode("utf-8")) % buckets


def ngram_bag(words: list[str], word_ids: list[int], vocab_size: int, buckets: int,
              char_range: tuple[int, int] | None = (2, 5), word_bigrams: bool = True,
              extra_words: list[str] = ()) -> list[int]:
    """The fastText bag of one text.

    Args:
        words: the text's words (``Tokenizer.words``); word_ids: their ids (``< vocab_size``).
        vocab_size: rows of the word table; n-gram ids are ``vocab_size + bucket``.
        buckets: rows of the hashed n-gram table (>= 1).
        char_range: ``(minn, maxn)`` of the character n-grams, or None for none.
        word_bigrams: add one id per pair of neighbouring words.
        extra_words: more words, hashed (as ``"#" + word``) after the character n-grams, e.g. the
            text's ``shape_words`` beside the Keras words.

    Returns the list of ids: ``word_ids``, then the bigram ids, the character n-gram ids and the
    extra words' ids;
    every id is in ``[1, vocab_size + buckets)`` (0 stays the padding id).
    """
    if buckets < 1:
        raise ConfigError(f"buckets must be >= 1, got {buckets}")
    out = list(word_ids)
    if word_bigrams:
        out += [vocab_size + hashed_row(f"{a} {b}", buckets) for a, b in zip(words, words[1:])]
    if char_range is not None:
        minn, maxn = char_range
        if not 1 <= minn <= maxn:
            raise ConfigError(f"char_ngrams must be (minn, maxn) with 1 <= minn <= maxn, got {char_range}")
        out += [vocab_size + hashed_row(g, buckets) for w in words for g in char_ngrams(w, minn, maxn)]
    out += [vocab_size + hashed_row("#" + w, buckets) for w in extra_words]
    return out
