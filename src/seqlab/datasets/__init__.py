"""The small data sets of the course, bundled with seqlab, each beside its SOURCE.md.

``names()`` lists them, ``load(name)`` returns a pandas DataFrame, or for a set that comes
split a dict ``{"train": DataFrame, "test": DataFrame}``; ``describe(name)`` gives rows,
columns, source and licence; ``path(name)`` is the folder holding the raw files (for the
format readers in ``seqlab.data.formats``). Larger CSV/text files are stored gzipped;
the UCR/UEA ``.ts``/``.tsv`` files are stored as they are, so readers can open them directly.

MovieLens 100K may not be redistributed, so it is not bundled: ``movielens_100k(folder)``
loads it from a folder you downloaded.

>>> from seqlab import datasets
>>> "airline-passengers" in datasets.names()
True
>>> datasets.load("airline-passengers").shape
(144, 2)
>>> datasets.load("google-stock")["test"].shape
(20, 6)
"""
from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from seqlab.data.jena import jena_climate
from seqlab.datasets.registry import DATASETS
from seqlab.io.errors import ConfigError, DataError

FILES = Path(__file__).parent / "files"

__all__ = ["data_file", "describe", "jena_climate", "load", "movielens_100k", "names", "path", "source"]


def names() -> list[str]:
    """The names of the bundled data sets, sorted.

    >>> names()[:2]
    ['airline-passengers', 'basic-motions']
    """
    return sorted(DATASETS)


def _key(name: str) -> str:
    key = str(name).strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise ConfigError(f"no bundled data set {name!r}; the bundled sets are: {', '.join(names())}")
    return key


def path(name: str) -> Path:
    """The folder of data set ``name`` inside the installed package (raw files + SOURCE.md)."""
    return FILES / _key(name)


def is_bundled(name) -> bool:
    """Whether ``name`` names a bundled data set (spelled as ``names()`` lists it, any case, ``_`` for ``-``).

    >>> is_bundled("Airline_Passengers"), is_bundled("sales.csv")
    (True, False)
    """
    return str(name).strip().lower().replace("_", "-") in DATASETS


def data_file(name: str, split: str = "train") -> Path:
    """The stored file of data set ``name`` that stands for it where a command takes a file: its data
    file, or for a set that comes split the ``split`` ("train" or "test") file. The file may be stored
    gzipped (``NAME.gz``); seqlab's readers open both.

    >>> data_file("names").name, data_file("gunpoint", "test").name
    ('names.txt.gz', 'GunPoint_TEST.ts')
    """
    key = _key(name)
    files = DATASETS[key]["files"]
    if split not in ("train", "test"):
        raise ConfigError(f"split must be 'train' or 'test', got {split!r}")
    if isinstance(DATASETS[key]["rows"], dict):
        prefer = [f for f in files if f.upper().rsplit(".", 1)[0].endswith(split.upper())]
        files = sorted(prefer, key=lambda f: not f.endswith(".ts")) or files    # .ts keeps the labels' names
    elif split == "test":
        raise ConfigError(f"{key} does not come split; it has no test file")
    stored = FILES / key / files[0]
    return stored if stored.is_file() else stored.with_name(stored.name + ".gz")


def source(name: str) -> str:
    """The text of the data set's SOURCE.md: where it comes from, its licence, its quirks."""
    return (path(name) / "SOURCE.md").read_text(encoding="utf-8")


def describe(name: str) -> dict:
    """A dict about data set ``name``: ``name``, ``description``, ``rows`` (an int, or a dict
    per split), ``columns``, ``source``, ``licence``, ``files`` and ``path``.

    >>> describe("google-stock")["rows"]
    {'train': 1258, 'test': 20}
    """
    key = _key(name)
    entry = DATASETS[key]
    return {"name": key, "description": entry["description"], "rows": entry["rows"],
            "columns": entry["columns"], "source": entry["source"], "licence": entry["licence"],
            "files": sorted(p.name for p in path(key).iterdir()), "path": str(path(key))}


def load(name: str):
    """Load a bundled data set.

    Returns a DataFrame, or ``{"train": DataFrame, "test": DataFrame}`` for the sets that come
    split (``google-stock``, ``gunpoint``, ``italy-power-demand``, ``basic-motions``). Layouts:

    - ``airline-passengers``: Month (datetime64), Passengers; 144 monthly rows.
    - ``google-stock``: Date (datetime64), Open, High, Low, Close, Volume; thousands separators
      removed. Close in train is not split-adjusted before April 2014 (see SOURCE.md).
    - ``pollution``: the raw UCI Beijing PM2.5 layout (No, year, month, day, hour, pm2.5, DEWP,
      TEMP, PRES, cbwd, Iws, Is, Ir); pm2.5 is NaN in 2,067 rows.
    - ``sms-spam``: label (ham/spam), text.
    - ``gunpoint``, ``italy-power-demand`` (univariate UCR): one row per case, ``label`` (int)
      then ``t0 .. t{T-1}``.
    - ``basic-motions`` (UEA, 6 channels, length 100): long format, one row per case and time
      step: case, time, dim_0 .. dim_5, label. ``df[dims].to_numpy().reshape(-1, 100, 6)``
      gives ``(cases, time, channels)``.
    - ``churn-modelling``, ``credit-card-applications``, ``timegan-stock``: the CSV as it is.
    - ``names``: one column ``name`` (32,033 lowercase names).

    >>> load("names")["name"].iloc[0]
    'emma'
    """
    key = _key(name)
    return _LOADERS.get(key, _plain_csv)(key)


