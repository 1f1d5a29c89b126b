"""Callbacks that watch every ``Trainer.fit`` run inside a block, even fits a task starts itself
(hyperparameter search reads each epoch's validation loss this way to prune poor trials).

>>> import numpy as np, torch
>>> from seqlab.train import Trainer
>>> from seqlab.train.callbacks import Callback
>>> class Losses(Callback):
...     seen = []
...     def on_epoch_end(self, epoch, logs=None):
...         Losses.seen.append(round(logs["loss"], 3))
>>> with observing(Losses):
...     _ = Trainer(torch.nn.Linear(2, 1), loss="mse", seed=0).fit(np.ones((4, 2), np.float32),
...                                                              np.zeros((4, 1), np.float32), epochs=2, verbose=0)
>>> len(Losses.seen)
2
"""
from __future__ import annotations

import contextlib
import contextvars

_FACTORIES: contextvars.ContextVar[tuple] = contextvars.ContextVar("seqlab_fit_observers", default=())


@contextlib.contextmanager
def observing(factory):
    """Within the block, every ``Trainer.fit`` also runs the callback ``factory()`` (a new one per fit)."""
    token = _FACTORIES.set(_FACTORIES.get() + (factory,))
    try:
        yield factory
    finally:
        _FACTORIES.reset(token)


def observer_callbacks() -> list:
    """New callbacks of the factories ``observing`` registered in the current context."""
    return [factory() for factory in _FACTORIES.get()]
