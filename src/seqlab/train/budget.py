"""Training budgets: how long a task trains when no ``epochs``/``steps`` are given, and ``time_budget``.

**The rule** (``BUDGET_RULE``, the text every command's ``--help`` and the docs show): with no
epoch or step count given, training runs until the validation score has not improved for
``patience`` evaluations (epochs; evaluation points for step-based models), then the weights of the
best evaluation are put back. Two bounds hold around that: a **floor** of optimiser steps
(``min_steps``: a small data set of 36 series in batches of 16 makes 3 steps an epoch, so it gets
more epochs, not fewer updates) before patience may stop it, and a **ceiling** (``max_epochs``
and ``max_steps``). When the score has not improved for ``lr_patience`` evaluations the learning
rate is multiplied by ``lr_factor`` (reduction on plateau). An explicit count (``epochs=``,
``steps=``, ``--epochs``, ``--steps``) means exactly that many. ``time_budget`` (seconds, or
``"90s"``, ``"10m"``, ``"1h"``) stops either kind of run before an epoch that would end past
the budget, keeping the best weights so far.

The run records why it stopped: ``"patience"``, ``"ceiling"``, ``"time budget"``, or
``"epochs"``/``"steps"`` (the explicit count was done); ``summary()`` is the dict tasks keep as
``training_`` and the CLI writes into ``history.json``.

**Pieces.** ``BudgetRule`` holds the numbers; ``BudgetTracker`` applies the rule to any training
loop (``update(score, steps)`` after each evaluation returns a stop reason or None);
``TrainingBudget`` is the ``Trainer`` callback built on it (monitors ``val_loss``).

**Listening to the scores** (for hyperparameter search): inside ``with watch_scores(fn):`` every
tracker calls ``fn(ScoreReport)`` after each evaluation, with the evaluation index, the score
(lower is better), the steps so far and whether it improved. ``fn`` may raise (e.g.
``optuna.TrialPruned``) to abandon the fit; the exception leaves ``fit`` unchanged.

>>> tracker = BudgetTracker(BudgetRule(patience=2, min_steps=0, max_epochs=100))
>>> [tracker.update(s, steps=10 * (i + 1)) for i, s in enumerate([3.0, 2.0, 2.5, 2.4])]
[None, None, None, 'patience']
>>> tracker.summary()["best_epoch"], tracker.summary()["epochs"]
(2, 4)
>>> parse_duration("10m"), parse_duration("90s"), parse_duration("1.5h")
(600.0, 90.0, 5400.0)
"""
from __future__ import annotations

import contextlib
import contextvars
import math
import re
import time
from dataclasses import asdict, dataclass, replace

from seqlab.io.errors import ConfigError
from seqlab.train.callbacks import Callback

BUDGET_RULE = ("Without --epochs/--steps, training stops when the validation score has not improved for "
               "--patience epochs and keeps the best weights; it makes at least 1,000 optimiser steps (small data "
               "sets get more epochs), halves the learning rate after patience/2 epochs without improvement, and "
               "stops at the ceiling (500 epochs or 20,000 steps). --epochs N / --steps N train exactly that "
               "many. --time-budget stops before the budget is spent, with the best weights so far. The "
               "report says how many epochs and steps ran and why training stopped. (Numeric-series "
               "classification under 500 training series trains on all of them and watches the training loss.)")

FIXED_BUDGET_RULE = ("This command trains for --epochs (or its iterations) exactly; --time-budget stops it "
                     "before the budget is spent and the report says so.")

TIME_BUDGET_HELP = ("wall-time budget for training, e.g. 90s, 10m, 1h: training stops before it is spent, "
                    "keeping the best weights so far (default: none)")

STOP_REASONS = {
    "patience": "no better validation score for {patience} evaluations",
    "ceiling": "reached the ceiling of the adaptive budget",
    "time budget": "the time budget ({budget}) would be exceeded by another epoch",
    "epochs": "the requested number of epochs was done",
    "steps": "the requested number of steps was done",
    "early stopping": "early stopping (no better validation loss for the task's patience)",
    "non-finite loss": "the loss became NaN or infinite",
}

