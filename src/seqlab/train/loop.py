"""The epoch loop behind ``Trainer.fit`` (kept apart so trainer.py stays readable).

Per epoch: shuffle the training indices with the trainer's own RNG, gather an in-memory data
set once in that order (``batching.Feeder``; strided views are gathered per batch), walk it in
global batches (each rank taking its shard under torchrun), keep the batch losses and
predictions on the device, check the losses for NaN/inf a window at a time
(``guard.NonFiniteGuard``), then reduce across ranks, validate, run callbacks, record history
and checkpoint. Nothing is read back to the host per batch unless a callback asks for
per-batch logs.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.train import checkpoint as ckpt
from seqlab.train.batching import Feeder, as_source, length
from seqlab.train.distributed import all_reduce_sum, shard_batch
from seqlab.train.divergence import BestWeights, record
from seqlab.train.guard import NonFiniteGuard
from seqlab.train.history import History
from seqlab.train.metrics import EpochMetrics
from seqlab.train.progress import Progress, weighted_sum


def _split(xs, ys, n, validation_split, validation_data):
    """``(train_idx, (val_x, val_y, val_idx, val_weights) or None)`` with Keras's rules."""
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ConfigError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight)")
        vxs, vys = as_source(validation_data[0]), as_source(validation_data[1])
        nv = length(vxs)
        if nv != length(vys) or nv == 0:
            raise DataError(f"validation_data has {nv} inputs and {length(vys)} targets; they must match and be > 0")
        vw = None if len(validation_data) == 2 else torch.as_tensor(np.asarray(validation_data[2]), dtype=torch.float32)
        return np.arange(n), (vxs, vys, np.arange(nv), vw)
    if not 0.0 <= validation_split < 1.0:
        raise ConfigError(f"validation_split must be in [0, 1), got {validation_split}")
    if validation_split == 0.0:
        return np.arange(n), None
    split_at = int(math.ceil(n * (1.0 - validation_split)))  # the LAST fraction, before shuffling
    if split_at >= n or split_at == 0:
        raise DataError(f"validation_split={validation_split} of {n} samples leaves an empty training or "
                        "validation set; use more data or another split")
    return np.arange(split_at), (xs, ys, np.arange(split_at, n), None)


