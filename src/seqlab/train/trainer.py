"""The Trainer: fit / evaluate / predict for any ``torch.nn.Module``, with Keras semantics.

One training step is seed 002's loop: forward, loss (plus any layer penalties), backprop,
clip, update ``W <- W - lr * dJ/dW`` (the optimiser's variant). An epoch walks the training
samples in mini-batches (``batch_size=len(x)`` is full-batch gradient descent, ``1`` is
per-sample SGD), then evaluates the validation data and runs the callbacks.

>>> import numpy as np, torch
>>> net = torch.nn.Linear(3, 1)
>>> t = Trainer(net, loss="mse", optimizer="sgd", metrics=("mae",), seed=0)
>>> h = t.fit(np.ones((8, 3), np.float32), np.zeros(8, np.float32), epochs=2, verbose=0)
>>> sorted(h.history), h.epoch
(['loss', 'mae'], [0, 1])
"""
from __future__ import annotations

import copy
import math
import warnings

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.seeding import RandomStream
from seqlab.train.batching import as_source, gather, labels_of, length, wants_integer_input
from seqlab.train.clipping import check_clip_settings, clip_gradients
from seqlab.train.compiling import CompiledModule, compile_mode
from seqlab.train.distributed import (
    all_reduce_sum,
    dist_info,
    init_distributed,
    resolve_device,
    shared_seed,
    wrap_model,
)
from seqlab.train.history import History
from seqlab.train.inference import predict_tensor
from seqlab.train.loop import run_fit
from seqlab.train.losses import get_loss
from seqlab.train.metrics import get_metric
from seqlab.train.observers import observer_callbacks
from seqlab.train.optimizers import build_optimizer
from seqlab.train.regularizers import apply_constraints, has_constraints, has_regularization, regularization_loss
from seqlab.train.threads import using_threads


