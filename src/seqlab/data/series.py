"""What the Forecaster does to data before and after a network sees it: validate a frame, split
its rows in time order, difference and scale with statistics of the training rows only, cut
windows, and turn scaled predictions back into values in the data's units.

Row layout: the target columns come first, then the covariates (``features``).

>>> import numpy as np, pandas as pd
>>> s = series_from(pd.DataFrame({"y": np.arange(6.0)}), target="y")
>>> s.values.shape, s.targets
((6, 1), ['y'])
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqlab.data import MinMaxScaler, StandardScaler
from seqlab.data.limits import check_magnitude
from seqlab.io.errors import ConfigError, DataError

FILLS = ("ffill", "interpolate", "zero")
SCALERS = {"minmax": MinMaxScaler, "standard": StandardScaler}


@dataclass
class Series:
    """A validated series: ``values`` ``(rows, targets + features)`` float64, column names, times or None."""

    values: np.ndarray
    targets: list[str]
    features: list[str]
    times: np.ndarray | None = None


def _names(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    return [str(v) for v in value]


def series_from(data, target=None, features=None, time_col: str | None = None, fill: str | None = None) -> Series:
    """Validate ``data`` and return a Series.

    Args:
        data: a DataFrame, a Series, or an array ``(rows,)`` / ``(rows, columns)`` (columns named "0", "1", ...).
        target: the column(s) to forecast; default the only numeric column.
        features: covariate columns fed to the model besides the targets.
        time_col: a date/time column; rows are sorted by it.
        fill: what to do with NaN/inf: None raises, "ffill", "interpolate" or "zero".

    Raises DataError for a missing column, text in a numeric column, or NaN/inf without ``fill``.
    """
    if fill not in (None, *FILLS):
        raise ConfigError(f"fill must be one of {', '.join(FILLS)} or None, got {fill!r}")
    if isinstance(data, pd.Series):
        data = data.to_frame(name=str(data.name) if data.name is not None else "y")
    if not isinstance(data, pd.DataFrame):
        arr = np.asarray(data)
        if arr.ndim not in (1, 2):
            raise DataError(f"a series is (rows,) or (rows, columns), got shape {arr.shape}")
        data = pd.DataFrame(arr.reshape(len(arr), -1))
    df = data.rename(columns=str)
    targets, covariates = _names(target), _names(features)
    if not targets:
        numeric = [c for c in df.columns if c != time_col and pd.api.types.is_numeric_dtype(df[c])]
        if len(numeric) != 1:
            raise ConfigError(f"say which column to forecast with target=...; columns are: {', '.join(df.columns)}")
        targets = numeric
    targets = list(dict.fromkeys(targets))
    covariates = [c for c in dict.fromkeys(covariates) if c not in targets]
    if time_col and time_col in targets + covariates:
        raise ConfigError(f"column {time_col!r} is the time column; it cannot also be a target or feature")
    missing = [c for c in targets + covariates + ([time_col] if time_col else []) if c not in df.columns]
    if missing:
        raise DataError(f"column(s) {', '.join(map(repr, missing))} not found; columns are: {', '.join(df.columns)}")
    if len(df) == 0:
        raise DataError("the series has no rows")
    times = None
    if time_col:
        parsed = pd.to_datetime(df[time_col], errors="coerce", format="mixed")
        if parsed.isna().any():
            row = int(np.argmax(parsed.isna().to_numpy()))
            raise DataError(f"time column {time_col!r} row {row + 1} holds {df[time_col].iloc[row]!r}, "
                            "which is not a date")
        order = np.argsort(parsed.to_numpy(), kind="stable")
        df, times = df.iloc[order].reset_index(drop=True), parsed.to_numpy()[order]
    columns = []
    for name in targets + covariates:
        col = df[name]
        numbers = col.astype("float64") if pd.api.types.is_numeric_dtype(col) else pd.to_numeric(col, errors="coerce")
        text = numbers.isna() & col.notna() & ~col.astype(str).str.strip().str.lower().isin(["nan", "na", ""])
        if text.any():
            row = int(np.argmax(text.to_numpy()))
            raise DataError(f"column {name!r} should be numeric but row {row + 1} holds {col.iloc[row]!r}; "
                            "choose a numeric column or clean the file")
        columns.append(numbers.to_numpy(dtype=np.float64))
    values = np.stack(columns, axis=1)
    values = _fill(values, targets + covariates, fill)
    return Series(values, targets, covariates, times)


def _fill(values: np.ndarray, names: list[str], fill: str | None) -> np.ndarray:
    check_magnitude(values, names)
    bad = ~np.isfinite(values)
    if not bad.any():
        return values
    if fill is None:
        j = int(np.argmax(bad.any(axis=0)))
        raise DataError(f"column {names[j]!r} has {int(bad[:, j].sum())} NaN/inf value(s), first at row "
                        f"{int(np.argmax(bad[:, j])) + 1}; pass --fill ffill|interpolate|zero (fill=...) "
                        "or clean the data")
    frame = pd.DataFrame(np.where(bad, np.nan, values))
    if fill == "zero":
        frame = frame.fillna(0.0)
    elif fill == "ffill":
        frame = frame.ffill().bfill()
    else:
        frame = frame.interpolate(limit_direction="both")
    if frame.isna().any().any():
        raise DataError("a column has no finite value to fill from; drop it")
    return frame.to_numpy(dtype=np.float64)


def split_rows(rows: int, validation_split, test_size) -> tuple[int, int]:
    """Ends of the training and validation rows: ``(train_end, val_end)``; test rows are ``val_end..rows``.

    A size below 1 is a fraction of ``rows`` (floored); 1 or more is a row count.

    >>> split_rows(144, 0, 0.33)
    (97, 97)
    """
    def count(size, what):
        if size is None or size < 0:
            raise ConfigError(f"{what} must be >= 0 (a fraction below 1 or a row count), got {size!r}")
        return int(math.floor(rows * size + 1e-9)) if size < 1 else int(size)

    n_test, n_val = count(test_size, "test_size"), count(validation_split, "validation_split")
    return rows - n_test - n_val, rows - n_test


def window_starts(rows: int, lookback: int, horizon: int, train_end: int, val_end: int,
                  first: int = 0) -> dict[str, np.ndarray]:
    """Start rows of the train / val / test windows. A window starting at ``s`` reads rows
    ``s..s+lookback-1`` and predicts ``s+lookback..s+lookback+horizon-1``; it belongs to the split
    that holds all its targets (windows straddling a boundary are dropped), so no target is ever
    seen in training that is scored later. Inputs may reach back into earlier splits.
    """
    starts = np.arange(first, rows - lookback - horizon + 1)
    first_target, last_target = starts + lookback, starts + lookback + horizon - 1
    return {"train": starts[last_target < train_end],
            "val": starts[(first_target >= train_end) & (last_target < val_end)],
            "test": starts[first_target >= val_end]}


class SeriesTransform:
    """Optional differencing of the targets, then a scaler fitted on the training rows only.

    ``forward(values)`` -> ``(rows, columns)`` float32 model space (row 0 is undefined when
    differencing, so windows start at row 1). ``inverse(pred, origins, values)`` maps model-space
    predictions ``(n, horizon, targets, ...)`` for windows whose last input row is ``origins`` back
    to values in the data's units.
    """

    def __init__(self, n_targets: int, scaler: str | None = "minmax", difference: bool = False):
        if scaler not in (None, "none", *SCALERS):
            raise ConfigError(f"scaler must be one of {', '.join(SCALERS)} or None, got {scaler!r}")
        self.n_targets, self.difference = n_targets, bool(difference)
        self.scaler_name = None if scaler in (None, "none") else scaler
        self.scaler = None

    @property
    def first_row(self) -> int:
        return 1 if self.difference else 0

    def _raw(self, values: np.ndarray) -> np.ndarray:
        z = np.array(values, dtype=np.float64)
        if self.difference:
            k = self.n_targets
            z[1:, :k] = np.diff(values[:, :k], axis=0)
            z[0, :k] = 0.0
        return z

    def fit(self, values: np.ndarray, train_end: int) -> "SeriesTransform":
        if self.scaler_name:
            self.scaler = SCALERS[self.scaler_name]().fit(self._raw(values)[self.first_row:train_end])
        return self

    def forward(self, values: np.ndarray) -> np.ndarray:
        z = self._raw(values)
        if self.scaler is not None:
            z = self.scaler.transform(z)
        return z.astype(np.float32)

    def inverse(self, pred: np.ndarray, origins: np.ndarray, values: np.ndarray) -> np.ndarray:
        pred = np.asarray(pred, dtype=np.float64)
        out = np.empty_like(pred)
        for j in range(self.n_targets):
            out[:, :, j] = (pred[:, :, j] if self.scaler is None
                            else self.scaler.inverse_transform(pred[:, :, j], column=j))
        if self.difference:
            last = values[np.asarray(origins), : self.n_targets]             # (n, targets)
            last = last.reshape(last.shape + (1,) * (out.ndim - 3))
            out = last[:, None] + np.cumsum(out, axis=1)
        return out

    def to_dict(self) -> dict:
        return {"difference": self.difference, "scaler": self.scaler.to_dict() if self.scaler is not None else None,
                "n_targets": self.n_targets}

    @classmethod
    def from_dict(cls, state: dict) -> "SeriesTransform":
        scaler = state.get("scaler")
        names = {"MinMaxScaler": "minmax", "StandardScaler": "standard"}
        name = None if scaler is None else names[scaler["class_name"]]
        t = cls(int(state["n_targets"]), name, bool(state["difference"]))
        if scaler is not None:
            t.scaler = SCALERS[name].from_dict(scaler)
        return t


def infer_freq(times) -> str | None:
    """The time step of the last rows of ``times`` as a pandas frequency string (``"MS"``, ``"h"``), or None.

    >>> infer_freq(pd.date_range("2020-01-01", periods=5, freq="D"))
    'D'
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        freq = pd.infer_freq(pd.DatetimeIndex(times[-min(len(times), 50):]))
    return getattr(freq, "freqstr", freq)
