"""``TextClassifier``: texts -> Tokenizer ids -> Embedding (padding masked) -> encoder -> softmax
(seed 000's spam classifier, seed 004's many-to-one sentiment).

Word or character tokens; encoders by name (``TEXT_ENCODERS``) or two joined by ``+`` whose
probabilities are averaged; embeddings trainable from scratch or started from a GloVe/word2vec
text file; with ``linear_weight`` the nets' probabilities are averaged with those of a TF-IDF +
logistic-regression member (``tfidf_logistic.py``) fitted on the same texts. The shared training,
prediction and saved state live in :class:`seqlab.tasks.classification.classifier.NetTask`.

>>> clf = TextClassifier(encoder="bag_of_embeddings", epochs=30, seed=0)        # doctest: +SKIP
>>> clf.fit(["free prize now", "see you at lunch"] * 20, ["spam", "ham"] * 20)   # doctest: +SKIP
>>> clf.predict(["claim your free prize"])                                     # doctest: +SKIP
array(['spam'], dtype=object)
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.data.formats import LabeledTexts, read_word_vectors
from seqlab.data.ngrams import ngram_bag
from seqlab.data.padding import pad_sequences
from seqlab.data.tokenizer import Tokenizer, shape_words
from seqlab.io.errors import ConfigError, DataError, ModelFileError
from seqlab.models.classifiers import (
    RECURRENT_ENCODERS,
    TEXT_ENCODERS,
    ClassifierConfig,
    EnsembleNet,
)
from seqlab.tasks.classification.classifier import NetTask, one_label_each
from seqlab.tasks.classification.tfidf_logistic import CHARS, CHARS_C, TENSOR_PREFIX, TFIDF_C, TfidfLogistic
from seqlab.train import budget as training_budget
from seqlab.train.budget import parse_duration

FASTTEXT_LR = 0.005  # Adam's rate for fasttext when learning_rate=None: a linear model on averaged vectors
                     # learns slowly at 0.001


class TextClassifier(NetTask):
    """Classify texts: Tokenizer (word or character level) + Embedding + encoder + softmax.

    Args:
        encoder: ``lstm``, ``gru``, ``bilstm``, ``stacked_lstm``, ``cnn1d``, ``textcnn``,
            ``transformer``, ``bag_of_embeddings`` or ``fasttext`` (Joulin et al. 2017: the mean
            of the vectors of the words, word bigrams and ``char_ngrams`` character n-grams, the
            n-grams hashed into ``buckets`` rows; see ``seqlab.data.ngrams``; ``maxlen`` cuts words).
            Two joined by ``+`` (e.g. ``"bilstm+fasttext"``, the best on the SMS spam validation
            part) train one net each (seeds ``seed``, ``seed + 1``) and average their probabilities;
            a word-sequence member beside ``fasttext`` reads the word ids at the front of the bag.
            ``learning_rate=None`` is Adam's 0.001, but 0.005 for a ``fasttext`` net.
        num_words: vocabulary size kept by the Tokenizer (seed 000: 10000); ``char_level`` for characters.
        shapes: word level: tokenize with ``Tokenizer(shapes=True)`` (number shapes such as
            ``<num11>``, ``<url>``, ``£`` and ``!`` kept, ``<caps>`` marks) instead of Keras's filters.
        bag_shapes: fasttext: keep the tokenizer as it is, and add the text's ``shape_words``
            (hashed) to the bag.
        maxlen: steps kept per text (longer texts are cut at the end; None = the longest training text).
        embedding_dim, units, dropout: model sizes.
        pooling: how a recurrent encoder's outputs become one vector: ``"last"`` step (the seeds),
            ``"max"``, ``"mean"`` or ``"max_mean"`` (both concatenated) over the real steps.
        kernel_sizes: convolution widths; default ``(5, 3, 3)`` for ``cnn1d``'s stacked blocks and
            ``(3, 4, 5)`` for ``textcnn``'s parallel branches (Kim 2014), each with ``units`` filters.
        ensemble: train this many nets (seeds ``seed``, ``seed + 1``, ...; each on the same data
            and validation) and average their class probabilities; costs ``ensemble`` times the
            training and prediction time. Saved as one file, member ``i``'s weights as ``members.i.*``.
            With ``"a+b"`` every round trains both: ``a, b, a, b, ...``.
        embeddings: path of a GloVe/word2vec text file (``word v1 v2 ...`` per line) to start the
            embedding from (seed 000's ``weights=[embedding_matrix]``); ``trainable`` freezes it if False.
        class_weight: as SequenceClassifier.
        epochs, batch_size, learning_rate, patience, validation_split, time_budget, seed, verbose: the shared
            training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``), as in SequenceClassifier
            (``epochs=None``: the adaptive budget on a stratified 20% of the texts).
        refit: after early stopping on the validation texts, train each net again from the same
            start on the training and validation texts together, for the number of epochs that
            had the lowest validation loss (``refit_epochs_``); the vocabulary stays the training one.
            None (the default): refit when the validation texts are the adaptive budget's own 20%
            (``epochs=None``, no ``validation_data`` or ``validation_split``), so the model learns from every text
            it was given. A ``time_budget`` is shared by the nets and their refits, each an equal part of what is
            left (before session 15 every net was given the whole budget, and there was no refit under one).
            Chosen by 3-fold cross-validation on the training parts of three 1,000-sentence sentiment sets
            (``benchmarks/choose_text_defaults.py``): +0.1, +1.0 and +2.1 accuracy points for the default
            model, at about twice the training time.
        linear_weight: above 0, also fit TF-IDF (word 1-2-grams, sublinear tf) + logistic regression (C=20), the
            reports' strong baseline (``tfidf_logistic``), on the training texts given to ``fit`` (never on
            ``validation_data``), and predict ``(1 - linear_weight)`` times the nets' averaged probabilities plus
            ``linear_weight`` times its: 0.5 is an equal average of the nets and the linear model. The member is
            ``linear_`` (None at 0, the default) and saves with the nets (terms as JSON, arrays as tensors);
            from 1,000 training texts it keeps the terms of two texts or more (``member_min_df``).
        linear_chars: None (the default): the member reads word 1-2-grams only, as the baseline; a ``CHARS`` key
            (``"char_wb 2-5"``: 2- to 5-grams of characters inside words) adds those n-grams' TF-IDF columns
            beside the words', one logistic regression over both with C=200 (``CHARS_C``); ``seqlab classify``'s
            text default.

    Texts are padded at the end with id 0, which the Embedding masks, so padding never changes a prediction.

    >>> clf = TextClassifier(encoder="lstm", units=8, epochs=1, seed=0)                        # doctest: +SKIP
    >>> clf.fit(["win cash now", "lunch at noon?"] * 8, ["spam", "ham"] * 8).predict(["cash!"])  # doctest: +SKIP
    """

    def __init__(self, encoder: str = "lstm", *, num_words: int | None = 10000, maxlen: int | None = 100,
                 char_level: bool = False, embedding_dim: int = 64, units: int = 64, dropout: float = 0.2,
                 embeddings: str | None = None, trainable: bool = True, num_heads: int = 4, num_layers: int = 1,
                 epochs: int | None = None, batch_size: int = 64, learning_rate: float | None = None, class_weight=None,
                 validation_split: float = 0.0, patience: int = 3, pooling: str = "last", seed: int | None = None,
                 verbose: int = 0, kernel_sizes: tuple | None = None, ensemble: int = 1, shapes: bool = False,
                 buckets: int = 65536, char_ngrams: tuple | None = (2, 5), refit: bool | None = None,
                 bag_shapes: bool = False, time_budget=None, linear_weight: float = 0.0,
                 linear_chars: str | None = None):
        self.encoder, self.num_words, self.maxlen, self.char_level = encoder, num_words, maxlen, char_level
        self.shapes, self.buckets, self.char_ngrams, self.refit = shapes, buckets, char_ngrams, refit
        self.bag_shapes, self.linear_weight, self.linear_chars = bag_shapes, linear_weight, linear_chars
        self.pooling, self.kernel_sizes, self.ensemble = pooling, kernel_sizes, ensemble
        self.embedding_dim, self.units, self.dropout = embedding_dim, units, dropout
        self.embeddings, self.trainable = embeddings, trainable
        self.num_heads, self.num_layers = num_heads, num_layers
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.class_weight, self.validation_split, self.patience = class_weight, validation_split, patience
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def fit(self, texts, y=None, validation_data=None) -> "TextClassifier":
        """Learn the vocabulary and train on ``texts`` (list of str or ``LabeledTexts``) with labels ``y``."""
        encoders = str(self.encoder).split("+")
        if any(e not in TEXT_ENCODERS for e in encoders):
            raise ConfigError(f"unknown text encoder {self.encoder!r}; choose one of {', '.join(TEXT_ENCODERS)} "
                              "(or two joined by '+', e.g. bilstm+fasttext)")
        weight = self.linear_weight
        if isinstance(weight, bool) or not isinstance(weight, (int, float, np.number)) or not 0 <= weight < 1:
            raise ConfigError(f"linear_weight must be a number in [0, 1), got {weight!r}")
        if self.linear_chars is not None and (not isinstance(self.linear_chars, str) or self.linear_chars not in CHARS):
            raise ConfigError(f"linear_chars must be None or one of {', '.join(map(repr, CHARS))}, "
                              f"got {self.linear_chars!r}")
        texts, y = as_text_list(texts, y)
        y_idx = self._fit_labels(y)
        self.tokenizer_ = Tokenizer(num_words=self.num_words, char_level=self.char_level, oov_token="<unk>",
                                    shapes=bool(self.shapes) and not self.char_level, marks=True)
        self.tokenizer_.fit_on_texts(texts)
        vocab = self.tokenizer_.vocab_size
        self.bag_ = None
        if "fasttext" in encoders:  # words, word bigrams and character n-grams, hashed after the words
            self.bag_ = {"vocab": int(vocab), "buckets": int(self.buckets), "words": self.maxlen,
                         "char_ngrams": None if self.char_ngrams is None else [int(n) for n in self.char_ngrams],
                         "shapes": bool(self.bag_shapes), "marks": True}
            vocab += int(self.buckets)
        self.maxlen_ = None
        seqs = self._sequences(texts)
        self.maxlen_ = int((self.maxlen if self.bag_ is None else None) or max(len(s) for s in seqs) or 1)
        matrix = None
        dim = self.embedding_dim
        if self.embeddings is not None:
            if self.bag_ is not None:
                raise ConfigError("pretrained embeddings= do not combine with the fasttext encoder, which "
                                  "learns its n-gram vectors; drop embeddings= or choose another encoder")
            matrix = read_word_vectors(self.embeddings, self.tokenizer_.word_index, int(vocab))
            dim = matrix.shape[1]
        if int(self.ensemble) < 1:
            raise ConfigError(f"ensemble must be a whole number >= 1, got {self.ensemble!r}")
        words = self.tokenizer_.vocab_size

        def config(encoder):  # a word-sequence member of a fasttext blend reads the bag's word ids only
            kernels = list(self.kernel_sizes or ((3, 4, 5) if encoder == "textcnn" else (5, 3, 3)))
            own = self.bag_ is not None and encoder != "fasttext"
            return ClassifierConfig(
                n_classes=len(self.classes_), encoder=encoder, vocab_size=int(words if own else vocab),
                embedding_dim=dim, units=self.units, dropout=self.dropout, num_heads=self.num_heads,
                num_layers=self.num_layers, filters=[self.units] * len(kernels), kernel_sizes=kernels,
                pooling=self.pooling if len(encoders) == 1 or encoder in RECURRENT_ENCODERS else "last",
                words=int(words) if own else None)
        plan = encoders * int(self.ensemble)  # 'a+b' with ensemble=2: a, b, a, b (seeds seed, seed + 1, ...)
        val = None
        if validation_data is not None:
            val = (self._inputs(validation_data[0]), self._label_index(validation_data[1]))
        x, members, histories, refits = self._pad(seqs), [], [], []
        refit = self.refit if self.refit is not None else (
            self.epochs is None and validation_data is None and not self.validation_split)
        total, start = parse_duration(self.time_budget), training_budget.monotonic()
        passes = len(plan) * (2 if refit else 1)   # the trainings that share time_budget: each net, its refit
        for i, encoder in enumerate(plan):
            seed = None if self.seed is None else self.seed + i
            self._build_net(config(encoder), seed)
            if matrix is not None:
                self.model_.embedding.set_weights([matrix])
                self.model_.embedding.trainable = bool(self.trainable)
            rate = FASTTEXT_LR if self.learning_rate is None and encoder == "fasttext" else None
            done = i * passes // len(plan)
            self._train(x, y_idx, seed, val, class_weight=self._class_weight(y_idx), learning_rate=rate,
                        time_budget=training_budget.time_share(total, start, passes - done))
            if refit and "val_loss" in self.history_:  # again from the same start, on all the texts
                stopped, best = self.history_, int(np.argmin(self.history_["val_loss"])) + 1
                summary = self.training_
                x_all, y_all = (x, y_idx) if val is None else (np.concatenate([x, val[0]]),
                                                               np.concatenate([y_idx, val[1]]))
                self._build_net(config(encoder), seed)
                if matrix is not None:
                    self.model_.embedding.set_weights([matrix])
                    self.model_.embedding.trainable = bool(self.trainable)
                self._train(x_all, y_all, seed, None, class_weight=self._class_weight(y_all), learning_rate=rate,
                            epochs=best, time_budget=training_budget.time_share(total, start, passes - done - 1))
                self.history_ = stopped  # loss.png shows the run that chose the epochs
                self.training_ = {**summary, "refit_epochs": best, "refit_examples": int(len(x_all))}
                refits.append(best)
            members.append(self.model_)
            histories.append(self.history_)
        self.refit_epochs_ = refits
        if total is not None and self.training_:   # the budget given, not the last net's share of it
            self.training_ = {**self.training_, "time_budget": total}
        if len(members) > 1:
            self.model_ = EnsembleNet(members).eval()
            self.history_ = histories[0]  # loss.png shows the first member
            self.member_epochs_ = [len(h.get("loss", [])) for h in histories]
        self.linear_ = None
        if weight > 0:
            C = TFIDF_C if self.linear_chars is None else CHARS_C
            self.linear_ = TfidfLogistic.fit(texts, y_idx, len(self.classes_), C, chars=self.linear_chars)
        self.linear_weight_ = float(weight) if weight > 0 else 0.0
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities ``(n, n_classes)``, columns in ``classes_`` order: the nets' average, blended
        with the TF-IDF + logistic-regression member's when there is one (``linear_weight``)."""
        nets = super().predict_proba(X)
        if getattr(self, "linear_", None) is None:
            return nets
        texts, _ = as_text_list(X, None)
        return (1.0 - self.linear_weight_) * nets + self.linear_weight_ * self.linear_.predict_proba(texts)

    def _pad(self, seqs) -> np.ndarray:
        return pad_sequences(seqs, maxlen=self.maxlen_, padding="post", truncating="post").astype(np.int64)

    def _sequences(self, texts) -> list[list[int]]:
        seqs = self.tokenizer_.texts_to_sequences(texts)
        bag = getattr(self, "bag_", None)
        if bag is None:
            return seqs
        cut = bag["words"] or None
        ngrams = tuple(bag["char_ngrams"]) if bag["char_ngrams"] else None
        extra = [shape_words(t, marks=bag.get("marks", False)) if bag.get("shapes") else () for t in texts]
        return [ngram_bag(words[:cut], ids[:cut], bag["vocab"], bag["buckets"], ngrams, extra_words=more)
                for words, ids, more in zip(self.tokenizer_.texts_to_words(texts), seqs, extra)]

    def _inputs(self, texts) -> np.ndarray:
        texts, _ = as_text_list(texts, None)
        return self._pad(self._sequences(texts))

    def _extra_state(self) -> dict:
        return {"tokenizer": self.tokenizer_.to_dict(), "maxlen": self.maxlen_, "bag": self.bag_}

    def _get_state(self):
        config, tensors, preprocessing = super()._get_state()
        if getattr(self, "linear_", None) is not None:
            saved, arrays = self.linear_.state()
            preprocessing["linear"] = {**saved, "weight": self.linear_weight_}
            tensors.update({k: torch.from_numpy(v) for k, v in arrays.items()})
        return config, tensors, preprocessing

    def _set_state(self, config, tensors, preprocessing):
        nets = {k: v for k, v in tensors.items() if not k.startswith(TENSOR_PREFIX)}
        super()._set_state(config, nets, preprocessing)
        self.tokenizer_ = Tokenizer.from_dict(preprocessing["tokenizer"])
        self.maxlen_ = int(preprocessing["maxlen"])
        self.bag_ = preprocessing.get("bag")
        linear = preprocessing.get("linear")   # model directories before 2026-12-07 have none
        self.linear_, self.linear_weight_ = None, 0.0
        if linear is not None:
            weight = linear.get("weight") if isinstance(linear, dict) else None
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight < 1:
                raise ModelFileError(f"the saved linear member's weight must be a number in (0, 1), got {weight!r}")
            self.linear_ = TfidfLogistic.from_state(linear, tensors, len(self.classes_))
            self.linear_weight_ = float(weight)


# ----- input checking ----------------------------------------------------------------------------


def as_text_list(texts, y=None) -> tuple[list[str], np.ndarray | None]:
    """``texts`` as a list of non-empty strings (and ``y`` as an array)."""
    if isinstance(texts, LabeledTexts):
        texts, y = texts.texts, texts.y if y is None else y
    if isinstance(texts, str):
        raise DataError("texts must be a list of strings, not one string; wrap it in a list")
    texts = ["" if t is None else str(t) for t in texts]
    if not texts:
        raise DataError("no texts given; the corpus is empty")
    empty = [i for i, t in enumerate(texts) if not t.strip()]
    if empty:
        raise DataError(f"{len(empty)} empty text(s) (first at index {empty[0]}); remove them or fill them in")
    return texts, one_label_each(y, len(texts), "texts", "text")
