"""``seqlab classify --as-image``: series drawn as images, classified by a CNN, predicted again."""
import json

import pandas as pd
from support import SHARED_DATA

from seqlab.cli import main


def test_classify_as_image_trains_reports_and_predicts(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["classify", "gunpoint", "--as-image", "gadf", "--image-size", "8", "--epochs", "1",
                 "--seed", "0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["model"] == "gadf image cnn" and 0.0 <= metrics["accuracy"] <= 1.0
    assert main(["predict", str(out), str(SHARED_DATA / "gunpoint" / "GunPoint_TEST.ts"),
                 "--output", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == 150
