"""Every forecasting recipe in examples/seeds runs end to end with a tiny epoch count."""

import numpy as np
import pandas as pd
import pytest
from support import example

from seqlab.data.jena import JENA_COLUMNS


def recipe(name):
    return example(name).main


def test_next_number_rnn_has_the_seeds_2651_parameters(capsys):
    out = recipe("next_number_rnn")(["--epochs", "2"])
    assert out["params"] == 2651 and np.isfinite(out["predicted"])
    assert "2,651" in capsys.readouterr().out


def test_price_rnn_lstm_scores_both_models_and_naive():
    out = recipe("price_rnn_lstm")(["--epochs", "1", "--batch-size", "64"])
    assert set(out) == {"naive", "SimpleRNN(32)", "LSTM(256)"}
    assert out["naive"]["rmse"] == pytest.approx(8.416, abs=1e-3)


def test_airline_lstm_uses_brownlees_split():
    m = recipe("airline_lstm")(["--epochs", "1"])
    assert m["test_windows"] == 48 and "baseline" in m


def test_google_stock_lstm_scores_january_2017():
    m = recipe("google_stock_lstm")(["--epochs", "1", "--train-days", "150"])
    assert m["test_windows"] == 20 and m["baseline"]["rmse"] == pytest.approx(8.416, abs=1e-3)


def test_cqf_stacked_lstm_has_806017_parameters():
    assert recipe("cqf_stacked_lstm")(["--epochs", "1", "--train-days", "150"])["params"] == 806017


def test_jena_temperature_runs_on_a_file_with_the_jena_columns(tmp_path):
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(2400, 14)), columns=JENA_COLUMNS)
    df.insert(0, "Date Time", "01.01.2009 00:10:00")
    path = tmp_path / "jena.csv"
    df.to_csv(path, index=False)
    out = recipe("jena_temperature")([str(path), "--epochs", "1", "--sampling-rate", "2", "--sequence-length", "12"])
    assert set(out) == {"naive_val", "naive_test", "lstm_val", "lstm_test"}
