"""Self-organising map (Kohonen), with MiniSom's names and update rule, on torch.

The map is a grid of ``x * y`` neurons, each a weight vector of ``input_len`` numbers. For a
sample ``x`` the best matching unit (BMU) is the neuron nearest in Euclidean distance (seed 003);
the BMU and its neighbours move towards the sample:

    w_ij += lr(t) * h(bmu, ij, sigma(t)) * (x - w_ij)

with MiniSom's asymptotic decay ``p(t) = p / (1 + t / (T / 2))`` for both ``lr`` and ``sigma``.
``train_random`` and ``train_batch`` apply that rule one sample at a time (random order / data
order), exactly as MiniSom does; ``train_batch_offline`` is Kohonen's batch map, one update per
pass over the data, computed with a few matrix products.

The sequential loop is compiled with numba (one step costs no Python; the schedules of lr and
sigma are computed for the whole run first) and touches only the neurons the neighbourhood can
still move: cells whose update ``lr * h * (x - w)`` is below the float64 resolution for unit-scale
data (``h < 2.2e-16``) are skipped, which is the only difference from updating the whole grid.

>>> import numpy as np
>>> som = SelfOrganizingMap(5, 5, 3, seed=0)
>>> data = np.random.default_rng(0).random((100, 3))
>>> som.random_weights_init(data); som.train_random(data, 200)
>>> som.winner(data[0])  # doctest: +SKIP
(3, 1)
"""
from __future__ import annotations

import math

import numpy as np
import torch

from seqlab.io.errors import ConfigError, DataError

NEIGHBORHOODS = ("gaussian", "bubble", "mexican_hat")
TOPOLOGIES = ("rectangular", "hexagonal")
DECAYS = ("asymptotic_decay", "linear_decay")
_EPS = float(np.finfo(np.float64).eps)   # updates smaller than this (unit-scale data) are skipped
_HEX = math.sqrt(3) / 2                   # MiniSom's Y_HEX_CONV_FACTOR


def decayed(value: float, t: np.ndarray, max_iter: int, decay: str, to_one: bool = False) -> np.ndarray:
    """``value`` at steps ``t`` of ``max_iter``. ``asymptotic_decay``: value / (1 + t / (T/2)),
    ends at a third of the start; ``linear_decay``: to 0 (learning rate) or to 1 (sigma, ``to_one``)."""
    t = np.asarray(t, dtype=np.float64)
    if decay == "asymptotic_decay":
        return value / (1 + t / (max_iter / 2))
    if to_one:
        return value + t * (1 - value) / max_iter
    return value * (1 - t / max_iter)


def _train_loop(W, xs, eta, sigma, ri, rj, xx, yy, kind, separable):
    """The sequential rule in place on ``W (x, y, input_len)`` for samples ``xs (T, input_len)``:
    BMU by squared Euclidean distance (first minimum, as ``argmin``), then
    ``w += eta[t] * h * (x - w)`` on the window of ``ri[t]`` rows and ``rj[t]`` columns around it.
    ``kind``: 0 gaussian, 1 bubble, 2 mexican hat; ``xx, yy``: neuron positions ``(x, y)``;
    ``separable``: a Gaussian on the rectangular grid, h = exp(-di^2/d) exp(-dj^2/d) from one
    exp per row and column. Compiled with numba (``_compiled``), so one step costs no Python."""
    nx, ny, d = W.shape
    ex = np.empty(nx)
    ey = np.empty(ny)
    for t in range(xs.shape[0]):
        x = xs[t]
        best, bi, bj = np.inf, 0, 0
        for i in range(nx):
            for j in range(ny):
                s = 0.0
                for f in range(d):
                    s += (x[f] - W[i, j, f]) ** 2
                if s < best:
                    best, bi, bj = s, i, j
        i0, i1 = max(bi - ri[t], 0), min(bi + ri[t] + 1, nx)
        j0, j1 = max(bj - rj[t], 0), min(bj + rj[t] + 1, ny)
        den = 2.0 * sigma[t] * sigma[t]
        if separable:
            for i in range(i0, i1):
                ex[i] = np.exp(-((i - bi) ** 2) / den)
            for j in range(j0, j1):
                ey[j] = np.exp(-((j - bj) ** 2) / den)
        for i in range(i0, i1):
            for j in range(j0, j1):
                if kind == 1:                           # bubble: the window is the support
                    g = eta[t]
                elif separable:
                    g = ex[i] * ey[j] * eta[t]
                elif kind == 0:
                    g = np.exp(-(xx[i, j] - xx[bi, bj]) ** 2 / den) * np.exp(-(yy[i, j] - yy[bi, bj]) ** 2 / den) \
                        * eta[t]
                else:                                   # mexican hat: exp(-p/d) (1 - 2p/d)
                    p = (xx[i, j] - xx[bi, bj]) ** 2 + (yy[i, j] - yy[bi, bj]) ** 2
                    g = np.exp(-p / den) * (1.0 - 2.0 / den * p) * eta[t]
                for f in range(d):
                    W[i, j, f] += g * (x[f] - W[i, j, f])


