"""``CharGenerator``: learn a text file character by character, then write more like it.

Two kinds of text (seed 001's generation problem, seed 004's "name generator from a few letters"):

- ``lines=True``: one item per line (names, words). Each item is read as ``\\n item \\n``: the
  newline (id 0) starts and ends every item, so a sample stops when the model writes it. The
  held-out split is makemore's: ``min(1000, 10%)`` items drawn by ``torch.randperm`` seeded 3407.
- ``lines=False``: one running corpus; the last 10% of the characters are held out, and the
  model trains on random windows of ``block_size + 1`` characters.

The loss is cross-entropy in nats per character (seed 004), including the end-of-item token.

>>> gen = CharGenerator("gru", steps=30, units=16).fit(["anna", "bob", "carl"] * 20)  # doctest: +SKIP
>>> gen.sample(n=3, prefix="a", seed=0)                                                   # doctest: +SKIP
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from seqlab.data.csv import read_text as read_text_file
from seqlab.inspect.activations import cell_activations
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.language import (
    BACKBONES,
    LanguageModel,
    LanguageModelConfig,
    generate,
    is_matrix_weight,
    language_loss,
)
from seqlab.nn.seeding import make_generator, seeded
from seqlab.tasks.base import Task
from seqlab.train import budget as training_budget
from seqlab.train.regularizers import regularization_loss

# Sizes, learning rates and dropout per backbone, tried on the names benchmark (benchmarks/names.py):
# gru 256 units, 3000 steps of 128 names: test loss 1.922 without dropout, 1.917 with 0.1, 1.935 with 0.25.
DEFAULTS = {
    "bigram": dict(learning_rate=0.1),
    "mlp": dict(n_embd=24, units=256, context=5, learning_rate=3e-3),
    "rnn": dict(n_embd=64, units=256, learning_rate=2e-3),
    "lstm": dict(n_embd=64, units=256, learning_rate=3e-3, dropout=0.1),
    "gru": dict(n_embd=64, units=256, learning_rate=3e-3, dropout=0.1),
    "transformer": dict(n_embd=64, n_layer=4, n_head=4, learning_rate=2e-3),
}
EVAL_EVERY = 200  # steps between validation scores of the adaptive budget
MAX_SAVED_TEXT = 4_000_000  # characters of training text kept with the model to judge novelty


def read_text(path: str | Path) -> str:
    """The text of a UTF-8 file, without a byte-order mark (Windows editors write one; it is not a character
    to learn or to generate); a missing, binary, non-UTF-8 or empty file raises ``DataError``."""
    return read_text_file(path, "a UTF-8 text with at least a few lines or sentences").removeprefix("\ufeff")


def split_items(items: list[str], seed: int = 3407) -> tuple[list[str], list[str]]:
    """makemore's split: ``min(1000, int(10%))`` test items chosen by ``torch.randperm`` seeded ``seed``.

    >>> train, test = split_items([f"w{i}" for i in range(50)])
    >>> len(train), len(test)
    (45, 5)
    """
    n_test = min(1000, int(len(items) * 0.1)) or (1 if len(items) > 1 else 0)
    order = torch.randperm(len(items), generator=torch.Generator().manual_seed(seed)).tolist()
    return [items[i] for i in order[:len(items) - n_test]], [items[i] for i in order[len(items) - n_test:]]


def bigram_loss(train_pairs, test_pairs, vocab_size: int, alpha: float = 1.0) -> float:
    """Nats per character of a counted bigram model: ``p(b | a) = (count(a, b) + alpha) / (count(a) +
    alpha * vocab_size)`` from the ``(previous, next)`` id arrays of ``train_pairs``, averaged over
    ``test_pairs``.

    >>> import torch
    >>> round(bigram_loss((torch.tensor([0, 0]), torch.tensor([1, 1])), (torch.tensor([0]), torch.tensor([1])), 2), 4)
    0.2877
    """
    counts = torch.full((vocab_size, vocab_size), float(alpha), dtype=torch.float64)
    counts.index_put_((torch.as_tensor(train_pairs[0]).long(), torch.as_tensor(train_pairs[1]).long()),
                      torch.ones(len(train_pairs[0]), dtype=torch.float64), accumulate=True)
    logp = counts.log() - counts.sum(1, keepdim=True).log()
    prev, nxt = torch.as_tensor(test_pairs[0]).long(), torch.as_tensor(test_pairs[1]).long()
    return float(-logp[prev, nxt].mean())


class CharGenerator(Task):
    """A character-level generative model with a choice of backbone.

    Args:
        model: ``"bigram"``, ``"mlp"``, ``"rnn"``, ``"lstm"``, ``"gru"`` (default: the best on the
            names benchmark) or ``"transformer"``.
        lines: the text is one item per line (True) or a running corpus (False).
        steps: optimisation steps, instead of ``epochs`` (one of the two). Neither given: the adaptive
            budget (``seqlab.train.budget``): a validation tenth of the training items (or the last
            tenth of the training text) is scored every ``EVAL_EVERY`` steps; training stops when it has
            not improved for ``patience`` evaluations (after the floor of steps, at most the ceiling),
            the learning rate halves on plateaus, and the best weights are kept.
        n_embd, units, n_layer, n_head, context, dropout: backbone sizes (defaults per backbone,
            see ``DEFAULTS``).
        block_size: window length for a corpus (default 64); lines use the longest line + 1.
        positions, attention, attention_options, moe: transformer options (``LanguageModelConfig``):
            ``"learned"`` or ``"rotary"`` positions, a causal attention of ``seqlab.nn.efficient``
            and its options, Switch experts per feed-forward layer (their balancing loss joins the loss).
        epochs, batch_size, learning_rate, patience, time_budget, seed, verbose: the shared training
            arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); ``patience`` counts evaluations. A batch
            is items (lines) or windows (corpus);
            ``learning_rate`` is AdamW's peak rate (warm-up, then cosine decay to a tenth), default
            per backbone; ``verbose`` prints the losses to stderr. ``time_budget`` is checked after every
            step: training ends when another step and the evaluation that closes it would end past the
            budget, and the best evaluated weights are kept.

    Fitted: ``model_`` (a ``LanguageModel``), ``vocab_`` (id -> character), ``test_loss_`` (nats per
    character on the held-out split), ``history_`` (``loss`` and ``val_loss`` at evaluation points),
    ``train_seconds_``, ``steps_``, ``training_`` (steps run and why training stopped).

    >>> gen = CharGenerator("bigram", steps=50).fit(["ab", "abb", "ba"] * 10)
    >>> len(gen.sample(n=4, prefix="a", seed=1))
    4
    """

    def __init__(self, model: str = "gru", *, lines: bool = True, steps: int | None = None,
                 epochs: int | None = None, batch_size: int = 128, learning_rate: float | None = None,
                 n_embd: int | None = None, units: int | None = None, n_layer: int | None = None,
                 n_head: int | None = None, context: int | None = None, dropout: float | None = None,
                 block_size: int | None = None, seed: int = 0, verbose: bool = False, patience: int = 5,
                 time_budget=None, positions: str | None = None, attention: str = "full",
                 attention_options: dict | None = None, moe: int | None = None):
        self.model, self.lines, self.steps, self.epochs = model, lines, steps, epochs
        self.batch_size, self.learning_rate = batch_size, learning_rate
        self.n_embd, self.units, self.n_layer, self.n_head, self.context = n_embd, units, n_layer, n_head, context
        self.dropout, self.block_size, self.seed, self.verbose = dropout, block_size, seed, verbose
        self.positions, self.attention, self.attention_options, self.moe = positions, attention, attention_options, moe
        self.patience, self.time_budget = patience, time_budget

    # ----- data ---------------------------------------------------------------------------
    def _items(self, data) -> list[str]:
        if isinstance(data, Path):
            data = read_text(data)
        if isinstance(data, str):
            data = data.splitlines() if self.lines else data
        if self.lines:
            items = [str(w).strip() for w in data]
            return [w for w in items if w]
        return data

    def _encode_items(self, items: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """x = ``[0, c1..cn, pad]``, y = ``[c1..cn, 0, -1...]`` (makemore's CharDataset)."""
        width = self.max_length_ + 1
        x = torch.zeros(len(items), width, dtype=torch.long)
        y = torch.full((len(items), width), -1, dtype=torch.long)
        for i, item in enumerate(items):
            ids = torch.tensor(self._ids(item[: self.max_length_]), dtype=torch.long)
            x[i, 1:1 + len(ids)] = ids
            y[i, :len(ids)] = ids
            y[i, len(ids)] = 0
        return x, y

    def _ids(self, text: str) -> list[int]:
        unknown = sorted(set(text) - set(self.stoi_))
        if unknown:
            raise DataError(f"characters {''.join(unknown)!r} are not in the model's vocabulary "
                            f"({''.join(c for c in self.vocab_ if c != chr(10))!r}); use only those")
        return [self.stoi_[c] for c in text]

    def _windows(self, ids: torch.Tensor, starts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        offsets = starts[:, None] + torch.arange(self.model_.config.block_size + 1)
        chunk = ids[offsets]
        return chunk[:, :-1], chunk[:, 1:]

    # ----- fitting ------------------------------------------------------------------------
    def fit(self, data, validation=None) -> "CharGenerator":
        """Learn from ``data``: a ``pathlib.Path``, a string (split into lines when ``lines``) or a list of items.

        ``validation`` (same forms) replaces the built-in held-out split. Returns self.
        """
        if self.model not in BACKBONES:
            raise ConfigError(f"unknown model {self.model!r}; choose one of {', '.join(BACKBONES)}")
        if self.steps is not None and self.epochs is not None:
            raise ConfigError("give steps or epochs, not both")
        for name in ("steps", "epochs", "batch_size"):
            value = getattr(self, name)
            if value is not None and int(value) < 1:
                raise ConfigError(f"{name} must be >= 1, got {value}")
        data = self._items(data)
        if self.lines:
            if len(data) < 2:
                raise DataError(f"need at least 2 non-empty lines to learn from and test on, got {len(data)}")
            train, test = (data, self._items(validation)) if validation is not None else split_items(data)
            text_for_vocab = "".join(data) + "".join(test)
        else:
            if not isinstance(data, str) or len(data.strip()) < 20:
                raise DataError("a running corpus needs at least 20 characters of text")
            cut = int(len(data) * 0.9)
            train, test = (data, self._items(validation)) if validation is not None else (data[:cut], data[cut:])
            text_for_vocab = data + (test if isinstance(test, str) else "")
        chars = sorted(set(text_for_vocab) - ({"\n"} if self.lines else set()))
        self.vocab_ = (["\n"] + chars) if self.lines else chars
        self.stoi_ = {c: i for i, c in enumerate(self.vocab_)}
        defaults = DEFAULTS[self.model]
        if self.lines:
            self.max_length_ = max(len(w) for w in list(data) + list(test))
            block = self.max_length_ + 1
        else:
            block = min(self.block_size or 64, len(train) - 1, max(1, len(test) - 1))
        cfg = LanguageModelConfig(
            self.model, vocab_size=len(self.vocab_), block_size=block,
            n_embd=self.n_embd or defaults.get("n_embd", 64), units=self.units or defaults.get("units", 128),
            n_layer=self.n_layer or defaults.get("n_layer", 1), n_head=self.n_head or defaults.get("n_head", 4),
            context=self.context or defaults.get("context", 3),
            dropout=defaults.get("dropout", 0.0) if self.dropout is None else self.dropout,
            positions=self.positions or defaults.get("positions", "learned"), attention=self.attention,
            attention_options=self.attention_options, moe=self.moe)
        if self.lines:
            x, y = self._encode_items(train)
            self._test = self._encode_items(test)
            self.train_text_ = train
            per_epoch = math.ceil(len(train) / self.batch_size)
        else:
            stream = torch.tensor(self._ids(train), dtype=torch.long)
            self._test = torch.tensor(self._ids(test), dtype=torch.long)
            self.train_text_ = train
            per_epoch = math.ceil(len(stream) / (self.batch_size * block))
        total = self.steps or (self.epochs * per_epoch if self.epochs else None)
        self._validation = self._test
        if total is None:     # the adaptive budget watches held-out training items, never the test split
            if self.lines and len(train) >= 20:
                fit_items, val_items = split_items(train, seed=self.seed)
                x, y = self._encode_items(fit_items)
                self._validation = self._encode_items(val_items)
            elif not self.lines and len(train) > 40 * (block + 1):
                cut = int(len(train) * 0.9)
                stream, self._validation = stream[:cut], stream[cut:]
        with seeded(self.seed):                 # initialisers and dropout draw from the global generator
            self.model_ = LanguageModel(cfg)
            self._train(total, x if self.lines else stream, y if self.lines else None,
                        self.learning_rate or defaults["learning_rate"])
        del self._validation
        return self

    def _train(self, total: int | None, x: torch.Tensor, y: torch.Tensor | None, lr: float) -> None:
        """``total`` steps of AdamW (warm-up, cosine decay to a tenth), or with ``total=None`` the
        adaptive budget (warm-up, then the rate held and halved on plateaus)."""
        model = self.model_
        gen = make_generator(self.seed)
        decay = [p for n, p in model.named_parameters() if is_matrix_weight(n, p)]
        rest = [p for n, p in model.named_parameters() if not is_matrix_weight(n, p)]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                                lr=lr, betas=(0.9, 0.99))
        adaptive = total is None
        default = training_budget.DEFAULT_RULE
        rule = replace(default, patience=int(self.patience or default.patience))
        tracker = training_budget.BudgetTracker(rule, time_budget=self.time_budget, adaptive=adaptive,
                                                unit="evaluation")   # its time checked after every step
        last = rule.max_steps if adaptive else total
        warmup = max(1, min(200, last // 10))
        scale = 1.0   # the plateau reductions of the adaptive budget
        schedule = (lambda s: (s + 1) / warmup if s < warmup else scale) if adaptive else \
            (lambda s: (s + 1) / warmup if s < warmup else
             0.1 + 0.45 * (1 + math.cos(math.pi * (s - warmup) / max(1, total - warmup))))
        every = EVAL_EVERY if adaptive else max(1, total // 20)
        self.history_ = {"loss": [], "val_loss": [], "step": []}
        if y is not None:
            # four buckets of equal size by item length; a batch comes from one bucket (chosen with odds
            # in proportion to its size, so every item has equal odds), cut to its longest item, so
            # short names do not pay for 16 padded steps
            order = torch.argsort((y >= 0).sum(1), stable=True)
            buckets = [b for b in order.chunk(min(4, len(order))) if len(b)]
            widths = [int((y[b] >= 0).sum(1).max()) for b in buckets]
            bucket_sizes = torch.tensor([float(len(b)) for b in buckets])
            # a bucket's batch sums its characters' losses over the set's mean characters per item, so
            # every character weighs alike on average (a batch mean would favour short items)
            per_item = float((y >= 0).sum(1).float().mean())
        running, start, best_state = [], time.perf_counter(), None
        tracker.start()
        model.train()
        step = 0
        for step in range(last):
            for group in opt.param_groups:
                group["lr"] = lr * schedule(step)
            if y is not None:
                k = int(torch.multinomial(bucket_sizes, 1, generator=gen))
                idx = buckets[k][torch.randint(0, len(buckets[k]), (self.batch_size,), generator=gen)]
                xb, yb = x[idx, :widths[k]], y[idx, :widths[k]]
            else:
                starts = torch.randint(0, len(x) - model.config.block_size, (self.batch_size,), generator=gen)
                xb, yb = self._windows(x, starts)
            loss = language_loss(model(xb), yb, tokens_per_row=per_item if y is not None else None)
            penalty = regularization_loss(model)          # Switch experts' load-balancing loss, if any
            if penalty is not None:
                loss = loss + penalty
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running.append(loss.item())
            if tracker.step_done() or (step + 1) % every == 0 or step + 1 == last:
                val = self._held_out_loss(limit=20_000, data=self._validation)
                self.history_["loss"].append(float(np.mean(running)))
                self.history_["val_loss"].append(val)
                self.history_["step"].append(step + 1)
                running = []
                if self.verbose:
                    print(f"step {step + 1}/{last}  loss {self.history_['loss'][-1]:.4f}  "
                          f"val_loss {val:.4f}  {time.perf_counter() - start:.0f}s", file=sys.stderr)
                reason = tracker.update(val, step + 1)
                if tracker.improved and (adaptive or tracker.time_budget is not None):
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                if tracker.reduce_lr:
                    scale = max(scale * rule.lr_factor, rule.min_lr_ratio)
                if reason is not None:
                    break
                model.train()
        tracker.finish("ceiling" if adaptive else "steps")
        if best_state is not None and (adaptive or tracker.reason == "time budget"):
            model.load_state_dict(best_state)
        self.train_seconds_ = time.perf_counter() - start
        self.steps_ = step + 1
        self.training_ = tracker.summary()
        self.test_loss_ = self._held_out_loss()
        model.eval()

    @torch.no_grad()
    def _held_out_loss(self, limit: int | None = None, data=None) -> float:
        """Mean nats per character on the held-out split, or ``data`` encoded the same way (the first
        ``limit`` characters if given)."""
        self.model_.eval()
        total, count = 0.0, 0
        if self.lines:
            x, y = self._test if data is None else data
            for i in range(0, len(x), 1000):
                logits = self.model_(x[i:i + 1000])
                yb = y[i:i + 1000]
                total += float(language_loss(logits, yb).item()) * int((yb >= 0).sum())
                count += int((yb >= 0).sum())
                if limit and count >= limit:
                    break
        else:
            ids, block = (self._test if data is None else data), self.model_.config.block_size
            n = (len(ids) - 1) // block
            if limit:
                n = min(n, max(1, limit // block))
            starts = torch.arange(n) * block
            for i in range(0, n, 256):
                xb, yb = self._windows(ids, starts[i:i + 256])
                total += float(language_loss(self.model_(xb), yb).item()) * yb.numel()
                count += yb.numel()
        return total / max(count, 1)

    def bigram_baseline(self, alpha: float = 1.0) -> float:
        """The strong baseline of the held-out loss: a counted bigram model (``bigram_loss``) of the
        training text, scored on the held-out split, in nats per character."""
        self._check_fitted()
        if self.lines:
            x, y = self._encode_items(list(self.train_text_))
            tx, ty = self._test
            keep, tkeep = y >= 0, ty >= 0
            train_pairs, test_pairs = (x[keep], y[keep]), (tx[tkeep], ty[tkeep])
        else:
            ids, tids = torch.tensor(self._ids(self.train_text_)), self._test
            train_pairs, test_pairs = (ids[:-1], ids[1:]), (tids[:-1], tids[1:])
        return bigram_loss(train_pairs, test_pairs, len(self.vocab_), alpha)

    def evaluate(self, data=None) -> dict:
        """``{"loss": nats per character, "perplexity": e^loss}`` on ``data`` (default: held-out split)."""
        self._check_fitted()
        if data is not None:
            data = self._items(data)
            self._test = self._encode_items(data) if self.lines else torch.tensor(self._ids(data))
        loss = self._held_out_loss()
        return {"loss": loss, "perplexity": math.exp(loss)}

    # ----- sampling -----------------------------------------------------------------------
    def sample(self, n: int = 10, prefix: str = "", temperature: float = 1.0, top_k: int | None = None,
               top_p: float | None = None, seed: int | None = None, max_length: int | None = None) -> list[str]:
        """``n`` new texts that start with ``prefix`` (each line item, or ``max_length`` corpus characters).

        ``temperature`` > 0 sharpens (< 1) or flattens (> 1) the distribution; ``top_k`` keeps the k
        likeliest characters; ``top_p`` keeps the smallest set holding probability ``top_p``.
        The same ``seed`` gives the same samples. A model whose vocabulary has no capital letters
        reads the prefix in lower case and returns it as given (prefix "Al" -> "Alyssa").
        """
        self._check_fitted()
        if not isinstance(n, int) or n < 1:
            raise ConfigError(f"n must be a whole number >= 1, got {n}")
        if not temperature > 0:
            raise ConfigError(f"temperature must be > 0, got {temperature}; use 1.0 for the model's own "
                              f"distribution or e.g. 0.5 for safer samples")
        if top_k is not None and top_k < 1:
            raise ConfigError(f"top_k must be >= 1, got {top_k}")
        if top_p is not None and not 0 < top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {top_p}")
        if self.lines and "\n" in prefix:
            raise DataError("a prefix for a one-item-per-line model cannot hold a newline")
        # a vocabulary without capitals (names.txt) reads "Al" as "al"; samples keep the user's "Al"
        caseless = not any(c.isupper() for c in self.vocab_)
        ids = self._ids(prefix.lower() if caseless else prefix)
        if self.lines:
            ids = [0] + ids
            limit = max_length or self.max_length_
            if len(prefix) >= self.model_.config.block_size:
                raise DataError(f"prefix of {len(prefix)} characters is longer than the longest training "
                                f"item ({self.max_length_})")
        else:
            ids = ids or [self.stoi_.get("\n", self._ids(self.train_text_[0])[0])]
            limit = max_length or 200
        generator = make_generator(self.seed if seed is None else seed)
        if not self.model_.is_recurrent:
            ids = ids[-self.model_.config.block_size:]
        out = generate(self.model_, torch.tensor([ids] * n), max(0, limit - len(prefix)), temperature, top_k,
                       top_p, stop_token=0 if self.lines else None, generator=generator)
        return [prefix + "".join(self.vocab_[i] for i in row) for row in out]

    def novelty(self, samples: list[str]) -> dict:
        """How many ``samples`` are new: not a training item (lines) / not inside the training text."""
        self._check_fitted()
        if self.lines:
            seen = set(self.train_text_)
            new = [s for s in samples if s not in seen]
        else:
            new = [s for s in samples if s not in self.train_text_]
        return {"n": len(samples), "new": len(new), "fraction_new": len(new) / max(1, len(samples))}

    def activations(self, text: str, layer: int = -1) -> np.ndarray:
        """Per-character activations ``(len(text), units)`` of recurrent layer ``layer`` after reading
        each character: ``tanh(C_t)`` for an LSTM, ``h_t`` for a GRU or SimpleRNN (seed 003)."""
        self._check_fitted()
        if not self.model_.is_recurrent:
            raise ConfigError(f"activations need an rnn, lstm or gru model; this one is {self.model_.config.backbone}")
        n_layers = len(self.model_.recurrent)
        if not -n_layers <= layer < n_layers:
            raise ConfigError(f"layer {layer} does not exist; the model has {n_layers} recurrent layer(s)")
        if not text:
            raise DataError("give a non-empty text to inspect")
        ids = ([0] if self.lines else []) + self._ids(text)
        x = self.model_.embedding(torch.tensor([ids]))
        acts = cell_activations(list(self.model_.recurrent), x, layer)
        return acts[1:] if self.lines else acts

    # ----- persistence --------------------------------------------------------------------
    def _get_state(self):
        config, tensors = self.model_.saved_state()
        text = self.train_text_
        keep = text if (sum(map(len, text)) if self.lines else len(text)) <= MAX_SAVED_TEXT else None
        preprocessing = {"vocab": self.vocab_, "lines": bool(self.lines),
                         "max_length": getattr(self, "max_length_", None), "train_text": keep,
                         "test_loss": self.test_loss_, "steps": self.steps_,
                         "training": getattr(self, "training_", None)}
        return config, tensors, preprocessing

    def _set_state(self, config, tensors, preprocessing):
        self.model_ = LanguageModel.from_saved(config, tensors)
        self.vocab_ = list(preprocessing["vocab"])
        self.stoi_ = {c: i for i, c in enumerate(self.vocab_)}
        if preprocessing.get("max_length") is not None:
            self.max_length_ = int(preprocessing["max_length"])
        self.train_text_ = preprocessing.get("train_text") or ([] if self.lines else "")
        self.test_loss_ = preprocessing.get("test_loss")
        self.steps_ = preprocessing.get("steps")
        self.training_ = preprocessing.get("training")
