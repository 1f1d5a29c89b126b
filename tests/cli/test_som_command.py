"""``seqlab som``: the run directory it writes, and one-line errors for bad input."""
import json

import pandas as pd
from support import SHARED_DATA

from seqlab.cli import main

CREDIT = str(SHARED_DATA / "credit-card-applications/Credit_Card_Applications.csv")


def test_som_writes_map_outliers_metrics_and_report(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["som", CREDIT, "--label-col", "Class", "--iterations", "500", "--out", str(out)]) == 0
    for name in ("umatrix.png", "outliers.csv", "metrics.json", "report.html", "model/config.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["quantization_error"] > 0
    outliers = pd.read_csv(out / "outliers.csv")
    assert len(outliers) == metrics["outlying_rows"] and "CustomerID" in outliers.columns
    assert "Class" not in outliers.columns


def test_som_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    text = tmp_path / "text.csv"
    text.write_text("a,b\n1,x\n2,y\n3,z\n")
    cases = [[str(text)], [CREDIT, "--x", "0"], [str(tmp_path / "missing.csv")], [CREDIT, "--label-col", "nope"],
             [CREDIT, "--x", "100000", "--y", "100000"]]
    for args in cases:
        assert main(["som", *args, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("seqlab: error:") and "\n" not in err
        assert not (tmp_path / "o").exists()
