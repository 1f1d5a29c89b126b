import json

import pytest
from support import SHARED_DATA

from seqlab.cli import main

NAMES = SHARED_DATA / "names/names.txt"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen")
    text = root / "names.txt"
    text.write_text("\n".join(NAMES.read_text().splitlines()[:300]))
    out = root / "run"
    assert main(["generate", "train", str(text), "--lines", "--model", "lstm", "--steps", "20",
                 "--units", "16", "--n-embd", "8", "--samples", "5", "--out", str(out)]) == 0
    return out


def test_train_writes_a_complete_run_directory(run_dir):
    for name in ("model/config.json", "model/model.safetensors", "model/preprocessing.json", "metrics.json",
                 "history.json", "loss.png", "samples.txt", "report.html"):
        assert (run_dir / name).is_file(), name
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["test_loss"] > 0 and metrics["steps"] == 20 and metrics["samples"] == 5


def test_sample_prints_only_samples_that_start_with_the_prefix(run_dir, capsys):
    capsys.readouterr()
    assert main(["generate", "sample", str(run_dir), "--prefix", "Al", "--n", "6", "--seed", "3"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert len(first) == 6 and all(s.startswith("Al") for s in first)
    assert main(["generate", "sample", str(run_dir), "--prefix", "al", "--n", "6", "--seed", "3",
                 "--temperature", "0.7", "--top-k", "5"]) == 0
    assert main(["generate", "sample", str(run_dir), "--prefix", "Al", "--n", "6", "--seed", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[6:] == first


@pytest.mark.parametrize("extra,match", [(["--prefix", "Al1"], "vocabulary"), (["--temperature", "0"], "temperature"),
                                         (["--temperature", "-1"], "temperature")])
def test_bad_sampling_options_exit_2_with_one_line(run_dir, capsys, extra, match):
    capsys.readouterr()
    assert main(["generate", "sample", str(run_dir), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and match in captured.err


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\x00"])
def test_empty_or_binary_text_exits_2_and_leaves_nothing(tmp_path, capsys, content):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert main(["generate", "train", str(path), "--lines", "--steps", "2", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_missing_run_directory_exits_2(tmp_path, capsys):
    assert main(["generate", "sample", str(tmp_path / "nope")]) == 2
    assert "not found" in capsys.readouterr().err


def test_inspect_colours_a_text_and_ranks_units(run_dir, tmp_path, capsys):
    page = tmp_path / "unit3.html"
    assert main(["generate", "inspect", str(run_dir), "anna\nbob\nalice", "--unit", "3", "--out", str(page),
                 "--pattern", "position", "--top", "3"]) == 0
    assert "<span" in page.read_text()
    ranked = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert len(ranked) == 3 and {"unit", "r"} <= set(ranked[0])
    assert main(["generate", "inspect", str(run_dir), "anna", "--unit", "99"]) == 2


def test_a_csv_is_learned_as_the_values_of_its_text_column_not_as_csv_rows(tmp_path, capsys):
    """``seqlab generate train babynames.csv`` learned the file's commas and counts (samples like 'nMdg,,,4,')."""
    import pandas as pd

    names = ["anna", "bob", "carla", "dora", "emil", "fred", "gina", "hugo", "ivan", "jana"] * 4
    path = tmp_path / "babynames.csv"
    pd.DataFrame({"Name": names, "Gender": ["F", "M"] * 20, "Count": range(40)}).to_csv(path, index=False)
    assert main(["generate", "train", str(path), "--steps", "5", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("seqlab: error: say which column to learn with --text-col (babynames.csv has text columns "
                   "Name, Gender)")
    out = tmp_path / "b"
    assert main(["generate", "train", str(path), "--text-col", "Name", "--steps", "5", "--out", str(out)]) == 0
    assert "learning the 10 distinct values of column 'Name' (of 40)" in capsys.readouterr().err   # no held-out
    saved = json.loads((out / "model" / "preprocessing.json").read_text())                      # name is a training one
    assert saved["lines"] and "," not in saved["vocab"] and "0" not in saved["vocab"]
    pd.DataFrame({"Name": names, "Count": range(40)}).to_csv(path, index=False)
    assert main(["generate", "train", str(path), "--steps", "5", "--out", str(tmp_path / "c")]) == 0
    assert "learning column 'Name' of babynames.csv, its only text column" in capsys.readouterr().err
    pd.DataFrame({"text": names, "label": ["a", "b"] * 20}).to_csv(path, index=False)     # TREC's text,label
    assert main(["generate", "train", str(path), "--steps", "5", "--out", str(tmp_path / "d")]) == 0
    assert ("learning column 'text' of babynames.csv, the one named text of its text columns (text, label)"
            in capsys.readouterr().err)
    many = [f"{a}{b}" for a in ("an", "bo", "ca", "do", "em", "fr", "gi", "hu") for b in ("na", "b", "la", "ra", "il")]
    pd.DataFrame({"Id": range(40), "Name": many, "Year": 1880, "Gender": ["F", "M"] * 20}).to_csv(path, index=False)
    assert main(["generate", "train", str(path), "--steps", "5", "--out", str(tmp_path / "e")]) == 0   # Kaggle's
    assert ("learning column 'Name' of babynames.csv, its only text column that is not a category (Gender)"
            in capsys.readouterr().err)                                             # NationalNames.csv


def test_predict_scores_the_values_of_the_text_column_a_csv_model_learned(tmp_path, capsys):
    """predict read the CSV whole: its header and the other columns were scored as names."""
    import pandas as pd

    names = ["anna", "bob", "carla", "dora", "emil", "fred", "gina", "hugo", "ivan", "jana"] * 4
    path = tmp_path / "babynames.csv"
    pd.DataFrame({"Name": names, "Gender": ["F", "M"] * 20, "Count": range(40)}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["generate", "train", str(path), "--text-col", "Name", "--steps", "5", "--out", str(out)]) == 0
    new = tmp_path / "new.csv"
    pd.DataFrame({"Name": ["anna", "bob"], "Gender": ["F", "M"], "Count": [7, 8]}).to_csv(new, index=False)
    capsys.readouterr()
    assert main(["predict", str(out), str(new)]) == 0
    assert [row.split(",")[0] for row in capsys.readouterr().out.splitlines()] == ["text", "anna", "bob"]


def test_predict_of_a_generator_ignores_a_byte_order_mark(run_dir, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("\ufeffanna\nbob\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(run_dir), str(new)]) == 0
    assert [row.split(",")[0] for row in capsys.readouterr().out.splitlines()] == ["text", "anna", "bob"]


def test_predict_of_a_generator_refuses_columns_it_would_ignore(run_dir, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("anna\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(run_dir), str(new), "--drop", "Count"]) == 2
    assert "--text-col names the column" in capsys.readouterr().err


def test_generate_reads_a_text_in_the_given_encoding_and_joins_text_columns(tmp_path, capsys):
    import pandas as pd

    poem = tmp_path / "haiku.txt"
    poem.write_bytes(("古池や蛙飛び込む水の音\n" * 30).encode("shift_jis"))
    small = ["--lines", "--model", "bigram", "--steps", "2", "--samples", "2"]
    assert main(["generate", "train", str(poem), *small, "--encoding", "shift_jis", "--out", str(tmp_path / "a")]) == 0
    assert "蛙" in json.loads((tmp_path / "a" / "model" / "preprocessing.json").read_text())["vocab"]
    assert "not UTF-8" not in capsys.readouterr().err
    assert main(["generate", "train", str(poem), *small, "--out", str(tmp_path / "b")]) == 0   # guessed: mojibake
    assert "haiku.txt is not UTF-8 text" in capsys.readouterr().err
    assert "蛙" not in json.loads((tmp_path / "b" / "model" / "preprocessing.json").read_text())["vocab"]

    people = tmp_path / "people.csv"
    pd.DataFrame({"first": ["anna", "bob", "carla"] * 4, "last": ["berg", "", "cruz"] * 4}).to_csv(people, index=False)
    out = tmp_path / "c"
    assert main(["generate", "train", str(people), "--text-col", "first,last", "--steps", "2", "--samples", "2",
                 "--out", str(out)]) == 0
    assert "learning the 3 distinct values of column 'first,last'" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["predict", str(out), str(people)]) == 0               # the recorded columns, joined again
    assert [row.split(",")[0] for row in capsys.readouterr().out.splitlines()][:4] == \
        ["text", "anna. berg", "bob", "carla. cruz"]


def test_a_folder_of_text_files_is_learned_one_file_after_another(tmp_path, capsys):
    """A folder of texts (a book a file; Keras' text_dataset_from_directory layout) said it was no file."""
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "b.txt").write_text("the second book ends here.")
    (folder / "a.txt").write_text("the first book begins.\n\n")
    (folder / "empty.txt").write_text("")
    out = tmp_path / "run"
    assert main(["generate", "train", str(folder), "--steps", "5", "--out", str(out)]) == 0
    assert "learning the 2 text file(s) of folder books (a.txt, ...), in name order" in capsys.readouterr().err
    vocab = json.loads((out / "model" / "preprocessing.json").read_text())["vocab"]
    assert set(vocab) == set("the first book begins.\nsecond ends here")
    assert main(["generate", "train", str(folder), "--text-col", "x", "--steps", "5",
                 "--out", str(tmp_path / "r2")]) == 2
    assert "books is a folder of text files" in capsys.readouterr().err
