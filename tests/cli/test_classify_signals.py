"""``seqlab classify "UCI HAR Dataset"`` (or its zip, as downloaded, ``__MACOSX/`` and all): a file per channel,
trained on ``train/`` and tested on ``test/``; ``seqlab predict`` scores the test split; the command printed to
rerun is quoted for the shell, since the set's name holds spaces."""
import json
import os
import shlex
import zipfile

import pandas as pd
import pytest
from support import write_har

from seqlab.cli import main

FAST = ["--model", "gru", "--units", "4", "--epochs", "1", "--ensemble", "1", "--verbose", "0"]


def _zipped(folder, path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for dirpath, _, files in os.walk(folder):
            for name in files:
                full = os.path.join(dirpath, name)
                inside = os.path.relpath(full, folder.parent)
                z.write(full, inside)
                z.writestr(f"__MACOSX/{os.path.dirname(inside)}/._{name}", "resource fork")
    return path


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_the_har_layout_trains_on_train_tests_on_test_and_predict_scores_test(tmp_path, capsys, packed):
    folder = tmp_path / "UCI HAR Dataset"
    folder.mkdir()
    write_har(folder)
    given = _zipped(folder, tmp_path / "UCI HAR Dataset.zip") if packed else folder
    run = tmp_path / "har run"
    assert main(["classify", str(given), *FAST, "--out", str(run)]) == 0
    captured = capsys.readouterr()
    assert ("UCI HAR Dataset: training on the series of train/, testing on those of test/ (its own split), a file per "
            "channel: body_acc_y, body_gyro_z, total_acc_x") in captured.err
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["n"] == 6 and sorted(metrics["per_class"]) == ["LAYING", "SITTING", "WALKING"]
    reuse = next(line for line in captured.out.splitlines() if line.startswith("predict:"))
    rerun = shlex.split(reuse.removeprefix("predict:"))         # the words a shell would pass
    assert rerun[:3] == ["seqlab", "predict", str(run)]
    assert rerun[3] == str(given if packed else folder / "test")
    assert main(rerun[1:] + ["--output", str(tmp_path / "p.csv")]) == 0
    table = pd.read_csv(tmp_path / "p.csv")
    assert len(table) == 6 and table["label"].tolist()[:3] == ["WALKING", "SITTING", "LAYING"]
    assert "scores on" in capsys.readouterr().out
