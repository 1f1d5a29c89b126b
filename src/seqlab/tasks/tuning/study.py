"""Where a study lives and how its workers share it.

- ``open_storage(spec)``: None keeps the study in memory; a file path is an Optuna journal file
  (``JournalFileBackend``: appends under a file lock, safe for several processes on one machine);
  ``sqlite:///...`` and ``postgresql://user:pass@host/db`` are Optuna's RDB storage (PostgreSQL lets
  workers on many machines share one study; it needs ``pip install "seqlab[tune-postgres]"``).
- ``fail_stale_trials(study)``: a trial left RUNNING by a killed process is marked FAIL (and
  ``stale``) so a rerun neither waits for it nor counts it: on this machine by the process id the
  trial recorded, on other machines by the RDB storage's heartbeat.
- ``run_worker(spec)``: one worker's loop: take a trial, train, report, until the study holds the
  wanted number of trials or the deadline passes. ``--workers K`` runs K of them in processes.

Trial numbers come from the storage, so they never repeat, whichever worker or rerun takes them.

>>> storage = open_storage(None)
>>> type(storage).__name__
'InMemoryStorage'
"""
from __future__ import annotations

import contextlib
import math
import os
import socket
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab.io.errors import ConfigError, SeqlabError

HEARTBEAT_SECONDS, GRACE_SECONDS = 30, 120   # RDB storage: a trial silent this long is stale


def worker_id() -> str:
    """``host:pid`` of this process: who owns the trials it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _optuna():
    try:
        import optuna
    except ImportError:
        raise ConfigError('hyperparameter search needs Optuna: pip install "seqlab[tune]"') from None
    optuna.logging.set_verbosity(optuna.logging.ERROR)   # seqlab prints its own line per trial, failed ones too
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna


def redact(url: str) -> str:
    """``url`` without its password, for messages.

    >>> redact("postgresql://tuner:secret@db:5432/studies")
    'postgresql://tuner:***@db:5432/studies'
    """
    head, sep, tail = str(url).partition("://")
    if not sep or "@" not in tail:
        return str(url)
    creds, _, host = tail.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{head}://{user}:***@{host}" if ":" in creds else f"{head}://{creds}@{host}"


def _owned(storage_class):
    """``storage_class`` whose new trials carry the ``worker`` that made them from their first write
    (a trial created by ``ask`` and stamped afterwards could be left unowned by a kill in between)."""
    import datetime

    optuna = _optuna()

    def owned(template):
        return template or optuna.trial.FrozenTrial(
            number=-1, state=optuna.trial.TrialState.RUNNING, value=None, datetime_start=datetime.datetime.now(),
            datetime_complete=None, params={}, distributions={}, user_attrs={"worker": worker_id()},
            system_attrs={}, intermediate_values={}, trial_id=-1)

    class Owned(storage_class):
        def create_new_trial(self, study_id, template_trial=None):
            return super().create_new_trial(study_id, owned(template_trial))

        def _create_new_trial(self, study_id, template_trial=None):   # RDB: what Optuna's cache calls
            return super()._create_new_trial(study_id, owned(template_trial))

    Owned.__name__ = Owned.__qualname__ = storage_class.__name__
    return Owned


def open_storage(spec):
    """An Optuna storage for ``spec``: None (in memory), a journal file path, or an RDB URL."""
    optuna = _optuna()
    if spec is None:
        return _owned(optuna.storages.InMemoryStorage)()
    if isinstance(spec, optuna.storages.BaseStorage):
        return spec
    text = str(spec)
    if "://" not in text:
        path = Path(text)
        if path.exists() and path.is_dir():
            raise ConfigError(f"study storage {path} is a folder; give a file such as {path / 'study.journal'}")
        path.parent.mkdir(parents=True, exist_ok=True)
        from optuna.storages.journal import JournalFileBackend

        return _owned(optuna.storages.JournalStorage)(JournalFileBackend(str(path)))
    given, (scheme, _, rest) = text, text.partition("://")
    if scheme in ("postgresql", "postgres"):   # SQLAlchemy 2.1 would pick psycopg 3; seqlab's extra is psycopg2
        text = f"postgresql+psycopg2://{rest}"
    if scheme.startswith("postgres") and "+" not in scheme or scheme == "postgresql+psycopg2":
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            raise ConfigError('--storage postgresql://... needs the PostgreSQL driver: pip install '
                              '"seqlab[tune-postgres]" (psycopg2-binary)') from None
    for attempt in range(SCHEMA_RACE_ATTEMPTS):
        try:
            return _owned(optuna.storages.RDBStorage)(text, heartbeat_interval=HEARTBEAT_SECONDS,
                                                      grace_period=GRACE_SECONDS)
        except Exception as e:   # SQLAlchemy's errors: wrong URL, server down, bad password
            if _lost_schema_race(e) and attempt + 1 < SCHEMA_RACE_ATTEMPTS:
                time.sleep(0.5 * (attempt + 1))   # the other creator finishes; the schema is then there
                continue
            reason = str(e).strip().splitlines()[0][:200]
            raise ConfigError(f"cannot open the study storage {redact(given)}: {reason}") from None


SCHEMA_RACE_ATTEMPTS = 4


def _lost_schema_race(error: Exception) -> bool:
    """True for the error of two processes creating Optuna's tables in an empty database at once (the
    loser's CREATE collides in PostgreSQL's catalogue: a unique violation); opening again then works."""
    text = f"{type(error).__name__}: {error}"
    return "IntegrityError" in text or "UniqueViolation" in text or "already exists" in text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):   # a zombie (killed, not yet reaped) is dead too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def fail_stale_trials(study) -> list[int]:
    """Mark FAIL (user attribute ``stale``) the RUNNING trials whose process is gone; their numbers."""
    optuna = _optuna()
    storage, host, stale = study._storage, socket.gethostname(), []
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        owner = str(t.user_attrs.get("worker", ""))
        name, _, pid = owner.rpartition(":")
        if name == host and pid.isdigit() and not _alive(int(pid)):
            storage.set_trial_user_attr(t._trial_id, "stale", True)
            storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
            stale.append(t.number)
    if isinstance(storage, optuna.storages.RDBStorage):   # other machines: by heartbeat
        optuna.storages.fail_stale_trials(study)
    return stale


def counted(study) -> int:
    """Trials that count towards ``trials``: all but the stale ones (running ones included)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if not t.user_attrs.get("stale"))


