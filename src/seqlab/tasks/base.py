"""The base every task estimator shares: scikit-learn-style parameters, a fitted check, the one
spelling of the training arguments, seeded randomness, and ``save(dir)`` / ``load(dir)`` through
model directories (JSON + safetensors, never pickle).

A task takes one positional argument (the model or the size), the rest keyword-only, stores every
argument as given and validates it in ``fit``. It implements two methods:

- ``_get_state() -> (config: dict, tensors: dict, preprocessing: dict)``: everything learned.
- ``_set_state(config, tensors, preprocessing)``: restore it onto an instance made from the saved
  constructor parameters.

and is listed in ``seqlab.tasks.registry.TASK_MODULES`` (class name -> module) so ``load`` can find it.

>>> class Mean(Task):
...     def __init__(self, scale=1.0, *, learning_rate=0.1):
...         self.scale, self.learning_rate = scale, learning_rate
...     def fit(self, x):
...         self.mean_ = float(sum(x) / len(x)) * self.scale
...         return self
...     def _get_state(self):
...         return {}, {}, {"mean": self.mean_}
...     def _set_state(self, config, tensors, preprocessing):
...         self.mean_ = preprocessing["mean"]
>>> Mean(2.0).fit([1, 2, 3]).mean_
4.0
>>> Mean(2.0), Mean()
(Mean(scale=2.0), Mean())
>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     Mean(lr=0.5).get_params()
{'scale': 1.0, 'learning_rate': 0.5}
>>> print(caught[0].message)
Mean(lr=...) is deprecated; use learning_rate=... (the old spelling will be removed in a later release)
"""
from __future__ import annotations

import functools
import inspect
import warnings
from pathlib import Path
from typing import Any

from seqlab.io.errors import ConfigError, ModelFileError, NotFittedError
from seqlab.io.modeldir import load_model_dir, save_model_dir
from seqlab.tasks.rebuild import check_params, check_state, rebuild
from seqlab.tasks.registry import TASK_MODULES, task_class
from seqlab.train.compiling import compiling
from seqlab.train.threads import using_threads

# The training arguments every task spells the same way (Keras's words), with their one description.
# A task docstring names the ones it takes and adds only what is particular to it.
TRAINING_ARGUMENTS = {
    "epochs": "passes over the training data; None (where it is the default) is the adaptive budget of "
              "``seqlab.train.budget``: train until the validation score stops improving, with a floor of "
              "optimiser steps and a ceiling.",
    "batch_size": "samples per gradient step.",
    "learning_rate": "the optimiser's step size; None takes the task's default (Adam's 0.001 unless the task "
                     "says otherwise).",
    "patience": "early stopping: epochs without a lower validation loss before training stops; the weights of "
                "the best epoch are kept.",
    "validation_split": "the share of the training data held out to measure the validation loss (0: none).",
    "seed": "makes a fit repeatable: initial weights, shuffling, dropout and noise come from generators seeded "
            "with it, and torch's global random state is left as it was. None draws from torch's global "
            "generator, as plain PyTorch does.",
    "verbose": "0 is silent; 1 (or True) reports progress while training.",
    "time_budget": "wall time for training (seconds, or ``\"90s\"``, ``\"10m\"``, ``\"1h\"``): training stops before "
                   "it is spent, keeping the best weights so far; ``training_`` says so. None: no limit.",
}
# Every task's ``fit`` also takes ``threads=``: CPU threads torch trains with (None: one, the measured
# default of ``seqlab.train.threads``; ``"all"``: every core), and ``compile=``: True or a
# ``torch.compile`` mode runs the task's Trainer-driven networks compiled (``seqlab.train.compiling``).

# Old spellings of constructor arguments, accepted for one release with a DeprecationWarning (and
# silently in saved model directories, whose config.json keeps the names they were written with).
RENAMED_ARGUMENTS = {
    "lr": "learning_rate",
    "lr_schedule": "learning_rate_schedule",
    "val_size": "validation_split",
}


def _parameters(init) -> dict[str, inspect.Parameter]:
    return {name: p for name, p in list(inspect.signature(init).parameters.items())[1:]}


