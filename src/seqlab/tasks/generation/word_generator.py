"""``WordGenerator``: a word-level language model over sentences (seed 001's sequence generation at
the level of words, as its 8,000-word model: a capped vocabulary and an unknown-word token).

Sentences are lower-cased and split into words and punctuation (``seqlab.data.tokenizer.
shape_words`` is not used: numbers stay words); the ``num_words - 2`` most frequent become the
vocabulary, every other word is ``<unk>`` (id 1), and ``<eos>`` (id 0) ends each sentence. The last
10% of the sentences are held out (the test split ``evaluate`` scores). The model (any
``LanguageModel`` backbone) trains on random windows of ``block_size + 1`` tokens of the running text
of the training sentences; its held-out loss is in nats per word.

How long it trains: ``steps=N`` makes exactly N optimiser steps on all the training sentences at a
constant rate. With ``steps=None`` (the default) it takes the adaptive budget of
``seqlab.train.budget``: a seeded tenth of the training sentences (at least one, at most 1,000;
``split_items``), never the test split, is held out and its loss scored every ``EVAL_EVERY`` steps;
training stops when it has not improved for ``patience`` scores (after the floor of steps, at most
the ceiling), the rate halves on plateaus, and the weights of the best score are kept.

Baseline, computed in ``fit`` on the same split: a bigram model with add-k smoothing, k chosen among
{0.01, 0.1, 1} on the last tenth of the training sentences.

>>> lines = ["the cat sat on the mat .", "the dog sat on the log ."] * 30
>>> gen = WordGenerator(units=16, n_embd=8, steps=20, seed=0).fit(lines)
>>> gen.evaluate()["test_loss"] > 0, gen.training_["stopped_by"], gen.training_["steps"]
(True, 'steps', 20)
"""
from __future__ import annotations

import math
import re
import sys
import time
from collections import Counter
from dataclasses import replace

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.language import LanguageModel, LanguageModelConfig, generate, language_loss
from seqlab.nn.seeding import make_generator, seeded
from seqlab.tasks.base import Task
from seqlab.tasks.generation.generator import split_items
from seqlab.train import budget as training_budget

EOS, UNK = 0, 1
EVAL_EVERY = 200  # steps between validation scores of the adaptive budget (CharGenerator's)
WORD = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")


def words_of(sentence: str) -> list[str]:
    """Lower-cased words and punctuation marks of a sentence.

    >>> words_of("Hello, World! It's 5pm.")
    ['hello', ',', 'world', '!', "it's", '5pm', '.']
    """
    return WORD.findall(str(sentence).lower())


def bigram_nats(train: list[int], test: list[int], vocab: int, k: float) -> float:
    """Mean -log p(w_t | w_{t-1}) on ``test`` of an add-k bigram counted on ``train``."""
    pairs = Counter(zip(train[:-1], train[1:]))
    firsts = Counter(train[:-1])
    total = 0.0
    for a, b in zip(test[:-1], test[1:]):
        total -= math.log((pairs[(a, b)] + k) / (firsts[a] + k * vocab))
    return total / max(1, len(test) - 1)


