"""Sequence pairs for sequence-to-sequence learning (seed 001's fourth problem type).

Read (input, target) pairs from a two-column CSV/TSV file, or make them with a bundled
generator: integer addition ("535+61" -> "596", seed 001's "program execution"), sequence
reversal ("abc" -> "cba") and date normalisation ("3 May 1998" -> "1998-05-03"). A
``CharVocab`` maps characters to ids with three reserved tokens (pad 0, start 1, end 2) and
saves as plain JSON.

>>> pairs = addition_pairs(5, seed=0)
>>> all(str(eval(q)) == a for q, a in pairs)
True
>>> vocab = CharVocab.from_texts(a for _, a in pairs)
>>> vocab.decode(vocab.encode(pairs[0][1], end=True)) == pairs[0][1]
True
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from seqlab.data.csv import read_text
from seqlab.io.errors import DataError

PAD, START, END = 0, 1, 2
SPECIAL_TOKENS = ("<pad>", "<s>", "</s>")
LANGUAGE_HEADERS = {   # a translation table's header names its two languages: English,French or eng,fra
    "english", "french", "german", "spanish", "italian", "portuguese", "dutch", "russian", "japanese", "chinese",
    "en", "fr", "de", "es", "it", "pt", "nl", "ru", "ja", "zh", "eng", "fra", "deu", "spa", "ita", "por", "nld",
    "rus", "jpn", "cmn"}
TATOEBA_LICENCE = "CC-BY"   # third column of the Tatoeba/Anki pair files: "CC-BY 2.0 (France) Attribution: ..."
HEADER_WORDS = {"input", "output", "source", "target", "question", "answer", "src", "tgt", "x", "y"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Pair = tuple[str, str]



def _tokens_until_end(tokens: Sequence[str], ids: Iterable[int]) -> list[str]:
    """The tokens of ``ids`` up to the first ``</s>``, pads and ``<s>`` left out."""
    out = []
    for i in map(int, ids):
        if i == END:
            break
        if i >= len(SPECIAL_TOKENS):
            out.append(tokens[i])
    return out

class CharVocab:
    """Characters <-> integer ids, with ``<pad>`` = 0, ``<s>`` (start) = 1, ``</s>`` (end) = 2.

    Args:
        chars: the characters of the vocabulary (ids 3, 4, ... in this order).

    >>> v = CharVocab("abc")
    >>> v.encode("cab", start=True, end=True)
    [1, 5, 3, 4, 2]
    >>> v.decode([5, 3, 2, 4])
    'ca'
    >>> CharVocab.from_dict(v.to_dict()).tokens == v.tokens
    True
    """

    def __init__(self, chars: Iterable[str]):
        chars = list(dict.fromkeys(chars))
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise DataError(f"a character vocabulary holds single characters, got {bad[:5]!r}")
        self.tokens = [*SPECIAL_TOKENS, *chars]
        self.index = {c: i for i, c in enumerate(self.tokens)}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "CharVocab":
        """The sorted set of characters in ``texts``."""
        return cls(sorted(set().union(*(set(t) for t in texts))))

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def chars(self) -> list[str]:
        return self.tokens[len(SPECIAL_TOKENS):]

    def encode(self, text: str, start: bool = False, end: bool = False) -> list[int]:
        """Ids of ``text``'s characters, optionally framed by ``<s>`` and ``</s>``.

        Raises ``DataError`` naming any character the vocabulary does not hold.
        """
        unknown = sorted(set(text) - set(self.chars))
        if unknown:
            raise DataError(f"characters {''.join(unknown)!r} in {text!r} are not in the vocabulary "
                            f"{''.join(self.chars)!r}; use only those characters")
        ids = [self.index[c] for c in text]
        return ([START] if start else []) + ids + ([END] if end else [])

    def encode_batch(self, texts: Sequence[str], start: bool = False, end: bool = False,
                     width: int | None = None) -> np.ndarray:
        """``(len(texts), width)`` int64 ids, post-padded with 0 (width: the longest encoded text)."""
        rows = [self.encode(t, start, end) for t in texts]
        width = max(map(len, rows), default=0) if width is None else width
        out = np.full((len(rows), width), PAD, dtype=np.int64)
        for i, row in enumerate(rows):
            if len(row) > width:
                raise DataError(f"{texts[i]!r} is longer ({len(row)} tokens) than the model allows ({width})")
            out[i, :len(row)] = row
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids`` up to the first ``</s>``, pads and ``<s>`` left out."""
        return "".join(_tokens_until_end(self.tokens, ids))

    def to_dict(self) -> dict:
        """A JSON-friendly description; ``CharVocab.from_dict`` reads it back."""
        return {"tokens": list(self.tokens)}

    @classmethod
    def from_dict(cls, d: dict) -> "CharVocab":
        tokens = list(d["tokens"])
        if tuple(tokens[:len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
            raise DataError(f"a saved vocabulary must start with {SPECIAL_TOKENS}, got {tokens[:3]}")
        return cls(tokens[len(SPECIAL_TOKENS):])


UNK = 3
WORD_SPECIAL_TOKENS = (*SPECIAL_TOKENS, "<unk>")
_WORD = re.compile(r"[\w']+|[^\w\s]")


def split_words(text: str) -> list[str]:
    """The lower-cased words and punctuation marks of ``text`` (the tokens of a word-level model).

    >>> split_words("Don't stop, Ann!")
    ["don't", 'stop', ',', 'ann', '!']
    """
    return _WORD.findall(str(text).lower())


class WordVocab:
    """Words <-> integer ids for word-level sequence to sequence: ``<pad>`` = 0, ``<s>`` = 1, ``</s>`` = 2,
    ``<unk>`` = 3 (seed 001's 8,000-word model: a capped vocabulary and an unknown-word token).

    Args:
        words: the vocabulary's words (ids 4, 5, ... in this order); any other word is ``<unk>``.

    >>> v = WordVocab.from_texts(["the cat sat", "the dog"], max_size=6)
    >>> v.tokens[4:], v.encode("The bird sat", end=True)
    (['the', 'cat'], [4, 3, 3, 2])
    >>> v.decode([4, 5, 3, 2, 4])
    'the cat <unk>'
    """

    def __init__(self, words: Iterable[str]):
        words = [w for w in dict.fromkeys(words) if w not in WORD_SPECIAL_TOKENS]
        bad = [w for w in words if not isinstance(w, str) or not w or any(c.isspace() for c in w)]
        if bad:
            raise DataError(f"a word vocabulary holds non-empty words without spaces, got {bad[:5]!r}")
        self.tokens = [*WORD_SPECIAL_TOKENS, *words]
        self.index = {w: i for i, w in enumerate(self.tokens)}

    @classmethod
    def from_texts(cls, texts: Iterable[str], max_size: int = 8000) -> "WordVocab":
        """The ``max_size - 4`` most frequent words of ``texts`` (ties: first seen first), the four
        special tokens included in ``max_size``."""
        if int(max_size) < len(WORD_SPECIAL_TOKENS) + 1:
            raise DataError(f"a word vocabulary needs max_size >= {len(WORD_SPECIAL_TOKENS) + 1}, got {max_size}")
        counts = Counter(w for t in texts for w in split_words(t))
        return cls(w for w, _ in counts.most_common(int(max_size) - len(WORD_SPECIAL_TOKENS)))

    def __len__(self) -> int:
        return len(self.tokens)

    def words(self, text: str) -> list[str]:
        """The words of ``text`` as the vocabulary reads them (``split_words``)."""
        return split_words(text)

    def encode(self, text: str, start: bool = False, end: bool = False) -> list[int]:
        """Ids of ``text``'s words (unknown words: ``<unk>``), optionally framed by ``<s>`` and ``</s>``."""
        ids = [self.index.get(w, UNK) for w in split_words(text)]
        return ([START] if start else []) + ids + ([END] if end else [])

    def encode_batch(self, texts: Sequence[str], start: bool = False, end: bool = False,
                     width: int | None = None) -> np.ndarray:
        """``(len(texts), width)`` int64 ids, post-padded with 0 (width: the longest encoded text)."""
        rows = [self.encode(t, start, end) for t in texts]
        width = max(map(len, rows), default=0) if width is None else width
        out = np.full((len(rows), width), PAD, dtype=np.int64)
        for i, row in enumerate(rows):
            out[i, :len(row[:width])] = row[:width]
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The words of ``ids`` joined by spaces, up to the first ``</s>`` (pads and ``<s>`` left out)."""
        return " ".join(_tokens_until_end(self.tokens, ids))

    def unknown_rate(self, texts: Iterable[str]) -> float:
        """The fraction of the words of ``texts`` that are not in the vocabulary."""
        words = [w for t in texts for w in split_words(t)]
        return sum(w not in self.index for w in words) / max(1, len(words))

    def to_dict(self) -> dict:
        """A JSON-friendly description; ``WordVocab.from_dict`` reads it back."""
        return {"kind": "word", "tokens": list(self.tokens)}

    @classmethod
    def from_dict(cls, d: dict) -> "WordVocab":
        tokens = list(d["tokens"])
        if tuple(tokens[:len(WORD_SPECIAL_TOKENS)]) != WORD_SPECIAL_TOKENS:
            raise DataError(f"a saved word vocabulary must start with {WORD_SPECIAL_TOKENS}, got {tokens[:4]}")
        return cls(tokens[len(WORD_SPECIAL_TOKENS):])


# ----- reading ------------------------------------------------------------------------------
def read_pairs(path: str | Path, header: bool | None = None) -> list[Pair]:
    """(input, target) pairs from a two-column CSV or TSV file (UTF-8, strings kept exactly).

    The delimiter is a tab for ``.tsv``/``.tab`` files or when the first line holds a tab, else a
    comma (CSV quoting rules apply). ``header=None`` skips a first row whose two fields are
    header words (input/output, source/target, question/answer, ...) or two languages (English,French).
    A third column that holds a Tatoeba licence on every row (the Anki/manythings.org files:
    ``English<TAB>French<TAB>CC-BY 2.0 ...``) is left out.

    Raises ``DataError`` for a missing, binary, non-UTF-8 or empty file, a row without exactly
    two columns, or an empty field, naming the line.
    """
    path = Path(path)
    text = read_text(path, "a UTF-8 CSV/TSV file with one input,target pair per line").removeprefix("\ufeff")
    first = text.splitlines()[0]
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") or "\t" in first else ","
    try:
        rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
                if r]
    except csv.Error as e:
        raise DataError(f"{path} cannot be read as {'TSV' if delimiter == chr(9) else 'CSV'}: {e}") from None
    head = [f.strip().lower() for f in rows[0][1]] if rows else []
    if header or (header is None and len(head) == 2 and (all(f in HEADER_WORDS for f in head)
                                                         or all(f in LANGUAGE_HEADERS for f in head))):
        rows = rows[1:]
    if rows and all(len(row) == 3 and row[2].startswith(TATOEBA_LICENCE) for _, row in rows):
        rows = [(line, row[:2]) for line, row in rows]       # the attribution is no part of the pair
    pairs = []
    sep = "tab" if delimiter == "\t" else "comma"
    for line, row in rows:
        if len(row) != 2:
            advice = (f"a table with a header ({', '.join(row)[:80]}): name its input and target columns "
                      "(--columns INPUT,TARGET)"
                      if line == 1 and len(row) > 2 else f"quote fields that hold a {sep}")
            raise DataError(f"{path} line {line}: expected 2 columns (input{delimiter}target, {sep}-separated), "
                            f"got {len(row)}: {delimiter.join(row)[:60]!r}; {advice}")
        if not row[0] or not row[1]:
            raise DataError(f"{path} line {line}: the {'input' if not row[0] else 'target'} is empty; every "
                            f"pair needs a non-empty input and target")
        pairs.append((row[0], row[1]))
    if not pairs:
        raise DataError(f"{path} holds no pairs (only a header?); give one input,target pair per line")
    return pairs


def check_pairs(pairs) -> list[Pair]:
    """``pairs`` as a list of ``(str, str)``; raises ``DataError`` for anything else or an empty list."""
    if isinstance(pairs, (str, Path)):
        return read_pairs(pairs)
    if hasattr(pairs, "itertuples"):  # a two-column DataFrame
        if pairs.shape[1] != 2:
            raise DataError(f"a pairs DataFrame needs 2 columns (input, target), got {pairs.shape[1]}")
        pairs = list(pairs.itertuples(index=False, name=None))
    out = []
    for i, p in enumerate(pairs):
        if not isinstance(p, (tuple, list)) or len(p) != 2 or not all(isinstance(s, str) for s in p):
            raise DataError(f"pair {i} is {p!r}; give (input, target) pairs of strings")
        if not p[0] or not p[1]:
            raise DataError(f"pair {i} has an empty {'input' if not p[0] else 'target'}; both must be non-empty")
        out.append((p[0], p[1]))
    if not out:
        raise DataError("no pairs given; give a list of (input, target) strings or a CSV/TSV file")
    return out


def split_pairs(pairs: Sequence[Pair], test: float = 0.1, seed: int = 0) -> tuple[list[Pair], list[Pair]]:
    """Shuffle with ``seed`` and hold out a ``test`` fraction (at least one pair): ``(train, test)``.

    >>> train, test = split_pairs([(str(i), str(i)) for i in range(20)], test=0.25)
    >>> len(train), len(test)
    (15, 5)
    """
    if len(pairs) < 2:
        raise DataError(f"need at least 2 pairs to hold some out for testing, got {len(pairs)}")
    order = np.random.default_rng(seed).permutation(len(pairs))
    n_test = min(len(pairs) - 1, max(1, int(round(len(pairs) * test))))
    return [pairs[i] for i in order[n_test:]], [pairs[i] for i in order[:n_test]]


# ----- bundled generators -------------------------------------------------------------------
def _random_number(rng: np.random.Generator, max_digits: int) -> int:
    """Keras's addition example: a digit count in 1..max_digits, then that many random digits."""
    return int("".join(rng.choice(list("0123456789"), size=rng.integers(1, max_digits + 1))))


def addition_pairs(n: int, max_digits: int = 3, seed: int = 0) -> list[Pair]:
    """``n`` distinct questions ``"a+b"`` -> ``"a+b evaluated"`` with up to ``max_digits`` digits each.

    Numbers are drawn as in Keras's addition example (a random digit count, then random digits),
    so "535+61" -> "596". Questions are unique; ``n`` is capped at what the digit count allows.

    >>> addition_pairs(2, seed=1)[0][0].count("+")
    1
    """
    if n < 1 or max_digits < 1:
        raise DataError(f"addition_pairs needs n >= 1 and max_digits >= 1, got {n}, {max_digits}")
    rng = np.random.default_rng(seed)
    n = min(n, 10 ** (2 * max_digits) // 2)
    seen: dict[str, str] = {}
    while len(seen) < n:
        a, b = _random_number(rng, max_digits), _random_number(rng, max_digits)
        seen.setdefault(f"{a}+{b}", str(a + b))
    return list(seen.items())


def reversal_pairs(n: int, length: int = 20, alphabet: str = "abcdefghijklmnopqrstuvwxyz",
                   min_length: int | None = None, seed: int = 0) -> list[Pair]:
    """``n`` random strings over ``alphabet`` and their reversals; lengths in ``min_length..length``
    (default: all exactly ``length``).

    >>> reversal_pairs(1, length=5, seed=0)[0][1] == reversal_pairs(1, length=5, seed=0)[0][0][::-1]
    True
    """
    min_length = length if min_length is None else min_length
    if n < 1 or not 1 <= min_length <= length or not alphabet:
        raise DataError(f"reversal_pairs needs n >= 1, 1 <= min_length <= length and an alphabet, "
                        f"got {n}, {min_length}, {length}, {alphabet!r}")
    rng = np.random.default_rng(seed)
    letters = np.array(list(alphabet))
    out = []
    for _ in range(n):
        s = "".join(rng.choice(letters, size=rng.integers(min_length, length + 1)))
        out.append((s, s[::-1]))
    return out


def _date_formats(d: dt.date) -> list[str]:
    month, wd = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    return [f"{d.day} {month} {d.year}", f"{month} {d.day}, {d.year}", f"{d.day} {month[:3]} {d.year}",
            f"{month[:3]} {d.day} {d.year}", f"{d.day:02d}.{d.month:02d}.{d.year}",
            f"{wd}, {d.day} {month} {d.year}", f"{wd[:3]} {month[:3]} {d.day} {d.year}",
            f"{d.day} {month.lower()} {d.year}", f"{d.year}/{d.month:02d}/{d.day:02d}",
            f"{month.upper()} {d.day}, {d.year}"]


def date_pairs(n: int, seed: int = 0, first_year: int = 1950, last_year: int = 2049) -> list[Pair]:
    """``n`` human-written dates in ten formats -> ISO ``YYYY-MM-DD`` ("3 May 1998" -> "1998-05-03").

    Day-first numeric dates use dots ("03.05.1998"); no format is ambiguous.

    >>> date_pairs(3, seed=0)[0][1][4]
    '-'
    """
    if n < 1 or first_year > last_year:
        raise DataError(f"date_pairs needs n >= 1 and first_year <= last_year, got {n}, {first_year}, {last_year}")
    rng = np.random.default_rng(seed)
    start = dt.date(first_year, 1, 1).toordinal()
    days = dt.date(last_year, 12, 31).toordinal() - start + 1
    out = []
    for _ in range(n):
        d = dt.date.fromordinal(start + int(rng.integers(days)))
        forms = _date_formats(d)
        out.append((forms[int(rng.integers(len(forms)))], d.isoformat()))
    return out


def word_reversal_pairs(texts: Iterable[str], n: int | None = None, min_words: int = 3, max_words: int = 8,
                        seed: int = 0) -> list[Pair]:
    """Word-level pairs from real text: every text's words (``split_words``) are cut into spans of
    ``min_words..max_words`` words one after the other (lengths drawn with ``seed``; a shorter rest
    is left out), and each span -> the same words in reverse order (the seeds' reversal task at the
    level of words). Spans never overlap; repeats are left out; ``n`` of them (default all) drawn
    with ``seed``.

    >>> word_reversal_pairs(["Call me when you get home!"], min_words=7, max_words=7)
    [('call me when you get home !', '! home get you when me call')]
    """
    if min_words < 1 or max_words < min_words:
        raise DataError(f"word_reversal_pairs needs 1 <= min_words <= max_words, got {min_words}, {max_words}")
    rng = np.random.default_rng(seed)
    spans = []
    for text in texts:
        words, at = split_words(text), 0
        while True:
            size = int(rng.integers(min_words, max_words + 1))
            if at + size > len(words):
                break
            spans.append(" ".join(words[at:at + size]))
            at += size
    kept = list(dict.fromkeys(spans))
    if not kept:
        raise DataError(f"no text has {min_words} words or more")
    if n is not None and n < len(kept):
        kept = [kept[i] for i in sorted(rng.choice(len(kept), size=n, replace=False))]
    return [(t, " ".join(reversed(t.split()))) for t in kept]


GENERATORS = {"addition": addition_pairs, "reversal": reversal_pairs, "dates": date_pairs}


def make_pairs(task: str, n: int, seed: int = 0, **kwargs) -> list[Pair]:
    """Pairs from the bundled generator ``task`` (``"addition"``, ``"reversal"`` or ``"dates"``)."""
    if task not in GENERATORS:
        raise DataError(f"unknown task {task!r}; choose one of {', '.join(GENERATORS)}")
    return GENERATORS[task](n, seed=seed, **kwargs)
