"""Forecasting networks: every name builds from seqlab layers and maps windows to (batch, horizon, outputs)."""
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.models.forecasting import NETWORKS, NetworkConfig, QuantileOutputs, build_network
from seqlab.nn.base import Layer


@pytest.mark.parametrize("name", [n for n in NETWORKS if n != "esn"])  # esn learns no gradient: own tests
def test_every_network_maps_windows_to_horizon_outputs_with_seqlab_layers(name):
    torch.manual_seed(0)
    net = build_network(NetworkConfig(name, lookback=10, features=3, horizon=4, outputs=2, units=8, dropout=0.1))
    x = torch.randn(5, 10, 3)
    out = net(x)
    assert out.shape == (5, 4, 2)
    out.sum().backward()                                   # gradients reach every weight
    assert all(p.grad is not None for p in net.parameters())
    torch_recurrent = (torch.nn.LSTM, torch.nn.GRU, torch.nn.RNN, torch.nn.Linear, torch.nn.Conv1d)
    assert not any(isinstance(m, torch_recurrent) for m in net.modules())
    assert any(isinstance(m, Layer) for m in net.modules())


def test_lstm_parameter_count_follows_keras():
    net = build_network(NetworkConfig("lstm", lookback=60, features=1, units=50))
    keras = 4 * (50 * (1 + 50) + 50) + (50 + 1)          # LSTM(50) on 1 feature, Dense(1)
    assert sum(p.numel() for p in net.parameters()) == keras


def test_stacked_lstm_defaults_to_two_layers_returning_sequences():
    net = build_network(NetworkConfig("stacked_lstm", lookback=60, features=1, units=256, dropout=0.4))
    lstms = [m for m in net.body.layers if type(m).__name__ == "LSTM"]
    assert [m.return_sequences for m in lstms] == [True, False]
    assert sum(p.numel() for p in lstms[0].parameters()) == 264192     # seed 002's summary
    cqf = build_network(NetworkConfig("stacked_lstm", lookback=60, features=1, units=256, dropout=0.4, head_units=64))
    assert sum(p.numel() for p in cqf.parameters()) == 806017          # seed 002's total


def test_quantile_outputs_split_the_last_axis():
    net = QuantileOutputs(build_network(NetworkConfig("mlp", lookback=4, features=1, horizon=2, outputs=6)), 2, 3)
    assert net(torch.zeros(1, 4, 1)).shape == (1, 2, 2, 3)


@pytest.mark.parametrize("cfg", [NetworkConfig("prophet", 4, 1), NetworkConfig("lstm", 4, 1, horizon=0),
                                 NetworkConfig("mlp", 4, 1, dropout=1.5)])
def test_bad_network_config_is_refused(cfg):
    with pytest.raises(ConfigError):
        build_network(cfg)
