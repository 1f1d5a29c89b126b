"""What a search space is made of: ``Param`` (one hyperparameter, its range and its scale) and
``Search`` (how one task class is tuned: its space, the validation hold-out of a trial, the
trial's score, the refit of the winner and its test score).

Each task family keeps its ``Search`` classes beside its tasks (``tasks/classification/search.py``,
...); ``seqlab.tasks.tuning.registry`` names them. The spaces draw on seed 002's list of the
hyperparameters worth searching: number of layers and of units, learning rate, mini-batch size,
dropout (regularisation), and for series the lookback window.

>>> import optuna
>>> trial = optuna.trial.FixedTrial({"units": 32, "learning_rate": 0.01})
>>> Param("units", 8, 128, log=True, integer=True).suggest(trial)
32
>>> Param("learning_rate", 1e-4, 1e-2, log=True).suggest(trial)
0.01
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One hyperparameter: the task's constructor argument ``name`` and its candidates.

    Args:
        name: the constructor argument (``units``, ``learning_rate``, ...).
        low, high: the range of a numeric parameter (both ends included).
        log: sample on a log scale (learning rates, widths).
        integer: sample integers.
        choices: a categorical parameter's candidates (numbers or strings) instead of a range.
        scope: a prefix for the study's name of the parameter (``"transformer"``: ``transformer.units``)
            when its range depends on another choice: Optuna needs one range per name.
    """
    name: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    integer: bool = False
    choices: tuple | None = None
    scope: str | None = None

    @property
    def key(self) -> str:
        """The parameter's name in the study."""
        return f"{self.scope}.{self.name}" if self.scope else self.name

    def suggest(self, trial) -> Any:
        """The value ``trial`` (an ``optuna.Trial``) proposes for this parameter."""
        if self.choices is not None:
            return trial.suggest_categorical(self.key, list(self.choices))
        if self.integer:
            return trial.suggest_int(self.key, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.key, float(self.low), float(self.high), log=self.log)


def constructor_names(params: dict) -> dict:
    """Study parameter names to constructor argument names (``transformer.units`` -> ``units``).

    >>> constructor_names({"transformer.units": 32, "dropout": 0.1})
    {'units': 32, 'dropout': 0.1}
    """
    return {k.rsplit(".", 1)[-1]: v for k, v in params.items()}


def rounded(params: dict) -> dict:
    """``params`` with floats cut to 3 significant digits, so a configuration reads (and reruns from
    a command line) as it was trained.

    >>> rounded({"learning_rate": 0.0012345678, "units": 64})
    {'learning_rate': 0.00123, 'units': 64}
    """
    return {k: float(f"{v:.3g}") if isinstance(v, float) else v for k, v in params.items()}


def suggest_all(trial, params: list[Param], choices: dict | None = None) -> dict:
    """``{name: value}`` for every ``Param`` (floats ``rounded``); ``choices`` replaces a parameter's
    candidates by a list (a one-element list fixes it)."""
    out = {}
    for p in params:
        if choices and p.name in choices:
            p = Param(p.name, choices=tuple(choices[p.name]), scope=p.scope)
        out[p.name] = p.suggest(trial)
    return rounded(out)


class Search:
    """How one task class is tuned. A subclass implements:

    - ``sample(trial, task, choices) -> dict``: the trial's constructor arguments (raw Optuna values).
    - ``holdout(task, X, y) -> [(fit_data, validation), ...]``: the training data of a trial and the
      data its score is measured on, both taken from the training data only: one pair, or one per
      fold of a cross-validation (the trial's value is then the mean over the folds).
    - ``fit_trial(task, fit_data, validation) -> (value, info)``: train ``task`` (already set to the
      trial's arguments) and return its validation score (lower is better) and a JSON-friendly
      record (``info["epochs"]``: the epoch count the refit should use, if any).
    - ``aggregate(values, infos) -> value``: the trial's value from the folds' (default: their mean).
    - ``combine(infos) -> info``: one record from the folds' (default: the first fold's).
    - ``pruning_scores(task, validation)``: None (default: the pruner reads the validation score
      the training budget watches), or a context manager factory ``scores(listen)`` that calls
      ``listen(score, evaluation, may_prune)`` after each epoch of the first fold's fit.
    - ``refit(task, X, y, info)``: train the winner on all the training data.
    - ``ensemble(study)``: None (default: the winner alone is refitted), or ``[(trial number, nets),
      ...]`` (best trial first) for ``refit_ensemble(task, X, y, [(params, nets), ...])`` to refit and
      average instead.
    - ``test_scores(task, test) -> dict``: the refitted winner's scores on the test split.

    ``decode(params)`` turns the study's parameters (names and raw values) into constructor arguments (a categorical of
    strings standing for tuples); ``objective`` names the trial value, ``test_metric`` the headline
    test score.
    """

    objective = "validation loss"
    test_metric = "accuracy"

    def sample(self, trial, task, choices: dict | None = None) -> dict:
        raise NotImplementedError

    def decode(self, params: dict) -> dict:
        return constructor_names(params)

    def holdout(self, task, X, y):
        raise NotImplementedError

    def fit_trial(self, task, fit_data, validation) -> tuple[float, dict]:
        raise NotImplementedError

    def aggregate(self, values: list[float], infos: list[dict]) -> float:
        return float(sum(values) / len(values))

    def combine(self, infos: list[dict]) -> dict:
        return dict(infos[0])

    def pruning_scores(self, task, validation):
        return None

    def refit(self, task, X, y, info: dict):
        raise NotImplementedError

    def ensemble(self, study) -> list[tuple[int, int]] | None:
        return None

    def refit_ensemble(self, task, X, y, members: list[tuple[dict, int]]):
        raise NotImplementedError

    def test_scores(self, task, test) -> dict:
        raise NotImplementedError
