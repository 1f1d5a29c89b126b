"""Forecasting networks by name, each built from seqlab layers.

Every network maps a window ``(batch, lookback, features)`` to ``(batch, horizon, outputs)``,
where ``outputs = targets * quantiles`` (one value per target, or one per target and quantile).
``naive`` and ``seasonal_naive`` learn nothing: they copy past values (see
``seqlab.models.forecast_baselines``) and have no network.

=================  ==============================================================================
name               what it is
=================  ==============================================================================
naive              last value, ``y[t+h] = y[t]``
seasonal_naive     same point of the last cycle, ``y[t+h] = y[t+h-m]``
linear             autoregression on the whole window: Flatten, Dense
mlp                window MLP (seed 001: often enough): Flatten, Dense(units) x 2, Dense
rnn / lstm / gru   ``num_layers`` recurrent layers of ``units``, Dense (seed 000's price models)
stacked_lstm       LSTMs with ``return_sequences`` and Dropout between (seeds 002, 003)
bilstm             Bidirectional(LSTM(units)), Dense
cnn1d              two causal Conv1D(units, kernel_size, relu), Flatten, Dense
cnn_lstm           causal Conv1D feature extractor, then LSTM(units), Dense (seed 002)
seq2seq            encoder LSTM -> states -> decoder LSTM unrolled over the horizon (seed 001)
transformer        Dense(units) embedding, positional encoding, TransformerEncoder x num_layers
esn                echo-state network: fixed reservoir of ``units`` (use ~200), ridge read-out in closed form
=================  ==============================================================================

>>> import torch
>>> net = build_network(NetworkConfig("lstm", lookback=12, features=1, horizon=3))
>>> net(torch.zeros(5, 12, 1)).shape
torch.Size([5, 3, 1])
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch

from seqlab.io.errors import ConfigError
from seqlab.models.esn import ESNForecastNetwork
from seqlab.nn.bidirectional import Bidirectional
from seqlab.nn.container import LayerStack
from seqlab.nn.conv import Conv1D
from seqlab.nn.core import Dense, Dropout, Flatten, Reshape
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN
from seqlab.nn.seeding import make_generator
from seqlab.nn.transformer import PositionalEncoding, TransformerEncoder

BASELINES = ("naive", "seasonal_naive")
NETWORKS = ("linear", "mlp", "rnn", "lstm", "gru", "stacked_lstm", "bilstm", "cnn1d", "cnn_lstm",
            "seq2seq", "transformer", "esn")
MODEL_NAMES = BASELINES + NETWORKS

_RECURRENT = {"rnn": SimpleRNN, "lstm": LSTM, "gru": GRU, "stacked_lstm": LSTM}


@dataclass
class NetworkConfig:
    """What builds a forecasting network.

    Args:
        architecture: one of ``NETWORKS``.
        lookback: steps in each input window. features: columns per step.
        horizon: steps predicted. outputs: values per predicted step (targets x quantiles).
        units: width of the recurrent/dense/conv layers (transformer: model dimension).
        num_layers: stacked recurrent or transformer layers (None: 2 for stacked_lstm, else 1).
        dropout: Dropout rate after each recurrent layer / hidden Dense layer.
        kernel_size: Conv1D kernel size (cnn1d, cnn_lstm). num_heads: attention heads (transformer).
        head_units: a Dense(head_units, relu) before the output layer of the recurrent networks
            (seed 002's stacked LSTM has Dense(64, relu)); 0 leaves it out.
        attention, attention_options: the transformer's self-attention (``"full"`` or a variant of
            ``seqlab.nn.efficient`` with its options).
    """

    architecture: str
    lookback: int
    features: int
    horizon: int = 1
    outputs: int = 1
    units: int = 64
    num_layers: int | None = None
    dropout: float = 0.0
    kernel_size: int = 3
    num_heads: int = 4
    head_units: int = 0
    attention: str = "full"
    attention_options: dict | None = None

    def layers_(self) -> int:
        return self.num_layers if self.num_layers is not None else (2 if self.architecture == "stacked_lstm" else 1)


class ForecastNetwork(torch.nn.Module):
    """A LayerStack whose flat output ``(batch, horizon*outputs)`` is reshaped to ``(batch, horizon, outputs)``.

    ``config`` (a NetworkConfig) rebuilds it; ``body`` holds the seqlab layers (``summary`` reads it).
    Weights are drawn from ``generator`` (None: torch's global generator).
    """

    def __init__(self, config: NetworkConfig, layers: list, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        self.body = LayerStack(layers + [Reshape((config.horizon, config.outputs))],
                               input_shape=(config.lookback, config.features), generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class Seq2SeqNetwork(torch.nn.Module):
    """Encoder-decoder LSTM: the encoder reads the window and hands its final ``(h, c)`` to a decoder
    that runs ``horizon`` steps on the repeated encoder output (Brownlee's RepeatVector design);
    a Dense layer maps each decoder step to ``outputs`` values.
    """

    def __init__(self, config: NetworkConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        c, g = config, generator
        self.encoder = LSTM(c.units, return_state=True, input_shape=(c.lookback, c.features), generator=g)
        self.decoder = LSTM(c.units, return_sequences=True, dropout=c.dropout, input_shape=(c.horizon, c.units),
                            generator=g)
        self.head = Dense(c.outputs, input_shape=(c.horizon, c.units), generator=g)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        summary, h, c = self.encoder(x)
        steps = summary[:, None, :].expand(-1, self.config.horizon, -1)
        return self.head(self.decoder(steps, initial_state=[h, c]))


class TransformerNetwork(torch.nn.Module):
    """Dense embedding to ``units``, sinusoidal positional encoding, ``num_layers`` encoder blocks,
    then the last step's representation through Dense to ``horizon*outputs`` values."""

    def __init__(self, config: NetworkConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        c, g = config, generator
        heads = max(h for h in range(1, c.num_heads + 1) if c.units % h == 0)
        self.embed = LayerStack([Dense(c.units), PositionalEncoding()], input_shape=(c.lookback, c.features),
                                generator=g)
        self.blocks = LayerStack([TransformerEncoder(2 * c.units, num_heads=heads, dropout=c.dropout,
                                                     attention=c.attention, attention_options=c.attention_options)
                                  for _ in range(c.layers_())], input_shape=(c.lookback, c.units), generator=g)
        self.head = Dense(c.horizon * c.outputs, input_shape=(2 * c.units,), generator=g)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.blocks(self.embed(x))
        pooled = torch.cat([z[:, -1], z.mean(dim=1)], dim=-1)      # last step + average over the window
        return self.head(pooled).reshape(x.shape[0], self.config.horizon, self.config.outputs)


def _recurrent_layers(cfg: NetworkConfig) -> list:
    cls, n = _RECURRENT[cfg.architecture], cfg.layers_()
    layers = []
    for i in range(n):
        layers.append(cls(cfg.units, return_sequences=i < n - 1))
        if cfg.dropout > 0:
            layers.append(Dropout(cfg.dropout))
    return layers


def _conv(cfg: NetworkConfig) -> Conv1D:
    return Conv1D(cfg.units, min(cfg.kernel_size, cfg.lookback), activation="relu", padding="causal")


def build_network(cfg: NetworkConfig, seed: int | None = None) -> torch.nn.Module:
    """The network named ``cfg.architecture``, with fresh weights drawn from ``make_generator(seed)``
    (None: torch's global generator). Returns a module mapping ``(batch, lookback, features)`` to
    ``(batch, horizon, outputs)``.

    >>> build_network(NetworkConfig("linear", lookback=4, features=2, horizon=2))(torch.ones(3, 4, 2)).shape
    torch.Size([3, 2, 1])
    """
    check_config(cfg)
    flat = cfg.horizon * cfg.outputs
    drop = [Dropout(cfg.dropout)] if cfg.dropout > 0 else []
    name, g = cfg.architecture, make_generator(seed)
    if name == "seq2seq":
        return Seq2SeqNetwork(cfg, g)
    if name == "transformer":
        return TransformerNetwork(cfg, g)
    if name == "esn":  # the reservoir's NumPy seed is drawn from the generator, so seed= reproduces it
        return ESNForecastNetwork(cfg.features, cfg.units, cfg.horizon, cfg.outputs,
                                  seed=int(torch.randint(0, 2**31 - 1, (1,), generator=g)))
    if name == "linear":
        layers = [Flatten(), Dense(flat)]
    elif name == "mlp":
        layers = [Flatten(), Dense(cfg.units, activation="relu"), *drop, Dense(cfg.units, activation="relu"),
                  *drop, Dense(flat)]
    elif name in _RECURRENT:
        head = [Dense(cfg.head_units, activation="relu")] if cfg.head_units else []
        layers = _recurrent_layers(cfg) + head + [Dense(flat)]
    elif name == "bilstm":
        layers = [Bidirectional(LSTM(cfg.units)), *drop, Dense(flat)]
    elif name == "cnn1d":
        layers = [_conv(cfg), _conv(cfg), Flatten(), *drop, Dense(cfg.units, activation="relu"), Dense(flat)]
    else:  # cnn_lstm
        layers = [_conv(cfg), LSTM(cfg.units), *drop, Dense(flat)]
    return ForecastNetwork(cfg, layers, g)


def check_config(cfg: NetworkConfig) -> None:
    """Raise ConfigError for an unknown architecture or a size out of range."""
    if cfg.architecture not in NETWORKS:
        raise ConfigError(f"unknown model {cfg.architecture!r}; choose one of {', '.join(MODEL_NAMES)}")
    if cfg.head_units < 0:
        raise ConfigError(f"head_units must be >= 0, got {cfg.head_units}")
    for what in ("lookback", "features", "horizon", "outputs", "units", "kernel_size", "num_heads"):
        if int(getattr(cfg, what)) < 1:
            raise ConfigError(f"{what} must be >= 1, got {getattr(cfg, what)}")
    if cfg.num_layers is not None and cfg.num_layers < 1:
        raise ConfigError(f"num_layers must be >= 1, got {cfg.num_layers}")
    if not 0.0 <= cfg.dropout < 1.0:
        raise ConfigError(f"dropout must be in [0, 1), got {cfg.dropout}")


def network_config_dict(cfg: NetworkConfig) -> dict:
    """The config as a plain dict (for config.json); ``NetworkConfig(**d)`` rebuilds it."""
    return asdict(cfg)


class QuantileOutputs(torch.nn.Module):
    """Views a network's ``(batch, horizon, targets * quantiles)`` output as
    ``(batch, horizon, targets, quantiles)``, the layout of seqlab's quantile (pinball) loss."""

    def __init__(self, network: torch.nn.Module, targets: int, quantiles: int):
        super().__init__()
        self.network, self.targets, self.quantiles = network, targets, quantiles

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.network(x)
        return out.reshape(*out.shape[:2], self.targets, self.quantiles)
