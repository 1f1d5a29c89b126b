"""``TextTagger``: one label per token of a text (named-entity style), scored on BIO spans.

Each sentence is a list of tokens (or a string, split on whitespace) with one tag per token. The
network: an embedding of the lower-cased word (vocabulary capped at ``num_words``, rarer and unseen
words share the unknown id 1) beside an embedding of the word's shape (capitalised, upper, lower,
digits, other), a bidirectional LSTM, and a softmax per token.

The baseline, computed in ``evaluate``, is the classic one: each word gets the tag it had most
often in training (``O`` for unseen words). Scores are span-level (``seqlab.data.spans``).

>>> sents = [["Ann", "met", "Bob"], ["Bob", "slept"]] * 20
>>> tags = [["B-PER", "O", "B-PER"], ["B-PER", "O"]] * 20
>>> tagger = TextTagger(units=8, epochs=2, seed=0).fit(sents, tags)
>>> len(tagger.predict([["Ann", "slept"]])[0])
2
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqlab.data.spans import bio_spans, span_scores
from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.seeding import make_generator, seeded
from seqlab.tasks.base import Task

PAD, UNK = 0, 1
SHAPES = ("pad", "capitalised", "upper", "lower", "digits", "other")


def word_shape(token: str) -> int:
    """Index in ``SHAPES`` of a token's shape."""
    if token.isdigit():
        return 4
    if token.isalpha():
        return 2 if token.isupper() and len(token) > 1 else 1 if token[0].isupper() else 3
    return 5


