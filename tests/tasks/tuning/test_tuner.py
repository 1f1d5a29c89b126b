"""task.tune: the winner is refitted and scored on the test split once, poor trials are pruned,
trials left running by a dead process are marked stale, and workers share one study."""
import contextlib
import subprocess
import sys
import time

import numpy as np
import optuna
import pytest

from seqlab.io.errors import ConfigError
from seqlab.tasks.classification.classifier import SequenceClassifier
from seqlab.tasks.tuning.study import open_storage, worker_id


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 16)).astype(np.float32)
    return X, (X[:, :4].mean(1) > 0).astype(int)


def test_tune_sets_the_best_configuration_refits_and_scores_the_test_split_once(monkeypatch):
    X, y = _data()
    X_test, y_test = _data(30, seed=1)
    scored = []
    evaluate = SequenceClassifier.evaluate
    monkeypatch.setattr(SequenceClassifier, "evaluate",
                        lambda self, A, b: scored.append(len(A)) or evaluate(self, A, b))
    fits = []
    fit = SequenceClassifier.fit
    monkeypatch.setattr(SequenceClassifier, "fit", lambda self, A, b=None, **kw: fits.append(len(A)) or fit(
        self, A, b, **kw))
    clf = SequenceClassifier("gru", units=8, epochs=4, seed=0)
    out = clf.tune(X, y, trials=3, test=(X_test, y_test), pruner="none", progress=False)
    assert out is clf
    t = clf.tuning_
    assert t["trials"]["complete"] == 3 and scored == [30]          # the test split is scored once
    configurations = len(t.get("ensemble", {}).get("members", [None]))   # ensemble selection may pick several
    assert fits == [40] * 9 + [60] * configurations     # 3 trials on 3 folds of 2/3 each, the refits on all
    for name, value in t["best_params"].items():
        assert clf.get_params()[name] == value
    assert clf.epochs == 4 and clf.ensemble == 5 and t["refit"]["validation_examples"] == 60   # refit as trained
    assert t["best_value"] == min(tr.value for tr in clf.study_.trials)
    assert t["test"]["accuracy"] == pytest.approx(clf.evaluate(X_test, y_test)["accuracy"])


def test_median_pruner_stops_trials_behind_the_median_curve():
    X, y = _data()
    clf = SequenceClassifier("gru", units=8, epochs=12, seed=0)
    clf.tune(X, y, trials=8, progress=False, pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=1))
    pruned = [t for t in clf.study_.trials if t.state.name == "PRUNED"]
    assert pruned, clf.tuning_["trials"]
    for t in pruned:   # stopped at the epoch the pruner decided, with the curve reported up to it
        assert t.user_attrs["pruned_at"] == t.last_step + 1 <= 12
        assert t.value == min(t.intermediate_values.values())


