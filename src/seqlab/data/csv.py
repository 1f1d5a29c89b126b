"""Reading a CSV (or a text file) and validating it, so bad input fails early and says why.

Files may be gzipped (``prices.csv.gz``, ``names.txt.gz``). ``read_csv`` and ``read_feature_table`` also
take a DataFrame already read (by ``read_frame``, say, with columns selected), named in messages by
``frame.attrs["source"]``.

Rows are numbered as data rows from 1 (the first row after the header), which is line
``row + 1`` of the file.

**Encodings.** A file is read as UTF-8, else (with a warning) Windows-1252, else Latin-1; UTF-16 after its
byte-order mark (``text_encoding``). An encoding given explicitly is used as it is, with no guessing: the
``encoding=`` argument of ``read_frame``, ``read_text`` and ``read_lines``, or, when a call names none, the
one ``ENCODING`` holds, which ``reading_encoding(name)`` sets for a block (the command line's ``--encoding``
sets it around each command, so every reader below it honours the flag). A file that does not decode in the
given encoding is a DataError naming it and the first byte that does not decode.

>>> df = read_csv("prices.csv", target="Open", time_col="Date")      # doctest: +SKIP
"""
from __future__ import annotations

import codecs
import contextlib
import contextvars
import csv
import gzip
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.data.archives import archive_of, is_packed, one_file
from seqlab.data.columns import with_joined_time
from seqlab.data.limits import check_magnitude
from seqlab.io.errors import ConfigError, DataError

FILLS = ("ffill", "interpolate", None)

ENCODING: contextvars.ContextVar[str | None] = contextvars.ContextVar("seqlab_encoding", default=None)
# the encoding of the files read where a call names none (set by reading_encoding; None: guess)


def read_csv(path, target=None, time_col: str | None = None, features=None, fill: str | None = None,
             sep: str = ",", thousands: str | None = None, series_col: str | None = None) -> pd.DataFrame:
    """Read ``path`` with pandas and check it is fit for training.

    Args:
        path: the CSV file.
        target: a column name, or a list of them, that must exist and be numeric.
        time_col: a column to parse as dates/times; it stays a ``datetime64`` column. Rows out of
            time order are sorted by it (stable), with a warning; a time that occurs twice (within
            one series of ``series_col``) is a DataError.
        series_col: the column naming the series of a file holding several (their times repeat).
        features: more column names that must exist and be numeric.
        fill: what to do with NaN/inf in the checked columns: ``None`` raises DataError giving
            their count and first row; ``"ffill"`` carries the last value forward (leading gaps
            take the first valid value); ``"interpolate"`` fills linearly (ends held constant).
        sep: field separator. thousands: thousands separator in numbers (e.g. ``","``).

    Returns:
        The clean DataFrame: all columns of the file, checked columns as float64, sorted by
        ``time_col`` if given, with a fresh ``RangeIndex``.

    Raises:
        DataError: missing or empty file, unparsable CSV, a column not there (the message lists
        the columns that are), text in a numeric column (column, row, value), NaN/inf without
        ``fill`` (column, count, first row), a value beyond ±1e15 (``seqlab.data.limits``), a time
        value that is not a date or that repeats, or a column that is all NaN after filling.

    >>> import io, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("t,v\\n2020-01-02,2\\n2020-01-01,1\\n")
    >>> read_csv(p, target="v", time_col="t")["v"].tolist()
    [1.0, 2.0]
    """
    if fill not in FILLS:
        raise ConfigError(f"fill must be one of {FILLS}, got {fill!r}")
    df, path = _frame_of(path, sep, thousands)
    df = with_joined_time(df, time_col)
    targets = [] if target is None else [target] if isinstance(target, str) else list(target)
    checked = targets + [c for c in (features or []) if c not in targets]
    wanted = checked + ([time_col] if time_col is not None else [])
    _require_columns(df, wanted, path)
    if time_col is not None:
        df[time_col] = _parse_time(df[time_col], time_col, path)
    gaps = {}
    for col in checked:
        df[col] = _numeric_column(df[col], col, path)
        bad = ~np.isfinite(df[col].to_numpy())
        if bad.any() and fill is None:
            raise _non_finite(path, col, bad, "pass fill='ffill' or fill='interpolate', or clean the file")
        check_magnitude(df[col].to_numpy(), [col], str(path))
        gaps[col] = bad
    for col, bad in gaps.items():
        df[col] = df[col].where(~bad)
    if time_col is not None:
        df = _in_time_order(df, time_col, series_col, path)
    for col in checked:
        if df[col].isna().any():
            df[col] = df[col].ffill().bfill() if fill == "ffill" else df[col].interpolate(limit_direction="both")
            if df[col].isna().any():
                raise DataError(f"{path}: column {col!r} has no finite value to fill from")
    return df


