"""``seqlab classify --as-image``: series drawn as images, classified by a CNN, predicted again."""
import json

import pandas as pd
from support import SHARED_DATA, FakeClock

from seqlab.cli import main
from seqlab.train import budget


def test_classify_as_image_trains_reports_and_predicts(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["classify", "gunpoint", "--as-image", "gadf", "--image-size", "8", "--epochs", "1",
                 "--seed", "0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "gadf image cnn" and 0.0 <= metrics["accuracy"] <= 1.0
    assert main(["predict", str(out), str(SHARED_DATA / "gunpoint" / "GunPoint_TEST.ts"),
                 "--output", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 150


def test_classify_as_image_keeps_to_the_time_budget(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))   # one second per clock reading
    out = tmp_path / "run"
    assert main(["classify", "gunpoint", "--as-image", "gaf", "--image-size", "8", "--time-budget", "6s",
                 "--seed", "0", "--verbose", "0", "--out", str(out)]) == 0
    training = json.loads((out / "metrics.json").read_text())["training"]
    assert training["stopped_by"] == "time budget" and training["epochs"] < 6
    assert "time budget (6s)" in capsys.readouterr().out