def movielens_100k(folder) -> dict:
    """Load fold 1 of MovieLens 100K (``u1.base``, ``u1.test``) from a folder you downloaded.

    GroupLens forbids redistribution, so seqlab does not ship it: download ``ml-100k.zip``
    from GroupLens, unzip it, and pass the ``ml-100k`` folder. Returns
    ``{"train": DataFrame, "test": DataFrame}`` with columns user_id, item_id, rating, timestamp
    (80,000 and 20,000 rows; read without a header row, so no rating is lost).

    >>> ratings = movielens_100k("ml-100k")            # doctest: +SKIP
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"MovieLens folder not found: {folder}; download ml-100k.zip from GroupLens, "
                        "unzip it and pass the ml-100k folder (seqlab may not redistribute it)")
    out = {}
    for split, fname in (("train", "u1.base"), ("test", "u1.test")):
        f = folder / fname
        if not f.is_file():
            raise DataError(f"{f} not found; pass the unzipped ml-100k folder, which holds u1.base and u1.test")
        try:
            out[split] = pd.read_csv(f, sep="\t", header=None, dtype="int64",
                                     names=["user_id", "item_id", "rating", "timestamp"])
        except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
            raise DataError(f"{f} is not a MovieLens ratings file (user<TAB>item<TAB>rating<TAB>time): "
                            f"{str(e).strip().splitlines()[-1]}") from None
    return out


def _open(key: str, fname: str):
    """A binary stream of a bundled file, decompressed if it is stored gzipped."""
    f = FILES / key / fname
    if f.is_file():
        return f.open("rb")
    return gzip.open(f.with_name(fname + ".gz"), "rb")


def _text(key: str, fname: str) -> str:
    with _open(key, fname) as fh:
        return fh.read().decode("utf-8")


def _plain_csv(key: str) -> pd.DataFrame:
    with _open(key, DATASETS[key]["files"][0]) as fh:
        return pd.read_csv(fh, keep_default_na=False)


def _airline(key):
    df = pd.read_csv(io.StringIO(_text(key, "airline-passengers.csv")))
    df["Month"] = pd.to_datetime(df["Month"], format="%Y-%m")
    return df


def _google(key):
    out = {}
    for split, fname in (("train", "Google_Stock_Price_Train.csv"), ("test", "Google_Stock_Price_Test.csv")):
        with _open(key, fname) as fh:
            df = pd.read_csv(fh, thousands=",", skipinitialspace=True)
        df.columns = [c.strip() for c in df.columns]
        df["Date"] = pd.to_datetime(df["Date"], format="%m/%d/%Y")
        out[split] = df
    return out


def _pollution(key):
    with _open(key, "pollution.csv") as fh:
        return pd.read_csv(fh)


def _sms(key):
    rows = [line.split("\t", 1) for line in _text(key, "SMSSpamCollection").splitlines() if line]
    return pd.DataFrame(rows, columns=["label", "text"])


def _ucr(key):
    stem = DATASETS[key]["stem"]
    out = {}
    for split in ("train", "test"):
        with _open(key, f"{stem}_{split.upper()}.tsv") as fh:
            df = pd.read_csv(fh, sep="\t", header=None)
        df.columns = ["label"] + [f"t{i}" for i in range(df.shape[1] - 1)]
        out[split] = df
    return out


def _basic_motions(key):
    from seqlab.data.formats import read_ts  # the classification format reader

    out = {}
    for split in ("train", "test"):
        data = read_ts(path(key) / f"BasicMotions_{split.upper()}.ts")
        X = data.to_array()                       # (cases, time, channels)
        cases, steps, channels = X.shape
        frame = pd.DataFrame(X.reshape(cases * steps, channels), columns=[f"dim_{c}" for c in range(channels)])
        frame.insert(0, "time", list(range(steps)) * cases)
        frame.insert(0, "case", [i for i in range(cases) for _ in range(steps)])
        frame["label"] = [str(label) for label in data.y for _ in range(steps)]
        out[split] = frame
    return out


def _names(key):
    return pd.DataFrame({"name": _text(key, "names.txt").splitlines()})


_LOADERS = {"airline-passengers": _airline, "google-stock": _google, "pollution": _pollution,
            "sms-spam": _sms, "gunpoint": _ucr, "italy-power-demand": _ucr,
            "basic-motions": _basic_motions, "names": _names}
