"""Readers for labelled sequence data: one function per file format, one dataclass per kind.

Numeric sequences come back as :class:`LabeledSeries` (a list of ``(time, channels)`` float32
arrays, so lengths may differ) and texts as :class:`LabeledTexts`. Labels are strings in both.

Formats:

- ``csv``: one row per sequence, a label column, every other column one time step (a trailing run
  of empty cells makes a shorter sequence).
- ``ucr``: the UCR archive, label first. The 2018 ``.tsv`` files (tab separated, ``NaN`` pads
  varying lengths) and the older ``.txt`` files (whitespace separated, labels like ``1.0000000e+00``).
- ``ts``: the sktime/aeon text format (``@`` header lines, ``@data``, dimensions split by ``:``,
  values by ``,``, label last), univariate or multivariate, equal or unequal length.
- ``arff``: Weka's ARFF as the UCR/UEA archive ships it beside ``.ts`` (``@attribute`` lines, ``@data``, one
  series per line, values by ``,``, the class attribute last), univariate; ``?`` pads shorter series.
- ``text``: a CSV with a text and a label column, or ``label<TAB>text`` lines (the SMS Spam
  Collection's layout).
- ``signals``: a folder of one split of UCI HAR's layout, a text file per channel beside ``y_train.txt``
  (``seqlab.data.signal_folders``), multivariate.

>>> data = read_labeled("GunPoint_TRAIN.ts")                       # doctest: +SKIP
>>> len(data), data.n_channels, data.to_array().shape              # doctest: +SKIP
(50, 1, (50, 150, 1))
"""
from __future__ import annotations

import gzip
import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.data.archives import is_packed, one_file
from seqlab.data.columns import named_columns
from seqlab.data.csv import TABLE_SUFFIXES, decode, read_frame
from seqlab.data.limits import check_magnitude
from seqlab.data.signal_folders import is_signal_folder, read_signal_folder
from seqlab.data.text_folders import read_folder_texts, read_text_folders
from seqlab.io.errors import ConfigError, DataError, names_listed

FORMATS = ("csv", "ucr", "ts", "arff", "text", "signals")


@dataclass
class LabeledSeries:
    """Numeric sequences with one label each.

    Attributes:
        X: list of ``n`` float32 arrays, each ``(time_i, channels)``.
        y: ``(n,)`` array of label strings.
        format: the format read (``csv``, ``ucr``, ``ts``, ``arff`` or ``signals``).
    """

    X: list
    y: np.ndarray
    format: str

    def __len__(self) -> int:
        return len(self.X)

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(s) for s in self.X])

    @property
    def n_channels(self) -> int:
        return int(self.X[0].shape[1]) if self.X else 0

    @property
    def equal_length(self) -> bool:
        return len(set(self.lengths.tolist())) <= 1

    def to_array(self) -> np.ndarray:
        """``(n, time, channels)`` float32; only for equal-length data."""
        if not self.equal_length:
            raise DataError(f"series lengths differ ({self.lengths.min()}..{self.lengths.max()}); "
                            "this needs equal lengths")
        return np.stack(self.X).astype(np.float32)


@dataclass
class LabeledTexts:
    """Texts with one label each: ``texts`` (list of ``n`` str), ``y`` ((n,) label strings)."""

    texts: list
    y: np.ndarray
    format: str = "text"

    def __len__(self) -> int:
        return len(self.texts)


def _label_str(value) -> str:
    """Labels as strings; ``1.0000000e+00`` (old UCR) and ``1.0`` both become ``1``."""
    s = str(value).strip()
    try:
        f = float(s)
    except ValueError:
        return s
    return str(int(f)) if math.isfinite(f) and f == int(f) else s


def _check_nonempty(path: Path, n: int, what: str = "sequences") -> None:
    if n == 0:
        raise DataError(f"{path} holds no {what}; give a file with at least one labelled row")


def _suffix(path) -> str:
    """The file's type suffix, lower case, looking through ``.gz``: ``a.CSV.gz`` -> ``.csv``."""
    path = Path(path)
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    return path.suffix.lower()


def _source(path) -> tuple[object, Path]:
    """``(what _read_table takes, name for messages)`` of a path or of a DataFrame already read."""
    if isinstance(path, pd.DataFrame):
        return path, Path(path.attrs.get("source", "the table"))
    path = Path(path)
    return path, path