def _in_time_order(df: pd.DataFrame, time_col: str, series_col: str | None, path) -> pd.DataFrame:
    """``df`` sorted by time (a warning says so when it was not); DataError for a repeated time."""
    keys = [series_col, time_col] if series_col else [time_col]
    _require_columns(df, keys, path)
    repeated = df.duplicated(keys, keep=False).to_numpy()
    if repeated.any():
        rows = np.nonzero(repeated)[0][:2] + 1
        raise DataError(f"{path}: time column {time_col!r} holds {df[time_col].iloc[rows[0] - 1]} more than once (rows "
                        f"{rows[0]} and {rows[1]}, {int(repeated.sum())} rows in all)"
                        + ("" if series_col else "; if the file holds several series, name their column") +
                        "; aggregate or drop the repeats")
    times = df[time_col].to_numpy()
    if series_col is None and len(times) > 1 and (times[1:] < times[:-1]).any():
        warnings.warn(f"{path}: rows are not in time order; sorted them by {time_col!r}", UserWarning, stacklevel=3)
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def read_feature_table(path, label_col: str | None = None, time_col: str | None = None, sep: str = ",",
                       thousands: str | None = None):
    """Read a CSV whose columns are all numeric features, apart from an optional label column and
    an optional time column, which are split off as they are (not parsed, not sorted).

    Args:
        path: the CSV file. label_col, time_col: column names, or None.
        sep, thousands: as in :func:`read_csv`.

    Returns:
        ``(features, labels, times)``: a DataFrame of the other columns (numeric dtypes kept as
        read, numbers read as text become float64) with the file's row order, and the label and
        time columns as Series, or None for a column not asked for.

    Raises:
        DataError: as :func:`read_csv` for the file and for a column not there; a feature column
        holding text (column, row, value), NaN/inf in a feature column (column, count, first
        row), or no feature column left. ConfigError: the same column named as label and time.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("day,a,b,y\\nmon,1,2.5,0\\ntue,3,4.5,1\\n")
    >>> X, y, t = read_feature_table(p, label_col="y", time_col="day")
    >>> list(X.columns), y.tolist(), t.tolist()
    (['a', 'b'], [0, 1], ['mon', 'tue'])
    """
    if label_col is not None and label_col == time_col:
        raise ConfigError(f"column {label_col!r} is named as both the label and the time column; name two columns")
    df, path = _frame_of(path, sep, thousands)
    df = with_joined_time(df, time_col, drop_parts=True)
    _require_columns(df, [c for c in (label_col, time_col) if c is not None], path)
    labels = df.pop(label_col) if label_col is not None else None
    times = df.pop(time_col) if time_col is not None else None
    if df.shape[1] == 0:
        raise DataError(f"{path}: no feature columns besides the label/time column; give numeric columns to learn from")
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = _numeric_column(df[col], col, path)
        bad = ~np.isfinite(df[col].to_numpy(dtype=np.float64))
        if bad.any():
            raise _non_finite(path, col, bad, "fill or drop those rows first")
        check_magnitude(df[col].to_numpy(dtype=np.float64), [col], str(path))
    return df, labels, times


def read_text(path, expected: str = "a UTF-8 text file", encoding: str | None = None) -> str:
    """The whole text of a file (a byte-order mark, if any, is kept as a character), read with ``decode``: in
    ``encoding`` (default: the one ``ENCODING`` holds, ``--encoding``) exactly; with neither, UTF-8, else the
    encoding ``text_encoding`` finds, with a warning.

    Raises DataError for a missing file, a folder, a binary file (NUL bytes), one that is not
    text in its encoding, or one holding only whitespace; ``expected`` ends each message's
    advice ("... give a CSV/TSV file of input,target pairs"). ConfigError for an unknown ``encoding``.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "poem.txt"
    >>> _ = p.write_text("roses are red\\n")
    >>> read_text(p)
    'roses are red\\n'
    >>> _ = p.write_bytes("バラは赤い\\n".encode("shift_jis"))
    >>> read_text(p, encoding="shift_jis")
    'バラは赤い\\n'
    """
    path = Path(path)
    _check_file(path, f"; give {expected}")
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise DataError(f"{path} is not a readable gzip file ({e}); give {expected}") from None
    encoding = checked_encoding(encoding) or ENCODING.get()
    if _looks_binary(raw) and not (encoding and _wide(encoding)):
        raise DataError(f"{path} looks binary (it holds NUL bytes); give {expected}")
    text = decode(raw, path, encoding)
    if not text.strip():
        raise DataError(f"{path} is empty; give {expected}")
    return text


def read_lines(path, skip_empty: bool = True, encoding: str | None = None) -> list[str]:
    """Read a text file as a list of lines (without line ends or a byte-order mark), e.g. one name or message each,
    in ``encoding`` as :func:`read_text` reads it (default: ``--encoding``, else guessed).

    Raises DataError as :func:`read_text` does: a missing, binary or empty file, or one that is
    not text in its encoding.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "names.txt"
    >>> _ = p.write_text("emma\\n\\nolivia")
    >>> read_lines(p)
    ['emma', 'olivia']
    """
    lines = read_text(path, "a file with at least one line of text", encoding).removeprefix("\ufeff").splitlines()
    return [line for line in lines if line.strip()] if skip_empty else lines


def _require_columns(df: pd.DataFrame, wanted, path) -> None:
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise DataError(f"{path}: column(s) {', '.join(map(repr, missing))} not found; "
                        f"columns are: {', '.join(map(str, df.columns))}")


def _non_finite(path, col: str, bad: np.ndarray, fix: str) -> DataError:
    return DataError(f"{path}: column {col!r} has {int(bad.sum())} NaN/inf value(s), first at row "
                     f"{int(np.argmax(bad)) + 1}; {fix}")


