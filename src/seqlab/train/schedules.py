"""Learning-rate schedules: functions ``epoch -> lr`` for ``LearningRateScheduler``.

The third schedule of the brief, reduce-on-plateau, reacts to a monitored value and so lives
with the callbacks (``seqlab.train.callbacks.ReduceLROnPlateau``).

>>> f = step_decay(0.1, drop=0.5, epochs_drop=10)
>>> [f(0), f(9), f(10), f(25)]
[0.1, 0.1, 0.05, 0.025]
"""
from __future__ import annotations

import math
from typing import Callable

from seqlab.io.errors import ConfigError


def step_decay(initial_lr: float, drop: float = 0.5, epochs_drop: int = 10) -> Callable[[int], float]:
    """``lr(epoch) = initial_lr * drop ** floor(epoch / epochs_drop)``."""
    if epochs_drop < 1 or not 0 < drop <= 1:
        raise ConfigError(f"step_decay needs epochs_drop >= 1 and 0 < drop <= 1, got {epochs_drop}, {drop}")
    return lambda epoch: initial_lr * drop ** (epoch // epochs_drop)


def cosine_decay(initial_lr: float, decay_epochs: int, alpha: float = 0.0) -> Callable[[int], float]:
    """Cosine annealing (Keras's ``CosineDecay`` per epoch):
    ``lr(e) = initial_lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(e, D) / D)) + alpha)``.

    >>> f = cosine_decay(1.0, 4)
    >>> [round(f(e), 4) for e in range(5)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0]
    """
    if decay_epochs < 1:
        raise ConfigError(f"cosine_decay needs decay_epochs >= 1, got {decay_epochs}")

    def lr(epoch: int) -> float:
        t = min(epoch, decay_epochs) / decay_epochs
        return initial_lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * t)) + alpha)
    return lr


def exponential_decay(initial_lr: float, decay_rate: float, decay_epochs: int = 1) -> Callable[[int], float]:
    """``lr(epoch) = initial_lr * decay_rate ** (epoch / decay_epochs)``."""
    return lambda epoch: initial_lr * decay_rate ** (epoch / decay_epochs)
