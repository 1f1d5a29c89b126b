"""Ensemble selection over a study's trials (Caruana, Niculescu-Mizil, Crew and Ksikes, "Ensemble
selection from libraries of models", ICML 2004), as auto-sklearn and AutoGluon build their final
model: start from nothing, and ``rounds`` times add the trial (repeats allowed) whose out-of-fold
predictions most lower the log loss of the averaged predictions. The first pick is the best single
trial; a later pick of the same trial weights it more.

Only each example's probability of its true class is needed: the log loss of an average of
probability vectors is the mean of ``-log`` of the averaged true-class probabilities.

>>> p_true = np.array([[0.9, 0.6, 0.9], [0.6, 0.9, 0.9], [0.5, 0.5, 0.5]])   # 3 trials x 3 examples
>>> greedy_selection(p_true, rounds=4)
[0, 1, 0, 1]
"""
from __future__ import annotations

import numpy as np

OOF_KEY = "oof_p_true"   # the trial's out-of-fold probability of each training example's true class
MAX_STORED = 5000        # store them (a user attribute of the trial) up to this many examples


def log_loss_of(p_true: np.ndarray) -> float:
    """Mean ``-log p`` of true-class probabilities, clipped to ``[eps, 1 - eps]`` as scikit-learn clips.

    >>> round(log_loss_of(np.array([0.5, 1.0])), 4)
    0.3466
    """
    eps = np.finfo(np.float64).eps
    return float(-np.log(np.clip(np.asarray(p_true, dtype=np.float64), eps, 1 - eps)).mean())


def greedy_selection(p_true: np.ndarray, rounds: int) -> list[int]:
    """Row indices of ``p_true`` (trials x examples), one per round, chosen greedily with replacement
    to minimise the log loss of the averaged rows; ties go to the lower index (list trials best first)."""
    p_true = np.asarray(p_true, dtype=np.float64)
    if p_true.ndim != 2 or len(p_true) == 0:
        raise ValueError(f"need a (trials, examples) array, got shape {p_true.shape}")
    picks: list[int] = []
    total = np.zeros(p_true.shape[1])
    for r in range(rounds):
        losses = [log_loss_of((total + row) / (r + 1)) for row in p_true]
        best = int(np.argmin(losses))
        picks.append(best)
        total += p_true[best]
    return picks


def select_trials(study, rounds: int) -> list[tuple[int, int]] | None:
    """``[(trial number, picks), ...]`` (in the order first picked) chosen by ``greedy_selection`` among the
    study's finished trials that stored out-of-fold predictions of the same examples; None when
    fewer than two such trials exist.

    The trials are listed best first, so the first pick is the study's best trial (its value is
    the same out-of-fold log loss).
    """
    trials = [t for t in study.get_trials(deepcopy=False)
              if t.state.name == "COMPLETE" and isinstance(t.user_attrs.get(OOF_KEY), list)
              and t.value is not None and np.isfinite(t.value)]
    if len(trials) < 2:
        return None
    trials.sort(key=lambda t: (t.value, t.number))
    n = len(trials[0].user_attrs[OOF_KEY])
    trials = [t for t in trials if len(t.user_attrs[OOF_KEY]) == n]
    picks = greedy_selection(np.array([t.user_attrs[OOF_KEY] for t in trials]), rounds)
    counts: dict[int, int] = {}
    for i in picks:                     # in the order of first pick: the best trial first
        counts[trials[i].number] = counts.get(trials[i].number, 0) + 1
    return list(counts.items())


def selection_log_loss(study, picks: list[tuple[int, int]]) -> float:
    """The out-of-fold log loss of the weighted average the picks stand for."""
    by_number = {t.number: t for t in study.get_trials(deepcopy=False)}
    rows = [np.asarray(by_number[n].user_attrs[OOF_KEY], dtype=np.float64) * k for n, k in picks]
    return log_loss_of(np.sum(rows, axis=0) / sum(k for _, k in picks))
