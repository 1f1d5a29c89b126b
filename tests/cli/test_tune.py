"""seqlab tune: rerunning the same command after SIGKILL continues its study (trial numbers never
repeat), the report holds the trials, both plots and a command line that reruns the winner."""
import json
import os
import shlex
import signal
import subprocess
import sys
import time

import optuna
import pytest

from seqlab.cli import main
from seqlab.cli.tune import split_arguments
from seqlab.tasks.tuning.study import open_storage

TUNE = ["tune", "classify", "italy-power-demand", "--model", "gru", "--units", "4", "--epochs", "15",
        "--trials", "4", "--pruner", "none", "--no-ensemble"]   # the rerun command then rebuilds the saved model


def _trials(journal):
    summaries = optuna.get_all_study_summaries(open_storage(journal))
    if not summaries:   # the journal file exists but the study is not written to it yet
        return []
    return optuna.load_study(study_name=summaries[0].study_name, storage=open_storage(journal)).trials


def test_rerun_after_sigkill_continues_the_study_and_the_best_command_reruns_the_winner(tmp_path, capsys):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "seqlab", *TUNE, "--out", str(out)]
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "OMP_NUM_THREADS": "1"})
    journal, deadline = out / "study.journal", time.time() + 240
    while time.time() < deadline:                 # kill it inside a trial, after one has finished
        states = [t.state.name for t in _trials(journal)] if journal.exists() else []
        if "COMPLETE" in states and states[-1] == "RUNNING":
            break
        assert first.poll() is None, first.stderr.read().decode()
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed = _trials(journal)
    running = [t.number for t in killed if t.state.name == "RUNNING"]   # [the last], unless it had just ended
    finished = [t for t in killed if t.state.name == "COMPLETE"]
    assert len(running) <= 1 and not (out / "report.html").exists()

    assert main(TUNE[:] + ["--out", str(out)]) == 0     # the same command again
    trials = _trials(journal)
    numbers = [t.number for t in trials]
    assert numbers == list(range(len(numbers)))       # never repeated
    assert [t.number for t in trials if t.user_attrs.get("stale")] == running
    assert sum(not t.user_attrs.get("stale") for t in trials) == 4
    assert all(trials[k.number].params == k.params for k in finished)   # the finished ones are kept
    printed = capsys.readouterr()
    assert ("were left running" in printed.err) == bool(running)
    assert printed.err.count("| best ") == 4 - len(finished)             # one line per trial of this run

    metrics = json.loads((out / "metrics.json").read_text())
    for name in ("report.html", "optimization_history.png", "param_importances.png", "trials.csv", "model"):
        assert (out / name).exists(), name
    assert "ensemble" not in metrics and "oof_p_true" not in (out / "trials.csv").read_text().splitlines()[0]
    report = (out / "report.html").read_text()
    assert "1-NN Euclidean" in report and "majority class" in report and metrics["rerun"] in report
    rerun = shlex.split(metrics["rerun"])
    assert rerun[:2] == ["seqlab", "classify"] and "--epochs" in rerun
    assert main(rerun[1:] + ["--out", str(tmp_path / "rerun")]) == 0
    again = json.loads((tmp_path / "rerun" / "metrics.json").read_text())
    assert again["accuracy"] == pytest.approx(metrics["test"]["accuracy"])


def test_tune_options_may_come_anywhere_after_the_command():
    opts, rest = split_arguments(["data.csv", "--target", "y", "--trials", "3", "--verbose", "1", "--out", "r"])
    assert (opts.trials, opts.verbose, opts.out, rest) == (3, 1, "r", ["data.csv", "--target", "y"])


def test_tune_forecast_without_target_or_time_col_takes_the_columns_forecast_takes(tmp_path, capsys):
    """It stopped with a traceback (AttributeError on --target) where seqlab forecast guesses the column."""
    from seqlab import datasets

    csv = tmp_path / "airline.csv"
    datasets.load("airline-passengers").to_csv(csv, index=False)
    assert main(["tune", "forecast", str(csv), "--model", "gru", "--epochs", "2", "--trials", "1",
                 "--out", str(tmp_path / "f")]) == 0
    err = capsys.readouterr().err
    assert "forecasting column 'Passengers'" in err and "reading column 'Month' as the time" in err
    assert "Traceback" not in err and "already reported" not in err


