"""``tune(task, X, y)``: hyperparameter search on Optuna for any task with a ``Search``
(``seqlab.tasks.tuning.registry``), behind ``Task.tune`` and ``seqlab tune``.

1. The task's ``Search`` holds out validation data from the training data (never the test split):
   one hold-out, or the folds of a cross-validation for small data sets.
2. Workers take trials from one study: TPE proposes a configuration, the task trains on the rest
   of the training data (on each fold: the trial's value is the mean), every epoch's validation
   score (of the first fold) goes to the pruner (median by default), which stops trials that do
   worse than the finished ones did at the same epoch.
3. The best configuration (lowest validation score) is set on ``task`` and refitted on all the
   training data, within what is left of ``time_budget`` (at least ``REFIT_FLOOR`` of it, so a refit
   still happens when the trials spent it all); if ``test`` is given it is scored on it, once. Where
   the task's ``Search`` says so (series classifiers), several trials' configurations are refitted
   and averaged instead, chosen by ensemble selection on their out-of-fold predictions
   (``task.tuning_["ensemble"]``).

``task.tuning_`` records the outcome (JSON-friendly); ``task.study_`` is the Optuna study.

>>> import numpy as np
>>> from seqlab.tasks.classification.classifier import SequenceClassifier
>>> X = np.random.default_rng(0).normal(size=(30, 12)); y = (X[:, :3].mean(1) > 0).astype(int)
>>> clf = SequenceClassifier("gru", epochs=3, seed=0)
>>> clf = tune(clf, X, y, trials=2, progress=False)        # doctest: +SKIP
>>> sorted(clf.tuning_)                                     # doctest: +SKIP
['best_params', 'best_trial', 'best_value', 'objective', 'refit', 'test', 'trials']
"""
from __future__ import annotations

import contextlib
import io
import math
import sys
import tempfile
import time
from pathlib import Path

from seqlab.io.errors import ConfigError
from seqlab.tasks.tuning.registry import search_for
from seqlab.tasks.tuning.selection import OOF_KEY, selection_log_loss
from seqlab.tasks.tuning.space import rounded
from seqlab.tasks.tuning.study import (
    WorkerSpec,
    _optuna,
    fail_stale_trials,
    open_storage,
    run_worker,
    worker_process,
)

REFIT_FLOOR = 0.1   # the least share of time_budget the refit gets, when the trials spent it all


def _check(trials, time_budget, workers) -> float | None:
    try:
        from seqlab.train.budget import parse_duration
    except ImportError:   # a seqlab without training budgets
        parse_duration = seconds
    if trials is None and time_budget is None:
        raise ConfigError("give trials=N or time_budget=... (or both) to bound the search")
    if trials is not None and (isinstance(trials, bool) or int(trials) < 1):
        raise ConfigError(f"trials must be >= 1, got {trials!r}")
    if isinstance(workers, bool) or int(workers) < 1:
        raise ConfigError(f"workers must be >= 1, got {workers!r}")
    return parse_duration(time_budget)


def seconds(value) -> float | None:
    """Seconds from ``90``, ``"90s"``, ``"30m"``, ``"2h"``; None stays None; ConfigError otherwise.

    >>> seconds("30m"), seconds(45), seconds(None)
    (1800.0, 45.0, None)
    """
    import re

    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*(s|m|min|h)?\s*", str(value))
    if match is None or float(match.group(1)) <= 0:
        raise ConfigError(f"time budget {value!r} is not a positive duration; write e.g. 90s, 30m or 2h")
    return float(match.group(1)) * {"s": 1, "m": 60, "min": 60, "h": 3600}[match.group(2) or "s"]


def trial_counts(study) -> dict:
    """``{"complete": n, "pruned": n, "failed": n, "stale": n, "running": n}`` of the study."""
    states = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed", "RUNNING": "running"}
    out = dict.fromkeys(["complete", "pruned", "failed", "stale", "running"], 0)
    for t in study.get_trials(deepcopy=False):
        key = "stale" if t.user_attrs.get("stale") else states.get(t.state.name, "failed")
        out[key] += 1
    return out


