"""``Autoencoder`` and ``VAE`` estimators (seeds 000 and 003).

``Autoencoder(kind=...)``: "dense" (seed 000's 784-32-784), "conv" (images), "lstm" (windows of a
series), and seed 003's variants on the dense architecture: "sparse", "denoising", "contractive",
"stacked" (greedy layer-wise, then fine-tuned), "deep" (initialised from a DBN, then fine-tuned).
``transform`` gives the code, ``inverse_transform`` the reconstruction from a code.

>>> import numpy as np
>>> X = np.random.default_rng(0).random((64, 8))
>>> ae = Autoencoder("dense", code_size=3, epochs=2, batch_size=16, seed=0).fit(X)
>>> ae.transform(X).shape, ae.inverse_transform(ae.transform(X)).shape
((64, 3), (64, 8))
"""
from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch

from seqlab.data.arrays import numeric_samples
from seqlab.data.scalers import ScaledData
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.autoencoders import AutoencoderConfig, AutoencoderNet
from seqlab.models.vae import VAEConfig, VAENet, kl_divergence, vae_bce_loss, vae_loss
from seqlab.nn.seeding import seeded
from seqlab.tasks.base import Task
from seqlab.train import Trainer
from seqlab.train.budget import budget_callback

VARIANTS = ("dense", "conv", "lstm", "sparse", "denoising", "contractive", "stacked", "deep")


ADAPTIVE_VALIDATION = 0.2   # the last share of the samples held out when epochs=None and validation_split=0


def _fit_module(module, X, Y, loss, epochs, batch_size, learning_rate, validation_split, seed, verbose,
                callbacks=None, owner=None):
    """Train ``module``; with ``owner`` (the task), its ``time_budget`` applies and ``owner.training_``
    records the run (``seqlab.train.budget``). ``epochs=None`` is the adaptive budget, watching the
    reconstruction loss of the last ``validation_split`` of the samples (``ADAPTIVE_VALIDATION`` when
    that is 0; the training loss when it would hold out no sample)."""
    budget = budget_callback(epochs, time_budget=getattr(owner, "time_budget", None))
    if epochs is None:
        validation_split = validation_split or ADAPTIVE_VALIDATION
    epochs = budget.fit_epochs(epochs, len(X), batch_size, validation_split)
    with seeded(seed):                           # dropout and the variants' noise draw from the global RNG
        trainer = Trainer(module, loss=loss, optimizer="adam", metrics=(), lr=learning_rate, seed=seed)
        history = trainer.fit(X, Y, epochs=int(epochs), batch_size=int(batch_size), validation_split=validation_split,
                              callbacks=[*(callbacks or []), budget], verbose=verbose).history
    if owner is not None:
        owner.training_ = budget.summary()
    return history


