"""Ensemble selection over trials: each greedy step is the argmin of a direct computation, the
study's trials are read best first, and tune refits and saves the picked configurations."""
import time

import numpy as np
import optuna
import pytest
from sklearn.metrics import log_loss

from seqlab.tasks.classification.classifier import SequenceClassifier, average_classifiers
from seqlab.tasks.tuning.selection import OOF_KEY, greedy_selection, log_loss_of, select_trials, selection_log_loss


def test_log_loss_of_true_class_probabilities_is_sklearns_log_loss():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), size=50)
    y = rng.integers(0, 3, size=50)
    assert log_loss_of(p[np.arange(50), y]) == pytest.approx(log_loss(y, p, labels=[0, 1, 2]), rel=1e-12)


def test_each_greedy_step_adds_the_row_that_minimises_the_averages_log_loss():
    rng = np.random.default_rng(1)
    p_true = rng.uniform(0.05, 1.0, size=(6, 40))
    picks = greedy_selection(p_true, rounds=5)
    for r in range(5):
        chosen = p_true[picks[:r]].sum(axis=0)
        direct = [np.mean(-np.log((chosen + row) / (r + 1))) for row in p_true]
        assert picks[r] == int(np.argmin(direct))
    assert picks[0] == int(np.argmin([np.mean(-np.log(row)) for row in p_true]))   # the best single row first


def test_greedy_selection_mixes_rows_whose_errors_differ():
    a = np.array([0.9, 0.9, 0.2, 0.9])
    b = np.array([0.9, 0.2, 0.9, 0.9])
    assert sorted(greedy_selection(np.stack([a, b]), rounds=2)) == [0, 1]
    assert greedy_selection(np.stack([a, a * 0.5]), rounds=3) == [0, 0, 0]   # a dominated row is never picked


def _study(rows):
    study = optuna.create_study()
    for params, p_true in rows:
        p_true = np.asarray(p_true)
        study.add_trial(optuna.trial.create_trial(
            params=params, distributions={"units": optuna.distributions.IntDistribution(1, 100)},
            value=log_loss_of(p_true), user_attrs={OOF_KEY: p_true.tolist()}))
    return study


def test_select_trials_counts_the_picks_of_finished_trials_best_first():
    study = _study([({"units": 1}, [0.5, 0.5, 0.5, 0.5]), ({"units": 2}, [0.9, 0.9, 0.2, 0.9]),
                    ({"units": 3}, [0.9, 0.2, 0.9, 0.9])])
    study.add_trial(optuna.trial.create_trial(params={"units": 4}, distributions={
        "units": optuna.distributions.IntDistribution(1, 100)}, state=optuna.trial.TrialState.PRUNED, value=0.0))
    picks = select_trials(study, rounds=4)
    assert sum(n for _, n in picks) == 4 and {t for t, _ in picks} <= {0, 1, 2}
    assert picks[0][0] == study.best_trial.number
    chosen = [t for t, n in picks for _ in range(n)]
    direct = np.mean([study.trials[t].user_attrs[OOF_KEY] for t in chosen], axis=0)
    assert selection_log_loss(study, picks) == pytest.approx(log_loss_of(direct))


def test_select_trials_needs_two_finished_trials_with_predictions():
    assert select_trials(_study([({"units": 1}, [0.5, 0.6])]), rounds=5) is None


def _data(n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 16)).astype(np.float32)
    return X, (X[:, :4].mean(1) > 0).astype(int)


def test_average_classifiers_averages_every_nets_probabilities_and_survives_save_and_load(tmp_path):
    X, y = _data(40, 0)
    a = SequenceClassifier("gru", units=4, epochs=2, seed=0).fit(X, y)
    b = SequenceClassifier("mlp", units=8, epochs=2, ensemble=2, seed=1).fit(X, y)
    expected = (a.predict_proba(X) + 2 * b.predict_proba(X)) / 3
    merged = average_classifiers([a, b])
    assert merged.training_["encoders"] == ["gru", "mlp", "mlp"] and merged.length_ == 16
    np.testing.assert_allclose(merged.predict_proba(X), expected, rtol=1e-5, atol=1e-6)
    merged.save(tmp_path / "m")
    np.testing.assert_allclose(SequenceClassifier.load(tmp_path / "m").predict_proba(X), expected,
                               rtol=1e-5, atol=1e-6)


def test_tune_refits_the_trials_ensemble_selection_picked():
    X, y = _data(60, 0)
    X_test, y_test = _data(30, 1)
    clf = SequenceClassifier("gru", units=8, epochs=3, seed=0)
    clf.tune(X, y, trials=4, test=(X_test, y_test), pruner="none", progress=False,
             choices={"encoder": ["gru", "mlp", "cnn1d"]})
    study, t = clf.study_, clf.tuning_
    expected = select_trials(study, rounds=5)
    assert len(expected) > 1          # this seeded search picks several configurations
    assert [(m["trial"], m["nets"]) for m in t["ensemble"]["members"]] == expected
    assert t["ensemble"]["members"][0]["trial"] == t["best_trial"]
    assert t["ensemble"]["value"] <= t["best_value"] + 1e-12
    encoders = [study.trials[n].params["encoder"] for n, k in expected for _ in range(k)]
    assert clf.training_["encoders"] == encoders and len(clf.model_.members) == 5
    assert OOF_KEY not in t["refit"]
    for trial in study.trials:
        assert len(trial.user_attrs[OOF_KEY]) == 60
    assert t["test"]["accuracy"] == pytest.approx(clf.evaluate(X_test, y_test)["accuracy"])


@pytest.mark.parametrize("rounds", [1, 3])
def test_selection_of_one_round_is_the_best_trial(rounds):
    rng = np.random.default_rng(2)
    study = _study([({"units": k}, rng.uniform(0.1, 1, size=8)) for k in range(1, 5)])
    picks = select_trials(study, rounds)
    assert picks[0][0] == study.best_trial.number and sum(n for _, n in picks) == rounds


def test_the_refit_of_an_ensemble_of_trials_shares_the_time_budget_among_its_nets(monkeypatch):
    from seqlab.tasks.classification.search import SequenceClassifierSearch

    X, y = _data(40, 0)
    given = []
    fit = SequenceClassifier.fit
    monkeypatch.setattr(SequenceClassifier, "fit", lambda self, A, b=None, **kw: given.append(
        (self.ensemble, self.time_budget, time.monotonic())) or fit(self, A, b, **kw))
    task = SequenceClassifier("gru", units=4, epochs=2, seed=0, time_budget=10)
    SequenceClassifierSearch().refit_ensemble(task, X, y, [({"encoder": "gru"}, 3), ({"encoder": "mlp"}, 2)])
    (nets_a, share_a, when_a), (nets_b, share_b, when_b) = given
    assert (nets_a, nets_b) == (3, 2)
    assert share_a == pytest.approx(10 * 3 / 5, abs=0.5)                   # 3 of the 5 nets: 3/5 of the budget
    assert share_b == pytest.approx(10 - (when_b - when_a), abs=0.5)        # the last 2 nets: all that is left
    assert task.time_budget == 10 and task.training_["time_budget"] == 10.0
