"""Per-step labelled streams for sequence tagging (seed 004's event detection).

A step table is a CSV with one row per time step: an optional sequence column (rows with the
same id form one stream, in file order), an optional per-step label column, and every other
column a numeric channel. Without a sequence column the whole file is one stream.

>>> import io
>>> table = read_step_table(io.StringIO("sequence,x,label\\na,0.1,no\\na,2.0,yes\\nb,0.3,no\\n"))
>>> [s.shape for s in table.X], table.ids, [list(y) for y in table.y]
([(2, 1), (1, 1)], ['a', 'b'], [['no', 'yes'], ['no']])
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqlab.io.errors import DataError


@dataclass
class StepTable:
    """Streams read from a step table.

    Attributes:
        X: one float32 ``(time_i, channels)`` array per stream.
        y: one ``(time_i,)`` array of string labels per stream, or None when the table has none.
        ids: the sequence id of each stream (``"0"`` for a file without a sequence column).
        channels: the names of the value columns.
    """

    X: list
    y: list | None
    ids: list
    channels: list


def read_step_table(path, label_col: str | None = "label", sequence_col: str = "sequence",
                    channels: list | None = None) -> StepTable:
    """Read a step table (see the module notes).

    Args:
        path: a CSV file (or a file-like object, or a DataFrame already read).
        label_col: the per-step label column; None (or a column the file lacks when
            ``channels`` is given, as when predicting) reads no labels.
        sequence_col: the column naming each row's stream; absent = one stream.
        channels: the value columns to use (e.g. those of training); None = every other column.

    Raises DataError for a missing file or column, an empty table, text or NaN in a value column.
    """
    name = path.attrs.get("source", "the table") if isinstance(path, pd.DataFrame) else getattr(path, "name", path)
    try:
        df = path.copy() if isinstance(path, pd.DataFrame) else pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{name}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"{name} cannot be read as a CSV table: {str(e).splitlines()[0]}") from None
    df.columns = [str(c) for c in df.columns]
    if df.empty:
        raise DataError(f"{name} holds no rows")
    labeled = label_col is not None and (label_col in df.columns or channels is None)
    if labeled and label_col not in df.columns:
        raise DataError(f"{name}: column(s) {label_col!r} not found (the per-step label column); columns are: "
                        f"{', '.join(df.columns)} "
                        "(choose one with --label-col)")
    if labeled and df[label_col].isna().any():
        raise DataError(f"{name} line {int(np.argmax(df[label_col].isna().to_numpy())) + 2}: empty step label")
    if channels is None:
        channels = [c for c in df.columns if c not in (label_col, sequence_col)]
    missing = [c for c in channels if c not in df.columns]
    if missing or not channels:
        raise DataError(f"{name}: value column(s) {missing or '(none)'} not found; columns are: "
                        f"{', '.join(df.columns)}")
    values = df[channels].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise DataError(f"{name} line {row + 2}, column {channels[col]!r}: {df[channels[col]].iloc[row]!r} is not a "
                        "finite number (text, empty or inf); fix or drop that row")
    groups = df[sequence_col].astype(str) if sequence_col in df.columns else pd.Series(["0"] * len(df))
    ids = list(dict.fromkeys(groups.tolist()))
    X, y = [], []
    for sid in ids:
        rows = np.flatnonzero((groups == sid).to_numpy())
        X.append(values[rows].astype(np.float32))
        if labeled:
            y.append(np.asarray([_label(v) for v in df[label_col].iloc[rows]], dtype=object))
    return StepTable(X, y if labeled else None, ids, list(channels))


def _label(value) -> str:
    """Labels as strings, with whole floats (1.0, as pandas reads a column with gaps) as integers."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def chunk_streams(X: list, y: list | None, length: int) -> tuple[list, list | None]:
    """Cut every stream into consecutive pieces of ``length`` steps (the last piece may be shorter),
    so a long stream trains as a batch of shorter ones."""
    if length < 1:
        raise DataError(f"chunk length must be >= 1, got {length}")
    def cut(arrays):
        return [a[i:i + length] for a in arrays for i in range(0, len(a), length)]

    return cut(X), None if y is None else cut(y)
