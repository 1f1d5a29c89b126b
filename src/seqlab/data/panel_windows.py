"""Windows over a panel without a copy per window: one contiguous buffer, an index of (series, start).

All series sit end to end in one ``(rows, channels)`` float32 buffer (the target, the past
covariates, then the future-known ones). A window is named by its series and the buffer row where
its input starts; ``WindowIndex`` stores only each series' first start and window count (O(series)
memory) and turns a flat window number into ``(series, start)`` with one ``searchsorted``.
``PanelInputs[idx]`` / ``PanelTargets[idx]`` gather a batch of windows (only the batch is copied),
so a ``Trainer`` takes them as it takes arrays.

Window with input start ``r`` (lookback ``L``, horizon ``H``): the target and past channels of rows
``r .. r+L-1``; the future channels of rows ``r+H .. r+L-1+H`` (so its last ``H`` steps carry the
covariates of the ``H`` forecast steps: known ahead); the series' static values on every step; and
the target at rows ``r+L .. r+L+H-1``.

>>> import numpy as np
>>> buf = np.arange(10, dtype=np.float32)[:, None]          # two series of 6 and 4 rows
>>> index = WindowIndex(first=np.array([0, 6]), count=np.array([3, 1]))
>>> x, y = PanelInputs(buf, index, lookback=2, horizon=2), PanelTargets(buf, index, lookback=2, horizon=2)
>>> len(x), x[np.array([3])][0, :, 0].tolist(), y[np.array([3])][0, :, 0].tolist()
(4, [6.0, 7.0], [8.0, 9.0])
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqlab.io.errors import ConfigError


class WindowIndex:
    """The windows of every series: series ``i`` has ``count[i]`` windows whose input starts at buffer
    rows ``first[i], first[i] + 1, ...``. Window numbers run series after series.

    >>> WindowIndex(np.array([0, 10]), np.array([2, 3])).locate(np.array([0, 1, 2, 4]))
    (array([0, 0, 1, 1]), array([ 0,  1, 10, 12]))
    """

    def __init__(self, first: np.ndarray, count: np.ndarray):
        self.first = np.asarray(first, dtype=np.int64)
        self.count = np.maximum(np.asarray(count, dtype=np.int64), 0)
        self.end = np.cumsum(self.count)                    # window numbers of series i: end[i-1] .. end[i]-1

    def __len__(self) -> int:
        return int(self.end[-1]) if len(self.end) else 0

    def locate(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Window numbers -> ``(series, input start row)``."""
        idx = np.asarray(idx, dtype=np.int64)
        series = np.searchsorted(self.end, idx, side="right")
        return series, self.first[series] + idx - (self.end[series] - self.count[series])

    def series(self) -> np.ndarray:
        """The series of every window (one int per window; used for per-series scores)."""
        return np.repeat(np.arange(len(self.count)), self.count)


class _View:
    """What the input and target views share: the buffer as a tensor and the index."""

    def __init__(self, buffer, index: WindowIndex, lookback: int, horizon: int):
        self.buffer = torch.as_tensor(buffer)
        if self.buffer.dtype != torch.float32 or not self.buffer.is_contiguous():
            raise ConfigError("the panel buffer must be a contiguous float32 array")
        self.index, self.lookback, self.horizon = index, int(lookback), int(horizon)

    def __len__(self) -> int:
        return len(self.index)


class PanelInputs(_View):
    """Input windows ``(n, lookback, channels + statics)``; ``x[idx]`` gathers a batch as a float32 tensor.

    Args:
        buffer: ``(rows, channels)`` float32, contiguous. index: the windows.
        lookback, horizon: window sizes. future: how many of the last channels are future covariates
            (read ``horizon`` rows ahead). statics: ``(series, s)`` float32 values repeated on every step.
    """

    def __init__(self, buffer, index: WindowIndex, lookback: int, horizon: int, future: int = 0, statics=None):
        super().__init__(buffer, index, lookback, horizon)
        self.future = int(future)
        self.statics = None if statics is None or np.size(statics) == 0 else torch.as_tensor(
            np.asarray(statics, dtype=np.float32))
        self.steps = torch.arange(self.lookback)

    @property
    def shape(self) -> tuple[int, int, int]:
        s = 0 if self.statics is None else self.statics.shape[1]
        return (len(self), self.lookback, self.buffer.shape[1] + s)

    def __getitem__(self, idx) -> torch.Tensor:
        series, start = self.index.locate(np.asarray(idx).reshape(-1))
        rows = torch.from_numpy(start)[:, None] + self.steps                    # (B, L)
        if self.future:
            p = self.buffer.shape[1] - self.future
            x = torch.cat([self.buffer[:, :p][rows], self.buffer[:, p:][rows + self.horizon]], dim=-1)
        else:
            x = self.buffer[rows]                                               # (B, L, C)
        if self.statics is not None:
            s = self.statics[torch.from_numpy(series)]                          # (B, S)
            x = torch.cat([x, s[:, None, :].expand(-1, self.lookback, -1)], dim=-1)
        return x