class WordGenerator(Task):
    """Word-level text generator.

    Args: model: a ``LanguageModel`` backbone ("lstm", "gru", "rnn", "transformer", "mlp"); num_words:
    vocabulary cap (seed 001: 8,000); units, n_embd, n_layer, dropout, block_size: the network; steps:
    optimiser steps, exactly (None: the adaptive budget, see the module docstring; the default was a
    fixed 3,000 before); patience: validation scores (one every ``EVAL_EVERY`` steps) without
    improvement before the adaptive budget stops; batch_size, learning_rate, time_budget, seed,
    verbose: the shared training arguments.

    ``fit(sentences)``; ``sample(n, prefix="", max_words=30, temperature=1.0, seed=None) -> list[str]``;
    ``evaluate() -> {"test_loss", "perplexity", "baseline", "beats_baseline", "unknown_rate"}``.
    Fitted: ``model_``, ``vocab_``, ``history_`` (``loss``: the mean training loss since the last
    record, ``step``, and with the adaptive budget ``val_loss``), ``training_`` (steps run and why
    training stopped), ``validation_loss_`` (adaptive budget: the best held-out score, else None).
    """

    def __init__(self, model: str = "lstm", *, num_words: int = 8000, units: int = 256, n_embd: int = 128,
                 n_layer: int = 1, dropout: float = 0.1, block_size: int = 32, steps: int | None = None,
                 batch_size: int = 32, learning_rate: float = 3e-3, seed: int | None = None, patience: int = 5,
                 time_budget=None, verbose: bool = False):
        self.model, self.num_words, self.units, self.n_embd = model, num_words, units, n_embd
        self.n_layer, self.dropout, self.block_size, self.steps = n_layer, dropout, block_size, steps
        self.batch_size, self.learning_rate, self.seed = batch_size, learning_rate, seed
        self.patience, self.time_budget, self.verbose = patience, time_budget, verbose

    def _encode(self, sentences: list[list[str]]) -> list[int]:
        ids = []
        for words in sentences:
            ids += [self.stoi_.get(w, UNK) for w in words] + [EOS]
        return ids

    def fit(self, sentences) -> "WordGenerator":
        """Train on a list of sentences (strings); returns self."""
        if isinstance(sentences, str):
            raise DataError("give a list of sentences, not one string")
        tokenised = [w for w in (words_of(s) for s in sentences) if w]
        if len(tokenised) < 10:
            raise DataError(f"{len(tokenised)} non-empty sentences; give at least 10")
        if int(self.num_words) < 3:
            raise ConfigError(f"num_words must be >= 3, got {self.num_words}")
        if self.steps is not None and int(self.steps) < 1:
            raise ConfigError(f"steps must be >= 1 (or None for the adaptive budget), got {self.steps}")
        n_test = max(1, len(tokenised) // 10)
        train, test = tokenised[:-n_test], tokenised[-n_test:]
        counts = Counter(w for s in train for w in s)
        self.vocab_ = ["<eos>", "<unk>"] + [w for w, _ in counts.most_common(int(self.num_words) - 2)]
        self.stoi_ = {w: i for i, w in enumerate(self.vocab_)}
        train_ids, test_ids = self._encode(train), self._encode(test)
        self.test_ids_ = test_ids
        self.baseline_ = self._bigram(train, test)
        validation = None
        if self.steps is None:   # the adaptive budget watches held-out training sentences, never the test split
            fit_part, held = split_items(train, seed=3407 if self.seed is None else int(self.seed))
            train_ids, validation = self._encode(fit_part), self._encode(held)
        block = int(self.block_size)
        if len(train_ids) < block + 2:
            raise DataError(f"the training text has {len(train_ids)} words, fewer than block_size + 2 = {block + 2}")
        config = LanguageModelConfig(self.model, vocab_size=len(self.vocab_), block_size=block, n_embd=int(self.n_embd),
                                     units=int(self.units), n_layer=int(self.n_layer), dropout=float(self.dropout))
        data = torch.tensor(train_ids, dtype=torch.long)
        with seeded(self.seed):
            self.model_ = LanguageModel(config, seed=self.seed)
            self._train(data, validation)
        self.model_.eval()
        return self

    def _train(self, data: torch.Tensor, validation: list[int] | None) -> None:
        """AdamW at a constant rate on random windows of ``data``: ``steps`` of them, or (``validation``
        given) the adaptive budget, scoring ``validation`` every ``EVAL_EVERY`` steps."""
        model, block, adaptive = self.model_, int(self.block_size), validation is not None
        rule = replace(training_budget.DEFAULT_RULE, patience=int(self.patience))
        total = rule.max_steps if adaptive else int(self.steps)
        every = EVAL_EVERY if adaptive else max(1, min(EVAL_EVERY, total // 20))
        rate = float(self.learning_rate)
        optimizer = torch.optim.AdamW(model.parameters(), lr=rate)
        tracker = training_budget.BudgetTracker(rule, time_budget=self.time_budget, adaptive=adaptive,
                                                unit="evaluation")
        g = make_generator(0 if self.seed is None else int(self.seed))
        self.history_ = {"loss": [], "step": []} | ({"val_loss": []} if adaptive else {})
        running, start, step = [], time.perf_counter(), 0
        tracker.start()
        for step in range(total):
            starts = torch.randint(len(data) - block - 1, (int(self.batch_size),), generator=g)
            window = torch.stack([data[s:s + block + 1] for s in starts.tolist()])
            model.train()
            loss = language_loss(model(window[:, :-1]), window[:, 1:])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running.append(float(loss.detach()))
            if not tracker.step_done() and (step + 1) % every and step + 1 < total:   # the time budget: every step
                continue
            val = self._nats(validation) if adaptive else None
            self.history_["loss"].append(sum(running) / len(running))
            self.history_["step"].append(step + 1)
            running = []
            if adaptive:
                self.history_["val_loss"].append(val)
            if self.verbose:
                shown = "" if val is None else f"  val_loss {val:.4f}"
                print(f"step {step + 1}/{total}  loss {self.history_['loss'][-1]:.4f}{shown}  "
                      f"{time.perf_counter() - start:.0f}s", file=sys.stderr)
            if tracker.follow(val, step + 1, model, optimizer, rate) is not None:
                break
        tracker.finish("ceiling" if adaptive else "steps")
        tracker.restore_best(model)
        self.validation_loss_ = tracker.summary()["best_score"]
        self.training_ = tracker.summary()
        self.train_seconds_ = time.perf_counter() - start

    def _bigram(self, train: list[list[str]], test: list[list[str]]) -> dict:
        cut = max(1, len(train) // 10)
        fit_ids, valid_ids = self._encode(train[:-cut]), self._encode(train[-cut:])
        k = min((0.01, 0.1, 1.0), key=lambda k: bigram_nats(fit_ids, valid_ids, len(self.vocab_), k))
        return {"name": f"bigram, add-{k} smoothing",
                "test_loss": bigram_nats(self._encode(train), self._encode(test), len(self.vocab_), k)}

    @torch.no_grad()
    def _nats(self, ids: list[int]) -> float:
        """Mean nats per word of the running text ``ids``, read in consecutive windows of ``block_size``
        words (each from an empty state), every word and end of sentence after the first predicted."""
        self.model_.eval()
        ids, block = torch.tensor(ids, dtype=torch.long), int(self.block_size)
        full = (len(ids) - 1) // block
        total, count = 0.0, 0
        for i in range(0, full, 256):             # the whole windows, in batches
            starts = torch.arange(i, min(full, i + 256)) * block
            chunk = ids[starts[:, None] + torch.arange(block + 1)]
            total += float(language_loss(self.model_(chunk[:, :-1]), chunk[:, 1:])) * chunk[:, 1:].numel()
            count += chunk[:, 1:].numel()
        rest = ids[full * block:]
        if len(rest) >= 2:
            total += float(language_loss(self.model_(rest[None, :-1]), rest[None, 1:])) * (len(rest) - 1)
            count += len(rest) - 1
        return total / max(count, 1)

    def evaluate(self) -> dict:
        """Held-out nats per word (every word and end of sentence predicted) beside the bigram's."""
        self._check_fitted()
        loss = self._nats(self.test_ids_)
        return {"test_loss": loss, "perplexity": math.exp(loss), "baseline": dict(self.baseline_),
                "beats_baseline": bool(loss < self.baseline_["test_loss"]),
                "unknown_rate": float(np.mean(np.asarray(self.test_ids_) == UNK))}

    def sample(self, n: int = 5, prefix: str = "", max_words: int = 30, temperature: float = 1.0,
               seed: int | None = None) -> list[str]:
        """``n`` sentences continuing ``prefix`` (its unknown words read as ``<unk>``)."""
        self._check_fitted()
        start = [EOS] + [self.stoi_.get(w, UNK) for w in words_of(prefix)]
        rows = generate(self.model_, torch.tensor([start] * int(n)), int(max_words), temperature=temperature,
                        stop_token=EOS, generator=make_generator(0 if seed is None else int(seed)))
        head = " ".join(words_of(prefix))
        return [" ".join([head] * bool(head) + [self.vocab_[i] for i in row]) for row in rows]

    def _get_state(self):
        config = {"vocab": self.vocab_, "test_ids": self.test_ids_, "baseline": self.baseline_}
        preprocessing = {"history": self.history_, "training": getattr(self, "training_", None),
                         "validation_loss": getattr(self, "validation_loss_", None)}
        return config, dict(self.model_.state_dict()), preprocessing

    def _set_state(self, config, tensors, preprocessing):
        self.vocab_ = list(config["vocab"])
        self.stoi_ = {w: i for i, w in enumerate(self.vocab_)}
        self.test_ids_, self.baseline_ = list(config["test_ids"]), dict(config["baseline"])
        cfg = LanguageModelConfig(self.model, vocab_size=len(self.vocab_), block_size=int(self.block_size),
                                  n_embd=int(self.n_embd), units=int(self.units), n_layer=int(self.n_layer),
                                  dropout=float(self.dropout))
        self.model_ = LanguageModel(cfg)
        self.model_.load_state_dict({k: torch.as_tensor(v) for k, v in tensors.items()}, strict=True)
        self.model_.eval()
        self.history_ = preprocessing.get("history", {})
        self.training_ = preprocessing.get("training")          # files saved before the budget have neither
        self.validation_loss_ = preprocessing.get("validation_loss")
