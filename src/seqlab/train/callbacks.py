"""Callbacks with Keras semantics: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau,
LearningRateScheduler, CSVLogger, TerminateOnNaN.

A callback sees the ``Trainer`` as ``self.trainer`` (``trainer.model``, ``trainer.optimizer``,
``trainer.stop_training``, ``trainer.get_lr()``/``set_lr()``) and gets ``logs`` (the epoch's
``loss``, metrics, ``val_*``) at ``on_epoch_end``. ``on_train_batch_end`` is only called for
callbacks that define it (it costs a host sync per batch). Callbacks marked ``rank0_only`` run
on rank 0 alone under torchrun.

>>> es = EarlyStopping(monitor="loss", patience=1)
>>> es.monitor, es.patience
('loss', 1)
"""
from __future__ import annotations

import csv
import math
import os
import sys
import time
import warnings

import numpy as np
from tqdm.auto import tqdm

from seqlab.io.errors import ConfigError
from seqlab.train.checkpoint import save_weights
from seqlab.train.progress import is_terminal

_MAX_WORDS = ("acc", "auc", "precision", "recall", "f1")


def _mode(monitor: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ConfigError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "auto":
        return "max" if any(w in monitor for w in _MAX_WORDS) else "min"
    return mode


class Callback:
    """Base class: override any of the hooks. ``state_dict`` is saved in resume checkpoints."""

    rank0_only = False
    trainer = None

    def set_trainer(self, trainer) -> None:
        self.trainer = trainer

    def on_train_begin(self, logs=None): ...

    def on_epoch_begin(self, epoch: int, logs=None): ...

    def on_epoch_end(self, epoch: int, logs=None): ...

    def on_train_end(self, logs=None): ...

    def state_dict(self) -> dict:
        """JSON-friendly state restored by ``fit(resume=...)``."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        self.__dict__.update(state)


class _Monitoring(Callback):
    """Shared by callbacks that watch ``monitor`` for improvement by more than ``min_delta``."""

    def __init__(self, monitor: str, mode: str, min_delta: float):
        self.monitor, self.mode, self.min_delta = monitor, _mode(monitor, mode), abs(float(min_delta))
        self.best = math.inf if self.mode == "min" else -math.inf

    def improved(self, current: float, reference: float) -> bool:
        if self.mode == "min":
            return current < reference - self.min_delta
        return current > reference + self.min_delta

    def current(self, logs) -> float | None:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(f"{type(self).__name__}: '{self.monitor}' is not among the logged values "
                          f"{sorted(logs or {})}; pass monitor= one of them", RuntimeWarning, stacklevel=3)
        return value

    def state_dict(self):
        return {"best": self.best, "wait": getattr(self, "wait", 0)}


class EarlyStopping(_Monitoring):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    Args:
        monitor: logged value to watch (``"val_loss"``, ``"loss"``, ``"val_accuracy"``, ...).
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (max for accuracy/auc/precision/recall/f1).
        baseline: training stops if the value does not beat this within ``patience`` epochs.
        restore_best_weights: when stopping, put back the weights of the best epoch.
        start_from_epoch: epochs to wait before watching.

    >>> es = EarlyStopping(monitor="loss", patience=2, min_delta=0.1)
    >>> es.improved(0.85, 1.0), es.improved(0.95, 1.0)
    (True, False)
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta)
        self.patience, self.verbose, self.baseline = int(patience), verbose, baseline
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, int(start_from_epoch)
        self.wait, self.stopped_epoch, self.best_epoch, self.best_weights = 0, 0, 0, None

    def on_train_begin(self, logs=None):
        if self.trainer is None or not self.trainer.resuming:
            self.wait, self.stopped_epoch, self.best_epoch, self.best_weights = 0, 0, 0, None
            self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch, logs=None):
        current = self.current(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.trainer.copy_weights()
        self.wait += 1
        if self.improved(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.trainer.copy_weights()
            if self.baseline is None or self.improved(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True
            if self.restore_best_weights and self.best_weights is not None:
                self.trainer.load_weights(self.best_weights)
            if self.verbose:
                print(f"Epoch {epoch + 1}: early stopping (best {self.monitor} {self.best:.6g} "
                      f"at epoch {self.best_epoch + 1})")

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "best_epoch": self.best_epoch,
                "stopped_epoch": self.stopped_epoch}

    def state_tensors(self) -> dict:
        """The best weights (saved in resume checkpoints as safetensors), if they are kept."""
        return dict(self.best_weights) if self.best_weights is not None else {}

    def load_state_tensors(self, tensors: dict) -> None:
        device = next((p.device for p in self.trainer.model.parameters()), None) if self.trainer else None
        self.best_weights = {k: v.to(device) if device is not None else v for k, v in tensors.items()}


class ReduceLROnPlateau(_Monitoring):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    After a reduction, ``cooldown`` epochs pass before counting again; the rate never goes below
    ``min_lr``. Adds ``learning_rate`` (the rate the epoch trained with) to the epoch's logs.

    >>> ReduceLROnPlateau(factor=0.5, patience=2).factor
    0.5
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0):
        if not 0 < factor < 1:
            raise ConfigError(f"ReduceLROnPlateau factor must be in (0, 1), got {factor}")
        super().__init__(monitor, mode, min_delta)
        self.factor, self.patience, self.verbose = float(factor), int(patience), verbose
        self.cooldown, self.min_lr = int(cooldown), float(min_lr)
        self.wait, self.cooldown_counter = 0, 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = self.trainer.get_lr()  # the rate this epoch trained with (Keras)
        current = self.current(logs)
        if current is not None:
            if self.cooldown_counter > 0:
                self.cooldown_counter -= 1
                self.wait = 0
            if self.improved(current, self.best):
                self.best, self.wait = current, 0
            elif self.cooldown_counter == 0:
                self.wait += 1
                old = self.trainer.get_lr()
                if self.wait >= self.patience and old > self.min_lr:
                    self.trainer.set_lr(max(old * self.factor, self.min_lr))
                    self.cooldown_counter, self.wait = self.cooldown, 0
                    if self.verbose:
                        print(f"Epoch {epoch + 1}: ReduceLROnPlateau learning rate -> {self.trainer.get_lr():.6g}")

    def state_dict(self):
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}


class LearningRateScheduler(Callback):
    """Set the learning rate at each epoch start from ``schedule(epoch)`` or ``schedule(epoch, lr)``.

    >>> from seqlab.train.schedules import step_decay
    >>> cb = LearningRateScheduler(step_decay(0.1, 0.5, 10))
    """

    def __init__(self, schedule, verbose: int = 0):
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        try:
            lr = self.schedule(epoch, self.trainer.get_lr())
        except TypeError:
            lr = self.schedule(epoch)
        self.trainer.set_lr(float(lr))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.trainer.get_lr()


class ModelCheckpoint(Callback):
    """Save the model's weights (safetensors) at each epoch end, or only when ``monitor`` improves.

    Args:
        filepath: file to write, e.g. ``"ckpt/weights-{epoch:02d}.safetensors"`` (``{epoch}`` is
            1-based, other ``{name}`` fields come from the logs). A ``.json`` beside it records
            the epoch and logs.
        monitor, mode: what counts as best with ``save_best_only``.
        save_best_only: write only when ``monitor`` improved.

    Load the weights back with ``seqlab.train.checkpoint.load_weights(path, model)``.
    """

    rank0_only = True

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 mode: str = "auto"):
        self.filepath, self.verbose, self.save_best_only = str(filepath), verbose, save_best_only
        self.watch = _Monitoring(monitor, mode, 0.0)
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if self.save_best_only:
            current = self.watch.current(logs)
            if current is None or not self.watch.improved(current, self.watch.best):
                return
            self.watch.best = current
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if not path.endswith(".safetensors"):
            path = os.path.join(path, "weights.safetensors")
        save_weights(path, self.trainer.model, meta={"epoch": epoch + 1, "logs": logs})
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved weights to {path}")

    def state_dict(self):
        return {"best": self.watch.best}

    def load_state_dict(self, state):
        self.watch.best = state.get("best", self.watch.best)


class CSVLogger(Callback):
    """Write one CSV row per epoch: ``epoch`` and every logged value (header from the first epoch)."""

    rank0_only = True

    def __init__(self, filename: str, separator: str = ",", append: bool = False):
        self.filename, self.separator, self.append = str(filename), separator, append
        self.keys = None

    def on_train_begin(self, logs=None):
        resuming = self.trainer is not None and self.trainer.resuming
        if not (self.append or resuming) or not os.path.exists(self.filename):
            open(self.filename, "w").close()
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        new_file = os.path.getsize(self.filename) == 0
        with open(self.filename, "a", newline="") as f:
            writer = csv.writer(f, delimiter=self.separator)
            if new_file:
                writer.writerow(["epoch", *self.keys])
            writer.writerow([epoch, *[logs.get(k, "NA") for k in self.keys]])


class TerminateOnNaN(Callback):
    """Stop training at the first batch whose loss is NaN or infinite (checked every batch).

    The Trainer already stops on a non-finite loss before applying its update; this callback is
    kept for Keras code that lists it.
    """

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"Batch {batch}: invalid loss {loss}, terminating training")
            self.trainer.stop_training = True


class EpochProgressBar(Callback):
    """One progress bar over all ``epochs`` (on stderr, labelled ``training LABEL``), showing the
    latest losses: for tasks whose own progress is one line per fit rather than a bar per epoch.
    When stderr is not a terminal (a log, a pipe) it writes one line per epoch instead."""

    def __init__(self, epochs: int, label: str):
        self.epochs, self.label, self.bar = epochs, label, None

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        if is_terminal(sys.stderr):
            self.bar = tqdm(total=self.epochs, desc=f"training {self.label}", unit="epoch", file=sys.stderr,
                            dynamic_ncols=True, leave=False, mininterval=0.5)

    def on_epoch_end(self, epoch, logs=None):
        losses = " ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items() if "loss" in k)
        if self.bar is None:
            print(f"training {self.label}: epoch {epoch + 1}/{self.epochs} - {time.perf_counter() - self.start:.1f}s"
                  f" - {losses}", file=sys.stderr, flush=True)
            return
        self.bar.update(1)
        self.bar.set_postfix_str(losses, refresh=False)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()
