"""Texts kept a file each in a folder per class (Keras' text_dataset_from_directory, scikit-learn's load_files:
aclImdb, Pang and Lee's review polarity, the 20 Newsgroups): classify trains on such a folder and predict reads one.
``seqlab classify FOLDER`` said it could not tell the format of the folder from its name."""
import json

import numpy as np
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


def test_a_folder_of_the_ucr_archive_trains_on_its_train_file_and_tests_on_its_test_file(tmp_path, capsys):
    """``UCRArchive_2018/GunPoint`` holds GunPoint_TRAIN.tsv and GunPoint_TEST.tsv (the UEA archive: .ts, .arff);
    the folder was read as a folder of texts."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "Wave"
    folder.mkdir()
    for split, n in (("TRAIN", 20), ("TEST", 10)):
        labels = np.arange(n) % 2 + 1
        shape = np.sin(np.linspace(0, 6, 24))[None] * np.where(labels[:, None] == 1, 1, -1)
        series = shape + rng.normal(0, .1, (n, 24))
        (folder / f"Wave_{split}.tsv").write_text("\n".join("\t".join([str(c), *map(str, s)])
                                                             for c, s in zip(labels, series)) + "\n")
    (folder / "README.md").write_text("a wave set")
    assert main(["classify", str(folder), "--model", "gru", "--epochs", "1", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert "Wave: training on Wave_TRAIN.tsv, testing on Wave_TEST.tsv (the archive's own split)" in captured.err
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["n"] == 10
