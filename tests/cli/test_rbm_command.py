"""``seqlab rbm``: the run directories it writes, and one-line errors for bad input."""
import json

import numpy as np
import pytest
from support import SHARED_DATA

from seqlab.cli import main

MOVIELENS = SHARED_DATA / "movielens-100k"


def write_patterns(path, n=60, header=True):
    rng = np.random.default_rng(0)
    rows = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]])[rng.integers(0, 2, n)]
    lines = ([",".join(f"u{i}" for i in range(6))] if header else []) + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("header", [True, False])
def test_rbm_on_a_binary_csv_writes_model_free_energy_and_report(tmp_path, capsys, header):
    out = tmp_path / "run"
    data = write_patterns(tmp_path / "bits.csv", header=header)
    args = ["rbm", str(data), "--hidden", "4", "--epochs", "5", "--batch-size", "10", "--learning-rate", "0.5"]
    assert main([*args, "--out", str(out)]) == 0
    for name in ("model/config.json", "model/model.safetensors", "metrics.json", "history.json",
                 "free_energy.png", "report.html"):
        assert (out / name).is_file(), name
    history = json.loads((out / "history.json").read_text())
    assert len(history["free_energy"]) == 5 and len(history["loss"]) == 5
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0 <= metrics["reconstruction_error"] <= 1
    assert "reconstruction error" in capsys.readouterr().out


@pytest.mark.skipif(not (MOVIELENS / "u1.base").is_file(), reason="MovieLens-100k is not on this machine")
def test_rbm_movielens_writes_the_test_error_beside_the_like_rate_baselines(tmp_path):
    out = tmp_path / "ml"
    assert main(["rbm", str(MOVIELENS), "--movielens", "--epochs", "1", "--k", "1", "--hidden", "8",
                 "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0 < metrics["test_error"] < 1 and metrics["users"] == 459   # u1.test rates 459 users
    assert 0 < metrics["course_test_loss"] < 1 and metrics["training"]["epochs"] == 1
    # share of not-liked test ratings, per user, computed here from u1.test directly
    test = np.loadtxt(MOVIELENS / "u1.test", dtype=int)
    per_user = [np.mean(test[test[:, 0] == u, 2] < 3) for u in np.unique(test[:, 0])]
    baselines = metrics["baselines"]
    assert baselines["every movie liked"]["test_error"] == pytest.approx(np.mean(per_user), abs=1e-6)
    strongest = min(baselines, key=lambda n: baselines[n]["test_error"])
    assert metrics["baseline"] == {"name": strongest, "test_error": baselines[strongest]["test_error"]}
    assert f"'{strongest}'" in metrics["verdict"]
    for name in ("model/config.json", "history.json", "loss.png", "report.html"):
        assert (out / name).is_file(), name


def test_rbm_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    text = tmp_path / "text.csv"
    text.write_text("a,b\n1,x\n0,y\n1,z\n")
    big = tmp_path / "big.csv"
    big.write_text("a,b\n1,2\n0,1\n")
    negative = tmp_path / "neg.csv"
    negative.write_text("a,b\n1,-1\n0,1\n")
    few = write_patterns(tmp_path / "few.csv", n=5)
    cases = [[str(text)], [str(big), "--batch-size", "1"], [str(negative), "--batch-size", "1"],
             [str(few), "--batch-size", "10"], [str(tmp_path / "missing.csv")],
             [str(tmp_path / "no-folder"), "--movielens"], [str(few), "--hidden", "0", "--batch-size", "1"],
             [str(few), "--learning-rate", "0", "--batch-size", "1"],
             [str(few), "--learning-rate", "-1", "--batch-size", "1"],
             [str(few), "--hidden", "100000000", "--batch-size", "1"], [str(tmp_path)]]
    for args in cases:
        assert main(["rbm", *args, "--out", str(tmp_path / "o")]) == 2, args
        err = capsys.readouterr().err.strip()
        assert err.startswith("seqlab: error:") and "\n" not in err, (args, err)
        assert not (tmp_path / "o").exists()


def test_rbm_names_the_columns_to_leave_out(tmp_path, capsys):
    dated = tmp_path / "dated.csv"
    dated.write_text("date,a,b\n2020-01-01,1,0\n2020-01-02,0,1\n")
    ids = tmp_path / "ids.csv"
    ids.write_text("id,a,b\n1000,1,0\n1001,0,1\n")
    assert main(["rbm", str(dated), "--out", str(tmp_path / "o")]) == 2
    assert "(--drop date)" in capsys.readouterr().err
    assert main(["rbm", str(ids), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "(columns id)" in err and "(--drop id)" in err


@pytest.mark.parametrize("content,message", [
    ("a;b\n1;0\n0;1\n", None),                           # Excel's CSV: read with its separator
    ("\ufeffa,b\n1,0\n0,1\n", None),                       # a byte-order mark
    ("a,b\n", "has a header (a, b) but no data rows"),       # was: 'columns a, b are not numeric'
])
def test_predict_of_an_rbm_reads_csv_files_as_spreadsheets_write_them(tmp_path, capsys, content, message):
    out = tmp_path / "run"
    assert main(["rbm", str(write_patterns(tmp_path / "bits.csv")), "--columns", "u0,u1", "--hidden", "2",
                 "--epochs", "1", "--batch-size", "10", "--out", str(out)]) == 0
    new = tmp_path / "new.csv"
    new.write_text(content, encoding="utf-8")
    capsys.readouterr()
    assert main(["predict", str(out), str(new)]) == (0 if message is None else 2)
    captured = capsys.readouterr()
    if message is None:
        assert captured.out.splitlines()[0] == "row,reconstruction_error,free_energy" and len(captured.out.split()) == 3
    else:
        assert message in captured.err and captured.err.count("\n") == 1


@pytest.mark.skipif(not (MOVIELENS / "u1.base").is_file(), reason="MovieLens-100k is not on this machine")
def test_rbm_movielens_reads_grouplens_zip_as_downloaded(tmp_path):
    """ml-100k.zip holds the folder ml-100k/; --movielens said the folder was not found."""
    import zipfile

    path = tmp_path / "ml-100k.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("u1.base", "u1.test", "README"):
            z.write(MOVIELENS / name, f"ml-100k/{name}")
    assert main(["rbm", str(path), "--movielens", "--epochs", "1", "--k", "1", "--hidden", "8", "--verbose", "0",
                 "--out", str(tmp_path / "ml")]) == 0
    assert json.loads((tmp_path / "ml" / "metrics.json").read_text())["users"] == 459