class Autoencoder(Task):
    """Autoencoder estimator.

    Args:
        kind: one of VARIANTS (see the module doc). Variants other than conv/lstm use Dense layers.
        code_size: size of the code; hidden: layer sizes between input and code (dense), filters
            (conv) or LSTM units (lstm).
        activation, output_activation: hidden and output activations ("sigmoid" output expects
            data in [0, 1], i.e. ``scale="minmax"``; use None with ``scale="standard"``).
        sparsity ("l1" | "kl"), sparsity_weight, sparsity_target; noise ("mask" | "gaussian"),
            noise_level; contractive_weight: the variants' settings (filled in by ``kind``).
        scale: None | "minmax" | "standard", fitted on the training data.
        pretrain_epochs: epochs of each layer's pre-training (stacked and deep).
        loss: the reconstruction loss ("mse"; "binary_crossentropy" as seed 000, for [0, 1] data).
        epochs, batch_size, learning_rate, validation_split, seed, verbose: the shared training
            arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam. ``epochs=None`` (the default)
            is the adaptive budget on the reconstruction loss of the last 20% of the samples
            (``ADAPTIVE_VALIDATION``; ``validation_split`` when given). Pre-training keeps its count.

    ``fit(X)`` with ``X`` of shape ``(n, features)``, ``(n, time, features)`` (lstm) or
    ``(n, C, H, W)`` (conv); ``transform(X) -> (n, code_size)``; ``inverse_transform(codes)`` and
    ``predict(X)`` give reconstructions in the original units; ``reconstruction_error(X) -> (n,)``
    mean squared error per sample in scaled units; ``evaluate(X) -> {"mse", "mae"}``.
    Fitted: ``model_`` (an ``AutoencoderNet``), ``history_``.

    >>> X = np.random.default_rng(1).random((40, 6))
    >>> Autoencoder("sparse", code_size=2, epochs=1, batch_size=8, seed=0).fit(X).predict(X).shape
    (40, 6)
    """

    def __init__(self, kind: str = "dense", *, code_size: int = 32, hidden=(), activation: str = "relu",
                 output_activation: str | None = "sigmoid", sparsity: str | None = None,
                 sparsity_weight: float = 1e-4, sparsity_target: float = 0.05, noise: str | None = None,
                 noise_level: float = 0.2, contractive_weight: float = 0.0, scale: str | None = "minmax",
                 epochs: int | None = None, batch_size: int = 32, learning_rate: float | None = None,
                 validation_split: float = 0.0, pretrain_epochs: int = 10, loss: str = "mse",
                 seed: int | None = None, verbose: int = 0, time_budget=None):
        self.loss = loss
        self.kind, self.code_size, self.hidden, self.activation = kind, code_size, hidden, activation
        self.output_activation, self.sparsity, self.sparsity_weight = output_activation, sparsity, sparsity_weight
        self.sparsity_target, self.noise, self.noise_level = sparsity_target, noise, noise_level
        self.contractive_weight, self.scale = contractive_weight, scale
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.validation_split, self.pretrain_epochs = validation_split, pretrain_epochs
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def _config(self, sample_shape) -> AutoencoderConfig:
        if self.kind not in VARIANTS:
            raise ConfigError(f"kind must be one of {VARIANTS}, got {self.kind!r}")
        arch = self.kind if self.kind in ("conv", "lstm") else "dense"
        cfg = AutoencoderConfig(kind=arch, input_shape=tuple(int(s) for s in sample_shape),
                                code_size=int(self.code_size), hidden=tuple(int(h) for h in self.hidden),
                                activation=self.activation, output_activation=self.output_activation,
                                sparsity=self.sparsity, sparsity_weight=float(self.sparsity_weight),
                                sparsity_target=float(self.sparsity_target), noise=self.noise,
                                noise_level=float(self.noise_level),
                                contractive_weight=float(self.contractive_weight))
        if self.kind == "sparse" and cfg.sparsity is None:
            cfg.sparsity = "l1"
        if self.kind == "denoising" and cfg.noise is None:
            cfg.noise = "mask"
        if self.kind == "contractive" and cfg.contractive_weight == 0:
            cfg.contractive_weight = 1e-2
        if cfg.sparsity == "kl" or self.kind == "deep":     # codes must be probabilities
            cfg.code_activation = "sigmoid"
        if self.kind == "deep":                             # RBM units are sigmoid
            cfg.activation, cfg.output_activation = "sigmoid", "sigmoid"
        return cfg

    def fit(self, X, y=None) -> "Autoencoder":
        """Train on ``X`` (``y`` is ignored: the target is ``X`` itself). Returns self."""
        if int(self.batch_size) < 1 or (self.epochs is not None and int(self.epochs) < 0):
            raise ConfigError("batch_size must be >= 1 and epochs >= 0 (or None: the adaptive budget)")
        arr = numeric_samples(X, self.batch_size)
        if self.kind == "deep" and self.scale != "minmax":
            raise ConfigError("kind='deep' pre-trains RBMs on values in [0, 1]; use scale='minmax'")
        cfg = self._config(arr.shape[1:])
        self.scaler_ = ScaledData(self.scale, global_scale=cfg.kind == "conv").fit(arr)
        Xs = self.scaler_.transform(arr)
        self.model_ = AutoencoderNet(cfg, seed=self.seed)
        self.history_ = {}
        if self.kind == "stacked":
            self._pretrain_greedy(Xs)
        elif self.kind == "deep":
            self._pretrain_dbn(Xs)
        fine = _fit_module(self.model_, Xs, Xs, self.loss, self.epochs, self.batch_size, self.learning_rate,
                           self.validation_split, self.seed, self.verbose, owner=self)
        self.history_.update(fine)
        return self

    def _pretrain_greedy(self, Xs: np.ndarray) -> None:
        """Seed 003's stacked autoencoder: pair k learns to reconstruct the codes of layers < k."""
        h = torch.from_numpy(Xs)
        for k, (enc, dec) in enumerate(self.model_.layer_pairs()):
            pair = torch.nn.Sequential(enc, dec)
            target = h.numpy()
            hist = _fit_module(pair, target, target, "mse", self.pretrain_epochs, self.batch_size, self.learning_rate,
                               0.0, None if self.seed is None else self.seed + k, self.verbose)
            self.history_[f"pretrain_{k}_loss"] = hist["loss"]
            with torch.no_grad():
                enc.eval()
                h = enc(h)

    def _pretrain_dbn(self, Xs: np.ndarray) -> None:
        from seqlab.tasks.unsupervised.rbm import DBN

        sizes = [*[int(s) for s in self.hidden], int(self.code_size)]
        dbn = DBN(sizes, epochs=int(self.pretrain_epochs), batch_size=int(self.batch_size),
                  seed=self.seed).fit(np.clip(Xs, 0.0, 1.0))
        self.model_.init_from_dbn(dbn.encoder_weights(), dbn.decoder_weights())
        self.history_.update({f"dbn_{k}": v for k, v in dbn.history_.items()})

    # ----- use -----------------------------------------------------------------------------
    def _scaled(self, X) -> torch.Tensor:
        self._check_fitted()
        arr = numeric_samples(X)
        shape = tuple(self.model_.cfg.input_shape)
        if arr.shape[1:] != shape:
            raise DataError(f"samples of shape {arr.shape[1:]} given; this autoencoder was fitted on {shape}")
        return torch.from_numpy(self.scaler_.transform(arr))

    @torch.no_grad()
    def transform(self, X) -> np.ndarray:
        """The code of each sample: ``(n, code_size)``."""
        x = self._scaled(X)
        self.model_.eval()
        return self.model_.encode(x).numpy()

    @torch.no_grad()
    def inverse_transform(self, codes) -> np.ndarray:
        """Decode ``codes (n, code_size)`` to samples ``(n, *input_shape)`` in the original units."""
        self._check_fitted()
        z = torch.as_tensor(np.asarray(codes, dtype=np.float32))
        if z.dim() != 2 or z.shape[1] != self.model_.cfg.code_size:
            raise DataError(f"codes must be (n, {self.model_.cfg.code_size}), got {tuple(z.shape)}")
        self.model_.eval()
        return self.scaler_.inverse(self.model_.decode(z).numpy())

    def predict(self, X) -> np.ndarray:
        """Reconstructions of ``X`` in its own units and shape."""
        return self.inverse_transform(self.transform(X))

    @torch.no_grad()
    def reconstruction_error(self, X, per_step: bool = False) -> np.ndarray:
        """Mean squared error per sample in scaled units: ``(n,)``; ``per_step=True`` keeps the
        time axis of sequences: ``(n, time)``."""
        x = self._scaled(X)
        self.model_.eval()
        sq = (self.model_(x) - x).square()
        if per_step and sq.dim() == 3:
            return sq.mean(-1).numpy()
        return sq.reshape(len(sq), -1).mean(1).numpy()

    def evaluate(self, X, y=None) -> dict:
        """``{"mse", "mae"}`` of the reconstruction in scaled units."""
        x = self._scaled(X)
        self.model_.eval()
        with torch.no_grad():
            d = self.model_(x) - x
        return {"mse": float(d.square().mean()), "mae": float(d.abs().mean())}

    def _get_state(self):
        cfg = asdict(self.model_.cfg)
        return {"net": cfg, "history": self.history_}, dict(self.model_.state_dict()), self.scaler_.state()

    def _set_state(self, config, tensors, preprocessing):
        cfg = dict(config["net"])
        cfg["input_shape"], cfg["hidden"] = tuple(cfg["input_shape"]), tuple(cfg["hidden"])
        self.model_ = AutoencoderNet(AutoencoderConfig(**cfg))
        self.model_.load_state_dict(tensors)
        self.scaler_ = ScaledData.from_state(preprocessing)
        self.history_ = config.get("history", {})


