"""``ImageToSequence``: read a sequence of tokens off an image (seed 001's one-to-many problem:
image captioning), with a CNN encoder and an attentive LSTM decoder
(``seqlab.models.captioning``).

Targets are strings; their characters are the vocabulary. Training is teacher-forced with Adam on
random batches; every ``eval_every`` steps the validation images (``fit``'s ``validation_data``,
else the held-out ``validation_split`` of the training images) are read greedily and the weights
with the best exact-sequence accuracy are kept. ``steps=None`` (default)
trains until ``patience`` evaluations pass without improvement, but at least half of ``max_steps``
and at most all of it; a number trains exactly that many steps. The learning rate follows a cosine
from ``learning_rate`` to 0 over that budget (``learning_rate_schedule``). ``time_budget`` (seconds, or
``"90s"``, ``"10m"``) is shared by the members (each gets what is left over the members to come): a
member out of time is scored once more and stops with its best weights (``history_["stopped"]`` is
``"time budget"``).

The baseline, trained in the same ``fit`` on the same batches, is a per-position classifier (the
same encoder, one softmax per output position); ``evaluate`` reports both and says which won.

``ensemble=K`` (default 3) trains K independent members, each a reader and its baseline, from
seeds derived from ``seed`` (member 0 uses ``seed`` itself, so ``ensemble=1`` is the single
network); each member keeps its own best validation weights. The ensemble reads greedily with
the members' next-token probabilities averaged at every step (all members are fed the token so
chosen), and the baseline ensemble averages its members' per-position probabilities: the
standard variance reduction for networks whose reading of unseen writers varies from seed to
seed (``benchmarks/image_to_sequence.py``).

>>> from seqlab.data.digit_strings import digit_strings
>>> X, y = digit_strings(64, max_digits=2, seed=0)
>>> task = ImageToSequence(steps=2, batch_size=16, eval_every=1, seed=0).fit(X, y)
>>> len(task.predict(X[:3]))
3
"""
from __future__ import annotations

import math

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.captioning import ImageToSequenceModel, PositionClassifier, sequence_loss
from seqlab.nn.seeding import make_generator, seeded
from seqlab.tasks.base import Task
from seqlab.train import budget as training_budget

IGNORE = -100
SCHEDULES = (None, "plateau", "cosine")


