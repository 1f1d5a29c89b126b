"""Inputs to predict on, read in chunks so that memory stays bounded by the chunk, not the file.

``iter_unlabeled(path, format, chunk_rows=...)`` yields lists of at most ``chunk_rows`` inputs:
``(time, channels)`` float32 arrays for series (``csv`` rows of values with an optional header
whose ``label_col`` column is dropped; ``ucr`` lines, whose labels are ignored) or strings for
texts (one per line). The file is read line by line. A ``.ts`` file and a CSV table of texts are
read whole and given as one chunk. ``read_unlabeled`` joins the chunks into one list.

Validation is the same as in training: a row longer than the first row (the header) is refused,
text where a number belongs, NaN inside a series and values beyond ±1e15 too
(``seqlab.data.limits``), each naming the row.

>>> import pathlib, tempfile
>>> p = pathlib.Path(tempfile.mkdtemp()) / "new.csv"
>>> _ = p.write_text("label,a,b,c\\nx,1,2,3\\ny,4,5\\nz,6,7,8\\n")
>>> [[len(s) for s in chunk] for chunk in iter_unlabeled(p, "csv", chunk_rows=2, label_col="label")]
[[3, 2], [3]]
"""
from __future__ import annotations

import csv
import gzip
import itertools
from pathlib import Path
from typing import Iterator

import numpy as np

from seqlab.data.csv import ENCODING, _file_bytes, _undecodable
from seqlab.data.formats import (
    FORMATS,
    _check_nonempty,
    _is_number,
    _read_table,
    _source,
    _strip_trailing_nan,
    _suffix,
    read_labeled,
    row_texts,
)
from seqlab.io.errors import ConfigError, DataError

CHUNK_ROWS = 8192


def _lines(path: Path) -> Iterator[str]:
    """The lines of a text file (gzipped when it ends in ``.gz``) in the encoding ``ENCODING`` holds
    (``--encoding``), else UTF-8, read lazily, a byte-order mark dropped; DataError for a missing file, a broken
    gzip file or bytes that are not text in that encoding."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    gzipped = path.suffix.lower() == ".gz"
    encoding = ENCODING.get() or "utf-8-sig"   # -sig: a BOM is no text
    try:
        with (gzip.open(path, "rt", encoding=encoding, newline="") if gzipped else
              open(path, encoding=encoding, newline="")) as f:
            for i, line in enumerate(f):
                yield line.removeprefix("\ufeff") if i == 0 else line
    except UnicodeDecodeError as e:
        raise _undecodable(path, encoding.removesuffix("-sig"), e, _file_bytes(path)) from None
    except (OSError, EOFError) as e:
        if not gzipped:
            raise
        raise DataError(f"{path} is not a readable gzip file ({e})") from None


def _chunks(items: Iterator, size: int) -> Iterator[list]:
    while True:
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        yield chunk


def _csv_series(path: Path, label_col: str | None) -> Iterator[np.ndarray]:
    rows = (r for r in csv.reader(_lines(path)) if any(c.strip() for c in r))
    try:
        first = next(rows, None)
        if first is None:
            return
        width, drop, line = len(first), None, 1
        if all(_is_number(c) for c in first if c.strip()):
            rows = itertools.chain([first], rows)
            line = 0
        elif label_col in first:
            drop = first.index(label_col)
        for i, row in enumerate(rows, 1):
            if len(row) > width:  # as in training, no row may be longer than the first (the header)
                raise DataError(f"{path} row {i + line}: {len(row)} fields where the first row has {width}; fix "
                                "the row (training refuses such a file too)")
            if drop is not None:
                row = row[:drop] + row[drop + 1:]
            try:
                values = np.array([float(v) if v.strip() else float("nan") for v in row])
            except ValueError:
                raise DataError(f"{path} row {i}: text where a number belongs") from None
            yield _strip_trailing_nan(values, path, i).astype(np.float32)[:, None]
    except csv.Error as e:  # e.g. a field beyond the csv module's 128 KiB limit
        raise DataError(f"{path} cannot be read as CSV: {e}") from None


def _table_series(table, path: Path, label_col: str | None) -> Iterator[np.ndarray]:
    """The rows of a table the caller read (``--columns``/``--drop`` applied), its label column left out."""
    values = _read_table(table)
    values = values.drop(columns=[c for c in [label_col] if c in values.columns])
    for i, row in enumerate(values.itertuples(index=False), 2):
        try:
            series = np.array([float(v) if str(v).strip() else float("nan") for v in row])
        except ValueError:
            raise DataError(f"{path} line {i}: text where a number belongs") from None
        yield _strip_trailing_nan(series, path, i).astype(np.float32)[:, None]


def _ucr_series(path: Path) -> Iterator[np.ndarray]:
    for i, line in enumerate(_lines(path), 1):
        parts = line.replace(",", " ").replace("\t", " ").split()
        if not parts:
            continue
        if len(parts) < 2:
            raise DataError(f"{path} line {i}: expected a label and at least one value")
        try:
            values = np.array([float(p) for p in parts[1:]], dtype=np.float64)
        except ValueError:
            raise DataError(f"{path} line {i}: non-numeric value; a UCR file holds 'label v1 v2 ...' "
                            "(for text use --format text)") from None
        yield _strip_trailing_nan(values, path, i).astype(np.float32)[:, None]


def _text_lines(path: Path) -> Iterator[str]:
    for line in _lines(path):
        line = line.rstrip("\r\n")
        if line.strip():
            yield line


def _texts_table(table, path: Path, text_col: str | None) -> list[str]:
    texts = row_texts(_read_table(table), text_col or "text", path)
    empty = [i for i, t in enumerate(texts) if not str(t).strip()]
    if empty:
        raise DataError(f"{path}: {len(empty)} empty text(s) (first at row {empty[0] + 1}); remove them")
    return [str(t) for t in texts]


def iter_unlabeled(path, format: str, text_col: str | None = None, label_col: str | None = None,
                   chunk_rows: int | None = None) -> Iterator[list]:
    """Yield the inputs of ``path`` (a file, ``.gz`` too, or for texts and csv series a DataFrame already read)
    in lists of at most ``chunk_rows`` (default ``CHUNK_ROWS``; see the module docstring).

    Raises DataError (as the training readers do) for a missing, malformed or empty file;
    ConfigError for an unknown format.
    """
    table, path = _source(path)  # a path, or a table the caller read (texts only)
    if format not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if format == "text" and (text_col is not None or _suffix(path) == ".csv" or table is not path):
        items = iter(_texts_table(table, path, text_col))
    elif format == "text":
        items = _text_lines(path)
    elif format == "csv" and table is not path:
        items = _table_series(table, path, label_col)
    elif format == "csv":
        items = _csv_series(path, label_col)
    elif format == "ucr":
        items = _ucr_series(path)
    else:
        items = iter(read_labeled(path, format).X)
    count = 0
    for chunk in _chunks(items, max(1, int(chunk_rows or CHUNK_ROWS))):
        count += len(chunk)
        yield chunk
    _check_nonempty(path, count, "texts" if format == "text" else "sequences")


def read_unlabeled(path, format: str, text_col: str | None = None, label_col: str | None = None) -> list:
    """All inputs of ``path`` as one list (``iter_unlabeled``'s chunks joined)."""
    return [item for chunk in iter_unlabeled(path, format, text_col, label_col) for item in chunk]