def make_pruner(pruner):
    """``"median"`` (the default), ``"hyperband"``, ``"none"`` or an Optuna pruner.

    Median: a trial stops when its best validation score so far is worse than the median of the
    finished trials' at the same epoch, after 5 finished trials and 10 epochs (early epochs say little
    about where a slow learning rate ends up; a ``Search.pruning_scores`` may hold it back longer: the
    classifiers' until the adaptive budget's floor of steps). Hyperband: successive halving brackets
    from 10 epochs on.
    """
    optuna = _optuna()
    if not isinstance(pruner, str):
        return pruner
    if pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=10)
    if pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=10, reduction_factor=3)
    if pruner == "none":
        return optuna.pruners.NopPruner()
    raise ConfigError(f"pruner must be 'median', 'hyperband' or 'none', got {pruner!r}")


def make_sampler(seed: int, worker: int, existing: int):
    """TPE, seeded by the run's seed, the worker and the trials already in the study (a rerun draws
    new start-up points instead of repeating the first run's)."""
    import numpy as np

    optuna = _optuna()
    state = int(np.random.SeedSequence([int(seed), int(worker), int(existing)]).generate_state(1)[0])
    return optuna.samplers.TPESampler(seed=state, n_startup_trials=5)


@contextlib.contextmanager
def reporting_to(trial, scores=None):
    """Within the block, each epoch's validation score of every fit goes to ``trial`` (the best so
    far, by epoch) and the pruner may stop the trial (``optuna.TrialPruned``).

    ``scores`` is where the scores come from: a ``Search.pruning_scores`` context (called with the
    listener ``listen(score, evaluation, may_prune=True)``; ``may_prune=False`` reports the score but
    lets no pruner stop the trial yet), else the training budgets' reports
    (``seqlab.train.budget.watch_scores``: every training loop), else a callback on every
    ``Trainer.fit`` (``seqlab.train.observers``)."""
    optuna = _optuna()
    best, last_step = [math.inf], [-1]

    def listen(score, evaluation: int, may_prune: bool = True):
        if score is None or not math.isfinite(score):
            return
        best[0] = min(best[0], float(score))
        # a trial of several fits (two differencing options, folds) counts its epochs on, so that no step is
        # reported twice (Optuna would ignore the value and warn once per epoch)
        last_step[0] = max(int(evaluation), last_step[0] + 1)
        trial.report(best[0], last_step[0])
        if may_prune and trial.should_prune():
            trial.set_user_attr("pruned_at", evaluation + 1)
            raise optuna.TrialPruned(f"pruned after epoch {evaluation + 1}")

    if scores is not None:
        with scores(listen):
            yield
        return
    try:
        from seqlab.train.budget import watch_scores
    except ImportError:
        watch_scores = None
    if watch_scores is not None:
        with watch_scores(lambda report: listen(report.score, report.evaluation)):
            yield
        return
    from seqlab.train.callbacks import Callback
    from seqlab.train.observers import observing

    class ValidationReport(Callback):
        def on_epoch_end(self, epoch, logs=None):
            listen((logs or {}).get("val_loss"), epoch)

    with observing(ValidationReport):
        yield