def _check_file(path: Path, advice: str = "") -> None:
    if not path.exists():
        raise DataError(f"file not found: {path}{advice}")
    if path.is_dir():
        archive = archive_of(path)   # an archive of several files, unpacked by seqlab.cli.common.input_file
        if archive is not None:
            one_file(archive)        # raises the line that names its files
        raise DataError(f"{path} is a folder{advice or '; give a file'}")
    if path.is_file() and path.stat().st_size == 0:  # a pipe (<(...)) reports size 0
        raise DataError(f"{path}: the file is empty{advice}")


UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")    # byte-order marks of UTF-16 (little, big endian)
LEGACY_ENCODINGS = ("cp1252", "latin-1")   # tried in this order for a file that is not UTF-8 (latin-1 reads any byte)


def text_encoding(raw: bytes, name="the file") -> str:
    """The encoding to read ``raw`` (a file's bytes) in: ``"utf-8"`` when they are UTF-8, ``"utf-16"`` after a
    UTF-16 byte-order mark (Excel's "Unicode text"), else the first of ``LEGACY_ENCODINGS`` that decodes them
    (Windows-1252: Kaggle's ``spam.csv``, Excel's CSVs on Western Windows), with a warning naming ``name``.

    >>> text_encoding("café".encode("utf-8")), text_encoding(b"\\xff\\xfea\\x00")
    ('utf-8', 'utf-16')
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as seen:
    ...     warnings.simplefilter("always")
    ...     found = text_encoding("£5 prize".encode("cp1252"), "spam.csv")
    >>> found, str(seen[0].message).split(":")[0]
    ('cp1252', 'spam.csv is not UTF-8 text (byte 0 is not UTF-8)')
    """
    if raw.startswith(UTF16_MARKS):
        return "utf-16"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        where = e.start
    for encoding in LEGACY_ENCODINGS:
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        label = {"cp1252": "Windows-1252 (Western European)", "latin-1": "Latin-1 (ISO-8859-1)"}[encoding]
        warnings.warn(f"{Path(str(name)).name} is not UTF-8 text (byte {where} is not UTF-8): read as {label}; "
                      f"if its accents look wrong, give its encoding (--encoding, e.g. --encoding shift_jis) or "
                      "save it as UTF-8", UserWarning, stacklevel=3)
        return encoding
    return "utf-8"   # not reached: Latin-1 decodes any byte


def checked_encoding(name: str | None) -> str | None:
    """``name``, stripped, when Python knows it as a text encoding (``codecs.lookup``: ``shift_jis``, ``gbk``,
    ``utf-16``, ``latin-1``, ``cp1252``...); None stays None. ConfigError for any other name.

    >>> checked_encoding(" shift_jis "), checked_encoding(None)
    ('shift_jis', None)
    >>> checked_encoding("klingon")
    Traceback (most recent call last):
    seqlab.io.errors.ConfigError: unknown encoding 'klingon': give one Python knows, e.g. utf-8, \
utf-16, cp1252, latin-1, shift_jis, gbk
    """
    if name is None:
        return None
    name = str(name).strip()
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):   # base64, rot13: codecs, not encodings
        raise ConfigError(f"unknown encoding {name!r}: give one Python knows, e.g. utf-8, utf-16, "
                          "cp1252, latin-1, shift_jis, gbk")
    return name


@contextlib.contextmanager
def reading_encoding(name: str | None):
    """Within the block, the readers of this module read every file whose call names no encoding in ``name``
    (checked by ``checked_encoding``), with no guessing; None leaves the guess (``text_encoding``). The command
    line sets it from ``--encoding`` around each command. Returns a context manager.

    >>> with reading_encoding("shift_jis"):
    ...     ENCODING.get()
    'shift_jis'
    >>> ENCODING.get() is None
    True
    """
    token = ENCODING.set(checked_encoding(name))
    try:
        yield
    finally:
        ENCODING.reset(token)


def decode(raw: bytes, name="the file", encoding: str | None = None) -> str:
    """``raw`` (a file's bytes) as text: in ``encoding`` (default: the one ``ENCODING`` holds) exactly, a
    DataError naming the encoding and the first byte that does not decode; with neither, in the encoding
    ``text_encoding`` finds (a warning naming ``name`` when it is not UTF-8). A byte-order mark stays a character.

    >>> decode("日本語".encode("shift_jis"), "a.txt", "shift_jis")
    '日本語'
    >>> decode(b"caf\\xe9", "a.txt", "utf-8")
    Traceback (most recent call last):
    seqlab.io.errors.DataError: a.txt is not UTF-8 text: byte 3 cannot be decoded (unexpected end of data); \
give the file's encoding (--encoding) or save it as UTF-8
    """
    encoding = checked_encoding(encoding) or ENCODING.get() or text_encoding(raw, name)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as e:
        raise _undecodable(name, encoding, e) from None


def _undecodable(name, encoding: str, error: UnicodeDecodeError, raw: bytes = b"") -> DataError:
    """The DataError of a file that is not text in ``encoding``; the byte is found again in ``raw`` when given
    (pandas and streams report an offset within the block they were decoding)."""
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as e:
        error = e
    return DataError(f"{name} is not {encoding.upper()} text: byte {error.start} cannot be decoded ({error.reason}); "
                     "give the file's encoding (--encoding) or save it as UTF-8")