class Trainer:
    """Trains ``model`` (any module mapping a batch ``x`` to predictions).

    Args:
        model: a ``torch.nn.Module`` (``seqlab.Sequential``, a layer, your own module).
        loss: a name from ``seqlab.train.losses`` (``"mse"``, ``"binary_crossentropy"``, ...), a
            ``Loss``, or ``fn(pred, target) -> scalar``. None allows predict/evaluate-free use only.
        optimizer: a name (``"adam"``, ``"sgd"``, ...), a spec (``SGD(momentum=0.9)``) or a torch optimiser.
        metrics: names from ``seqlab.train.metrics`` or ``Metric`` objects.
        lr: learning rate overriding the optimiser's default.
        clipnorm, clipvalue, global_clipnorm: gradient clipping (``seqlab.train.clipping``).
        device: ``"cpu"``, ``"cuda"``, ...; default cuda when available.
        seed: seeds the trainer's shuffling RNG and its own stream of torch's global RNG: ``fit`` and
            ``train_on_batch`` run on a fork of the global RNG (dropout and other noise drawn inside
            the model), started from ``seed`` and continued from one call to the next, and restore
            the caller's RNG state on exit. A run on CPU is bit-for-bit repeatable and leaves the
            caller's random streams untouched. None: noise comes from (and advances) torch's global RNG.
        compile: True (or a ``torch.compile`` mode name) runs ``fit`` and ``predict`` through
            ``torch.compile``, falling back to eager with a one-line warning where it is unavailable
            (``seqlab.train.compiling``).

    Attribute ``nan_check_every`` (default 32): ``fit`` reads the batch losses back and checks
    them for NaN/inf once per this many batches, restoring a snapshot and replaying the good
    batches when one is bad (``seqlab.train.guard``); 1 checks each loss before its update.
    """

    def __init__(self, model: torch.nn.Module, loss="mse", optimizer="adam", metrics=("mae",), lr=None,
                 clipnorm=None, clipvalue=None, device=None, seed=None, global_clipnorm=None, compile=False):
        check_clip_settings(clipnorm, clipvalue, global_clipnorm)
        if lr is not None and not (float(lr) > 0 and math.isfinite(float(lr))):
            raise ConfigError(f"lr must be a positive finite number, got {lr!r}")
        self.model = model
        self.loss = get_loss(loss) if loss is not None else None
        self.optimizer_spec, self.lr = optimizer, lr
        self.metric_specs = [metrics] if isinstance(metrics, str) else list(metrics or ())
        self.metric_names = [get_metric(m).name for m in self.metric_specs]
        self.clip = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        self.clipping = any(v is not None for v in self.clip.values())
        self.dist = dist_info()
        self.device = resolve_device(device, self.dist)
        init_distributed(self.dist, self.device)
        self.seed = shared_seed(seed, self.dist)
        self.torch_rng = RandomStream(self.seed)
        self.np_rng = np.random.default_rng(self.seed)
        self.model.to(self.device)
        self.float_ints = not wants_integer_input(model)
        self.optimizer = None
        self.net = model  # what the batches go through: the model or its DDP wrapper
        self.history = History()
        self.stop_training = False
        self.resuming = False
        self.nan_check_every = 32  # batches between loss checks in fit (1: check each batch)
        self.compile_mode = compile_mode(compile)  # torch.compile for fit and predict (seqlab.train.compiling)

    # ----- set-up --------------------------------------------------------------------------
    def _ensure_ready(self, x_src=None) -> None:
        """Build a lazily-shaped model from one sample, then the optimiser and the DDP wrapper."""
        if self.optimizer is not None:
            return
        params = list(self.model.parameters())
        lazy = not params or any(isinstance(p, torch.nn.parameter.UninitializedParameter) for p in params)
        if lazy and x_src is not None:
            was_training = self.model.training
            self.model.eval()
            with torch.no_grad():
                self._forward(self.model, self.gather_x(x_src, np.zeros(1, np.int64)))
            self.model.train(was_training)
            self.model.to(self.device)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = build_optimizer(self.optimizer_spec, trainable, self.lr)
        self.net = self._compiled(wrap_model(self.model, self.dist, self.device))
        self.has_penalties = has_regularization(self.model)
        self.has_constraints = has_constraints(self.model)
        self._cache_params()

    def _cache_params(self) -> None:
        """The parameter lists the training step walks (refreshed at every ``fit``)."""
        self._grad_params = [p for g in self.optimizer.param_groups for p in g["params"]]
        self._model_params = [p for p in self.model.parameters() if p.requires_grad]

    def _compiled(self, net: torch.nn.Module) -> torch.nn.Module:
        return CompiledModule(net, self.compile_mode) if self.compile_mode else net

    def gather_x(self, xs, idx, idx_t=None):
        """Input rows ``idx`` on the device (integers as float32 unless the model wants ids)."""
        return gather(xs, idx, self.device, idx_t, self.float_ints)

    @staticmethod
    def _forward(net, xb):
        return net(*xb) if isinstance(xb, tuple) else net(xb)

    def get_lr(self) -> float:
        """The first parameter group's learning rate."""
        return float(self.optimizer.param_groups[0]["lr"])

    def set_lr(self, lr: float) -> None:
        """Set every parameter group's learning rate."""
        for group in self.optimizer.param_groups:
            group["lr"] = float(lr)

    def copy_weights(self) -> dict:
        """A detached copy of the model's state (for restoring later)."""
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    def load_weights(self, state: dict) -> None:
        """Restore a state from ``copy_weights``."""
        self.model.load_state_dict(state)

    def _metrics(self):
        """Fresh metric objects (a given ``Metric`` is copied so train and validation stay apart)."""
        fresh = [get_metric(m) if isinstance(m, str) else copy.deepcopy(get_metric(m)) for m in self.metric_specs]
        for m in fresh:
            m.reset()
        return fresh

    def _probs(self, pred: torch.Tensor) -> torch.Tensor:
        """Predictions as probabilities for metrics (only differs for ``from_logits`` losses)."""
        if self.loss is None or not self.loss.from_logits:
            return pred
        return pred.sigmoid() if pred.dim() == 1 or pred.shape[-1] == 1 else pred.softmax(-1)

    # ----- one batch -----------------------------------------------------------------------
    def _train_step(self, xb, yb, wb, scale: float = 1.0, check: bool = False):
        """Forward, backward, clip and update; returns ``(pred, detached loss)``.

        ``check=True`` reads the loss first and returns ``(pred, None)`` without updating when it is
        NaN or infinite; otherwise nothing is read back to the host (``fit`` checks losses a window
        at a time, see ``seqlab.train.guard``).
        """
        pred = self._forward(self.net, xb)
        loss = self.loss(pred, yb, wb)
        data_loss = loss if scale == 1.0 else loss * scale
        if self.has_penalties:
            penalty = regularization_loss(self.model)
            loss, data_loss = loss + penalty, data_loss + penalty
        for p in self._grad_params:  # zero_grad(set_to_none=True) without the optimiser's wrapper
            p.grad = None
        data_loss.backward()
        if check and not self._finite(loss):
            return pred, None
        if self.clipping:
            clip_gradients(self._model_params, **self.clip)
        self.optimizer.step()
        if self.has_constraints:  # layers' kernel_constraint etc., after every step (Keras)
            apply_constraints(self.model)
        return pred, loss.detach()

    def _finite(self, loss: torch.Tensor) -> bool:
        """Whether ``loss`` is finite on every rank (one host read)."""
        finite = math.isfinite(loss.item())
        if self.dist.active:
            finite = float(all_reduce_sum(torch.tensor(float(not finite)), self.dist)) == 0.0
        return finite

    def _check_compiled(self):
        if self.loss is None:
            raise ConfigError("no loss was given; compile with loss='mse' (or another loss) before training")

    def train_on_batch(self, x, y, sample_weight=None) -> dict:
        """One update on the batch ``(x, y)``; returns ``{"loss": .., metric: ..}`` for this batch."""
        self._check_compiled()
        xs, ys = as_source(x), as_source(y)
        with self.torch_rng.active():
            self._ensure_ready(xs)
            idx = np.arange(length(xs))
            xb, yb = self.gather_x(xs, idx), gather(ys, idx, self.device)
            wb = None if sample_weight is None else torch.as_tensor(sample_weight, dtype=torch.float32,
                                                                     device=self.device)
            if not self.net.training:
                self.net.train()
            pred, loss = self._train_step(xb, yb, wb, check=True)
        if loss is None:
            warnings.warn("train_on_batch: the loss is NaN or infinite; the update was skipped. Try "
                          "clipnorm=1.0 or a lower learning rate", RuntimeWarning, stacklevel=2)
            return {"loss": float("nan")}
        return self._batch_logs(pred.detach(), yb, loss)

    def _batch_logs(self, pred, yb, loss) -> dict:
        logs = {"loss": float(loss.detach())}
        for m in self._metrics():
            m.update(self._probs(pred), yb)
            logs[m.name] = m.result()
        return logs

    @torch.no_grad()
    def test_on_batch(self, x, y) -> dict:
        """Loss and metrics of one batch without updating; returns a dict like ``train_on_batch``."""
        self._check_compiled()
        xs, ys = as_source(x), as_source(y)
        idx = np.arange(length(xs))
        xb, yb = self.gather_x(xs, idx), gather(ys, idx, self.device)
        self.model.eval()
        pred = self._forward(self.model, xb)
        loss = self.loss(pred, yb)
        if has_regularization(self.model):
            loss = loss + regularization_loss(self.model)
        return self._batch_logs(pred, yb, loss)

    @torch.no_grad()
    def predict_on_batch(self, x) -> np.ndarray:
        """The model's output for one batch as a NumPy array."""
        xs = as_source(x)
        self.model.eval()
        out = self._forward(self.model, self.gather_x(xs, np.arange(length(xs))))
        return out.detach().cpu().numpy()

    # ----- whole data sets -----------------------------------------------------------------
    def predict(self, x, batch_size: int = 256, verbose: int = 0) -> np.ndarray:
        """Predictions for every sample of ``x``, shape ``(n, *output_shape)``, in batches
        (``seqlab.train.inference.predict_tensor``: one module call per batch, nothing else)."""
        if self.compile_mode and not isinstance(self.net, CompiledModule):
            self.net = self._compiled(self.net)
        module = self.net if self.compile_mode else self.model
        out = predict_tensor(module, x, batch_size, float_ints=self.float_ints, device=self.device)
        return [o.numpy() for o in out] if isinstance(out, tuple) else out.numpy()

    @torch.no_grad()
    def evaluate(self, x, y, batch_size: int = 256, verbose: int = 0, sample_weight=None) -> dict:
        """Loss and metrics over all of ``(x, y)``: ``{"loss": .., "mae": ..}``.

        The loss is the sample mean of the per-batch losses (plus layer penalties), metrics are
        computed over the whole set.
        """
        self._check_compiled()
        xs, ys = as_source(x), as_source(y)
        n = length(xs)
        if n != length(ys):
            raise DataError(f"x has {n} samples but y has {length(ys)}")
        w = None if sample_weight is None else torch.as_tensor(np.asarray(sample_weight), dtype=torch.float32)
        return self._evaluate_idx(xs, ys, np.arange(n), batch_size, w)

    @torch.no_grad()
    def _evaluate_idx(self, xs, ys, idx_all, batch_size, weights=None) -> dict:
        self.model.eval()
        metrics = self._metrics()
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        for start in range(0, len(idx_all), batch_size):
            idx = idx_all[start:start + batch_size]
            xb, yb = self.gather_x(xs, idx), gather(ys, idx, self.device)
            pred = self._forward(self.model, xb)
            wb = None if weights is None else weights[torch.from_numpy(idx)].to(self.device)
            total += self.loss(pred, yb, wb).double() * len(idx)
            probs = self._probs(pred)
            for m in metrics:
                m.update(probs, yb)
        logs = {"loss": float(total) / max(len(idx_all), 1)}
        if has_regularization(self.model):
            logs["loss"] += float(regularization_loss(self.model))
        logs.update({m.name: m.result() for m in metrics})
        return logs

    # ----- fit -----------------------------------------------------------------------------
    def fit(self, x, y, epochs: int = 1, batch_size: int | None = 32, validation_split: float = 0.0,
            validation_data=None, shuffle: bool = True, class_weight=None, callbacks=None, verbose: int = 1,
            resume: str | None = None, initial_epoch: int = 0, sample_weight=None, threads=None) -> History:
        """Train for ``epochs`` epochs; returns the ``History`` (also kept as ``self.history``).

        Args:
            x, y: inputs and targets (see ``seqlab.train.batching``); ``len(x) == len(y)``.
            batch_size: global mini-batch size (None: 32, as Keras).
            validation_split: the LAST fraction of the samples, taken before shuffling (Keras).
            validation_data: ``(x_val, y_val)``; overrides ``validation_split``.
            shuffle: reshuffle the training samples each epoch.
            class_weight: ``{class: weight}`` or ``"balanced"``; weights each sample's loss.
            callbacks: ``seqlab.train.callbacks`` objects.
            verbose: 0 silent, 1 progress bar per epoch, 2 one line per epoch.
            resume: a directory: checkpoint there after every epoch and, if it already holds a
                checkpoint, continue from it (weights, optimiser, epoch, history, RNG states,
                callback states such as EarlyStopping's best weights). A run whose checkpoint
                says it had stopped early is not trained further.
            initial_epoch: epoch to start counting from (Keras).
            sample_weight: one weight per sample, multiplied with class weights.
            threads: CPU threads torch trains with (None: one, the measured default of
                ``seqlab.train.threads``; ``"all"``: every core).
        """
        self._check_compiled()
        with self.torch_rng.active(), using_threads(threads):
            return run_fit(self, x, y, epochs=epochs, batch_size=batch_size, validation_split=validation_split,
                           validation_data=validation_data, shuffle=shuffle, class_weight=class_weight,
                           callbacks=[*(callbacks or []), *observer_callbacks()], verbose=verbose, resume=resume,
                           initial_epoch=initial_epoch, sample_weight=sample_weight)

    def sample_weights(self, ys, train_idx, n, class_weight, sample_weight) -> torch.Tensor | None:
        """Per-sample weights (length ``n``) from ``class_weight`` and ``sample_weight``; None if neither."""
        if class_weight is None and sample_weight is None:
            return None
        w = np.ones(n, np.float32)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, np.float32).reshape(-1)
            if len(sw) != n:
                raise DataError(f"sample_weight has {len(sw)} entries for {n} samples")
            w *= sw
        if class_weight is not None:
            labels = labels_of(ys, np.arange(n))
            if isinstance(class_weight, str):
                if class_weight != "balanced":
                    raise ConfigError(f"class_weight must be a dict or 'balanced', got {class_weight!r}")
                from sklearn.utils.class_weight import compute_class_weight

                classes = np.unique(labels[train_idx])
                cw = dict(zip(classes.tolist(), compute_class_weight("balanced", classes=classes,
                                                                     y=labels[train_idx])))
            else:
                cw = {int(k): float(v) for k, v in dict(class_weight).items()}
            missing = set(np.unique(labels[train_idx]).tolist()) - set(cw)
            if missing:
                raise ConfigError(f"class_weight has no weight for classes {sorted(missing)}")
            w *= np.array([cw.get(int(c), 1.0) for c in labels], np.float32)
        return torch.from_numpy(w)