def clock(seconds: float) -> str:
    """``"45s"``, ``"3m05s"``, ``"1h02m"``.

    >>> clock(45.2), clock(185), clock(3725)
    ('45s', '3m05s', '1h02m')
    """
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def progress_line(study, trial, started: float) -> str:
    """The line printed when ``trial`` finishes: its value, the best so far, the time since ``started``."""
    optuna = _optuna()
    state = trial.state
    if state == optuna.trial.TrialState.COMPLETE:
        what = f"value {trial.value:.4g}"
    elif state == optuna.trial.TrialState.PRUNED:
        at = trial.user_attrs.get("pruned_at", trial.last_step)
        what = f"pruned at epoch {at}" + (f" (its curve's best {trial.value:.4g})" if trial.value is not None else "")
    else:
        what = "failed" + (f": {trial.user_attrs['error']}" if trial.user_attrs.get("error") else "")
    try:
        best = f"best {study.best_value:.4g} (trial {study.best_trial.number})"
    except ValueError:
        best = "no finished trial yet"
    return f"trial {trial.number}: {what} | {best} | {clock(time.time() - started)} elapsed"


@dataclass
class WorkerSpec:
    """What one worker needs (picklable: it crosses to a worker process)."""
    storage: Any
    study_name: str
    task_class: str
    task_params: dict
    splits: list   # [(fit_data, validation), ...]: one hold-out, or the folds of a cross-validation
    trials: int | None
    deadline: float | None
    started: float
    choices: dict | None = None
    pruner: Any = "median"
    seed: int = 0
    worker: int = 0
    verbose: int = 0
    threads: int | None = None
    stream: Any = field(default=None, repr=False)


def run_worker(spec: WorkerSpec) -> int:
    """Take trials from the study until it holds ``spec.trials`` or ``spec.deadline`` passes; returns
    the number of trials this worker ran."""
    optuna = _optuna()
    from seqlab.tasks.registry import task_class
    from seqlab.tasks.tuning.registry import search_for

    if spec.threads:
        import torch

        torch.set_num_threads(spec.threads)
    search, klass = search_for(spec.task_class), task_class(spec.task_class)
    storage = open_storage(spec.storage)
    probe = optuna.load_study(study_name=spec.study_name, storage=storage)
    study = optuna.load_study(study_name=spec.study_name, storage=storage, pruner=make_pruner(spec.pruner),
                              sampler=make_sampler(spec.seed, spec.worker, len(probe.trials)))
    stream = spec.stream or sys.stderr
    accepts_budget = "time_budget" in klass._param_names()

    def objective(trial):
        task = klass(**spec.task_params)
        raw = search.sample(trial, task, spec.choices)
        task.set_params(**search.decode(raw), verbose=spec.verbose)
        budgeted = accepts_budget and spec.deadline is not None
        values, infos = [], []
        try:
            for k, (fit_data, validation) in enumerate(spec.splits):   # the first fold's curve feeds the pruner
                if budgeted:   # what is left (at least 1s a trial) shared by the folds to come
                    task.set_params(time_budget=max(1.0, spec.deadline - time.time()) / (len(spec.splits) - k))
                scores = search.pruning_scores(task, validation) if k == 0 else None
                with reporting_to(trial, scores) if k == 0 else contextlib.nullcontext():
                    value, info = search.fit_trial(task, fit_data, validation)
                values.append(value)
                infos.append(info)
        except SeqlabError as e:
            trial.set_user_attr("error", str(e)[:300])
            raise
        value, info = float(search.aggregate(values, infos)), search.combine(infos)
        if len(values) > 1:
            info["fold_values"] = [round(v, 6) for v in values]
        for k, v in info.items():
            trial.set_user_attr(k, v)
        return value   # NaN: Optuna records the trial as failed

    def report(study, trial):
        print(progress_line(study, trial, spec.started), file=stream, flush=True)

    ran = 0
    while spec.trials is None or counted(study) < spec.trials:
        if spec.deadline is not None and time.time() >= spec.deadline:
            break
        study.optimize(objective, n_trials=1, catch=(SeqlabError,), callbacks=[report])
        ran += 1
    return ran


def worker_process(spec: WorkerSpec) -> None:
    """A worker in its own process: it dies with its parent (Linux), so a killed run leaves no orphans."""
    with contextlib.suppress(Exception):
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    run_worker(spec)