class BiLSTMTagger(nn.Module):
    """Word and shape embeddings -> BiLSTM -> per-token logits."""

    def __init__(self, vocab_size: int, n_tags: int, embedding_dim: int, units: int, dropout: float):
        super().__init__()
        self.words = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD)
        self.shapes = nn.Embedding(len(SHAPES), 8, padding_idx=0)
        self.lstm = nn.LSTM(embedding_dim + 8, units, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(2 * units, n_tags)

    def forward(self, words: torch.Tensor, shapes: torch.Tensor) -> torch.Tensor:
        x = self.dropout(torch.cat([self.words(words), self.shapes(shapes)], -1))
        return self.out(self.dropout(self.lstm(x)[0]))


class TextTagger(Task):
    """Token tagging of text with a BiLSTM.

    Args: units (LSTM width per direction); embedding_dim; num_words: vocabulary cap (most frequent
    lower-cased words); dropout; epochs, batch_size, learning_rate, seed, verbose: the shared training
    arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam.

    ``fit(sentences, tags)``; ``predict(sentences) -> list of tag lists``;
    ``evaluate(sentences, tags) -> span precision/recall/F1, per type, and the baseline's``.
    """

    def __init__(self, units: int = 64, *, embedding_dim: int = 64, num_words: int = 20_000, dropout: float = 0.25,
                 epochs: int = 10, batch_size: int = 32, learning_rate: float = 3e-3, seed: int | None = None,
                 verbose: int = 0):
        self.units, self.embedding_dim, self.num_words, self.dropout = units, embedding_dim, num_words, dropout
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.seed, self.verbose = seed, verbose

    @staticmethod
    def _sentences(X) -> list[list[str]]:
        if isinstance(X, str):
            raise DataError("give a list of sentences (each a list of tokens or a string), not one string")
        out = [s.split() if isinstance(s, str) else [str(t) for t in s] for s in X]
        if not out or any(len(s) == 0 for s in out):
            raise DataError("every sentence needs at least one token")
        return out

    def _ids(self, sentences: list[list[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        length = max(map(len, sentences))
        words = torch.zeros((len(sentences), length), dtype=torch.long)
        shapes = torch.zeros((len(sentences), length), dtype=torch.long)
        for n, s in enumerate(sentences):
            words[n, :len(s)] = torch.tensor([self.vocab_.get(t.lower(), UNK) for t in s])
            shapes[n, :len(s)] = torch.tensor([word_shape(t) for t in s])
        return words, shapes

    def fit(self, X, y) -> "TextTagger":
        """Train on sentences ``X`` with one BIO tag per token in ``y``; returns self."""
        sentences = self._sentences(X)
        tags = [[str(t) for t in row] for row in y]
        if len(tags) != len(sentences) or any(len(a) != len(b) for a, b in zip(sentences, tags)):
            raise DataError("give one tag per token for every sentence")
        for row in tags:
            bio_spans(row)                                  # refuses tags that are not BIO
        if int(self.num_words) < 2:
            raise ConfigError(f"num_words must be >= 2, got {self.num_words}")
        counts = Counter(t.lower() for s in sentences for t in s)
        self.vocab_ = {w: i + 2 for i, (w, _) in enumerate(counts.most_common(int(self.num_words) - 2))}
        self.tags_ = sorted({t for row in tags for t in row} | {"O"})
        index = {t: i for i, t in enumerate(self.tags_)}
        by_word: dict[str, Counter] = {}
        for s, row in zip(sentences, tags):
            for token, tag in zip(s, row):
                by_word.setdefault(token.lower(), Counter())[tag] += 1
        self.word_tags_ = {w: c.most_common(1)[0][0] for w, c in by_word.items()}
        words, shapes = self._ids(sentences)
        target = torch.full(words.shape, -100, dtype=torch.long)
        for n, row in enumerate(tags):
            target[n, :len(row)] = torch.tensor([index[t] for t in row])
        with seeded(self.seed):                            # dropout draws from torch's global RNG
            self.model_ = BiLSTMTagger(len(self.vocab_) + 2, len(self.tags_), int(self.embedding_dim),
                                       int(self.units), float(self.dropout))
            optimizer = torch.optim.Adam(self.model_.parameters(), lr=float(self.learning_rate))
            g = make_generator(0 if self.seed is None else int(self.seed))
            self.history_ = {"loss": []}
            bs = int(self.batch_size)
            for _ in range(int(self.epochs)):
                self.model_.train()
                order = torch.randperm(len(words), generator=g)
                total = 0.0
                for start in range(0, len(order), bs):
                    batch = order[start:start + bs]
                    logits = self.model_(words[batch], shapes[batch])
                    loss = F.cross_entropy(logits.reshape(-1, len(self.tags_)), target[batch].reshape(-1))
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    total += float(loss.detach()) * len(batch)
                self.history_["loss"].append(total / len(words))
        self.model_.eval()
        return self

    @torch.no_grad()
    def predict(self, X) -> list[list[str]]:
        """One tag per token of each sentence."""
        self._check_fitted()
        sentences = self._sentences(X)
        best = self.model_(*self._ids(sentences)).argmax(-1).numpy()
        return [[self.tags_[int(i)] for i in row[:len(s)]] for row, s in zip(best, sentences)]

    def baseline_predict(self, X) -> list[list[str]]:
        """The most frequent training tag of each word (lower-cased), ``O`` for unseen words."""
        self._check_fitted()
        return [[self.word_tags_.get(t.lower(), "O") for t in s] for s in self._sentences(X)]

    def evaluate(self, X, y) -> dict:
        """Span precision, recall and F1 of the tagger and of the most-frequent-tag baseline."""
        truth = [[str(t) for t in row] for row in y]
        out = span_scores(truth, self.predict(X))
        out["baseline"] = {"name": "most frequent tag per word", **span_scores(truth, self.baseline_predict(X))}
        out["beats_baseline"] = bool(out["f1"] > out["baseline"]["f1"])
        return out

    def _get_state(self):
        tensors = {k: v for k, v in self.model_.state_dict().items()}
        config = {"vocab": self.vocab_, "tags": self.tags_, "word_tags": self.word_tags_}
        return config, tensors, {"history": self.history_}

    def _set_state(self, config, tensors, preprocessing):
        self.vocab_ = {str(k): int(v) for k, v in config["vocab"].items()}
        self.tags_, self.word_tags_ = list(config["tags"]), dict(config["word_tags"])
        self.model_ = BiLSTMTagger(len(self.vocab_) + 2, len(self.tags_), int(self.embedding_dim), int(self.units),
                                   float(self.dropout))
        self.model_.load_state_dict({k: torch.as_tensor(np.asarray(v)) for k, v in tensors.items()}, strict=True)
        self.model_.eval()
        self.history_ = preprocessing.get("history", {})
