"""JSON Lines (a record a line, as Hugging Face's ``Dataset.to_json`` and many exports write them) and JSON arrays
of records are read wherever a CSV is: ``seqlab classify reviews.jsonl`` said it could not tell the format."""
import json

import numpy as np
import pandas as pd

from seqlab.cli import main

POS = ["a joy", "superb acting", "loved it", "great fun", "wonderful film", "so moving", "pure delight"]
NEG = ["dull plot", "awful pacing", "hated it", "boring mess", "terrible film", "so tedious", "a chore"]


def test_texts_in_json_lines_are_classified_and_predicted(tmp_path, capsys):
    path = tmp_path / "reviews.jsonl"
    rows = [{"text": f"{a} and {b}", "label": lab, "meta": {"n": i}}
            for i, (lab, words) in enumerate([("pos", POS), ("neg", NEG)]) for a in words for b in words if a != b]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    assert main(["classify", str(path), "--model", "bag_of_embeddings", "--epochs", "2", "--verbose", "0",
                 "--out", str(out)]) == 0
    assert "classifying the texts of column 'text' with labels from 'label'" in capsys.readouterr().err
    assert main(["predict", str(out), str(path), "--output", str(tmp_path / "p.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "p.csv")) == len(rows) and "scores on" in capsys.readouterr().out


def test_a_series_in_a_json_array_is_forecast_and_broken_json_is_one_line(tmp_path, capsys):
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    records = [{"ds": f"{d:%Y-%m-%d}", "y": float(10 + np.sin(i / 3))} for i, d in enumerate(days)]
    path = tmp_path / "series.json"
    path.write_text(json.dumps(records, indent=1))
    assert main(["forecast", str(path), "--model", "naive", "--verbose", "0", "--out", str(tmp_path / "f")]) == 0
    assert "reading column 'ds' as the time of each row" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"ds": "2020-01-01", "y": 1}\n{"ds": 2020-01-02}\n')
    assert main(["forecast", str(broken), "--model", "naive", "--out", str(tmp_path / "g")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("not readable JSON (line 2: Expecting ',' delimiter); give a record a line, or an array of "
                        "records") and "\n" not in err
