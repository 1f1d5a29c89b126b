"""Generative adversarial networks (seed 002's losses, seed 000's LSTM generator), from seqlab layers.

A generator ``G(z)`` maps latent noise to a sample; a discriminator (critic) ``D(x)`` scores
samples. ``D`` here returns a raw score (logit); for the classifying losses ``D(x)`` in seed 002's
formulas is ``sigmoid(score)``. Losses (each side minimises its own):

| loss            | discriminator / critic minimises                 | generator minimises      |
|-----------------|--------------------------------------------------|--------------------------|
| minimax         | -(E log D(x) + E log(1 - D(G(z))))               | E log(1 - D(G(z)))       |
| non-saturating  | same                                             | -E log D(G(z))           |
| wasserstein     | -(E D(x) - E D(G(z))), then clip weights to +-c  | -E D(G(z))               |
| wasserstein-gp  | same + lambda E (||grad D(x^)|| - 1)^2, no clip  | -E D(G(z))               |

(seed 002: minimax "generator minimizes and discriminator maximizes E_x[log D(x)] + E_z[log(1 -
D(G(z)))]"; Wasserstein "critic loss D(x) - D(G(z)), generator loss D(G(z))", both maximised.)

``train_step`` follows seed 002's note: the generator is held static (no gradient, not updated)
while the discriminator trains, and the discriminator static while the generator trains.

Architectures: "dense" (any shape, flattened), "dcgan" (images (C, H, W), H, W divisible by 4),
"lstm" (seed 000: the latent vector read as a sequence of ``latent_dim`` steps of 1 feature by
LSTM(units), Dense to the whole sample; dense discriminator 300-250-100-1 style), "rnn" (per-step
noise through an LSTM generator, GRU critic; for multivariate sequences). ``n_classes > 0`` makes
both conditional on a one-hot label (concatenated to z and to the discriminator's input).

>>> import torch
>>> gan = GANNet(GANConfig(arch="dense", sample_shape=(4,), latent_dim=2, units=8), seed=0)
>>> gan.generate(torch.zeros(3, 2)).shape, gan.discriminate(torch.zeros(3, 4)).shape
(torch.Size([3, 4]), torch.Size([3, 1]))
"""
from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.models.autoencoders import Upsample2D
from seqlab.nn.container import LayerStack
from seqlab.nn.conv import Conv2D
from seqlab.nn.core import Dense, Flatten, Reshape
from seqlab.nn.lstm_bptt import stepwise_recurrence
from seqlab.nn.recurrent import GRU, LSTM
from seqlab.nn.seeding import make_generator

ARCHS = ("dense", "dcgan", "lstm", "rnn")
LOSSES = ("minimax", "non-saturating", "wasserstein", "wasserstein-gp")


@dataclass
class GANConfig:
    """arch: one of ARCHS; sample_shape: one sample, e.g. (300,), (24, 6) or (1, 8, 8); latent_dim;
    units: width of the hidden layers; n_classes: > 0 for a conditional GAN; output_activation:
    "sigmoid" for data scaled to [0, 1], None (linear) as seed 000."""

    arch: str = "dense"
    sample_shape: tuple = (300,)
    latent_dim: int = 3
    units: int = 128
    n_classes: int = 0
    output_activation: str | None = "sigmoid"

    def check(self) -> None:
        if self.arch not in ARCHS:
            raise ConfigError(f"GAN arch must be one of {ARCHS}, got {self.arch!r}")
        if int(self.latent_dim) < 1 or int(self.units) < 1 or int(self.n_classes) < 0:
            raise ConfigError("latent_dim and units must be >= 1 and n_classes >= 0")
        shape = tuple(self.sample_shape)
        if self.arch == "dcgan" and (len(shape) != 3 or shape[1] % 4 or shape[2] % 4):
            raise ConfigError(f"dcgan needs images (C, H, W) with H, W divisible by 4, got {shape}")
        if self.arch == "rnn" and len(shape) != 2:
            raise ConfigError(f"rnn GAN needs sequences (time, features), got {shape}")


def _size(shape) -> int:
    return int(math.prod(int(s) for s in shape))


