"""Variational autoencoder (seed 000: "VAEs generate new samples by sampling from the learned
latent space"), dense encoder and decoder from seqlab layers.

The encoder gives a Gaussian ``q(z|x) = N(mu, diag(exp(log_var)))``; the reparameterisation
``z = mu + exp(log_var / 2) * eps, eps ~ N(0, I)`` keeps sampling differentiable; the loss per
sample is the reconstruction error summed over features plus

    KL(q(z|x) || N(0, I)) = -1/2 sum_j (1 + log_var_j - mu_j^2 - exp(log_var_j)).

``forward`` returns the reconstruction and (in training mode) stores ``beta * mean KL`` for
``regularization_loss``, which ``seqlab.train.Trainer`` adds to the loss; use ``vae_loss`` (sum
over features) as the reconstruction term so both terms have the units of the ELBO.

>>> import torch
>>> vae = VAENet(VAEConfig(input_dim=6, latent_dim=2, hidden=(8,)), seed=0)
>>> vae(torch.rand(4, 6)).shape, vae.sample(3).shape
(torch.Size([4, 6]), torch.Size([3, 6]))
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.container import LayerStack
from seqlab.nn.core import Dense
from seqlab.nn.seeding import make_generator


@dataclass
class VAEConfig:
    """input_dim: features per sample; latent_dim: size of z; hidden: Dense sizes of the encoder
    (mirrored in the decoder); output_activation: "sigmoid" for [0, 1] data, None for standardised;
    beta: weight of the KL term."""

    input_dim: int = 64
    latent_dim: int = 2
    hidden: tuple = (128,)
    activation: str = "relu"
    output_activation: str | None = "sigmoid"
    beta: float = 1.0

    def check(self) -> None:
        if int(self.input_dim) < 1 or int(self.latent_dim) < 1:
            raise ConfigError(f"input_dim and latent_dim must be >= 1, got {self.input_dim}, {self.latent_dim}")
        if self.beta < 0:
            raise ConfigError(f"beta must be >= 0, got {self.beta}")


def kl_divergence(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(log_var)) || N(0, I)) per sample: ``(batch, latent) -> (batch,)``."""
    return -0.5 * (1 + log_var - mu.square() - log_var.exp()).sum(-1)


def vae_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Squared reconstruction error summed over features, averaged over the batch (Gaussian decoder)."""
    return (pred - target).square().reshape(len(pred), -1).sum(1).mean()


def vae_bce_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy summed over features, averaged over the batch (Bernoulli decoder, data in [0, 1])."""
    p = pred.clamp(1e-7, 1 - 1e-7)
    return -(target * p.log() + (1 - target) * (1 - p).log()).reshape(len(pred), -1).sum(1).mean()


class VAENet(torch.nn.Module):
    """``encode(x) -> (mu, log_var)`` each ``(batch, latent_dim)``; ``decode(z) -> (batch, input_dim)``;
    ``forward(x)``: reconstruction from a sampled z (training) or from mu (evaluation);
    ``sample(n, generator=None) -> (n, input_dim)`` decodes z ~ N(0, I). ``seed``: the initial weights
    come from ``make_generator(seed)``; None draws them from torch's global generator."""

    def __init__(self, cfg: VAEConfig, seed: int | None = None):
        super().__init__()
        cfg.check()
        self.cfg = cfg
        hidden = [int(h) for h in cfg.hidden]
        g = make_generator(seed)  # weights drawn in this order: body, mu, log_var, decoder
        self.body = LayerStack([Dense(h, activation=cfg.activation) for h in hidden],
                               input_shape=(int(cfg.input_dim),), generator=g)
        feat = hidden[-1] if hidden else int(cfg.input_dim)
        self.mu = Dense(cfg.latent_dim, input_dim=feat, generator=g)
        self.log_var = Dense(cfg.latent_dim, input_dim=feat, generator=g)
        back = [*reversed(hidden), int(cfg.input_dim)]
        self.decoder = LayerStack([Dense(s, activation=cfg.output_activation if i == len(back) - 1
                                         else cfg.activation) for i, s in enumerate(back)],
                                  input_shape=(int(cfg.latent_dim),), generator=g)
        self._kl: torch.Tensor | None = None

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(x)
        return self.mu(h), self.log_var(h)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu, log_var = self.encode(x)
        if not self.training:
            return self.decode(mu)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)       # reparameterisation
        self._kl = self.cfg.beta * kl_divergence(mu, log_var).mean()
        return self.decode(z)

    def regularization_loss(self) -> torch.Tensor:
        """``beta * mean KL`` of the last training batch (0 in evaluation mode)."""
        if not self.training or self._kl is None:
            return torch.zeros(())
        return self._kl

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        z = torch.randn(int(n), self.cfg.latent_dim, generator=generator)
        return self.decode(z)
