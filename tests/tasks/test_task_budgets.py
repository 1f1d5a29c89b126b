"""The budget rule inside the tasks: ``epochs=None`` is adaptive (validation taken the task's way,
floor, ceiling, best weights), explicit counts mean exactly that, ``time_budget`` stops cleanly."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from support import FakeClock

from seqlab.train import budget

SMALL = replace(budget.DEFAULT_RULE, min_steps=30, max_epochs=40, max_steps=400)


@pytest.fixture
def small_rule(monkeypatch):
    monkeypatch.setattr(budget, "DEFAULT_RULE", SMALL)


def _series(n=40, length=16, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = np.sin(np.linspace(0, 3, length))[None, :] * np.where(y[:, None] == 1, 1.0, -1.0)
    return x + rng.normal(scale=0.3, size=(n, length)), y


def test_sequence_classifier_default_is_the_adaptive_budget(small_rule, monkeypatch):
    from seqlab.tasks.classification.classifier import SMALL_SET_BELOW, SequenceClassifier

    x, y = _series()
    clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0).fit(x, y)
    t = clf.training_
    assert clf.epochs is None and t["budget"] == "adaptive"
    assert t["stopped_by"] in ("patience", "ceiling") and t["steps"] >= SMALL.min_steps
    assert t["epochs"] == len(clf.history_["loss"]) <= SMALL.ceiling_epochs(5)
    # 40 series < SMALL_SET_BELOW: every series trains and the budget watches the training loss
    assert len(x) < SMALL_SET_BELOW and "val_loss" not in clf.history_ and t["monitored"] == "loss"
    assert t["best_epoch"] == int(np.argmin(clf.history_["loss"])) + 1
    assert "no lower training loss" in budget.describe(t) or t["stopped_by"] == "ceiling"
    assert (clf.predict(x) == y).mean() > 0.9
    # from SMALL_SET_BELOW series up a stratified 20% is held out (here the threshold is lowered to 40)
    monkeypatch.setattr(SequenceClassifier, "hold_out_from", 40)
    clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0).fit(x, y)
    t = clf.training_
    assert "val_loss" in clf.history_ and t["monitored"] == "val_loss"    # 8 of the 40 series held out
    assert t["best_epoch"] == int(np.argmin(clf.history_["val_loss"])) + 1
    assert t["epochs"] <= SMALL.ceiling_epochs(4)


def test_explicit_epochs_are_exactly_that():
    from seqlab.tasks.classification.classifier import SequenceClassifier

    x, y = _series()
    clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, epochs=3, seed=0).fit(x, y)
    assert len(clf.history_["loss"]) == 3 and clf.training_["stopped_by"] == "epochs"
    assert "val_loss" not in clf.history_


def test_a_time_budget_stops_the_classifier_and_says_so(small_rule, monkeypatch):
    from seqlab.tasks.classification.classifier import SequenceClassifier

    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # one second per clock reading
    x, y = _series()
    clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0, time_budget="6s").fit(x, y)
    assert clf.training_["stopped_by"] == "time budget" and clf.training_["epochs"] < 6
    assert "time budget (6s)" in budget.describe(clf.training_)


def test_forecaster_default_watches_the_last_rows_before_the_test_rows(small_rule):
    from seqlab.tasks.forecasting.forecaster import Forecaster

    t = np.arange(200)
    df = pd.DataFrame({"y": np.sin(t / 4.0) + 0.05 * np.random.default_rng(0).normal(size=200)})
    f = Forecaster("mlp", target="y", lookback=8, units=8, seed=0).fit(df)
    assert f.training_["budget"] == "adaptive" and f.training_["stopped_by"] in ("patience", "ceiling")
    assert len(f.history_["val_loss"]) == f.training_["epochs"]
    assert f.training_["best_epoch"] == int(np.argmin(f.history_["val_loss"])) + 1
    fixed = Forecaster("mlp", target="y", lookback=8, units=8, seed=0, epochs=2).fit(df)
    assert len(fixed.history_["loss"]) == 2 and fixed.training_["budget"] == "fixed"


def test_char_generator_default_stops_on_held_out_training_lines(small_rule, monkeypatch):
    from seqlab.tasks.generation import generator

    monkeypatch.setattr(generator, "EVAL_EVERY", 20)
    items = [a + b + c for a in "bcdfg" for b in "aeiou" for c in "mnprst"]
    gen = generator.CharGenerator("gru", units=8, n_embd=4, batch_size=16, seed=0).fit(items)
    t = gen.training_
    assert t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert gen.steps_ == t["steps"] == gen.history_["step"][-1] and t["steps"] >= SMALL.min_steps
    assert t["best_evaluation"] == int(np.argmin(gen.history_["val_loss"])) + 1
    assert gen.bigram_baseline() > 0
    fixed = generator.CharGenerator("gru", units=8, n_embd=4, batch_size=16, seed=0, steps=25).fit(items)
    assert fixed.steps_ == 25 and fixed.training_["stopped_by"] == "steps"


def test_char_generator_checks_its_time_budget_every_step_not_every_evaluation(monkeypatch):
    from seqlab.tasks.generation import generator

    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # one second per clock reading: a step a second
    items = [a + b + c for a in "bcdfg" for b in "aeiou" for c in "mnprst"]
    gen = generator.CharGenerator("gru", units=8, n_embd=4, batch_size=16, seed=0, steps=1000, time_budget="6s")
    gen.fit(items)                                              # 1000 steps evaluate every 50
    t = gen.training_
    assert t["stopped_by"] == "time budget" and gen.steps_ < 50 and gen.history_["step"] == [gen.steps_]
    assert t["time_budget"] == 6.0 and "time budget (6s)" in budget.describe(t)
    monkeypatch.setattr(generator, "EVAL_EVERY", 3)             # adaptive: evaluations before the budget ends
    gen = generator.CharGenerator("gru", units=8, n_embd=4, batch_size=16, seed=0, time_budget="20s").fit(items)
    t = gen.training_
    assert t["stopped_by"] == "time budget" and gen.history_["step"][-1] == gen.steps_ < 20
    assert t["best_evaluation"] == int(np.argmin(gen.history_["val_loss"])) + 1


@pytest.mark.parametrize("kind", ["words", "music"])
def test_word_and_music_generators_check_their_time_budget_every_step(kind, monkeypatch):
    """As CharGenerator: the budget was read only at the evaluations (every 200 steps, every ``eval_every``), so
    slow steps overran a short budget by an evaluation interval."""
    from seqlab.tasks.generation.music import MusicGenerator
    from seqlab.tasks.generation.word_generator import WordGenerator

    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # one second per clock reading: a step a second
    if kind == "words":
        lines = ["a x b ." if i % 3 else "c x d ." for i in range(200)]
        gen = WordGenerator(units=4, n_embd=4, block_size=4, steps=1000, seed=0, time_budget="6s").fit(lines)
    else:
        pieces = [list("abcabcabd" * 6)] * 6
        gen = MusicGenerator("gru", units=8, n_embd=4, block_size=8, steps=1000, eval_every=50, seed=0,
                             time_budget="6s").fit(pieces)
    t = gen.training_
    assert t["stopped_by"] == "time budget" and t["steps"] < 10 and gen.history_["step"] == [t["steps"]]
    assert t["time_budget"] == 6.0


def test_bigram_baseline_is_the_counted_bigram():
    """Against a direct NumPy count with add-one smoothing over the same (previous, next) pairs."""
    from seqlab.tasks.generation.generator import CharGenerator

    items = ["anna", "bob", "abba", "nab", "ban", "noon", "bonn", "oban", "baobab", "nanna"] * 3
    gen = CharGenerator("bigram", steps=2, seed=0).fit(items)
    stoi = gen.stoi_
    counts = np.ones((len(gen.vocab_), len(gen.vocab_)))
    for w in gen.train_text_:
        ids = [0] + [stoi[c] for c in w] + [0]
        for a, b in zip(ids, ids[1:]):
            counts[a, b] += 1
    p = counts / counts.sum(1, keepdims=True)
    x, y = gen._test                                            # the held-out items, encoded
    pairs = [(int(a), int(b)) for a, b in zip(x.flatten(), y.flatten()) if b >= 0]
    expected = -np.mean([np.log(p[a, b]) for a, b in pairs])
    assert gen.bigram_baseline() == pytest.approx(expected)


@pytest.mark.parametrize("make", ["gan", "rbm", "autoencoder", "seq2seq"])
def test_time_budget_on_other_tasks(make, monkeypatch):
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))
    rng = np.random.default_rng(0)
    if make == "gan":
        from seqlab.tasks.generation.gan import GAN

        task = GAN(units=4, latent_dim=2, epochs=50, batch_size=8, seed=0, time_budget=5)
        data = rng.normal(size=(32, 3))
    elif make == "rbm":
        from seqlab.tasks.unsupervised.rbm import RBM

        task, data = RBM(3, epochs=50, batch_size=8, seed=0, time_budget=5), (rng.random((32, 6)) > 0.5) * 1.0
    elif make == "autoencoder":
        from seqlab.tasks.unsupervised.autoencoder import Autoencoder

        task, data = Autoencoder(code_size=2, epochs=50, batch_size=8, seed=0, time_budget=5), rng.normal(size=(32, 6))
    else:
        from seqlab.data.pairs import reversal_pairs
        from seqlab.tasks.generation.seq2seq import Seq2Seq

        task, data = Seq2Seq(units=4, embedding_dim=4, epochs=50, seed=0, time_budget=5), reversal_pairs(
            20, length=3, alphabet="ab")
    task.fit(data)
    assert task.training_["stopped_by"] == "time budget" and task.training_["epochs"] < 50


def test_forecaster_chooses_differencing_on_the_validation_rows():
    from seqlab.tasks.forecasting.forecaster import Forecaster

    t = np.arange(160)
    noise = 0.05 * np.random.default_rng(0).normal(size=160)
    trend = pd.DataFrame({"y": 0.5 * t + np.sin(t / 2.0) + noise})       # leaves the training range
    profile = np.random.default_rng(1).normal(0, 3, 12)          # a 12-row cycle no 8-row window spans
    yearly = pd.DataFrame({"y": 0.5 * t + profile[t % 12] + noise})
    assert Forecaster("linear", target="y", lookback=8, seed=0).fit(trend).difference_ is True
    assert Forecaster("linear", target="y", lookback=8, seed=0).fit(yearly).difference_ == "seasonal"
    assert Forecaster("linear", target="y", lookback=8, difference=False).fit(trend).difference_ is False


def test_the_forecaster_shares_its_time_budget_among_its_networks(small_rule, monkeypatch):
    """Each differencing option (and the refit) was given the whole time_budget: a 4 s budget trained 8 s on UCI's
    bike sharing hours. Now the networks share it: each an equal part of what is left."""
    from seqlab.tasks.forecasting import forecaster as module

    clock = FakeClock(1.0)
    monkeypatch.setattr(budget, "monotonic", clock)          # one second per clock reading
    given, real = [], module.budget_callback
    monkeypatch.setattr(module, "budget_callback",
                        lambda *a, **k: (given.append(k.get("time_budget")), real(*a, **k))[1])
    t = np.arange(160)
    yearly = pd.DataFrame({"y": 0.5 * t + np.random.default_rng(1).normal(0, 3, 12)[t % 12]})
    f = module.Forecaster("mlp", target="y", lookback=8, units=4, seed=0, time_budget=60, refit=True).fit(yearly)
    assert len(given) == len(module.AUTO_DIFFERENCES) + 1 == 3          # two options and the refit
    assert given[0] == pytest.approx(60 / 3, abs=1) and all(g <= 60 for g in given)
    assert clock.now <= 60 + 10                                   # the whole fit: the budget and a few readings
    assert f.training_["time_budget"] == 60 and f.training_["stopped_by"] == "time budget"


def test_an_ensemble_trains_members_each_with_its_own_hold_out(small_rule, tmp_path):
    from seqlab.models.classifiers import EnsembleNet
    from seqlab.tasks import Task
    from seqlab.tasks.classification.classifier import SequenceClassifier

    x, y = _series()
    assert not isinstance(SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0, epochs=2).fit(x, y).model_,
                          EnsembleNet)                                  # with epochs: one net
    clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0, ensemble=3).fit(x, y)
    assert isinstance(clf.model_, EnsembleNet) and len(clf.model_.members) == 3
    t = clf.training_
    assert t["ensemble"] == 3 == len(t["members"])
    assert all(m["steps"] >= SMALL.min_steps for m in t["members"])
    # the average of the members' probabilities, member i being the net trained with seed i alone
    single = [SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=i, ensemble=1).fit(x, y).predict_proba(x)
              for i in (0, 1)]
    member_probs = [np.exp(torch_log_softmax(m, clf, x)) for m in clf.model_.members[:2]]
    for own, alone in zip(member_probs, single):
        np.testing.assert_allclose(own, alone, rtol=1e-5, atol=1e-6)
    clf.save(tmp_path / "m")
    np.testing.assert_allclose(Task.load(tmp_path / "m").predict_proba(x), clf.predict_proba(x), rtol=1e-6)
    with pytest.raises(Exception, match="ensemble"):
        SequenceClassifier(filters=(4, 4, 4), epochs=2, ensemble=0).fit(x, y)


def test_the_default_ensemble_of_small_sets_has_fewer_nets_on_longer_series(small_rule, monkeypatch):
    from seqlab.tasks.classification.classifier import AUTO_MEMBER_STEPS, AUTO_MEMBERS, SequenceClassifier

    def members(x, y, validation_data=None, **options):
        clf = SequenceClassifier(filters=(4, 4, 4), batch_size=8, seed=0, **options).fit(x, y, validation_data)
        assert clf.predict_proba(x[:3]).shape == (3, 2)
        return clf.training_.get("ensemble", 1)

    x, y = _series(n=20)                      # 20 series of 16 steps, trained on every series
    assert members(x, y) == AUTO_MEMBERS == 5
    long_x, long_y = _series(n=10, length=400)
    assert members(long_x, long_y) == AUTO_MEMBER_STEPS // 400 == 2
    # one net with an explicit count, a hold-out of the caller's, or once the set holds out its own
    assert members(x, y, epochs=2) == 1
    assert members(x, y, validation_split=0.25) == 1
    assert members(x, y, validation_data=(x, y)) == 1
    monkeypatch.setattr(SequenceClassifier, "hold_out_from", 20)
    assert members(x, y) == 1
    assert members(x, y, ensemble=2) == 2     # an explicit ensemble stays what it says


def torch_log_softmax(member, clf, x):
    import torch

    with torch.no_grad():
        return torch.log_softmax(member(torch.as_tensor(clf._inputs(x))), dim=-1).numpy()


def test_autoencoder_and_detector_default_watch_the_last_samples(small_rule):
    from seqlab.tasks.unsupervised.anomaly import AnomalyDetector
    from seqlab.tasks.unsupervised.autoencoder import ADAPTIVE_VALIDATION, Autoencoder

    x = np.random.default_rng(0).normal(size=(100, 6))
    ae = Autoencoder(code_size=2, batch_size=16, seed=0).fit(x)
    t = ae.training_
    assert ae.epochs is None and t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert t["monitored"] == "val_loss" and t["steps"] >= SMALL.min_steps
    assert t["epochs"] == len(ae.history_["val_loss"]) <= SMALL.ceiling_epochs(5)   # 80 fitted rows, batches of 16
    assert t["best_epoch"] == int(np.argmin(ae.history_["val_loss"])) + 1
    assert ADAPTIVE_VALIDATION == 0.2
    det = AnomalyDetector(window=8, batch_size=16, seed=0).fit(np.sin(np.arange(300) / 5.0)[:, None])
    assert det.training_["budget"] == "adaptive" and "val_loss" in det.model_.history_
    fixed = AnomalyDetector(epochs=3, batch_size=16, seed=0).fit(x)
    assert fixed.training_["budget"] == "fixed" and fixed.training_["epochs"] == 3


def test_seq2seq_default_stops_on_its_validation_pairs(small_rule):
    from seqlab.data.pairs import reversal_pairs
    from seqlab.tasks.generation.seq2seq import MIN_IMPROVEMENT, Seq2Seq

    s2s = Seq2Seq(units=8, embedding_dim=4, batch_size=16, patience=2, seed=0).fit(
        reversal_pairs(80, length=3, alphabet="ab"))
    t = s2s.training_
    assert s2s.epochs is None and t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert t["monitored"] == "val_loss" and t["rule"]["patience"] == 2 and t["epochs"] <= SMALL.ceiling_epochs(4)
    val = s2s.history_["val_loss"]         # the best counted epoch: no later one is better by MIN_IMPROVEMENT
    assert t["rule"]["min_delta_abs"] == MIN_IMPROVEMENT and min(val) > val[t["best_epoch"] - 1] - MIN_IMPROVEMENT
    with pytest.raises(Exception, match="patience"):
        Seq2Seq(patience=0).fit(reversal_pairs(20, length=3, alphabet="ab"))


def test_music_generator_default_is_adaptive(small_rule):
    from seqlab.tasks.generation.music import MusicGenerator

    pieces = [list("abcabcabd" * 6)] * 6
    gen = MusicGenerator("gru", units=8, n_embd=4, block_size=8, eval_every=5, patience=2, seed=0).fit(pieces)
    t = gen.training_
    assert t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert t["steps"] == gen.history_["step"][-1] >= SMALL.min_steps
    assert t["best_evaluation"] == int(np.argmin(gen.history_["val_loss"])) + 1
    assert gen.validation_loss_ == min(gen.history_["val_loss"])
    fixed = MusicGenerator("gru", units=8, n_embd=4, block_size=8, steps=12, eval_every=5, seed=0).fit(pieces)
    assert fixed.training_["stopped_by"] == "steps" and fixed.history_["step"][-1] == 12


def test_series_image_classifier_default_is_adaptive_on_the_training_loss(small_rule):
    from seqlab.io.errors import ConfigError
    from seqlab.tasks.classification.series_image import SeriesImageClassifier

    x, y = _series(n=32, length=16)
    clf = SeriesImageClassifier("gaf", image_size=8, filters=(2,), units=4, batch_size=8, seed=0).fit(x, y)
    t = clf.training_
    assert clf.epochs is None and t["budget"] == "adaptive" and t["monitored"] == "loss"
    assert t["stopped_by"] in ("patience", "ceiling") and t["steps"] >= SMALL.min_steps
    assert t["best_epoch"] == int(np.argmin(clf.history_["loss"])) + 1
    held = SeriesImageClassifier("gaf", image_size=8, filters=(2,), units=4, batch_size=8, seed=0,
                                 validation_split=0.25).fit(x, y)
    assert held.training_["monitored"] == "val_loss" and held.training_["epochs"] <= SMALL.ceiling_epochs(3)
    with pytest.raises(ConfigError, match="cosine"):
        SeriesImageClassifier("gaf", image_size=8, learning_rate_schedule="cosine").fit(x, y)


def test_tabular_classifier_default_holds_out_a_stratified_fifth_from_500_rows(small_rule):
    from seqlab.tasks.classification.classifier import SMALL_SET_BELOW
    from seqlab.tasks.classification.tabular import TabularClassifier

    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(SMALL_SET_BELOW, 3)), columns=list("abc"))
    y = (df.a + 0.3 * rng.normal(size=len(df)) > 0).astype(int)
    clf = TabularClassifier(units=(4,), batch_size=50, seed=0).fit(df, y)
    t = clf.training_
    assert clf.epochs is None and t["budget"] == "adaptive" and t["monitored"] == "val_loss"
    assert t["epochs"] <= SMALL.ceiling_epochs(8)              # 400 rows trained on, batches of 50
    small = TabularClassifier(units=(4,), batch_size=50, seed=0).fit(df[:100], y[:100])
    assert small.training_["monitored"] == "loss"
    assert TabularClassifier(units=(4,), epochs=2, seed=0).fit(df[:100], y[:100]).training_["epochs"] == 2
