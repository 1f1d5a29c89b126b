"""The training budget rule (seqlab.train.budget): floor, patience, ceiling, learning-rate
reduction, time budget and best weights, on tiny data; and the score listener tuning relies on."""
import numpy as np
import pytest
import torch
from support import FakeClock

from seqlab.io.errors import ConfigError
from seqlab.train import Trainer, budget
from seqlab.train.budget import BudgetRule, BudgetTracker, TrainingBudget, describe, parse_duration, watch_scores


def _data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5], np.float32))[:, None]


def _fit(rule, epochs=None, time_budget=None, adaptive=True, val_noise=False, batch_size=8, seed=0):
    x, y = _data()
    xv, yv = _data(16, seed=1)
    if val_noise:   # a validation set the model cannot learn: its loss soon stops improving
        yv = np.random.default_rng(2).normal(size=yv.shape).astype(np.float32) * 5
    trainer = Trainer(torch.nn.Linear(3, 1), loss="mse", optimizer="adam", metrics=(), lr=0.05, seed=seed)
    cb = TrainingBudget(rule, time_budget=time_budget, adaptive=adaptive)
    steps = -(-len(x) // batch_size)
    history = trainer.fit(x, y, epochs=epochs or rule.ceiling_epochs(steps), batch_size=batch_size,
                          validation_data=(xv, yv), callbacks=[cb], verbose=0)
    return trainer, cb, history, (xv, yv)


@pytest.mark.parametrize("text, seconds", [("90s", 90), ("10m", 600), ("1h", 3600), ("1.5h", 5400), ("45", 45),
                                           (" 2min ", 120), (30, 30)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "ten minutes", "5d", "-3s", "0", 0, "1h30"])
def test_parse_duration_refuses(bad):
    with pytest.raises(ConfigError, match="time budget"):
        parse_duration(bad)


def test_patience_waits_for_the_floor():
    """The score stops improving at once, but patience may stop training only after min_steps."""
    tracker = BudgetTracker(BudgetRule(patience=2, min_steps=50, max_epochs=1000))
    reasons = []
    while not reasons or reasons[-1] is None:
        reasons.append(tracker.update(1.0, steps=10 * (len(reasons) + 1)))
    assert reasons == [None] * 4 + ["patience"]   # 10..40 steps: below the floor; at 50, 4 without improvement
    assert tracker.summary()["best_epoch"] == 1 and tracker.summary()["steps"] == 50


def test_patience_restores_the_best_weights():
    rule = BudgetRule(patience=3, min_steps=8, max_epochs=200)
    trainer, cb, history, (xv, yv) = _fit(rule, val_noise=True)
    summary = cb.summary()
    assert summary["stopped_by"] == "patience"
    assert len(history.epoch) == summary["epochs"] < 200
    val = history.history["val_loss"]
    best = int(np.argmin(val))
    assert summary["best_epoch"] == best + 1
    assert len(val) - 1 - best >= rule.patience   # stopped patience evaluations after the best
    assert trainer.evaluate(xv, yv)["loss"] == pytest.approx(val[best], rel=1e-5)   # best weights are back


def test_small_data_gets_more_epochs_to_reach_the_floor():
    """4 steps per epoch and a floor of 100 steps: at least 25 epochs, even with patience 1."""
    rule = BudgetRule(patience=1, min_steps=100, max_epochs=10, lr_patience=0)
    assert rule.ceiling_epochs(4) == 25
    _, cb, history, _ = _fit(rule, val_noise=True)
    assert cb.summary()["steps"] >= 100 and len(history.epoch) >= 25


def test_ceiling_stops_a_run_that_keeps_improving():
    rule = BudgetRule(patience=50, min_steps=4, max_epochs=6)
    _, cb, history, _ = _fit(rule)
    assert len(history.epoch) == 6
    assert cb.summary()["stopped_by"] == "ceiling"
    assert "ceiling" in describe(cb.summary())


def test_learning_rate_halves_on_plateau_and_not_below_its_floor():
    rule = BudgetRule(patience=100, min_steps=4, max_epochs=40, lr_patience=2, lr_factor=0.5, min_lr_ratio=0.25)
    trainer, cb, history, _ = _fit(rule, val_noise=True)
    rates = history.history["learning_rate"]
    assert rates[0] == pytest.approx(0.05)
    assert min(rates) == pytest.approx(0.05 * 0.25)           # two halvings, then held at the floor
    assert all(b in (a, a * 0.5, 0.05 * 0.25) or b == pytest.approx(a * 0.5) for a, b in zip(rates, rates[1:]))


def test_time_budget_stops_with_the_best_weights(monkeypatch):
    """Each clock reading is one more second: a 10 s budget ends after a few epochs, said so, best weights kept."""
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))
    rule = BudgetRule(patience=100, min_steps=10_000, max_epochs=500)
    trainer, cb, history, (xv, yv) = _fit(rule, time_budget="10s", val_noise=True)
    summary = cb.summary()
    assert summary["stopped_by"] == "time budget" and summary["time_budget"] == 10
    assert 2 <= len(history.epoch) < 10
    assert trainer.evaluate(xv, yv)["loss"] == pytest.approx(min(history.history["val_loss"]), rel=1e-5)
    assert "time budget (10s)" in describe(summary)


