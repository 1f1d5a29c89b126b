"""TimeGAN (Yoon, Jarrett and van der Schaar, NeurIPS 2019): a GAN that learns in the latent space
of an autoencoder, with a supervised next-step loss that teaches the generator the data's dynamics.

Five recurrent networks, each a stacked GRU followed by a per-step dense layer:

| network       | maps                                  | output              |
|---------------|---------------------------------------|---------------------|
| embedder      | real x (n, T, features) -> h          | sigmoid, ``hidden`` |
| recovery      | h -> x~ (the reconstruction)          | sigmoid, features   |
| generator     | z (n, T, z_dim), z ~ U(0, 1) -> e^    | sigmoid, ``hidden`` |
| supervisor    | h_t -> h_{t+1} (``num_layers - 1``)   | sigmoid, ``hidden`` |
| discriminator | latent sequence -> a logit per step   | linear, 1           |

A synthetic sequence is ``x^ = recovery(supervisor(generator(z)))``. Losses (the paper's eq. 7-9
with the weights of the authors' code; BCE on logits averaged over every step):

- reconstruction ``L_R = mean (x - x~)^2``; supervised ``L_S = mean (h_{t+1} - supervisor(h)_t)^2``;
- discriminator ``L_D = BCE(D(h), 1) + BCE(D(h^), 0) + gamma BCE(D(e^), 0)`` with ``h^ = supervisor(e^)``;
- generator ``L_G = BCE(D(h^), 1) + gamma BCE(D(e^), 1) + 100 sqrt(L_S) + 100 (L_std + L_mean)``, where
  ``L_std = mean |sqrt(var_n x^ + 1e-6) - sqrt(var_n x + 1e-6)|`` and ``L_mean = mean |mean_n x^ - mean_n x|``
  (moments over the batch, per step and feature);
- embedder + recovery ``L_E = 10 sqrt(L_R) + 0.1 L_S``.

Training (``seqlab.tasks.TimeGAN`` drives it): (1) ``embedding_step`` minimises ``10 sqrt(L_R)`` over
embedder + recovery; (2) ``supervised_step`` minimises ``L_S`` over generator + supervisor; (3)
``joint_step``: twice (generator + supervisor on ``L_G``, then embedder + recovery on ``L_E``), then
the discriminator on ``L_D`` only if ``L_D > 0.15`` on a fresh batch (so it does not overpower the
generator). Each side's optimiser only steps its own networks; the others are held static.

>>> import torch
>>> net = TimeGANNet(TimeGANConfig(seq_len=6, features=2, hidden=4, num_layers=2), seed=0)
>>> net.generate(net.noise(3)).shape, net.reconstruct(torch.rand(3, 6, 2)).shape
(torch.Size([3, 6, 2]), torch.Size([3, 6, 2]))
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.seeding import isolated_rng

D_LOSS_THRESHOLD = 0.15   # the discriminator trains only while L_D exceeds this (authors' code)


@dataclass
class TimeGANConfig:
    """seq_len, features: shape of one window; hidden: latent width (paper: 24, or 4 x features);
    num_layers: GRU layers of every network (the supervisor has one fewer, at least 1); z_dim:
    noise per step (None: ``features``); gamma: weight of the adversarial loss on e^."""

    seq_len: int = 24
    features: int = 1
    hidden: int = 24
    num_layers: int = 3
    z_dim: int | None = None
    gamma: float = 1.0

    def check(self) -> None:
        if int(self.seq_len) < 2 or int(self.features) < 1:
            raise ConfigError(f"TimeGAN needs windows of >= 2 steps and >= 1 feature, got "
                              f"({self.seq_len}, {self.features})")
        if int(self.hidden) < 1 or int(self.num_layers) < 1 or (self.z_dim is not None and int(self.z_dim) < 1):
            raise ConfigError("hidden, num_layers and z_dim must be >= 1")


class RecurrentNet(torch.nn.Module):
    """``num_layers`` stacked GRUs (torch's fused kernel) then a per-step Dense with ``activation``.
    ``(n, T, inputs) -> (n, T, outputs)``.

    >>> RecurrentNet(3, 5, 2, 2)(torch.zeros(4, 7, 3)).shape
    torch.Size([4, 7, 2])
    """

    def __init__(self, inputs: int, units: int, outputs: int, num_layers: int, activation: str | None = "sigmoid"):
        super().__init__()
        self.rnn = torch.nn.GRU(int(inputs), int(units), num_layers=int(num_layers), batch_first=True)
        self.dense = torch.nn.Linear(int(units), int(outputs))
        self.activation = activation
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """The authors' TensorFlow 1 initialisation rather than torch's: ``GRUCell`` draws its gate
        kernel (r, z) over ``[x, h]`` and its candidate kernel from Glorot-uniform, starts the gate
        biases at 1 (the gates begin mostly open: the state is carried) and the candidate's at 0;
        ``fully_connected`` is Glorot-uniform with zero bias."""
        units = self.rnn.hidden_size
        for layer in range(self.rnn.num_layers):
            w_ih, w_hh = getattr(self.rnn, f"weight_ih_l{layer}"), getattr(self.rnn, f"weight_hh_l{layer}")
            fan_in = w_ih.shape[1] + units                       # TF's kernel acts on concat([x, h])
            for rows, fan_out in ((slice(0, 2 * units), 2 * units), (slice(2 * units, 3 * units), units)):
                limit = (6.0 / (fan_in + fan_out)) ** 0.5
                w_ih[rows].uniform_(-limit, limit)
                w_hh[rows].uniform_(-limit, limit)
            b_ih, b_hh = getattr(self.rnn, f"bias_ih_l{layer}"), getattr(self.rnn, f"bias_hh_l{layer}")
            b_ih.zero_()
            b_hh.zero_()
            b_ih[:2 * units] = 1.0                               # r and z (torch's gate order r, z, n)
        torch.nn.init.xavier_uniform_(self.dense.weight)
        self.dense.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.dense(self.rnn(x)[0])
        return torch.sigmoid(y) if self.activation == "sigmoid" else y


class TimeGANNet(torch.nn.Module):
    """The five networks of TimeGAN for windows ``(seq_len, features)`` (see the module table).

    ``noise(n, generator=None) -> (n, seq_len, z_dim)`` uniform z; ``generate(z) -> (n, seq_len,
    features)`` synthetic windows in the scaled units; ``reconstruct(x)`` the autoencoder's x~.
    """

    def __init__(self, cfg: TimeGANConfig, seed: int | None = None):
        super().__init__()
        cfg.check()
        self.cfg = cfg
        f, h, k = int(cfg.features), int(cfg.hidden), int(cfg.num_layers)
        # torch.nn's GRU and Linear initialise from the global RNG: with a seed, from a fork seeded with it
        with isolated_rng(seed) if seed is not None else nullcontext():
            self.embedder = RecurrentNet(f, h, h, k)
            self.recovery = RecurrentNet(h, h, f, k)
            self.generator = RecurrentNet(self.z_dim, h, h, k)
            self.supervisor = RecurrentNet(h, h, h, max(k - 1, 1))
            self.discriminator = RecurrentNet(h, h, 1, k, activation=None)

    @property
    def z_dim(self) -> int:
        return int(self.cfg.z_dim or self.cfg.features)

    def noise(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.rand(int(n), int(self.cfg.seq_len), self.z_dim, generator=generator)

    def generate(self, z: torch.Tensor) -> torch.Tensor:
        return self.recovery(self.supervisor(self.generator(z)))

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.recovery(self.embedder(x))


# ----- losses ---------------------------------------------------------------------------------
def supervised_loss(net: TimeGANNet, h: torch.Tensor) -> torch.Tensor:
    """``L_S``: mean squared error of the supervisor's one-step-ahead prediction in latent space."""
    return F.mse_loss(net.supervisor(h)[:, :-1], h[:, 1:])


def moment_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``L_std + L_mean``: batch moments of synthetic vs real windows, per step and feature."""
    std = (torch.sqrt(x_hat.var(0, unbiased=False) + 1e-6) - torch.sqrt(x.var(0, unbiased=False) + 1e-6)).abs()
    return std.mean() + (x_hat.mean(0) - x.mean(0)).abs().mean()


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def discriminator_loss(net: TimeGANNet, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """``L_D`` on real windows ``x`` and noise ``z`` (embedder, generator, supervisor static)."""
    with torch.no_grad():
        h = net.embedder(x)
        e_hat = net.generator(z)
        h_hat = net.supervisor(e_hat)
    y_real, y_fake, y_fake_e = net.discriminator(torch.cat([h, h_hat, e_hat])).split([len(h), len(z), len(z)])
    return _bce(y_real, 1.0) + _bce(y_fake, 0.0) + float(net.cfg.gamma) * _bce(y_fake_e, 0.0)


def _set_trainable(modules, flag: bool) -> None:
    for m in modules:
        for p in m.parameters():
            p.requires_grad_(flag)


def _step(opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


# ----- the three phases ------------------------------------------------------------------------
def make_optimizers(net: TimeGANNet, lr: float = 1e-3) -> dict[str, torch.optim.Optimizer]:
    """One Adam per objective, as the authors' code: ``embedding`` (phase 1), ``supervised``
    (phase 2), ``generator``, ``embedder``, ``discriminator`` (phase 3)."""
    er = [*net.embedder.parameters(), *net.recovery.parameters()]
    gs = [*net.generator.parameters(), *net.supervisor.parameters()]
    return {"embedding": torch.optim.Adam(er, lr=lr), "supervised": torch.optim.Adam(gs, lr=lr),
            "generator": torch.optim.Adam(gs, lr=lr), "embedder": torch.optim.Adam(er, lr=lr),
            "discriminator": torch.optim.Adam(net.discriminator.parameters(), lr=lr)}


def embedding_step(net: TimeGANNet, x: torch.Tensor, opt) -> dict:
    """Phase 1: one update of embedder + recovery on ``10 sqrt(L_R)``. Returns ``{"reconstruction_loss": L_R}``."""
    mse = F.mse_loss(net.reconstruct(x), x)
    _step(opt, 10 * torch.sqrt(mse))
    return {"reconstruction_loss": float(mse.detach())}


def supervised_step(net: TimeGANNet, x: torch.Tensor, opt) -> dict:
    """Phase 2: one update of the supervisor on ``L_S`` over the real latent sequences (the
    generator is in the optimiser as in the authors' code but gets no gradient from ``L_S``)."""
    with torch.no_grad():
        h = net.embedder(x)
    loss = supervised_loss(net, h)
    _step(opt, loss)
    return {"supervised_loss": float(loss.detach())}


def generator_step(net: TimeGANNet, x: torch.Tensor, z: torch.Tensor, opt) -> dict:
    """Phase 3, generator side: one update of generator + supervisor on ``L_G``."""
    _set_trainable((net.recovery, net.discriminator), False)
    try:
        with torch.no_grad():
            h = net.embedder(x)
        e_hat = net.generator(z)
        h_hat, h_sup = net.supervisor(torch.cat([e_hat, h])).split([len(z), len(h)])   # one call, two batches
        x_hat = net.recovery(h_hat)
        y_fake, y_fake_e = net.discriminator(torch.cat([h_hat, e_hat])).split([len(z), len(z)])
        adv, adv_e = _bce(y_fake, 1.0), _bce(y_fake_e, 1.0)
        sup = F.mse_loss(h_sup[:, :-1], h[:, 1:])
        mom = moment_loss(x_hat, x)
        _step(opt, adv + float(net.cfg.gamma) * adv_e + 100 * torch.sqrt(sup) + 100 * mom)
    finally:
        _set_trainable((net.recovery, net.discriminator), True)
    return {"g_adversarial_loss": float(adv.detach()), "supervised_loss": float(sup.detach()),
            "moment_loss": float(mom.detach())}


def embedder_step(net: TimeGANNet, x: torch.Tensor, opt) -> dict:
    """Phase 3, autoencoder side: one update of embedder + recovery on ``L_E = 10 sqrt(L_R) + 0.1 L_S``."""
    _set_trainable((net.supervisor,), False)
    try:
        h = net.embedder(x)
        mse = F.mse_loss(net.recovery(h), x)
        _step(opt, 10 * torch.sqrt(mse) + 0.1 * supervised_loss(net, h))
    finally:
        _set_trainable((net.supervisor,), True)
    return {"reconstruction_loss": float(mse.detach())}


def discriminator_step(net: TimeGANNet, x: torch.Tensor, z: torch.Tensor, opt) -> dict:
    """Phase 3, discriminator side: compute ``L_D``; update the discriminator only if it exceeds
    ``D_LOSS_THRESHOLD``. Returns ``{"d_loss", "d_updated"}``."""
    loss = discriminator_loss(net, x, z)
    updated = float(loss.detach()) > D_LOSS_THRESHOLD
    if updated:
        _step(opt, loss)
    return {"d_loss": float(loss.detach()), "d_updated": float(updated)}


def joint_step(net: TimeGANNet, batches, opts: dict) -> dict:
    """Phase 3, one iteration. ``batches``: a callable returning a fresh ``(x, z)`` pair; it is
    called three times (two generator/embedder rounds, one discriminator round). Returns the
    logs of the last round of each side merged."""
    logs: dict = {}
    for _ in range(2):
        x, z = batches()
        logs.update(generator_step(net, x, z, opts["generator"]))
        logs.update(embedder_step(net, x, opts["embedder"]))
    x, z = batches()
    logs.update(discriminator_step(net, x, z, opts["discriminator"]))
    return logs
