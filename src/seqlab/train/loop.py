"""The epoch loop behind ``Trainer.fit`` (kept apart so trainer.py stays readable).

Per epoch: shuffle the training indices with the trainer's own RNG, walk them in global
batches (each rank taking its shard under torchrun), accumulate loss and metrics on the
device, then reduce across ranks, validate, run callbacks, record history and checkpoint.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.train import checkpoint as ckpt
from seqlab.train.batching import as_source, gather, length
from seqlab.train.distributed import all_reduce_sum, shard_batch
from seqlab.train.history import History
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
    steps = math.ceil(len(train_idx) / batch_size)
    t.history.params = {"epochs": epochs, "steps": steps, "batch_size": batch_size, "samples": len(train_idx)}
    batch_hooks = [cb for cb in active if hasattr(cb, "on_train_batch_end")]
    for cb in active:
        cb.on_train_begin()
    for epoch in range(start, epochs):
        t.net.train()
        for cb in active:
            cb.on_epoch_begin(epoch)
        order = train_idx[t.np_rng.permutation(len(train_idx))] if shuffle else train_idx
        metrics = t._metrics()
        batch_losses, batch_sizes = [], []  # summed once per epoch: no per-batch accumulation ops
        bar = Progress(verbose, epoch, epochs, steps)
        for b in range(steps):
            batch = order[b * batch_size:(b + 1) * batch_size]
            if info.active:
                local, real = shard_batch(batch, info.rank, info.world)
                scale = real * info.world / len(batch)
            else:
                local, real, scale = batch, len(batch), 1.0
            idx_t = torch.from_numpy(local)
            xb, yb = t.gather_x(xs, local, idx_t), gather(ys, local, device, idx_t)
            wb = None if weights is None else weights.index_select(0, idx_t).to(device)
            if real == 0:
                wb = torch.zeros(len(local), device=device)
            pred, loss = t._step(xb, yb, wb, scale)
            if loss is None:
                msg = (f"the loss became NaN or infinite at epoch {epoch + 1}, batch {b + 1}; training stopped "
                       "and the weights from before that batch were kept. Try gradient clipping "
                       "(clipnorm=1.0) or a lower learning rate (lr=...)")
                warnings.warn(msg, RuntimeWarning, stacklevel=3)
                t.history.stop_reason, t.stop_training = msg, True
                bar.close(None)
                break
            batch_losses.append(loss.detach())
            batch_sizes.append(real)
            if real:
                probs = t._probs(pred.detach())
                for m in metrics:
                    m.update(probs, yb)
            if batch_hooks:
                logs = {"loss": float(loss.detach())}
                for cb in batch_hooks:
                    cb.on_train_batch_end(b, logs)
            bar.update(b, batch_losses, batch_sizes)
            if t.stop_training:
                break
        if t.history.stop_reason is not None and t.stop_training:
            break
        loss_sum, count = weighted_sum(batch_losses, batch_sizes, device), sum(batch_sizes)
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
        bar.close(logs)
        if resume is not None and info.is_main:
            ckpt.save_checkpoint(resume, model=t.model, optimizer=t.optimizer, epoch=epoch,
                                 history=t.history.state_dict(), np_rng=t.np_rng, callbacks=callbacks)
        if t.stop_training:
            break
    for cb in active:
        cb.on_train_end()
    return t.history
