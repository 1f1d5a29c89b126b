"""Divergence is a failure: a NaN/inf loss ends the command with one line and a non-zero status, the
report says when and why, and the weights kept are those with the best validation loss seen."""
import json

import numpy as np
import pandas as pd
import pytest
import torch

import seqlab
from seqlab.cli import main
from seqlab.io.errors import ConfigError
from seqlab.tasks import Forecaster
from seqlab.train.callbacks import EarlyStopping, LearningRateScheduler
from seqlab.train.trainer import Trainer


@pytest.fixture
def csv(tmp_path):
    t = np.arange(200)
    path = tmp_path / "sales.csv"
    pd.DataFrame({"sales": 50 + 0.1 * t + 8 * np.sin(2 * np.pi * t / 12)}).to_csv(path, index=False)
    return path


def test_lr_1e38_fails_with_one_line_and_reports_what_was_kept(csv, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["forecast", str(csv), "--target", "sales", "--model", "lstm", "--units", "4", "--epochs", "3",
                 "--learning-rate", "1e38", "--verbose", "0", "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and len(err.splitlines()) == 1, err
    assert "diverged" in err and "epoch 1" in err and str(out) in err
    assert "Training diverged" in (out / "report.html").read_text()
    kept = seqlab.load(out)
    assert np.isfinite(kept.predict().to_numpy()).all()
    assert all(torch.isfinite(t).all() for t in kept.network_.state_dict().values())


@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_non_finite_option_values_are_refused(csv, tmp_path, capsys, value):
    code = main(["forecast", str(csv), "--target", "sales", f"--learning-rate={value}", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "--learning-rate must be a finite number" in err
    assert not (tmp_path / "o").exists()
    with pytest.raises(ConfigError, match="finite"):
        Trainer(torch.nn.Linear(2, 1), lr=float(value))


def _data(n=96):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5, 3.0], np.float32) + 0.1 * rng.normal(size=n)).astype(np.float32)


def _val_loss(trainer, x, y):
    return trainer.evaluate(x[-24:], y[-24:])["loss"]


@pytest.mark.parametrize("early_stopping", [False, True])
def test_divergence_after_good_epochs_keeps_the_best_validation_weights(early_stopping):
    x, y = _data()
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1), torch.nn.Flatten(0))
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=(), seed=0)
    callbacks = [LearningRateScheduler(lambda epoch: 0.05 if epoch < 4 else 1e38)]
    if early_stopping:
        callbacks.append(EarlyStopping(patience=10, restore_best_weights=True))
    with pytest.warns(RuntimeWarning, match="epoch 5, batch 2"):
        h = t.fit(x[:72], y[:72], epochs=8, batch_size=8, validation_data=(x[-24:], y[-24:]), shuffle=False,
                  callbacks=callbacks, verbose=0)
    best = min(h.history["val_loss"])
    assert len(h.history["val_loss"]) == 4 and h.divergence.kept_epoch == 1 + int(np.argmin(h.history["val_loss"]))
    assert _val_loss(t, x, y) == pytest.approx(best, rel=1e-6)
    assert all(torch.isfinite(p).all() and p.abs().max() < 100 for p in net.parameters())


def test_divergence_in_the_first_epoch_keeps_the_initial_weights_when_validated():
    x, y = _data()
    net = torch.nn.Sequential(torch.nn.Linear(4, 1), torch.nn.Flatten(0))
    initial = [p.detach().clone() for p in net.parameters()]
    t = Trainer(net, loss="mse", optimizer="adam", metrics=(), lr=1e38, seed=0)
    with pytest.warns(RuntimeWarning, match="initial weights"):
        h = t.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    assert h.divergence.kept_epoch == 0 and h.history == {}
    assert all(torch.equal(a, b) for a, b in zip(initial, net.parameters()))
    assert _val_loss(t, x, y) == pytest.approx(h.divergence.kept_loss, rel=1e-6)


def test_forecaster_with_lr_1e38_keeps_finite_validated_weights():
    t = np.arange(120)
    history = pd.DataFrame({"y": 10 + np.sin(t / 3)})
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):
        f = Forecaster("lstm", lookback=6, units=4, epochs=3, learning_rate=1e38, seed=0, verbose=0).fit(history)
    weights = f.network_.state_dict().values()
    assert all(torch.isfinite(w).all() and w.abs().max() < 100 for w in weights)
    assert np.isfinite(f.predict().to_numpy()).all()
    json.dumps(f.history_)  # the history stays JSON (no inf/NaN objects)
