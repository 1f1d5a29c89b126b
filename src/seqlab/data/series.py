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
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqlab.data import MinMaxScaler, StandardScaler
from seqlab.data.columns import with_joined_time
from seqlab.data.csv import as_dates, to_times
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


_TIME_NAMES = re.compile(r"^(?:year|yr|date|time|period|t|index|month|quarter|week|day|unnamed: 0|)$", re.IGNORECASE)


def looks_like_time_steps(column: pd.Series) -> bool:
    """Whether a numeric column counts time rather than measures something: whole numbers rising by one
    constant step (``1885, 1886, ...``; a row number), or rising at all under a time-like name (``Year``,
    ``t``, an unnamed index column).

    >>> looks_like_time_steps(pd.Series([1885, 1886, 1887], name="Year"))
    True
    >>> looks_like_time_steps(pd.Series([356.0, 386.0, 397.0], name="Water"))
    False
    """
    v = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    if len(v) < 3 or not np.isfinite(v).all() or (v != np.round(v)).any():
        return False
    steps = np.diff(v)
    if not (steps > 0).all():
        return False
    return bool((steps == steps[0]).all() or _TIME_NAMES.match(str(column.name).strip()))


def value_columns(df: pd.DataFrame, exclude=()) -> tuple[list[str], list[str]]:
    """``(numeric columns to forecast from, time-step columns left out)`` of ``df`` besides ``exclude``:
    when there are several numeric columns, those that ``looks_like_time_steps`` are left out.

    >>> value_columns(pd.DataFrame({"Year": [1885, 1886, 1887], "Water": [356, 386, 397]}))
    (['Water'], ['Year'])
    """
    numeric = [str(c) for c in df.columns if c not in exclude and pd.api.types.is_numeric_dtype(df[c])]
    if len(numeric) < 2:
        return numeric, []
    steps = [c for c in numeric if looks_like_time_steps(df[c])]
    values = [c for c in numeric if c not in steps]
    return (values, steps) if values else (numeric, [])


_ID_NAMES = re.compile(r"^(?:id|ids|key|uuid|guid|row|rowid|row[ _]?(?:id|number|no)|serial|.+[ _]id)$", re.IGNORECASE)


def looks_like_identifier(column: pd.Series) -> bool:
    """Whether a column names its rows rather than measures them: distinct values under an id-like name
    (``id``, ``row_id``, ``customer id``, ``key``, ``uuid``).

    >>> looks_like_identifier(pd.Series([1017, 1003, 1200], name="id"))
    True
    >>> looks_like_identifier(pd.Series([7, 7, 9], name="id")), looks_like_identifier(pd.Series([3, 1, 2], name="x"))
    (False, False)
    """
    return len(column) >= 2 and bool(_ID_NAMES.match(str(column.name).strip())) and column.is_unique


def row_label_columns(df: pd.DataFrame, exclude=()) -> list[str]:
    """The columns of ``df`` besides ``exclude`` that label or count its rows rather than measure anything: an
    identifier (``looks_like_identifier``) or a counter (``looks_like_time_steps``: a row number 0, 1, 2, ...,
    a ``Year``); none when that would leave no other column. Cells may be text (a table read as ``str``).

    >>> row_label_columns(pd.DataFrame({"id": ["a7", "b2", "c9"], "n": [0, 1, 2], "x": [0.5, 0.1, 0.9]}))
    ['id', 'n']
    >>> row_label_columns(pd.DataFrame({"n": [0, 1, 2]}))
    []
    """
    candidates = [c for c in df.columns if c not in exclude]
    found = [str(c) for c in candidates if looks_like_identifier(df[c]) or looks_like_time_steps(df[c])]
    return found if len(found) < len(candidates) else []


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
    df = with_joined_time(data.rename(columns=str), time_col)   # "Date,Time": two columns read as one time
    targets, covariates = _names(target), _names(features)
    if not targets:
        numeric = value_columns(df, exclude=[time_col])[0]
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
        parsed = as_dates(df[time_col])   # one day/month order for the whole column, quarter labels
        if parsed is None:
            parsed = to_times(df[time_col], format="mixed")
        if parsed.isna().any():
            row = int(np.argmax(parsed.isna().to_numpy()))
            raise DataError(f"time column {time_col!r} row {row + 1} holds {df[time_col].iloc[row]!r}, "
                            "which is not a date")
        order = np.argsort(parsed.to_numpy(), kind="stable")
        df, times = df.iloc[order].reset_index(drop=True), parsed.to_numpy()[order]
        df, times = _skipped_times(df, times, time_col, fill)
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


