"""``GAN`` estimator: fit on real samples, ``sample(n)`` new ones (seed 002's losses and training
rule, seed 000's LSTM generator; see ``seqlab.models.gan``).

>>> import numpy as np
>>> X = np.random.default_rng(0).random((64, 5))
>>> gan = GAN("dense", latent_dim=4, units=16, epochs=2, batch_size=16, seed=0).fit(X)
>>> gan.sample(3).shape
(3, 5)
"""
from __future__ import annotations

from dataclasses import asdict

import numpy as np
import torch

from seqlab.data.arrays import numeric_samples
from seqlab.data.scalers import ScaledData
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.gan import ARCHS, LOSSES, GANConfig, GANNet, default_optimizers, train_step
from seqlab.tasks.base import Task
from seqlab.train.budget import BudgetTracker


class GAN(Task):
    """Generative adversarial network.

    Args:
        arch: "dense" | "dcgan" (images (C, H, W)) | "lstm" (seed 000) | "rnn" (sequences (time, features)).
        loss: "minimax" | "non-saturating" | "wasserstein" | "wasserstein-gp".
        latent_dim: size of z (per time step for "rnn"); units: hidden width.
        epochs: passes over the data; each batch is one round of ``n_critic`` discriminator
            updates (generator static) and one generator update (discriminator static).
        n_critic (None: 5 for the Wasserstein losses, else 1), clip_value (WGAN), gp_weight
        (WGAN-GP), scale (None | "minmax" | "standard"; "minmax" gives the generator a sigmoid output).
        epochs, batch_size, learning_rate, seed, verbose: the shared training arguments
            (``seqlab.tasks.base.TRAINING_ARGUMENTS``); ``learning_rate=None`` takes the loss's usual
            optimiser settings.

    ``fit(X, y=None)``: ``X`` of shape ``(n, features)``, ``(n, time, features)`` or ``(n, C, H, W)``;
    labels ``y`` make it a conditional GAN. ``sample(n, labels=None, seed=None)`` -> ``(n, *shape)``
    in the original units. ``evaluate(X, y=None) -> {"d_loss", "g_loss", "d_accuracy"}``
    (accuracy of the discriminator on ``X`` against as many fakes; 0.5 = fooled).
    Fitted: ``model_`` (``GANNet``), ``history_`` (``d_loss``, ``g_loss`` per epoch), ``classes_``.
    """

    def __init__(self, arch: str = "dense", *, loss: str = "non-saturating", latent_dim: int = 16,
                 units: int = 128, epochs: int = 100, batch_size: int = 64, n_critic: int | None = None,
                 clip_value: float = 0.01, gp_weight: float = 10.0, learning_rate: float | None = None,
                 scale: str | None = "minmax", seed: int | None = None, verbose: int = 0, time_budget=None):
        self.arch, self.loss, self.latent_dim, self.units = arch, loss, latent_dim, units
        self.epochs, self.batch_size, self.n_critic, self.clip_value = epochs, batch_size, n_critic, clip_value
        self.gp_weight, self.learning_rate, self.scale = gp_weight, learning_rate, scale
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def _check(self) -> None:
        if self.arch not in ARCHS:
            raise ConfigError(f"arch must be one of {ARCHS}, got {self.arch!r}")
        if self.loss not in LOSSES:
            raise ConfigError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if int(self.epochs) < 1 or int(self.batch_size) < 1:
            raise ConfigError("epochs and batch_size must be >= 1")

    def fit(self, X, y=None, on_epoch_end=None) -> "GAN":
        """Train on ``X`` (labels ``y`` for a conditional GAN). ``on_epoch_end(epoch, self)`` is
        called after every epoch (e.g. to plot a fake next to a real sample). Returns self."""
        self._check()
        arr = numeric_samples(X, self.batch_size)
        labels = None
        if y is not None:
            y = np.asarray(y).reshape(-1)
            if len(y) != len(arr):
                raise DataError(f"{len(y)} labels for {len(arr)} samples")
            self.classes_, labels = np.unique(y, return_inverse=True)
            labels = torch.from_numpy(labels.astype(np.int64))
        else:
            self.classes_ = np.array([])
        image = self.arch == "dcgan"
        self.scaler_ = ScaledData(self.scale, global_scale=image).fit(arr)
        real = torch.from_numpy(self.scaler_.transform(arr))
        cfg = GANConfig(arch=self.arch, sample_shape=tuple(int(s) for s in arr.shape[1:]),
                        latent_dim=int(self.latent_dim), units=int(self.units), n_classes=len(self.classes_),
                        output_activation="sigmoid" if self.scale == "minmax" else None)
        self.model_ = GANNet(cfg, seed=self.seed)
        opt_g, opt_d = default_optimizers(self.model_, self.loss, self.learning_rate)
        n_critic = self.n_critic or (5 if self.loss.startswith("wasserstein") else 1)
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        self.history_ = {"d_loss": [], "g_loss": []}
        bs = int(self.batch_size)
        self.model_.train()
        clock = BudgetTracker(time_budget=self.time_budget, adaptive=False)
        clock.start()
        for epoch in range(int(self.epochs)):
            order = torch.randperm(len(real), generator=g)
            logs = [train_step(self.model_, real[idx], opt_g, opt_d, self.loss,
                               None if labels is None else labels[idx], n_critic, self.clip_value,
                               self.gp_weight, g)
                    for idx in (order[s:s + bs] for s in range(0, len(real) - bs + 1, bs))]
            for key in self.history_:
                self.history_[key].append(float(np.mean([row[key] for row in logs])))
            if self.verbose:
                print(f"epoch {epoch + 1}/{self.epochs}: d_loss {self.history_['d_loss'][-1]:.4f} "
                      f"g_loss {self.history_['g_loss'][-1]:.4f}")
            if on_epoch_end is not None:
                on_epoch_end(epoch, self)
            if clock.update(None, clock.steps + len(logs)) is not None:
                break
        clock.finish("epochs")
        self.training_ = clock.summary()
        self.model_.eval()
        return self

    def _labels(self, labels, n: int):
        if not len(self.classes_):
            if labels is not None:
                raise ConfigError("this GAN was fitted without labels; call sample(n) without labels")
            return None
        if labels is None:
            raise ConfigError(f"this GAN is conditional; pass labels from {self.classes_.tolist()}")
        labels = np.broadcast_to(np.asarray(labels), (n,))
        idx = np.minimum(np.searchsorted(self.classes_, labels), len(self.classes_) - 1)
        if (self.classes_[idx] != labels).any():
            raise DataError(f"unknown labels; this GAN knows {self.classes_.tolist()}")
        return torch.from_numpy(idx.astype(np.int64))

    @torch.no_grad()
    def sample(self, n: int, labels=None, seed: int | None = None) -> np.ndarray:
        """``n`` generated samples ``(n, *sample_shape)`` in the original units."""
        self._check_fitted()
        if int(n) < 1:
            raise ConfigError(f"n must be >= 1, got {n}")
        g = torch.Generator().manual_seed(0 if seed is None else int(seed))
        self.model_.eval()
        z = self.model_.latent(int(n), g)
        out = self.model_.generate(z, self._labels(labels, int(n))).numpy()
        return self.scaler_.inverse(out)

    @torch.no_grad()
    def evaluate(self, X, y=None) -> dict:
        self._check_fitted()
        from seqlab.models.gan import discriminator_loss, generator_loss

        arr = numeric_samples(X)
        real = torch.from_numpy(self.scaler_.transform(arr))
        labels = self._labels(y, len(arr)) if len(self.classes_) else None
        fake = self.model_.generate(self.model_.latent(len(arr), torch.Generator().manual_seed(1)), labels)
        rs, fs = self.model_.discriminate(real, labels), self.model_.discriminate(fake, labels)
        acc = float(((rs > 0).float().mean() + (fs <= 0).float().mean()) / 2)
        return {"d_loss": float(discriminator_loss(self.loss, rs, fs)),
                "g_loss": float(generator_loss(self.loss, fs)), "d_accuracy": acc}

    def _get_state(self):
        return ({"net": asdict(self.model_.cfg), "history": self.history_}, dict(self.model_.state_dict()),
                {"scaler": self.scaler_.state(), "classes": self.classes_.tolist()})

    def _set_state(self, config, tensors, preprocessing):
        cfg = dict(config["net"])
        cfg["sample_shape"] = tuple(cfg["sample_shape"])
        self.model_ = GANNet(GANConfig(**cfg))
        self.model_.load_state_dict(tensors)
        self.model_.eval()
        self.scaler_ = ScaledData.from_state(preprocessing["scaler"])
        self.classes_ = np.asarray(preprocessing["classes"])
        self.history_ = config.get("history", {})
