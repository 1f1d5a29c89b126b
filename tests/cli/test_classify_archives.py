"""Archives as they are downloaded: timeseriesclassification.com's ``GunPoint.zip`` (the set's _TRAIN and _TEST
files), Stanford's ``aclImdb_v1.tar.gz`` and the ``20news-bydate.tar.gz`` of the 20 Newsgroups (folders of
texts, split into train and test). Each was one error line asking to unzip it; a hostile archive is refused."""
import base64
import io
import json
import tarfile
import zipfile

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.data import archives
from seqlab.io.errors import DataError

WORDS = {"pos": ["a joy", "superb acting", "loved it", "great fun", "wonderful film"],
         "neg": ["dull plot", "awful pacing", "hated it", "boring mess", "terrible film"]}


def _ucr_lines(n: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2 + 1
    series = np.sin(np.linspace(0, 6, 24))[None] * np.where(labels[:, None] == 1, 1, -1) + rng.normal(0, .1, (n, 24))
    return "\n".join("\t".join([str(c), *map(str, s)]) for c, s in zip(labels, series)) + "\n"


def _texts(prefix: str, per_class: int) -> dict[str, str]:
    return {f"{prefix}/{label}/{i}_{label}.txt": f"{words[i % 5]}<br />really {words[(i + 2) % 5]}, take {i}"
            for label, words in WORDS.items() for i in range(per_class)}


def _tar_gz(path, files: dict[str, str]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_a_zip_of_an_archive_set_trains_on_its_train_file_and_tests_on_its_test_file(tmp_path, capsys):
    path = tmp_path / "Wave.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Wave_TRAIN.tsv", _ucr_lines(20, 0))
        z.writestr("Wave_TEST.tsv", _ucr_lines(10, 1))
        z.writestr("Wave.txt", "a description of the set")
    assert main(["classify", str(path), "--model", "gru", "--epochs", "1", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    captured = capsys.readouterr()
    assert "Wave.zip: training on Wave_TRAIN.tsv, testing on Wave_TEST.tsv" in captured.err
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["n"] == 10
    assert f"predict: seqlab predict {tmp_path / 'run'} {path}\n" in captured.out + "\n"   # not the unpacked copy
    assert main(["predict", str(tmp_path / "run"), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 10 and "scores on" in capsys.readouterr().out


def test_a_zip_of_one_series_file_is_read_as_that_file(tmp_path):
    train, test = tmp_path / "train.zip", tmp_path / "test.zip"
    for path, text in ((train, _ucr_lines(20, 0)), (test, _ucr_lines(8, 1))):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(path.stem.upper() + ".tsv", text)
    assert main(["classify", str(train), "--test", str(test), "--model", "gru", "--epochs", "1", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["n"] == 8


@pytest.mark.parametrize("layout", ["aclImdb", "20news"])
def test_a_tar_of_text_folders_split_into_train_and_test_is_trained_and_tested_on_its_splits(tmp_path, capsys, layout):
    if layout == "aclImdb":   # one top folder: train/ and test/ beside the vocabulary, an unsup folder in train/
        files = {**_texts("aclImdb/train", 12), **_texts("aclImdb/test", 5), "aclImdb/imdb.vocab": "the\na\n",
                 "aclImdb/train/unsup/0_0.txt": "no label", "aclImdb/train/urls_pos.txt": "http://x"}
        path = tmp_path / "aclImdb_v1.tar.gz"
        note = "aclImdb: training on the texts of train/, testing on those of test/"
    else:                     # two top folders
        files = {**_texts("20news-bydate-train", 12), **_texts("20news-bydate-test", 5)}
        path, note = tmp_path / "20news-bydate.tar.gz", "training on the texts of 20news-bydate-train/"
    _tar_gz(path, files)
    assert main(["classify", str(path), "--model", "bag_of_embeddings", "--epochs", "2", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    assert note in capsys.readouterr().err
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["n"] == 10
    assert main(["predict", str(tmp_path / "run"), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")   # the test split's files, scored against their folders
    assert len(table) == 10 and table["file"].iloc[0] == "neg/0_neg.txt" and "scores on" in capsys.readouterr().out


def test_an_archive_of_several_tables_given_for_one_table_is_one_line_naming_them(tmp_path, capsys):
    path = tmp_path / "Bike-Sharing-Dataset.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name in ("Readme.txt", "day.csv", "hour.csv"):
            z.writestr(name, "a,b\n1,2\n")
    assert main(["forecast", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("an archive of 3 files (Readme.txt, day.csv, hour.csv); unpack it and give the one to read")
    assert len(err.splitlines()) == 1 and not (tmp_path / "run").exists()


def test_a_hostile_archive_is_refused_before_anything_is_written(tmp_path, capsys):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ok.csv", "a\n1\n")
        z.writestr("../../escaped.csv", "a\n1\n")
    assert main(["forecast", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert "refused: the archive holds '../../escaped.csv', a path outside the folder" in err
    assert len(err.splitlines()) == 1 and not list(tmp_path.rglob("escaped.csv"))


def test_links_in_a_tar_are_skipped_and_an_archive_too_large_for_the_disk_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "linked.tar"
    with tarfile.open(path, "w") as tar:
        data = b"a\n1\n"
        info = tarfile.TarInfo("sales.csv")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    found = archives.unpacked(path)
    assert found.name == "sales.csv" and found.read_bytes() == b"a\n1\n"
    assert not (found.parent / "passwd").exists()
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w") as z:
        z.writestr("a.csv", "a\n" + "1\n" * 1000)
    monkeypatch.setattr(archives.shutil, "disk_usage", lambda _: type("U", (), {"free": 10})())
    with pytest.raises(DataError, match=r"big.zip: its files take 0.0 GB unpacked, more than the 0.0 GB free"):
        archives.unpacked(big)


@pytest.mark.parametrize("content", [b"PK\x03\x04 cut short", b""])
def test_a_broken_archive_is_one_line(tmp_path, capsys, content):
    path = tmp_path / "broken.zip"
    path.write_bytes(content)
    assert main(["classify", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "broken.zip" in err


def test_a_folder_beside_a_readme_is_entered_and_messages_name_the_archive_not_its_unpacked_copy(tmp_path, capsys):
    """Pang and Lee's review_polarity.tar.gz holds txt_sentoken/{neg,pos} beside poldata.README.2.0."""
    path = tmp_path / "review_polarity.tar.gz"
    _tar_gz(path, {**_texts("txt_sentoken", 10), "poldata.README.2.0": "about the data"})
    assert main(["classify", str(path), "--model", "bag_of_embeddings", "--epochs", "1", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["n"] == 4   # the stratified 20%
    bad = tmp_path / "Wave.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("Wave_TRAIN.tsv", "1\t0.5\t0.7\n2\tabc\t0.1\n")
        z.writestr("Wave_TEST.tsv", _ucr_lines(4, 0))
    capsys.readouterr()
    assert main(["classify", str(bad), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}/Wave_TRAIN.tsv line 2" in err and "seqlab-unpacked" not in err


LOCKED_ZIP = ("UEsDBAoACQAAABK0h11E2FuhHAAAABAAAAAJABwAc2FsZXMuY3N2VVQJAAMDNBdrAzQXa3V4CwABBAAAAAAEAAAAAMiA5AxReJR0"
              "xzTj9R613xI5w7ve+AJkTADvv1hQSwcIRNhboRwAAAAQAAAAUEsBAh4DCgAJAAAAErSHXUTYW6EcAAAAEAAAAAkAGAAAAAAAAQAA"
              "AKSBAAAAAHNhbGVzLmNzdlVUBQADAzQXa3V4CwABBAAAAAAEAAAAAFBLBQYAAAAAAQABAE8AAABvAAAAAAA=")


def test_a_password_protected_zip_is_one_line_and_leaves_nothing_behind(tmp_path, capsys):
    path = tmp_path / "locked.zip"                   # `zip -P secret locked.zip sales.csv` (Python writes none)
    path.write_bytes(base64.b64decode(LOCKED_ZIP))
    before = set(archives._UNPACKED)
    assert main(["forecast", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert "locked.zip: not a readable archive" in err and "password" in err and len(err.splitlines()) == 1
    assert set(archives._UNPACKED) == before and not (tmp_path / "run").exists()


def test_the_whole_ucr_archive_is_one_line_naming_its_data_sets(tmp_path, capsys):
    """Univariate2018_ts.zip holds a folder per data set; it was read as a folder of texts, a class per set."""
    path = tmp_path / "Univariate2018_ts.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name in ("Adiac", "ArrowHead", "GunPoint"):
            z.writestr(f"Univariate_ts/{name}/{name}_TRAIN.tsv", _ucr_lines(10, 0))
            z.writestr(f"Univariate_ts/{name}/{name}_TEST.tsv", _ucr_lines(4, 1))
    assert main(["classify", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"seqlab: error: {path} holds 3 data sets of the UCR/UEA archive (Adiac, ArrowHead, GunPoint); "
                   "unpack it and give the folder of one of them")


def test_one_data_file_beside_notes_is_that_file(tmp_path):
    """Keras's seq2seq example reads fra.txt out of fra-eng.zip, which holds _about.txt beside it."""
    path = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_about.txt", "** Info **\nCheck for newest version here: http://www.manythings.org/anki/\n")
        z.writestr("fra.txt", "Go.\tVa !\tCC-BY 2.0 (France)\nHi.\tSalut !\tCC-BY 2.0 (France)\n")
    found = archives.unpacked(path)
    assert found.name == "fra.txt" and archives.archive_of(found) == path