def _images(X) -> np.ndarray:
    arr = np.asarray(X, dtype=np.float32)
    if arr.ndim != 3 or arr.shape[0] == 0:
        raise DataError(f"images must be an array (n, height, width) with n >= 1, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise DataError("images hold NaN or infinite values")
    return arr


def sequence_scores(truth: list[str], predicted: list[str]) -> dict:
    """``{"exact_match", "token_accuracy"}``: the share of sequences read exactly, and of target
    tokens read right at their position (a missing or extra token counts as wrong).

    >>> sequence_scores(["12", "345"], ["12", "395"])
    {'exact_match': 0.5, 'token_accuracy': 0.8}
    """
    exact = np.mean([t == p for t, p in zip(truth, predicted)])
    right = sum(a == b for t, p in zip(truth, predicted) for a, b in zip(t, p))
    total = sum(max(len(t), len(p)) for t, p in zip(truth, predicted))
    return {"exact_match": float(exact), "token_accuracy": float(right / total) if total else 1.0}


class ImageToSequence(Task):
    """CNN + attentive LSTM reader of token sequences in images.

    Args: ensemble: how many independently seeded members to train and average (module doc);
    units, embedding_dim: the network; filters: channels of the encoder's three convolution
    blocks (pooled 2x2, 2x1, none); column_lstm: run a bidirectional LSTM along the encoder's
    columns (``seqlab.models.captioning``); dropout: on the encoder's columns and the decoder's output
    layer, in both networks; learning_rate_schedule: ``"cosine"`` anneals the learning rate to 0 over
    the step budget (``steps``, else ``max_steps``), ``"plateau"`` halves a network's learning rate
    after each evaluation that does not beat its best validation score, None keeps it constant;
    steps (None: adaptive, see module doc), max_steps, eval_every, patience (evaluations);
    batch_size, learning_rate, validation_split, seed, time_budget: the shared training arguments
    (``seqlab.tasks.base.TRAINING_ARGUMENTS``).

    ``fit(images (n, H, W), sequences, validation_data=None)``; ``predict(images) -> list[str]``
    (``predict_baseline`` for the baseline's reading);
    ``attention(images) -> (n, T, W')`` weights over the image's column bands per output step;
    ``evaluate(images, sequences) -> {"exact_match", "token_accuracy", "baseline", "beats_baseline"}``.
    """

    def __init__(self, units: int = 128, *, embedding_dim: int = 32, filters: tuple[int, ...] = (32, 64, 96),
                 column_lstm: bool = True, dropout: float = 0.3, learning_rate_schedule: str | None = "cosine",
                 steps: int | None = None,
                 max_steps: int = 4000, eval_every: int = 250, patience: int = 4, batch_size: int = 64,
                 learning_rate: float = 3e-3, validation_split: float = 0.1, seed: int | None = None,
                 ensemble: int = 3, time_budget=None):
        self.ensemble, self.time_budget = ensemble, time_budget
        self.units, self.embedding_dim, self.steps, self.max_steps = units, embedding_dim, steps, max_steps
        self.filters, self.column_lstm, self.learning_rate_schedule = filters, column_lstm, learning_rate_schedule
        self.dropout = dropout
        self.eval_every, self.patience, self.batch_size = eval_every, patience, batch_size
        self.learning_rate, self.validation_split, self.seed = learning_rate, validation_split, seed

    # ----- data ----------------------------------------------------------------------------------
    def _encode(self, sequences: list[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(decoder inputs, decoder targets, position targets) as id tensors, padded."""
        index = {ch: i for i, ch in enumerate(self.vocab_)}
        V, T = len(self.vocab_), self.max_length_ + 1
        inputs = torch.full((len(sequences), T), V, dtype=torch.long)
        targets = torch.full((len(sequences), T), IGNORE, dtype=torch.long)
        positions = torch.full((len(sequences), self.max_length_), V, dtype=torch.long)
        for n, s in enumerate(sequences):
            ids = [index[ch] for ch in s]
            inputs[n, 0] = V + 1
            inputs[n, 1:len(ids) + 1] = torch.tensor(ids, dtype=torch.long)
            targets[n, :len(ids) + 1] = torch.tensor(ids + [V], dtype=torch.long)
            positions[n, :len(ids)] = torch.tensor(ids, dtype=torch.long)
        return inputs, targets, positions

    def _decode(self, ids: np.ndarray) -> list[str]:
        V = len(self.vocab_)
        out = []
        for row in ids:
            chars = []
            for i in row:
                if i >= V:
                    break
                chars.append(self.vocab_[int(i)])
            out.append("".join(chars))
        return out

    # ----- training ------------------------------------------------------------------------------
    def _networks(self) -> tuple[ImageToSequenceModel, PositionClassifier]:
        """A new reader and baseline for ``vocab_``, ``max_length_`` and ``image_shape_``."""
        encoder = {"filters": tuple(int(f) for f in self.filters), "recurrent": bool(self.column_lstm)}
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")
        if len(encoder["filters"]) != 3:
            raise ConfigError(f"filters gives the channels of the encoder's 3 blocks, got {self.filters!r}")
        model = ImageToSequenceModel(len(self.vocab_), *self.image_shape_, units=int(self.units),
                                     embedding_dim=int(self.embedding_dim), encoder=encoder,
                                     dropout=float(self.dropout))
        baseline = PositionClassifier(len(self.vocab_), *self.image_shape_, self.max_length_,
                                      units=int(self.units), encoder=encoder, dropout=float(self.dropout))
        return model, baseline

    def _members(self) -> int:
        if isinstance(self.ensemble, bool) or not isinstance(self.ensemble, (int, np.integer)) or self.ensemble < 1:
            raise ConfigError(f"ensemble must be a whole number of members >= 1, got {self.ensemble!r}")
        return int(self.ensemble)

    def member_seed(self, k: int) -> int | None:
        """The seed of ensemble member ``k``: ``seed`` itself for member 0, else one derived from
        (``seed``, k), so that the members of two seeds' ensembles never coincide.

        >>> ImageToSequence(seed=5).member_seed(0), ImageToSequence(seed=None).member_seed(2)
        (5, None)
        """
        if self.seed is None or k == 0:
            return self.seed
        return int(np.random.SeedSequence([int(self.seed), int(k)]).generate_state(1)[0])

    def fit(self, X, y, validation_data=None) -> "ImageToSequence":
        """Train the reader and its per-position baseline on images ``X`` and strings ``y``; returns self.

        ``validation_data``: ``(images, strings)`` that choose the step count and the weights kept;
        without it a ``validation_split`` share of ``X`` is held out for that."""
        if self.learning_rate_schedule not in SCHEDULES:
            raise ConfigError(f"learning_rate_schedule must be one of {SCHEDULES}, got {self.learning_rate_schedule!r}")
        members = self._members()
        images = _images(X)
        sequences = [str(s) for s in y]
        if len(sequences) != len(images):
            raise DataError(f"{len(images)} images but {len(sequences)} target sequences")
        if any(not s for s in sequences):
            raise DataError("every image needs a non-empty target sequence")
        if validation_data is not None:
            val_images, val_truth = _images(validation_data[0]), [str(s) for s in validation_data[1]]
            if len(val_truth) != len(val_images) or val_images.shape[1:] != images.shape[1:]:
                raise DataError(f"validation_data holds {len(val_images)} images of {val_images.shape[1:]} and "
                                f"{len(val_truth)} sequences; the training images are {images.shape[1:]}")
            train = np.arange(len(images))
        else:
            if not 0.0 < float(self.validation_split) < 1.0:
                raise ConfigError(f"validation_split must be in (0, 1), got {self.validation_split}")
            order = np.random.default_rng(self.seed).permutation(len(images))
            n_val = max(1, int(round(len(images) * float(self.validation_split))))
            val, train = order[:n_val], order[n_val:]
            if len(train) < 1:
                raise DataError(f"{len(images)} images leave none to train on after the validation split")
            val_images, val_truth = images[val], [sequences[i] for i in val]
        self.vocab_ = sorted(set("".join(sequences)))
        self.max_length_ = max(map(len, sequences))
        self.image_shape_ = list(images.shape[1:])
        inputs, targets, positions = self._encode(sequences)
        x, x_val = torch.from_numpy(images), torch.from_numpy(np.ascontiguousarray(val_images))
        data = (x, inputs, targets, positions, train, x_val, val_truth)
        self.models_, self.baselines_, histories = [], [], []
        total, start = training_budget.parse_duration(self.time_budget), training_budget.monotonic()
        for k in range(members):
            left = None if total is None else (total - (training_budget.monotonic() - start)) / (members - k)
            model, baseline, history = self._fit_member(self.member_seed(k), data, seconds=left)
            self.models_.append(model)
            self.baselines_.append(baseline)
            histories.append(history)
        self.history_ = {**histories[0], "members": histories}
        if len(histories) > 1:
            self.history_["ensemble_val_exact_match"] = sequence_scores(val_truth, self._read(x_val))["exact_match"]
            self.history_["ensemble_baseline_val_exact_match"] = sequence_scores(
                val_truth, self._read(x_val, "baseline"))["exact_match"]
        return self

    def _fit_member(self, seed: int | None, data, seconds: float | None = None
                    ) -> tuple[ImageToSequenceModel, PositionClassifier, dict]:
        """Train one reader and its baseline from ``seed`` for at most ``seconds`` (None: no limit);
        returns them (best validation weights) and their history."""
        deadline = None if seconds is None else training_budget.monotonic() + seconds
        x, inputs, targets, positions, train, x_val, val_truth = data
        with seeded(seed):                      # dropout draws from the global generator, restored after
            networks = self._networks()
            optimizers = [torch.optim.Adam(m.parameters(), lr=float(self.learning_rate)) for m in networks]
            g = make_generator(0 if seed is None else int(seed))
            best = {"model": (-1.0, None, 0), "baseline": (-1.0, None, 0)}
            limit = int(self.steps) if self.steps is not None else int(self.max_steps)
            since_best, step, out_of_time = 0, 0, False
            history = {"step": [], "loss": [], "val_exact_match": [], "baseline_val_exact_match": []}
            while step < limit:
                batch = torch.from_numpy(train[torch.randint(len(train), (int(self.batch_size),), generator=g).numpy()])
                networks[0].train()
                logits, _ = networks[0](x[batch], inputs[batch])
                loss = sequence_loss(logits, targets[batch])
                optimizers[0].zero_grad()
                loss.backward()
                optimizers[0].step()
                networks[1].train()
                base_loss = sequence_loss(networks[1](x[batch]), positions[batch])
                optimizers[1].zero_grad()
                base_loss.backward()
                optimizers[1].step()
                step += 1
                if self.learning_rate_schedule == "cosine":
                    for optimizer in optimizers:
                        for group in optimizer.param_groups:
                            group["lr"] = float(self.learning_rate) * 0.5 * (1 + math.cos(math.pi * step / limit))
                out_of_time = deadline is not None and training_budget.monotonic() >= deadline
                if step % int(self.eval_every) == 0 or step == limit or out_of_time:
                    scores = {name: sequence_scores(val_truth, self._read(x_val, name, [module]))["exact_match"]
                              for name, module in zip(("model", "baseline"), networks)}
                    for (name, score), module, optimizer in zip(scores.items(), networks, optimizers):
                        if score > best[name][0]:
                            best[name] = (score, {k: v.clone() for k, v in module.state_dict().items()}, step)
                        elif self.learning_rate_schedule == "plateau":
                            for group in optimizer.param_groups:
                                group["lr"] *= 0.5
                    since_best = 0 if best["model"][2] == step else since_best + 1
                    for key, value in (("step", step), ("loss", float(loss.detach())),
                                       ("val_exact_match", scores["model"]),
                                       ("baseline_val_exact_match", scores["baseline"])):
                        history[key].append(value)
                    if out_of_time or (self.steps is None and since_best >= int(self.patience) and step >= limit // 2):
                        break
        for module, name in zip(networks, ("model", "baseline")):
            module.load_state_dict(best[name][1])
            module.eval()
        history["best_step"] = best["model"][2]
        history["stopped"] = "time budget" if out_of_time else \
            ("patience" if step < limit else "ceiling") if self.steps is None else "steps"
        return networks[0], networks[1], history

    @property
    def model_(self) -> ImageToSequenceModel:
        """The first member's reader (the single network when ``ensemble=1``)."""
        return self.models_[0]

    @property
    def baseline_(self) -> PositionClassifier:
        """The first member's per-position baseline."""
        return self.baselines_[0]

    @torch.no_grad()
    def _greedy(self, x: torch.Tensor, models) -> tuple[torch.Tensor, torch.Tensor]:
        """Greedy reading by ``models`` together: at each step the next token is the argmax of the
        members' averaged probabilities, fed to every member; returns (ids (B, T), the members' mean
        attention (B, T, W'))."""
        if len(models) == 1:
            return models[0].greedy(x, self.max_length_)
        starts = [m._begin(x) for m in models]
        states = [s[1] for s in starts]
        contexts = [s[2] for s in starts]
        token = torch.full((len(x),), models[0].start, dtype=torch.long)
        ids, attention = [], []
        for _ in range(self.max_length_ + 1):
            probabilities, weights = 0.0, 0.0
            for k, model in enumerate(models):
                logits, states[k], contexts[k], w = model._step(token, states[k], contexts[k], starts[k][0])
                probabilities = probabilities + torch.softmax(logits, -1)
                weights = weights + w
            token = probabilities.argmax(-1)
            ids.append(token)
            attention.append(weights / len(models))
        return torch.stack(ids, 1), torch.stack(attention, 1)

    @torch.no_grad()
    def _read(self, x: torch.Tensor, which: str = "model", models=None) -> list[str]:
        """Read ``x`` with ``models`` (default: every member's reader, or baseline for ``which="baseline"``)."""
        if which == "baseline":
            models = self.baselines_ if models is None else models
            for m in models:
                m.eval()
            probabilities = sum(torch.softmax(m(x), -1) for m in models)
            return self._decode(probabilities.argmax(-1).numpy())
        models = self.models_ if models is None else models
        for m in models:
            m.eval()
        return self._decode(self._greedy(x, models)[0].numpy())

    def _checked(self, X) -> torch.Tensor:
        self._check_fitted()
        images = _images(X)
        if list(images.shape[1:]) != self.image_shape_:
            raise DataError(f"images are {tuple(images.shape[1:])} but the model reads {tuple(self.image_shape_)}")
        return torch.from_numpy(images)

    # ----- results -------------------------------------------------------------------------------
    def predict(self, X) -> list[str]:
        """The sequence read off each image (greedy decoding)."""
        return self._read(self._checked(X))

    def predict_baseline(self, X) -> list[str]:
        """The sequence the per-position baseline reads off each image."""
        return self._read(self._checked(X), "baseline")

    @torch.no_grad()
    def attention(self, X) -> np.ndarray:
        """Attention weights ``(n, max_length + 1, W')`` over column bands for each output step (the
        members' mean, along the ensemble's reading)."""
        return self._greedy(self._checked(X), self.models_)[1].numpy()

    def evaluate(self, X, y) -> dict:
        """Exact-sequence and token accuracy of the reader and of the per-position baseline."""
        x = self._checked(X)
        truth = [str(s) for s in y]
        out = sequence_scores(truth, self._read(x))
        out["baseline"] = {"name": "per-position classifier", **sequence_scores(truth, self._read(x, "baseline"))}
        out["beats_baseline"] = bool(out["exact_match"] > out["baseline"]["exact_match"])
        return out

    # ----- persistence ---------------------------------------------------------------------------
    def _get_state(self):
        tensors = {}
        for k, (model, baseline) in enumerate(zip(self.models_, self.baselines_)):
            member = "" if k == 0 else f"member{k}."          # member 0 keeps the single network's names
            tensors.update({f"{member}model.{n}": v for n, v in model.state_dict().items()})
            tensors.update({f"{member}baseline.{n}": v for n, v in baseline.state_dict().items()})
        config = {"vocab": self.vocab_, "max_length": self.max_length_, "image_shape": self.image_shape_,
                  "members": len(self.models_)}
        return config, tensors, {"history": self.history_}

    def _set_state(self, config, tensors, preprocessing):
        self.vocab_, self.max_length_ = list(config["vocab"]), int(config["max_length"])
        self.image_shape_ = [int(v) for v in config["image_shape"]]
        self.models_, self.baselines_ = [], []
        for k in range(int(config.get("members", 1))):
            model, baseline = self._networks()
            member = "" if k == 0 else f"member{k}."
            for prefix, module in ((f"{member}model.", model), (f"{member}baseline.", baseline)):
                module.load_state_dict({n[len(prefix):]: torch.as_tensor(v) for n, v in tensors.items()
                                        if n.startswith(prefix)}, strict=True)
                module.eval()
            self.models_.append(model)
            self.baselines_.append(baseline)
        self.history_ = preprocessing.get("history", {})