class PanelTargets(_View):
    """Target windows ``(n, horizon, 1)`` (channel 0 of the ``horizon`` rows after each input)."""

    def __init__(self, buffer, index: WindowIndex, lookback: int, horizon: int):
        super().__init__(buffer, index, lookback, horizon)
        self.steps = torch.arange(self.horizon) + self.lookback

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self), self.horizon, 1)

    def __getitem__(self, idx) -> torch.Tensor:
        _, start = self.index.locate(np.asarray(idx).reshape(-1))
        rows = torch.from_numpy(start)[:, None] + self.steps
        return self.buffer[:, :1][rows]


class PerSeriesScaler:
    """Per series and channel: ``z = (x - loc) / scale``, the statistics taken from each series' first
    ``train_rows[i]`` rows only. ``kind``: ``"standard"`` (mean, std), ``"minmax"`` (min, max - min) or
    None (identity). A constant part gets scale 1.

    >>> v = np.array([[1.0], [3.0], [10.0], [20.0], [30.0]])
    >>> s = PerSeriesScaler("standard").fit(v, offsets=np.array([0, 2, 5]), train_rows=np.array([2, 2]))
    >>> s.transform(v, np.array([0, 2, 5]))[:, 0].tolist()
    [-1.0, 1.0, -1.0, 1.0, 3.0]
    """

    KINDS = ("standard", "minmax")

    def __init__(self, kind: str | None = "standard"):
        if kind not in (None, "none", *self.KINDS):
            raise ConfigError(f"scaler must be one of {', '.join(self.KINDS)} or None, got {kind!r}")
        self.kind = None if kind in (None, "none") else kind
        self.loc, self.scale = None, None

    def fit(self, values: np.ndarray, offsets: np.ndarray, train_rows: np.ndarray) -> "PerSeriesScaler":
        n, c = len(offsets) - 1, values.shape[1]
        self.loc, self.scale = np.zeros((n, c)), np.ones((n, c))
        if self.kind is None:
            return self
        for i in range(n):
            part = values[offsets[i]:offsets[i] + max(int(train_rows[i]), 1)]
            if self.kind == "standard":
                loc, scale = part.mean(axis=0), part.std(axis=0)
            else:
                loc, scale = part.min(axis=0), part.max(axis=0) - part.min(axis=0)
            self.loc[i], self.scale[i] = loc, np.where(scale > 1e-12, scale, 1.0)
        return self

    def transform(self, values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """The scaled buffer, float32 and contiguous, written series by series into one new array (no
        temporary as large as ``values``: peak memory is ``values`` plus the float32 buffer)."""
        out = np.empty(values.shape, dtype=np.float32)
        for i in range(len(offsets) - 1):
            a, b = int(offsets[i]), int(offsets[i + 1])
            np.subtract(values[a:b], self.loc[i], out=out[a:b], casting="unsafe")
            out[a:b] /= self.scale[i].astype(np.float32)
        return out

    def inverse_target(self, z: np.ndarray, series: np.ndarray) -> np.ndarray:
        """Model-space targets ``(n, ...)`` of windows of ``series`` back in the data's units."""
        shape = (len(series),) + (1,) * (np.ndim(z) - 1)
        return np.asarray(z, np.float64) * self.scale[series, 0].reshape(shape) + self.loc[series, 0].reshape(shape)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "loc": self.loc.tolist(), "scale": self.scale.tolist()}

    @classmethod
    def from_dict(cls, state: dict) -> "PerSeriesScaler":
        s = cls(state["kind"])
        s.loc, s.scale = np.asarray(state["loc"], np.float64), np.asarray(state["scale"], np.float64)
        return s


CALENDAR_CYCLES = (("hour", 24, pd.Timedelta(hours=1)), ("weekday", 7, pd.Timedelta(days=1)),
                   ("month", 12, pd.Timedelta(days=31)))


def calendar_features(times, step) -> tuple[np.ndarray, list[str]]:
    """Sine and cosine of the hour of day, day of week and month of year of ``times`` (datetime64),
    each cycle that is finer than a year and no finer than the data's ``step`` (a pandas frequency).

    >>> X, names = calendar_features(pd.date_range("2020-01-01", periods=3, freq="MS").values, "MS")
    >>> names, X.shape
    (['month_sin', 'month_cos'], (3, 2))
    """
    if not isinstance(step, str):
        raise ConfigError("--calendar derives month / weekday / hour from dates; this panel's time column holds "
                          "integer steps")
    t = pd.DatetimeIndex(times)
    delta = pd.tseries.frequencies.to_offset(step)
    base = pd.Timestamp("2001-01-01")
    width = (base + delta) - base
    cycles = [(name, period) for name, period, unit in CALENDAR_CYCLES if width <= unit]
    if not cycles:
        raise ConfigError(f"--calendar: data with a step of {step!r} have no hour, weekday or month to derive")
    value = {"hour": t.hour.to_numpy(), "weekday": t.dayofweek.to_numpy(), "month": t.month.to_numpy() - 1}
    columns, names = [], []
    for name, period in cycles:
        angle = 2 * np.pi * value[name] / period
        columns += [np.sin(angle), np.cos(angle)]
        names += [f"{name}_sin", f"{name}_cos"]
    return np.stack(columns, axis=1), names
