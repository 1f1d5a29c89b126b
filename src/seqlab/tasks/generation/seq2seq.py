"""``Seq2Seq``: learn to map one character sequence to another (seed 001's sequence-to-sequence problem).

Fit on (input, target) pairs of strings: a list, a two-column DataFrame, or a CSV/TSV file;
``seqlab.data.pairs`` makes the seeds' problems ("535+61" -> "596", reversal, dates).

>>> from seqlab.data.pairs import reversal_pairs
>>> s2s = Seq2Seq("lstm", units=32, epochs=2).fit(reversal_pairs(200, length=4, alphabet="abc"))  # doctest: +SKIP
>>> s2s.translate("abca")                                                                # doctest: +SKIP
'acba'
"""
from __future__ import annotations

import time
from dataclasses import asdict, replace

import numpy as np
import torch

from seqlab.data.pairs import CharVocab, WordVocab, check_pairs, split_words
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.decoding import beam_search, greedy_decode
from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel, sequence_loss
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Task
from seqlab.train import Trainer
from seqlab.train import budget as training_budget
from seqlab.train.budget import budget_callback

PREDICT_BATCH = 512
MIN_IMPROVEMENT = 1e-3  # nats per target token: a smaller fall of the validation loss does not count (the
                        # adaptive budget); a reversal model at 100% held-out accuracy otherwise trained on to
                        # the 20,000-step ceiling while its loss crept towards zero
TOKENS = ("char", "word")


def char_accuracy(predicted: list[str], expected: list[str]) -> float:
    """Characters right at their position, over ``max(len(pred), len(true))`` positions per pair
    (a missing or extra character counts as wrong).

    >>> char_accuracy(["596", "12"], ["596", "123"])
    0.8333333333333334
    """
    right = sum(sum(a == b for a, b in zip(p, e)) for p, e in zip(predicted, expected))
    total = sum(max(len(p), len(e)) for p, e in zip(predicted, expected))
    return right / max(total, 1)


def word_accuracy(predicted: list[str], expected: list[str]) -> float:
    """``char_accuracy`` over words (``split_words``): words right at their position.

    >>> word_accuracy(["the cat sat", "a dog"], ["the cat sat .", "the dog"])
    0.6666666666666666
    """
    return char_accuracy([split_words(p) for p in predicted], [split_words(e) for e in expected])