_COMPILED = {}


def _compiled(fn):
    """``fn`` compiled by numba on first use (cached on disk), so importing seqlab stays quick."""
    if fn not in _COMPILED:
        import numba

        _COMPILED[fn] = numba.njit(cache=True)(fn)
    return _COMPILED[fn]


MAX_WEIGHTS = 2**27  # float64 weights (1 GiB); a bigger map is a typo, not a plan


class SelfOrganizingMap:
    """A ``x`` by ``y`` grid of neurons with ``input_len`` weights each (MiniSom's arguments).

    Args: x, y: grid size; input_len: features per sample; sigma: neighbourhood spread at t=0;
    learning_rate: at t=0; neighborhood: "gaussian" | "bubble" | "mexican_hat"; topology:
    "rectangular" | "hexagonal"; decay: "asymptotic_decay" (MiniSom's default) | "linear_decay";
    seed: NumPy RandomState seed, used in MiniSom's order (initial weights, random_weights_init,
    sample order), so the same seed gives MiniSom's trajectory.

    ``weights`` is a float64 tensor ``(x, y, input_len)``.

    >>> som = SelfOrganizingMap(2, 3, 4, seed=1)
    >>> tuple(som.weights.shape)
    (2, 3, 4)
    """

    def __init__(self, x: int, y: int, input_len: int, sigma: float = 1.0, learning_rate: float = 0.5,
                 neighborhood: str = "gaussian", topology: str = "rectangular",
                 decay: str = "asymptotic_decay", seed: int | None = None):
        if int(x) < 1 or int(y) < 1:
            raise ConfigError(f"the map must be at least 1x1, got {x}x{y}; pass x >= 1 and y >= 1")
        if int(input_len) < 1:
            raise ConfigError(f"input_len must be >= 1, got {input_len}")
        if int(x) * int(y) * int(input_len) > MAX_WEIGHTS:
            raise ConfigError(f"a {x}x{y} map of {input_len} features needs "
                              f"{int(x) * int(y) * int(input_len) * 8 / 2**30:.1f} GiB of weights; use a smaller map")
        for name, value, allowed in (("neighborhood", neighborhood, NEIGHBORHOODS),
                                     ("topology", topology, TOPOLOGIES), ("decay", decay, DECAYS)):
            if value not in allowed:
                raise ConfigError(f"{name}={value!r} is not known; choose one of {', '.join(allowed)}")
        if not sigma > 0 or not learning_rate > 0:
            raise ConfigError(f"sigma and learning_rate must be > 0, got {sigma} and {learning_rate}")
        self.x, self.y, self.input_len = int(x), int(y), int(input_len)
        self.sigma, self.learning_rate = float(sigma), float(learning_rate)
        self.neighborhood, self.topology, self.decay = neighborhood, topology, decay
        self._rng = np.random.RandomState(seed)
        w = self._rng.rand(self.x, self.y, self.input_len) * 2 - 1      # MiniSom's initial weights
        w /= np.linalg.norm(w, axis=-1, keepdims=True)
        self.weights = torch.from_numpy(w)
        xx, yy = np.meshgrid(np.arange(self.x, dtype=float), np.arange(self.y, dtype=float))
        if topology == "hexagonal":                                      # every other row shifted
            xx[::-2] -= 0.5
            yy *= _HEX
        self._xx = torch.from_numpy(np.ascontiguousarray(xx.T))          # (x, y) Euclidean positions
        self._yy = torch.from_numpy(np.ascontiguousarray(yy.T))

    # ----- checks and distances -------------------------------------------------------------
    def _data(self, data) -> torch.Tensor:
        try:
            arr = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError("SOM data must be numeric; convert or drop text columns first") from None
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.input_len:
            raise DataError(f"expected samples of {self.input_len} features, got shape {arr.shape}")
        if len(arr) == 0:
            raise DataError("no samples given; the SOM needs at least one row")
        if not np.isfinite(arr).all():
            raise DataError("SOM data contains NaN or inf; fill or drop those rows first")
        return torch.from_numpy(arr)

    def _nearest(self, data, k: int = 1, chunk: int = 4096) -> tuple[torch.Tensor, torch.Tensor]:
        """Squared distances ``(n, k)`` and flat indices ``(n, k)`` of each sample's ``k`` nearest
        neurons, computed in chunks of samples (|x|^2 - 2 x.w + |w|^2, one GEMM per chunk)."""
        X = data if isinstance(data, torch.Tensor) else self._data(data)
        W = self.weights.reshape(-1, self.input_len)
        wn = (W * W).sum(1)
        vals, idx = [], []
        for s in range(0, len(X), chunk):
            xc = X[s:s + chunk]
            d2 = torch.addmm(wn, xc, W.T, alpha=-2).add_((xc * xc).sum(1, keepdim=True)).clamp_min_(0)
            v, i = d2.topk(k, dim=1, largest=False) if k > 1 else d2.min(1, keepdim=True)
            vals.append(v)
            idx.append(i)
        return torch.cat(vals), torch.cat(idx)

    def distances(self, data) -> np.ndarray:
        """Euclidean distance from every sample to every neuron: ``(n, x*y)``."""
        X = self._data(data)
        W = self.weights.reshape(-1, self.input_len)
        return torch.cdist(X, W).numpy()

    def winners(self, data) -> np.ndarray:
        """BMU grid coordinates of each sample: int array ``(n, 2)``."""
        k = self._nearest(data)[1][:, 0].numpy()
        return np.stack(np.unravel_index(k, (self.x, self.y)), axis=1)

    def winner(self, x) -> tuple[int, int]:
        """Grid coordinates ``(i, j)`` of the neuron nearest to the sample ``x`` (shape (input_len,))."""
        i, j = self.winners(x)[0]
        return int(i), int(j)

    # ----- initialisation -------------------------------------------------------------------
    def random_weights_init(self, data) -> None:
        """Set every neuron to a sample drawn at random from ``data`` (n, input_len)."""
        X = self._data(data)
        rows = [self._rng.randint(len(X)) for _ in range(self.x * self.y)]
        self.weights = X[rows].reshape(self.x, self.y, self.input_len).clone()

    def pca_weights_init(self, data) -> None:
        """Spread the neurons over the plane of the first two principal components of ``data``."""
        X = self._data(data).numpy()
        if self.input_len == 1:
            raise DataError("pca_weights_init needs at least 2 features; use random_weights_init")
        eigvals, eigvecs = np.linalg.eigh(np.cov(X, rowvar=False))
        order = np.argsort(eigvals)[::-1]
        pc1, pc2 = eigvecs[:, order[0]], eigvecs[:, order[1]]
        c1 = np.linspace(-1, 1, self.x)[:, None, None]
        c2 = np.linspace(-1, 1, self.y)[None, :, None]
        self.weights = torch.from_numpy(X.mean(0) + c1 * pc1 + c2 * pc2)

    # ----- the update rule ------------------------------------------------------------------
    def neighborhood_weights(self, win: tuple[int, int], sigma: float) -> torch.Tensor:
        """``h(win, ij, sigma)`` for every neuron: ``(x, y)``."""
        i, j = win
        if self.neighborhood == "bubble":                  # MiniSom: |i - c| < sigma on grid indices
            ax = (torch.arange(self.x) - i).abs() < sigma
            ay = (torch.arange(self.y) - j).abs() < sigma
            return torch.outer(ax, ay).double()
        p = ((self._xx - self._xx[i, j]) ** 2 + (self._yy - self._yy[i, j]) ** 2) / (2 * sigma * sigma)
        h = torch.exp(-p)
        return h * (1 - 2 * p) if self.neighborhood == "mexican_hat" else h

    def update(self, x, win: tuple[int, int], t: int, max_iteration: int) -> None:
        """One step of the rule on the whole grid: ``w += lr(t) * h(win, sigma(t)) * (x - w)``."""
        x = self._data(x)[0]
        eta = float(decayed(self.learning_rate, t, max_iteration, self.decay))
        sig = float(decayed(self.sigma, t, max_iteration, self.decay, to_one=True))
        g = self.neighborhood_weights(win, sig) * eta
        self.weights += g.unsqueeze(-1) * (x - self.weights)

    def _train(self, data, num_iteration: int, order: np.ndarray) -> None:
        X = self._data(data)
        T = int(num_iteration)
        t = np.arange(T)
        eta = decayed(self.learning_rate, t, T, self.decay)
        sig = decayed(self.sigma, t, T, self.decay, to_one=True)
        if self.neighborhood == "bubble":                   # |i - c| < sigma
            ri = rj = np.maximum(np.ceil(sig) - 1, 0)
            kind = 1
        else:
            kind = 0 if self.neighborhood == "gaussian" else 2
            q = math.log(1 / _EPS) + (6 if kind == 2 else 0)  # the hat's (1 - 2p) factor widens its tail
            reach = sig * math.sqrt(2 * q)                  # h < eps beyond this distance
            hex_ = self.topology == "hexagonal"
            ri = np.ceil(reach) + hex_
            rj = np.ceil(reach / (_HEX if hex_ else 1.0)) + hex_
        big = max(self.x, self.y)
        W = self.weights.numpy().copy()
        _compiled(_train_loop)(W, X.numpy()[order], eta, sig, np.minimum(ri, big).astype(np.int64),
                               np.minimum(rj, big).astype(np.int64), self._xx.numpy(), self._yy.numpy(), kind,
                               kind == 0 and self.topology == "rectangular")
        self.weights = torch.from_numpy(W)

    def train_random(self, data, num_iteration: int) -> None:
        """``num_iteration`` updates with samples in random order (MiniSom's ``train_random``)."""
        n = len(self._data(data))
        order = np.arange(_check_iterations(num_iteration)) % n
        self._rng.shuffle(order)
        self._train(data, num_iteration, order)

    def train_batch(self, data, num_iteration: int) -> None:
        """``num_iteration`` updates cycling through ``data`` in order (MiniSom's ``train_batch``)."""
        n = len(self._data(data))
        self._train(data, num_iteration, np.arange(_check_iterations(num_iteration)) % n)

    def train_batch_offline(self, data, num_iteration: int) -> None:
        """Kohonen's batch map: each of ``num_iteration`` passes sets every neuron to the
        neighbourhood-weighted mean of the data, blended with lr(t) (MiniSom's
        ``train_batch_offline``). Vectorised: per-BMU sums, then one ``(cells, cells)`` product."""
        X = self._data(data)
        T = _check_iterations(num_iteration)
        cells = self.x * self.y
        for t in range(T):
            eta = float(decayed(self.learning_rate, t, T, self.decay))
            sig = float(decayed(self.sigma, t, T, self.decay, to_one=True))
            bmu = self._nearest(X)[1][:, 0]
            sums = torch.zeros(cells, self.input_len, dtype=X.dtype).index_add_(0, bmu, X)
            counts = torch.bincount(bmu, minlength=cells).to(X.dtype)
            H = self._neighborhood_matrix(sig)              # H[c, j] = h(c, j)
            num = (H.T @ sums).reshape(self.x, self.y, -1)
            den = (H.T @ counts).reshape(self.x, self.y)
            mask = den > 0
            new = num[mask] / den[mask].unsqueeze(-1)
            self.weights[mask] = (1 - eta) * self.weights[mask] + eta * new

    def _neighborhood_matrix(self, sigma: float) -> torch.Tensor:
        """``H[c, j] = h(c, j, sigma)`` for every pair of neurons: ``(x*y, x*y)``."""
        if self.neighborhood == "bubble":
            gi, gj = torch.meshgrid(torch.arange(self.x), torch.arange(self.y), indexing="ij")
            gi, gj = gi.reshape(-1), gj.reshape(-1)
            near = ((gi[:, None] - gi[None, :]).abs() < sigma) & ((gj[:, None] - gj[None, :]).abs() < sigma)
            return near.double()
        xx, yy = self._xx.reshape(-1), self._yy.reshape(-1)
        p = ((xx[:, None] - xx[None, :]) ** 2 + (yy[:, None] - yy[None, :]) ** 2) / (2 * sigma * sigma)
        h = torch.exp(-p)
        return h * (1 - 2 * p) if self.neighborhood == "mexican_hat" else h

    # ----- reading the map ------------------------------------------------------------------
    def quantization(self, data) -> np.ndarray:
        """The BMU weight vector of each sample: ``(n, input_len)``."""
        k = self._nearest(data)[1][:, 0]
        return self.weights.reshape(-1, self.input_len)[k].numpy()

    def quantization_error(self, data) -> float:
        """Mean distance from each sample to its BMU."""
        return float(self._nearest(data)[0].sqrt().mean())

    def topographic_error(self, data) -> float:
        """Share of samples whose best and second-best units are not neighbours on the grid
        (NaN for a 1x1 map, as MiniSom)."""
        if self.x * self.y == 1:
            return float("nan")
        best2 = self._nearest(data, k=2)[1]
        i, j = best2 // self.y, best2 % self.y
        if self.topology == "hexagonal":
            dx = self._xx[i[:, 0], j[:, 0]] - self._xx[i[:, 1], j[:, 1]]
            dy = self._yy[i[:, 0], j[:, 0]] - self._yy[i[:, 1], j[:, 1]]
            near = torch.isclose(torch.sqrt(dx * dx + dy * dy), torch.tensor(1.0, dtype=dx.dtype))
            return float(1 - near.double().mean())
        grid = torch.sqrt(((i[:, 0] - i[:, 1]) ** 2 + (j[:, 0] - j[:, 1]) ** 2).double())
        return float((grid > 1.42).double().mean())

    def distance_map(self, scaling: str = "sum") -> np.ndarray:
        """U-matrix ``(x, y)``: each neuron's summed (or mean) distance to its grid neighbours,
        divided by the largest such value (MiniSom's ``distance_map``)."""
        if scaling not in ("sum", "mean"):
            raise ConfigError(f"scaling must be 'sum' or 'mean', got {scaling!r}")
        W = self.weights.numpy()
        X, Y = self.x, self.y
        if self.topology == "hexagonal":   # neighbour offsets depend on the row parity (MiniSom)
            offsets = [list(zip([1, 1, 1, 0, -1, 0], [1, 0, -1, -1, 0, 1])),
                       list(zip([0, 1, 0, -1, -1, -1], [1, 0, -1, -1, 0, 1]))]
        else:
            offsets = [list(zip([0, -1, -1, -1, 0, 1, 1, 1], [-1, -1, 0, 1, 1, 1, 0, -1]))] * 2
        even = (np.arange(Y) % 2 == 0)[None, :].repeat(X, 0)
        total, count = np.zeros((X, Y)), np.zeros((X, Y))
        for parity, offs in ((False, offsets[0]), (True, offsets[1])):
            for di, dj in offs:
                d = np.full((X, Y), np.nan)
                xs, xd = slice(max(-di, 0), X - max(di, 0)), slice(max(di, 0), X - max(-di, 0))
                ys, yd = slice(max(-dj, 0), Y - max(dj, 0)), slice(max(dj, 0), Y - max(-dj, 0))
                d[xs, ys] = np.linalg.norm(W[xs, ys] - W[xd, yd], axis=-1)
                use = (even == parity) & ~np.isnan(d)
                total[use] += d[use]
                count[use] += 1
        um = total if scaling == "sum" else np.where(count > 0, total / np.maximum(count, 1), 0)
        return um / um.max() if um.max() > 0 else um

    def win_map(self, data, return_indices: bool = False) -> dict[tuple[int, int], list]:
        """``{(i, j): [samples (or their row indices) whose BMU is (i, j)]}``."""
        arr = self._data(data).numpy()
        out: dict[tuple[int, int], list] = {}
        for n, (i, j) in enumerate(self.winners(arr)):
            out.setdefault((int(i), int(j)), []).append(n if return_indices else arr[n])
        return out

    def activation_response(self, data) -> np.ndarray:
        """How often each neuron is the BMU: ``(x, y)`` counts."""
        k = self._nearest(data)[1][:, 0]
        return torch.bincount(k, minlength=self.x * self.y).reshape(self.x, self.y).numpy()


def _check_iterations(num_iteration) -> int:
    if int(num_iteration) < 1:
        raise ConfigError(f"num_iteration must be >= 1, got {num_iteration}")
    return int(num_iteration)
