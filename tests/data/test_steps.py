"""Step tables: one row per step, streams grouped by a sequence column, per-step labels."""
import numpy as np
import pytest

from seqlab.data.steps import chunk_streams, read_step_table
from seqlab.io.errors import DataError


def test_rows_group_into_streams_in_file_order(tmp_path):
    path = tmp_path / "steps.csv"
    path.write_text("sequence,a,b,label\ns2,1,10,x\ns1,2,20,y\ns2,3,30,y\ns2,4,40,x\n")
    t = read_step_table(path)
    assert t.ids == ["s2", "s1"] and t.channels == ["a", "b"]
    np.testing.assert_array_equal(t.X[0], [[1, 10], [3, 30], [4, 40]])
    assert [y.tolist() for y in t.y] == [["x", "y", "x"], ["y"]]
    unlabeled = read_step_table(path, channels=["a", "b"], label_col="event")
    assert unlabeled.y is None and len(unlabeled.X) == 2


def test_without_a_sequence_column_the_file_is_one_stream(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("x,label\n" + "".join(f"{i},{i % 3 == 0:d}\n" for i in range(7)))
    t = read_step_table(path)
    assert len(t.X) == 1 and t.X[0].shape == (7, 1) and t.y[0].tolist()[:3] == ["1", "0", "0"]
    pieces, labels = chunk_streams(t.X, t.y, 3)
    assert [len(p) for p in pieces] == [3, 3, 1] and [len(p) for p in labels] == [3, 3, 1]


@pytest.mark.parametrize("text,kw,match", [
    ("x,label\n1,a\nhello,b\n", {}, "line 3, column 'x'"),
    ("x,label\n1,a\n,b\n", {}, "not a finite number"),
    ("x,y\n1,2\n", {}, r"column\(s\) 'label' not found \(the per-step label column\)"),
    ("x,label\n1,a\n", {"channels": ["x", "z"]}, "'z'"),
])
def test_bad_step_tables_say_what_is_wrong(tmp_path, text, kw, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=match):
        read_step_table(path, **kw)
