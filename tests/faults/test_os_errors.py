"""A full disk (or any OSError) while a command writes: one line, exit 2, and no temporary file left."""
import errno

import numpy as np
import pandas as pd
import pytest

import seqlab.io.modeldir
from seqlab.cli import main


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device", str(args[-1]) if args else None)


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "sales.csv"
    pd.DataFrame({"sales": 50 + np.sin(np.arange(80) / 3)}).to_csv(path, index=False)
    return path


def test_a_full_disk_while_saving_the_model_is_one_line_and_leaves_nothing(csv, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(seqlab.io.modeldir, "save_file", _disk_full)
    code = main(["forecast", str(csv), "--target", "sales", "--model", "gru", "--units", "2", "--epochs", "1",
                 "--verbose", "0", "--out", str(tmp_path / "runs" / "r")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "No space left on device" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sales.csv"]


def test_a_full_disk_while_writing_predictions_leaves_no_temp_file(csv, tmp_path, capsys, monkeypatch):
    assert main(["forecast", str(csv), "--target", "sales", "--model", "naive", "--verbose", "0",
                 "--out", str(tmp_path / "r")]) == 0
    out = tmp_path / "preds" / "p.csv"
    out.parent.mkdir()
    out.write_text("old predictions\n")
    monkeypatch.setattr(pd.DataFrame, "to_csv", _disk_full)
    capsys.readouterr()
    assert main(["predict", str(tmp_path / "r"), str(csv), "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "No space left" in err, err
    assert [p.name for p in out.parent.iterdir()] == ["p.csv"] and out.read_text() == "old predictions\n"
