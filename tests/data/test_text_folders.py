"""seqlab.data.text_folders against a direct reading of the files."""
import warnings

import pytest

from seqlab.data.formats import detect_format, read_labeled
from seqlab.data.text_folders import read_folder_texts, read_text_folders
from seqlab.io.errors import ConfigError


def test_classes_are_the_sorted_folders_and_texts_their_files_as_written(tmp_path):
    files = {"sci.space/10": "orbit", "alt.atheism/2": "why", "alt.atheism/1": "hm", "sci.space/.hidden": "x"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    data = read_text_folders(tmp_path)
    assert data.texts == ["hm", "why", "orbit"] and data.y.tolist() == ["alt.atheism"] * 2 + ["sci.space"]
    assert detect_format(tmp_path) == "text" and read_labeled(tmp_path).texts == data.texts
    with pytest.raises(ConfigError, match="is a folder"):
        read_labeled(tmp_path, "text", text_col="text")


def test_files_that_are_not_utf8_are_read_as_windows_1252_with_one_warning(tmp_path):
    for label, raw in (("a", "café".encode("cp1252")), ("b", "naïve".encode("utf-8")), ("c", b"\x81\xe9t\xe9")):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_bytes(raw)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        texts = read_text_folders(tmp_path).texts
    assert texts == ["café", "naïve", "\x81été"]
    assert len(caught) == 1 and "2 of 3 file(s) are not UTF-8" in str(caught[0].message)


def test_empty_files_are_left_out_and_a_folder_to_predict_keeps_its_file_names(tmp_path):
    for label in ("neg", "pos"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_text(f"{label} text")
    (tmp_path / "pos" / "2.txt").write_text("  \n")
    with pytest.warns(UserWarning, match="left out 1 empty file"):
        assert len(read_text_folders(tmp_path)) == 2
    assert read_folder_texts(tmp_path) == (["neg text", "pos text", "  \n"], ["neg/1.txt", "pos/1.txt", "pos/2.txt"])


def test_a_given_encoding_reads_every_file_exactly(tmp_path):
    from seqlab.data.csv import reading_encoding
    from seqlab.io.errors import DataError

    for label, text in (("a", "日本語"), ("b", "テスト")):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_bytes(text.encode("shift_jis"))
    with reading_encoding("shift_jis"):
        assert read_text_folders(tmp_path).texts == ["日本語", "テスト"]
    (tmp_path / "b" / "2.txt").write_bytes(b"\xff\xfe")
    with reading_encoding("shift_jis"), pytest.raises(DataError, match="2.txt is not SHIFT_JIS text"):
        read_text_folders(tmp_path)
