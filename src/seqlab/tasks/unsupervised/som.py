"""``SOM``: the self-organising map as an estimator (fit / predict / evaluate / save / load),
with MiniSom's method names forwarded to the map (seed 003's fraud detection uses them).

>>> import numpy as np
>>> X = np.random.default_rng(0).random((200, 4))
>>> som = SOM(5, 5, input_len=4, seed=0).fit(X, num_iteration=500)
>>> som.predict(X[:2]).shape
(2, 2)
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.data.arrays import numeric_matrix
from seqlab.io.errors import ConfigError, DataError, ModelFileError
from seqlab.models.som import SelfOrganizingMap
from seqlab.tasks.base import Task


class SOM(Task):
    """Self-organising map estimator (seed 003; MiniSom's arguments).

    ``SOM(x, y, *, ...)``: the one exception to "one positional argument" among the tasks. The
    size of a map is two numbers, and MiniSom (the seed's library) writes them as its first two
    arguments, ``MiniSom(10, 10, input_len=15, ...)``; ``SOM(10, 10)`` reads the same. The rest
    is keyword-only.

    Args: x, y: map size; input_len: features per row (None: taken from the data in ``fit``);
    sigma, neighborhood ("gaussian" | "bubble" | "mexican_hat"), topology ("rectangular" |
    "hexagonal"), decay ("asymptotic_decay" | "linear_decay"); scale: MinMax-scale each column to
    [0, 1] on the training data (seed 003 does this first); learning_rate, seed: the shared
    training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``; the seed is MiniSom's NumPy one).

    ``fit(X, num_iteration=10000, mode="random")`` (mode: "random" | "batch" | "offline"),
    ``predict(X) -> (n, 2)`` BMU coordinates, ``transform(X) -> (n, x*y)`` distances,
    ``evaluate(X) -> {"quantization_error", "topographic_error"}``. Fitted: ``map_``,
    ``weights_ (x, y, input_len)``. MiniSom's ``winner, win_map, distance_map,
    quantization_error, topographic_error, activation_response`` take raw (unscaled) rows.

    >>> import numpy as np
    >>> SOM(3, 3, seed=0).fit(np.eye(3), num_iteration=50).distance_map().shape
    (3, 3)
    """

    def __init__(self, x: int = 10, y: int = 10, *, input_len: int | None = None, sigma: float = 1.0,
                 learning_rate: float = 0.5, neighborhood: str = "gaussian", topology: str = "rectangular",
                 decay: str = "asymptotic_decay", seed: int | None = None, scale: bool = False):
        self.x, self.y, self.input_len = x, y, input_len
        self.sigma, self.learning_rate = sigma, learning_rate
        self.neighborhood, self.topology, self.decay = neighborhood, topology, decay
        self.seed, self.scale = seed, scale

    def _new_map(self, input_len: int) -> SelfOrganizingMap:
        try:
            x, y = int(self.x), int(self.y)
        except (TypeError, ValueError):
            raise ConfigError(f"x and y must be integers, got {self.x!r} and {self.y!r}") from None
        return SelfOrganizingMap(x, y, input_len, self.sigma, self.learning_rate, self.neighborhood,
                                 self.topology, self.decay, self.seed)

    def fit(self, X, y=None, num_iteration: int = 10000, mode: str = "random",
            init: str = "random") -> "SOM":
        """Train on ``X (n, features)``; ``y`` is ignored (unsupervised). Returns self."""
        arr = numeric_matrix(X)
        if self.input_len is not None and int(self.input_len) != arr.shape[1]:
            raise DataError(f"input_len={self.input_len} but the data has {arr.shape[1]} columns")
        if mode not in ("random", "batch", "offline") or init not in ("random", "pca"):
            raise ConfigError(f"mode must be random|batch|offline and init random|pca, got {mode!r}, {init!r}")
        if self.scale:
            self.data_min_, self.data_max_ = arr.min(0), arr.max(0)
        som = self._new_map(arr.shape[1])
        data = self._scaled(arr)
        som.pca_weights_init(data) if init == "pca" else som.random_weights_init(data)
        {"random": som.train_random, "batch": som.train_batch,
         "offline": som.train_batch_offline}[mode](data, num_iteration)
        self.map_ = som
        self.weights_ = som.weights.numpy()
        return self

    def _scaled(self, arr: np.ndarray) -> np.ndarray:
        if not self.scale:
            return arr
        span = np.where(self.data_max_ - self.data_min_ > 0, self.data_max_ - self.data_min_, 1.0)
        return (arr - self.data_min_) / span

    def inverse_scale(self, X) -> np.ndarray:
        """Scaled rows back to the original units (identity when ``scale=False``)."""
        self._check_fitted()
        arr = np.asarray(X, dtype=np.float64)
        if not self.scale:
            return arr
        return arr * np.where(self.data_max_ - self.data_min_ > 0, self.data_max_ - self.data_min_, 1.0) \
            + self.data_min_

    def _input(self, X) -> np.ndarray:
        self._check_fitted()
        arr = numeric_matrix(X)
        if arr.shape[1] != self.map_.input_len:
            raise DataError(f"expected {self.map_.input_len} columns, got {arr.shape[1]}")
        return self._scaled(arr)

    def predict(self, X) -> np.ndarray:
        """BMU grid coordinates ``(n, 2)`` of each row."""
        data = self._input(X)
        return self.map_.winners(data)

    def transform(self, X) -> np.ndarray:
        """Distances from each row to every neuron ``(n, x*y)``."""
        data = self._input(X)
        return self.map_.distances(data)

    def evaluate(self, X) -> dict:
        """``{"quantization_error": .., "topographic_error": ..}`` on ``X``."""
        data = self._input(X)
        return {"quantization_error": self.map_.quantization_error(data),
                "topographic_error": self.map_.topographic_error(data)}

    def kmeans_comparison(self, X, seed: int = 0) -> dict:
        """The map beside scikit-learn's K-Means with k = map size on the same scaled rows (seed 003
        sets K-Means beside the SOM): inertia (sum of squared distances to the nearest centre /
        best-matching neuron) and silhouette of the assignments (-1..1, higher = tighter clusters;
        NaN when fewer than 2 distinct clusters are used or every row is its own cluster).

        Returns ``{"k", "som_inertia", "kmeans_inertia", "som_silhouette", "kmeans_silhouette",
        "som_clusters_used"}``. The SOM pays for its topology (neighbouring neurons are tied), so
        K-Means' inertia is expected to be lower; the comparison says by how much.
        """
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        data = self._input(X)
        k = int(self.map_.weights.shape[0] * self.map_.weights.shape[1])
        distances = self.map_.distances(data)
        som_labels = distances.argmin(1)
        kmeans = KMeans(n_clusters=min(k, len(data)), n_init=4, random_state=seed).fit(data)

        def silhouette(labels) -> float:
            used = len(np.unique(labels))
            return float(silhouette_score(data, labels)) if 2 <= used < len(data) else float("nan")

        return {"k": k, "som_inertia": float((distances.min(1) ** 2).sum()), "kmeans_inertia": float(kmeans.inertia_),
                "som_silhouette": silhouette(som_labels), "kmeans_silhouette": silhouette(kmeans.labels_),
                "som_clusters_used": int(len(np.unique(som_labels)))}

    # MiniSom's reading methods, on raw rows
    def winner(self, x) -> tuple[int, int]:
        data = self._input(np.asarray(x, dtype=np.float64).reshape(1, -1))
        return self.map_.winner(data[0])

    def win_map(self, X, return_indices: bool = False) -> dict:
        """``{(i, j): rows (scaled, as MiniSom gives them) or row indices}``."""
        data = self._input(X)
        return self.map_.win_map(data, return_indices)

    def distance_map(self, scaling: str = "sum") -> np.ndarray:
        self._check_fitted()
        return self.map_.distance_map(scaling)

    def quantization_error(self, X) -> float:
        data = self._input(X)
        return self.map_.quantization_error(data)

    def topographic_error(self, X) -> float:
        data = self._input(X)
        return self.map_.topographic_error(data)

    def activation_response(self, X) -> np.ndarray:
        data = self._input(X)
        return self.map_.activation_response(data)

    def outlying_cells(self, threshold: float = 0.9) -> list[tuple[int, int]]:
        """Cells whose U-matrix value is >= ``threshold`` (seed 003's white cells: likely frauds)."""
        um = self.distance_map()
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(um >= threshold))]

    # ----- persistence -----------------------------------------------------------------------
    def _get_state(self):
        pre = {"input_len": self.map_.input_len}
        if self.scale:
            pre.update(data_min=self.data_min_.tolist(), data_max=self.data_max_.tolist())
        return {}, {"weights": torch.as_tensor(self.weights_)}, pre

    def _set_state(self, config, tensors, preprocessing):
        w = tensors["weights"].double()
        som = self._new_map(int(preprocessing["input_len"]))
        if tuple(w.shape) != tuple(som.weights.shape):
            raise ModelFileError(f"weights of shape {tuple(w.shape)} do not fit a {self.x}x{self.y} map")
        som.weights = w.clone()
        self.map_, self.weights_ = som, w.numpy()
        if self.scale:
            self.data_min_ = np.asarray(preprocessing["data_min"], dtype=np.float64)
            self.data_max_ = np.asarray(preprocessing["data_max"], dtype=np.float64)