def _open_lines(path: str | Path) -> tuple[Path, list[str]]:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if path.suffix.lower() == ".gz" else raw
    except (OSError, EOFError) as e:
        raise DataError(f"{path} is not a readable gzip file ({e})") from None
    text = decode(raw, path).removeprefix("\ufeff")   # --encoding, else UTF-8, else Windows-1252 or Latin-1; no BOM
    return path, text.splitlines()


def _strip_trailing_nan(values: np.ndarray, path: Path, row: int) -> np.ndarray:
    """Varying-length rows are padded with NaN at the end; a NaN inside a series is an error."""
    finite = ~np.isnan(values)
    if not finite.any():
        raise DataError(f"{path} row {row}: the series has no values")
    end = int(np.nonzero(finite)[0][-1]) + 1
    if not finite[:end].all():
        raise DataError(f"{path} row {row}: missing value inside the series; fill or interpolate it first")
    if np.isinf(values[:end]).any():
        raise DataError(f"{path} row {row}: infinite value; remove or clip it")
    check_magnitude(values[:end], where=f"{path} row {row}", unit="step")
    return values[:end]


def read_ucr(path: str | Path) -> LabeledSeries:
    """Read a UCR archive file: ``label v1 v2 ...`` per line (tabs, commas or spaces).

    Returns a univariate :class:`LabeledSeries` (each series ``(time, 1)``).
    """
    path, lines = _open_lines(path)
    X, y = [], []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = [p for p in re.split(r"[\t, ]+", line.strip()) if p]
        if len(parts) < 2:
            raise DataError(f"{path} line {i}: expected a label and at least one value")
        try:
            values = np.array([float(p) for p in parts[1:]], dtype=np.float64)
        except ValueError:
            raise DataError(f"{path} line {i}: non-numeric value; a UCR file holds 'label v1 v2 ...' "
                            "(for text use --format text)") from None
        X.append(_strip_trailing_nan(values, path, i).astype(np.float32)[:, None])
        y.append(_label_str(parts[0]))
    _check_nonempty(path, len(X))
    return LabeledSeries(X, np.array(y, dtype=object), "ucr")


def read_arff(path: str | Path) -> LabeledSeries:
    """Read a univariate ARFF file of the UCR/UEA archive: numeric attributes, one per time step, then the
    class attribute; ``?`` is a missing value, accepted only as trailing padding.

    Returns a univariate :class:`LabeledSeries` (each series ``(time, 1)``). Raises DataError for a file
    without ``@data``, a multivariate (relational) one, whose ``.ts`` twin is the one to read, or a row
    with text where a number belongs.
    """
    path, lines = _open_lines(path)
    header, data = _arff_sections(path, lines)
    if any(re.search(r"\brelational\b", line, re.IGNORECASE) for line in header):
        raise DataError(f"{path}: a multivariate ARFF file (relational attributes) is not read; give the .ts "
                        "file of the same set")
    n_attributes = sum(1 for line in header if line.lower().startswith("@attribute"))
    X, y = [], []
    for i, line in data:
        parts = [p.strip().strip("'\"") for p in line.split(",")]
        if n_attributes and len(parts) != n_attributes:
            raise DataError(f"{path} line {i}: {len(parts)} values where the header declares {n_attributes} "
                            "attributes")
        try:
            values = np.array([float("nan") if p == "?" else float(p) for p in parts[:-1]], dtype=np.float64)
        except ValueError:
            raise DataError(f"{path} line {i}: text where a number belongs (the class comes last)") from None
        X.append(_strip_trailing_nan(values, path, i).astype(np.float32)[:, None])
        y.append(_label_str(parts[-1]))
    _check_nonempty(path, len(X))
    return LabeledSeries(X, np.array(y, dtype=object), "arff")


