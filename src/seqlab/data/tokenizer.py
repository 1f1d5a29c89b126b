"""Text to integer sequences and back, with the semantics of Keras's ``Tokenizer``.

Index 0 is reserved for padding; index 1 is the most frequent word (or ``oov_token`` if one is
given); ties keep the order of first appearance. ``num_words=N`` keeps the words with index < N
(the top N-1, counting ``oov_token``) when converting, while ``word_index`` keeps every word.

>>> t = Tokenizer()
>>> t.fit_on_texts(["the cat sat", "the dog"])
>>> t.word_index
{'the': 1, 'cat': 2, 'sat': 3, 'dog': 4}
>>> t.texts_to_sequences(["The dog sat!"])
[[1, 4, 3]]

``shapes=True`` is an option beyond Keras for short, noisy texts such as SMS, where the marks of
spam are phone numbers, short codes, prices and links: see :func:`shape_words`.
"""
from __future__ import annotations

import functools
import json
import re
import sys
import unicodedata

from seqlab.io.errors import DataError

KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text: str, filters: str = KERAS_FILTERS, lower: bool = True, split: str = " ") -> list[str]:
    """Split ``text`` into words: lower-case it, turn every ``filters`` character into ``split``,
    split, and drop empty pieces (Keras's function of the same name).

    >>> text_to_word_sequence("Hello, world!  Again")
    ['hello', 'world', 'again']
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [w for w in text.split(split) if w]


SHAPE_SYMBOLS = "£$€!?&+"
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|net|org|co\.uk|biz|info)\b\S*", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_PIECE = re.compile(r"(?P<url>\x00URL\x00)|(?P<email>\x00EMAIL\x00)|(?P<num>\d+(?:,\d{3})*)|"
                    r"(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)|(?P<sym>[" + re.escape(SHAPE_SYMBOLS) + r"])")


@functools.cache
def combining_marks() -> str:
    """Unicode's combining marks (categories Mn, Mc, Me) as the inside of a regex character class. Python's
    ``\\w`` leaves them out, so a pattern of word characters cuts a Hindi word at each vowel sign.

    >>> re.fullmatch(f"[\\\\w{combining_marks()}]+", "हिंदी") is not None, re.fullmatch(r"\\w+", "हिंदी")
    (True, None)
    """
    runs = []
    for c in (c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")):
        if runs and c == runs[-1][1] + 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in runs)


@functools.cache
def _pieces_with_marks() -> re.Pattern:
    """``_PIECE`` with combining marks inside words (after a letter): ``shape_words(..., marks=True)``."""
    letter = r"[^\W\d_]"
    word = f"{letter}(?:{letter}|[{combining_marks()}])*"
    return re.compile(_PIECE.pattern.replace(r"(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)",
                                             f"(?P<word>{word}(?:'{word})*)"))


def shape_words(text: str, lower: bool = True, max_digits: int = 12, marks: bool = False) -> list[str]:
    """Split ``text`` into words that keep the marks a Keras filter loses.

    - web addresses become ``<url>``, e-mail addresses ``<email>``;
    - a run of 1-2 digits stays as it is ("2", "4", "16"); a longer run (thousands commas
      included: "100,000") becomes ``<numN>``, ``N`` its digit count (``max_digits`` and more:
      ``<num12+>``), so every 11-digit phone number is one known word and every 5-digit short
      code another;
    - digits and letters are split apart ("150p" -> ``<num3>``, ``p``);
    - each of ``£ $ € ! ? & +`` is a word of its own; other punctuation is dropped;
    - with ``lower``, a word of two or more letters written all in capitals is lower-cased and
      preceded by ``<caps>``;
    - with ``marks``, the combining marks after a letter stay in its word (``हिंदी`` is one word, not
      ``ह``, ``द``); without, they cut it (tokenizers saved before 2026-12-07).

    Returns the list of words.

    >>> shape_words("WIN £1000! Call 09061701461 or www.x.com")
    ['<caps>', 'win', '£', '<num4>', '!', 'call', '<num11>', 'or', '<url>']
    """
    text = _EMAIL.sub(" \x00EMAIL\x00 ", text)
    text = _URL.sub(" \x00URL\x00 ", text)
    out = []
    for m in (_pieces_with_marks() if marks else _PIECE).finditer(text):
        kind, piece = m.lastgroup, m.group()
        if kind in ("url", "email"):
            out.append(f"<{kind}>")
        elif kind == "num":
            n = len(piece.replace(",", ""))
            out.append(piece if n <= 2 else f"<num{n}>" if n < max_digits else f"<num{max_digits}+>")
        elif kind == "word" and lower:
            if len(piece) >= 2 and piece.isupper():
                out.append("<caps>")
            out.append(piece.lower())
        else:
            out.append(piece)
    return out


class Tokenizer:
    """Learn a vocabulary from texts and map texts to index sequences (word or character level).

    Args:
        num_words: keep only indices below ``num_words`` when converting (``None`` = all).
        filters: characters removed (replaced by ``split``) at word level; Keras's default.
        lower: lower-case texts first. split: the word separator.
        char_level: every character is a token (``filters`` are not applied, as in Keras).
        oov_token: if given, it takes index 1 and stands for unknown (or cut-off) words;
            otherwise unknown words are dropped.
        shapes: word level only, not Keras: split words with :func:`shape_words` (number
            shapes, ``<url>``, ``£``/``!`` kept, ``<caps>`` marks) instead of ``filters``/``split``.
        marks: with ``shapes``, keep combining marks inside words (``shape_words(marks=True)``).

    Fitted attributes: ``word_counts`` (token -> count, in first-seen order), ``word_docs``
    (token -> number of texts containing it), ``word_index`` (token -> index, from 1),
    ``index_word`` (the inverse), ``document_count``.

    Unlike Keras, ``sequences_to_texts`` joins characters without spaces when ``char_level=True``,
    so a character round trip gives back the text, and it drops padding index 0 instead of
    turning it into the ``oov_token``.

    >>> t = Tokenizer(num_words=3, oov_token="<unk>")
    >>> t.fit_on_texts(["a a b c"])
    >>> t.word_index["<unk>"], t.texts_to_sequences(["a b c z"])
    (1, [[2, 1, 1, 1]])
    """

    def __init__(self, num_words: int | None = None, filters: str = KERAS_FILTERS, lower: bool = True,
                 split: str = " ", char_level: bool = False, oov_token: str | None = None, shapes: bool = False,
                 marks: bool = False):
        self.num_words = num_words
        self.filters = filters
        self.lower = lower
        self.split = split
        self.char_level = char_level
        self.oov_token = oov_token
        self.shapes = bool(shapes)
        self.marks = bool(marks)
        self.word_counts: dict[str, int] = {}
        self.word_docs: dict[str, int] = {}
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}
        self.document_count = 0

    def _tokens(self, text) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if not isinstance(text, str):
            raise DataError(f"texts must be strings (or lists of tokens), got {type(text).__name__}")
        if self.shapes:
            return shape_words(text, self.lower, marks=self.marks)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the tokens of ``texts`` (an iterable of strings, or of token lists) and
        rebuild ``word_index``. Can be called again to add more texts.

        Raises DataError if no token has been seen at all (an empty corpus)."""
        if isinstance(texts, str):
            raise DataError("fit_on_texts takes a list of texts, not one string; wrap it: [text]")
        for text in texts:
            self.document_count += 1
            seq = self._tokens(text)
            for w in seq:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(seq):
                self.word_docs[w] = self.word_docs.get(w, 0) + 1
        if not self.word_counts:
            raise DataError(f"the corpus is empty: {self.document_count} text(s) and no tokens; "
                            "check the file or column you read the texts from")
        # sorted() is stable: equal counts keep first-seen order, as in Keras
        ranked = [w for w, _ in sorted(self.word_counts.items(), key=lambda kv: kv[1], reverse=True)]
        vocab = ([self.oov_token] if self.oov_token is not None else []) + ranked
        self.word_index = dict(zip(vocab, range(1, len(vocab) + 1)))
        self.index_word = {i: w for w, i in self.word_index.items()}

    def texts_to_words(self, texts) -> list[list[str]]:
        """The tokens of each text, before they become indices (all of them, known or not).

        >>> Tokenizer().texts_to_words(["Hi, there!"])
        [['hi', 'there']]
        """
        if isinstance(texts, str):
            raise DataError("texts_to_words takes a list of texts, not one string; wrap it: [text]")
        return [self._tokens(text) for text in texts]

    def texts_to_sequences(self, texts) -> list[list[int]]:
        """Map each text to a list of indices. Words not in the vocabulary, or with index
        ``>= num_words``, become the ``oov_token``'s index, or are dropped if there is none.

        >>> t = Tokenizer(char_level=True); t.fit_on_texts(["abba"])
        >>> t.texts_to_sequences(["bad"])
        [[2, 1]]
        """
        if isinstance(texts, str):
            raise DataError("texts_to_sequences takes a list of texts, not one string; wrap it: [text]")
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        out = []
        for text in texts:
            seq = []
            for w in self._tokens(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    seq.append(i)
                elif oov is not None:
                    seq.append(oov)
            out.append(seq)
        return out

    def sequences_to_texts(self, sequences) -> list[str]:
        """Map index sequences back to texts (tokens joined by a space, or by nothing at
        character level). Padding (0) and unknown indices are dropped, or become the
        ``oov_token`` if there is one; indices ``>= num_words`` become the ``oov_token``.

        >>> t = Tokenizer(); t.fit_on_texts(["hi there"])
        >>> t.sequences_to_texts([[0, 0, 1, 2]])
        ['hi there']
        """
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        joiner = "" if self.char_level else " "
        out = []
        for seq in sequences:
            words = []
            for num in seq:
                num = int(num)
                word = self.index_word.get(num)
                if word is not None and not (self.num_words and num >= self.num_words):
                    words.append(word)
                elif oov is not None and (word is not None or num != 0):
                    words.append(self.index_word[oov])
            out.append(joiner.join(words))
        return out

    @property
    def vocab_size(self) -> int:
        """Rows an ``Embedding`` needs: ``len(word_index) + 1`` (index 0 is padding), capped at ``num_words``."""
        size = len(self.word_index) + 1
        return min(size, self.num_words) if self.num_words else size

    def to_dict(self) -> dict:
        """Configuration and vocabulary as plain JSON types (for ``preprocessing.json``)."""
        return {"class_name": "Tokenizer",
                "config": {"num_words": self.num_words, "filters": self.filters, "lower": self.lower,
                           "split": self.split, "char_level": self.char_level, "oov_token": self.oov_token,
                           "shapes": self.shapes, "marks": self.marks},
                "document_count": self.document_count,
                "word_counts": list(self.word_counts.items()),
                "word_docs": list(self.word_docs.items()),
                "word_index": list(self.word_index.items())}

    def to_json(self) -> str:
        """The whole tokenizer as a JSON string; ``Tokenizer.from_json`` rebuilds it exactly."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, state: dict) -> Tokenizer:
        """Rebuild a tokenizer from ``to_dict()``'s output."""
        if not isinstance(state, dict) or state.get("class_name") != "Tokenizer":
            raise DataError(f"not a Tokenizer state: {str(state)[:80]}")
        t = cls(**state["config"])
        t.document_count = state["document_count"]
        t.word_counts = {w: c for w, c in state["word_counts"]}
        t.word_docs = {w: c for w, c in state["word_docs"]}
        t.word_index = {w: i for w, i in state["word_index"]}
        t.index_word = {i: w for w, i in t.word_index.items()}
        return t

    @classmethod
    def from_json(cls, text) -> Tokenizer:
        """Rebuild a tokenizer from ``to_json()``'s string (or its parsed dict)."""
        return cls.from_dict(json.loads(text) if isinstance(text, str) else text)