def test_explicit_epochs_mean_exactly_that():
    rule = BudgetRule(patience=1, min_steps=0, max_epochs=3)
    _, cb, history, _ = _fit(rule, epochs=12, adaptive=False, val_noise=True)
    assert len(history.epoch) == 12 and cb.summary()["stopped_by"] == "epochs"
    assert "learning_rate_reductions" in cb.summary() and cb.summary()["learning_rate_reductions"] == 0


def test_listener_sees_every_evaluation_and_can_abandon_the_fit():
    seen = []
    with watch_scores(seen.append):
        _, cb, history, _ = _fit(BudgetRule(patience=2, min_steps=4, max_epochs=5))
    assert [r.evaluation for r in seen] == list(range(len(history.epoch)))
    assert [r.score for r in seen] == pytest.approx(history.history["val_loss"])

    class Pruned(Exception):
        pass

    def prune_at_third(report):
        if report.evaluation == 2:
            raise Pruned

    with watch_scores(prune_at_third), pytest.raises(Pruned):
        _fit(BudgetRule(patience=2, min_steps=4, max_epochs=50))
    _fit(BudgetRule(patience=2, min_steps=4, max_epochs=3))   # outside the block nobody listens


def test_rule_refuses_nonsense():
    with pytest.raises(ConfigError):
        BudgetRule(patience=0)
    with pytest.raises(ConfigError):
        BudgetRule(lr_factor=1.5)


def test_the_rule_is_written_once_and_shown_by_the_docs_and_the_commands():
    from pathlib import Path

    from seqlab.cli import commands

    docs = (Path(__file__).parents[2] / "docs" / "training-budgets.md").read_text()
    assert budget.BUDGET_RULE in docs
    training = {words: p for words, p in commands().items()
                if any("--time-budget" in a.option_strings for a in p._actions)
                and words != ("tune",)}   # seqlab tune's --time-budget bounds the search, not one training
    assert {("classify",), ("forecast",), ("generate", "train"), ("synth",), ("rbm",)} <= set(training)
    adaptive = {("classify",), ("forecast",), ("generate", "train"),      # quickstart keeps the README's 300
                ("rbm",), ("detect",), ("seq2seq", "train"),              # rbm --movielens adapts; a CSV: 10
                ("music", "train")}
    for words, parser in training.items():
        rule = budget.BUDGET_RULE if words in adaptive else budget.FIXED_BUDGET_RULE
        assert parser.epilog == rule, words
        assert " ".join(rule.split()[:8]) in " ".join(parser.format_help().split())
