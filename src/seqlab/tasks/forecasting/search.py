"""How the Forecaster is tuned (``Forecaster.tune``, ``seqlab tune forecast``).

The Forecaster keeps its test rows at the end of the series (``test_size``). A trial sees only
the rows before them: it trains on the earlier part (stopping early on its own validation rows,
``validation_split``) and is scored by the RMSE of its forecasts of the last rows before the
test rows, as many as the test rows. The winner is refitted on the whole series the usual way,
which scores it on the test rows once.

>>> import optuna
>>> from seqlab.tasks.forecasting.forecaster import Forecaster
>>> trial = optuna.trial.FixedTrial({"lookback": 24, "units": 32, "num_layers": 1, "dropout": 0.0,
...                                  "learning_rate": 0.001, "batch_size": 32})
>>> sorted(ForecasterSearch().sample(trial, Forecaster("gru")))
['batch_size', 'dropout', 'learning_rate', 'lookback', 'num_layers', 'units']
"""
from __future__ import annotations

from seqlab.data.series import split_rows
from seqlab.io.errors import ConfigError
from seqlab.models.forecasting import BASELINES
from seqlab.tasks.tuning.space import Param, Search, suggest_all

NETWORK_SPACE = [Param("units", 8, 128, log=True, integer=True), Param("num_layers", 1, 3, integer=True),
                 Param("dropout", 0.0, 0.5), Param("learning_rate", 1e-4, 1e-2, log=True),
                 Param("batch_size", choices=(16, 32, 64))]
NO_LAYERS = ("linear", "mlp", "esn", "seq2seq", "bilstm")   # their depth is fixed by the architecture


def _rows(data, stop: int):
    return data.iloc[:stop] if hasattr(data, "iloc") else data[:stop]


class ForecasterSearch(Search):
    """Lookback window, units, layers, dropout, learning rate and batch size (seed 002's list)."""

    objective = "validation RMSE (the rows before the test rows)"
    test_metric = "rmse"
    own_test = True   # the refit scores the Forecaster's own test rows

    def sample(self, trial, task, choices=None):
        if task.model in BASELINES:
            raise ConfigError(f"model {task.model!r} has no hyperparameters to tune; choose a network")
        lookback = int(task.lookback)
        space = [Param("lookback", max(2, lookback // 2), max(4, lookback * 3), integer=True)]
        space += [p for p in NETWORK_SPACE if not (p.name == "num_layers" and task.model in NO_LAYERS)]
        return suggest_all(trial, space, choices)

    def holdout(self, task, X, y):
        if task.time_col is not None and hasattr(X, "sort_values"):
            X = X.sort_values(task.time_col, kind="stable")
        rows = len(X)
        _, val_end = split_rows(rows, task.validation_split, 0.2 if task.test_size is None else task.test_size)
        n_test = rows - val_end
        return [(_rows(X, val_end), n_test)]   # the trial's series; its last n_test rows score it

    def fit_trial(self, task, fit_data, validation):
        task.set_params(test_size=int(validation))
        task.fit(fit_data)
        info = {"validation_mae": float(task.metrics_["mae"]),
                "validation_naive_rmse": float(task.metrics_["baseline"]["rmse"])}
        if task.history_.get("loss"):
            info["epochs_run"] = len(task.history_["loss"])
        return float(task.metrics_["rmse"]), info

    def refit(self, task, X, y, info):
        return task.fit(X)

    def test_scores(self, task, test) -> dict:
        return dict(task.metrics_)