def run_fit(t, x, y, *, epochs, batch_size, validation_split, validation_data, shuffle, class_weight,
            callbacks, verbose, resume, initial_epoch, sample_weight) -> History:
    """Train ``t`` (a Trainer) for ``epochs``; see ``Trainer.fit``."""
    xs, ys = as_source(x), as_source(y)
    n = length(xs)
    if n != length(ys):
        raise DataError(f"x has {n} samples but y has {length(ys)}; they must match")
    if n == 0:
        raise DataError("fit got no samples")
    batch_size = 32 if batch_size is None else int(batch_size)
    if batch_size < 1 or epochs < 0:
        raise ConfigError(f"batch_size must be >= 1 and epochs >= 0, got {batch_size}, {epochs}")
    train_idx, val = _split(xs, ys, n, validation_split, validation_data)
    weights = t.sample_weights(ys, train_idx, n, class_weight, sample_weight)
    t._ensure_ready(xs)
    t._cache_params()
    info, device = t.dist, t.device
    verbose = verbose if info.is_main else 0
    active = [cb for cb in callbacks if info.is_main or not cb.rank0_only]
    for cb in callbacks:
        cb.set_trainer(t)
    t.stop_training, t.resuming, t.history = False, False, History()
    start = int(initial_epoch)
    if resume is not None and ckpt.has_checkpoint(resume):
        tensors, state = ckpt.load_checkpoint(resume)
        ckpt.restore_checkpoint(tensors, state, model=t.model, optimizer=t.optimizer, np_rng=t.np_rng,
                                callbacks=callbacks)
        t.history.load_state_dict(state["history"])
        start, t.resuming = state["epoch"] + 1, True
        if state.get("stopped"):  # the run had ended early (EarlyStopping, ...): it stays ended
            t.stop_training, t.history.stop_reason = True, state.get("stop_reason")
            start = epochs
    steps = math.ceil(len(train_idx) / batch_size)
    t.history.params = {"epochs": epochs, "steps": steps, "batch_size": batch_size, "samples": len(train_idx)}
    batch_hooks = [cb for cb in active if hasattr(cb, "on_train_batch_end")]
    epoch_run = _EpochRunner(t, xs, ys, weights, train_idx, batch_size, shuffle, batch_hooks)
    best, diverged_at = BestWeights(t, callbacks, val is not None), None
    for cb in active:
        cb.on_train_begin()
    for epoch in range(start, epochs):
        t.net.train()
        for cb in active:
            cb.on_epoch_begin(epoch)
        metrics = t._metrics()
        bar = Progress(verbose, epoch, epochs, steps)
        losses, sizes = epoch_run(epoch, epochs, metrics, bar)
        if epoch_run.bad is not None:  # the best validated weights are put back after on_train_end
            diverged_at = (epoch, epoch_run.bad)
            t.history.stop_reason, t.stop_training = "the loss became NaN or infinite", True
            break
        loss_sum, count = weighted_sum(losses, sizes, device), sum(sizes)
        if info.active:
            totals = all_reduce_sum(torch.stack([loss_sum, torch.tensor(float(count), dtype=torch.float64,
                                                                        device=device)]), info)
            loss_sum, count = totals[0], int(totals[1].item())
            for m in metrics:
                m.sync()
        logs = {"loss": float(loss_sum) / max(count, 1)}
        logs.update({m.name: m.result() for m in metrics})
        if val is not None:
            vxs, vys, vidx, vw = val
            vlogs = t._evaluate_idx(vxs, vys, vidx, max(batch_size, 256), vw)
            logs.update({f"val_{k}": v for k, v in vlogs.items()})
        for cb in active:
            cb.on_epoch_end(epoch, logs)
        t.history.append(epoch, logs)
        best.epoch_end(epoch, logs)
        bar.close(logs)
        if resume is not None and info.is_main:
            ckpt.save_checkpoint(resume, model=t.model, optimizer=t.optimizer, epoch=epoch,
                                 history=t.history.state_dict(), np_rng=t.np_rng, callbacks=callbacks,
                                 stopped=t.stop_training, stop_reason=t.history.stop_reason)
        if t.stop_training:
            break
    for cb in active:
        cb.on_train_end()
    if diverged_at is not None:  # last word on the weights, after callbacks that restore their own best
        _diverged(t, best, *diverged_at, val, batch_size)
    return t.history


def _diverged(t, best, epoch, bad, val, batch_size) -> None:
    """The loss went NaN/inf at batch ``bad`` of ``epoch``: keep the best validated weights, say so, stop."""
    def initial_loss():
        vxs, vys, vidx, vw = val
        return t._evaluate_idx(vxs, vys, vidx, max(batch_size, 256), vw)["loss"]

    event = best.diverged(epoch, bad, initial_loss)
    warnings.warn(event.message(), RuntimeWarning, stacklevel=4)
    t.history.stop_reason, t.history.divergence, t.stop_training = event.message(), event, True
    record(event)


