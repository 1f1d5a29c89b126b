"""seqlab synth --model timegan: windows, scores and a loadable TimeGAN; bad input exits 2."""
import json

import numpy as np
import pandas as pd

import seqlab
from seqlab.cli import main
from seqlab.tasks import TimeGAN


def _series(tmp_path):
    t = np.arange(60.0)
    path = tmp_path / "s.csv"
    pd.DataFrame({"x": 100 + 10 * np.sin(t / 5), "y": 5 + np.cos(t / 7)}).to_csv(path, index=False)
    return path


def test_synth_timegan_writes_windows_scores_and_a_loadable_model(tmp_path):
    out = tmp_path / "run"
    assert main(["synth", str(_series(tmp_path)), "--seq-len", "6", "--model", "timegan", "--iterations", "3", "3",
                 "2", "--units", "4", "--n", "10", "--batch-size", "16", "--metric-iterations", "5",
                 "--out", str(out)]) == 0
    syn = pd.read_csv(out / "synthetic.csv")
    assert list(syn.columns) == ["sample", "step", "x", "y"] and len(syn) == 10 * 6
    m = json.loads((out / "metrics.json").read_text())
    assert m["model"] == "timegan" and 0 <= m["discriminative_score"] <= 0.5
    model = seqlab.load(out)
    assert isinstance(model, TimeGAN) and model.get_params()["iterations"] == [3, 3, 2]
    assert (out / "loss.png").exists()


def test_synth_timegan_bad_iterations_is_one_line_exit_2(tmp_path, capsys):
    assert main(["synth", str(_series(tmp_path)), "--seq-len", "6", "--model", "timegan", "--iterations", "3", "3",
                 "--batch-size", "16", "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err
    assert "iterations" in err and err.count("\n") == 1 and not (tmp_path / "a").exists()