def _wide(encoding: str) -> bool:
    """Whether ``encoding`` writes NUL bytes in ordinary text (UTF-16, UTF-32), so that they do not mean binary."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _file_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` (decompressed when it ends in ``.gz``), the first ``limit`` only if given; empty
    when they cannot be read or ``path`` is no file (a pipe cannot be read twice)."""
    if not path.is_file():
        return b""
    try:
        with (gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")) as fh:
            return fh.read(-1 if limit is None else limit)
    except (OSError, EOFError):
        return b""


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes, without the byte-order mark of UTF-16 (whose text holds them)."""
    return b"\x00" in raw and not raw.startswith(UTF16_MARKS)


def _frame_of(source, sep: str, thousands: str | None) -> tuple[pd.DataFrame, object]:
    """``(frame, name for messages)`` of a path or of a DataFrame already read."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), source.attrs.get("source", "the table")
    return read_frame(source, sep, thousands), source


def read_frame(path, sep: str = ",", thousands: str | None = None, *, encoding: str | None = None,
               **options) -> pd.DataFrame:
    """The table in CSV file ``path`` (gzipped too), header names stripped, every failure a DataError:
    a missing or empty file, one that is not CSV or not text, a header without rows. ``options`` go to
    ``pandas.read_csv`` (``dtype=str``, ``keep_default_na=False``...). A workbook, a Parquet file and JSON (Lines)
    are read as tables too, by their suffix (``TABLE_SUFFIXES``), with ``usecols``, ``nrows`` and ``dtype=str``.

    ``encoding`` (default: the one ``ENCODING`` holds, ``--encoding``) is used exactly: a file that does not
    decode in it is a DataError naming it and the byte; an unknown name is a ConfigError. With neither, the file
    is read as UTF-8, else in the encoding ``text_encoding`` finds (with a warning). Workbooks and Parquet
    files carry their own encoding.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text(" a, b\\n1,2\\n")
    >>> list(read_frame(p).columns)
    ['a', 'b']
    >>> _ = p.write_bytes("名前,数\\n東京,3\\n".encode("shift_jis"))
    >>> read_frame(p, encoding="shift_jis")["名前"].tolist()
    ['東京']
    """
    path = Path(path)
    _check_file(path)
    if is_packed(path):   # UCI's downloads: the one table inside a zip, read as its name says
        return read_frame(one_file(path), sep, thousands, encoding=encoding, **options)
    encoding = checked_encoding(encoding) or ENCODING.get()
    if thousands is not None and len(thousands) != 1:
        raise ConfigError(f"the thousands separator must be one character, e.g. ',', got {thousands!r}")
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_workbook(path, thousands, options)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path, options)
    if path.suffix.lower() in JSON_SUFFIXES or (path.suffix.lower() == ".gz" and
                                                 Path(path.stem).suffix.lower() in JSON_SUFFIXES):
        return _read_json(path, encoding, options)
    if "keep_default_na" not in options and "dtype" not in options:   # "?" is a gap, as pandas' "NA" and "NaN"
        options["na_values"] = [*options.get("na_values", []), *MISSING_MARKS]
    if _looks_binary(_file_bytes(path, 65536)) and not (encoding and _wide(encoding)):   # a workbook named .csv
        raise DataError(f"{path}: not a readable CSV: it looks binary (it holds NUL bytes); save it as CSV text")
    if encoding is not None:   # given: that one, no guessing
        try:
            return _read_frame(path, sep, thousands, {**options, "encoding": encoding})
        except UnicodeDecodeError as e:
            raise _undecodable(path, encoding, e, _file_bytes(path)) from None
    try:
        return _read_frame(path, sep, thousands, {**options, "encoding": "utf-8"})
    except UnicodeDecodeError as e:
        raw = _file_bytes(path)
        if _looks_binary(raw):
            raise DataError(f"{path}: not a readable CSV: it looks binary (it holds NUL bytes); save it as CSV "
                            "text") from None
        encoding = text_encoding(raw, path)
        if encoding == "utf-8":   # bytes that cannot be read again (a pipe)
            raise DataError(f"{path}: not a readable CSV: not UTF-8 text ({e.reason} at byte {e.start}); give "
                            "its encoding (--encoding) or save it as UTF-8") from None
        return _read_frame(path, sep, thousands, {**options, "encoding": encoding})


def _read_frame(path: Path, sep: str, thousands: str | None, options: dict) -> pd.DataFrame:
    """``read_frame`` in the encoding ``options["encoding"]``; a UnicodeDecodeError goes to the caller."""
    encoding = options.get("encoding", "utf-8")
    guessed = sep == "," and "sep" not in options and separator_of(path, encoding)
    if guessed:   # a header without commas: a ';', tab or '|' file, read with that separator
        sep = guessed
        if sep == ";" and _decimal_commas(path, encoding):   # Excel's CSV where the decimal mark is a comma
            options.setdefault("decimal", ",")
    try:
        df = pd.read_csv(path, sep=sep, thousands=thousands, skipinitialspace=True, **options)
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: the file is empty (no header, no rows)") from None
    except (pd.errors.ParserError, OSError, EOFError) as e:   # OSError, EOFError: a broken .gz
        raise DataError(f"{path}: not a readable CSV: {str(e).strip().splitlines()[-1]}") from None
    df.columns = [str(c).strip() for c in df.columns]
    first = _first_line(path, sep, encoding)
    if "header" not in options and "names" not in options and _first_line_is_data(first, df):
        # no header (LSTNet's exchange_rate.txt, a NumPy savetxt, the AG News CSV): the first line is data
        df = pd.read_csv(path, sep=sep, thousands=thousands, skipinitialspace=True, header=None, **options)
        df.columns = [str(c) for c in range(df.shape[1])]
        warnings.warn(f"{path.name} has no header row (its first line is data): its columns are named 0 to "
                      f"{df.shape[1] - 1}", UserWarning, stacklevel=2)
    df = _without_footer(df, path)
    if len(df) == 0:
        raise DataError(f"{path}: has a header ({', '.join(df.columns)}) but no data rows")
    if sep == "," and thousands is None and "dtype" not in options:
        _numbers_with_thousands(df)
    return df


EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")   # read with pandas.read_excel (openpyxl: seqlab[excel])
PARQUET_SUFFIXES = (".parquet", ".pq")          # read with pandas.read_parquet (pyarrow: seqlab[panel])
JSON_SUFFIXES = (".jsonl", ".ndjson", ".json")  # JSON Lines (a record a line: Hugging Face's to_json) or an array
# every file read_frame reads as a table, beside .csv and .tsv (gzipped too)
TABLE_SUFFIXES = (".csv", ".tsv", *EXCEL_SUFFIXES, *PARQUET_SUFFIXES, *JSON_SUFFIXES)


def _read_workbook(path: Path, thousands: str | None, options: dict) -> pd.DataFrame:
    """The first sheet of an Excel workbook as ``read_frame`` reads a CSV (header names stripped, notes under
    the data left out), with a warning when the workbook holds other sheets; ``options`` that CSVs alone have
    (``sep``, ``decimal``, ``encoding``) do not apply."""
    if path.suffix.lower() == ".xls":
        raise DataError(f"{path}: the old Excel format (.xls) is not read; save it as .xlsx or CSV")
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise ConfigError("reading Excel workbooks needs openpyxl: pip install 'seqlab[excel]' (or save the sheet "
                          "as CSV)") from None
    keep = {k: v for k, v in options.items() if k in ("dtype", "keep_default_na", "na_values", "nrows", "usecols",
                                                       "header", "names")}
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = book.sheet_names
            df = book.parse(sheets[0], thousands=thousands, **keep)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as e:   # not a workbook
        raise DataError(f"{path}: not a readable Excel workbook ({str(e).splitlines()[0] if str(e) else e!r})") \
            from None
    if len(sheets) > 1:
        warnings.warn(f"{path.name}: read its first sheet, {sheets[0]!r}, of {len(sheets)} (save another as CSV "
                      "to use it)", UserWarning, stacklevel=3)
    df.columns = [str(c).strip() for c in df.columns]
    df = _without_footer(df, path)
    if len(df) == 0:
        raise DataError(f"{path}: the first sheet has a header ({', '.join(df.columns)}) but no data rows"
                        if len(df.columns) else f"{path}: the first sheet, {sheets[0]!r}, is empty")
    return df


def _read_parquet(path: Path, options: dict) -> pd.DataFrame:
    """A Parquet file (pyarrow: seqlab[panel]) as ``read_frame`` reads a CSV: column names as strings, stripped;
    ``dtype=str`` makes every cell text as a CSV's are (empty where missing with ``keep_default_na=False``)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ConfigError("reading Parquet needs pyarrow: pip install 'seqlab[panel]'") from None
    try:
        df = pd.read_parquet(path, engine="pyarrow", columns=options.get("usecols"))
    except (ValueError, OSError) as e:   # pyarrow's ArrowInvalid is a ValueError
        raise DataError(f"{path}: not a readable Parquet file ({str(e).splitlines()[0] if str(e) else e!r})") \
            from None
    return _as_read(df, path, options)


def _read_json(path: Path, encoding: str | None, options: dict) -> pd.DataFrame:
    """A JSON Lines file (a record a line: ``{"text": "...", "label": 1}``, as Hugging Face's ``Dataset.to_json``
    writes it) or a JSON array of records, as ``read_frame`` reads a CSV (``_as_read``); a cell holding a list or
    an object is its JSON text."""
    import json

    raw = _file_bytes(path)
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as e:
        raise _undecodable(path, encoding or "utf-8", e, raw) from None
    lines = [(1, text)] if text.lstrip()[:1] == "[" else [(i, t) for i, t in enumerate(text.splitlines(), 1)
                                                          if t.strip()]
    records = []
    for number, chunk in lines:
        try:
            record = json.loads(chunk)
        except json.JSONDecodeError as e:
            raise DataError(f"{path}: not readable JSON (line {number + e.lineno - 1}: {e.msg}); give a record a "
                            "line, or an array of records") from None
        records += record if len(lines) == 1 and isinstance(record, list) else [record]
    if not records:
        raise DataError(f"{path}: holds no records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{path}: JSON that is not records (objects of column: value); give a record a line, or "
                        "an array of records")
    df = pd.DataFrame.from_records(records)
    nested = [c for c in df.columns if df[c].map(lambda v: isinstance(v, (list, dict))).any()]
    for c in nested:
        df[c] = df[c].map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
    use = options.get("usecols")
    if use is not None:   # names or positions, as pandas.read_csv takes them
        df = df.iloc[:, [u if isinstance(u, int) else df.columns.get_loc(u) for u in use]]
    return _as_read(df, path, options)


def _as_read(df: pd.DataFrame, path: Path, options: dict) -> pd.DataFrame:
    """A table read from a file that is no CSV (Parquet, JSON) as ``read_frame`` gives a CSV's: the first
    ``nrows`` rows, column names as strings, stripped; ``dtype=str`` makes every cell text as a CSV's are (empty
    where missing with ``keep_default_na=False``); a table without rows a DataError."""
    if options.get("nrows") is not None:
        df = df.head(int(options["nrows"]))
    df.columns = [str(c).strip() for c in df.columns]
    if options.get("dtype") is str:
        missing = df.isna()
        df = df.astype(str).mask(missing, "" if options.get("keep_default_na") is False else np.nan)
    if len(df) == 0:
        raise DataError(f"{path}: has columns ({', '.join(df.columns)}) but no rows")
    return df


FOOTER_ROWS = 3   # trailing notes left out at most


def _without_footer(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``df`` without its last rows (``FOOTER_ROWS`` at most) that are a note rather than data: one cell of
    three words or more in a column whose other cells are not such texts, every other cell empty (DataMarket's
    CSVs end ``International airline passengers: monthly totals in thousands...`` under the dates); one warning.

    >>> df = pd.DataFrame({"Month": ["1960-11", "1960-12", "Passengers: monthly totals"], "n": [390, 432, None]})
    >>> len(_without_footer(df, Path("air.csv")))
    2
    """
    if df.shape[1] < 2 or len(df) < 3:
        return df
    notes = []
    for i in range(len(df) - 1, max(len(df) - 1 - FOOTER_ROWS, 0), -1):
        cells = df.iloc[i]
        filled = [c for c, v in cells.items() if not (pd.isna(v) or str(v).strip() == "")]
        if len(filled) != 1 or len(str(cells[filled[0]]).split()) < 3:
            break
        above = df[filled[0]].iloc[:i].dropna().astype(str)
        if (above.str.split().str.len() >= 3).mean() > 0.1:   # a column of texts: a row of data missing cells
            break
        notes.append(str(cells[filled[0]]).strip())
    if not notes:
        return df
    warnings.warn(f"{path.name}: left out its last {len(notes)} line(s), a note rather than data "
                  f"({notes[-1][:60]!r})", UserWarning, stacklevel=3)
    return df.iloc[:len(df) - len(notes)].reset_index(drop=True)


