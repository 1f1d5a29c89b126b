"""``MusicGenerator``: a language model over chorale tokens (seed 001's one-to-many problem: music).

A piece is a token sequence (``seqlab.data.music``: bars, voices, spelled pitches, lengths, ties);
any ``LanguageModel`` backbone (``"lstm"``, ``"gru"``, ``"transformer"``, ...) learns to predict
the next token. Training reads random windows of ``block_size + 1`` tokens of the training pieces
laid end to end; every ``eval_every`` steps the held-out validation pieces are scored and the best
weights are kept. A piece is scored from its start: a recurrent model reads it whole, a transformer
in windows of ``block_size`` tokens sliding by half a window (every token predicted with at least
half a window of context, or all of the piece before it). The loss is nats per token, every token
after ``<s>`` (``</s>`` included) predicted once.

The baseline (``ngram_baseline``): a Kneser-Ney n-gram model of the same training pieces, its order
chosen on the validation pieces, scored on the same held-out pieces.

>>> piece = ["<s>", "|", "ts:4/4", "key:0", "V1", "C5", "d1", "V2", "E4", "d1", "V3", "G3", "d1",
...          "V4", "C3", "d1", "</s>"]
>>> gen = MusicGenerator("gru", units=8, n_embd=4, block_size=8, steps=3, seed=0).fit([piece] * 4)
>>> gen.sample(1, seed=0)[0][0]
'<s>'
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import replace

import torch

from seqlab.data.music import END, START, ChoraleGrammar
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.language import BACKBONES, LanguageModel, LanguageModelConfig, generate, language_loss
from seqlab.models.ngram import NgramModel
from seqlab.nn.seeding import make_generator, seeded
from seqlab.tasks.base import Task
from seqlab.train import budget as training_budget
from seqlab.train.budget import BudgetTracker

UNK = "<unk>"
# Per backbone. Sizes set to what a CPU trains in minutes (benchmarks/music.py runs these); learning
# rates and dropout carried over from the character models (names benchmark), not searched on chorales.
DEFAULTS = {
    "lstm": dict(n_embd=64, units=256, n_layer=1, dropout=0.2, learning_rate=3e-3),
    "gru": dict(n_embd=64, units=256, n_layer=1, dropout=0.1, learning_rate=3e-3),
    "rnn": dict(n_embd=64, units=256, n_layer=1, dropout=0.0, learning_rate=2e-3),
    "transformer": dict(n_embd=64, n_layer=3, n_head=4, dropout=0.1, learning_rate=2e-3),
    "mlp": dict(n_embd=24, units=256, context=5, learning_rate=3e-3),
    "bigram": dict(learning_rate=0.1),
}
MAX_NGRAM_ORDER = 16


def ngram_baseline(train: list[list[str]], validation: list[list[str]], test: list[list[str]],
                   max_order: int = MAX_NGRAM_ORDER, patience: int = 2, min_delta: float = 0.005) -> dict:
    """The Kneser-Ney n-gram baseline: orders 1, 2, ... are counted on ``train`` and scored on
    ``validation`` until ``patience`` orders in a row do not improve it by ``min_delta`` nats per
    token (or ``max_order``); the best of those tried is scored on ``test`` (nats per token, every
    token after the first of each piece). Tokens never
    seen in ``train`` share one unknown id. Returns ``{"name", "order", "validation_loss",
    "validation_losses", "test_loss"}``.

    >>> a = ["<s>", "|", "V1", "C4", "d1", "</s>"]
    >>> ngram_baseline([a] * 3, [a], [a])["order"] >= 2
    True
    """
    vocab = {t: i for i, t in enumerate(dict.fromkeys([UNK] + [t for piece in train for t in piece]))}

    def ids(pieces):
        return [[vocab.get(t, 0) for t in piece] for piece in pieces]

    train_ids, val_ids, test_ids = ids(train), ids(validation), ids(test)
    scores, best, wait = {}, None, 0
    for n in range(1, int(max_order) + 1):
        model = NgramModel(n, len(vocab)).fit(train_ids)
        scores[n] = model.nats(val_ids)
        wait = 0 if best is None or scores[n] < scores[best[0]] - min_delta else wait + 1
        if best is None or scores[n] < scores[best[0]]:
            best = (n, model)
        if wait >= patience:
            break
    order, model = best
    return {"name": f"{order}-gram, interpolated Kneser-Ney", "order": order, "validation_loss": scores[order],
            "validation_losses": {str(n): s for n, s in scores.items()}, "test_loss": model.nats(test_ids)}


def split_pieces(pieces: list, validation: float = 0.1, test: float = 0.1, seed: int = 0) -> tuple[list, list, list]:
    """Shuffle ``pieces`` with ``seed`` and cut ``(train, validation, test)``; each held-out part
    gets at least one piece.

    >>> [len(p) for p in split_pieces(list(range(20)))]
    [16, 2, 2]
    """
    if len(pieces) < 3:
        raise DataError(f"need at least 3 pieces (train, validation, test), got {len(pieces)}")
    order = torch.randperm(len(pieces), generator=torch.Generator().manual_seed(seed)).tolist()
    n_test = max(1, round(len(pieces) * test))
    n_val = max(1, round(len(pieces) * validation))
    shuffled = [pieces[i] for i in order]
    return shuffled[n_test + n_val:], shuffled[n_test:n_test + n_val], shuffled[:n_test]


class MusicGenerator(Task):
    """A token-level language model of pieces of music (chorales).

    Args:
        model: a ``LanguageModel`` backbone: ``"lstm"`` (default), ``"gru"``, ``"rnn"``, ``"transformer"``,
            ``"mlp"`` or ``"bigram"``.
        n_embd, units, n_layer, n_head, dropout: the network (defaults per backbone, ``DEFAULTS``).
        block_size: tokens per training window (and the transformer's context).
        steps: optimiser steps (AdamW, warm-up then cosine decay to a tenth of the rate); None (the
            default) is the adaptive budget (``seqlab.train.budget``): warm-up, then the rate held and
            halved on plateaus, until ``patience`` validation scores bring no improvement (at least
            1,000 steps, at most 20,000), as ``CharGenerator``.
        eval_every: steps between validation scores (the best weights are kept).
        patience: validation scores without improvement before the adaptive budget stops.
        batch_size, learning_rate, time_budget, seed, verbose: the shared training arguments.

    ``fit(pieces, validation=None)``: lists of tokens (``seqlab.data.music.encode_chorale``); without
    ``validation`` the last tenth of ``pieces`` is held out to choose the weights.
    Fitted: ``model_``, ``vocab_`` (id -> token; id 0 is ``<unk>``), ``history_`` (``loss``,
    ``val_loss``, ``step``), ``validation_loss_``, ``training_``, ``train_seconds_``.
    """

    def __init__(self, model: str = "lstm", *, n_embd: int | None = None, units: int | None = None,
                 n_layer: int | None = None, n_head: int | None = None, dropout: float | None = None,
                 block_size: int = 128, steps: int | None = None, eval_every: int = 100, batch_size: int = 32,
                 learning_rate: float | None = None, time_budget=None, seed: int = 0, verbose: bool = False,
                 patience: int = 10):
        self.model, self.n_embd, self.units, self.n_layer, self.n_head = model, n_embd, units, n_layer, n_head
        self.dropout, self.block_size, self.steps, self.eval_every = dropout, block_size, steps, eval_every
        self.batch_size, self.learning_rate, self.time_budget = batch_size, learning_rate, time_budget
        self.seed, self.verbose, self.patience = seed, verbose, patience

    # ----- data ---------------------------------------------------------------------------
    @staticmethod
    def _pieces(pieces, what: str = "pieces") -> list[list[str]]:
        if isinstance(pieces, str) or not isinstance(pieces, (list, tuple)):
            raise DataError(f"give the {what} as a list of token lists (seqlab.data.music.encode_chorale)")
        out = []
        for i, p in enumerate(pieces):
            if isinstance(p, str) or not all(isinstance(t, str) for t in p):
                raise DataError(f"piece {i} of the {what} is not a list of token strings")
            if len(p) < 2:
                raise DataError(f"piece {i} of the {what} has {len(p)} token(s); a piece needs at least 2")
            out.append(list(p))
        if not out:
            raise DataError(f"no {what} given")
        return out

    def _ids(self, piece: list[str]) -> torch.Tensor:
        return torch.tensor([self.stoi_.get(t, 0) for t in piece], dtype=torch.long)

    def _config(self) -> LanguageModelConfig:
        d = DEFAULTS.get(self.model, {})
        pick = (lambda name, fallback: getattr(self, name) if getattr(self, name) is not None
                else d.get(name, fallback))
        return LanguageModelConfig(self.model, vocab_size=len(self.vocab_), block_size=int(self.block_size),
                                   n_embd=int(pick("n_embd", 64)), units=int(pick("units", 128)),
                                   n_layer=int(pick("n_layer", 1)), n_head=int(pick("n_head", 4)),
                                   context=int(d.get("context", 3)), dropout=float(pick("dropout", 0.0)))

    # ----- fitting ------------------------------------------------------------------------
    def fit(self, pieces, validation=None) -> "MusicGenerator":
        """Learn from ``pieces`` (lists of tokens); returns self."""
        if self.model not in BACKBONES:
            raise ConfigError(f"unknown model {self.model!r}; choose one of {', '.join(BACKBONES)}")
        for name in ("steps", "batch_size", "block_size", "eval_every", "patience"):
            value = getattr(self, name)
            if (value is not None or name != "steps") and (not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name} must be a whole number >= 1, got {value!r}")
        pieces = self._pieces(pieces)
        if validation is None:
            if len(pieces) < 2:
                raise DataError("need at least 2 pieces: one to learn from and one to choose the weights on")
            cut = max(1, len(pieces) // 10)
            pieces, validation = pieces[:-cut], pieces[-cut:]
        validation = self._pieces(validation, "validation pieces")
        self.vocab_ = list(dict.fromkeys([UNK] + [t for p in pieces for t in p]))
        self.stoi_ = {t: i for i, t in enumerate(self.vocab_)}
        stream = torch.cat([self._ids(p) for p in pieces])
        block = int(self.block_size)
        if len(stream) < block + 2:
            raise DataError(f"the training pieces hold {len(stream)} tokens, fewer than block_size + 2 = {block + 2}")
        config = self._config()
        config.validate()
        rate = float(self.learning_rate if self.learning_rate is not None else DEFAULTS.get(self.model, {})
                     .get("learning_rate", 1e-3))
        with seeded(self.seed):               # dropout draws from the global generator, restored after
            self.model_ = LanguageModel(config, seed=self.seed)
            self._train(stream, validation, rate)
        self.model_.eval()
        return self

    def _train(self, stream: torch.Tensor, validation: list[list[str]], rate: float) -> None:
        model, block = self.model_, int(self.block_size)
        adaptive = self.steps is None
        rule = replace(training_budget.DEFAULT_RULE, patience=int(self.patience))
        total = rule.max_steps if adaptive else int(self.steps)
        gen = make_generator(self.seed)
        decay = [p for p in model.parameters() if p.dim() >= 2]
        rest = [p for p in model.parameters() if p.dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                                lr=rate, betas=(0.9, 0.99))
        warmup = max(1, min(200, total // 10))
        tracker = BudgetTracker(rule, time_budget=self.time_budget, adaptive=adaptive, unit="evaluation")
        scale = 1.0   # the plateau reductions of the adaptive budget
        self.history_ = {"loss": [], "val_loss": [], "step": []}
        best, running, start, step = None, [], time.perf_counter(), 0
        tracker.start()
        for step in range(total):
            factor = (step + 1) / warmup if step < warmup else scale if adaptive else \
                0.1 + 0.45 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))
            for group in opt.param_groups:
                group["lr"] = rate * factor
            starts = torch.randint(0, len(stream) - block - 1, (int(self.batch_size),), generator=gen)
            window = stream[starts[:, None] + torch.arange(block + 1)]
            model.train()
            loss = language_loss(model(window[:, :-1]), window[:, 1:])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running.append(float(loss.detach()))
            if tracker.step_done() or (step + 1) % int(self.eval_every) == 0 or step + 1 == total:
                val = self._nats(validation)
                self.history_["loss"].append(sum(running) / len(running))
                self.history_["val_loss"].append(val)
                self.history_["step"].append(step + 1)
                running = []
                if self.verbose:
                    print(f"step {step + 1}/{total}  loss {self.history_['loss'][-1]:.4f}  val_loss {val:.4f}  "
                          f"{time.perf_counter() - start:.0f}s", file=sys.stderr)
                reason = tracker.update(val, step + 1)
                if tracker.improved:
                    best = {k: v.detach().clone() for k, v in model.state_dict().items()}
                if tracker.reduce_lr:
                    scale = max(scale * rule.lr_factor, rule.min_lr_ratio)
                if reason is not None:
                    break
        tracker.finish("ceiling" if adaptive else "steps")
        if best is not None:
            model.load_state_dict(best)
        self.validation_loss_ = min(self.history_["val_loss"])
        self.training_ = tracker.summary()
        self.train_seconds_ = time.perf_counter() - start

    @torch.no_grad()
    def _nats(self, pieces: list[list[str]]) -> float:
        """Mean nats per token over ``pieces`` (each from its start; see the module docstring)."""
        model = self.model_
        model.eval()
        total, count = 0.0, 0
        for piece in pieces:
            ids = self._ids(piece)
            if model.is_recurrent:
                logits = model(ids[None, :-1])[0]
                total += float(torch.nn.functional.cross_entropy(logits, ids[1:], reduction="sum"))
                count += len(ids) - 1
                continue
            block = model.config.block_size
            hop = max(1, block // 2)
            done = 0                            # tokens predicted so far: ids[1 .. done]
            for begin in range(0, max(1, len(ids) - 1), hop):
                chunk = ids[begin:begin + block + 1]
                if len(chunk) < 2:
                    break
                logits = model(chunk[None, :-1])[0]
                first = done - begin               # skip targets an earlier window predicted
                total += float(torch.nn.functional.cross_entropy(logits[first:], chunk[1:][first:], reduction="sum"))
                count += len(chunk) - 1 - first
                done = begin + len(chunk) - 1
                if done >= len(ids) - 1:
                    break
        return total / max(count, 1)

    # ----- using --------------------------------------------------------------------------
    def evaluate(self, pieces) -> dict:
        """On held-out ``pieces``: ``{"test_loss": nats per token, "perplexity", "tokens", "unknown_rate"}``."""
        self._check_fitted()
        pieces = self._pieces(pieces)
        loss = self._nats(pieces)
        tokens = [t for p in pieces for t in p[1:]]
        return {"test_loss": loss, "perplexity": math.exp(loss), "tokens": len(tokens),
                "unknown_rate": sum(t not in self.stoi_ for t in tokens) / max(1, len(tokens))}

    def sample(self, n: int = 1, max_tokens: int = 2000, temperature: float = 1.0, top_k: int | None = None,
               seed: int | None = None, grammar: bool = True, min_bars: int | None = None) -> list[list[str]]:
        """``n`` new pieces as token lists, each from ``<s>`` to ``</s>`` (or ``max_tokens`` tokens).

        ``grammar=True`` draws only tokens that may come next in a chorale
        (``seqlab.data.music.ChoraleGrammar``: marks in order, a length after every pitch, voices of
        equal length in a bar), so every sample reads whole; ``False`` draws from the model as it is.
        ``min_bars`` (with the grammar): no ``</s>`` before that many bars.
        """
        self._check_fitted()
        if not isinstance(n, int) or n < 1:
            raise ConfigError(f"n must be a whole number >= 1, got {n!r}")
        if not isinstance(max_tokens, int) or max_tokens < 1:
            raise ConfigError(f"max_tokens must be a whole number >= 1, got {max_tokens!r}")
        if not temperature > 0:
            raise ConfigError(f"temperature must be > 0, got {temperature}")
        if top_k is not None and top_k < 1:
            raise ConfigError(f"top_k must be >= 1, got {top_k}")
        start = self.stoi_.get(START, 0)
        rows = generate(self.model_, torch.tensor([[start]] * n), max_tokens, temperature, top_k,
                        stop_token=self.stoi_.get(END), generator=make_generator(self.seed if seed is None else seed),
                        constraint=ChoraleGrammar(self.vocab_, min_bars) if grammar else None)
        return [[START] + [self.vocab_[i] for i in row] + ([END] if len(row) < max_tokens else []) for row in rows]

    # ----- persistence --------------------------------------------------------------------
    def _get_state(self):
        config, tensors = self.model_.saved_state()
        preprocessing = {"vocab": self.vocab_, "history": self.history_, "validation_loss": self.validation_loss_,
                         "training": self.training_}
        return config, tensors, preprocessing

    def _set_state(self, config, tensors, preprocessing):
        self.model_ = LanguageModel.from_saved(config, tensors)
        self.vocab_ = list(preprocessing["vocab"])
        self.stoi_ = {t: i for i, t in enumerate(self.vocab_)}
        self.history_ = preprocessing.get("history", {})
        self.validation_loss_ = preprocessing.get("validation_loss")
        self.training_ = preprocessing.get("training")
