"""One writer per run directory: a second run given the same ``--out`` is refused, the first keeps its results."""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.io.rundir import run_directory


@pytest.fixture
def csv(tmp_path):
    t = np.arange(80)
    path = tmp_path / "sales.csv"
    pd.DataFrame({"sales": 50 + t + 8 * np.sin(2 * np.pi * t / 12)}).to_csv(path, index=False)
    return path


def _forecast(csv, out):
    return [sys.executable, "-m", "seqlab", "forecast", str(csv), "--target", "sales", "--model", "gru",
            "--units", "4", "--epochs", "2", "--verbose", "0", "--out", str(out)]


def test_two_trainings_into_one_out_one_refused_the_other_complete(csv, tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    runs = [subprocess.Popen(_forecast(csv, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=env) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in runs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2).strip()
    assert len(refused.splitlines()) == 1 and "--out" in refused, refused
    assert {"model", "metrics.json", "history.json", "report.html"} <= {p.name for p in out.iterdir()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "sales.csv"]  # no lock, no temp folder


def test_a_run_holding_out_makes_the_second_exit_2_and_keeps_writing(csv, tmp_path, capsys):
    out = tmp_path / "run"
    with run_directory(out) as first:
        (first / "metrics.json").write_text("{}")
        assert main(_forecast(csv, out)[3:]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "being written by another seqlab run" in err
    assert (out / "metrics.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "sales.csv"]


def test_a_lock_left_by_a_killed_run_is_taken_over(csv, tmp_path):
    out = tmp_path / "run"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / ".run.lock").write_text(str(dead.pid))  # its process no longer runs
    with run_directory(out) as tmp:
        (tmp / "metrics.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "sales.csv"]
