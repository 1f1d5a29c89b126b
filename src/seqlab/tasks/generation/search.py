"""How the CharGenerator and the GAN are tuned (``task.tune``, ``seqlab tune generate|synth``).

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

import numpy as np

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


TRIAL_METRIC_ITERATIONS, TEST_METRIC_ITERATIONS = 500, 2000   # steps of the post-hoc GRU discriminator
GAN_SPACE = [Param("units", 16, 256, log=True, integer=True), Param("learning_rate", 1e-4, 1e-2, log=True),
             Param("batch_size", choices=(32, 64, 128))]
TIMEGAN_SPACE = [Param("hidden", 12, 64, log=True, integer=True), Param("learning_rate", 3e-4, 3e-3, log=True),
                 Param("batch_size", choices=(64, 128, 256))]       # the paper: 24, 1e-3, 128


def time_split(windows, share: float = 0.2):
    """``(earlier, later)`` windows of one series (stride 1): the later ``share`` and the earlier ones
    that end before the first of them begins, so no row is in both.

    >>> import numpy as np
    >>> early, late = time_split(np.zeros((100, 10, 1)))
    >>> len(early), len(late)
    (71, 20)
    """
    n, length = len(windows), windows.shape[1]
    cut = n - max(1, int(n * share))
    return windows[:max(1, cut - length + 1)], windows[cut:]


class GANSearch(Search):
    """Units, learning rate and batch size of a sequence GAN. A GAN has no validation curve to prune
    by: every trial trains its epochs, then is scored by TimeGAN's discriminative score (``|accuracy
    - 0.5|`` of a GRU telling real windows from generated ones, 0 is best) against the latest 20% of
    the training windows, which it did not train on."""

    objective = "validation discriminative score"
    test_metric = "discriminative_score"

    def sample(self, trial, task, choices=None):
        return suggest_all(trial, GAN_SPACE, choices)

    def holdout(self, task, X, y):
        return [time_split(np.asarray(X, dtype=np.float32))]

    def fit_trial(self, task, fit_data, validation):
        from seqlab.tasks.generation.metrics import discriminative_score

        task.fit(fit_data)
        fake = np.clip(task.sample(len(validation), seed=task.seed), 0.0, 1.0)
        return discriminative_score(validation, fake, TRIAL_METRIC_ITERATIONS, seed=task.seed), {}

    def refit(self, task, X, y, info):
        return task.fit(X)

    def test_scores(self, task, test) -> dict:
        """``test``: real windows, or ``{"windows": ..., "metric_iterations": n}``."""
        from seqlab.tasks.generation.metrics import discriminative_score

        windows, iterations = (test["windows"], test["metric_iterations"]) if isinstance(test, dict) else (
            test, TEST_METRIC_ITERATIONS)
        fake = np.clip(task.sample(len(windows), seed=task.seed), 0.0, 1.0)
        return {"discriminative_score": discriminative_score(windows, fake, iterations, seed=task.seed)}


class TimeGANSearch(GANSearch):
    """TimeGAN's latent width (``hidden``), learning rate and batch size, around the paper's 24, 1e-3
    and 128; every trial runs the task's three phases and is scored as ``GANSearch`` scores."""

    def sample(self, trial, task, choices=None):
        return suggest_all(trial, TIMEGAN_SPACE, choices)
