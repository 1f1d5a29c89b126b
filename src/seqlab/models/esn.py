"""Echo-state network (seed 003 names it as a cure for vanishing gradients): a fixed random
recurrent reservoir, only a linear read-out is learned, in closed form (ridge regression).

    h_t = (1 - leak) h_{t-1} + leak * tanh(x_t W_in + h_{t-1} W + b)

``W`` is sparse random, rescaled so its largest |eigenvalue| is ``spectral_radius`` (< 1 keeps
the echo-state property: the state forgets its start). ``W_in`` is uniform in
``[-input_scaling, input_scaling]``.

>>> import torch
>>> res = Reservoir(1, 20, seed=0)
>>> res.run(torch.zeros(2, 5, 1)).shape
torch.Size([2, 5, 20])
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.io.errors import ConfigError


class Reservoir(torch.nn.Module):
    """The fixed reservoir. Args: input_dim, units, spectral_radius=0.9, leak_rate=1.0,
    input_scaling=1.0, density=0.1 (share of non-zero recurrent weights), seed.
    ``run(x (batch, time, input_dim), h0=None) -> states (batch, time, units)``."""

    def __init__(self, input_dim: int, units: int = 200, spectral_radius: float = 0.9, leak_rate: float = 1.0,
                 input_scaling: float = 1.0, density: float = 0.1, seed: int | None = None):
        super().__init__()
        if int(units) < 1 or int(input_dim) < 1:
            raise ConfigError(f"units and input_dim must be >= 1, got {units}, {input_dim}")
        if not 0 < leak_rate <= 1 or not spectral_radius > 0 or not 0 < density <= 1:
            raise ConfigError("need 0 < leak_rate <= 1, spectral_radius > 0, 0 < density <= 1")
        rng = np.random.default_rng(seed)
        w = rng.uniform(-1, 1, (units, units)) * (rng.random((units, units)) < density)
        radius = np.abs(np.linalg.eigvals(w)).max()
        w = w * (spectral_radius / radius) if radius > 0 else w
        self.leak_rate = float(leak_rate)
        self.register_buffer("W", torch.tensor(w, dtype=torch.float64))
        self.register_buffer("W_in", torch.tensor(rng.uniform(-input_scaling, input_scaling, (input_dim, units))))
        self.register_buffer("bias", torch.tensor(rng.uniform(-0.1, 0.1, units)))

    @torch.no_grad()
    def run(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        x = x.to(torch.float64)
        h = torch.zeros(x.shape[0], self.W.shape[0], dtype=torch.float64) if h0 is None else h0
        proj = x @ self.W_in + self.bias                     # all input projections in one GEMM
        states = []
        for t in range(x.shape[1]):
            h = (1 - self.leak_rate) * h + self.leak_rate * torch.tanh(proj[:, t] + h @ self.W)
            states.append(h)
        return torch.stack(states, 1)


def ridge_readout(features: torch.Tensor, targets: torch.Tensor, alpha: float) -> torch.Tensor:
    """Closed-form ridge: ``(F^T F + alpha I)^-1 F^T Y`` with a bias column appended to ``F``.
    ``features (n, d)``, ``targets (n, k)`` -> weights ``(d + 1, k)`` (last row = bias)."""
    F1 = torch.cat([features, torch.ones(len(features), 1, dtype=features.dtype)], 1)
    reg = alpha * torch.eye(F1.shape[1], dtype=F1.dtype)
    reg[-1, -1] = 0                                           # the bias is not shrunk
    return torch.linalg.solve(F1.T @ F1 + reg, F1.T @ targets.to(F1.dtype))


class ESNForecastNetwork(torch.nn.Module):
    """An echo-state network as a forecasting model (``Forecaster("esn")``): each window
    ``(batch, lookback, features)`` drives the fixed reservoir; the read-out maps its last state and
    the last input row to ``(batch, horizon, outputs)``. Only the read-out is learned, in closed form
    (``fit_readout``): no gradient steps.

    >>> net = ESNForecastNetwork(features=1, units=20, horizon=2, outputs=1, seed=0)
    >>> x = torch.randn(50, 10, 1)
    >>> net.fit_readout(x, torch.randn(50, 2, 1))(x).shape
    torch.Size([50, 2, 1])
    """

    def __init__(self, features: int, units: int, horizon: int, outputs: int, spectral_radius: float = 0.9,
                 leak_rate: float = 1.0, ridge: float = 1e-3, seed: int | None = None):
        super().__init__()
        self.reservoir = Reservoir(features, units, spectral_radius, leak_rate, seed=seed)
        self.horizon, self.outputs, self.ridge = int(horizon), int(outputs), float(ridge)
        self.register_buffer("readout", torch.zeros(units + features + 1, self.horizon * self.outputs,
                                                    dtype=torch.float64))

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.reservoir.run(x)[:, -1], x[:, -1].to(torch.float64)], dim=1)

    @torch.no_grad()
    def fit_readout(self, x, y) -> "ESNForecastNetwork":
        """Solve the ridge read-out on windows ``x`` and targets ``y`` ``(n, horizon, outputs)``; returns self."""
        x = torch.as_tensor(np.ascontiguousarray(x), dtype=torch.float64)
        y = torch.as_tensor(np.ascontiguousarray(y), dtype=torch.float64).reshape(len(x), -1)
        feats = torch.cat([self._features(x[i:i + 4096]) for i in range(0, len(x), 4096)])
        self.readout.copy_(ridge_readout(feats, y, self.ridge * len(feats)))
        return self

    @torch.no_grad()
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self._features(x) @ self.readout[:-1] + self.readout[-1]
        return out.to(torch.float32).reshape(len(x), self.horizon, self.outputs)
