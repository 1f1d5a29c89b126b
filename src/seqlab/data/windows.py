"""Supervised windows cut from a time series, as read-only strided views that copy nothing.

Window ``i`` starts at row ``s = i * stride``: its input is ``series[s : s + lookback]`` and its
target is the next ``horizon`` rows of the target columns, ``series[s + lookback : s + lookback + horizon]``.
Memory stays O(rows x features) however long the lookback: ``X`` and ``y`` are views of the
series, and a trainer gathers a batch with ``X[idx]`` (only the batch is copied).

>>> import numpy as np
>>> X, y = make_windows(np.arange(10.0), lookback=3, horizon=2)
>>> X.shape, y.shape
((6, 3, 1), (6, 2))
>>> X[0, :, 0], y[0]
(array([0., 1., 2.]), array([3., 4.]))
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from seqlab.io.errors import ConfigError, DataError


def make_windows(series, lookback: int, horizon: int = 1, stride: int = 1, targets=None):
    """Cut ``series`` into (input window, next values) pairs without copying it.

    Args:
        series: array-like of shape ``(rows,)`` or ``(rows, features)``, or a pandas
            Series/DataFrame (converted with ``to_numpy()``; keep it one dtype to avoid a copy).
        lookback: rows in each input window.
        horizon: rows to predict after each window (1 = many-to-one, >1 = multi-step).
        stride: rows between the starts of consecutive windows.
        targets: which columns ``y`` holds. ``None`` = every column; an int (or a column
            name for a DataFrame) = that one column; a list = those columns.

    Returns:
        ``(X, y)``, read-only NumPy views of the series:
        ``X`` has shape ``(n, lookback, features)`` (a 1-D series has ``features = 1``);
        ``y`` has shape ``(n, horizon)`` when the target is one column chosen by a scalar
        (or the series is 1-D and ``targets`` is None), else ``(n, horizon, len(targets))``.
        ``n = (rows - lookback - horizon) // stride + 1``. Both support ``len()`` and
        ``X[idx]`` with an integer index array (that gathers a batch, a copy of the batch only).

    Raises:
        DataError: the series is shorter than ``lookback + horizon`` rows, or not 1-D/2-D.
        ConfigError: ``lookback``, ``horizon`` or ``stride`` is not a positive integer, or a
            target column does not exist.

    A list of target columns that is not evenly spaced (e.g. ``[0, 3, 4]``) is gathered once into
    a ``(rows, len(targets))`` array; everything else is a view.

    >>> import numpy as np
    >>> s = np.arange(20.0).reshape(10, 2)           # 10 rows, 2 features
    >>> X, y = make_windows(s, lookback=4, horizon=1, targets=1)
    >>> X.shape, y.shape, float(y[0, 0])
    ((6, 4, 2), (6, 1), 9.0)
    """
    for name, value in (("lookback", lookback), ("horizon", horizon), ("stride", stride)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    columns = list(series.columns) if isinstance(series, pd.DataFrame) else None
    values = series.to_numpy() if isinstance(series, (pd.Series, pd.DataFrame)) else np.asarray(series)
    one_d = values.ndim == 1
    if one_d:
        values = values[:, None]
    if values.ndim != 2:
        raise DataError(f"series must be 1-D (rows,) or 2-D (rows, features), got shape {values.shape}")
    if not (np.issubdtype(values.dtype, np.number) or values.dtype == np.bool_):
        where = [c for c in columns if not pd.api.types.is_numeric_dtype(series[c])] if columns else []
        raise DataError(f"series must be numeric, got dtype {values.dtype}"
                        + (f" (non-numeric columns: {', '.join(map(str, where))})" if where else "")
                        + "; drop or encode those columns first")
    rows, features = values.shape
    if rows < lookback + horizon:
        raise DataError(f"series has {rows} rows but lookback={lookback} + horizon={horizon} needs at least "
                        f"{lookback + horizon}; use a shorter lookback/horizon or a longer series")

    target_values, squeeze = _target_columns(values, targets, columns, one_d)
    n = (rows - lookback - horizon) // stride + 1
    # sliding_window_view puts the window axis last: (rows - w + 1, features, w) -> (.., w, features)
    X = sliding_window_view(values, lookback, axis=0).transpose(0, 2, 1)[: n * stride : stride]
    y = sliding_window_view(target_values[lookback:], horizon, axis=0).transpose(0, 2, 1)[: n * stride : stride]
    if squeeze:
        y = y[:, :, 0]
    return X, y


def _target_columns(values: np.ndarray, targets, columns, one_d: bool):
    """Return (a (rows, k) view or array of the target columns, whether y drops its last axis)."""
    features = values.shape[1]
    if targets is None:
        return values, one_d
    scalar = np.isscalar(targets)
    wanted = [targets] if scalar else list(targets)
    if not wanted:
        raise ConfigError("targets is an empty list; give at least one column or None for all columns")
    index = []
    for t in wanted:
        if isinstance(t, str):
            if columns is None or t not in columns:
                there = ", ".join(map(str, columns)) if columns is not None else "none (not a DataFrame)"
                raise ConfigError(f"target column {t!r} not found; columns are: {there}")
            index.append(columns.index(t))
        elif isinstance(t, (int, np.integer)) and -features <= t < features:
            index.append(int(t) % features)
        else:
            raise ConfigError(f"target {t!r} is not a column of a series with {features} feature(s)")
    step = index[1] - index[0] if len(index) > 1 else 1
    if step > 0 and index == list(range(index[0], index[-1] + 1, step)):
        return values[:, index[0]: index[-1] + 1: step], scalar   # evenly spaced: still a view
    return values[:, index], scalar
