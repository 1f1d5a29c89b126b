"""Fuzzing every command's file reader with malformed CSV, UCR, .ts and text files (Hypothesis).

Files are built from pieces that break readers: ragged rows, quotes, empty and whitespace cells,
fields longer than the csv module's 128 KiB limit,
NaN/inf, numbers beyond float64 or beyond what seqlab computes with, text where numbers belong,
dates that repeat or run backwards, ``.ts`` header lines in the wrong places, NUL bytes, invalid
UTF-8, byte-order marks, and plain random bytes. Whatever a reader makes of them, the only
exception that may escape is a ``SeqlabError`` (one line and exit 2 on the command line).
The examples are derived from a fixed seed (``derandomize``), so the test is repeatable.
"""
from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqlab.data.csv import read_csv, read_feature_table, read_lines, read_text
from seqlab.data.formats import read_labeled, read_unlabeled
from seqlab.data.pairs import read_pairs
from seqlab.data.steps import read_step_table
from seqlab.io.errors import SeqlabError

CELLS = st.sampled_from([
    "1", "-2.5", "0", "3e2", "1e308", "-1e400", "1e16", "nan", "NaN", "inf", "-inf", "", " ", "?", "abc",
    '"', '"a,b"', "label", "t", "v", "text", "sequence", "2020-01-01", "2020-01-01", "2019-12-31", "not-a-date",
    "1,234", "\t", "a:b", "@data", "@classLabel true a b", "@problemName x", "#", "\x00", "é", "\ufeff",
    "9" * 400, "0x1F", "True", "1_000", "7" * 140_000,
]) | st.text(max_size=8)
SEPARATORS = st.sampled_from([",", "\t", " ", ";", ":"])


@st.composite
def files(draw) -> bytes:
    """A malformed file: a few lines of cells (or raw bytes), possibly with a header."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    sep = draw(SEPARATORS)
    header = draw(st.sampled_from(["", "t,v,label\n", "label,a,b,c\n", "text,label\n", "sequence,x,label\n",
                                   "@problemName p\n@classLabel true a b\n@data\n", "input,target\n"]))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=7), min_size=0, max_size=8))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    text = header + ending.join(sep.join(row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


READERS = {
    "forecast": lambda p: read_csv(p, target="v", time_col="t"),
    "forecast-no-time": lambda p: read_csv(p, target="v", fill="interpolate"),
    "detect": lambda p: read_feature_table(p, label_col="label", time_col="t"),
    "som": lambda p: read_feature_table(p, label_col="label"),
    "classify-csv": lambda p: read_labeled(p, "csv"),
    "classify-ucr": lambda p: read_labeled(p, "ucr"),
    "classify-ts": lambda p: read_labeled(p, "ts"),
    "classify-text": lambda p: read_labeled(p, "text"),
    "classify-text-col": lambda p: read_labeled(p, "text", label_col="label", text_col="text"),
    "predict-csv": lambda p: read_unlabeled(p, "csv", label_col="label"),
    "predict-ucr": lambda p: read_unlabeled(p, "ucr"),
    "predict-ts": lambda p: read_unlabeled(p, "ts"),
    "predict-text": lambda p: read_unlabeled(p, "text"),
    "predict-text-col": lambda p: read_unlabeled(p, "text", text_col="text"),
    "tagger": lambda p: read_step_table(p, label_col="label"),
    "tagger-predict": lambda p: read_step_table(p, label_col=None, channels=["x"]),
    "generate": read_text,
    "generate-lines": read_lines,
    "seq2seq": read_pairs,
}


@settings(max_examples=120, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(content=files(), suffix=st.sampled_from([".csv", ".tsv", ".txt", ".ts"]))
def test_readers_raise_nothing_but_seqlab_errors(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"data{suffix}"
        path.write_bytes(content)
        for name, read in READERS.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    read(path)
            except SeqlabError:
                pass
            except Exception as e:  # noqa: BLE001 - the point of the test
                raise AssertionError(f"{name} raised {type(e).__name__}: {e} on {content[:200]!r}") from e