class _EpochRunner:
    """Runs the batches of one epoch: ``runner(epoch, epochs, metrics, bar) -> (losses, sizes)``.

    ``losses`` are the detached batch losses (tensors on the device), ``sizes`` the real sample
    count of each batch on this rank. A non-finite loss stops training (``t.stop_training`` and
    ``t.history.stop_reason`` set) with the weights from before that batch.
    """

    def __init__(self, t, xs, ys, weights, train_idx, batch_size, shuffle, batch_hooks):
        self.t, self.train_idx, self.batch_size, self.shuffle = t, train_idx, batch_size, shuffle
        self.batch_hooks = batch_hooks
        self.per_batch = t.dist.active  # each rank gathers its own shard of every batch
        self.x_feed = Feeder(xs, t.device, t.float_ints, self.per_batch)
        self.y_feed = Feeder(ys, t.device, False, self.per_batch)
        self.weights = None if weights is None else weights.to(t.device)
        self.idx_is_range = len(train_idx) > 0 and int(train_idx[-1] - train_idx[0]) == len(train_idx) - 1
        every = 1 if batch_hooks else t.nan_check_every
        self.guard = NonFiniteGuard(t.model, t.optimizer, t.device, every, t.dist)
        self.order = None
        self.bad = None  # the batch of the epoch just run whose loss was NaN/inf, if one was

    def start(self, order: np.ndarray) -> None:
        self.order, self.order_t = order, torch.from_numpy(order)
        self.w_epoch = None
        if not self.per_batch:
            is_range = not self.shuffle and self.idx_is_range
            self.x_feed.start(order, self.order_t, is_range)
            self.y_feed.start(order, self.order_t, is_range)
            if self.weights is not None:
                self.w_epoch = self.weights.index_select(0, self.order_t.to(self.weights.device))

    def batch(self, b: int):
        """``(xb, yb, wb, real samples, loss scale)`` of batch ``b``."""
        lo, hi = b * self.batch_size, min((b + 1) * self.batch_size, len(self.order))
        if not self.per_batch:
            wb = None if self.w_epoch is None else self.w_epoch[lo:hi]
            return self.x_feed.batch(lo, hi), self.y_feed.batch(lo, hi), wb, hi - lo, 1.0
        info, device = self.t.dist, self.t.device
        local, real = shard_batch(self.order[lo:hi], info.rank, info.world)
        idx_t = torch.from_numpy(local)
        xb, yb = self.x_feed.batch(lo, hi, local, idx_t), self.y_feed.batch(lo, hi, local, idx_t)
        wb = None if self.weights is None else self.weights.index_select(0, idx_t.to(self.weights.device))
        if real == 0:
            wb = torch.zeros(len(local), device=device)
        return xb, yb, wb, real, real * info.world / (hi - lo)

    def __call__(self, epoch: int, epochs: int, metrics: list, bar: Progress):
        t, guard = self.t, self.guard
        order = self.train_idx[t.np_rng.permutation(len(self.train_idx))] if self.shuffle else self.train_idx
        self.start(order)
        steps = math.ceil(len(order) / self.batch_size)
        feed = EpochMetrics(metrics, t._probs if t.loss.from_logits else None) if metrics else None
        eager, every = guard.every == 1, guard.every
        losses, sizes = [], []
        bad = None
        if not eager:
            guard.take(0)
        for b in range(steps):
            xb, yb, wb, real, scale = self.batch(b)
            pred, loss = t._train_step(xb, yb, wb, scale, check=eager)
            if loss is None:  # checked before its update: the weights are still the good ones
                bad = b
                break
            losses.append(loss)
            sizes.append(real)
            if feed is not None and real:
                feed.add(pred, yb)
            if not eager and (b + 1 - guard.batch >= every or b + 1 == steps):
                bad = guard.first_bad(losses, guard.batch)
                if bad is not None:
                    self.replay_until(bad)
                    break
                if b + 1 < steps:
                    guard.take(b + 1)
            if self.batch_hooks:
                logs = {"loss": float(loss)}
                for cb in self.batch_hooks:
                    cb.on_train_batch_end(b, logs)
            if bar.bar is not None:
                bar.update(b, losses, sizes)
            if t.stop_training:
                break
        self.bad = bad
        if bad is not None:  # run_fit restores the best validated weights (seqlab.train.divergence)
            bar.close(None)
        elif feed is not None:
            feed.flush()
        return losses, sizes

    def replay_until(self, bad: int) -> None:
        """Back to the last snapshot, then redo the good batches before ``bad`` (same data, same RNG)."""
        self.guard.restore()
        for r in range(self.guard.batch, bad):
            xb, yb, wb, _, scale = self.batch(r)
            self.t._train_step(xb, yb, wb, scale)