class VAE(Task):
    """Variational autoencoder estimator (dense; samples are flattened to ``(n, features)``).

    The reconstruction term is binary cross-entropy with a sigmoid output (data in [0, 1]),
    squared error otherwise, summed over features.

    Args: latent_dim, hidden, activation, output_activation, beta (KL weight), scale (None |
    "minmax" | "standard"); epochs, batch_size, learning_rate, validation_split, seed, verbose: the
    shared training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam; ``epochs=None`` (the
    default) is the adaptive budget on the loss of the last 20% of the samples, as ``Autoencoder``.
    ``transform(X) -> mu (n, latent_dim)``; ``predict(X)`` reconstruction; ``sample(n, seed)`` ->
    ``(n, features)`` new samples in the original units; ``reconstruction_error(X) -> (n,)``;
    ``evaluate(X) -> {"reconstruction", "kl", "loss"}`` (per sample, summed over features).

    >>> X = np.random.default_rng(2).random((40, 5))
    >>> VAE(2, hidden=(8,), epochs=1, batch_size=8, seed=0).fit(X).sample(3).shape
    (3, 5)
    """

    def __init__(self, latent_dim: int = 2, *, hidden=(64,), activation: str = "relu",
                 output_activation: str | None = "sigmoid", beta: float = 1.0, scale: str | None = "minmax",
                 epochs: int | None = None, batch_size: int = 32, learning_rate: float | None = None,
                 validation_split: float = 0.0, seed: int | None = None, verbose: int = 0, time_budget=None):
        self.latent_dim, self.hidden, self.activation = latent_dim, hidden, activation
        self.output_activation, self.beta, self.scale = output_activation, beta, scale
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.validation_split, self.seed, self.verbose = validation_split, seed, verbose
        self.time_budget = time_budget

    def fit(self, X, y=None) -> "VAE":
        arr = numeric_samples(X, self.batch_size)
        arr = arr.reshape(len(arr), -1)
        self.scaler_ = ScaledData(self.scale, global_scale=False).fit(arr)
        Xs = self.scaler_.transform(arr)
        cfg = VAEConfig(input_dim=arr.shape[1], latent_dim=int(self.latent_dim),
                        hidden=tuple(int(h) for h in self.hidden), activation=self.activation,
                        output_activation=self.output_activation, beta=float(self.beta))
        self.model_ = VAENet(cfg, seed=self.seed)
        loss = vae_bce_loss if self.output_activation == "sigmoid" else vae_loss
        self.history_ = _fit_module(self.model_, Xs, Xs, loss, self.epochs, self.batch_size, self.learning_rate,
                                    self.validation_split, self.seed, self.verbose, owner=self)
        return self

    def _scaled(self, X) -> torch.Tensor:
        self._check_fitted()
        arr = numeric_samples(X)
        arr = arr.reshape(len(arr), -1)
        if arr.shape[1] != self.model_.cfg.input_dim:
            raise DataError(f"samples have {arr.shape[1]} values; this VAE was fitted on {self.model_.cfg.input_dim}")
        return torch.from_numpy(self.scaler_.transform(arr))

    @torch.no_grad()
    def transform(self, X) -> np.ndarray:
        self.model_.eval()
        return self.model_.encode(self._scaled(X))[0].numpy()

    @torch.no_grad()
    def predict(self, X) -> np.ndarray:
        x = self._scaled(X)
        self.model_.eval()
        return self.scaler_.inverse(self.model_(x).numpy())

    @torch.no_grad()
    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` new samples decoded from z ~ N(0, I): ``(n, features)`` in the original units."""
        self._check_fitted()
        if int(n) < 1:
            raise ConfigError(f"n must be >= 1, got {n}")
        g = torch.Generator().manual_seed(0 if seed is None else int(seed))
        self.model_.eval()
        return self.scaler_.inverse(self.model_.sample(int(n), g).numpy())

    @torch.no_grad()
    def reconstruction_error(self, X) -> np.ndarray:
        x = self._scaled(X)
        self.model_.eval()
        return (self.model_(x) - x).square().mean(1).numpy()

    @torch.no_grad()
    def evaluate(self, X, y=None) -> dict:
        x = self._scaled(X)
        self.model_.eval()
        mu, log_var = self.model_.encode(x)
        rec = float((self.model_.decode(mu) - x).square().sum(1).mean())
        kl = float(kl_divergence(mu, log_var).mean())
        return {"reconstruction": rec, "kl": kl, "loss": rec + self.model_.cfg.beta * kl}

    def _get_state(self):
        return ({"net": asdict(self.model_.cfg), "history": self.history_}, dict(self.model_.state_dict()),
                self.scaler_.state())

    def _set_state(self, config, tensors, preprocessing):
        cfg = dict(config["net"])
        cfg["hidden"] = tuple(cfg["hidden"])
        self.model_ = VAENet(VAEConfig(**cfg))
        self.model_.load_state_dict(tensors)
        self.scaler_ = ScaledData.from_state(preprocessing)
        self.history_ = config.get("history", {})