def test_a_trial_left_running_by_a_dead_process_is_marked_stale_and_numbers_continue(tmp_path):
    X, y = _data()
    path = tmp_path / "study.journal"
    study = optuna.create_study(study_name="s", storage=open_storage(path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = study.ask()                                   # RUNNING, owned by a process that is gone
    orphan.set_user_attr("worker", f"{worker_id().rsplit(':', 1)[0]}:{dead.pid}")
    mine = study.ask()                                     # RUNNING, owned by this live process
    assert mine.user_attrs == {"worker": worker_id()}
    study.tell(mine, 0.5)
    lines = []

    class Lines:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    clf = SequenceClassifier("gru", units=8, epochs=2, seed=0)
    clf.tune(X, y, trials=4, storage=path, study_name="s", pruner="none", progress=Lines())
    trials = optuna.load_study(study_name="s", storage=open_storage(path)).trials
    numbers = [t.number for t in trials]
    assert numbers == list(range(len(numbers))) and len(numbers) == 5
    assert trials[0].state.name == "FAIL" and trials[0].user_attrs["stale"]
    assert clf.tuning_["trials"] == {"complete": 4, "pruned": 0, "failed": 0, "stale": 1, "running": 0}
    assert any("trials 0 were left running" in line for line in lines)


def test_two_worker_processes_take_trials_from_one_study(tmp_path):
    X, y = _data()
    clf = SequenceClassifier("gru", units=8, epochs=2, seed=0)
    clf.tune(X, y, trials=6, workers=2, storage=tmp_path / "study.journal", pruner="none", progress=False)
    trials = clf.study_.trials
    assert len(trials) >= 6 and sorted(t.number for t in trials) == list(range(len(trials)))
    workers = {t.user_attrs["worker"] for t in trials}
    assert len(workers) == 2 and worker_id() not in workers        # both worker processes, not this one


@pytest.mark.parametrize("options, message", [
    (dict(trials=0), "trials must be >= 1"),
    (dict(trials=None), "give trials=N or time_budget"),
    (dict(workers=0), "workers must be >= 1"),
    (dict(pruner="sometimes"), "pruner must be"),
    (dict(storage="sqlite:////nonexistent-folder/x/study.db"), "cannot open the study storage"),
    (dict(storage="postgresql://tuner:secret@127.0.0.1:1/studies"), "cannot open the study storage "
                                                                    "postgresql://tuner:\\*\\*\\*@127"),
])
def test_bad_tuning_arguments_are_config_errors(options, message):
    X, y = _data(20)
    with pytest.raises(ConfigError, match=message):
        SequenceClassifier("gru", units=4, epochs=1).tune(X, y, progress=False, **{"trials": 1, **options})


def test_a_task_without_a_search_space_says_which_tasks_have_one():
    from seqlab.tasks.unsupervised.som import SOM

    with pytest.raises(ConfigError, match="SOM has no hyperparameter search; tune\\(\\) works for"):
        SOM(3).tune(np.zeros((4, 2)), trials=1)


def test_a_time_budget_ends_the_search_after_the_trial_running_when_it_is_spent():
    X, y = _data()
    clf = SequenceClassifier("gru", units=8, epochs=2, seed=0)
    clf.tune(X, y, trials=None, time_budget="1s", pruner="none", progress=False)
    counts = clf.tuning_["trials"]
    assert counts["complete"] >= 1 and sum(counts.values()) == counts["complete"]
    with pytest.raises(ConfigError, match="time budget"):
        clf.tune(X, y, trials=None, time_budget="soon", progress=False)


def test_a_process_that_loses_the_race_to_create_the_schema_opens_the_storage_again(monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from seqlab.tasks.tuning import study

    calls = []

    class Racing:   # the first open collides with another process creating the tables; the second works
        def __init__(self, url, **kwargs):
            calls.append(url)
            if len(calls) == 1:
                raise IntegrityError("CREATE TABLE studies", {}, Exception('duplicate key value violates unique '
                                                                         'constraint "pg_type_typname_nsp_index"'))

    monkeypatch.setattr(optuna.storages, "RDBStorage", Racing)
    monkeypatch.setattr(study.time, "sleep", lambda s: None)
    assert isinstance(open_storage("sqlite:///unused.db"), Racing) and len(calls) == 2
    calls.clear()
    monkeypatch.setattr(study, "SCHEMA_RACE_ATTEMPTS", 1)
    with pytest.raises(ConfigError, match="cannot open the study storage"):
        open_storage("sqlite:///unused.db")


def test_a_trial_of_two_fits_reports_every_epoch_at_a_new_step(tmp_path):
    """A forecaster with difference="auto" trains two networks in one trial: their epochs both count from 0,
    and Optuna ignored (and warned about, once per epoch) every report of the second."""
    import warnings

    from seqlab.tasks.tuning.study import reporting_to

    study = optuna.create_study()
    trial = study.ask()

    def two_fits(listen):
        for _ in range(2):
            for epoch in range(3):
                listen(1.0 / (epoch + 1), epoch, may_prune=False)

    @contextlib.contextmanager
    def scores(listen):
        yield two_fits(listen)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with reporting_to(trial, scores):
            pass
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3, 4, 5]


def _tune_watching_fits(monkeypatch):
    """Tune a gru for one trial within 3 s, recording each fit's ``(series, time_budget, start)``; returns
    ``(classifier, fits, the time the search started)``."""
    X, y = _data()
    fits = []
    fit = SequenceClassifier.fit
    monkeypatch.setattr(SequenceClassifier, "fit", lambda self, A, b=None, **kw: fits.append(
        (len(A), self.time_budget, time.time())) or fit(self, A, b, **kw))
    clf = SequenceClassifier("gru", units=8, epochs=60, seed=0)
    started = time.time()
    clf.tune(X, y, trials=1, time_budget="3s", pruner="none", progress=False, ensemble=False)
    return clf, fits, started


def test_a_time_budget_bounds_the_refit_of_the_winner_by_what_the_search_left(monkeypatch):
    clf, fits, started = _tune_watching_fits(monkeypatch)
    (budget, when), = [(b, t) for n, b, t in fits if n == 60]       # the one refit, on all 60 series
    assert budget is not None and 0.3 <= budget <= max(started + 3 - when, 0.3) + 1.0   # what was left, or the floor
    assert clf.training_["time_budget"] == pytest.approx(budget)
    assert clf.tuning_["refit_budget"]["seconds"] == round(budget, 1)
    assert clf.time_budget is None and clf.epochs == 60        # the configuration the user gave is what is saved


def test_a_time_budget_is_shared_by_the_folds_of_a_trial(monkeypatch):
    _, fits, started = _tune_watching_fits(monkeypatch)
    folds = [(b, t) for n, b, t in fits if n == 40]                   # 3 folds of 2/3 of the 60 series
    assert len(folds) == 3
    for k, (budget, when) in enumerate(folds):                        # what is left, shared by the folds to come
        assert budget <= (started + 3 - when) / (3 - k) + 0.8         # (all of what is left: about 3 s, 2 s...)
