"""The base every task estimator shares: scikit-learn-style parameters, a fitted check, and
``save(dir)`` / ``load(dir)`` through model directories (JSON + safetensors, never pickle).

A task implements two methods:

- ``_get_state() -> (config: dict, tensors: dict, preprocessing: dict)``: everything learned.
- ``_set_state(config, tensors, preprocessing)``: restore it onto an instance made from the saved
  constructor parameters.

and is listed in ``seqlab.tasks.registry.TASK_MODULES`` (class name -> module) so ``load`` can find it.

>>> class Mean(Task):
...     def __init__(self, scale=1.0):
...         self.scale = scale
...     def fit(self, x):
...         self.mean_ = float(sum(x) / len(x)) * self.scale
...         return self
...     def _get_state(self):
...         return {}, {}, {"mean": self.mean_}
...     def _set_state(self, config, tensors, preprocessing):
...         self.mean_ = preprocessing["mean"]
>>> Mean(2.0).fit([1, 2, 3]).mean_
4.0
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from seqlab.io.errors import ModelFileError, NotFittedError
from seqlab.io.modeldir import load_model_dir, save_model_dir
from seqlab.tasks.registry import TASK_MODULES, task_class


class Task:
    """Base class of seqlab's estimators (Forecaster, TextClassifier, SOM, ...)."""

    def get_params(self) -> dict[str, Any]:
        """Constructor arguments as given (scikit-learn convention)."""
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names if hasattr(self, n)}

    def set_params(self, **params) -> "Task":
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def is_fitted(self) -> bool:
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _check_fitted(self) -> None:
        if not self.is_fitted():
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(...) first")

    # ----- persistence ---------------------------------------------------------------------
    def _get_state(self) -> tuple[dict, dict, dict]:
        raise NotFittedError(f"{type(self).__name__} cannot be saved")

    def _set_state(self, config: dict, tensors: dict, preprocessing: dict) -> None:
        raise ModelFileError(f"{type(self).__name__} cannot be loaded")

    def save(self, path: str | Path) -> Path:
        """Write the fitted estimator to the model directory ``path`` (atomic); return the path."""
        self._check_fitted()
        config, tensors, preprocessing = self._get_state()
        return save_model_dir(path, type(self).__name__, {"params": self.get_params(), **config},
                              tensors, preprocessing)

    @classmethod
    def load(cls, path: str | Path) -> "Task":
        """Read an estimator saved by ``save``; ``Task.load`` accepts any registered task."""
        allowed = list(TASK_MODULES) if cls is Task else [cls.__name__]
        loaded = load_model_dir(path, allowed)
        klass = task_class(loaded.class_name)
        params = loaded.config.get("params", {})
        try:
            obj = klass(**params)
            obj._set_state(loaded.config, loaded.tensors, loaded.preprocessing)
        except (TypeError, KeyError, RuntimeError, ValueError) as e:
            reason = " ".join(str(e).split())               # torch's state-dict errors span several lines
            reason = reason if len(reason) <= 300 else reason[:297] + "..."
            raise ModelFileError(f"{path} does not match this seqlab's {loaded.class_name} "
                                 f"(written by seqlab {loaded.seqlab_version or 'unknown'}): {reason}; "
                                 "re-train it with this seqlab") from None
        return obj

