"""Readers for labelled sequences and texts (csv, UCR tsv/txt, sktime .ts, text)."""

import numpy as np
import pytest
from support import SHARED_DATA

from seqlab.data.events import EVENT_NAMES, make_event_streams
from seqlab.data.formats import (
    detect_format,
    read_csv_series,
    read_labeled,
    read_texts,
    read_ts,
    read_ucr,
    read_unlabeled,
    read_word_vectors,
)
from seqlab.io.errors import ConfigError, DataError

DATA = SHARED_DATA
GUNPOINT = DATA / "gunpoint"


@pytest.mark.skipif(not GUNPOINT.is_dir(), reason="shared data not present")
def test_gunpoint_tsv_and_ts_files_agree_with_source_counts():
    ts, tsv = read_ts(GUNPOINT / "GunPoint_TRAIN.ts"), read_ucr(GUNPOINT / "GunPoint_TRAIN.tsv")
    assert ts.to_array().shape == (50, 150, 1)                 # SOURCE.md: train 50, length 150
    assert sorted(ts.y.tolist()).count("1") == 24              # class 1: 24, class 2: 26
    np.testing.assert_array_equal(ts.to_array(), tsv.to_array())
    assert ts.y.tolist() == tsv.y.tolist()


def test_old_ucr_txt_with_float_labels_and_nan_padding(tmp_path):
    f = tmp_path / "Old_TRAIN.txt"
    f.write_text("  1.0000000e+00  0.5  0.25  0.125\n  2.0000000e+00  1.0  2.0  NaN\n")
    data = read_ucr(f)
    assert data.y.tolist() == ["1", "2"]
    assert data.lengths.tolist() == [3, 2] and not data.equal_length
    np.testing.assert_allclose(data.X[1][:, 0], [1.0, 2.0])
    with pytest.raises(DataError, match="equal lengths"):
        data.to_array()


def test_ucr_missing_value_inside_a_series_is_an_error(tmp_path):
    f = tmp_path / "bad.tsv"
    f.write_text("1\t0.5\tNaN\t0.3\n")
    with pytest.raises(DataError, match="missing value inside"):
        read_ucr(f)


def test_ts_multivariate_unequal_length_with_trailing_missing(tmp_path):
    f = tmp_path / "m.ts"
    f.write_text("# comment\n@problemName m\n@univariate false\n@dimensions 2\n@equalLength false\n"
                 "@classLabel true a b\n@data\n1,2,3:4,5,6:a\n7,8,?:9,10,?:b\n")
    data = read_ts(f)
    assert data.n_channels == 2 and data.lengths.tolist() == [3, 2]
    np.testing.assert_array_equal(data.X[0], [[1, 4], [2, 5], [3, 6]])
    assert data.y.tolist() == ["a", "b"]


def test_ts_percent_comment_lines_are_skipped(tmp_path):
    # aeon's bundled UnitTest_TRAIN.ts opens with ARFF-style "%" comments
    f = tmp_path / "u.ts"
    f.write_text("%# a cut-down ChinaTown\n%\n@problemName u\n@classLabel true 1 2\n@data\n1.0,2.0:1\n3.0,4.0:2\n")
    data = read_ts(f)
    assert data.y.tolist() == ["1", "2"] and data.X[1].ravel().tolist() == [3.0, 4.0]


def test_ts_without_data_section_is_rejected(tmp_path):
    f = tmp_path / "x.ts"
    f.write_text("@problemName x\n")
    with pytest.raises(DataError, match="@data"):
        read_ts(f)


