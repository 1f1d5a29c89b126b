"""Inputs to predict, read in chunks: the chunks join to what a whole read gives, and ``seqlab predict``
writes the same CSV whatever the chunk size."""
import numpy as np
import pytest

import seqlab.data.unlabeled as unlabeled
from seqlab.cli import main
from seqlab.data.unlabeled import iter_unlabeled, read_unlabeled
from seqlab.tasks import SequenceClassifier


def _series_csv(path, n=23, header=True):
    rng = np.random.default_rng(0)
    rows = [",".join(["x", *(f"{v:.3f}" for v in rng.normal(size=6 - i % 3))]) for i in range(n)]
    path.write_text(("label,a,b,c,d,e,f\n" if header else "") + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("fmt,suffix", [("csv", ".csv"), ("ucr", ".tsv"), ("text", ".txt")])
def test_chunks_join_to_the_whole_file(tmp_path, fmt, suffix):
    path = _series_csv(tmp_path / f"x{suffix}", header=fmt == "csv")
    if fmt == "ucr":
        path.write_text(path.read_text().replace("x,", "1,"))
    chunks = list(iter_unlabeled(path, fmt, label_col="label", chunk_rows=5))
    assert [len(c) for c in chunks] == [5, 5, 5, 5, 3]
    whole = read_unlabeled(path, fmt, label_col="label")
    joined = [item for chunk in chunks for item in chunk]
    assert len(whole) == len(joined) == 23
    for a, b in zip(whole, joined):
        assert (a == b) if fmt == "text" else np.array_equal(a, b)


def test_predict_writes_the_same_csv_whatever_the_chunk_size(tmp_path, capsys, monkeypatch):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(16, 6)).astype("float32")
    SequenceClassifier(encoder="gru", units=4, epochs=1, batch_size=8, seed=0).fit(X, [0, 1] * 8).save(tmp_path / "m")
    data = _series_csv(tmp_path / "new.csv")
    outputs = []
    for rows in (8192, 4):
        monkeypatch.setattr(unlabeled, "CHUNK_ROWS", rows)
        assert main(["predict", str(tmp_path / "m"), str(data), "--output", str(tmp_path / f"p{rows}.csv")]) == 0
        outputs.append((tmp_path / f"p{rows}.csv").read_text())
        assert main(["predict", str(tmp_path / "m"), str(data)]) == 0
        assert capsys.readouterr().out.split("\n", 1)[1] == outputs[-1]  # stdout: the same table
    assert outputs[0] == outputs[1] and outputs[0].count("\n") == 24


def test_texts_of_several_columns_and_lines_in_the_encoding_in_effect(tmp_path):
    from seqlab.data.csv import reading_encoding
    from seqlab.io.errors import DataError

    table = tmp_path / "reviews.csv"
    table.write_text("title,body\nGreat,works well\nBad,\n")
    assert read_unlabeled(table, "text", text_col="title,body") == ["Great. works well", "Bad"]
    lines = tmp_path / "new.txt"
    lines.write_bytes("良い商品\n悪い\n".encode("shift_jis"))
    with reading_encoding("shift_jis"):
        assert read_unlabeled(lines, "text") == ["良い商品", "悪い"]
    with pytest.raises(DataError, match=r"new.txt is not UTF-8 text: byte 0 cannot be decoded .*--encoding"):
        read_unlabeled(lines, "text")