def _arff_sections(path: Path, lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """``(header lines, [(line number, data line)])`` of an ARFF file, comments (``%``) and blanks left out."""
    header, data, in_data = [], [], False
    for i, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("%"):
            continue
        if in_data:
            data.append((i, line))
        elif line.lower().startswith("@data"):
            in_data = True
        else:
            header.append(line)
    if not in_data:
        raise DataError(f"{path}: no @data line; is this an ARFF file?")
    return header, data


def read_ts(path: str | Path) -> LabeledSeries:
    """Read the sktime/aeon ``.ts`` format (multivariate and unequal length included).

    Returns a :class:`LabeledSeries` whose series are ``(time, dimensions)``. ``?`` marks a
    missing value and is only accepted as trailing padding.
    """
    path, lines = _open_lines(path)
    header: dict[str, str] = {}
    X, y = [], []
    in_data = False
    for i, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith(("#", "%")):   # aeon's own files use ARFF's % comments too
            continue
        if not in_data:
            if not line.startswith("@"):
                raise DataError(f"{path} line {i}: expected an @ header line or @data; is this a .ts file?")
            key, _, value = line[1:].partition(" ")
            header[key.lower()] = value.strip()
            if key.lower() == "data":
                in_data = True
            continue
        if header.get("timestamps", "false").lower() == "true":
            raise DataError(f"{path}: time-stamped .ts files are not supported; export the values only")
        has_label = header.get("classlabel", "false").split(" ")[0].lower() == "true"
        dims = line.split(":")
        if has_label:
            y.append(_label_str(dims.pop()))
        else:
            raise DataError(f"{path}: @classLabel is not true; a classifier needs labelled cases")
        if not dims:
            raise DataError(f"{path} line {i}: a label but no values; a case is 'v1,v2,...:label'")
        channels = []
        for d in dims:
            try:
                values = np.array([float("nan") if v.strip() == "?" else float(v) for v in d.split(",")])
            except ValueError:
                raise DataError(f"{path} line {i}: non-numeric value in a series") from None
            channels.append(_strip_trailing_nan(values, path, i))
        if len({len(c) for c in channels}) > 1:
            raise DataError(f"{path} line {i}: the dimensions of one case have different lengths")
        X.append(np.stack(channels, axis=1).astype(np.float32))
    if not in_data:
        raise DataError(f"{path}: no @data line; is this a .ts file?")
    _check_nonempty(path, len(X))
    if len({x.shape[1] for x in X}) > 1:
        raise DataError(f"{path}: cases have different numbers of dimensions")
    return LabeledSeries(X, np.array(y, dtype=object), "ts")


def _read_table(path, sep: str | None = None) -> pd.DataFrame:
    if isinstance(path, pd.DataFrame):          # a table the caller read (columns selected); text cells
        return path.astype(str)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    return read_frame(path, sep=sep or ",", dtype=str, keep_default_na=False)   # separators, header rows, BOMs


def _label_column(df: pd.DataFrame, path: Path, label_col: str) -> pd.Series:
    if label_col not in df.columns:
        raise DataError(f"{path}: column(s) {label_col!r} not found (the label column); columns are: "
                        f"{names_listed(df.columns)} "
                        "(choose one with --label-col)")
    labels = df[label_col].str.strip()
    if (labels == "").any():
        row = int(np.nonzero((labels == "").to_numpy())[0][0]) + 2
        raise DataError(f"{path} line {row}: empty label in column {label_col!r}")
    return labels


def read_csv_series(path: str | Path, label_col: str = "label") -> LabeledSeries:
    """Read a CSV with one univariate sequence per row: ``label_col`` plus one column per step.

    Empty cells at the end of a row make that sequence shorter.
    """
    table, path = _source(path)
    df = _read_table(table)
    labels = _label_column(df, path, label_col)
    values = df.drop(columns=[label_col])
    if values.shape[1] == 0:
        raise DataError(f"{path}: no value columns beside {label_col!r}")
    X = []
    for i, row in enumerate(values.itertuples(index=False), 2):
        try:
            arr = np.array([float(v) if str(v).strip() else float("nan") for v in row])
        except ValueError:
            raise DataError(f"{path} line {i}: text where a number belongs (for texts use --format text "
                            "with --text-col)") from None
        X.append(_strip_trailing_nan(arr, path, i).astype(np.float32)[:, None])
    _check_nonempty(path, len(X))
    return LabeledSeries(X, np.array([_label_str(v) for v in labels], dtype=object), "csv")


TEXT_JOINER = ". "   # between the values of several text columns of one row (--text-col title,body)


def row_texts(table: pd.DataFrame, text_col: str, source="the table") -> list:
    """Each row's text: the values of column ``text_col``, or of the several columns it names separated by commas
    (``seqlab.data.columns.named_columns``) joined in the order given by ``TEXT_JOINER`` (``". "``), each value stripped
    and empty or NA cells skipped (a row of none gives ``""``). The one place where a table becomes texts:
    ``read_texts``, ``seqlab.data.unlabeled`` and ``seqlab generate`` read tables through it.

    Args:
        table: the table read (text cells). text_col: a column name, or names joined by commas.
        source: the file, named in messages.

    Returns:
        A list of one text per row (one column: its values as they are).

    Raises:
        DataError: a named column is not in ``table`` (the message lists the columns there are).

    >>> news = pd.DataFrame({"title": ["Wall St. rallies", "Mars rover"], "body": ["Stocks rose.", ""]})
    >>> row_texts(news, "title,body")
    ['Wall St. rallies. Stocks rose.', 'Mars rover']
    """
    names = named_columns(text_col, table.columns)
    missing = [c for c in names if c not in table.columns]
    if missing:
        shown = names_listed(table.columns)
        raise DataError(f"{source}: column(s) {', '.join(map(repr, missing))} not found (the text column"
                        f"{'s' if len(names) > 1 else ''}); columns are: {shown} (choose with --text-col)")
    if len(names) == 1:
        return table[names[0]].tolist()
    parts = table[names].astype(object).where(table[names].notna(), "")
    return [TEXT_JOINER.join(v for v in (str(cell).strip() for cell in row) if v)
            for row in parts.itertuples(index=False)]


def read_texts(path: str | Path, text_col: str | None = None, label_col: str | None = None) -> LabeledTexts:
    """Read labelled texts.

    With ``text_col`` (or a ``.csv`` file) the file is a table with a header and the columns
    ``text_col`` (default ``text``; several names separated by commas join those columns, see ``row_texts``)
    and ``label_col`` (default ``label``); ``.tsv`` files are tab separated. Otherwise each line is
    ``label<TAB>text`` (the SMS Spam Collection's layout).
    Empty texts are left out with a warning; a file of empty texts only is a DataError.
    """
    table, path = _source(path)
    if text_col is not None or label_col is not None or _suffix(path) == ".csv" or isinstance(table, pd.DataFrame):
        df = _read_table(table, sep="\t" if _suffix(path) == ".tsv" else ",")
        texts = row_texts(df, text_col or "text", path)
        labels = _label_column(df, path, label_col or "label").tolist()
        first_line = 2
    else:
        path, lines = _open_lines(path)
        labels, texts = [], []
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            label, tab, text = line.partition("\t")
            if not tab:
                raise DataError(f"{path} line {i}: expected 'label<TAB>text'; for a CSV give --text-col "
                                "and --label-col")
            labels.append(label.strip())
            texts.append(text)
        first_line = 1
    _check_nonempty(path, len(texts), "texts")
    empty = [i for i, t in enumerate(texts) if not str(t).strip()]
    if len(empty) == len(texts):
        raise DataError(f"{path}: every text is empty; give the texts in --text-col")
    if empty:   # a review left blank, a tweet that was only a link: nothing to learn from or to score
        warnings.warn(f"{path}: left out {len(empty)} empty text(s) (first at row {empty[0] + first_line})",
                      UserWarning, stacklevel=2)
        kept = sorted(set(range(len(texts))) - set(empty))
        texts, labels = [texts[i] for i in kept], [labels[i] for i in kept]
    return LabeledTexts([str(t) for t in texts], np.array([_label_str(v) for v in labels], dtype=object))


def read_word_vectors(path: str | Path, word_index: dict[str, int], vocab_size: int) -> np.ndarray:
    """An embedding matrix ``(vocab_size, dim)`` from a GloVe/word2vec text file (``word v1 ... vdim``
    per line; a word2vec ``count dim`` first line is skipped). Row ``i`` holds the vector of the word
    with index ``i``; words without a vector (and row 0, padding) stay zero (seed 000's
    ``embedding_matrix``)."""
    path, lines = _open_lines(path)
    matrix, dim, found = None, None, 0
    for i, line in enumerate(lines, 1):
        parts = line.rstrip().split(" ")
        if len(parts) < 3:
            continue  # blank or the word2vec header
        word, values = parts[0], parts[1:]
        if dim is None:
            dim = len(values)
            matrix = np.zeros((vocab_size, dim), dtype=np.float32)
        if len(values) != dim:
            raise DataError(f"{path} line {i}: {len(values)} numbers where earlier lines have {dim}")
        idx = word_index.get(word)
        if idx is not None and idx < vocab_size:
            try:
                matrix[idx] = [float(v) for v in values]
            except ValueError:
                raise DataError(f"{path} line {i}: a vector holds text where numbers belong") from None
            found += 1
    if matrix is None or found == 0:
        raise DataError(f"{path}: no vectors for any word of the vocabulary; is it a GloVe/word2vec text file?")
    return matrix


def detect_format(path: str | Path, text_col: str | None = None) -> str:
    """The format implied by a file name: ``.ts`` -> ts, ``.tsv``/``.txt`` -> ucr, ``.arff`` -> arff, ``.csv`` (or
    an Excel ``.xlsx``, a ``.parquet``, JSON Lines: ``seqlab.data.csv.TABLE_SUFFIXES``) -> csv (text when
    ``text_col`` is given); a split folder of UCI HAR's layout -> signals; another folder -> text. Raises
    ConfigError when the name says nothing."""
    suffix = _suffix(path)
    if text_col is None and is_signal_folder(path):   # UCI HAR's train/: y_train.txt, a file per channel
        return "signals"
    if text_col is not None or Path(path).is_dir():   # a folder: a sub-folder of text files per class
        return "text"
    if is_packed(path):      # a table inside (read_frame unpacks it); else unpack first
        suffix = _suffix(one_file(Path(path)))
        if suffix not in TABLE_SUFFIXES:
            raise ConfigError(f"{path} holds a {suffix or 'file without a suffix'}: unpack it and give that file")
    found = {".ts": "ts", ".tsv": "ucr", ".txt": "ucr", ".arff": "arff",
             **{t: "csv" for t in TABLE_SUFFIXES if t != ".tsv"}}.get(suffix)
    if found is None:
        raise ConfigError(f"cannot tell the format of {path} from its name; give --format "
                          f"({'|'.join(FORMATS)})")
    return found


def read_labeled(path: str | Path, format: str | None = None, label_col: str | None = None,
                 text_col: str | None = None) -> LabeledSeries | LabeledTexts:
    """Read ``path`` in ``format`` (detected from the name if None); see the module docstring."""
    format = format or detect_format(path, text_col)
    if format not in FORMATS:
        raise ConfigError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if format == "text" and not isinstance(path, pd.DataFrame) and Path(path).is_dir():
        if text_col is not None or label_col is not None:
            raise ConfigError(f"--text-col/--label-col name columns of a table; {path} is a folder, whose "
                              "sub-folders are the classes and whose files are the texts")
        return read_text_folders(path)
    if format == "text":
        return read_texts(path, text_col, label_col)
    if format == "csv":
        return read_csv_series(path, label_col or "label")
    if format == "signals" and label_col is None:
        return LabeledSeries(*read_signal_folder(path), "signals")
    if label_col is not None:
        raise ConfigError(f"--label-col does not apply to the {format} format (its label position is fixed)")
    return {"ucr": read_ucr, "arff": read_arff}.get(format, read_ts)(path)


def read_unlabeled(path: str | Path, format: str, text_col: str | None = None,
                   label_col: str | None = None) -> list:
    """Inputs to predict on: texts (``format='text'``: a CSV column, or one text per line) or a
    list of ``(time, channels)`` arrays (csv rows of values, with an optional header whose
    ``label_col`` column is dropped; or ucr/ts files, whose labels are ignored). Read in chunks by
    ``seqlab.data.unlabeled.iter_unlabeled``, which predicting large files uses directly."""
    from seqlab.data.unlabeled import read_unlabeled as read_all

    if format == "text" and not isinstance(path, pd.DataFrame) and Path(path).is_dir():
        return read_folder_texts(path)[0]
    return read_all(path, format, text_col, label_col)


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True