_UNITS = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_duration(value) -> float | None:
    """Seconds from ``"90s"``, ``"10m"``, ``"1h"``, ``"1.5h"`` or a number of seconds; None stays None.

    ConfigError for anything else (zero or negative included).

    >>> parse_duration(45), parse_duration("2min"), parse_duration(None)
    (45.0, 120.0, None)
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|sec|m|min|h)?\s*", str(value))
        if match is None:
            raise ConfigError(f"time budget {value!r} is not a duration; write e.g. 90s, 10m or 1h")
        seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if not seconds > 0 or not math.isfinite(seconds):
        raise ConfigError(f"time budget must be a positive duration, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """``"90s"``, ``"10m"``, ``"1.5h"``: the shortest way to write ``seconds``, to three digits (a share of a
    budget is seldom round).

    >>> format_duration(90), format_duration(600), format_duration(5400), format_duration(31.4796)
    ('90s', '10m', '1.5h', '31.5s')
    >>> format_duration(1234.5678), format_duration(0.25)
    ('1235s', '0.25s')
    """
    if seconds >= 3600 and seconds % 360 == 0:
        return f"{seconds / 3600:g}h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g}m"
    return f"{round(seconds)}s" if seconds >= 100 else f"{seconds:.3g}s"


def monotonic() -> float:
    """The clock budgets read (``time.monotonic``; tests replace this function)."""
    return time.monotonic()


def time_share(total: float | None, start: float, parts_left: int) -> float | None:
    """What one of ``parts_left`` trainings may spend of a time budget of ``total`` seconds started at ``start``
    (a ``monotonic`` reading): an equal part of what is left (a millisecond when nothing is); None without a
    budget. The tasks that train several networks in one fit (ensemble members, a forecaster's differencing
    options, a refit) give each its share, so the whole fit keeps to the budget.

    >>> start = monotonic()
    >>> round(time_share(60.0, start, 3)), time_share(None, start, 3)
    (20, None)
    """
    if total is None:
        return None
    return max(total - (monotonic() - start), 1e-3) / max(int(parts_left), 1)


@dataclass(frozen=True)
class BudgetRule:
    """The numbers of the adaptive rule (see the module docstring); the defaults are seqlab's.

    Args:
        patience: evaluations without improvement before stopping (tasks pass their ``patience``).
        min_steps: the floor: optimiser steps before patience may stop training.
        max_epochs, max_steps: the ceiling (whichever comes first; never below the floor).
        lr_factor: multiplies the learning rate after ``lr_patience`` evaluations without improvement.
        lr_patience: default ``max(1, patience // 2)``; 0 turns the reduction off.
        min_delta: relative improvement that counts (1e-4: 0.01% of the best score).
        min_delta_abs: an improvement must also be larger than this, in the score's units (default
            0). A loss that falls towards zero keeps improving by a fraction of itself long after
            the predictions stopped changing: ``Seq2Seq`` sets a thousandth of a nat per token.
        min_lr_ratio: the reductions stop at this fraction of the starting learning rate.

    >>> losses = [0.01, 0.0095, 0.0091]                  # falling by 5%, 4%: each less than 1e-3 nats
    >>> tracker = BudgetTracker(BudgetRule(patience=2, min_steps=0))
    >>> [tracker.update(s, steps=i + 1) for i, s in enumerate(losses)]
    [None, None, None]
    >>> tracker = BudgetTracker(BudgetRule(patience=2, min_steps=0, min_delta_abs=1e-3))
    >>> [tracker.update(s, steps=i + 1) for i, s in enumerate(losses)]
    [None, None, 'patience']
    """
    patience: int = 10
    min_steps: int = 1000
    max_epochs: int = 500
    max_steps: int = 20000
    lr_factor: float = 0.5
    lr_patience: int | None = None
    min_delta: float = 1e-4
    min_lr_ratio: float = 0.01
    min_delta_abs: float = 0.0

    def __post_init__(self):
        if int(self.patience) < 1:
            raise ConfigError(f"patience must be >= 1 for an adaptive budget, got {self.patience}")
        if not 0 < self.lr_factor < 1:
            raise ConfigError(f"lr_factor must be in (0, 1), got {self.lr_factor}")

    @property
    def plateau(self) -> int:
        """Evaluations without improvement before the learning rate is reduced (0: never)."""
        return max(1, self.patience // 2) if self.lr_patience is None else int(self.lr_patience)

    def reduce_rates(self, optimizer, start_lr: float) -> None:
        """The reduction on plateau for a hand-written loop: every parameter group's rate times
        ``lr_factor``, never below ``start_lr * min_lr_ratio``.

        >>> import torch
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        >>> rule = BudgetRule(min_lr_ratio=0.3)
        >>> rule.reduce_rates(opt, 0.1); rule.reduce_rates(opt, 0.1); round(opt.param_groups[0]["lr"], 4)
        0.03
        """
        for group in optimizer.param_groups:
            group["lr"] = max(group["lr"] * self.lr_factor, start_lr * self.min_lr_ratio)

    def ceiling_epochs(self, steps_per_epoch: int) -> int:
        """Most epochs for ``steps_per_epoch`` steps each: the ceiling, raised to reach the floor.

        >>> BudgetRule(min_steps=1000, max_epochs=500, max_steps=20000).ceiling_epochs(3)
        500
        >>> BudgetRule(min_steps=1000, max_epochs=500, max_steps=20000).ceiling_epochs(70)
        286
        >>> BudgetRule(min_steps=1000, max_epochs=5, max_steps=20000).ceiling_epochs(10)
        100
        """
        spe = max(1, int(steps_per_epoch))
        ceiling = min(int(self.max_epochs), math.ceil(self.max_steps / spe))
        return max(1, ceiling, math.ceil(self.min_steps / spe))


DEFAULT_RULE = BudgetRule()


@dataclass(frozen=True)
class ScoreReport:
    """What ``watch_scores`` listeners get after each evaluation (``score``: lower is better)."""
    evaluation: int     # 0-based: the epoch, or the evaluation point of a step-based loop
    score: float
    steps: int
    improved: bool
    best: float


_LISTENERS: contextvars.ContextVar[tuple] = contextvars.ContextVar("seqlab_budget_listeners", default=())


@contextlib.contextmanager
def watch_scores(listener):
    """Within the block, call ``listener(ScoreReport)`` after every evaluation of every budgeted fit.

    >>> seen = []
    >>> with watch_scores(seen.append):
    ...     BudgetTracker(BudgetRule(min_steps=0)).update(1.5, steps=4)
    >>> seen[0].score, seen[0].steps
    (1.5, 4)
    """
    token = _LISTENERS.set(_LISTENERS.get() + (listener,))
    try:
        yield listener
    finally:
        _LISTENERS.reset(token)


class BudgetTracker:
    """Applies a ``BudgetRule`` (``adaptive=True``) or only a time budget (``adaptive=False``, for an
    explicit count) to any training loop.

    Call ``start()`` when training starts, then ``update(score, steps)`` after each evaluation
    (``score`` lower is better; None if there is no validation score). It returns None to go on or
    the stop reason. After an update, ``improved`` says whether this was the best score so far
    (keep the weights then) and ``reduce_lr`` whether to multiply the learning rate by
    ``rule.lr_factor`` now. ``finish(reason)`` records how a loop that ran out ended;
    ``summary()`` is the record.
    """

    def __init__(self, rule: BudgetRule | None = None, *, time_budget=None, adaptive: bool = True,
                 unit: str = "epoch", clock=None):
        self.rule = rule or BudgetRule()
        self.time_budget = parse_duration(time_budget)
        self.adaptive, self.unit, self.clock = adaptive, unit, clock or monotonic
        self.started = None
        self.evaluations, self.steps, self.wait = 0, 0, 0
        self.best, self.best_evaluation = math.inf, None
        self.improved = self.reduce_lr = False
        self.reason, self.lr_reductions, self.last_length = None, 0, 0.0
        self.monitored = None   # what the scores are ("val_loss", "loss"), when the loop says
        self.best_state = None  # the weights of the best evaluation, kept by ``follow``
        self.step_mark, self.step_length, self.evaluation_length = None, 0.0, 0.0   # ``step_done``'s clock
        self.out_of_time = False

    def start(self) -> None:
        self.started = self.last_mark = self.clock()

    def elapsed(self) -> float:
        return 0.0 if self.started is None else self.clock() - self.started

    def step_done(self) -> bool:
        """Call after every optimiser step of a loop that evaluates every few steps: whether one more step and
        the evaluation that closes training would end past the time budget. Then evaluate now (``update`` stops
        with ``"time budget"``), so the budget is kept to about a step, not to an evaluation interval.

        >>> ticks = iter(range(100))
        >>> tracker = BudgetTracker(time_budget=5, adaptive=False, clock=lambda: next(ticks))
        >>> tracker.start()
        >>> [tracker.step_done() for _ in range(6)]    # a step a second: the fifth would end at 6 s
        [False, False, False, False, True, True]
        """
        if self.started is None:
            self.start()
        now = self.clock()
        self.step_length = now - (self.started if self.step_mark is None else self.step_mark)
        self.step_mark = now
        self.out_of_time = self.time_budget is not None and \
            now - self.started + self.step_length + self.evaluation_length > self.time_budget
        return self.out_of_time

    def update(self, score, steps: int) -> str | None:
        """Record one evaluation after ``steps`` optimiser steps in all; returns the stop reason or None."""
        if self.started is None:
            self.start()
        now = self.clock()
        self.last_length, self.last_mark = now - self.last_mark, now
        if self.step_mark is not None:   # how long an evaluation takes, for step_done; steps restart from here
            self.evaluation_length, self.step_mark = now - self.step_mark, now
        self.steps = int(steps)
        score = None if score is None or not math.isfinite(float(score)) else float(score)
        self.improved = score is not None and (
            self.best_evaluation is None
            or score < self.best - max(self.rule.min_delta * abs(self.best), self.rule.min_delta_abs))
        if self.improved:
            self.best, self.best_evaluation, self.wait = score, self.evaluations, 0
        elif score is not None:
            self.wait += 1
        plateau = self.rule.plateau
        self.reduce_lr = self.adaptive and plateau > 0 and not self.improved and self.wait > 0 \
            and self.wait % plateau == 0
        self.lr_reductions += int(self.reduce_lr)
        for listener in _LISTENERS.get():
            listener(ScoreReport(self.evaluations, float("nan") if score is None else score, self.steps,
                                 self.improved, self.best))
        self.evaluations += 1
        self.reason = self._stop_reason()
        return self.reason

    def follow(self, score, steps: int, model, optimizer, start_lr: float, keep_best: bool = True) -> str | None:
        """``update``, then a hand-written loop's side of the rule: a copy of ``model``'s weights in
        ``best_state`` when the score improved (with ``keep_best``), and the ``optimizer``'s rates
        reduced on a plateau (``BudgetRule.reduce_rates``). Returns the stop reason or None; after the
        loop, ``restore_best(model)`` puts the kept weights back."""
        reason = self.update(score, steps)
        if keep_best and self.improved:
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if self.reduce_lr:
            self.rule.reduce_rates(optimizer, start_lr)
        return reason

    def restore_best(self, model) -> None:
        """Load the weights ``follow`` kept into ``model`` (nothing when none were kept)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)

    def _stop_reason(self) -> str | None:
        if self.out_of_time or self.time_budget is not None and self.elapsed() + self.last_length > self.time_budget:
            return "time budget"
        if not self.adaptive:
            return None
        if self.steps >= self.rule.max_steps or (self.unit == "epoch" and self.evaluations >= self.rule.max_epochs
                                                 and self.steps >= self.rule.min_steps):
            return "ceiling"
        if self.wait >= self.rule.patience and self.steps >= self.rule.min_steps:
            return "patience"
        return None

    def finish(self, reason: str) -> None:
        """The loop ended on its own (``"ceiling"``, ``"epochs"``, ``"steps"``) unless a reason is set."""
        if self.reason is None:
            self.reason = reason

    def summary(self) -> dict:
        """``{"budget", "epochs"/"evaluations", "steps", "stopped_by", "best_epoch", "seconds", ...}``."""
        out = {"budget": "adaptive" if self.adaptive else "fixed",
               f"{self.unit}s" if self.unit == "epoch" else "evaluations": self.evaluations,
               "steps": self.steps, "stopped_by": self.reason,
               "best_epoch" if self.unit == "epoch" else "best_evaluation":
                   None if self.best_evaluation is None else self.best_evaluation + 1,
               "best_score": None if self.best_evaluation is None else self.best,
               "learning_rate_reductions": self.lr_reductions, "seconds": round(self.elapsed(), 2),
               "time_budget": self.time_budget}
        if self.monitored is not None:
            out["monitored"] = self.monitored
        if self.adaptive:
            out["rule"] = asdict(self.rule)
        return out


