"""AutoencoderRecommender: the adaptive budget (held-out ratings per user, the refit), explicit epochs,
the time budget, and model files saved before the budget."""
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from support import FakeClock

from seqlab.io.errors import ConfigError
from seqlab.tasks import Task
from seqlab.tasks.unsupervised import recommender_ae as rae
from seqlab.tasks.unsupervised.recommender_ae import AutoencoderRecommender, rating_matrix
from seqlab.train import budget

SMALL = replace(budget.DEFAULT_RULE, min_steps=40, max_epochs=60, max_steps=600)
TINY = dict(hidden=(6,), code_size=3, batch_size=8, learning_rate=0.01, patience=3, seed=0)


@pytest.fixture
def small_rule(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", SMALL)


def two_tastes(n_users=48, n_movies=24, rated=0.5, seed=0) -> pd.DataFrame:
    """Rows (user_id, item_id, rating): half the users rate the first half of the movies 5 and the
    rest 1, the other half the reverse (a little noise); each user rates about ``rated`` of them."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n_users)
    likes = (np.arange(n_movies)[None, :] < n_movies // 2) == (group[:, None] == 0)
    r = np.clip(np.where(likes, 5, 1) + rng.integers(-1, 2, (n_users, n_movies)), 1, 5)
    u, i = np.nonzero(rng.random((n_users, n_movies)) < rated)
    return pd.DataFrame({"user_id": u + 1, "item_id": i + 1, "rating": r[u, i]})


def validation_rmse(rec, train) -> float:
    """The pooled RMSE fit watched: the held-out 20% predicted from the other 80% (fit's own split)."""
    fit_part, val_part = rae.hold_out_ratings(rating_matrix(train), rec.validation_split, rec.seed)
    with torch.no_grad():
        return rae.rmse_scores(rec.model_(torch.from_numpy(fit_part)).numpy(), val_part)[1]


def test_default_is_adaptive_stops_after_the_floor_and_refits_on_every_rating(monkeypatch):
    # the net first sits on the mean rating for ~30 epochs: the floor (50 epochs) carries it past that
    rule = replace(SMALL, min_steps=300, max_epochs=100, max_steps=1200)
    monkeypatch.setattr(budget, "DEFAULT_RULE", rule)
    train = two_tastes(seed=3)
    rec = AutoencoderRecommender(**(TINY | {"learning_rate": 0.03, "patience": 20})).fit(train)
    t, h = rec.training_, rec.history_
    assert rec.epochs is None and t["budget"] == "adaptive" and t["monitored"] == "val_rmse_global"
    assert t["stopped_by"] == "patience" and t["steps"] >= rule.min_steps       # 6 steps an epoch: >= 50 epochs
    assert t["epochs"] == len(h["loss"]) == len(h["val_rmse"]) == len(h["val_rmse_global"]) < 100
    assert t["best_score"] == pytest.approx(min(h["val_rmse_global"]), rel=1e-3)
    assert h["val_rmse_global"][t["best_epoch"] - 1] == pytest.approx(t["best_score"])
    # trained again from the same start on all the ratings, for the best epoch's count
    assert t["refit_epochs"] == t["best_epoch"] == len(h["refit_loss"])
    assert t["refit_examples"] == len(train)
    assert "trained again from the same start" in budget.describe(t)
    assert min(h["val_rmse_global"]) < 0.6 and rec.evaluate(train, train)["train_rmse"] < 0.6   # tastes learned


def test_without_refit_the_best_validation_weights_are_kept(small_rule):
    train = two_tastes(seed=1)
    rec = AutoencoderRecommender(refit=False, **TINY).fit(train)
    t = rec.training_
    assert "refit_epochs" not in t and "refit_loss" not in rec.history_
    assert validation_rmse(rec, train) == pytest.approx(t["best_score"], rel=1e-5)
    assert t["epochs"] > t["best_epoch"] or t["stopped_by"] == "ceiling"   # so later weights were put back


def test_the_refit_replays_the_searchs_start_shuffles_and_rates(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", replace(SMALL, lr_patience=0))   # a constant rate
    train = two_tastes(seed=2)
    rec = AutoencoderRecommender(**TINY).fit(train)
    fixed = AutoencoderRecommender(epochs=rec.training_["refit_epochs"], **TINY).fit(train)
    np.testing.assert_allclose(rec.predict(train), fixed.predict(train), rtol=1e-5, atol=1e-5)
    assert rec.history_["refit_loss"] == pytest.approx(fixed.history_["loss"])


def test_the_floor_holds_when_patience_would_stop_sooner(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", replace(SMALL, min_steps=180, max_epochs=200, max_steps=2000))
    rec = AutoencoderRecommender(**(TINY | {"patience": 1})).fit(two_tastes(seed=3))
    assert rec.training_["steps"] >= 180 and rec.training_["epochs"] >= 30   # 6 steps an epoch


def test_explicit_epochs_train_exactly_that_many_on_every_rating_and_roundtrip(tmp_path):
    train = two_tastes(seed=4)
    rec = AutoencoderRecommender(epochs=5, **TINY).fit(train)
    assert len(rec.history_["loss"]) == 5 and "val_rmse" not in rec.history_
    assert rec.training_["budget"] == "fixed" and rec.training_["stopped_by"] == "epochs"
    assert rec.training_["steps"] == 5 * 6 and "refit_epochs" not in rec.training_
    rec.save(tmp_path / "rec")
    again = Task.load(tmp_path / "rec")
    np.testing.assert_allclose(again.predict(train), rec.predict(train))
    assert again.training_["epochs"] == 5 and again.epochs == 5


def test_a_file_saved_before_the_adaptive_budget_still_loads(tmp_path):
    train = two_tastes(seed=5)
    rec = AutoencoderRecommender(epochs=2, **TINY).fit(train)
    rec.save(tmp_path / "rec")
    meta_file = tmp_path / "rec" / "config.json"
    meta = json.loads(meta_file.read_text())
    params = meta["config"]["params"]
    for new in ("patience", "validation_split", "refit"):   # the constructor had none of these
        del params[new]
    params["epochs"] = 100                                  # nor a None default
    del meta["config"]["training"]
    meta_file.write_text(json.dumps(meta))
    old = Task.load(tmp_path / "rec")
    assert old.epochs == 100 and old.patience == 20 and not hasattr(old, "training_")
    np.testing.assert_allclose(old.predict(train), rec.predict(train))


def test_time_budget_stops_the_search_keeps_the_best_weights_and_skips_the_refit(small_rule, monkeypatch):
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # every reading of the clock: one more second
    train = two_tastes(seed=6)
    rec = AutoencoderRecommender(**(TINY | {"patience": 50}), time_budget=12).fit(train)
    t = rec.training_
    assert t["stopped_by"] == "time budget" and t["epochs"] < 12
    assert "refit_epochs" not in t and "refit_loss" not in rec.history_
    assert validation_rmse(rec, train) == pytest.approx(t["best_score"], rel=1e-5)
    fixed = AutoencoderRecommender(epochs=1000, **TINY, time_budget="12s").fit(train)
    assert fixed.training_["stopped_by"] == "time budget" and len(fixed.history_["loss"]) < 12


class EvaluationClock:
    """A clock that moves one second per evaluation of the search (the refit does not move it)."""
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def tick(self, report):
        self.now += 1.0


@pytest.mark.parametrize("spare", [0.5, 20.0])
def test_the_refit_runs_only_when_the_time_left_allows_it(small_rule, monkeypatch, spare):
    train = two_tastes(seed=7)
    free = AutoencoderRecommender(**TINY).fit(train).training_
    clock = EvaluationClock()
    monkeypatch.setattr(budget, "monotonic", clock)
    with budget.watch_scores(clock.tick):   # each epoch of the search takes a second: E epochs, E seconds
        rec = AutoencoderRecommender(**TINY, time_budget=free["epochs"] + 1 + spare).fit(train)
    t = rec.training_
    assert t["stopped_by"] == free["stopped_by"] != "time budget" and t["epochs"] == free["epochs"]
    if spare < free["best_epoch"] - 1:      # a refit of best_epoch seconds would not fit in the 1.5 s left
        assert t["refit"].startswith("skipped") and "refit_epochs" not in t
        assert validation_rmse(rec, train) == pytest.approx(t["best_score"], rel=1e-5)
    else:
        assert t["refit_epochs"] == t["best_epoch"] and "refit" not in t


def test_hold_out_keeps_every_user_a_rating_to_fit_on():
    m = rating_matrix(two_tastes(n_users=30, rated=0.1, seed=8), 30, 24)
    fit_part, val_part = rae.hold_out_ratings(m, 0.5, seed=0)
    assert ((fit_part > 0).any(1) == (m > 0).any(1)).all()
    assert ((fit_part > 0) ^ (val_part > 0) == (m > 0)).all() and (fit_part + val_part == m).all()


def test_bad_budget_arguments_are_refused():
    train = two_tastes(seed=9)
    with pytest.raises(ConfigError, match="epochs"):
        AutoencoderRecommender(epochs=0).fit(train)
    with pytest.raises(ConfigError, match="validation_split"):
        AutoencoderRecommender(validation_split=0).fit(train)
    AutoencoderRecommender(epochs=1, validation_split=0, **TINY).fit(train)   # no hold-out with a count


def test_tiny_data_with_nothing_held_out_watches_the_training_loss(small_rule):
    tr = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2], "rating": [5, 3]})   # one rating each: none to spare
    rec = AutoencoderRecommender(**TINY).fit(tr)
    assert rec.training_["monitored"] == "loss" and "val_rmse" not in rec.history_
    assert torch.isfinite(torch.from_numpy(rec.predict(tr))).all()
