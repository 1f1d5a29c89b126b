"""``seqlab predict RUN_DIR INPUT``: predictions with probabilities from a saved run."""
import io

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.tasks import Task


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("predict")
    data = tmp / "sms"
    data.write_text("".join(f"spam\twin free cash prize {i}\n" if i % 2 else f"ham\tsee you at lunch {i}\n"
                            for i in range(24)))
    out = tmp / "run"
    assert main(["classify", str(data), "--format", "text", "--model", "lstm", "--units", "4", "--epochs", "1",
                 "--out", str(out)]) == 0
    return out


def test_predict_prints_labels_and_probabilities_matching_the_task(text_run, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("claim your free cash\nlunch at noon?\n")
    capsys.readouterr()
    assert main(["predict", str(text_run), str(new)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(table.columns) == ["row", "text", "prediction", "p_ham", "p_spam"]
    np.testing.assert_allclose(table[["p_ham", "p_spam"]].sum(axis=1), 1.0, atol=1e-5)
    task = Task.load(text_run / "model")
    expected = task.predict_proba(["claim your free cash", "lunch at noon?"])
    np.testing.assert_allclose(table[["p_ham", "p_spam"]].to_numpy(), expected, atol=1e-5)


def test_predict_writes_a_csv_file(text_run, tmp_path, capsys):
    new = tmp_path / "new.txt"
    new.write_text("free prize\n")
    out = tmp_path / "preds.csv"
    assert main(["predict", str(text_run), str(new), "--output", str(out)]) == 0
    assert len(pd.read_csv(out)) == 1 and "1 predictions written" in capsys.readouterr().out


def test_predict_series_from_a_ucr_file(tmp_path, capsys):
    train = tmp_path / "train.tsv"
    rng = np.random.default_rng(0)
    train.write_text("".join(f"{1 + i % 2}\t" + "\t".join(f"{v:.3f}" for v in rng.normal(i % 2, 1, 8)) + "\n"
                             for i in range(20)))
    run = tmp_path / "run"
    assert main(["classify", str(train), "--model", "gru", "--units", "4", "--epochs", "1", "--out", str(run)]) == 0
    capsys.readouterr()
    assert main(["predict", str(run), str(train)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert len(table) == 20 and list(table.columns) == ["row", "prediction", "p_1", "p_2"]


def test_predict_bad_inputs_exit_2(text_run, tmp_path, capsys):
    assert main(["predict", str(tmp_path / "nope"), str(tmp_path / "x.txt")]) == 2
    assert "no such run or model directory" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert main(["predict", str(text_run), str(empty)]) == 2
    assert "no texts" in capsys.readouterr().err
    assert main(["predict", str(text_run), str(empty), "--format", "ts"]) == 2
    assert "takes texts" in capsys.readouterr().err
