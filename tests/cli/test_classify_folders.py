"""Texts kept a file each in a folder per class (Keras' text_dataset_from_directory, scikit-learn's load_files:
aclImdb, Pang and Lee's review polarity, the 20 Newsgroups): classify trains on such a folder and predict reads one.
``seqlab classify FOLDER`` said it could not tell the format of the folder from its name."""
import pandas as pd
import pytest

from seqlab.cli import main

WORDS = {"pos": ["a joy", "superb acting", "loved it", "great fun", "wonderful film"],
         "neg": ["dull plot", "awful pacing", "hated it", "boring mess", "terrible film"]}


def _folders(root, per_class=12, extra=True):
    for label, words in WORDS.items():
        (root / label).mkdir(parents=True)
        for i in range(per_class):
            (root / label / f"{i}_{label}.txt").write_text(f"{words[i % 5]}<br /><br />really {words[(i + 2) % 5]}")
    if extra:   # aclImdb's layout: unlabelled reviews and files beside the classes, none of them read
        (root / "unsup").mkdir()
        (root / "unsup" / "0_0.txt").write_text("no label here")
        (root / "urls_pos.txt").write_text("http://example.com\n")
    return root


def test_a_folder_per_class_is_trained_on_tested_and_predicted(tmp_path, capsys):
    train, test = _folders(tmp_path / "train"), _folders(tmp_path / "test", per_class=5)
    out = tmp_path / "run"
    assert main(["classify", str(train), "--test", str(test), "--model", "bag_of_embeddings", "--epochs", "2",
                 "--verbose", "0", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "left out folder(s) unsup: unlabelled texts, not a class" in captured.err
    assert "test accuracy" in captured.out and "Traceback" not in captured.err
    assert main(["predict", str(out), str(test), "--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert len(table) == 10 and set(table["label"]) == {"pos", "neg"}
    assert table["file"].iloc[0] == "neg/0_neg.txt" and "scores on" in capsys.readouterr().out
    loose = tmp_path / "new"
    loose.mkdir()
    (loose / "b.txt").write_text("superb acting")
    (loose / "a.txt").write_text("boring mess")
    assert main(["predict", str(out), str(loose), "--output", str(tmp_path / "q.csv")]) == 0
    assert pd.read_csv(tmp_path / "q.csv")["file"].tolist() == ["a.txt", "b.txt"]


@pytest.mark.parametrize("layout, message", [
    ({}, "holds no class folders of text files"),
    ({"pos/1.txt": b"fine"}, "holds one class folder (pos)"),
    ({"pos/1.txt": b"fine", "neg/2.png": b"\x89PNG\r\n\x1a\n\0\0"}, "is not a text file"),
])
def test_a_folder_that_is_no_text_classes_is_one_line(tmp_path, capsys, layout, message):
    root = tmp_path / "data"
    root.mkdir()
    for name, content in layout.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_bytes(content)
    assert main(["classify", str(root), "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()
