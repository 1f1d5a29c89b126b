"""Divergence is a failure: when the loss goes NaN/inf, keep the best validated weights and say so.

``fit`` stops at the first non-finite batch loss (``seqlab.train.guard``). What it keeps then:

- with validation data, the weights that gave the lowest validation loss seen: those of the best
  epoch (the ones an ``EarlyStopping(restore_best_weights=True)`` keeps, or, without one, a copy
  this tracker takes when ``val_loss`` improves), or the initial weights when no finished epoch
  beat them (epoch 0);
- without validation data, there is nothing to choose by: the weights from before the bad batch
  stay, and the divergence says that no validated model was kept.

The event is a ``Divergence`` (when, why, what was kept), kept on ``history.divergence`` and
given to every ``recording()`` block around the fit, so the command line can report it and exit
non-zero. Nothing here reads a value back from the device: the checks use the epoch's
``val_loss``, already on the host.

>>> with recording() as seen:
...     record(Divergence(epoch=3, batch=7, kept_epoch=2, kept_loss=0.25))
>>> print(seen[0].message())
the loss became NaN or infinite at epoch 3, batch 7; training stopped and the weights of epoch 2 (the best \
validation loss, 0.25) were kept. Try gradient clipping (clipnorm=1.0) or a lower learning rate
"""
from __future__ import annotations

import contextlib
import contextvars
import math
from dataclasses import dataclass

SNAPSHOT_BYTES = 256 << 20  # larger models keep no copy of their initial weights

_RECORDERS: contextvars.ContextVar[list | None] = contextvars.ContextVar("seqlab_divergences", default=None)


@dataclass
class Divergence:
    """Training diverged at ``epoch``/``batch`` (1-based); ``kept_epoch``: whose weights were kept (0:
    the initial ones; None: no validated weights, the ones from before the bad batch stay)."""
    epoch: int
    batch: int
    kept_epoch: int | None = None
    kept_loss: float | None = None

    def message(self) -> str:
        where = f"the loss became NaN or infinite at epoch {self.epoch}, batch {self.batch}; training stopped and "
        if self.kept_epoch is None:
            kept = ("the weights from before that batch were kept; they are not validated (there was no "
                    "validation data to choose weights by)")
        else:
            who = "the initial weights" if self.kept_epoch == 0 else f"the weights of epoch {self.kept_epoch}"
            kept = f"{who} (the best validation loss, {self.kept_loss:.4g}) were kept"
        return where + kept + ". Try gradient clipping (clipnorm=1.0) or a lower learning rate"


    def summary(self, out) -> str:
        """One line for the command line; ``out``: where the run (with the kept model) was written, if it was."""
        head = f"training diverged: the loss became NaN or infinite at epoch {self.epoch}, batch {self.batch}; "
        if self.kept_epoch is None:
            kept = "there was no validated model to keep, so nothing was written"
        elif out is None:
            kept = "nothing was written"
        else:
            who = "the initial weights" if self.kept_epoch == 0 else f"the weights of epoch {self.kept_epoch}"
            kept = f"the model in {out} holds {who} (best validation loss {self.kept_loss:.4g})"
        return head + kept + "; try a lower --learning-rate"


@contextlib.contextmanager
def recording():
    """Collect the divergences of every fit run inside the block; yields the list they are added to."""
    seen: list[Divergence] = []
    token = _RECORDERS.set(seen)
    try:
        yield seen
    finally:
        _RECORDERS.reset(token)


def record(event: Divergence) -> None:
    """Give ``event`` to the innermost ``recording()`` block, if any."""
    seen = _RECORDERS.get()
    if seen is not None:
        seen.append(event)


def _restoring_callback(callbacks):
    """An EarlyStopping-like callback that keeps the best ``val_loss`` weights, or None."""
    for cb in callbacks:
        if getattr(cb, "restore_best_weights", False) and getattr(cb, "monitor", None) == "val_loss" \
                and getattr(cb, "mode", "min") == "min":
            return cb
    return None


class BestWeights:
    """The weights with the lowest validation loss seen during one ``fit``.

    Args:
        trainer: the Trainer (``copy_weights``/``load_weights``, ``model``).
        callbacks: the fit's callbacks; an EarlyStopping restoring the best ``val_loss`` weights is
            used instead of a copy of our own.
        has_validation: whether the fit validates (otherwise nothing is tracked).
    """

    def __init__(self, trainer, callbacks, has_validation: bool):
        self.t, self.active = trainer, has_validation
        self.early = _restoring_callback(callbacks) if has_validation else None
        self.best_loss, self.best_epoch, self.best = math.inf, None, None
        size = sum(p.numel() * p.element_size() for p in trainer.model.state_dict().values())
        self.initial = trainer.copy_weights() if has_validation and size <= SNAPSHOT_BYTES else None

    def epoch_end(self, epoch: int, logs: dict) -> None:
        """Note the epoch's ``val_loss`` (0-based ``epoch``); copy the weights when it is the best so far."""
        value = logs.get("val_loss")
        if not self.active or self.early is not None or value is None or not math.isfinite(value) \
                or value >= self.best_loss:
            return
        # (an EarlyStopping restoring the best val_loss weights keeps its own copy: see _best)
        self.best_loss, self.best_epoch, self.best = float(value), epoch, self.t.copy_weights()

    def _best(self):
        """``(val_loss, 1-based epoch, weights)`` of the best finished epoch, or None."""
        if self.early is not None:
            weights, loss = getattr(self.early, "best_weights", None), getattr(self.early, "best", math.inf)
            if weights is None or not math.isfinite(loss):
                return None
            return float(loss), int(self.early.best_epoch) + 1, weights
        return None if self.best is None else (self.best_loss, self.best_epoch + 1, self.best)

    def diverged(self, epoch: int, batch: int, initial_loss) -> Divergence:
        """Put back the best validated weights after a divergence at 0-based ``epoch``/``batch``; return the
        event. ``initial_loss()`` gives the validation loss of the weights the model holds."""
        event = Divergence(epoch + 1, batch + 1)
        candidates = [c for c in [self._best()] if c is not None]
        if self.initial is not None:
            before = self.t.copy_weights()
            self.t.load_weights(self.initial)
            loss = initial_loss()
            if math.isfinite(loss):
                candidates.append((loss, 0, self.initial))
            self.t.load_weights(before)
        if candidates:
            loss, kept, weights = min(candidates, key=lambda c: (c[0], -c[1]))
            self.t.load_weights(weights)
            event.kept_epoch, event.kept_loss = kept, loss
        return event
