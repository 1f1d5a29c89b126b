"""Truncated back-propagation through time (seed 004: long sequences cut into pieces, the state
carried across the cut, the gradient not).

``fit_tbptt(trainer, x, y, k)`` trains on sequences ``x`` ``(batch, T, features)`` with per-step
targets ``y`` ``(batch, T, ...)``: each mini-batch of sequences is walked in windows of ``k`` steps;
each window is one optimiser update whose recurrent layers start from the (detached) final states
of the window before, so the gradient of a window's loss reaches at most ``k`` steps back.
``carried_states(model)`` is the context that makes the recurrent layers carry their states.

>>> import numpy as np, torch
>>> from seqlab.nn.recurrent import SimpleRNN
>>> from seqlab.train.trainer import Trainer
>>> rnn = SimpleRNN(2, return_sequences=True, input_shape=(None, 1))
>>> t = Trainer(rnn, loss="mse", optimizer="sgd", metrics=(), seed=0)
>>> h = fit_tbptt(t, np.ones((4, 10, 1), np.float32), np.zeros((4, 10, 2), np.float32), k=5, epochs=2)
>>> len(h.history["loss"])
2
"""
from __future__ import annotations

import contextlib
import math

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.recurrent import RNN
from seqlab.train.history import History


@contextlib.contextmanager
def carried_states(model: torch.nn.Module):
    """Within the block every recurrent layer of ``model`` starts each call from the final states of
    its previous call (detached, like ``stateful=True``), starting from zeros; their own settings and
    states are restored afterwards. Call ``reset(model)`` to start new sequences."""
    layers = [m for m in model.modules() if isinstance(m, RNN)]
    for m in model.modules():
        if type(m).__name__ == "Bidirectional" or (isinstance(m, RNN) and m.go_backwards):
            raise ConfigError("truncated BPTT carries states forwards in time; a backwards or bidirectional "
                              "recurrent layer cannot be trained this way")
    saved = [(m.stateful, m.states) for m in layers]
    try:
        for m in layers:
            m.stateful, m.states = True, None
        yield
    finally:
        for m, (stateful, states) in zip(layers, saved):
            m.stateful, m.states = stateful, states


def reset(model: torch.nn.Module) -> None:
    """Forget the carried states of every recurrent layer of ``model``."""
    for m in model.modules():
        if isinstance(m, RNN):
            m.reset_states()


def _as_tensor(a) -> torch.Tensor:
    t = torch.as_tensor(np.asarray(a))
    return t.float() if t.is_floating_point() or t.dtype == torch.bool else t


def fit_tbptt(trainer, x, y, k: int, epochs: int = 1, batch_size: int = 32, shuffle: bool = True,
              callbacks=None, verbose: int = 0) -> History:
    """Train ``trainer``'s model with truncated BPTT over windows of ``k`` steps; returns a History
    whose ``loss`` is the mean window loss of each epoch (penalties included)."""
    k = int(k)
    if k < 1:
        raise ConfigError(f"tbptt must be a number of steps >= 1, got {k}")
    xs, ys = _as_tensor(x), _as_tensor(y)
    if xs.dim() < 3 or ys.dim() < 2 or xs.shape[:2] != ys.shape[:2]:
        raise DataError(f"tbptt needs x (batch, time, features) and y with the same (batch, time); got "
                        f"{tuple(xs.shape)} and {tuple(ys.shape)} (the model must return every step)")
    if not trainer.float_ints and not xs.is_floating_point():
        xs = xs.long()
    elif not xs.is_floating_point():
        xs = xs.float()
    t, callbacks = trainer, list(callbacks or [])
    n, steps = xs.shape[0], xs.shape[1]
    history = History()
    history.params = {"epochs": epochs, "batch_size": batch_size, "samples": n, "tbptt": k}
    with t.torch_rng.active(), carried_states(t.model):
        t._ensure_ready(xs[:1, :k])
        t._cache_params()
        for cb in callbacks:
            cb.set_trainer(t)
            cb.on_train_begin()
        for epoch in range(epochs):
            t.net.train()
            for cb in callbacks:
                cb.on_epoch_begin(epoch)
            order = t.np_rng.permutation(n) if shuffle else np.arange(n)
            total, count = 0.0, 0
            for b in range(math.ceil(n / batch_size)):
                idx = torch.from_numpy(order[b * batch_size:(b + 1) * batch_size])
                xb, yb = xs.index_select(0, idx).to(t.device), ys.index_select(0, idx).to(t.device)
                reset(t.model)
                for start in range(0, steps, k):
                    _, loss = t._train_step(xb[:, start:start + k], yb[:, start:start + k], None)
                    total += float(loss) * len(idx)
                    count += len(idx)
            logs = {"loss": total / max(count, 1)}
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            history.append(epoch, logs)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} - loss: {logs['loss']:.4f}")
            if t.stop_training:
                break
        for cb in callbacks:
            cb.on_train_end()
    reset(t.model)
    t.history = history
    return history
