"""Panels: many series in one table, validated onto one time grid.

A panel comes as a **long** table (one row per series and time step: ``id, time, target, covariates``)
or a **wide** one (one row per series, one column per time step, as the World Bank publishes its
indicators). ``panel_from_long`` / ``panel_from_wide`` check it and return a ``Panel``: every series'
rows laid end to end in one array, series after series, with its grid of times.

The rules, each a ``DataError`` that names the series:

- every time stamp lies on one grid shared by all series (integer steps, or a pandas frequency
  such as ``MS``): a date off that grid is *misaligned*;
- an ``(id, time)`` pair appears once;
- a series starts at its first observed target and ends at its last (empty cells before and after
  are not data); a step missing in the middle, or a missing value there, is a *gap*: refused unless
  ``fill`` says what to do (``ffill``, ``interpolate`` or ``zero``), never filled silently;
- a static feature has one value per series.

In a long table, rows after a series' last observed target that carry future covariates are kept as
the series' *future rows* (what ``predict`` needs over the horizon).

>>> import pandas as pd
>>> df = pd.DataFrame({"id": ["a"] * 3 + ["b"] * 2, "t": [1, 2, 3, 2, 3], "y": [1.0, 2, 3, 5, 6]})
>>> p = panel_from_long(df, id_col="id", time_col="t", target="y")
>>> p.ids, p.lengths.tolist(), p.values[:, 0].tolist()
(['a', 'b'], [3, 2], [1.0, 2.0, 3.0, 5.0, 6.0])
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.data.columns import named_columns, with_joined_time
from seqlab.data.csv import as_dates, read_frame, to_times
from seqlab.io.errors import ConfigError, DataError, names_listed

FILLS = ("ffill", "interpolate", "zero")


@dataclass
class Panel:
    """Validated series laid end to end.

    ``values`` ``(rows, 1 + past + future)`` float64: the target, then the past covariates, then the
    future covariates; series ``i`` holds rows ``offsets[i]:offsets[i + 1]``, of which the first
    ``lengths[i]`` have an observed target (the rest are future rows, target NaN). ``positions``
    ``(rows,)`` int64: each row's step on the shared grid (``time_of`` turns steps into times).
    ``statics``: one row per series (index ``ids``).
    """

    ids: list[str]
    offsets: np.ndarray
    lengths: np.ndarray
    values: np.ndarray
    positions: np.ndarray
    target: str
    past: list[str] = field(default_factory=list)
    future: list[str] = field(default_factory=list)
    statics: pd.DataFrame | None = None
    anchor: object = 0          # time of grid step 0: an int, or a pandas Timestamp
    step: object = 1            # an int, or a pandas frequency string
    empty: list[str] = field(default_factory=list)   # ids without any observed target (left out)

    @property
    def n_series(self) -> int:
        return len(self.ids)

    def rows_of(self, i: int) -> slice:
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def time_of(self, positions) -> np.ndarray:
        """Grid steps -> times (ints, or datetime64)."""
        positions = np.asarray(positions, dtype=np.int64)
        if isinstance(self.step, str):
            grid = pd.date_range(pd.Timestamp(self.anchor), periods=int(positions.max(initial=0)) + 1, freq=self.step)
            return grid.values[positions]
        return int(self.anchor) + positions * int(self.step)


def read_table(path) -> pd.DataFrame:
    """A CSV file, or a Parquet or JSON Lines file (``seqlab.data.csv.read_frame``), as a DataFrame."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        frame = read_frame(path)   # separators, decimal commas and thousands as every seqlab CSV reader; Parquet
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as e:
        raise DataError(f"{path} cannot be read: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if frame.empty:
        raise DataError(f"{path} holds no rows")
    return frame


def names_of(value) -> list[str]:
    """``"a,b"`` or ``["a", "b"]`` or None -> a list of column names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [c.strip() for c in value.split(",") if c.strip()]
    return [str(v) for v in value]


SERIES_COLUMN = "series"   # the id column of a table of a series per column, read as a panel


def columns_to_long(df: pd.DataFrame, time_col: str, columns, id_col: str = SERIES_COLUMN,
                    value_name: str = "value") -> pd.DataFrame:
    """A table of a series per column beside a time column (UCI's electricity load, LSTNet's traffic and exchange
    rates) as a long panel ``id_col, time_col, value_name``, series in the order of ``columns``: pandas'
    ``melt``, as NeuralForecast's users reshape such a table. A missing column is a DataError naming it.

    >>> t = pd.DataFrame({"date": ["2020-01-01", "2020-01-02"], "MT_001": [1.0, 2.0], "MT_002": [5.0, 6.0]})
    >>> columns_to_long(t, "date", ["MT_001", "MT_002"]).values.tolist()[1:3]
    [['MT_001', '2020-01-02', 2.0], ['MT_002', '2020-01-01', 5.0]]
    """
    columns = names_of(columns)
    _require(df, [time_col, *columns])
    if time_col in (id_col, value_name):
        raise DataError(f"the time column may not be called {time_col!r}: it names the series and values of the "
                        "panel read from the columns; rename it")
    return df.melt(id_vars=[time_col], value_vars=columns, var_name=id_col, value_name=value_name)[
        [id_col, time_col, value_name]]


def wide_to_long(df: pd.DataFrame, id_col: str, static=None, value_name: str = "value") -> pd.DataFrame:
    """A wide table (a row per series, a column per time step) as a long one ``id_col, time, value_name``
    plus the static columns. Time columns are those whose names read as integers or dates; other
    columns that are neither the id nor a static feature are left out.

    >>> w = pd.DataFrame({"c": ["x", "y"], "2000": [1.0, 3.0], "2001": [2.0, None]})
    >>> wide_to_long(w, "c").values.tolist()
    [['x', 2000, 1.0], ['x', 2001, 2.0], ['y', 2000, 3.0], ['y', 2001, nan]]
    """
    _require(df, [id_col, *names_of(static)])
    keep = [id_col, *names_of(static)]
    time_cols = [c for c in df.columns if c not in keep and _time_label(c) is not None]
    numbered = step_columns([c for c in df.columns if c not in keep])
    if not time_cols and numbered:   # M4's V2, V3, ...: each series from its first value, at steps 0, 1, ...
        time_cols, labels = list(numbered), list(numbered.values())
    elif not time_cols:
        raise DataError(f"no column of the wide table reads as a time step (e.g. 1960 or 2020-01-01) or numbers "
                        f"the steps (V2, V3, ...); its columns are: {names_listed(df.columns)}")
    else:
        labels = [_time_label(c) for c in time_cols]
    if len({type(v) for v in labels}) > 1:
        raise DataError("the wide table's time columns mix integers and dates: "
                        f"{', '.join(map(str, time_cols[:6]))}")
    long = df[keep + time_cols].melt(id_vars=keep, var_name="time", value_name=value_name)
    long["time"] = long["time"].map(dict(zip(time_cols, labels)))
    order = np.lexsort((long["time"].to_numpy(), pd.factorize(long[id_col])[0]))
    return long.iloc[order].reset_index(drop=True)[[id_col, "time", value_name, *names_of(static)]]


def step_columns(columns) -> dict:
    """``{column: step}`` when ``columns`` are all one prefix and consecutive whole numbers (``V2, V3, ...``: the
    M4 competition's files, whose rows hold each series from its first value), steps counted from 0; else {}.

    >>> step_columns(["V2", "V3", "V4"]), step_columns(["V2", "x"])
    ({'V2': 0, 'V3': 1, 'V4': 2}, {})
    """
    found = [re.fullmatch(r"(\D*)(\d+)", str(c).strip()) for c in columns]
    if len(found) < 2 or not all(found) or len({m.group(1) for m in found}) != 1:
        return {}
    numbers = [int(m.group(2)) for m in found]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return {}
    return {c: n - numbers[0] for c, n in zip(columns, numbers)}


def _time_label(column):
    text = str(column).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pd.Timestamp(text) if any(ch in text for ch in "-/:") else None
    except (ValueError, TypeError):
        return None


def _require(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"column {missing[0]!r} not found; columns are: {', '.join(map(str, df.columns))}")


def _grid(times: pd.Series, ids: np.ndarray, step=None):
    """``(positions, anchor, step)``: every time as an integer step on one grid, or DataError naming
    the first series with a time off the grid."""
    if pd.api.types.is_integer_dtype(times) or pd.api.types.is_float_dtype(times) and np.all(times % 1 == 0):
        t = times.to_numpy(dtype=np.int64)
        anchor = int(t.min())
        if step is None:
            diffs = np.diff(t)[(ids[1:] == ids[:-1])]
            diffs = diffs[diffs > 0]
            step = int(np.bincount(diffs).argmax()) if len(diffs) else 1
        offgrid = (t - anchor) % int(step) != 0
        if offgrid.any():
            k = int(np.argmax(offgrid))
            raise DataError(f"series {ids[k]!r}: time {t[k]} is misaligned: not on the grid of every {step} "
                            f"step(s) from {anchor} that the other series share; align the series first")
        return (t - anchor) // int(step), anchor, int(step)
    parsed = as_dates(times)   # one day/month order for every value, quarter labels
    if parsed is None:
        parsed = to_times(times)
    if parsed.isna().any():
        k = int(np.argmax(parsed.isna().to_numpy()))
        raise DataError(f"series {ids[k]!r}: time {times.iloc[k]!r} is neither an integer step nor a date")
    if step is None:
        step = _frequency(parsed, ids)
    anchor = parsed.min()
    grid = pd.date_range(anchor, parsed.max(), freq=step)
    pos = grid.get_indexer(pd.DatetimeIndex(parsed))
    if (pos < 0).any():
        k = int(np.argmax(pos < 0))
        raise DataError(f"series {ids[k]!r}: date {parsed.iloc[k].date()} is misaligned: not on the {step!r} grid "
                        f"from {anchor.date()} that the other series share; align the series (same day of the "
                        "period) first")
    return pos.astype(np.int64), anchor, step


def _frequency(parsed: pd.Series, ids: np.ndarray) -> str:
    """The pandas frequency most of the longest series follow (a series with a gap has none; every
    series must then lie on it: ``_grid`` checks)."""
    codes = pd.factorize(ids)[0]
    sizes = np.bincount(codes)
    found = []
    for code in np.argsort(-sizes, kind="stable")[:20]:
        times = pd.DatetimeIndex(np.sort(parsed[codes == code].to_numpy()))
        freq = pd.infer_freq(times) if len(times) >= 3 else None
        if freq is not None:
            found.append(getattr(freq, "freqstr", freq))
    if not found:
        longest = np.sort(parsed[codes == sizes.argmax()].to_numpy())[:2]
        raise DataError(f"series {ids[codes == sizes.argmax()][0]!r}: cannot tell the time step of its dates "
                        f"({', '.join(str(pd.Timestamp(t).date()) for t in longest)}, ...), nor of the other "
                        "long series; give integer steps or dates at a regular frequency")
    return max(set(found), key=found.count)


ID_JOINER = "/"   # between the values of several id columns of one row (--id-col store,item: series "3/17")


def with_joined_ids(df: pd.DataFrame, id_col: str) -> pd.DataFrame:
    """``df`` with the id column ``id_col`` made of the columns it names separated by commas (``store,item``: a
    series per pair, as Darts' ``TimeSeries.from_group_dataframe(group_cols=[...])`` groups), their values joined by
    ``ID_JOINER``, when it is not a column itself and they all are; else ``df`` as it is.

    >>> with_joined_ids(pd.DataFrame({"store": [1, 2], "item": [7, 7], "sales": [3, 4]}), "store,item")["store,item"]
    0    1/7
    1    2/7
    Name: store,item, dtype: object
    """
    parts = named_columns(str(id_col), list(map(str, df.columns)))
    if len(parts) < 2 or not all(p in df.columns for p in parts):
        return df
    return df.assign(**{id_col: df[parts].astype(str).agg(ID_JOINER.join, axis=1)})


def panel_from_long(df: pd.DataFrame, id_col: str, time_col: str, target: str, past=None, future=None,
                    static=None, fill: str | None = None, step=None) -> Panel:
    """Validate a long table and return a ``Panel`` (see the module docstring for the rules).

    Args:
        df: one row per series and time step.
        id_col, time_col, target: the series name, its time (integers or dates), the value to forecast.
        past: covariates observed up to the forecast origin. future: covariates known over the horizon.
        static: columns with one value per series (text ones are categories).
        fill: what to do with gaps and missing values inside a series: None refuses (DataError), or
            ``"ffill"``, ``"interpolate"``, ``"zero"``.
        step: the grid's step (an int, or a pandas frequency) when already known (e.g. at predict).

    Raises:
        DataError: a missing column, text where numbers belong, a duplicated or misaligned time, a gap
        without ``fill``, a static feature that varies within a series. ConfigError: an unknown ``fill``.
    """
    if fill not in (None, *FILLS):
        raise ConfigError(f"fill must be one of {', '.join(FILLS)} or None, got {fill!r}")
    past, future, static = names_of(past), names_of(future), names_of(static)
    numeric = [target, *past, *future]
    df = with_joined_time(with_joined_ids(df, id_col), time_col)   # "store,item", "year,month": one column each
    _require(df, [id_col, time_col, *numeric, *static])
    clash = set(numeric) & {id_col, time_col}
    if clash:
        raise ConfigError(f"column {sorted(clash)[0]!r} cannot be both a value column and the id or time column")
    frame = df[list(dict.fromkeys([id_col, time_col, *numeric, *static]))].copy()
    for c in numeric:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            converted = pd.to_numeric(frame[c], errors="coerce")
            bad = converted.isna() & frame[c].notna()
            if bad.any():
                k = int(np.argmax(bad.to_numpy()))
                raise DataError(f"column {c!r} holds text where numbers belong: {frame[c].iloc[k]!r} "
                                f"(series {frame[id_col].iloc[k]!r})")
            frame[c] = converted
    if frame[time_col].isna().any():
        k = int(np.argmax(frame[time_col].isna().to_numpy()))
        raise DataError(f"series {frame[id_col].iloc[k]!r}: a row has no {time_col!r}")
    frame[id_col] = frame[id_col].astype(str)
    codes, uniques = pd.factorize(frame[id_col], sort=False)
    pos, anchor, step = _grid(frame[time_col], frame[id_col].to_numpy(), step)
    order = np.lexsort((pos, codes))
    frame, codes, pos = frame.iloc[order].reset_index(drop=True), codes[order], pos[order]
    dup = (codes[1:] == codes[:-1]) & (pos[1:] == pos[:-1])
    if dup.any():
        k = int(np.argmax(dup))
        raise DataError(f"series {uniques[codes[k]]!r}: time {frame[time_col].iloc[k]} appears twice; "
                        "keep one row per series and time")
    statics = _statics(frame, id_col, static, codes, list(uniques))
    values = frame[numeric].to_numpy(dtype=np.float64)
    ids, pieces, positions, lengths, empty = [], [], [], [], []
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        name = str(uniques[codes[a]])
        series, steps, observed = _dense(values[a:b], pos[a:b], name, frame[time_col].iloc[a:b], fill, len(future))
        if observed == 0:
            empty.append(name)           # no observed value at all: not a series (the caller reports it)
            continue
        ids.append(name)
        pieces.append(series)
        positions.append(steps)
        lengths.append(observed)
    if not ids:
        raise DataError(f"no series has an observed {target!r} value")
    sizes = np.array([len(p) for p in pieces], dtype=np.int64)
    return Panel(ids=ids, offsets=np.r_[0, np.cumsum(sizes)], lengths=np.array(lengths, dtype=np.int64),
                 values=np.concatenate(pieces), positions=np.concatenate(positions), target=target, past=past,
                 future=future, statics=None if statics is None else statics.loc[ids], anchor=anchor, step=step,
                 empty=empty)


def _statics(frame, id_col, static, codes, uniques) -> pd.DataFrame | None:
    if not static:
        return None
    table = frame[static].copy()
    table.index = codes
    counts = table.groupby(level=0).nunique(dropna=False)
    if (counts > 1).any().any():
        col = counts.columns[(counts > 1).any()][0]
        name = uniques[int(counts.index[(counts[col] > 1).to_numpy()][0])]
        raise DataError(f"series {name!r}: static feature {col!r} takes several values; a static feature has one "
                        "value per series (use --past-features or --future-features for values that change)")
    first = table.groupby(level=0).first()
    if first.isna().any().any():
        col = first.columns[first.isna().any()][0]
        name = uniques[int(first.index[first[col].isna().to_numpy()][0])]
        raise DataError(f"series {name!r}: static feature {col!r} is missing")
    first.index = [str(uniques[i]) for i in first.index]
    return first


def _dense(values: np.ndarray, pos: np.ndarray, name: str, times, fill, n_future: int):
    """One series on its own stretch of the grid: ``(values, steps, observed rows)``; rows after the last
    observed target are future rows (kept while they carry every future covariate)."""
    target = values[:, 0]
    seen = np.flatnonzero(np.isfinite(target))
    if len(seen) == 0:
        return values[:0], pos[:0], 0
    first, last = seen[0], seen[-1]
    tail = values[last + 1:]
    n_tail = 0
    if n_future and len(tail):
        ok = np.isfinite(tail[:, values.shape[1] - n_future:]).all(axis=1)
        contiguous = np.diff(np.r_[pos[last], pos[last + 1:]]) == 1
        n_tail = int(np.argmin(np.r_[ok & contiguous, False]))   # leading run of complete future rows
    body_pos = pos[first:last + 1]
    steps = np.arange(body_pos[0], body_pos[-1] + 1)
    dense = np.full((len(steps), values.shape[1]), np.nan)
    dense[body_pos - body_pos[0]] = values[first:last + 1]
    holes = ~np.isfinite(dense)
    if holes.any():
        if fill is None:
            row = int(np.argmax(holes.any(axis=1)))
            when = "a missing value" if np.isin(steps[row], body_pos) else "a missing time step"
            before = times.iloc[first + int(np.searchsorted(body_pos, steps[row])) - 1]
            raise DataError(f"series {name!r} has a gap inside it ({when} after {before}); give fill='ffill', "
                            "'interpolate' or 'zero' (--fill) to fill gaps, or remove them")
        dense = _filled(dense, fill)
    if n_tail:
        dense = np.vstack([dense, tail[:n_tail]])
        steps = np.r_[steps, pos[last + 1:last + 1 + n_tail]]
    return dense, steps, int(len(steps) - n_tail)


def _filled(dense: np.ndarray, fill: str) -> np.ndarray:
    frame = pd.DataFrame(dense)
    if fill == "zero":
        return frame.fillna(0.0).to_numpy()
    if fill == "interpolate":
        frame = frame.interpolate(limit_direction="both")
    return frame.ffill().bfill().fillna(0.0).to_numpy()


def panel_from_wide(df: pd.DataFrame, id_col: str, static=None, fill: str | None = None,
                    value_name: str = "value") -> Panel:
    """Validate a wide table (a row per series, a column per time step) and return a ``Panel``
    whose target is called ``value_name``; see ``wide_to_long`` and ``panel_from_long``.

    >>> w = pd.DataFrame({"c": ["x", "y"], "2000": [1.0, 3.0], "2001": [2.0, 4.0], "2002": [3.0, None]})
    >>> p = panel_from_wide(w, "c")
    >>> p.ids, p.lengths.tolist(), p.time_of(p.positions[p.rows_of(1)]).tolist()
    (['x', 'y'], [3, 2], [2000, 2001])
    """
    long = wide_to_long(df, id_col, static, value_name)
    return panel_from_long(long, id_col, "time", value_name, static=static, fill=fill)
