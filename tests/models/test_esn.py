"""Echo-state network: spectral radius, leaky update against NumPy, forecasting vs last value."""
import numpy as np
import pytest
import torch

from seqlab.io.errors import DataError, NotFittedError
from seqlab.models.esn import Reservoir, ridge_readout
from seqlab.tasks.forecasting.esn import EchoStateNetwork


def mackey_glass(n, tau=17, seed=0):
    x = np.full(n + tau + 1, 1.2) + np.random.default_rng(seed).normal(0, 0.01, n + tau + 1)
    for t in range(tau, n + tau):
        x[t + 1] = x[t] + 0.2 * x[t - tau] / (1 + x[t - tau] ** 10) - 0.1 * x[t]
    return x[tau + 1:]


def test_reservoir_is_scaled_to_the_spectral_radius_and_follows_the_leaky_update():
    res = Reservoir(2, 30, spectral_radius=0.8, leak_rate=0.3, seed=1)
    assert np.abs(np.linalg.eigvals(res.W.numpy())).max() == pytest.approx(0.8)
    x = np.random.default_rng(0).normal(size=(1, 4, 2))
    h = np.zeros(30)
    for t in range(4):
        h = 0.7 * h + 0.3 * np.tanh(x[0, t] @ res.W_in.numpy() + h @ res.W.numpy() + res.bias.numpy())
    np.testing.assert_allclose(res.run(torch.tensor(x))[0, -1].numpy(), h, atol=1e-12)


def test_ridge_readout_matches_numpy_closed_form():
    rng = np.random.default_rng(0)
    F, Y = rng.normal(size=(50, 4)), rng.normal(size=(50, 2))
    F1 = np.hstack([F, np.ones((50, 1))])
    reg = 0.5 * np.eye(5)
    reg[-1, -1] = 0
    np.testing.assert_allclose(ridge_readout(torch.tensor(F), torch.tensor(Y), 0.5).numpy(),
                               np.linalg.solve(F1.T @ F1 + reg, F1.T @ Y), atol=1e-10)


@pytest.mark.parametrize("series", ["sine", "mackey_glass"])
def test_windows_forecast_beats_the_last_value_by_far(series):
    s = np.sin(np.arange(1200) * 0.3) if series == "sine" else mackey_glass(1200)[::3]
    lookback = 40
    X = np.stack([s[i:i + lookback] for i in range(len(s) - lookback - 1)])[:, :, None]
    y = s[lookback:len(s) - 1]
    cut = int(0.7 * len(X))
    esn = EchoStateNetwork(units=100, spectral_radius=0.9, ridge=1e-8, seed=0).fit(X[:cut], y[:cut])
    mse = esn.evaluate(X[cut:], y[cut:])["mse"]
    naive = float(((X[cut:, -1, 0] - y[cut:]) ** 2).mean())
    assert mse < 0.05 * naive


def test_sequence_mode_uses_washout_and_continues_the_state():
    s = np.sin(np.arange(800) * 0.2)
    esn = EchoStateNetwork(units=80, washout=50, seed=0).fit(s[:600, None], s[1:601])
    pred = esn.predict(s[600:799, None])
    assert np.abs(pred - s[601:800]).mean() < 0.01


def test_esn_save_load_and_errors(tmp_path):
    s = np.sin(np.arange(300) * 0.2)
    X = np.stack([s[i:i + 10] for i in range(280)])[:, :, None]
    with pytest.raises(NotFittedError):
        EchoStateNetwork().predict(X)
    esn = EchoStateNetwork(units=20, seed=0).fit(X, s[10:290])
    esn.save(tmp_path / "m")
    again = EchoStateNetwork.load(tmp_path / "m")
    np.testing.assert_allclose(again.predict(X[:5]), esn.predict(X[:5]))
    with pytest.raises(DataError, match="numeric"):
        EchoStateNetwork().fit([["a"]], [1.0])
