"""Garbage that used to pass silently: values beyond float32 arithmetic, ragged rows at predict, repeated
or unordered timestamps."""
import numpy as np
import pytest

from seqlab.cli import main
from seqlab.data.csv import read_csv
from seqlab.data.formats import read_labeled, read_unlabeled
from seqlab.data.series import series_from
from seqlab.io.errors import DataError


def test_a_value_of_1e308_is_refused_with_its_row(tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_text("v\n" + "\n".join(["1"] * 30 + ["1e308"] + ["2"] * 30) + "\n")
    with pytest.raises(DataError, match=r"row 31 holds 1e\+308"):
        read_csv(path, target="v")
    assert main(["forecast", str(path), "--target", "v", "--out", str(tmp_path / "o")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1 and not (tmp_path / "o").exists()
    with pytest.raises(DataError, match="rescale"):
        series_from(np.r_[np.ones(20), 1e20])


def test_series_files_refuse_huge_values(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("label,a,b\nx,1,2\ny,3,1e30\n")
    with pytest.raises(DataError, match="row 3.*step 2 holds 1e\\+30"):
        read_labeled(path, "csv")


def test_predict_refuses_ragged_rows_as_training_does(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("label,a,b\nx,1,2\ny,3,4,5,6\n")
    with pytest.raises(DataError):
        read_labeled(path, "csv")
    with pytest.raises(DataError, match="row 3: 5 fields where the first row has 3"):
        read_unlabeled(path, "csv", label_col="label")
    path.write_text("1,2,3\n1,2\n")  # shorter rows are shorter series, as in training
    assert [len(s) for s in read_unlabeled(path, "csv")] == [3, 2]


def test_repeated_timestamps_are_an_error_and_unordered_ones_are_sorted_with_a_warning(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("t,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n")
    with pytest.raises(DataError, match="'t' holds 2020-01-02 00:00:00 more than once \\(rows 2 and 3"):
        read_csv(path, target="v", time_col="t")
    path.write_text("s,t,v\na,2020-01-01,1\nb,2020-01-01,2\n")  # two series may share times
    assert read_csv(path, target="v", time_col="t", series_col="s")["v"].tolist() == [1.0, 2.0]
    path.write_text("t,v\n2020-01-02,2\n2020-01-01,1\n")
    with pytest.warns(UserWarning, match="not in time order; sorted"):
        assert read_csv(path, target="v", time_col="t")["v"].tolist() == [1.0, 2.0]
