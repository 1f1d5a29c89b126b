"""Hyperparameter search on Optuna for seqlab's tasks (``Task.tune``, ``seqlab tune``).

``tuner.tune`` runs the search; ``study`` keeps the study (storage, stale trials, workers);
``space`` says what a search space is; ``registry`` names each task class's ``Search``.
"""
from seqlab.tasks.tuning.tuner import refit_best, trial_counts, tune

__all__ = ["tune", "refit_best", "trial_counts"]
