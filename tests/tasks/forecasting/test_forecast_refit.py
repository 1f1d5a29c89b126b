"""``Forecaster(refit=True)``: after the validation rows chose the epoch, the differencing and the combination
weight, the network is trained again from the same start on the training and validation windows for that
many epochs; nothing changes without it, with an explicit ``epochs`` or for the closed-form linear model."""
import numpy as np
import pandas as pd

from seqlab.tasks import Forecaster, Task
from seqlab.tasks.forecasting import forecaster as module

SMALL = dict(model="mlp", units=8, lookback=4, difference=True, patience=3, verbose=0, seed=0)


def series(n=60):
    t = np.arange(n)
    return pd.DataFrame({"y": 10 + np.sin(t / 3.0) + 0.1 * np.random.default_rng(0).normal(size=n)})


class Recording(module.Trainer):
    """The forecaster's Trainer, noting the rows and epochs of every fit."""
    fits: list = []

    def fit(self, x, y, epochs=1, **kwargs):
        Recording.fits.append((len(x), epochs, kwargs.get("validation_data") is not None))
        return super().fit(x, y, epochs=epochs, **kwargs)


def test_refit_false_is_the_forecaster_without_it():
    a, b = Forecaster(**SMALL).fit(series()), Forecaster(**SMALL, refit=False).fit(series())
    assert a.metrics_ == b.metrics_ and "refit_epochs" not in b.training_
    for p, q in zip(a.network_.parameters(), b.network_.parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())


def test_refit_trains_on_the_validation_windows_too_for_the_best_epoch(monkeypatch):
    monkeypatch.setattr(module, "Trainer", Recording)
    Recording.fits = []
    before = Forecaster(**SMALL).fit(series())
    f = Forecaster(**SMALL, refit=True).fit(series())
    (chose_rows, _, watched), (refit_rows, refit_epochs, refit_watched) = Recording.fits[1:]
    assert watched and not refit_watched                 # the refit has no validation data to stop on
    best = f.training_["best_epoch"]
    assert refit_epochs == best == f.training_["refit_epochs"] == before.training_["best_epoch"]
    assert refit_rows == f.training_["refit_examples"] > chose_rows == Recording.fits[0][0]
    rows, test = len(series()), f.metrics_["test_windows"]
    assert refit_rows == rows - test - SMALL["lookback"] - 1   # every window whose target precedes the test rows
    # the choices made on the validation rows are the ones made without a refit; the network is not
    assert f.combination_["weights"] == before.combination_["weights"]
    assert f.metrics_["combination"]["validation_rmse"] == before.metrics_["combination"]["validation_rmse"]
    assert f.metrics_["rmse"] != before.metrics_["rmse"]


def test_refit_is_deterministic_and_survives_save_and_load(tmp_path):
    f = Forecaster(**SMALL, refit=True).fit(series())
    g = Forecaster(**SMALL, refit=True).fit(series())
    assert f.metrics_ == g.metrics_
    f.save(tmp_path / "m")
    loaded = Task.load(tmp_path / "m")
    pd.testing.assert_frame_equal(loaded.predict(), f.predict())
    assert loaded.training_["refit_epochs"] == f.training_["refit_epochs"]


def test_no_refit_with_explicit_epochs_or_a_closed_form_model(monkeypatch):
    monkeypatch.setattr(module, "Trainer", Recording)
    Recording.fits = []
    f = Forecaster(**{**SMALL, "epochs": 5}, refit=True).fit(series())
    assert len(Recording.fits) == 1 and "refit_epochs" not in f.training_
    linear = Forecaster("linear", lookback=4, verbose=0, refit=True).fit(series())
    assert linear.training_ is None
    without_validation = Forecaster(**SMALL, refit=True, validation_split=0).fit(series())
    assert "refit_epochs" not in (without_validation.training_ or {})