def _open_text(path: Path, encoding: str = "utf-8"):
    """``path`` opened to read text in ``encoding`` (gzipped when it ends in ``.gz``), line ends kept as written."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def _first_line(path: Path, sep: str, encoding: str = "utf-8") -> list[str] | None:
    """The cells of the file's first line (quotes removed), None when it cannot be peeked at (a pipe)."""
    if not path.is_file():
        return None
    try:
        with _open_text(path, encoding) as fh:
            return next(csv.reader([fh.readline().lstrip("\ufeff")], delimiter=sep, skipinitialspace=True), None)
    except (UnicodeDecodeError, OSError, EOFError, csv.Error):
        return None


def _first_line_is_data(cells: list[str] | None, df: pd.DataFrame) -> bool:
    """Whether the first line ``cells`` of a table read as ``df`` (the rows after it) is a row of data, not
    names: some cell is a number with a decimal point or exponent, or a whole number over a column of whole
    numbers that is one of them or, below 100, over at most 50 values (a class code, as in AG News'
    ``"3","title","text"``; not when the line's whole numbers count up, 2, 3, 4, ...: step names), and no cell
    is a name: an empty cell (pandas' index), a word or two over a column of a few repeated values that is not
    one of them (``label`` over spam and ham), or text over a column of numbers. Other whole numbers (years over a
    wide panel's values) decide nothing.

    >>> rows = pd.DataFrame([["0.78", "1.61"]])
    >>> _first_line_is_data(["0.79", "1.6"], rows), _first_line_is_data(["rate", "1.6"], rows)
    (True, False)
    >>> news = pd.DataFrame([["4", "Ky. Company Wins Grant", "AP - A company founded by a chemist..."]])
    >>> _first_line_is_data(["4", "Fears for T N pension after talks", "Unions representing workers"], news)
    True
    >>> _first_line_is_data(["1960", "1961"], pd.DataFrame([["2.5", "2.4"]]))
    False
    >>> steps = pd.DataFrame([["Y1", "3600.0", "7700.0", "12300.0"], ["Y2", "100.0", "", ""]])
    >>> _first_line_is_data(["V1", "2", "3", "4"], steps)      # a wide file: an id, then the step numbers
    False
    """
    if not cells or len(cells) != df.shape[1]:
        return False
    whole_cells = [int(c) for c in cells if re.fullmatch(r"\s*[-+]?\d+\s*", c)]
    counting = len(whole_cells) >= 3 and whole_cells == list(range(whole_cells[0], whole_cells[0] + len(whole_cells)))
    data = False
    for cell, (_, column) in zip(cells, df.items()):
        cell = cell.strip()
        values = column.dropna().astype(str).str.strip()
        numbers = pd.to_numeric(values, errors="coerce")
        if _FLOAT.match(cell):
            whole = re.fullmatch(r"[-+]?\d+", cell) is not None
            codes = numbers.notna().all() and (numbers % 1 == 0).all()      # a column of whole numbers
            code = abs(float(cell)) < 100 and numbers.nunique() <= 50 and not counting   # 1, 2, 3, ...: step names
            if not whole or (codes and (float(cell) in set(numbers) or code)):
                data = True
        elif not cell or (len(values) and numbers.notna().mean() > 0.9):
            return False          # pandas' unnamed index, or a name over a column of numbers
        elif len(cell.split()) < 3 and cell not in set(values) and values.nunique() <= max(len(values) // 2, 2):
            return False          # a name such as "label" over a column of a few values (not a user name over many)
    return data


SEPARATORS = (";", "\t", "|")   # tried, in this order, when a CSV's header holds no comma
_THOUSANDS = re.compile(r"^\s*[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$")   # 1,234 or -12,345,678.5
_SEPARATED_NUMBER = re.compile(r"^\s*[-+]?\d[\d,.' ]*\d\s*$")   # 1,234 or 1.234,5 or 1'234: digits with marks
_PLAIN_NUMBER = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")
_DECIMAL = re.compile(r"^[-+]?\d+([.,])\d+$")   # 1.5 or 1,5: one mark between digits
_FLOAT = re.compile(r"^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$")


def separator_of(path: Path, encoding: str = "utf-8") -> str | None:
    """The separator of a file whose first line holds no comma but a ``SEPARATORS`` character (the most
    frequent of them), else None. Pipes (``<(...)``) are not peeked at: they cannot be read twice."""
    if not path.is_file():
        return None
    try:
        with _open_text(path, encoding) as fh:
            header = fh.readline()
    except (UnicodeDecodeError, OSError, EOFError):
        return None   # pandas says what is wrong with the file
    if "," in header:
        return None
    counts = {s: header.count(s) for s in SEPARATORS}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def _decimal_commas(path: Path, encoding: str = "utf-8", lines: int = 200) -> bool:
    """Whether the numbers of a ``;`` file's first ``lines`` lines are written with decimal commas (``1,5``):
    more cells are ``digits,digits`` than ``digits.digits`` (UCI's household power file: ``2.006;0.418``).
    Ties (whole numbers only) say yes, as Excel writes ``;`` files where the comma is the decimal mark."""
    counts = {",": 0, ".": 0}
    try:
        with _open_text(path, encoding) as fh:
            for _, line in zip(range(lines), fh):
                for cell in line.strip().split(";"):
                    match = _DECIMAL.match(cell.strip().strip('"'))
                    if match:
                        counts[match.group(1)] += 1
    except (UnicodeDecodeError, OSError, EOFError):
        return True
    return counts[","] >= counts["."]


def _numbers_with_thousands(df: pd.DataFrame) -> None:
    """Text columns whose every value is a number, some written with thousands commas (``"1,234"``,
    quoted in the CSV), made float64 in place; other columns are left as they are."""
    for name in df.columns:
        col = df[name]
        if col.dtype != object:
            continue
        text = col.dropna().astype(str)
        with_commas = text.str.match(_THOUSANDS)
        if len(text) and with_commas.any() and (with_commas | text.str.match(_PLAIN_NUMBER)).all():
            df[name] = pd.to_numeric(col.astype(str).str.replace(",", "", regex=False).where(col.notna()))


MISSING_MARKS = ("?",)   # cells read as missing values in a numeric column, beside pandas' own (NA, NaN, ...)


def _numeric_column(col: pd.Series, name: str, path) -> pd.Series:
    if pd.api.types.is_bool_dtype(col):
        return col.astype("float64")
    if pd.api.types.is_numeric_dtype(col):
        return col.astype("float64")
    missing = col.astype(str).str.strip().isin(MISSING_MARKS)   # "?" in UCI's files: a gap, as pandas' "NA"
    numbers = pd.to_numeric(col.where(~missing), errors="coerce")
    text = numbers.isna() & col.notna() & ~missing
    if text.any():
        first = int(np.argmax(text.to_numpy()))
        if as_dates(col.astype(object)) is not None:   # a date column where numbers belong: say what to do with it
            raise DataError(f"{path}: column {name!r} holds dates ({col.iloc[first]!r}), not numbers: leave it out "
                            f"(--drop {name}) or, where the command has one, make it the time column (--time-col)")
        hint = ("give the thousands separator (--thousands , where the command has one) for numbers like 1,234"
                if _SEPARATED_NUMBER.match(str(col.iloc[first])) else f"leave it out (--drop {name})")
        raise DataError(f"{path}: column {name!r} is non-numeric: row {first + 1} holds "
                        f"{col.iloc[first]!r} ({int(text.sum())} such row(s)); fix the file, choose "
                        f"another column, or {hint}")
    return numbers.astype("float64")


_QUARTER = re.compile(r"^\s*(?:(?P<y1>\d{4})\s*[-/ ]?\s*[Qq](?P<q1>[1-4])"     # 1970 Q1, 1970-Q1, 1970q1
                      r"|[Qq](?P<q2>[1-4])\s*[-/ ]?\s*(?P<y2>\d{4}))\s*$")       # Q1 1970


def quarter_starts(raw: pd.Series) -> pd.Series | None:
    """Quarter labels (``1970 Q1``, ``1970-Q1``, ``1970q1``, ``Q1 1970``) as the first day of each
    quarter, or None when any value is not one (pandas reads ``1970Q1`` but not ``1970 Q1``).

    >>> quarter_starts(pd.Series(["1970 Q1", "Q4 1970"])).dt.strftime("%Y-%m-%d").tolist()
    ['1970-01-01', '1970-10-01']
    >>> quarter_starts(pd.Series(["1970 Q1", "March"])) is None
    True
    """
    text = raw.astype(str)
    if not len(text) or not _QUARTER.match(text.iloc[0]):      # the usual case, dates: no regex over every row
        return None
    found = text.str.extract(_QUARTER)
    first = found["y1"].notna().to_numpy()
    year = np.where(first, found["y1"].to_numpy(), found["y2"].to_numpy())
    quarter = np.where(first, found["q1"].to_numpy(), found["q2"].to_numpy())
    if pd.isna(year).any():
        return None
    return pd.to_datetime(pd.DataFrame({"year": year.astype(int), "month": 3 * quarter.astype(int) - 2, "day": 1}))


_DOTTED_DATE = re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{2,4}")   # 31.01.2020: day first, as in Germany


def _dates_of_one_format(raw: pd.Series) -> pd.Series | None:
    """``raw`` as dates read with one format, the one pandas infers from the first value, month first
    (``01/02/2020`` is 2 January) unless only day first reads every value or the dates are dotted
    (``31.01.2020``); None when neither reads every value. One format for the whole column keeps
    ``01/02`` and ``13/02`` from being read in two orders.

    >>> _dates_of_one_format(pd.Series(["01.02.2020", "13.02.2020"])).dt.strftime("%Y-%m-%d").tolist()
    ['2020-02-01', '2020-02-13']
    >>> _dates_of_one_format(pd.Series(["01/02/2020", "01/13/2020"])).dt.strftime("%Y-%m-%d").tolist()
    ['2020-01-02', '2020-01-13']

    When both orders read every value, month first stays unless only day first gives regular dates (one
    calendar frequency): ``01/12/2020, 01/01/2021`` after ``01/01/2020 ... 01/11/2020`` are months.
    """
    text = raw.dropna().astype(str)
    if not len(text):
        return None
    orders = (True, False) if _DOTTED_DATE.match(text.iloc[0]) else (False, True)
    readings = []
    for dayfirst in orders:   # to_times silences "could not infer format": a value fails, the next order is tried
        try:
            times = to_times(raw, dayfirst=dayfirst)
        except (ValueError, TypeError, OverflowError):
            continue
        if not times[raw.notna()].isna().any():
            readings.append(times)
    if len(readings) == 2 and not _regular(readings[0]) and _regular(readings[1]):
        return readings[1]   # 01/01/2020 ... 01/12/2020, 01/01/2021: monthly read day first, not 12 days and a jump
    return readings[0] if readings else None


def to_times(raw: pd.Series, **options) -> pd.Series:
    """``pandas.to_datetime(raw, errors="coerce", **options)``, with times that carry UTC offsets read as UTC
    (without a time zone, so every reader gets one kind of time): a local clock crosses a daylight-saving change
    (``+01:00`` then ``+02:00``), which pandas refuses to read as one column of times; one warning says so.

    >>> to_times(pd.Series(["2021-03-28 01:00:00+01:00", "2021-03-28 03:00:00+02:00"])).dt.hour.tolist()
    [0, 1]
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # "could not infer format", "mixed time zones"
        try:
            times = pd.to_datetime(raw, errors="coerce", **options)
            aware = times.dtype == object or isinstance(times.dtype, pd.DatetimeTZDtype)
        except ValueError:                   # "Tz-aware datetime.datetime cannot be converted ... unless utc=True"
            aware = True
        if aware:
            times = pd.to_datetime(raw, errors="coerce", utc=True, **options)
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        return times
    name = "the time column" if raw.name is None else f"column {raw.name!r}"
    warnings.warn(f"{name} holds times with UTC offsets (+01:00, -0800): read as UTC times", UserWarning,
                  stacklevel=3)
    return times.dt.tz_convert(None)


def _regular(times: pd.Series) -> bool:
    """Whether the distinct times, sorted, fall on one calendar frequency (``pandas.infer_freq``)."""
    unique = pd.DatetimeIndex(times.dropna().unique()).sort_values()
    if len(unique) < 3:
        return False
    try:
        return pd.infer_freq(unique) is not None
    except (ValueError, TypeError):
        return False


def as_dates(raw: pd.Series) -> pd.Series | None:
    """Text values as dates when every value reads as one: quarter labels (``quarter_starts``) or dates of
    one format (``_dates_of_one_format``); None otherwise, and for numbers (a year of whole numbers stays a
    number).

    >>> as_dates(pd.Series(["1949-01", "1949-02"])).dt.month.tolist()
    [1, 2]
    >>> as_dates(pd.Series(["spam", "ham"])) is None, as_dates(pd.Series([1949, 1950])) is None
    (True, True)
    """
    if pd.api.types.is_datetime64_any_dtype(raw):
        return raw
    if raw.dtype != object:
        return None
    quarters = quarter_starts(raw)
    return quarters.set_axis(raw.index) if quarters is not None else _dates_of_one_format(raw)


def _parse_time(raw: pd.Series, col: str, path) -> pd.Series:
    times = as_dates(raw)
    if times is None:   # no one format reads every value: each value read on its own
        times = to_times(raw, format="mixed")
    bad = times.isna().to_numpy()
    if bad.any():
        first = int(np.argmax(bad))
        raise DataError(f"{path}: time column {col!r} row {first + 1} holds {raw.iloc[first]!r}, "
                        f"which is not a date/time ({int(bad.sum())} such row(s))")
    return times
