"""Checking that in-memory data (a DataFrame or an array) is numbers a model can train on.

>>> numeric_array([[1, 2], [3, 4]]).dtype
dtype('float64')
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from seqlab.io.errors import DataError


def numeric_array(X, dtype=np.float64, what: str = "data", table: bool = False) -> np.ndarray:
    """``X`` (DataFrame or array-like ``(n, ...)``) as a finite array of ``dtype``, else DataError.

    A 1-D ``X`` becomes one column ``(n, 1)``. ``table=True`` requires exactly ``(rows, features)``
    with at least one row; otherwise any non-empty shape passes. ``what`` names the data in the
    messages (text columns of a DataFrame, text values, an empty or mis-shaped array, NaN/inf).

    >>> numeric_array(np.arange(3), np.float32).shape
    (3, 1)
    >>> numeric_array(pd.DataFrame({"a": [1.0, np.nan]}))
    Traceback (most recent call last):
    ...
    seqlab.io.errors.DataError: data contains NaN or inf; fill or drop those rows first
    """
    if isinstance(X, pd.DataFrame):
        text = [str(c) for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
        if text:
            raise DataError(f"{what} has non-numeric columns {text}; drop or encode them first")
        X = X.to_numpy()
    try:
        arr = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be numeric; drop or encode text columns first") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if table and (arr.ndim != 2 or len(arr) == 0):
        raise DataError(f"{what} must be a non-empty table (rows, features), got shape {arr.shape}")
    if arr.size == 0 and not table:
        raise DataError(f"{what} is empty")
    if not np.isfinite(arr).all():
        raise DataError(f"{what} contains NaN or inf; fill or drop those rows first")
    return arr


def numeric_samples(X, batch_size: int | None = None, what: str = "data") -> np.ndarray:
    """``X`` (DataFrame or array ``(n, ...)``) as finite float32 samples, else DataError; with
    ``batch_size``, at least that many rows."""
    arr = numeric_array(X, np.float32, what)
    if batch_size is not None and len(arr) < int(batch_size):
        raise DataError(f"{what} has {len(arr)} rows, fewer than batch_size={batch_size}; "
                        "give more rows or lower batch_size")
    return arr


def numeric_matrix(X, what: str = "data") -> np.ndarray:
    """``X`` (DataFrame or array-like) as a finite float64 ``(n, features)`` array, or DataError."""
    return numeric_array(X, np.float64, what, table=True)
