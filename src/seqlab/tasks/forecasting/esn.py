"""``EchoStateNetwork``: reservoir + ridge read-out, as a forecaster of windows or of a sequence.

>>> import numpy as np
>>> t = np.arange(600) * 0.1
>>> X = np.stack([np.sin(t[i:i + 30]) for i in range(500)])[:, :, None]; y = np.sin(t[30:530])
>>> esn = EchoStateNetwork(50, seed=0).fit(X, y)
>>> esn.predict(X[:3]).shape
(3,)
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.io.errors import DataError
from seqlab.models.esn import Reservoir, ridge_readout
from seqlab.tasks.base import Regressor, Task


class EchoStateNetwork(Regressor, Task):
    """Echo-state network estimator.

    Args: units, spectral_radius, leak_rate, input_scaling, density, ridge (read-out alpha),
    washout (sequence mode: leading states left out of the fit); seed: the shared training argument
    (``seqlab.tasks.base.TRAINING_ARGUMENTS``; here the reservoir's NumPy generator).

    Windows mode (usable as a Forecaster model): ``fit(X (n, lookback, features), y (n,) or
    (n, horizon))``, ``predict(X) -> (n,)`` or ``(n, horizon)``: each window runs from a zero state,
    the read-out sees its final state and last input. Sequence mode: ``fit(X (time, features),
    y (time,) or (time, k))`` teacher-forced over one long sequence, first ``washout`` states
    dropped; ``predict(X (time, features))`` continues from the fitted end state. ``score(X, y)``: R^2.
    """

    def __init__(self, units: int = 200, *, spectral_radius: float = 0.9, leak_rate: float = 1.0,
                 input_scaling: float = 1.0, density: float = 0.1, ridge: float = 1e-6, washout: int = 100,
                 seed: int | None = None):
        self.units, self.spectral_radius, self.leak_rate = units, spectral_radius, leak_rate
        self.input_scaling, self.density, self.ridge, self.washout, self.seed = \
            input_scaling, density, ridge, washout, seed

    def _arrays(self, X, y=None):
        try:
            X = np.asarray(X, dtype=np.float64)
            y = None if y is None else np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError("EchoStateNetwork input must be numeric") from None
        if X.ndim == 1:
            X = X[:, None]
        if X.ndim not in (2, 3) or len(X) == 0:
            raise DataError(f"X must be (n, lookback, features) windows or a (time, features) sequence, "
                            f"got shape {X.shape}")
        if not np.isfinite(X).all() or (y is not None and not np.isfinite(y).all()):
            raise DataError("EchoStateNetwork input contains NaN or inf")
        if y is not None and len(y) != len(X):
            raise DataError(f"X has {len(X)} rows but y has {len(y)}")
        return X, y

    def _features(self, X: np.ndarray, h0=None):
        seq = X.ndim == 2
        x = torch.from_numpy(X[None] if seq else X)
        states = self.reservoir_.run(x, h0)
        if seq:
            return torch.cat([states[0], x[0]], 1), states[0, -1:]
        return torch.cat([states[:, -1], x[:, -1]], 1), None

    def fit(self, X, y) -> "EchoStateNetwork":
        """Fit the read-out (the reservoir stays random). Returns self."""
        X, y = self._arrays(X, y)
        self.mode_ = "sequence" if X.ndim == 2 else "windows"
        if self.mode_ == "sequence" and len(X) <= int(self.washout):
            raise DataError(f"the sequence has {len(X)} steps, not more than washout={self.washout}")
        self.reservoir_ = Reservoir(X.shape[-1], int(self.units), self.spectral_radius, self.leak_rate,
                                    self.input_scaling, self.density, self.seed)
        feats, self.state_ = self._features(X)
        start = int(self.washout) if self.mode_ == "sequence" else 0
        Y = torch.from_numpy(y.reshape(len(y), -1))
        self.readout_ = ridge_readout(feats[start:], Y[start:], float(self.ridge))
        self.target_shape_ = list(y.shape[1:])
        return self

    def predict(self, X) -> np.ndarray:
        self._check_fitted()
        X, _ = self._arrays(X)
        feats, _ = self._features(X, self.state_ if X.ndim == 2 else None)
        out = (feats @ self.readout_[:-1] + self.readout_[-1]).numpy()
        return out.reshape(len(X), *self.target_shape_)

    def evaluate(self, X, y) -> dict:
        pred, y = self.predict(X), np.asarray(y, dtype=np.float64)
        return {"mse": float(((pred - y) ** 2).mean()), "mae": float(np.abs(pred - y).mean())}

    def _get_state(self):
        r = self.reservoir_
        tensors = {"W": r.W, "W_in": r.W_in, "bias": r.bias, "readout": self.readout_}
        if self.state_ is not None:
            tensors["state"] = self.state_
        return {"mode": self.mode_, "target_shape": self.target_shape_}, tensors, {}

    def _set_state(self, config, tensors, preprocessing):
        self.reservoir_ = Reservoir(tensors["W_in"].shape[0], tensors["W"].shape[0], self.spectral_radius,
                                    self.leak_rate, self.input_scaling, self.density, self.seed)
        self.reservoir_.load_state_dict({k: tensors[k].double() for k in ("W", "W_in", "bias")})
        self.readout_ = tensors["readout"].double()
        self.state_ = tensors.get("state")
        self.mode_, self.target_shape_ = config["mode"], config["target_shape"]