def describe(summary: dict | None) -> str:
    """One line for reports: how long training ran and why it stopped.

    >>> print(describe({"budget": "adaptive", "epochs": 40, "steps": 120, "stopped_by": "patience",
    ...                 "best_epoch": 30, "rule": {"patience": 10}}))  # doctest: +NORMALIZE_WHITESPACE
    trained 40 epochs (120 steps), adaptive budget; stopped: no better validation score for 10 evaluations;
    best weights from epoch 30 kept
    """
    if not summary:
        return "training length not recorded"
    count = summary.get("epochs")
    what = f"{count} epochs ({summary['steps']:,} steps)" if count is not None else f"{summary['steps']:,} steps"
    reason = summary.get("stopped_by")
    template = STOP_REASONS.get(reason, str(reason))
    if reason == "patience" and summary.get("monitored") == "loss":   # no validation data: the training loss
        template = "no lower training loss for {patience} evaluations"
    text = template.format(
        patience=(summary.get("rule") or {}).get("patience", "?"),
        budget=format_duration(summary["time_budget"]) if summary.get("time_budget") else "?")
    line = f"trained {what}, {summary.get('budget', 'fixed')} budget; stopped: {text}"
    best = summary.get("best_epoch", summary.get("best_evaluation"))
    if summary.get("refit_epochs"):
        line += (f"; the best validation loss came at epoch {summary['refit_epochs']}, so the model was trained "
                 f"again from the same start on all {summary['refit_examples']:,} examples (validation ones too) "
                 "for that many epochs")
    elif best is not None and (summary.get("budget") == "adaptive" or reason == "time budget"):
        line += f"; best weights from {'epoch' if 'best_epoch' in summary else 'evaluation'} {best} kept"
    if summary.get("ensemble"):
        how = "on every series with its own seed" if summary.get("monitored") == "loss" else \
            "so on its own validation hold-out"
        line += f" (the first of {summary['ensemble']} members, each trained {how}; their probabilities are averaged)"
    return line


