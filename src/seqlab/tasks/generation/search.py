"""How the CharGenerator is tuned (``CharGenerator.tune``, ``seqlab tune generate``).

The generator holds out its own test items (lines) or the last 10% of a running text. A trial
sees only the training part: it trains on 90% of it and is scored by the held-out loss (nats per
character) of the rest. The winner is refitted on all the data the usual way, which scores it on
the test part once.

>>> import optuna
>>> from seqlab.tasks.generation.generator import CharGenerator
>>> trial = optuna.trial.FixedTrial({"n_embd": 32, "units": 128, "n_layer": 1, "dropout": 0.1,
...                                  "learning_rate": 0.003, "batch_size": 64})
>>> sorted(CharGeneratorSearch().sample(trial, CharGenerator("gru")))
['batch_size', 'dropout', 'learning_rate', 'n_embd', 'n_layer', 'units']
"""
from __future__ import annotations

from seqlab.tasks.generation.generator import split_items
from seqlab.tasks.tuning.space import Param, Search, suggest_all

TRAINING = [Param("learning_rate", 5e-4, 1e-2, log=True), Param("batch_size", choices=(32, 64, 128))]
SPACES = {   # per backbone (seed 002: layers, units, dropout; the context is the lookback)
    "bigram": [Param("learning_rate", 0.01, 0.5, log=True)],
    "mlp": [Param("n_embd", choices=(16, 24, 32, 64)), Param("units", 64, 512, log=True, integer=True),
            ] + TRAINING,
    "transformer": [Param("n_embd", choices=(32, 64, 128)), Param("n_layer", 1, 6, integer=True),
                    Param("dropout", 0.0, 0.3)] + TRAINING,
}
RECURRENT = [Param("n_embd", choices=(16, 32, 64, 128)), Param("units", 32, 512, log=True, integer=True),
             Param("n_layer", 1, 3, integer=True), Param("dropout", 0.0, 0.3)] + TRAINING
BLOCK = Param("block_size", choices=(32, 64, 128))   # running text: the window a prediction sees
INNER_SPLIT_SEED = 1


class CharGeneratorSearch(Search):
    """Embedding width, units, layers, dropout, learning rate, batch size (and the window of a
    running text), per backbone."""

    objective = "validation loss (nats per character)"
    test_metric = "test_loss"
    own_test = True

    def sample(self, trial, task, choices=None):
        space = list(SPACES.get(task.model, RECURRENT))
        if not task.lines and task.model not in ("bigram", "mlp"):
            space.append(BLOCK)
        return suggest_all(trial, space, choices)

    def holdout(self, task, X, y):
        items = task._items(X)
        if task.lines:
            train, _ = split_items(items)
            return [split_items(train, seed=INNER_SPLIT_SEED)]
        train = items[:int(len(items) * 0.9)]
        cut = int(len(train) * 0.9)
        return [(train[:cut], train[cut:])]

    def fit_trial(self, task, fit_data, validation):
        task.fit(fit_data, validation=validation)
        return float(task.test_loss_), {"steps": int(task.steps_)}

    def refit(self, task, X, y, info):
        return task.fit(X)

    def test_scores(self, task, test) -> dict:
        return {"test_loss": float(task.test_loss_), "unit": "nats per character"}