def _run_workers(specs: list[WorkerSpec]) -> None:
    if len(specs) == 1:
        run_worker(specs[0])
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")   # fork would copy torch's thread pools
    procs = [context.Process(target=worker_process, args=(s,), name=f"seqlab-tune-{s.worker}") for s in specs]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join()
    except BaseException:
        for p in procs:
            p.kill()
        raise
    failed = [p.name for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"tuning worker(s) {', '.join(failed)} ended with an error (see above)")


def tune(task, X, y=None, *, trials: int | None = 20, time_budget=None, workers: int = 1, storage=None,
         study_name: str | None = None, pruner="median", test=None, choices: dict | None = None,
         seed: int | None = None, verbose: int = 0, progress=True, ensemble: bool = True):
    """Search ``task``'s hyperparameters on ``(X, y)``, set the best on ``task``, refit it; returns ``task``.

    Args:
        task: an unfitted or fitted task whose class has a ``Search`` (classifiers, Forecaster,
            CharGenerator, GAN); its own arguments are the starting point the search varies.
        X, y: the training data, as ``task.fit`` takes it.
        trials: trials the study should hold in all (a rerun on the same storage continues up to it;
            trials left running by a killed process are marked failed and not counted).
        time_budget: wall time for the whole search (``"30m"``, seconds): trials are given what is left, and so is
            the refit of the winner (as its task's ``time_budget``; at least ``REFIT_FLOOR`` of the budget, and never
            more than the task's own ``time_budget``). ``task.tuning_["refit_budget"]`` records the refit's bound.
        workers: processes taking trials at once (> 1 needs a storage they share; without one a
            temporary journal file is used).
        storage: None (in memory), a journal file path, or ``sqlite:///...`` / ``postgresql://...``.
        study_name: the study's name in the storage (default ``seqlab-<TaskClass>``).
        pruner: ``"median"``, ``"hyperband"``, ``"none"`` or an Optuna pruner.
        test: ``(X_test, y_test)`` (or what ``Search.test_scores`` takes) scored once by the refitted winner.
        choices: ``{param: [candidates]}`` replacing a parameter's candidates (e.g. ``{"encoder": [...]}``).
        seed: the sampler's seed (default the task's ``seed`` or 0).
        verbose: passed to each trial's task and to the refit (1: its progress bar).
        progress: print one line per finished trial on stderr (False: silent; a stream: there).
        ensemble: where the task's search selects an ensemble of trials (series classifiers), refit
            that (True) or the best trial alone (False).

    Returns:
        ``task``, refitted with the best configuration; ``task.tuning_`` and ``task.study_`` set.

    Raises:
        ConfigError: bad arguments, a task without a search, an unreachable storage.
        ConfigError: also when no trial finished (all failed or pruned).
    """
    optuna = _optuna()
    budget = _check(trials, time_budget, workers)
    search = search_for(type(task).__name__)
    started = time.time()
    splits = search.holdout(task, X, y)
    stream = sys.stderr if progress is True else (io.StringIO() if not progress else progress)
    name = study_name or f"seqlab-{type(task).__name__}"
    with contextlib.ExitStack() as stack:
        if storage is None and workers > 1:
            storage = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="seqlab-tune-"))) / "study.journal"
        opened = open_storage(storage)
        study = optuna.create_study(study_name=name, storage=opened, direction="minimize", load_if_exists=True)
        stale = fail_stale_trials(study)
        if stale:
            print(f"trials {', '.join(map(str, stale))} were left running by a process that is gone: marked failed",
                  file=stream, flush=True)
        base = dict(storage=opened if workers == 1 else storage, study_name=name, task_class=type(task).__name__,
                    task_params=task.get_params(), splits=splits, trials=trials,
                    deadline=None if budget is None else started + budget, started=started, choices=choices,
                    pruner=pruner, seed=int(seed if seed is not None else getattr(task, "seed", 0) or 0),
                    verbose=verbose)
        specs = [WorkerSpec(**base, worker=k, threads=1 if workers > 1 else None,
                            stream=None if workers > 1 else stream) for k in range(workers)]
        _run_workers(specs)
        study = optuna.load_study(study_name=name, storage=opened)
        if "verbose" in task.get_params():   # the refit prints as the trials did (5 nets x 500 epochs otherwise)
            was = task.get_params()["verbose"]   # of the task's own type: a saved CharGenerator loads a bool only
            task.set_params(verbose=bool(verbose) if isinstance(was, bool) else verbose)
        left = None if budget is None else refit_budget(budget, started + budget - time.time(),
                                                         task.get_params().get("time_budget"))
        return refit_best(task, search, study, X, y, test, ensemble=ensemble, time_budget=left)


