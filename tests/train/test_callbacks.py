"""Callbacks against hand-worked sequences of monitored values, and inside real training."""
import csv
import math

import numpy as np
import pytest
import torch

import seqlab.callbacks
from seqlab.train import Trainer
from seqlab.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from seqlab.train.checkpoint import load_weights
from seqlab.train.schedules import cosine_decay, step_decay


class FakeTrainer:
    """Just what callbacks touch: stop flag, learning rate and weights."""

    def __init__(self, lr=1.0):
        self.stop_training, self.resuming, self.lr, self.weights = False, False, lr, 0

    def get_lr(self):
        return self.lr

    def set_lr(self, lr):
        self.lr = lr

    def copy_weights(self):
        return self.weights

    def load_weights(self, w):
        self.weights = w


def drive(cb, values, key="val_loss", trainer=None):
    """Run ``cb`` over epochs with the monitored ``values``; return the epoch at which it stopped."""
    trainer = trainer or FakeTrainer()
    cb.set_trainer(trainer)
    cb.on_train_begin()
    for epoch, v in enumerate(values):
        trainer.weights = epoch
        cb.on_epoch_end(epoch, {key: v})
        if trainer.stop_training:
            return epoch, trainer
    return None, trainer


def test_seqlab_callbacks_reexports_train_callbacks():
    assert seqlab.callbacks.EarlyStopping is EarlyStopping


def test_early_stopping_counts_only_improvements_larger_than_min_delta():
    # best 1.0 (e0); 0.95 is not 0.1 better (wait 1); 0.85 is (best, wait 0); 0.9, 0.8 are not -> stop at e4
    stopped, _ = drive(EarlyStopping(patience=2, min_delta=0.1), [1.0, 0.95, 0.85, 0.9, 0.8, 0.7])
    assert stopped == 4


def test_early_stopping_restores_best_weights_and_max_mode_for_accuracy():
    es = EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True)
    assert es.mode == "max"
    stopped, trainer = drive(es, [0.5, 0.7, 0.6, 0.65, 0.9], key="val_accuracy")
    assert stopped == 3 and trainer.weights == 1  # weights of epoch 1 (accuracy 0.7)


def test_early_stopping_baseline_must_be_beaten():
    # improvements that stay above the baseline do not reset the wait, so it runs out one epoch sooner
    values = [0.9, 0.8, 0.8, 0.8, 0.8]
    assert drive(EarlyStopping(monitor="loss", patience=2, baseline=0.5), values, key="loss")[0] == 2
    assert drive(EarlyStopping(monitor="loss", patience=2), values, key="loss")[0] == 3


def test_reduce_lr_on_plateau_with_patience_cooldown_and_floor():
    cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, cooldown=1, min_lr=0.2)
    trainer = FakeTrainer(lr=1.0)
    cb.set_trainer(trainer)
    seen = []
    for epoch in range(8):
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        seen.append(trainer.lr)
        assert "learning_rate" in logs
    # reduce after 2 flat epochs; 1 cooldown epoch resets the count; never below min_lr
    assert seen == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]


def test_learning_rate_schedules():
    step = step_decay(0.1, drop=0.5, epochs_drop=2)
    assert [step(e) for e in range(5)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    cos = cosine_decay(1.0, 10, alpha=0.1)
    assert cos(5) == pytest.approx(0.9 * 0.5 * (1 + math.cos(math.pi / 2)) + 0.1)
    assert cos(20) == pytest.approx(0.1)
    trainer = FakeTrainer(lr=0.3)
    cb = LearningRateScheduler(step)
    cb.set_trainer(trainer)
    cb.on_epoch_begin(3)
    assert trainer.lr == pytest.approx(0.05)
    cb = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    cb.set_trainer(trainer)
    cb.on_epoch_begin(0)
    assert trainer.lr == pytest.approx(0.025)


def test_terminate_on_nan_stops_on_an_invalid_batch_loss():
    trainer = FakeTrainer()
    cb = TerminateOnNaN()
    cb.set_trainer(trainer)
    cb.on_train_batch_end(0, {"loss": 1.0})
    assert not trainer.stop_training
    cb.on_train_batch_end(1, {"loss": float("inf")})
    assert trainer.stop_training


def _toy(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3).reshape(-1, 1)
    torch.manual_seed(seed)
    return torch.nn.Linear(3, 1), x, y


def test_csv_logger_and_model_checkpoint_in_real_training(tmp_path):
    net, x, y = _toy()
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=["mae"], lr=0.05, seed=0)
    path = tmp_path / "ck" / "best.safetensors"
    h = t.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0,
              callbacks=[CSVLogger(tmp_path / "log.csv"), ModelCheckpoint(str(path), save_best_only=True)])
    rows = list(csv.DictReader(open(tmp_path / "log.csv")))
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(h.history["val_loss"])
    fresh = torch.nn.Linear(3, 1)
    load_weights(str(path), fresh)  # val_loss fell every epoch, so the best is the last
    assert torch.equal(fresh.weight, net.weight)


def test_early_stopping_in_fit_restores_the_best_epoch():
    net, x, y = _toy()
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=(), lr=0.05, seed=0)
    snapshots = []

    class Snap(Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(net.weight.detach().clone())

    # monitor a value that is best at epoch 1 and never improves afterwards
    class Fake(Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["score"] = [3.0, 1.0, 2.0, 2.0, 2.0, 2.0][epoch]

    es = EarlyStopping(monitor="score", patience=2, restore_best_weights=True)
    h = t.fit(x, y, epochs=6, batch_size=8, verbose=0, callbacks=[Fake(), Snap(), es])
    assert h.epoch == [0, 1, 2, 3] and es.stopped_epoch == 3
    assert torch.equal(net.weight, snapshots[1])