def _renamed(names, params: dict[str, Any], owner: str) -> tuple[dict[str, Any], list[str]]:
    """``params`` with old spellings replaced by the names in ``names``; and the old names used."""
    old = [k for k in params if k not in names and RENAMED_ARGUMENTS.get(k) in names]
    out = dict(params)
    for k in old:
        new = RENAMED_ARGUMENTS[k]
        if new in params:
            raise TypeError(f"{owner}() got both {k}= and {new}=; give {new}= only")
        out[new] = out.pop(k)
    return out, old


def _accepting_old_spellings(init, owner: str):
    """Wrap a task's ``__init__`` so renamed keywords and arguments given by position after the
    positional ones still work, each with one DeprecationWarning. The signature seen by
    ``inspect.signature`` (and so ``get_params`` and ``sklearn.base.clone``) stays ``init``'s."""
    params = _parameters(init)
    positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    keyword_only = [n for n, p in params.items() if p.kind is p.KEYWORD_ONLY]

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if len(args) > len(positional) and len(args) <= len(positional) + len(keyword_only):
            extra = dict(zip(keyword_only, args[len(positional):]))
            clash = sorted(set(extra) & set(kwargs))
            if clash:
                raise TypeError(f"{owner}() got {clash[0]}= both by position and by keyword")
            warnings.warn(f"{owner}: passing {', '.join(extra)} by position is deprecated; pass "
                          f"{', '.join(f'{n}=' for n in extra)} by keyword", DeprecationWarning, stacklevel=2)
            args, kwargs = args[:len(positional)], {**kwargs, **extra}
        kwargs, old = _renamed(params, kwargs, owner)
        for k in old:
            warnings.warn(f"{owner}({k}=...) is deprecated; use {RENAMED_ARGUMENTS[k]}=... (the old spelling "
                          "will be removed in a later release)", DeprecationWarning, stacklevel=2)
        init(self, *args, **kwargs)

    __init__._accepts_old_spellings = True
    return __init__


def _with_run_options(fit):
    """Wrap a task's ``fit`` so it takes ``threads=`` (CPU threads torch trains with; None: the default rule
    of ``seqlab.train.threads``, one thread, or the count of an enclosing ``using_threads`` block) and
    ``compile=`` (True or a ``torch.compile`` mode: the task's networks train and predict compiled, see
    ``seqlab.train.compiling``; None: as an enclosing ``compiling`` block says, else eager)."""
    @functools.wraps(fit)
    def wrapped(self, *args, threads=None, compile=None, **kwargs):
        with using_threads(threads), compiling(compile):
            return fit(self, *args, **kwargs)

    wrapped._takes_threads = True
    return wrapped


