"""A forecasting network for a panel: categorical static features embedded, then any named network.

Inputs are windows ``(batch, lookback, numeric + categorical)`` whose last ``len(cardinalities)``
channels hold a category code per static feature (the same on every step; 0 = a category not seen in
training). Each code is looked up in its own embedding table ``E_j`` (``(cardinality_j, dim_j)``),
and the vectors are repeated on every step and joined to the numeric channels:

    x' = [x_numeric, E_1[c_1], ..., E_k[c_k]]        (batch, lookback, numeric + sum(dim_j))

then ``network(x')`` is one of ``seqlab.models.forecasting``'s networks, built for that width. With
``residual=True`` the network predicts the change from the window's last target value (channel 0):
``y[t+h] = x[t, 0] + network(x')[h]``, so a network that outputs zeros is the naive forecast.

>>> import torch
>>> from seqlab.models.forecasting import NetworkConfig
>>> net = PanelNetwork(NetworkConfig("mlp", lookback=4, features=2, horizon=3), cardinalities=[5], seed=0)
>>> x = torch.cat([torch.zeros(2, 4, 2), torch.full((2, 4, 1), 3.0)], dim=-1)   # 2 numeric, 1 code
>>> net(x).shape
torch.Size([2, 3, 1])
"""
from __future__ import annotations

from dataclasses import replace

import torch

from seqlab.models.forecasting import NetworkConfig, build_network
from seqlab.nn.seeding import make_generator


def embedding_size(cardinality: int) -> int:
    """Width of the embedding of a feature with ``cardinality`` codes (fast.ai's rule of thumb, capped at 16).

    >>> embedding_size(3), embedding_size(200)
    (2, 16)
    """
    return int(min(16, round(1.6 * max(cardinality - 1, 1) ** 0.56)))


class PanelNetwork(torch.nn.Module):
    """``network`` (built from ``config`` with ``features`` numeric channels) fed the numeric channels
    and one embedding per categorical static feature.

    Args:
        config: the inner network's ``NetworkConfig``; its ``features`` counts the numeric channels only.
        cardinalities: codes per categorical feature (including code 0 for unseen categories).
        seed: initial weights of the embeddings and the network come from ``make_generator(seed)``.
        residual: add the window's last target value to every output (forecast changes, not levels).
    """

    input_dtype = torch.float32          # codes travel as floats beside the numeric channels

    def __init__(self, config: NetworkConfig, cardinalities=(), seed: int | None = None, residual: bool = False):
        super().__init__()
        self.residual = bool(residual)
        self.numeric = config.features
        self.cardinalities = [int(c) for c in cardinalities]
        dims = [embedding_size(c) for c in self.cardinalities]
        g = make_generator(seed)
        self.tables = torch.nn.ParameterList(
            [torch.nn.Parameter(0.1 * torch.randn(c, d, generator=g)) for c, d in zip(self.cardinalities, dims)])
        self.config = replace(config, features=config.features + sum(dims))
        self.network = build_network(self.config, seed=None if seed is None else seed + 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self._levels(x)
        return out + x[:, -1, :1, None] if self.residual else out          # (B, H, outputs) + (B, 1, 1)

    def _levels(self, x: torch.Tensor) -> torch.Tensor:
        if not self.cardinalities:
            return self.network(x)
        numeric, codes = x[..., :self.numeric], x[:, 0, self.numeric:].round().long()     # (B, L, n), (B, k)
        parts = [numeric]
        for j, table in enumerate(self.tables):
            e = table[codes[:, j].clamp(0, table.shape[0] - 1)]                          # (B, d_j)
            parts.append(e[:, None, :].expand(-1, x.shape[1], -1))
        return self.network(torch.cat(parts, dim=-1))