def _build_generator(cfg: GANConfig, g: torch.Generator | None) -> LayerStack:
    shape, u, out_act = tuple(int(s) for s in cfg.sample_shape), int(cfg.units), cfg.output_activation
    z_dim = int(cfg.latent_dim) + int(cfg.n_classes)
    if cfg.arch == "dense":
        return LayerStack([Dense(u, activation="relu"), Dense(2 * u, activation="relu"),
                           Dense(_size(shape), activation=out_act), Reshape(shape)], input_shape=(z_dim,),
                          generator=g)
    if cfg.arch == "lstm":   # seed 000: Input(shape=(latent_dim, 1)) -> LSTM(150) -> Dense(LENGTH_INPUT)
        return LayerStack([Reshape((z_dim, 1)), LSTM(u), Dense(_size(shape), activation=out_act),
                           Reshape(shape)], input_shape=(z_dim,), generator=g)
    if cfg.arch == "rnn":    # z: (time, latent) per-step noise
        t, f = shape
        return LayerStack([LSTM(u, return_sequences=True), LSTM(u, return_sequences=True),
                           Dense(f, activation=out_act)], input_shape=(t, z_dim), generator=g)
    c, h, w = shape
    return LayerStack([Dense(2 * u * (h // 4) * (w // 4), activation="relu"),
                       Reshape((2 * u, h // 4, w // 4)), Upsample2D(2),
                       Conv2D(u, 3, padding="same", activation="relu"), Upsample2D(2),
                       Conv2D(c, 3, padding="same", activation=out_act)], input_shape=(z_dim,), generator=g)


def _build_discriminator(cfg: GANConfig, g: torch.Generator | None) -> LayerStack:
    shape, u, k = tuple(int(s) for s in cfg.sample_shape), int(cfg.units), int(cfg.n_classes)
    if cfg.arch in ("dense", "lstm"):   # seed 000's discriminator: Dense(300)-Dense(250)-Dense(100)-Dense(1)
        widths = (2 * u, u) if cfg.arch == "dense" else (_size(shape), 250, 100)
        return LayerStack([*[Dense(n, activation="relu") for n in widths], Dense(1)],
                          input_shape=(_size(shape) + k,), generator=g)
    if cfg.arch == "rnn":
        t, f = shape
        return LayerStack([GRU(u), Dense(1)], input_shape=(t, f + k), generator=g)
    c, h, w = shape
    return LayerStack([Conv2D(u, 3, strides=2, padding="same", activation="leaky_relu"),
                       Conv2D(2 * u, 3, strides=2, padding="same", activation="leaky_relu"),
                       Flatten(), Dense(1)], input_shape=(c + k, h, w), generator=g)


class GANNet(torch.nn.Module):
    """Generator and discriminator for ``cfg``.

    ``latent(n, generator=None)`` draws z: ``(n, latent_dim)``, or ``(n, time, latent_dim)`` for "rnn";
    ``generate(z, labels=None) -> (n, *sample_shape)``; ``discriminate(x, labels=None) -> (n, 1)``
    raw scores. ``labels``: int class ids ``(n,)`` when ``n_classes > 0``. ``seed``: the initial
    weights come from ``make_generator(seed)``; None draws them from torch's global generator.
    """

    def __init__(self, cfg: GANConfig, seed: int | None = None):
        super().__init__()
        cfg.check()
        self.cfg = cfg
        g = make_generator(seed)  # the generator's weights first, then the discriminator's
        self.generator = _build_generator(cfg, g)
        self.discriminator = _build_discriminator(cfg, g)

    def latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        if self.cfg.arch == "rnn":
            return torch.rand(int(n), int(self.cfg.sample_shape[0]), int(self.cfg.latent_dim), generator=generator)
        return torch.randn(int(n), int(self.cfg.latent_dim), generator=generator)

    def _one_hot(self, labels, n: int) -> torch.Tensor | None:
        k = int(self.cfg.n_classes)
        if k == 0:
            return None
        if labels is None:
            raise ConfigError("this GAN is conditional (n_classes > 0); pass labels")
        return F.one_hot(torch.as_tensor(labels, dtype=torch.long).reshape(-1), k).float().reshape(n, k)

    def generate(self, z: torch.Tensor, labels=None) -> torch.Tensor:
        y = self._one_hot(labels, len(z))
        if y is not None:
            y = y[:, None, :].expand(-1, z.shape[1], -1) if z.dim() == 3 else y
            z = torch.cat([z, y], dim=-1)
        return self.generator(z)

    def discriminate(self, x: torch.Tensor, labels=None) -> torch.Tensor:
        y = self._one_hot(labels, len(x))
        arch = self.cfg.arch
        if arch in ("dense", "lstm"):
            x = x.reshape(len(x), -1)
            return self.discriminator(x if y is None else torch.cat([x, y], dim=1))
        if y is not None and arch == "rnn":
            x = torch.cat([x, y[:, None, :].expand(-1, x.shape[1], -1)], dim=-1)
        elif y is not None:   # dcgan: one constant plane per class
            x = torch.cat([x, y[:, :, None, None].expand(-1, -1, *x.shape[2:])], dim=1)
        return self.discriminator(x)


# ----- seed 002's losses, on raw scores -------------------------------------------------------
def discriminator_loss(loss: str, real_score: torch.Tensor, fake_score: torch.Tensor) -> torch.Tensor:
    """What the discriminator/critic minimises (see the module table)."""
    if loss in ("minimax", "non-saturating"):
        # log D(x) = logsigmoid(s), log(1 - D(G(z))) = logsigmoid(-s)
        return -(F.logsigmoid(real_score).mean() + F.logsigmoid(-fake_score).mean())
    if loss in ("wasserstein", "wasserstein-gp"):
        return -(real_score.mean() - fake_score.mean())
    raise ConfigError(f"unknown GAN loss {loss!r}; choose one of {LOSSES}")


def generator_loss(loss: str, fake_score: torch.Tensor) -> torch.Tensor:
    """What the generator minimises (see the module table)."""
    if loss == "minimax":
        return F.logsigmoid(-fake_score).mean()            # E log(1 - D(G(z)))
    if loss == "non-saturating":
        return -F.logsigmoid(fake_score).mean()            # -E log D(G(z))
    if loss in ("wasserstein", "wasserstein-gp"):
        return -fake_score.mean()
    raise ConfigError(f"unknown GAN loss {loss!r}; choose one of {LOSSES}")


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP: ``E (||grad_x D(x^)||_2 - 1)^2`` at ``x^ = e x + (1 - e) x~``, ``e ~ U(0, 1)`` per sample."""
    eps = torch.rand(len(real), *([1] * (real.dim() - 1)), generator=generator)
    mix = (eps * real + (1 - eps) * fake).requires_grad_(True)
    with stepwise_recurrence():  # a gradient of a gradient: recurrent layers step under autograd
        (g,) = torch.autograd.grad(critic(mix).sum(), mix, create_graph=True)
    return (g.reshape(len(g), -1).norm(dim=1) - 1).square().mean()


_PARAMETERS: "weakref.WeakKeyDictionary[torch.nn.Module, list]" = weakref.WeakKeyDictionary()


def _set_trainable(module: torch.nn.Module, flag: bool) -> None:
    """Switch the gradients of ``module``'s parameters on or off. The list is walked once per module and
    kept (four switches a step: walking the module tree each time cost ~8% of a small GAN's step)."""
    params = _PARAMETERS.get(module)
    if not params:   # (an empty list is not kept: a module built lazily gets its parameters later)
        params = _PARAMETERS[module] = list(module.parameters())
    for p in params:
        p.requires_grad_(flag)


def train_step(net: GANNet, real: torch.Tensor, opt_g, opt_d, loss: str, labels=None, n_critic: int = 1,
               clip_value: float = 0.01, gp_weight: float = 10.0,
               generator: torch.Generator | None = None) -> dict:
    """One round: ``n_critic`` discriminator updates against a static generator, then one generator
    update against a static discriminator. Returns ``{"d_loss", "g_loss", "d_real", "d_fake"}``
    (the mean raw scores of the last discriminator update)."""
    n = len(real)
    critic = (lambda x: net.discriminate(x, labels))
    _set_trainable(net.generator, False)                    # the generator is the static adversary
    _set_trainable(net.discriminator, True)
    for _ in range(int(n_critic)):
        with torch.no_grad():
            fake = net.generate(net.latent(n, generator), labels)
        real_score, fake_score = critic(real), critic(fake)
        d_loss = discriminator_loss(loss, real_score, fake_score)
        if loss == "wasserstein-gp":
            d_loss = d_loss + gp_weight * gradient_penalty(critic, real, fake, generator)
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
        if loss == "wasserstein":                           # WGAN's Lipschitz constraint
            with torch.no_grad():
                for p in net.discriminator.parameters():
                    p.clamp_(-clip_value, clip_value)
    _set_trainable(net.discriminator, False)                # now the discriminator is static
    _set_trainable(net.generator, True)
    g_loss = generator_loss(loss, critic(net.generate(net.latent(n, generator), labels)))
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    _set_trainable(net.discriminator, True)
    return {"d_loss": float(d_loss.detach()), "g_loss": float(g_loss.detach()),
            "d_real": float(real_score.detach().mean()), "d_fake": float(fake_score.detach().mean())}


def default_optimizers(net: GANNet, loss: str, lr: float | None = None):
    """``(opt_g, opt_d)``: RMSprop(5e-5) for weight-clipped WGAN (Arjovsky et al.), Adam(1e-4,
    betas 0.5/0.9) for WGAN-GP, Adam(2e-4, beta1 0.5) otherwise (DCGAN)."""
    if loss == "wasserstein":
        make = lambda p: torch.optim.RMSprop(p, lr=lr or 5e-5)          # noqa: E731
    elif loss == "wasserstein-gp":
        make = lambda p: torch.optim.Adam(p, lr=lr or 1e-4, betas=(0.5, 0.9))   # noqa: E731
    else:
        make = lambda p: torch.optim.Adam(p, lr=lr or 2e-4, betas=(0.5, 0.999))  # noqa: E731
    return make(net.generator.parameters()), make(net.discriminator.parameters())