class Task:
    """Base class of seqlab's estimators (Forecaster, TextClassifier, SOM, ...).

    Constructors take one positional argument, the rest keyword-only, and store each as given.
    ``repr`` shows the arguments that differ from the defaults, as scikit-learn prints an estimator.
    scikit-learn's tools (``clone``, ``cross_val_score``, ``GridSearchCV``, ``Pipeline``) take a task:
    ``_estimator_type`` says what kind it is (``"classifier"``, ``"regressor"`` or None), which
    ``sklearn.base.is_classifier`` reads (as ``__sklearn_tags__`` from scikit-learn 1.6) to choose
    stratified folds, and classifiers and regressors have scikit-learn's ``score(X, y)``.
    The shared training arguments (a task takes those that fit it; its docstring adds what is
    particular to it):
    """

    _estimator_type: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_accepts_old_spellings", False):
            cls.__init__ = _accepting_old_spellings(init, cls.__name__)
        fit = cls.__dict__.get("fit")
        if fit is not None and not getattr(fit, "_takes_threads", False):
            cls.fit = _with_run_options(fit)

    @classmethod
    def _param_names(cls) -> list[str]:
        return list(_parameters(cls.__init__))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments as given (scikit-learn convention; ``deep`` is accepted for
        ``sklearn.base.clone`` and changes nothing: a task holds no estimators as parameters)."""
        return {n: getattr(self, n) for n in self._param_names() if hasattr(self, n)}

    def set_params(self, **params) -> "Task":
        """Set constructor arguments by name (old spellings warn, as in the constructor); returns self."""
        names = self._param_names()
        params, old = _renamed(names, params, type(self).__name__)
        for k in old:
            warnings.warn(f"{type(self).__name__}.set_params({k}=...) is deprecated; use "
                          f"{RENAMED_ARGUMENTS[k]}=...", DeprecationWarning, stacklevel=2)
        unknown = sorted(set(params) - set(names))
        if unknown:
            raise ConfigError(f"{type(self).__name__} has no parameter {unknown[0]!r}; its parameters are: "
                              f"{', '.join(names)}")
        for k, v in params.items():
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in _parameters(type(self).__init__).items()}
        changed = [f"{n}={v!r}" for n, v in self.get_params().items()
                   if n not in defaults or repr(v) != repr(defaults[n])]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        """scikit-learn's description of this estimator (read by ``sklearn.base.is_classifier`` and the
        tools built on it from scikit-learn 1.6): its kind, and whether ``fit`` needs ``y``."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        kind = self._estimator_type
        return Tags(estimator_type=kind, target_tags=TargetTags(required=kind is not None),
                    classifier_tags=ClassifierTags() if kind == "classifier" else None,
                    regressor_tags=RegressorTags() if kind == "regressor" else None)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "Task":
        """An unfitted instance from saved constructor arguments; old spellings are mapped silently
        (model directories keep the names they were written with)."""
        params, _ = _renamed(cls._param_names(), params, cls.__name__)
        return cls(**params)

    def is_fitted(self) -> bool:
        return any(k.endswith("_") and not k.startswith("_") for k in vars(self))

    def _check_fitted(self) -> None:
        if not self.is_fitted():
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(...) first")

    def tune(self, X, y=None, *, trials: int | None = 20, time_budget=None, **options) -> "Task":
        """Search this task's hyperparameters with Optuna on training data ``(X, y)``, set the best
        and refit on all of ``(X, y)``; returns self, with ``tuning_`` (best parameters, trial
        counts, test scores when ``test=(X_test, y_test)`` is given) and ``study_``. The options
        (``workers``, ``storage``, ``pruner``, ``test``, ...) are ``seqlab.tasks.tuning.tune``'s."""
        from seqlab.tasks.tuning import tune

        return tune(self, X, y, trials=trials, time_budget=time_budget, **options)

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

    def export(self, path: str | Path, format: str = "onnx") -> Path:
        """Write the fitted network as ONNX to the directory ``path`` (``model.onnx`` and
        ``preprocessing.json``); return the path. A task that cannot be exported raises
        ``ExportError`` saying why in one line (see ``seqlab.tasks.export``)."""
        from seqlab.tasks.export import export_model  # export builds on this module's tasks

        self._check_fitted()
        return export_model(self, path, format)

    @classmethod
    def load(cls, path: str | Path) -> "Task":
        """Read an estimator saved by ``save``; ``Task.load`` accepts any registered task."""
        allowed = list(TASK_MODULES) if cls is Task else [cls.__name__]
        loaded = load_model_dir(path, allowed)
        klass = task_class(loaded.class_name)
        params = loaded.config.get("params", {})
        check_params(klass, params, path, RENAMED_ARGUMENTS)
        check_state(klass, loaded, path)

        def build(tensors):
            obj = klass.from_params(params)
            if hasattr(obj, "_check_params"):  # the task's own checks of its arguments, as fit makes them
                obj._check_params()
            obj._set_state(loaded.config, tensors, loaded.preprocessing)
            return obj

        obj = rebuild(loaded, build, path)
        return obj


Task.__doc__ += "".join(f"\n        {name}: {text}" for name, text in TRAINING_ARGUMENTS.items())


class Regressor:
    """Mixin for a task that predicts numbers from ``X``: a regressor to scikit-learn, with its ``score``."""

    _estimator_type = "regressor"

    def score(self, X, y, sample_weight=None) -> float:
        """R^2 of ``predict(X)`` against ``y`` (weighted by ``sample_weight`` if given; averaged over
        columns when ``y`` has several): scikit-learn's regressor ``score``. Returns a float, 1 at best."""
        from sklearn.metrics import r2_score

        return float(r2_score(y, self.predict(X), sample_weight=sample_weight))