def nearest_input_targets(train_pairs, inputs, tokens: str = "char") -> list[str]:
    """The retrieval baseline (a translation memory): for each of ``inputs``, the target of the
    training pair whose input is nearest, by cosine similarity of TF-IDF vectors of character 1-3
    grams (``tokens="word"``: of words and word pairs), scikit-learn's ``TfidfVectorizer``. Ties go
    to the earliest training pair.

    >>> nearest_input_targets([("cat", "chat"), ("dog", "chien")], ["cats", "dogs"])
    ['chat', 'chien']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    words = tokens == "word"
    vectorizer = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\S+", lowercase=False,
                                 sublinear_tf=True) if words else \
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
    known = vectorizer.fit_transform([i for i, _ in train_pairs])
    asked = vectorizer.transform(list(inputs))
    targets = [t for _, t in train_pairs]
    out, rows = [], max(1, 4_000_000 // len(targets))      # a dense block of at most 4 million similarities
    for start in range(0, asked.shape[0], rows):
        similarity = (asked[start:start + rows] @ known.T).toarray()
        out += [targets[j] for j in similarity.argmax(axis=1)]
    return out


def baseline_scores(train_pairs, test_pairs, tokens: str = "char") -> dict:
    """Three baselines of a sequence-to-sequence model on ``test_pairs``, by name: ``"copy input"``
    (the output is the input), ``"most frequent target"`` (the commonest training target, for
    every input) and ``"nearest training input"`` (``nearest_input_targets``); each
    ``{"exact_match", "char_accuracy"}`` or, with ``tokens="word"``, ``{"exact_match",
    "word_accuracy"}`` (words compared as ``split_words`` reads them).

    >>> baseline_scores([("ab", "ba"), ("ab", "ba"), ("c", "c")], [("c", "c"), ("ab", "ba")])["copy input"]
    {'exact_match': 0.5, 'char_accuracy': 0.3333333333333333}
    """
    from collections import Counter

    expected = [t for _, t in test_pairs]
    commonest = Counter(t for _, t in train_pairs).most_common(1)[0][0]
    out = {}
    for name, predicted in (("copy input", [i for i, _ in test_pairs]),
                            ("most frequent target", [commonest] * len(test_pairs)),
                            ("nearest training input", nearest_input_targets(train_pairs, [i for i, _ in test_pairs],
                                                                             tokens))):
        if tokens == "word":
            same = [split_words(p) == split_words(e) for p, e in zip(predicted, expected)]
            out[name] = {"exact_match": float(np.mean(same)), "word_accuracy": word_accuracy(predicted, expected)}
        else:
            out[name] = {"exact_match": float(np.mean([p == e for p, e in zip(predicted, expected)])),
                         "char_accuracy": char_accuracy(predicted, expected)}
    return out


class Seq2Seq(Task):
    """Encoder-decoder over characters or words (see ``seqlab.models.seq2seq`` for the architectures).

    Args:
        model: ``"lstm"``, ``"gru"`` or ``"transformer"``.
        tokens: ``"char"`` (every character a token) or ``"word"``: lower-cased words and
            punctuation marks (``seqlab.data.pairs.split_words``), each side's vocabulary capped at
            its ``max_vocab`` most frequent training words (seed 001: 8,000), every other word read as
            ``<unk>``; outputs are the words joined by spaces.
        max_vocab: the cap of a word vocabulary, its four special tokens included (``tokens="word"``).
        attention: ``"none"``, ``"additive"`` (Bahdanau) or ``"dot"`` (Luong); recurrent models only.
        units, embedding_dim: recurrent units (transformer width) and embedding size.
        num_layers, num_heads, intermediate_dim: transformer blocks, heads, feed-forward width.
        bidirectional: the recurrent encoder reads both ways (``units // 2`` per direction).
        self_attention, self_attention_options: the transformer's self-attention (``"full"`` or a variant
            of ``seqlab.nn.efficient``; the decoder's must be able to be causal) and its options.
        dropout: dropout on embeddings (and inside transformer blocks).
        teacher_forcing: chance of feeding the true previous character while training (1.0: always).
        clipnorm: gradient norm clipping (None: off).
        max_output_length: longest output decoding writes (default: 1.5 x the longest target + 2).
        epochs, batch_size, learning_rate, validation_split, seed, verbose: the shared training arguments
            (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam, default rate 2e-3 recurrent, 1e-3
            transformer; ``validation_split`` holds out the last pairs; ``verbose`` prints one line per
            epoch on stderr. ``epochs=None`` (the default) is the adaptive budget on the validation
            pairs' loss, stopping after ``patience`` epochs without an improvement of at least
            ``MIN_IMPROVEMENT`` nats per token.

    Fitted: ``model_`` (a ``Seq2SeqModel``), ``src_vocab_``/``tgt_vocab_`` (``CharVocab``),
    ``history_`` (``loss``/``val_loss`` per epoch, nats per target character), ``train_seconds_``.

    >>> from seqlab.data.pairs import reversal_pairs
    >>> s2s = Seq2Seq(units=8, embedding_dim=4, epochs=1).fit(reversal_pairs(20, length=3, alphabet="ab"))
    >>> len(s2s.predict(["aba", "bb"]))
    2
    """

    def __init__(self, model: str = "lstm", *, attention: str = "additive", units: int = 128,
                 embedding_dim: int = 32, num_layers: int = 2, num_heads: int = 4, intermediate_dim: int = 256,
                 bidirectional: bool = False, dropout: float = 0.0, teacher_forcing: float = 1.0,
                 epochs: int | None = None, batch_size: int = 64, patience: int = 5,
                 learning_rate: float | None = None, clipnorm: float | None = 1.0, validation_split: float = 0.1,
                 max_output_length: int | None = None, seed: int = 0, verbose: bool = False, time_budget=None,
                 self_attention: str = "full", self_attention_options: dict | None = None, tokens: str = "char",
                 max_vocab: int = 8000):
        self.model, self.attention, self.units, self.embedding_dim = model, attention, units, embedding_dim
        self.tokens, self.max_vocab = tokens, max_vocab
        self.self_attention, self.self_attention_options = self_attention, self_attention_options
        self.num_layers, self.num_heads, self.intermediate_dim = num_layers, num_heads, intermediate_dim
        self.bidirectional, self.dropout, self.teacher_forcing = bidirectional, dropout, teacher_forcing
        self.epochs, self.batch_size, self.learning_rate, self.clipnorm = epochs, batch_size, learning_rate, clipnorm
        self.patience = patience
        self.validation_split, self.max_output_length = validation_split, max_output_length
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    # ----- fitting ------------------------------------------------------------------------
    def _config(self) -> Seq2SeqConfig:
        return Seq2SeqConfig(len(self.src_vocab_), len(self.tgt_vocab_), model=self.model,
                             attention=self.attention, embedding_dim=self.embedding_dim, units=self.units,
                             num_layers=self.num_layers, num_heads=self.num_heads,
                             intermediate_dim=self.intermediate_dim, dropout=self.dropout,
                             teacher_forcing=self.teacher_forcing, bidirectional=self.bidirectional,
                             self_attention=self.self_attention, self_attention_options=self.self_attention_options)

    def _arrays(self, pairs):
        src = self.src_vocab_.encode_batch([p[0] for p in pairs])
        tgt = self.tgt_vocab_.encode_batch([p[1] for p in pairs], start=True, end=True)
        return (src, tgt[:, :-1]), tgt[:, 1:]            # decoder reads <s> y.., predicts y.. </s>

    def fit(self, pairs, validation=None, callbacks=None, characters_of=None) -> "Seq2Seq":
        """Learn from ``pairs`` (list of (input, target) strings, a two-column DataFrame, or a CSV/TSV
        path). ``validation`` pairs replace ``validation_split``. ``characters_of``: more pairs whose
        characters join the character vocabularies without being trained on (``seqlab seq2seq
        train`` passes its held-out pairs, so a character only they use can be read and scored, as
        Keras's character-level example builds its character sets from every line; such a
        character's embedding stays as initialised). Returns self."""
        for name in ("epochs", "batch_size", "patience"):
            value = getattr(self, name)
            if (value is not None or name != "epochs") and (not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name} must be a whole number >= 1, got {value!r}")
        if self.tokens not in TOKENS:
            raise ConfigError(f"tokens must be one of {', '.join(TOKENS)}, got {self.tokens!r}")
        if self.tokens == "word" and (not isinstance(self.max_vocab, int) or self.max_vocab < 5):
            raise ConfigError(f"max_vocab must be a whole number >= 5 (4 special tokens and a word), "
                              f"got {self.max_vocab!r}")
        pairs = check_pairs(pairs)
        validation = check_pairs(validation) if validation is not None else None
        every = pairs + (validation or [])
        if self.tokens == "word":               # the vocabulary comes from the training pairs only
            for i, p in enumerate(every):
                if not split_words(p[0]) or not split_words(p[1]):
                    side = "input" if not split_words(p[0]) else "target"
                    raise DataError(f"pair {i} has no word on its {side} side")
            self.src_vocab_ = WordVocab.from_texts((p[0] for p in pairs), self.max_vocab)
            self.tgt_vocab_ = WordVocab.from_texts((p[1] for p in pairs), self.max_vocab)
            longest = max(len(split_words(p[1])) for p in every)
        else:
            known = every + (check_pairs(characters_of) if characters_of is not None else [])
            self.src_vocab_ = CharVocab.from_texts(p[0] for p in known)
            self.tgt_vocab_ = CharVocab.from_texts(p[1] for p in known)
            longest = max(len(p[1]) for p in every)
        config = self._config()
        config.validate()
        self.max_output_length_ = int(self.max_output_length or int(1.5 * longest) + 2)
        rate = self.learning_rate if self.learning_rate is not None else \
            (1e-3 if self.model == "transformer" else 2e-3)
        x, y = self._arrays(pairs)
        fit_args = dict(validation_data=self._arrays(validation)) if validation else \
            dict(validation_split=self.validation_split if len(pairs) >= 10 else 0.0)
        with seeded(self.seed):                 # dropout and teacher forcing draw from the global RNG
            self.model_ = Seq2SeqModel(config, seed=self.seed)
            trainer = Trainer(self.model_, loss=sequence_loss, optimizer="adam", metrics=(), lr=rate,
                              clipnorm=self.clipnorm, device="cpu", seed=self.seed)
            start = time.perf_counter()
            budget = budget_callback(self.epochs, time_budget=self.time_budget, rule=replace(
                training_budget.DEFAULT_RULE, patience=int(self.patience), min_delta_abs=MIN_IMPROVEMENT))
            epochs = budget.fit_epochs(self.epochs, len(x[0]), self.batch_size, fit_args.get("validation_split", 0.0))
            history = trainer.fit(x, y, epochs=epochs, batch_size=self.batch_size,
                                  callbacks=[*(callbacks or []), budget],
                                  verbose=2 if self.verbose else 0, **fit_args)
        self.train_seconds_ = time.perf_counter() - start
        self.training_ = budget.summary()
        self.history_ = history.as_dict()
        self.model_.eval()
        return self

    # ----- using --------------------------------------------------------------------------
    def _src_ids(self, inputs) -> torch.Tensor:
        if hasattr(inputs, "columns"):          # a table (seqlab predict RUN_DIR file.csv): its first column
            inputs = inputs.iloc[:, 0].astype(str)
        if isinstance(inputs, str) or not all(isinstance(t, str) for t in inputs):
            raise DataError("give a list of input strings (translate() also takes one string)")
        inputs = list(inputs)
        if not inputs:
            raise DataError("no inputs given; give at least one input string")
        empty = [i for i, t in enumerate(inputs) if not t or (self.tokens == "word" and not split_words(t))]
        if empty:
            raise DataError(f"input {empty[0]} is empty; give non-empty strings"
                            + (" with at least one word" if self.tokens == "word" else ""))
        return torch.from_numpy(self.src_vocab_.encode_batch(list(inputs)))

    def _decode(self, src: torch.Tensor, beam_width: int):
        self.model_.eval()
        if beam_width == 1:
            return greedy_decode(self.model_, src, self.max_output_length_)
        return beam_search(self.model_, src, beam_width, self.max_output_length_)

    def predict(self, inputs, beam_width: int = 1) -> list[str]:
        """Output strings for a list of input strings (or a DataFrame's first column);
        ``beam_width > 1`` uses beam search.

        Raises ``DataError`` for characters the model has not seen.
        """
        self._check_fitted()
        if not isinstance(beam_width, int) or beam_width < 1:
            raise ConfigError(f"beam width must be a whole number >= 1, got {beam_width!r}")
        src = self._src_ids(inputs)
        out = []
        for i in range(0, len(src), PREDICT_BATCH):
            chunk = src[i:i + PREDICT_BATCH]
            chunk = chunk[:, :int((chunk != 0).sum(1).max())]   # cut padding shared by the whole chunk
            ids, _ = self._decode(chunk, beam_width)
            out += [self.tgt_vocab_.decode(row) for row in ids.tolist()]
        return out

    def translate(self, inputs, beam_width: int = 1):
        """``predict`` for a list, or the output string for one input string."""
        if isinstance(inputs, str):
            return self.predict([inputs], beam_width)[0]
        return self.predict(inputs, beam_width)

    def evaluate(self, pairs, beam_width: int = 1) -> dict:
        """On held-out ``pairs``: ``exact_match`` (whole output right), ``char_accuracy`` (see
        ``char_accuracy``), ``loss`` (teacher-forced nats per target character) and ``n``. A word
        model gives ``word_accuracy`` instead of ``char_accuracy`` and ``target_unknown_rate`` (the
        share of target words outside its vocabulary, which it cannot write): its outputs are
        compared with the targets' words, the unknown ones as they are."""
        self._check_fitted()
        pairs = check_pairs(pairs)
        predicted = self.predict([p[0] for p in pairs], beam_width)
        expected = [p[1] for p in pairs]
        words = self.tokens == "word"
        if words:
            expected = [" ".join(split_words(e)) for e in expected]
        (src, tgt_in), tgt_out = self._arrays(pairs)
        total, count = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(src), PREDICT_BATCH):
                y = torch.from_numpy(tgt_out[i:i + PREDICT_BATCH])
                logits = self.model_(torch.from_numpy(src[i:i + PREDICT_BATCH]),
                                     torch.from_numpy(tgt_in[i:i + PREDICT_BATCH]))
                n = int((y != 0).sum())
                total, count = total + float(sequence_loss(logits, y)) * n, count + n
        scores = {"exact_match": float(np.mean([p == e for p, e in zip(predicted, expected)]))}
        if words:
            scores.update(word_accuracy=word_accuracy(predicted, expected),
                          target_unknown_rate=self.tgt_vocab_.unknown_rate(expected))
        else:
            scores["char_accuracy"] = char_accuracy(predicted, expected)
        return {**scores, "loss": total / max(count, 1), "n": len(pairs)}

    def attention_weights(self, text: str, beam_width: int = 1):
        """Where the decoder looked while writing the output for ``text``.

        Returns ``(weights, input_tokens, output_tokens)``: weights ``(len(output) + 1, len(text))``,
        one row per written character plus ``</s>``, each row summing to 1 (a transformer: the
        last decoder block's cross-attention averaged over heads).
        """
        self._check_fitted()
        if self.model_.config.model != "transformer" and self.model_.config.attention == "none":
            raise ConfigError("this model has no attention (attention='none'); train with "
                              "attention='additive' or 'dot' to see attention weights")
        if not isinstance(text, str):
            raise DataError("attention_weights takes one input string")
        ids, weights = self._decode(self._src_ids([text]), beam_width)
        output = self.tgt_vocab_.decode(ids[0].tolist())
        written = output.split() if self.tokens == "word" else list(output)
        rows = min(len(written) + 1, weights.shape[1])
        out_tokens = written + (["</s>"] if rows > len(written) else [])
        in_tokens = split_words(text) if self.tokens == "word" else list(text)
        return weights[0, :rows, :len(in_tokens)].numpy(), in_tokens, out_tokens

    # ----- persistence --------------------------------------------------------------------
    def _get_state(self):
        tensors = {k: v.detach().clone().contiguous() for k, v in self.model_.state_dict().items()}
        config = {"model_config": asdict(self.model_.config)}
        preprocessing = {"src_vocab": self.src_vocab_.to_dict(), "tgt_vocab": self.tgt_vocab_.to_dict(),
                         "max_output_length": self.max_output_length_}
        return config, tensors, preprocessing

    def _set_state(self, config, tensors, preprocessing):
        vocab = WordVocab if preprocessing["src_vocab"].get("kind") == "word" else CharVocab
        self.src_vocab_ = vocab.from_dict(preprocessing["src_vocab"])
        self.tgt_vocab_ = vocab.from_dict(preprocessing["tgt_vocab"])
        self.max_output_length_ = int(preprocessing["max_output_length"])
        self.model_ = Seq2SeqModel(Seq2SeqConfig(**config["model_config"]))
        self.model_.load_state_dict(tensors)
        self.model_.eval()
