"""The SOM and RBM recipes of examples/seeds run end to end (tiny settings; the full runs are in
benchmarks/som.py and benchmarks/rbm_movielens.py)."""

import pandas as pd
import pytest
from support import SHARED_DATA, example

MOVIELENS = SHARED_DATA / "movielens-100k"


def test_som_fraud_lists_the_customers_of_the_outlying_cells(tmp_path, capsys):
    out = tmp_path / "som"
    result = example("som_fraud").main(["--iterations", "300", "--out", str(out)])
    assert (out / "umatrix.png").stat().st_size > 0
    frauds = pd.read_csv(out / "frauds.csv")
    assert len(frauds) == len(result["frauds"]) and "CustomerID" in frauds.columns
    data = pd.read_csv(SHARED_DATA / "credit-card-applications/Credit_Card_Applications.csv")
    assert set(frauds["CustomerID"]) <= set(data["CustomerID"])   # rows in original units, not scaled
    if result["cells"]:
        assert len(frauds) > 0
    assert "approved" in capsys.readouterr().out


def test_rbm_movielens_skips_with_a_message_when_the_folder_is_absent(tmp_path, capsys):
    assert example("rbm_movielens").main([str(tmp_path / "nowhere")]) is None
    assert "skipping" in capsys.readouterr().out


@pytest.mark.skipif(not (MOVIELENS / "u1.base").is_file(), reason="MovieLens-100k is not on this machine")
def test_rbm_movielens_trains_and_prints_the_test_error_and_baselines(capsys):
    m = example("rbm_movielens").main([str(MOVIELENS), "--epochs", "1"])
    assert 0 < m["test_error"] < 1 and m["users"] == 459
    out = capsys.readouterr().out
    assert "test error:" in out and "user + movie like rates" in out and "recommended to user 1:" in out