def test_tune_forecast_and_generate_write_their_reports(tmp_path, capsys):
    from seqlab import datasets

    csv = tmp_path / "airline.csv"
    datasets.load("airline-passengers").to_csv(csv, index=False)
    assert main(["tune", "forecast", str(csv), "--target", "Passengers", "--model", "gru", "--epochs", "3",
                 "--trials", "2", "--out", str(tmp_path / "f")]) == 0
    names = tmp_path / "names.txt"
    names.write_text("\n".join(["anna", "bob", "carla", "dora", "emil", "fred", "gina", "hugo"] * 10))
    assert main(["tune", "generate", str(names), "--lines", "--model", "gru", "--steps", "20", "--trials", "2",
                 "--out", str(tmp_path / "g")]) == 0
    f = json.loads((tmp_path / "f" / "metrics.json").read_text())
    g = json.loads((tmp_path / "g" / "metrics.json").read_text())
    assert "naive (last value)" in f["baselines"] and f["rerun"].startswith("seqlab forecast ")
    assert "bigram" in g["baselines"] and g["rerun"].startswith("seqlab generate train ")
    assert "test: rmse" in capsys.readouterr().out
    assert main(["generate", "sample", str(tmp_path / "g"), "--n", "2"]) == 0   # was: 'verbose' must be true/false