class TrainingBudget(Callback):
    """The budget as a ``Trainer`` callback: watches ``monitor`` (default ``val_loss``; ``loss`` when
    there is no validation data) each epoch, reduces the learning rate on plateaus, stops by the
    rule, and puts the best weights back when it stops (adaptive, or on the time budget).

    Give ``fit`` ``epochs=rule.ceiling_epochs(steps_per_epoch)``; ``summary()`` says what happened.

    >>> import numpy as np, torch
    >>> from seqlab.train import Trainer
    >>> t = Trainer(torch.nn.Linear(2, 1), loss="mse", seed=0)
    >>> budget = TrainingBudget(BudgetRule(patience=2, min_steps=4, max_epochs=50))
    >>> x, y = np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32)
    >>> _ = t.fit(x, y, epochs=50, batch_size=4, validation_data=(x, y), callbacks=[budget], verbose=0)
    >>> budget.summary()["stopped_by"] in ("patience", "ceiling")
    True
    """

    def __init__(self, rule: BudgetRule | None = None, *, time_budget=None, adaptive: bool = True,
                 monitor: str = "val_loss"):
        self.rule, self.adaptive, self.monitor = rule or BudgetRule(), adaptive, monitor
        self.tracker = BudgetTracker(self.rule, time_budget=time_budget, adaptive=adaptive)
        self.best_weights = None

    def on_train_begin(self, logs=None):
        self.tracker = BudgetTracker(self.rule, time_budget=self.tracker.time_budget, adaptive=self.adaptive)
        self.tracker.start()
        self.best_weights, self.steps_per_epoch = None, int(self.trainer.history.params.get("steps", 1))
        self.start_lr = self.trainer.get_lr()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        key = self.monitor if self.monitor in logs else "loss"
        self.tracker.monitored = key
        reason = self.tracker.update(logs.get(key), self.tracker.steps + self.steps_per_epoch)
        if self.tracker.improved and (self.adaptive or key.startswith("val_")):
            self.best_weights = self.trainer.copy_weights()
        if self.tracker.reduce_lr:
            floor = self.start_lr * self.rule.min_lr_ratio
            self.trainer.set_lr(max(self.trainer.get_lr() * self.rule.lr_factor, floor))
        logs["learning_rate"] = self.trainer.get_lr()
        if reason is not None:
            self.trainer.stop_training = True

    def on_train_end(self, logs=None):
        if self.trainer.stop_training and self.tracker.reason is None:   # another callback or a NaN loss
            self.tracker.finish("non-finite loss" if self.trainer.history.stop_reason else "early stopping")
        self.tracker.finish("ceiling" if self.adaptive else "epochs")
        if self.best_weights is not None and (self.adaptive or self.tracker.reason == "time budget"):
            self.trainer.load_weights(self.best_weights)

    def summary(self) -> dict:
        return self.tracker.summary()

    def fit_epochs(self, requested, examples: int, batch_size: int, held_out: float = 0.0) -> int:
        """The ``epochs`` to give ``Trainer.fit``: ``requested`` when it is a count, else the adaptive
        budget's ceiling for ``examples`` in batches of ``batch_size``, less the share ``held_out``
        that ``Trainer``'s ``validation_split`` keeps for validation.

        >>> budget_callback(None).fit_epochs(None, 100, 32, held_out=0.2)   # 80 examples: 3 steps an epoch
        500
        >>> budget_callback(7).fit_epochs(7, 100, 32)
        7
        """
        if requested is not None:
            return int(requested)
        fitted = int(examples) - int(int(examples) * held_out)
        return self.rule.ceiling_epochs(-(-fitted // int(batch_size)))


def budget_callback(epochs, *, patience: int | None = None, time_budget=None,
                    rule: BudgetRule | None = None) -> TrainingBudget:
    """The ``TrainingBudget`` of a task's fit: ``epochs=None`` makes it adaptive (the task's
    ``patience``, else the rule's), an explicit count only records the run and applies ``time_budget``.
    Give ``fit`` ``callback.fit_epochs(epochs, examples, batch_size)``.

    >>> budget_callback(None, patience=5).rule.patience, budget_callback(20).adaptive
    (5, False)
    """
    if rule is None:
        rule = replace(DEFAULT_RULE, patience=int(patience)) if patience else DEFAULT_RULE
    return TrainingBudget(rule, time_budget=time_budget, adaptive=epochs is None)
