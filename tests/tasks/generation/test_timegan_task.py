"""TimeGAN estimator: fit, sample in the original units, save/load, bad input."""
import numpy as np
import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks import Task, TimeGAN
from seqlab.tasks.generation.metrics import sine_data

SMALL = dict(hidden=5, num_layers=2, iterations=(4, 4, 2), batch_size=16, log_every=2, seed=0)


def _windows():
    return sine_data(40, 6, 2, seed=0) * np.array([10.0, 1.0]) + np.array([100.0, -3.0])


def test_fit_samples_windows_in_the_original_units():
    X = _windows()
    tg = TimeGAN(**SMALL).fit(X)
    s = tg.sample(7, seed=3)
    assert s.shape == (7, 6, 2)
    lo, hi = X.min((0, 1)), X.max((0, 1))
    assert ((s >= lo - 1e-4) & (s <= hi + 1e-4)).all()              # sigmoid output, min-max inverted
    np.testing.assert_array_equal(s, tg.sample(7, seed=3))
    assert not np.array_equal(s, tg.sample(7, seed=4))
    assert len(tg.history_["embedding_reconstruction_loss"]) == 2 and len(tg.history_["joint_d_loss"]) == 1
    assert len(tg.history_["seconds"]) == 3 and tg.history_["iterations"] == [4, 4, 2]
    assert set(tg.evaluate(X)) == {"reconstruction_loss", "supervised_loss", "moment_loss", "d_loss"}


def test_save_load_round_trip_gives_identical_samples(tmp_path):
    tg = TimeGAN(**SMALL).fit(_windows())
    tg.save(tmp_path / "tg")
    loaded = Task.load(tmp_path / "tg")
    assert isinstance(loaded, TimeGAN) and loaded.get_params() == {**tg.get_params(), "iterations": [4, 4, 2]}
    np.testing.assert_array_equal(loaded.sample(9, seed=1), tg.sample(9, seed=1))
    assert loaded.history_ == tg.history_


def test_same_seed_trains_the_same_model():
    a = TimeGAN(**SMALL).fit(_windows()).sample(4, seed=0)
    b = TimeGAN(**SMALL).fit(_windows()).sample(4, seed=0)
    np.testing.assert_array_equal(a, b)


def test_bad_input_raises_clear_errors():
    with pytest.raises(DataError, match="windows"):
        TimeGAN(**SMALL).fit(np.random.default_rng(0).random((40, 3)))
    with pytest.raises(DataError, match="batch_size"):
        TimeGAN(**SMALL).fit(_windows()[:10])
    with pytest.raises(ConfigError, match="iterations"):
        TimeGAN(**{**SMALL, "iterations": (1, 2)}).fit(_windows())
    with pytest.raises(DataError, match="finite|NaN"):
        X = _windows()
        X[0, 0, 0] = np.nan
        TimeGAN(**SMALL).fit(X)
    tg = TimeGAN(**SMALL).fit(_windows())
    with pytest.raises(DataError, match=r"\(n, 6, 2\)"):
        tg.evaluate(np.zeros((3, 5, 2)))
    with pytest.raises(ConfigError, match="n must be"):
        tg.sample(0)


def test_time_budget_stops_training_and_history_says_how_far_it_got():
    # any elapsed time exceeds a 1 ns budget: training stops at the first log point of phase 1
    tg = TimeGAN(**{**SMALL, "iterations": (10, 10, 10), "time_budget": 1e-9}).fit(_windows())
    assert tg.history_["iterations"] == [SMALL["log_every"]]
    assert tg.training_["stopped_by"] == "time budget" and tg.training_["phases_run"] == ["embedding"]
    assert tg.sample(3).shape == (3, 6, 2)