def test_csv_rows_with_label_column_and_shorter_rows(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("t0,t1,t2,cls\n1,2,3,up\n3,2,,down\n")
    data = read_csv_series(f, "cls")
    assert data.y.tolist() == ["up", "down"] and data.lengths.tolist() == [3, 2]


def test_csv_unknown_label_column_names_the_columns(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("t0,t1,label\n1,2,a\n")
    with pytest.raises(DataError, match=r"column\(s\) 'target' not found \(the label column\).*t0, t1, label"):
        read_csv_series(f, "target")


def test_csv_text_where_numbers_belong(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("t0,t1,label\n1,hello,a\n")
    with pytest.raises(DataError, match="text where a number belongs"):
        read_csv_series(f)


def test_texts_tab_lines_and_csv_columns(tmp_path):
    lines = tmp_path / "sms"
    lines.write_text("ham\tsee you soon\nspam\tWIN a prize\tnow\n")
    data = read_texts(lines)
    assert data.y.tolist() == ["ham", "spam"] and data.texts[1] == "WIN a prize\tnow"
    table = tmp_path / "t.csv"
    table.write_text('body,kind\n"hello, there",x\nbye,y\n')
    data = read_labeled(table, text_col="body", label_col="kind")
    assert data.texts == ["hello, there", "bye"] and data.y.tolist() == ["x", "y"]


def test_several_text_columns_are_joined_in_the_order_given_skipping_empty_cells(tmp_path):
    table = tmp_path / "news.csv"
    table.write_text('topic,title,description\nbiz,Wall St. rallies,"Stocks rose, again."\nsci,Mars rover,\n'
                     "sci,,Ice found\n")
    data = read_labeled(table, text_col="title, description", label_col="topic")
    assert data.texts == ["Wall St. rallies. Stocks rose, again.", "Mars rover", "Ice found"]
    assert read_texts(table, text_col="description,title", label_col="topic").texts[0] == \
        "Stocks rose, again.. Wall St. rallies"
    with pytest.raises(DataError, match=r"column\(s\) 'body' not found \(the text columns\); columns are: topic, "
                                        "title, description"):
        read_texts(table, text_col="title,body", label_col="topic")
    comma = tmp_path / "comma.csv"                     # a column whose own name holds a comma stays that column
    comma.write_text('"title,body",title,label\nthe whole text,a title,x\n')
    assert read_texts(comma, text_col="title,body").texts == ["the whole text"]


def test_empty_texts_are_left_out_with_a_warning_and_only_empty_texts_are_an_error(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("text,label\nhello,a\n   ,b\nbye,b\n")
    with pytest.warns(UserWarning, match=r"left out 1 empty text\(s\) \(first at row 3\)"):
        data = read_texts(f)
    assert data.texts == ["hello", "bye"] and data.y.tolist() == ["a", "b"]
    f.write_text("text,label\n ,a\n,b\n")
    with pytest.raises(DataError, match="every text is empty"):
        read_texts(f)


def test_detect_format_and_unknown_extension():
    assert detect_format("a.ts") == "ts" and detect_format("a.tsv") == "ucr" and detect_format("a.csv") == "csv"
    assert detect_format("a.csv", text_col="body") == "text"
    with pytest.raises(ConfigError, match="--format"):
        detect_format("SMSSpamCollection")


def test_unlabeled_csv_drops_the_label_column(tmp_path):
    f = tmp_path / "new.csv"
    f.write_text("t0,label,t1\n1,a,2\n3,b,4\n")
    X = read_unlabeled(f, "csv", label_col="label")
    np.testing.assert_array_equal(np.stack(X)[..., 0], [[1, 2], [3, 4]])


def test_word_vectors_fill_rows_by_word_index(tmp_path):
    f = tmp_path / "glove.txt"
    f.write_text("cat 1 2 3\nzebra 9 9 9\ndog 4 5 6\n")
    m = read_word_vectors(f, {"dog": 1, "cat": 2, "emu": 3}, vocab_size=4)
    np.testing.assert_array_equal(m, [[0, 0, 0], [4, 5, 6], [1, 2, 3], [0, 0, 0]])


def test_event_streams_are_repeatable_and_labelled_where_events_are():
    X, y = make_event_streams(6, length=150, seed=3)
    X2, y2 = make_event_streams(6, length=150, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert X.shape == (6, 150, 1) and set(np.unique(y)) <= set(range(len(EVENT_NAMES)))
    assert (y > 0).any(axis=1).all()  # every stream holds at least one event
    dips = y == 3
    assert X[dips].mean() < X[y == 0].mean() - 1.0  # a dip sits about 2 below the background


_ARFF = """% a comment
@Relation Tiny
@attribute att1 numeric
@attribute att2 numeric
@attribute att3 numeric
@attribute target {a,'b c'}

@data
1,2,3,a
4.5,-1,?,'b c'
"""


def test_arff_univariate_reads_as_the_same_series_as_its_ts_twin(tmp_path):
    (tmp_path / "t.arff").write_text(_ARFF)
    (tmp_path / "t.ts").write_text("@problemName t\n@univariate true\n@equalLength false\n@classLabel true a bc\n"
                                   "@data\n1,2,3:a\n4.5,-1,?:b c\n")
    arff, ts = read_labeled(tmp_path / "t.arff"), read_ts(tmp_path / "t.ts")
    assert detect_format("x.arff") == "arff" and arff.format == "arff"
    assert arff.y.tolist() == ts.y.tolist() == ["a", "b c"]
    assert arff.lengths.tolist() == [3, 2]
    for a, b in zip(arff.X, ts.X):
        np.testing.assert_array_equal(a, b)
    assert [x.tolist() for x in read_unlabeled(tmp_path / "t.arff", "arff")] == [x.tolist() for x in arff.X]


@pytest.mark.parametrize("text, match", [
    ("@relation m\n@attribute series relational\n@end series\n@attribute c {a}\n@data\n'1,2',a\n",
     "multivariate ARFF"),
    ("@relation m\n@attribute x numeric\n", "no @data"),
    ("@relation m\n@attribute x numeric\n@attribute c {a}\n@data\n1,2,a\n", "3 values where the header declares 2"),
    ("@relation m\n@attribute x numeric\n@attribute c {a}\n@data\nhello,a\n", "text where a number belongs"),
])
def test_arff_files_seqlab_cannot_read_say_why(tmp_path, text, match):
    (tmp_path / "bad.arff").write_text(text)
    with pytest.raises(DataError, match=match):
        read_labeled(tmp_path / "bad.arff")


def test_a_byte_order_mark_is_not_part_of_the_first_label_or_line(tmp_path):
    """Windows editors write a BOM: the first SMS label was read as '\\ufeffham', a class of its own."""
    from seqlab.data.csv import read_lines

    texts = tmp_path / "sms"
    texts.write_bytes("\ufeffham\thello there\nspam\twin now\n".encode())
    assert read_texts(texts).y.tolist() == ["ham", "spam"]
    ucr = tmp_path / "u.tsv"
    ucr.write_bytes("\ufeff1\t0.5\t0.25\n2\t1.0\t2.0\n".encode())
    assert read_ucr(ucr).y.tolist() == ["1", "2"]
    assert read_lines(texts)[0] == "ham\thello there"
    assert read_unlabeled(ucr, "ucr")[0][:, 0].tolist() == [0.5, 0.25]
