"""The echo-state network as a Forecaster model (issue 7: ``--model esn``)."""
import numpy as np
import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.io.errors import ConfigError
from seqlab.tasks import Forecaster


def noisy_sine(n=600, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return pd.DataFrame({"y": np.sin(2 * np.pi * t / 25) + 0.05 * rng.normal(size=n)})


def test_esn_forecaster_beats_the_last_value_and_reloads_identically(tmp_path):
    f = Forecaster("esn", target="y", lookback=30, units=100, verbose=0, seed=0).fit(noisy_sine())
    assert f.metrics_["rmse"] < 0.5 * f.metrics_["baseline"]["rmse"]
    assert not any(p.requires_grad for p in f.network_.parameters())  # nothing learned by gradient
    f.save(tmp_path / "m")
    np.testing.assert_array_equal(Forecaster.load(tmp_path / "m").predict().values, f.predict().values)


def test_same_seed_gives_the_same_reservoir_and_forecast():
    a = Forecaster("esn", target="y", lookback=20, units=50, verbose=0, seed=3).fit(noisy_sine())
    b = Forecaster("esn", target="y", lookback=20, units=50, verbose=0, seed=3).fit(noisy_sine())
    assert a.metrics_ == b.metrics_


def test_esn_refuses_quantiles():
    with pytest.raises(ConfigError, match="least-squares"):
        Forecaster("esn", target="y", quantiles=[0.1, 0.5, 0.9], verbose=0).fit(noisy_sine())


def test_forecast_command_accepts_model_esn(tmp_path, capsys):
    noisy_sine(300).to_csv(tmp_path / "s.csv", index=False)
    code = main(["forecast", str(tmp_path / "s.csv"), "--target", "y", "--model", "esn", "--lookback", "20",
                 "--out", str(tmp_path / "run"), "--seed", "0"])
    assert code == 0 and (tmp_path / "run" / "metrics.json").is_file()
