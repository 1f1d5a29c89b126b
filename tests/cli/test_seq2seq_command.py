import json

import numpy as np
import pytest

from seqlab.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("s2s")
    pairs = root / "pairs.tsv"
    rows = [(w, w[::-1]) for w in ("abc", "cab", "bca", "aab", "bba", "cc", "ab", "ba", "abcc", "ccba")] * 3
    pairs.write_text("input\ttarget\n" + "".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    out = root / "run"
    assert main(["seq2seq", "train", str(pairs), "--attention", "dot", "--epochs", "2", "--units", "8",
                 "--embedding-dim", "4", "--out", str(out)]) == 0
    return out


def test_train_writes_a_complete_run_directory(run_dir):
    for name in ("model/config.json", "model/model.safetensors", "model/preprocessing.json", "metrics.json",
                 "history.json", "loss.png", "attention.png", "report.html"):
        assert (run_dir / name).is_file(), name
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["exact_match"] <= metrics["char_accuracy"] + 1e-9 <= 1.0 + 1e-9
    assert metrics["n"] == 3 and metrics["attention"] == "dot"
    history = json.loads((run_dir / "history.json").read_text())
    assert len(history["loss"]) == 2


def test_translate_prints_one_line_per_input(run_dir, capsys):
    capsys.readouterr()
    assert main(["seq2seq", "translate", str(run_dir), "abc", "ba", "--beam", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(set(line) <= set("abc") for line in lines)


def test_generated_task_trains_without_attention(tmp_path):
    out = tmp_path / "run"
    assert main(["seq2seq", "train", "--task", "addition", "--n", "60", "--attention", "none", "--epochs", "1",
                 "--units", "8", "--embedding-dim", "4", "--out", str(out)]) == 0
    assert (out / "report.html").is_file() and not (out / "attention.png").exists()
    assert json.loads((out / "metrics.json").read_text())["data"] == "addition (60 generated pairs)"


@pytest.mark.parametrize("content,match", [(b"", "empty"), (b"abc\ncba\nab\n", "2 columns")])
def test_empty_or_one_column_pairs_exit_2_with_one_line(tmp_path, capsys, content, match):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert main(["seq2seq", "train", str(path), "--epochs", "1", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and match in err
    assert not (tmp_path / "r").exists()


def test_unknown_characters_at_translate_time_exit_2_with_one_line(run_dir, capsys):
    capsys.readouterr()
    assert main(["seq2seq", "translate", str(run_dir), "abz"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1 and "'z'" in captured.err


@pytest.mark.parametrize("argv,match", [
    (["seq2seq", "train", "--epochs", "1"], "pairs file"),
    (["seq2seq", "translate", "/nonexistent/run", "abc"], "not found"),
])
def test_missing_inputs_exit_2_with_one_line(capsys, argv, match):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and match in err


def test_seqlab_predict_applies_a_saved_seq2seq_to_a_csv_column(run_dir, tmp_path, capsys):
    path = tmp_path / "inputs.csv"
    path.write_text("input\nabc\nba\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(run_dir), str(path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "input,prediction" and len(lines) == 3 and lines[1].startswith("abc,")


def test_model_with_a_wrongly_shaped_tensor_exits_2_with_one_line(run_dir, tmp_path, capsys):
    import shutil

    from safetensors.numpy import load_file, save_file

    bad = tmp_path / "bad"
    shutil.copytree(run_dir, bad)
    tensors = load_file(bad / "model" / "model.safetensors")
    name = sorted(tensors)[0]
    tensors[name] = np.zeros((3, 3), dtype=tensors[name].dtype)
    save_file(tensors, bad / "model" / "model.safetensors")
    capsys.readouterr()
    assert main(["seq2seq", "translate", str(bad), "abc"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "does not match" in err


def test_metrics_json_holds_no_wall_time(run_dir):
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert "seconds" not in metrics                            # wall time would differ between identical runs


def test_zero_learning_rate_is_refused(tmp_path, capsys):
    code = main(["seq2seq", "train", "--task", "reversal", "--n", "20", "--learning-rate", "0", "--epochs", "1",
                 "--units", "4", "--embedding-dim", "2", "--out", str(tmp_path / "r")])
    assert code == 2 and "lr" in capsys.readouterr().err and not (tmp_path / "r").exists()


def test_held_out_characters_no_training_pair_has_are_read_and_noted(tmp_path, capsys):
    from seqlab.data.pairs import read_pairs, split_pairs

    rows = [(w, w[::-1]) for w in ("abc", "cab", "bca", "aab", "bba", "cc", "ab", "ba", "abcc", "ccba")] * 3
    _, test = split_pairs(rows, test=0.1, seed=0)
    rare = rows.index(test[0])
    rows[rare] = ("ab9", "9ba")                    # a character only a held-out pair has, on both sides
    path = tmp_path / "pairs.tsv"
    path.write_text("".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    assert "9" in "".join(a for a, _ in split_pairs(read_pairs(path), test=0.1, seed=0)[1])
    out = tmp_path / "run"
    assert main(["seq2seq", "train", str(path), "--epochs", "1", "--units", "8", "--embedding-dim", "4", "-q",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "note: 1 held-out inputs use character(s) '9' that no training pair has" in err
    metrics = json.loads((out / "metrics.json").read_text())
    assert "'9'" in metrics["unseen_characters"] and metrics["n"] == 3
    assert main(["seq2seq", "translate", str(out), "9a"]) == 0          # the saved model reads it too


@pytest.fixture(scope="module")
def comma_run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("s2s_commas")
    pairs = root / "pairs.tsv"
    rows = [("a, b", "ab"), ("b, a", "ba"), ("a, a", "aa"), ("b, b", "bb")] * 5
    pairs.write_text("".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    out = root / "run"
    assert main(["seq2seq", "train", str(pairs), "--epochs", "1", "--units", "8", "--embedding-dim", "4",
                 "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name,content", [
    ("inputs.txt", "a, b\nb, a\n"),                        # the model's inputs hold commas: no pairs
    ("inputs.txt", "\ufeffa, b\nb, a\n"),                  # a byte-order mark is no character of the input
    ("inputs.csv", 'input\n"a, b"\n"b, a"\n'),             # a one-column CSV, its inputs quoted
])
def test_seqlab_predict_reads_inputs_holding_commas_one_per_line(comma_run_dir, tmp_path, capsys, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(comma_run_dir), str(path)]) == 0
    table = capsys.readouterr().out.strip().splitlines()
    assert table[0] == "input,prediction" and [row.split('",')[0] for row in table[1:]] == ['"a, b', '"b, a']


def test_seqlab_predict_scores_input_target_pairs_of_a_model_whose_inputs_hold_commas(comma_run_dir, tmp_path,
                                                                                        capsys):
    path = tmp_path / "pairs.csv"
    path.write_text('"a, b",ab\n"b, a",ba\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(comma_run_dir), str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "input,prediction,target,right" and "exact_match" in captured.err


def test_seqlab_predict_picks_the_columns_of_a_table_as_training_does(run_dir, tmp_path, capsys):
    """--columns/--drop were accepted and ignored: a row 'id,input,target' was read as one input."""
    path = tmp_path / "table.csv"
    path.write_text("id,input,target\n1,abc,cba\n2,ba,ab\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(run_dir), str(path), "--drop", "id"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == "input,prediction,target,right" and "exact_match" in captured.err
    assert main(["predict", str(run_dir), str(path), "--columns", "input"]) == 0
    assert [row.split(",")[0] for row in capsys.readouterr().out.splitlines()] == ["input", "abc", "ba"]
    assert main(["predict", str(run_dir), str(path)]) == 2
    err = capsys.readouterr().err
    assert "rows of 3 columns" in err and err.count("\n") == 1
