"""Autoencoders (seed 000's 784-32-784; seed 003's sparse, denoising, contractive, stacked and
deep variants), built from seqlab layers.

An autoencoder is an encoder ``h = f(x)`` to a code of ``code_size`` numbers and a decoder
``x' = g(h)`` trained to make ``x'`` close to ``x``. The variants add to the reconstruction loss:

- sparse: ``sparsity_weight * mean_n sum_j |h_j|`` (L1 activity) or
  ``sparsity_weight * sum_j KL(rho || rho_hat_j)``, ``rho_hat_j = mean_n h_j`` (KL sparsity).
- denoising: the encoder sees a corrupted ``x~`` (entries zeroed with probability ``noise_level``,
  or ``x + noise_level * N(0, 1)``); the loss still compares ``g(f(x~))`` with the clean ``x``.
- contractive: ``contractive_weight * mean_n ||J_f(x)||_F^2``, the Jacobian of the code w.r.t. x.
- stacked: each (encoder layer, decoder layer) pair is first trained alone on the codes of the
  layers below (greedy, ``layer_pairs()``), then the whole stack is fine-tuned.
- deep: the same stack initialised from a deep belief network (``init_from_dbn``).

The penalties are returned by ``regularization_loss()``, which ``seqlab.train.Trainer`` adds to
every training batch's loss; the corruption happens only in training mode.

>>> import torch
>>> ae = AutoencoderNet(AutoencoderConfig(kind="dense", input_shape=(64,), code_size=32))
>>> ae(torch.rand(5, 64)).shape, ae.encode(torch.rand(5, 64)).shape
(torch.Size([5, 64]), torch.Size([5, 32]))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, Shape
from seqlab.nn.container import LayerStack
from seqlab.nn.conv import Conv2D, MaxPooling2D
from seqlab.nn.core import Dense, Flatten, Reshape
from seqlab.nn.lstm_bptt import stepwise_recurrence
from seqlab.nn.recurrent import LSTM
from seqlab.nn.seeding import make_generator

KINDS = ("dense", "conv", "lstm")


@dataclass
class AutoencoderConfig:
    """What builds an ``AutoencoderNet``.

    kind: "dense" (input (features,)), "conv" (input (C, H, W), H and W divisible by 4) or
    "lstm" (input (time, features); seq2seq: LSTM encoder, code repeated over time, LSTM decoder).
    hidden: Dense sizes between input and code (dense) or LSTM units (lstm, first entry).
    output_activation: "sigmoid" for data in [0, 1], None (linear) for standardised data.
    sparsity: None, "l1" or "kl"; noise: None, "mask" or "gaussian"; contractive_weight > 0 adds
    the Jacobian penalty.
    """

    kind: str = "dense"
    input_shape: tuple = (784,)
    code_size: int = 32
    hidden: tuple = ()
    activation: str = "relu"
    code_activation: str | None = None          # None: same as ``activation`` (dense/conv)
    output_activation: str | None = "sigmoid"
    sparsity: str | None = None
    sparsity_weight: float = 1e-4
    sparsity_target: float = 0.05
    noise: str | None = None
    noise_level: float = 0.2
    contractive_weight: float = 0.0
    extra: dict = field(default_factory=dict)

    def check(self) -> None:
        if self.kind not in KINDS:
            raise ConfigError(f"autoencoder kind must be one of {KINDS}, got {self.kind!r}")
        if int(self.code_size) < 1:
            raise ConfigError(f"code_size must be >= 1, got {self.code_size}")
        if self.sparsity not in (None, "l1", "kl"):
            raise ConfigError(f"sparsity must be None, 'l1' or 'kl', got {self.sparsity!r}")
        if self.noise not in (None, "mask", "gaussian"):
            raise ConfigError(f"noise must be None, 'mask' or 'gaussian', got {self.noise!r}")
        if self.noise == "mask" and not 0.0 <= self.noise_level < 1.0:
            raise ConfigError(f"mask noise_level is a probability in [0, 1), got {self.noise_level}")
        if self.sparsity == "kl" and not 0.0 < self.sparsity_target < 1.0:
            raise ConfigError(f"sparsity_target must be in (0, 1), got {self.sparsity_target}")
        need = {"dense": 1, "conv": 3, "lstm": 2}[self.kind]
        if len(self.input_shape) != need:
            raise ConfigError(f"a {self.kind} autoencoder takes samples of rank {need}, got shape "
                              f"{tuple(self.input_shape)}")
        if self.kind == "conv" and (self.input_shape[1] % 4 or self.input_shape[2] % 4):
            raise ConfigError(f"conv autoencoder needs H and W divisible by 4, got {tuple(self.input_shape)}")


class Upsample2D(Layer):
    """Nearest-neighbour upsampling of ``(batch, C, H, W)`` by an integer ``size`` (Keras UpSampling2D).

    >>> Upsample2D(2)(torch.ones(1, 3, 4, 4)).shape
    torch.Size([1, 3, 8, 8])
    """

    def __init__(self, size: int = 2, **kwargs):
        self.size = int(size)
        super().__init__(**kwargs)
        self.image_layout = True
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = input_shape
        return (c, h * self.size, w * self.size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.interpolate(x, scale_factor=self.size, mode="nearest")


def sparsity_penalty(code: torch.Tensor, kind: str, weight: float, target: float = 0.05) -> torch.Tensor:
    """Sparsity of the code ``(batch, code_size)``: L1 activity ``weight * mean_n sum_j |h_j|`` or
    KL ``weight * sum_j [rho log(rho/rho_hat_j) + (1-rho) log((1-rho)/(1-rho_hat_j))]``.

    >>> float(sparsity_penalty(torch.tensor([[1.0, -2.0]]), "l1", 0.5))
    1.5
    """
    if kind == "l1":
        return weight * code.abs().reshape(len(code), -1).sum(1).mean()
    rho_hat = code.reshape(len(code), -1).mean(0).clamp(1e-6, 1 - 1e-6)   # needs codes in (0, 1)
    rho = target
    kl = rho * torch.log(rho / rho_hat) + (1 - rho) * torch.log((1 - rho) / (1 - rho_hat))
    return weight * kl.sum()


def corrupt(x: torch.Tensor, noise: str, level: float) -> torch.Tensor:
    """Seed 003's denoising input: entries set to 0 with probability ``level`` ("mask") or
    ``x + level * N(0, 1)`` ("gaussian"). Same shape as ``x``."""
    if noise == "mask":
        return x * (torch.rand_like(x) >= level).to(x.dtype)
    return x + level * torch.randn_like(x)


def contractive_penalty(x: torch.Tensor, encode, weight: float) -> torch.Tensor:
    """``weight * mean_n ||d encode(x_n) / d x_n||_F^2`` through autograd (one backward pass per
    code unit; each sample's code depends on that sample only). ``x``: ``(batch, ...)``."""
    x = x.detach().requires_grad_(True)
    with stepwise_recurrence():  # a gradient of a gradient: recurrent layers step under autograd
        code = encode(x).reshape(len(x), -1)
    total = x.new_zeros(())
    for j in range(code.shape[1]):
        (g,) = torch.autograd.grad(code[:, j].sum(), x, create_graph=True)
        total = total + g.square().sum()
    return weight * total / len(x)


def _dense_stacks(cfg: AutoencoderConfig):
    n_in = int(cfg.input_shape[0])
    sizes = [*[int(h) for h in cfg.hidden], int(cfg.code_size)]
    code_act = cfg.code_activation or cfg.activation
    enc = [Dense(s, activation=code_act if i == len(sizes) - 1 else cfg.activation) for i, s in enumerate(sizes)]
    back = [*reversed(sizes[:-1]), n_in]
    dec = [Dense(s, activation=cfg.output_activation if i == len(back) - 1 else cfg.activation)
           for i, s in enumerate(back)]
    return enc, dec, (int(cfg.code_size),)


def _conv_stacks(cfg: AutoencoderConfig):
    c, h, w = (int(v) for v in cfg.input_shape)
    f1, f2 = (list(cfg.hidden) + [16, 8])[:2] if cfg.hidden else (16, 8)
    act, code_act = cfg.activation, cfg.code_activation or cfg.activation
    enc = [Conv2D(f1, 3, padding="same", activation=act, data_format="channels_first"), MaxPooling2D(2),
           Conv2D(f2, 3, padding="same", activation=act, data_format="channels_first"), MaxPooling2D(2),
           Flatten(), Dense(cfg.code_size, activation=code_act)]
    dec = [Dense(f2 * (h // 4) * (w // 4), activation=act), Reshape((f2, h // 4, w // 4)), Upsample2D(2),
           Conv2D(f1, 3, padding="same", activation=act, data_format="channels_first"), Upsample2D(2),
           Conv2D(c, 3, padding="same", activation=cfg.output_activation, data_format="channels_first")]
    return enc, dec, (int(cfg.code_size),)


class _Repeat(Layer):
    """``(batch, code) -> (batch, time, code)``: Keras's RepeatVector."""

    def __init__(self, n: int, **kwargs):
        self.n = int(n)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (self.n, *input_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.unsqueeze(1).expand(-1, self.n, *x.shape[1:])


def _lstm_stacks(cfg: AutoencoderConfig):
    t, f = (int(v) for v in cfg.input_shape)
    units = int(cfg.hidden[0]) if cfg.hidden else max(2 * int(cfg.code_size), 16)
    enc = [LSTM(units), Dense(cfg.code_size, activation=cfg.code_activation)]
    dec = [_Repeat(t), LSTM(units, return_sequences=True), Dense(f, activation=cfg.output_activation)]
    return enc, dec, (int(cfg.code_size),)


class AutoencoderNet(torch.nn.Module):
    """Encoder and decoder ``LayerStack``s for ``cfg`` (an ``AutoencoderConfig``).

    ``forward(x) -> reconstruction`` (same shape as ``x``); ``encode(x) -> (batch, code_size)``;
    ``decode(h) -> (batch, *input_shape)``. In training mode ``forward`` corrupts the input
    (``cfg.noise``) and stores the sparsity and contractive penalties for ``regularization_loss``.
    ``seed``: the initial weights come from ``make_generator(seed)`` (encoder, then decoder), so they
    are reproducible and torch's global RNG is not touched; None draws from the global generator.

    >>> net = AutoencoderNet(AutoencoderConfig(kind="lstm", input_shape=(10, 2), code_size=4))
    >>> net(torch.zeros(3, 10, 2)).shape
    torch.Size([3, 10, 2])
    """

    def __init__(self, cfg: AutoencoderConfig, seed: int | None = None):
        super().__init__()
        cfg.check()
        self.cfg = cfg
        build = {"dense": _dense_stacks, "conv": _conv_stacks, "lstm": _lstm_stacks}[cfg.kind]
        generator = make_generator(seed)
        enc, dec, code_shape = build(cfg)
        self.encoder = LayerStack(enc, input_shape=tuple(cfg.input_shape), generator=generator)
        self.decoder = LayerStack(dec, input_shape=code_shape, generator=generator)
        self._penalty: torch.Tensor | None = None

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        return self.decoder(h)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        if not self.training:
            return self.decode(self.encode(x))
        x_in = corrupt(x, cfg.noise, cfg.noise_level) if cfg.noise and cfg.noise_level > 0 else x
        code = self.encode(x_in)
        penalty = x.new_zeros(())
        if cfg.sparsity:
            penalty = penalty + sparsity_penalty(code, cfg.sparsity, cfg.sparsity_weight, cfg.sparsity_target)
        if cfg.contractive_weight > 0:
            penalty = penalty + contractive_penalty(x_in, self.encode, cfg.contractive_weight)
        self._penalty = penalty
        return self.decode(code)

    def regularization_loss(self) -> torch.Tensor:
        """The penalties of the last training forward pass (0 in evaluation mode)."""
        if not self.training or self._penalty is None:
            return torch.zeros(())
        return self._penalty

    def layer_pairs(self) -> list[tuple[Layer, Layer]]:
        """Dense kind: ``[(encoder layer k, decoder layer mirroring it)]``, bottom up, for greedy
        layer-wise training (pair k reconstructs the output of encoder layers < k)."""
        if self.cfg.kind != "dense":
            raise ConfigError("greedy layer-wise training needs kind='dense'")
        enc, dec = list(self.encoder.layers), list(self.decoder.layers)
        return list(zip(enc, reversed(dec)))

    def init_from_dbn(self, encoder_weights, decoder_weights) -> None:
        """Seed 003's deep autoencoder: Dense kernels and biases from a DBN's
        ``encoder_weights()`` (bottom up) and ``decoder_weights()`` (top down, kernel = W^T)."""
        enc, dec = list(self.encoder.layers), list(self.decoder.layers)
        if self.cfg.kind != "dense" or len(enc) != len(encoder_weights) or len(dec) != len(decoder_weights):
            raise ConfigError(f"a DBN with {len(encoder_weights)} RBMs fits a dense autoencoder with as many "
                              f"encoder layers; this one has {len(enc)}")
        for layer, (k, b) in [*zip(enc, encoder_weights), *zip(dec, decoder_weights)]:
            layer.set_weights([np.asarray(k, np.float32), np.asarray(b, np.float32)])


def n_inputs(shape) -> int:
    """Number of scalars in one sample of ``shape``."""
    return int(math.prod(int(s) for s in shape))
