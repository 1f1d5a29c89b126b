"""Per-column scalers, fitted on the training split only, with a JSON state.

Fit on the training rows (``scaler.fit(x[split.train])``) and only transform the rest, so the
leak in the seeds' price examples (scaling over the whole series) cannot happen by default.
``inverse_transform(y, column=j)`` maps one column back, which forecasting needs when a model
predicts only the target column of a multi-column scaler.

>>> import numpy as np
>>> s = MinMaxScaler().fit(np.array([[0.0, 10.0], [2.0, 30.0]]))
>>> s.transform(np.array([[1.0, 20.0]]))
array([[0.5, 0.5]])
>>> s.inverse_transform(np.array([0.5, 1.0]), column=1)
array([20., 30.])
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from seqlab.io.errors import ConfigError, DataError, NotFittedError


def _like(out: np.ndarray, x) -> np.ndarray:
    """``out`` as float32 if ``x`` was float32 (computed in float64 either way)."""
    return out.astype(np.float32) if getattr(x, "dtype", None) == np.float32 else out


class _Scaler:
    """Shared machinery: ``x * scale_ + offset_`` per column, and its inverse."""

    kind = ""

    def _params(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise AttributeError  # pragma: no cover - every subclass defines it

    def fit(self, x):
        """Learn per-column parameters from ``x`` of shape ``(rows,)`` or ``(rows, features)``
        (NumPy or pandas; a DataFrame's column names are kept for ``column=``). Returns self."""
        self.columns_ = [str(c) for c in x.columns] if isinstance(x, pd.DataFrame) else None
        values = self._as_2d(x, fitting=True)
        if len(values) == 0:
            raise DataError("cannot fit a scaler on 0 rows; give it the training split")
        if not np.isfinite(values).all():
            raise DataError("cannot fit a scaler on data with NaN or inf; fill or drop them first "
                            "(read_csv(..., fill='ffill'))")
        self.n_features_in_ = values.shape[1]
        self.scale_, self.offset_ = self._params(values)
        return self

    def fit_transform(self, x) -> np.ndarray:
        """``fit(x)`` then ``transform(x)``."""
        return self.fit(x).transform(x)

    def transform(self, x) -> np.ndarray:
        """Scale ``x`` (same layout as in ``fit``); returns an array of ``x``'s shape, float32 for
        float32 input (so it feeds a model directly), else float64."""
        self._check_fitted()
        values = self._as_2d(x)
        out = values * self.scale_ + self.offset_
        return _like(out.reshape(np.shape(x)) if np.ndim(x) == 1 else out, x)

    def inverse_transform(self, x, column=None) -> np.ndarray:
        """Undo ``transform``.

        With ``column=None``, ``x`` has the fitted layout ``(rows, features)`` (or ``(rows,)`` for
        one feature). With ``column=j`` (an index, or a column name if fitted on a DataFrame),
        ``x`` is any-shaped values of that one column, e.g. predictions of shape ``(n, horizon)``.
        """
        self._check_fitted()
        if column is not None:
            j = self._column_index(column)
            return _like((np.asarray(x, dtype=np.float64) - self.offset_[j]) / self.scale_[j], x)
        values = self._as_2d(x)
        out = (values - self.offset_) / self.scale_
        return _like(out.reshape(np.shape(x)) if np.ndim(x) == 1 else out, x)

    def to_dict(self) -> dict:
        """The fitted state as plain JSON types (for ``preprocessing.json``)."""
        self._check_fitted()
        return {"class_name": type(self).__name__, "config": self._config(), "columns": self.columns_,
                "scale": self.scale_.tolist(), "offset": self.offset_.tolist()}

    def to_json(self) -> str:
        """The fitted state as a JSON string; ``from_json`` rebuilds an identical scaler."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, state: dict):
        """Rebuild a fitted scaler from ``to_dict()``'s output."""
        if not isinstance(state, dict) or state.get("class_name") != cls.__name__:
            raise DataError(f"not a {cls.__name__} state: {str(state)[:80]}")
        scaler = cls(**state["config"])
        scaler.columns_ = state["columns"]
        scaler.scale_ = np.asarray(state["scale"], dtype=np.float64)
        scaler.offset_ = np.asarray(state["offset"], dtype=np.float64)
        if scaler.scale_.ndim != 1 or scaler.scale_.shape != scaler.offset_.shape or not len(scaler.scale_) or (
                not np.isfinite(scaler.scale_).all() or not np.isfinite(scaler.offset_).all()
                or (scaler.scale_ == 0).any()):
            raise DataError(f"a saved {cls.__name__} needs one finite, non-zero scale and one finite offset per "
                            f"column; got scale {state['scale']!r:.60} and offset {state['offset']!r:.60}")
        scaler.n_features_in_ = len(scaler.scale_)
        return scaler

    @classmethod
    def from_json(cls, text):
        """Rebuild a fitted scaler from ``to_json()``'s string (or its parsed dict)."""
        return cls.from_dict(json.loads(text) if isinstance(text, str) else text)

    def _check_fitted(self):
        if not hasattr(self, "scale_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(train) first")

    def _column_index(self, column) -> int:
        if isinstance(column, str):
            if not self.columns_ or column not in self.columns_:
                raise ConfigError(f"column {column!r} not among the fitted columns: {self.columns_}")
            return self.columns_.index(column)
        if not -self.n_features_in_ <= column < self.n_features_in_:
            raise ConfigError(f"column {column} out of range for a scaler of {self.n_features_in_} column(s)")
        return int(column) % self.n_features_in_

    def _as_2d(self, x, fitting: bool = False) -> np.ndarray:
        try:
            values = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise DataError(f"scalers need numbers: {e}") from None
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise DataError(f"scalers take (rows,) or (rows, features), got shape {values.shape}; "
                            "use column= to invert one column of any shape")
        if not fitting and values.shape[1] != self.n_features_in_:
            raise DataError(f"got {values.shape[1]} column(s), the scaler was fitted on {self.n_features_in_}")
        return values


class MinMaxScaler(_Scaler):
    """Scale each column to ``feature_range`` using its training min and max.

    ``x_scaled = (x - min) / (max - min) * (hi - lo) + lo``; a constant column maps to ``lo``.
    Fitted attributes: ``data_min_``, ``data_max_``, ``scale_``, ``offset_`` (each ``(features,)``).

    >>> import numpy as np
    >>> MinMaxScaler().fit_transform(np.array([1.0, 3.0, 5.0]))
    array([0. , 0.5, 1. ])
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)):
        self.feature_range = feature_range

    def _config(self) -> dict:
        return {"feature_range": list(self.feature_range)}

    def _params(self, x):
        lo, hi = self.feature_range
        if not lo < hi:
            raise ConfigError(f"feature_range must be (low, high) with low < high, got {self.feature_range}")
        self.data_min_, self.data_max_ = x.min(axis=0), x.max(axis=0)
        span = self.data_max_ - self.data_min_
        constant = span < 10 * np.finfo(np.float64).eps      # scikit-learn's rule for a zero range
        scale = (hi - lo) / np.where(constant, 1.0, span)
        return scale, lo - self.data_min_ * scale


class StandardScaler(_Scaler):
    """Scale each column to zero mean and unit variance over the training rows.

    ``x_scaled = (x - mean) / std`` (population std, ddof=0, as scikit-learn); a constant
    column keeps std 1. Fitted attributes: ``mean_``, ``std_``, ``scale_``, ``offset_``.

    >>> import numpy as np
    >>> StandardScaler().fit_transform(np.array([1.0, 3.0]))
    array([-1.,  1.])
    """

    def _config(self) -> dict:
        return {}

    def _params(self, x):
        self.mean_ = x.mean(axis=0)
        var = x.var(axis=0)
        n, eps = len(x), np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * self.mean_ * eps) ** 2     # scikit-learn's round-off bound
        self.std_ = np.where(constant, 1.0, np.sqrt(var))
        return 1.0 / self.std_, -self.mean_ / self.std_


SCALERS = {"minmax": MinMaxScaler, "standard": StandardScaler}


class ScaledData:
    """Fit/apply a scaler (``kind``: None, "minmax" or "standard") over the feature axis (the last
    axis), or over every value at once with ``global_scale=True`` (images); ``state()`` /
    ``from_state`` give and take a JSON-friendly dict."""

    def __init__(self, kind: str | None, global_scale: bool):
        if kind not in (None, *SCALERS):
            raise ConfigError(f"scale must be None, 'minmax' or 'standard', got {kind!r}")
        self.kind, self.global_scale, self.scaler = kind, global_scale, None

    def _flat(self, X):
        return X.reshape(-1, 1) if self.global_scale else X.reshape(-1, X.shape[-1])

    def fit(self, X):
        if self.kind:
            self.scaler = SCALERS[self.kind]().fit(self._flat(X))
        return self

    def transform(self, X):
        return X if self.scaler is None else self.scaler.transform(self._flat(X)).reshape(X.shape).astype(np.float32)

    def inverse(self, X):
        return X if self.scaler is None else self.scaler.inverse_transform(self._flat(X)).reshape(X.shape)

    def state(self):
        return {"kind": self.kind, "global": self.global_scale,
                "scaler": None if self.scaler is None else self.scaler.to_dict()}

    @classmethod
    def from_state(cls, state):
        obj = cls(state["kind"], state["global"])
        if state["scaler"] is not None:
            obj.scaler = SCALERS[state["kind"]].from_dict(state["scaler"])
        return obj