def refit_budget(budget: float, left: float, own=None) -> float:
    """Seconds the refit of the winner may train: what is ``left`` of the search's ``budget``, at least
    ``REFIT_FLOOR`` of it (a refit must happen), at most the task's ``own`` time budget.

    >>> refit_budget(100.0, 42.0), refit_budget(100.0, -3.0), refit_budget(100.0, 42.0, "30s")
    (42.0, 10.0, 30.0)
    """
    from seqlab.train.budget import parse_duration

    seconds = max(float(left), REFIT_FLOOR * float(budget))
    own = parse_duration(own)
    return seconds if own is None else min(seconds, own)


def refit_best(task, search, study, X, y, test=None, ensemble: bool = True, time_budget: float | None = None):
    """Set the study's best configuration on ``task``, refit it on ``(X, y)`` (or, with ``ensemble``,
    the trials ``search.ensemble`` picks), score ``test`` once. ``time_budget`` (seconds) bounds the
    refit: it is the task's ``time_budget`` while it trains, then the task's own is put back."""
    counts = trial_counts(study)
    try:
        best = study.best_trial
    except ValueError:
        raise ConfigError(f"no trial finished ({counts}); widen the budget or check the failed trials' "
                            "errors above") from None
    params = search.decode(rounded(best.params))
    task.set_params(**params)
    picks = search.ensemble(study) if ensemble else None
    bounded = time_budget is not None and "time_budget" in task.get_params()
    own = task.get_params().get("time_budget")
    if bounded:
        task.set_params(time_budget=float(time_budget))
    try:
        if picks:
            by_number = {t.number: t for t in study.get_trials(deepcopy=False)}
            members = [(search.decode(rounded(by_number[n].params)), nets) for n, nets in picks]
            search.refit_ensemble(task, X, y, members)
        else:
            search.refit(task, X, y, dict(best.user_attrs))
    finally:
        if bounded:
            task.set_params(time_budget=own)   # the saved configuration is the one the user gave
    own = getattr(search, "own_test", False)   # the task scores its own test split when it is fitted
    scores = search.test_scores(task, test) if test is not None or own else None
    task.tuning_ = {"best_params": params, "best_value": float(best.value), "best_trial": best.number,
                    "objective": search.objective, "trials": counts, "refit": _refit_record(best.user_attrs),
                    "test": scores}
    if bounded:
        stopped = (getattr(task, "training_", None) or {}).get("stopped_by")
        task.tuning_["refit_budget"] = {"seconds": round(float(time_budget), 1), "stopped_by": stopped}
    if picks:
        task.tuning_["ensemble"] = {"members": [{"trial": n, "nets": nets, "params": p}
                                                for (n, nets), (p, _) in zip(picks, members)],
                                    "value": selection_log_loss(study, picks)}
    task.study_ = study
    return task


def _refit_record(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k not in ("worker", "stale", OOF_KEY) and not (
        isinstance(v, float) and not math.isfinite(v))}


