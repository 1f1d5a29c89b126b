"""Estimators with fit/predict/evaluate/save/load, scikit-learn style, in four families:
``forecasting``, ``classification``, ``generation`` and ``unsupervised`` (which never import
each other). Also the Keras-style ``Sequential`` and ``load`` for any saved model.

Task classes are imported on first use from the fixed table ``TASK_MODULES``:

>>> from seqlab.tasks import SOM
>>> SOM(3, 3).x
3
"""
from __future__ import annotations

from seqlab.tasks.base import Task
from seqlab.tasks.functional import Input, Model
from seqlab.tasks.loading import load
from seqlab.tasks.registry import TASK_MODULES, task_class
from seqlab.tasks.sequential import Sequential


def __getattr__(name: str):
    if name in TASK_MODULES:
        return task_class(name)
    raise AttributeError(f"module 'seqlab.tasks' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["Sequential", "Model", "Input", "Task", "TASK_MODULES", "load", "task_class", *TASK_MODULES]