def test_bad_input_is_one_line_and_leaves_no_run_directory(tmp_path, capsys):
    out = tmp_path / "bad"
    assert main(["tune", "classify", str(tmp_path / "missing.csv"), "--trials", "2", "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and not out.exists()
    assert main(["tune", "classify", "italy-power-demand", "--trials", "2", "--out", str(out),
                 "--storage", "sqlite:////nonexistent-folder/x/s.db"]) == 2
    assert "cannot open the study storage" in capsys.readouterr().err and not out.exists()


def _waves(tmp_path, monkeypatch):
    """A CSV of two waves, 240 rows, for tune synth; its trials score 20 metric iterations."""
    import numpy as np

    from seqlab.tasks.generation import search

    monkeypatch.setattr(search, "TRIAL_METRIC_ITERATIONS", 20)
    t = np.arange(240)
    csv = tmp_path / "waves.csv"
    csv.write_text("a,b\n" + "\n".join(f"{np.sin(v / 5):.4f},{np.cos(v / 7):.4f}" for v in t))
    return csv


def test_tune_synth_scores_the_latest_windows_against_noise_and_replayed_windows(tmp_path, monkeypatch, capsys):
    csv = _waves(tmp_path, monkeypatch)
    assert main(["tune", "synth", str(csv), "--seq-len", "8", "--iterations", "2", "--metric-iterations", "20",
                 "--trials", "2", "--out", str(tmp_path / "t")]) == 0    # synth's default model, timegan
    m = json.loads((tmp_path / "t" / "metrics.json").read_text())
    assert 0 <= m["test"]["discriminative_score"] <= 0.5 and " --units " in m["rerun"]   # hidden is synth's --units
    assert main(["tune", "synth", str(csv), "--seq-len", "8", "--model", "dense", "--epochs", "2",
                 "--metric-iterations", "20", "--trials", "2", "--out", str(tmp_path / "s")]) == 0   # batch 64
    m = json.loads((tmp_path / "s" / "metrics.json").read_text())
    assert set(m["baselines"]) == {"noise (per-step mean and std)", "training windows replayed"}
    assert 0 <= m["test"]["discriminative_score"] <= 0.5 and m["rerun"].startswith("seqlab synth ")


def test_tune_synth_reads_its_table_as_synth_does(tmp_path, monkeypatch, capsys):
    """tune synth read DATA itself: --columns/--drop were ignored (and the error said to --drop the column
    dropped), a bundled data set name was 'file not found', a date column was no time column."""
    import numpy as np

    from seqlab.tasks.generation import search

    monkeypatch.setattr(search, "TRIAL_METRIC_ITERATIONS", 20)
    t = np.arange(240)
    csv = tmp_path / "waves.csv"
    csv.write_text("date,a,b,note\n" + "\n".join(f"2020-01-01 {v // 60:02d}:{v % 60:02d},{np.sin(v / 5):.4f},"
                                                  f"{np.cos(v / 7):.4f},x" for v in t))
    assert main(["tune", "synth", str(csv), "--seq-len", "8", "--model", "dense", "--epochs", "2", "--drop", "note",
                 "--metric-iterations", "20", "--trials", "2", "--out", str(tmp_path / "s")]) == 0
    assert "reading column 'date' as the time" in capsys.readouterr().err


def test_tune_classify_reports_the_ensemble_of_trials_it_refitted(tmp_path, capsys):
    out = tmp_path / "run"
    command = ["tune", "classify", "italy-power-demand", "--model", "mlp", "--epochs", "10", "--trials", "4",
               "--pruner", "none", "--out", str(out)]
    assert main(command) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    members = metrics["ensemble"]["members"]       # this seeded search picks several trials
    assert len(members) > 1 and members[0]["trial"] == metrics["best_trial"]
    assert sum(m["nets"] for m in members) == 5
    printed = capsys.readouterr().out
    assert "chosen by ensemble selection" in printed and "retrains the best configuration alone" in printed
    assert "Ensemble of trials" in (out / "report.html").read_text()


def test_a_tuned_model_level_with_its_baseline_ties_it():
    """The tune verdict said 'does NOT beat ... (accuracy 0.9286 vs 0.9286)' where every other command says 'ties'."""
    from seqlab.cli.tune import tuned_verdict

    baselines = {"1-NN Euclidean": {"accuracy": 0.92857}, "majority": {"accuracy": 0.5}}
    line = tuned_verdict({"accuracy": 0.92857}, baselines)
    assert line == "the tuned model ties the strong baseline 1-NN Euclidean: accuracy 0.9286 vs 0.9286"
    assert tuned_verdict({"rmse": 30.0}, {"naive": {"rmse": 20.0}}).startswith("the tuned model LOSES to")


def test_tune_synth_samples_no_batch_larger_than_the_windows_of_a_trial(tmp_path, monkeypatch, capsys):
    """TimeGAN's search drew batch 256 for trials of 166 windows: the trial failed, with Optuna's traceback."""
    csv = _waves(tmp_path, monkeypatch)
    assert main(["tune", "synth", str(csv), "--seq-len", "8", "--iterations", "2", "--metric-iterations", "20",
                 "--trials", "3", "--out", str(tmp_path / "t")]) == 0
    m = json.loads((tmp_path / "t" / "metrics.json").read_text())
    assert m["trials"]["failed"] == 0 and m["best_params"]["batch_size"] <= 128
    assert "Traceback" not in capsys.readouterr().err


def test_the_time_budget_bounds_the_refit_of_the_winner_and_the_report_says_so(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["tune", "classify", "italy-power-demand", "--model", "gru", "--units", "4", "--epochs", "400",
                 "--trials", "1", "--time-budget", "3s", "--no-ensemble", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    bound = metrics["refit_budget"]
    assert 0.3 <= bound["seconds"] <= 3 and bound["stopped_by"] == "time budget"    # 400 epochs do not fit in it
    assert "refit of the winner: bounded by what the search left of --time-budget" in capsys.readouterr().out
    assert "refit of the winner" in (out / "report.html").read_text()
    assert "--epochs 400" in metrics["rerun"]                     # the explicit count is kept for the rerun


def test_tune_classify_leaves_out_an_id_column_and_the_saved_winner_records_it(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(40, 8)), columns=[f"t{i}" for i in range(8)])
    table["label"] = np.arange(40) % 2
    table.iloc[:, :8] += table[["label"]].to_numpy()
    table.insert(0, "id", rng.permutation(40) + 500)
    table.to_csv(tmp_path / "series.csv", index=False)
    out = tmp_path / "run"
    assert main(["tune", "classify", str(tmp_path / "series.csv"), "--model", "gru", "--units", "4", "--epochs", "2",
                 "--trials", "1", "--no-ensemble", "--out", str(out)]) == 0
    recorded = json.loads((out / "model" / "preprocessing.json").read_text())["input"]
    assert recorded["format"] == "csv" and recorded["left_out"] == ["id"]