def skipped_grid(times) -> tuple[pd.DatetimeIndex, str] | None:
    """``(every time of the grid, its step)`` when sorted distinct ``times`` lie on one regular step (a fixed
    duration, or a number of months: monthly, quarterly, yearly dates on one day of the month or at month ends)
    but skip some of its times; None when none is skipped, or the times follow no one step. Weekday series (no
    time on a weekend: a market's days, whose holidays are no gaps) are never said to skip.

    >>> days = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-04", "2020-01-05"])
    >>> grid, step = skipped_grid(days)
    >>> len(grid), step
    (5, '1 day')
    >>> skipped_grid(pd.to_datetime(["2020-01-01", "2020-03-01", "2020-04-01", "2020-05-01"]))[1]
    '1 month'
    """
    t = pd.DatetimeIndex(times)
    if len(t) < 4 or t.has_duplicates:
        return None
    months = np.asarray(t.year * 12 + t.month)
    steps = np.diff(months)
    on_one_day = (t.day == t.day[0]).all() or t.is_month_end.all()
    if on_one_day and (t.time == t.time[0]).all() and steps.min() >= 1:
        m = int(np.bincount(steps).argmax())
        if (steps % m).any() or steps.max() == m:
            return None
        anchor = "ME" if t.is_month_end.all() and t.day[0] != 1 else "MS"
        grid = pd.date_range(t[0], t[-1], freq=f"{m}{anchor}")
        grid = grid + (t[0] - grid[0]) if anchor == "MS" else grid   # the day and time of the data's dates
        return (grid, f"{m} month" + ("s" if m > 1 else "")) if grid.isin(t).sum() == len(t) else None
    gaps = np.diff(t.asi8)
    values, counts = np.unique(gaps, return_counts=True)
    d = int(values[counts.argmax()])
    if d <= 0 or 2 * counts.max() < len(gaps) or (gaps % d).any() or gaps.max() == d:
        return None   # most steps must be the one step, and the others whole numbers of it
    if d == 86_400 * 10**9 and not (t.dayofweek >= 5).any():
        return None   # weekdays only: a market's trading days
    return pd.date_range(t[0], t[-1], freq=pd.Timedelta(d)), _duration(d)


def _duration(ns: int) -> str:
    """``"1 day"``, ``"6 hours"``, ``"10 minutes"``, ``"30 seconds"``... of a step of ``ns`` nanoseconds."""
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        if ns % (size * 10**9) == 0:
            n = ns // (size * 10**9)
            return f"{n} {unit}" + ("s" if n > 1 else "")
    return str(pd.Timedelta(ns))


