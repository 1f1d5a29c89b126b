"""WordGenerator: a capped vocabulary with <unk>, context a bigram cannot see, and the training budget."""
import json
from dataclasses import replace

import numpy as np
import pytest
import torch
from support import FakeClock

from seqlab import load
from seqlab.io.errors import DataError
from seqlab.tasks.generation import word_generator
from seqlab.tasks.generation.generator import split_items
from seqlab.tasks.generation.word_generator import WordGenerator, bigram_nats, words_of
from seqlab.train import budget


def corpus(n=200, seed=0):
    """After "x" comes "b" when the sentence began with "a", else "d": two words back."""
    rng = np.random.default_rng(seed)
    return ["a x b ." if rng.random() < 0.5 else "c x d ." for _ in range(n)]


def test_bigram_nats_is_the_add_k_formula():
    train, test = [0, 1, 2, 1, 2, 0], [1, 2, 0]
    # p(2|1) = (2 + k) / (2 + 3k); p(0|2) = (1 + k) / (2 + 3k), k = 1, vocab 3
    expected = -(np.log(3 / 5) + np.log(2 / 5)) / 2
    assert bigram_nats(train, test, 3, 1.0) == pytest.approx(expected)


def test_context_beyond_one_word_beats_the_bigram_and_survives_saving(tmp_path):
    gen = WordGenerator(units=16, n_embd=8, block_size=8, steps=250, learning_rate=1e-2, seed=0).fit(corpus())
    scores = gen.evaluate()
    assert scores["beats_baseline"] and scores["test_loss"] < scores["baseline"]["test_loss"] - 0.1
    assert all(s.split()[0] in ("a", "c") for s in gen.sample(4, seed=0))
    gen.save(tmp_path / "words")
    again = load(tmp_path / "words")
    assert again.evaluate()["test_loss"] == pytest.approx(scores["test_loss"], rel=1e-6)
    assert again.sample(3, seed=1) == gen.sample(3, seed=1)


def test_rare_words_become_unknown():
    lines = [f"word{i} common ." for i in range(30)]
    gen = WordGenerator(num_words=4, units=4, n_embd=4, block_size=4, steps=2, seed=0).fit(lines)
    assert gen.vocab_ == ["<eos>", "<unk>", "common", "."] and gen.evaluate()["unknown_rate"] == 0.25
    assert words_of("It's 5, ok") == ["it's", "5", ",", "ok"]
    with pytest.raises(DataError, match="at least 10"):
        WordGenerator().fit(["one line"])


# ----- the training budget ---------------------------------------------------------------------
SMALL = replace(budget.DEFAULT_RULE, min_steps=60, max_steps=400)


@pytest.fixture
def small_rule(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", SMALL)
    monkeypatch.setattr(word_generator, "EVAL_EVERY", 10)


def held_out_sentences(lines, seed):
    """The validation sentences of the adaptive budget: a seeded tenth of the training part."""
    tokenised = [words_of(s) for s in lines]
    train = tokenised[:-max(1, len(tokenised) // 10)]
    return split_items(train, seed=seed)[1]


def test_the_default_stops_on_held_out_training_sentences_and_keeps_the_best_weights(small_rule, monkeypatch):
    rates = []

    class Recording(torch.optim.AdamW):
        def step(self, *args, **kwargs):
            rates.append(self.param_groups[0]["lr"])
            return super().step(*args, **kwargs)

    monkeypatch.setattr(torch.optim, "AdamW", Recording)
    lines = corpus(120)
    gen = WordGenerator(units=8, n_embd=4, block_size=8, learning_rate=1e-2, seed=0).fit(lines)
    t = gen.training_
    # the rate is halved on each plateau (patience // 2 = 2 scores without improvement)
    assert t["learning_rate_reductions"] >= 1 and len(rates) == t["steps"]
    assert sorted(set(rates), reverse=True) == [1e-2 * 0.5 ** k for k in range(t["learning_rate_reductions"] + 1)]
    assert t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert t["steps"] == gen.history_["step"][-1] and t["evaluations"] == len(gen.history_["val_loss"])
    assert t["steps"] >= SMALL.min_steps and gen.history_["step"][:2] == [10, 20]
    assert t["best_evaluation"] == int(np.argmin(gen.history_["val_loss"])) + 1
    # the weights kept are those of the best score: scoring the held-out sentences again gives it
    assert gen.validation_loss_ == min(gen.history_["val_loss"])
    again = gen._nats(gen._encode(held_out_sentences(lines, seed=0)))
    assert again == pytest.approx(gen.validation_loss_, rel=1e-6)
    # the test split and the baseline are the task's last tenth whatever the budget
    fixed = WordGenerator(units=8, n_embd=4, block_size=8, steps=5, seed=0).fit(lines)
    assert fixed.test_ids_ == gen.test_ids_ and fixed.baseline_ == gen.baseline_


def test_the_floor_holds_before_patience_may_stop(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", replace(SMALL, lr_patience=0))
    monkeypatch.setattr(word_generator, "EVAL_EVERY", 10)
    gen = WordGenerator(units=8, n_embd=4, block_size=8, learning_rate=5.0, patience=1, seed=0).fit(corpus(60))
    val, steps = gen.history_["val_loss"], gen.history_["step"]
    # at a rate this high a score fails to improve before the floor: patience 1 alone would have stopped there
    early = [i for i in range(1, len(val)) if steps[i] < SMALL.min_steps and val[i] >= min(val[:i])]
    assert early and gen.training_["stopped_by"] == "patience" and gen.training_["steps"] >= SMALL.min_steps


def test_an_explicit_count_is_exactly_that_on_every_training_sentence(small_rule):
    gen = WordGenerator(units=8, n_embd=4, block_size=8, steps=7, seed=0).fit(corpus(60))
    t = gen.training_
    assert t["budget"] == "fixed" and t["stopped_by"] == "steps" and t["steps"] == 7
    assert gen.history_["step"][-1] == 7 and "val_loss" not in gen.history_ and gen.validation_loss_ is None


@pytest.mark.parametrize("steps", [None, 300])
def test_a_time_budget_stops_training_and_says_so(monkeypatch, small_rule, steps):
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # one second per clock reading
    gen = WordGenerator(units=8, n_embd=4, block_size=8, steps=steps, time_budget=6, seed=0).fit(corpus(60))
    t = gen.training_
    assert t["stopped_by"] == "time budget" and t["time_budget"] == 6.0
    assert 0 < t["steps"] < (steps or SMALL.max_steps) and t["steps"] == gen.history_["step"][-1]
    if steps is None:
        assert gen.validation_loss_ == min(gen.history_["val_loss"])


def test_a_file_saved_before_the_budget_still_loads(tmp_path):
    """Files written with the fixed default kept ``steps: 3000`` and no patience, time budget or record."""
    gen = WordGenerator(units=8, n_embd=4, block_size=8, steps=5, seed=0).fit(corpus(60))
    gen.save(tmp_path / "m")
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["config"]["params"]["steps"] = 3000
    for name in ("patience", "time_budget", "verbose"):
        del config["config"]["params"][name]
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    (tmp_path / "m" / "preprocessing.json").write_text(json.dumps({"history": {"loss": [1.0]}}))
    old = load(tmp_path / "m")
    assert old.steps == 3000 and old.patience == 5 and old.training_ is None
    assert old.evaluate()["test_loss"] == pytest.approx(gen.evaluate()["test_loss"], rel=1e-6)
