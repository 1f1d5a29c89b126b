"""Every training command's report names a baseline computed in the same run and says plainly
whether the model beat it (issue 13 item 3, issue 19 item 6); --time-budget is on the commands."""
import json

import numpy as np
import pandas as pd
import pytest
from support import SHARED_DATA

from seqlab.cli import main

MOVIELENS = SHARED_DATA / "movielens-100k"


def _series_csv(path, n=24, length=10, seed=0):
    rng = np.random.default_rng(seed)
    rows = [",".join(f"t{i}" for i in range(length)) + ",label"]
    for k in range(n):
        up = k % 2
        values = (1 if up else -1) * np.linspace(0, 1, length) + 0.1 * rng.normal(size=length)
        rows.append(",".join(f"{v:.4f}" for v in values) + f",{'up' if up else 'down'}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_classify_series_names_the_one_nn_baseline_and_the_budget(tmp_path, capsys):
    train, test = _series_csv(tmp_path / "train.csv"), _series_csv(tmp_path / "test.csv", n=10, seed=1)
    out = tmp_path / "run"
    assert main(["classify", str(train), "--test", str(test), "--model", "mlp", "--units", "4", "--epochs", "2",
                 "--time-budget", "10m", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    m = json.loads((out / "metrics.json").read_text())
    assert m["strong_baseline"]["name"] == "1-NN Euclidean" and m["strong_baseline"]["accuracy"] == 1.0
    assert m["verdict"] in text and "the strong baseline 1-NN Euclidean" in m["verdict"]
    assert ("LOSES to" in m["verdict"]) == (m["accuracy"] < 1.0)
    paired = m["strong_baseline"]["mcnemar"]          # McNemar's test on the same 10 examples, when they differ
    assert paired["examples"] == 10 and paired["model_only"] == 0 and paired["baseline_only"] == round(
        10 * (1 - m["accuracy"]))
    assert (m["accuracy"] == 1.0) == ("McNemar" not in m["verdict"])
    assert m["accuracy"] == 1.0 or m["verdict"].endswith(f"on 10 test examples; 0 right by the model alone, "
                                                         f"{paired['baseline_only']} by the baseline alone)")
    assert "trained 2 epochs" in text and m["training"]["stopped_by"] == "epochs"
    assert json.loads((out / "history.json").read_text())["training"]["epochs"] == 2


def test_classify_texts_names_tfidf_logistic_regression(tmp_path, capsys):
    data = tmp_path / "sms.txt"
    spam, ham = ["win cash prize now", "free prize claim"], ["see you at lunch", "meeting moved to noon"]
    data.write_text("".join(f"spam\t{spam[i % 2]} {i}\n" if i % 3 == 0 else f"ham\t{ham[i % 2]} {i}\n"
                            for i in range(40)))
    out = tmp_path / "run"
    assert main(["classify", str(data), "--format", "text", "--model", "bag_of_embeddings", "--epochs", "1",
                 "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["strong_baseline"]["name"] == "TF-IDF + logistic regression"
    assert "TF-IDF + logistic regression" in capsys.readouterr().out


def test_a_bad_time_budget_is_one_line_and_exit_2(tmp_path, capsys):
    train = _series_csv(tmp_path / "train.csv")
    with pytest.raises(SystemExit) as e:
        main(["classify", str(train), "--time-budget", "soon", "--out", str(tmp_path / "r")])
    assert e.value.code == 2 and "time budget 'soon' is not a duration" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_forecast_verdict_names_the_stronger_naive_and_never_prints_a_winning_ratio_of_one(tmp_path, capsys):
    t = np.arange(150)
    path = tmp_path / "s.csv"
    pd.DataFrame({"y": 10 + np.sin(2 * np.pi * t / 12) + 0.01 * t}).to_csv(path, index=False)
    out = tmp_path / "run"
    assert main(["forecast", str(path), "--target", "y", "--model", "linear", "--verbose", "0", "--out",
                 str(out)]) == 0
    text = capsys.readouterr().out
    m = json.loads((out / "metrics.json").read_text())
    assert "the strong baseline seasonal naive (12)" in m["verdict"] and m["verdict"] in text
    assert "1.00x" not in text


def test_forecast_ratio_keeps_digits_until_it_differs_from_one():
    from seqlab.tasks.forecasting.metrics import forecast_verdict

    line = forecast_verdict("lstm", {"rmse": 0.9996, "baseline": {"rmse": 1.0}})
    assert line.startswith("lstm beats") and "(0.9996x)" in line


def test_rbm_csv_prints_its_baseline(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]])[rng.integers(0, 2, 60)]
    path = tmp_path / "bits.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n")
    out = tmp_path / "run"
    assert main(["rbm", str(path), "--hidden", "4", "--epochs", "3", "--batch-size", "10", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    # every column is 1 in about half the rows: the majority value is wrong about half the time
    column_majority = (rows.mean(0) > 0.5).astype(float)
    assert m["baseline"]["reconstruction_error"] == pytest.approx(np.abs(rows - column_majority).mean())
    assert m["verdict"] in capsys.readouterr().out


@pytest.mark.skipif(not (MOVIELENS / "u1.base").is_file(), reason="MovieLens-100k is not on this machine")
def test_rbm_movielens_says_whether_it_beats_the_strongest_like_rate_baseline(tmp_path, capsys):
    out = tmp_path / "ml"
    assert main(["rbm", str(MOVIELENS), "--movielens", "--epochs", "1", "--k", "1", "--hidden", "8",
                 "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    word = "LOSES to" if m["test_error"] > m["baseline"]["test_error"] else "beats"
    assert f"RBM {word} the strong baseline '{m['baseline']['name']}'" in capsys.readouterr().out


def test_generate_prints_the_bigram_baseline(tmp_path, capsys):
    text = tmp_path / "names.txt"
    text.write_text("\n".join(a + b + c for a in "bcdfg" for b in "aeiou" for c in "mnprst") + "\n")
    out = tmp_path / "run"
    assert main(["generate", "train", str(text), "--lines", "--model", "gru", "--units", "8", "--steps", "30",
                 "--samples", "3", "--out", str(out)]) == 0
    m = json.loads((out / "metrics.json").read_text())
    assert m["strong_baseline"]["name"].startswith("bigram") and 0 < m["strong_baseline"]["test_loss"] < 4
    assert "the strong baseline bigram" in capsys.readouterr().out


def test_synth_reports_mode_collapse_beside_the_discriminative_score():
    from seqlab.cli.synth import synth_verdicts
    from seqlab.tasks.generation.metrics import coverage, diversity_ratio, sine_data

    real = sine_data(200, 12, 2, seed=0)
    collapsed = np.repeat(real[:1], 200, axis=0)
    m = {"discriminative_score": 0.29, "coverage": coverage(real, collapsed),
         "diversity_ratio": diversity_ratio(real, collapsed),
         "baseline": {"name": "independent Gaussian", "discriminative_score": 0.4, "coverage": 0.5}}
    lines = synth_verdicts(m)
    assert lines[0].startswith("GAN beats") and lines[1].startswith("MODE COLLAPSE")
    healthy = sine_data(200, 12, 2, seed=1)
    m.update(coverage=coverage(real, healthy), diversity_ratio=diversity_ratio(real, healthy))
    assert synth_verdicts(m)[1].startswith("no mode collapse")
    m.update(coverage=0.17, diversity_ratio=1.06)       # spread like the real windows, but elsewhere
    assert synth_verdicts(m)[1].startswith("LOW COVERAGE: the synthetic windows cover 17%")
    assert len(synth_verdicts(m)) == 2                   # no window count: no caution
    m["real_windows"] = 164
    assert synth_verdicts(m)[2].startswith("CAUTION: only 164 real windows")


def test_coverage_matches_a_direct_computation():
    from seqlab.tasks.generation.metrics import coverage

    rng = np.random.default_rng(0)
    real, fake = rng.random((60, 4, 2)).astype(np.float32), rng.random((50, 4, 2)).astype(np.float32) * 0.5
    r, f = real.reshape(60, -1).astype(np.float64), fake.reshape(50, -1).astype(np.float64)
    d_rr = np.linalg.norm(r[:, None] - r[None], axis=-1)
    radius = np.sort(d_rr, axis=1)[:, 5]
    expected = np.mean(np.linalg.norm(r[:, None] - f[None], axis=-1).min(1) < radius)
    assert coverage(real, fake, k=5) == pytest.approx(expected)