def _skipped_times(df: pd.DataFrame, times: np.ndarray, time_col: str, fill: str | None):
    """``(df, times)`` with the times the series skips (``skipped_grid``) put in as empty rows when ``fill`` is
    given (the fill then fills them), and a warning either way: without ``fill`` the rows stay consecutive steps."""
    found = skipped_grid(times)
    if found is None:
        return df, times
    grid, step = found
    missing = grid[~grid.isin(pd.DatetimeIndex(times))]
    first = missing[0].date() if (grid == grid.normalize()).all() else missing[0]
    if fill is None:
        warnings.warn(f"time column {time_col!r} skips {len(missing)} time(s) of its steps of {step} (first "
                      f"{first}): the rows are read as consecutive steps; --fill interpolate|ffill|zero "
                      "(fill=...) puts them in and fills them", UserWarning, stacklevel=3)
        return df, times
    warnings.warn(f"time column {time_col!r} skipped {len(missing)} time(s) of its steps of {step} (first {first}): "
                  f"put in and filled ({fill})", UserWarning, stacklevel=3)
    full = df.set_index(pd.DatetimeIndex(times)).reindex(grid)
    full[time_col] = grid
    return full.reset_index(drop=True), grid.to_numpy()


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

    ``lag`` is the differencing distance: 1 models first differences ``y_t - y_{t-1}``, a season ``m``
    models seasonal differences ``y_t - y_{t-m}`` (a forecast of zero is then the seasonal naive one).
    ``forward(values)`` -> ``(rows, columns)`` float32 model space (the first ``lag`` rows are undefined
    when differencing, so windows start at row ``lag``). ``inverse(pred, origins, values)`` maps
    model-space predictions ``(n, horizon, targets, ...)`` for windows whose last input row is
    ``origins`` back to values in the data's units.

    >>> t = SeriesTransform(1, None, difference=True, lag=2)
    >>> v = np.array([[1.0], [5.0], [2.0], [6.0]])
    >>> t.forward(v)[2:, 0].tolist(), t.inverse(np.zeros((1, 3, 1)), [3], v)[0, :, 0].tolist()
    ([1.0, 1.0], [2.0, 6.0, 2.0])
    """

    def __init__(self, n_targets: int, scaler: str | None = "minmax", difference: bool = False, lag: int = 1):
        if scaler not in (None, "none", *SCALERS):
            raise ConfigError(f"scaler must be one of {', '.join(SCALERS)} or None, got {scaler!r}")
        if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 1:
            raise ConfigError(f"the differencing lag must be a whole number >= 1, got {lag!r}")
        self.n_targets, self.difference, self.lag = n_targets, bool(difference), int(lag)
        self.scaler_name = None if scaler in (None, "none") else scaler
        self.scaler = None

    @property
    def first_row(self) -> int:
        return self.lag if self.difference else 0

    def _raw(self, values: np.ndarray) -> np.ndarray:
        z = np.array(values, dtype=np.float64)
        if self.difference:
            k, lag = self.n_targets, self.lag
            z[lag:, :k] = values[lag:, :k] - values[:-lag, :k]
            z[:lag, :k] = 0.0
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
        if not self.difference:
            return out
        origins, k = np.asarray(origins), self.n_targets
        levels = np.empty_like(out)
        for i in range(out.shape[1]):       # step i forecasts row origin + 1 + i from the row lag before it
            if i < self.lag:                # ... a row of the data
                base = values[origins + 1 + i - self.lag, :k]
                base = base.reshape(base.shape + (1,) * (out.ndim - 3))
            else:                           # ... a row forecast earlier
                base = levels[:, i - self.lag]
            levels[:, i] = base + out[:, i]
        return levels

    def to_dict(self) -> dict:
        return {"difference": self.difference, "lag": self.lag, "n_targets": self.n_targets,
                "scaler": self.scaler.to_dict() if self.scaler is not None else None}

    @classmethod
    def from_dict(cls, state: dict) -> "SeriesTransform":
        scaler = state.get("scaler")
        names = {"MinMaxScaler": "minmax", "StandardScaler": "standard"}
        name = None if scaler is None else names[scaler["class_name"]]
        t = cls(int(state["n_targets"]), name, bool(state["difference"]), int(state.get("lag", 1)))
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


# Seasonal periods a calendar implies, per pandas frequency (its unit, without the multiple or anchor):
# the first is the usual one (M4's: 52 weekly, 12 monthly, 4 quarterly, 24 hourly; 7 daily), the others are
# tried as well and win when the data's own autocorrelation says so (a daily series with a yearly cycle).
CALENDAR_PERIODS = {"h": (24, 168), "D": (7, 365), "B": (5, 260), "W": (52,), "MS": (12,), "ME": (12,),
                    "M": (12,), "QS": (4,), "QE": (4,), "Q": (4,), "min": (60, 1440)}


def calendar_periods(freq: str | None) -> tuple[int, ...]:
    """The seasonal periods a time step implies, most usual first; () when it implies none.

    ``"W-SUN"`` (weekly) -> ``(52,)``; ``"D"`` -> ``(7, 365)``; ``"h"`` -> ``(24, 168)``; ``"10min"`` -> a day
    (144) and an hour (6); ``"2h"`` -> 12 and 84.

    >>> calendar_periods("W-SUN"), calendar_periods("D"), calendar_periods("10min")
    ((52,), (7, 365), (6, 144))
    """
    if not freq:
        return ()
    m = re.fullmatch(r"(\d*)([A-Za-z]+)(-\w+)?", str(freq))
    if not m:
        return ()
    multiple, unit = int(m.group(1) or 1), {"H": "h", "T": "min", "A": "YS", "Y": "YS"}.get(m.group(2), m.group(2))
    if unit == "min":
        periods = (60 * 24 // multiple, 60 // multiple) if 60 % multiple == 0 else (60 * 24 // multiple,)
        return tuple(sorted(p for p in periods if p > 1))
    base = CALENDAR_PERIODS.get(unit, ())
    return tuple(p // multiple for p in base if p % multiple == 0 and p // multiple > 1)


def _autocorrelation(d: np.ndarray, max_lag: int) -> np.ndarray:
    """``acf[lag - 1]`` for lags 1..max_lag of the centred series ``d``."""
    d = d - d.mean()
    denom = float(np.dot(d, d))
    return np.array([np.dot(d[:-lag], d[lag:]) / denom for lag in range(1, max_lag + 1)])


def seasonal_strength(y, period: int) -> float:
    """How much of ``y``'s variation around its trend repeats every ``period`` rows, in [0, 1] (Hyndman's
    F_S on a classical decomposition): the trend is the centred moving average over one period, the
    seasonal part the mean detrended value at each phase, and the strength ``1 - var(remainder) /
    var(detrended)``.

    >>> t = np.arange(120)
    >>> round(seasonal_strength(np.sin(2 * np.pi * t / 12) + 0.1 * t, 12), 3)
    1.0
    """
    y = np.asarray(y, dtype=np.float64)
    if period < 2 or len(y) < 2 * period + 1:
        return 0.0
    kernel = np.ones(period + 1 - period % 2)            # an even period: the 2 x m moving average
    if period % 2 == 0:
        kernel[0] = kernel[-1] = 0.5
    trend = np.convolve(y, kernel / period, mode="valid")
    start = (len(kernel) - 1) // 2
    detrended = y[start:start + len(trend)] - trend
    phase = (np.arange(len(detrended)) + start) % period
    seasonal = np.array([detrended[phase == k].mean() for k in range(period)])[phase]
    total = detrended.var()
    return 0.0 if total == 0 else float(max(0.0, 1.0 - (detrended - seasonal).var() / total))


def infer_season(y, freq: str | None = None, max_season: int | None = None, threshold: float = 0.3,
                 min_strength: float = 0.4) -> int:
    """The seasonal period of series ``y`` ``(rows,)`` in rows, 1 for none.

    With ``freq`` (the time step, as ``infer_freq`` gives it) the calendar's periods are the candidates
    (``calendar_periods``: 52 for weekly data, 7 or 365 for daily, 24 or 168 for hourly, 12 for monthly):
    the one with the highest ``seasonal_strength`` above ``min_strength``, among those the rows hold three
    cycles of. Without ``freq``, or when no calendar period qualifies, the autocorrelation of the first
    differences decides: its highest peak over lags ``2..max_season`` (default ``min(rows // 3, 400)``)
    above ``threshold`` -- and a peak at a multiple of a smaller peak nearly as high (within 10%) gives way
    to the smaller one, so a cycle is not reported as two or three of itself.

    >>> t = np.arange(160)
    >>> infer_season(np.sin(2 * np.pi * t / 12) + 0.01 * t)
    12
    >>> weekly = np.sin(2 * np.pi * np.arange(4 * 52) / 52)
    >>> infer_season(weekly, "W-SUN")
    52
    """
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)[:, 0]
    d = np.diff(y)
    if len(d) < 6 or np.std(d) == 0:
        return 1
    calendar = [p for p in calendar_periods(freq) if 3 * p <= len(y)]
    if calendar:
        strength = {p: seasonal_strength(y, p) for p in calendar}
        best = max(calendar, key=strength.get)
        if strength[best] > min_strength:
            return _shortest_cycle(best, strength)
    max_season = min(len(d) // 3, 400) if max_season is None else max_season
    if max_season < 2:
        return 1
    acf = _autocorrelation(d, max_season)
    # local maxima only: a smooth series has high autocorrelation at every short lag
    peaks = [lag for lag in range(2, max_season) if acf[lag - 1] > acf[lag - 2] and acf[lag - 1] >= acf[lag]]
    if not peaks:
        return 1
    best = max(peaks, key=lambda lag: acf[lag - 1])
    if acf[best - 1] <= threshold:
        return 1
    return _shortest_cycle(best, {lag: acf[lag - 1] for lag in peaks})


def _shortest_cycle(best: int, score: dict) -> int:
    """The shortest period in ``score`` that ``best`` is a multiple of, scoring at least 90% of ``best``."""
    return min(p for p in score if best % p == 0 and score[p] >= 0.9 * score[best])
