"""Restricted Boltzmann machines trained with contrastive divergence, and deep belief networks.

Bernoulli visible units ``v`` (n_visible) and hidden units ``h`` (n_hidden), weights ``W`` of
shape ``(n_visible, n_hidden)`` as in seed 003's worked example (row i = visible node i), hidden
bias ``b`` and visible bias ``a``:

    p(h_j = 1 | v) = sigmoid(v W + b)_j          p(v_i = 1 | h) = sigmoid(h W^T + a)_i
    F(v) = -v.a - sum_j softplus(v W + b)_j      (free energy)

CD-k (seed 003): start the chain at the data ``v0``, alternate k Gibbs steps to ``vk`` and move
the weights by ``v0^T p(h|v0) - vk^T p(h|vk)`` (times ``learning_rate / batch``). Persistent CD
starts each negative chain where the previous one stopped. Missing inputs are negative numbers
(-1 = not rated); as in the seed's recommender they are clamped to that value at every Gibbs step
and never scored.

>>> import torch
>>> rbm = RestrictedBoltzmannMachine.from_weights(torch.zeros(3, 2), torch.zeros(2), torch.zeros(3))
>>> rbm.hidden_probs(torch.ones(1, 3))
tensor([[0.5000, 0.5000]])
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.seeding import make_generator

VISIBLE_UNITS = ("bernoulli", "gaussian")
MAX_WEIGHTS = 2**28  # float32 weights (1 GiB); a bigger RBM is a typo, not a plan


def add_steps(model: torch.nn.Module, params, steps, momentum: float = 0.0) -> None:
    """Add each step to its parameter, in place. With ``momentum`` each step adds ``momentum`` times
    the previous one (Hinton's practical guide, section 9); the velocities live on ``model.velocity``
    (None until the first step with momentum)."""
    if momentum:
        if model.velocity is None:
            model.velocity = [torch.zeros_like(p) for p in params]
        for v, step in zip(model.velocity, steps):
            v.mul_(float(momentum)).add_(step)
        steps = model.velocity
    for p, step in zip(params, steps):
        p.add_(step)


class RestrictedBoltzmannMachine(torch.nn.Module):
    """A Bernoulli-Bernoulli RBM.

    Args: n_visible, n_hidden: layer sizes; seed: for the initial weights (N(0, 0.01), biases 0);
    visible: "bernoulli" (0/1 units, the seed's) or "gaussian" (real units of unit variance, for
    standardised data: p(v | h) = N(h W^T + a, 1) and F(v) = |v - a|^2 / 2 - sum softplus(v W + b)).
    Tensors: ``W (n_visible, n_hidden)``, ``hidden_bias (n_hidden,)``, ``visible_bias (n_visible,)``;
    they are buffers, changed by ``contrastive_divergence``, not by autograd.

    >>> rbm = RestrictedBoltzmannMachine(6, 2, seed=0)
    >>> rbm.hidden_probs(torch.ones(4, 6)).shape
    torch.Size([4, 2])
    """

    def __init__(self, n_visible: int, n_hidden: int, seed: int | None = None, visible: str = "bernoulli"):
        super().__init__()
        if visible not in VISIBLE_UNITS:
            raise ConfigError(f"visible must be one of {VISIBLE_UNITS}, got {visible!r}")
        self.visible = visible
        if int(n_visible) < 1 or int(n_hidden) < 1:
            raise ConfigError(f"an RBM needs >= 1 visible and hidden unit, got {n_visible} and {n_hidden}")
        if int(n_visible) * int(n_hidden) > MAX_WEIGHTS:
            gib = int(n_visible) * int(n_hidden) * 4 / 2**30
            raise ConfigError(f"{n_visible} visible x {n_hidden} hidden units need {gib:.1f} GiB of weights; "
                              "use fewer hidden units")
        g = make_generator(0 if seed is None else seed)
        self.register_buffer("W", torch.randn(int(n_visible), int(n_hidden), generator=g) * 0.01)
        self.register_buffer("hidden_bias", torch.zeros(int(n_hidden)))
        self.register_buffer("visible_bias", torch.zeros(int(n_visible)))
        self.chain: torch.Tensor | None = None          # persistent CD's visible state
        self.velocity: list[torch.Tensor] | None = None  # momentum's last step (W, b, a)

    @classmethod
    def from_weights(cls, W, hidden_bias, visible_bias, visible: str = "bernoulli") -> "RestrictedBoltzmannMachine":
        """An RBM with the given ``W (n_visible, n_hidden)``, ``hidden_bias``, ``visible_bias``."""
        W = torch.as_tensor(np.asarray(W, dtype=np.float32))
        b = torch.as_tensor(np.asarray(hidden_bias, dtype=np.float32)).reshape(-1)
        a = torch.as_tensor(np.asarray(visible_bias, dtype=np.float32)).reshape(-1)
        if W.ndim != 2 or W.shape != (len(a), len(b)):
            raise ConfigError(f"W must be (n_visible, n_hidden) = ({len(a)}, {len(b)}), got {tuple(W.shape)}")
        rbm = cls(W.shape[0], W.shape[1], visible=visible)
        rbm.W.copy_(W)
        rbm.hidden_bias.copy_(b)
        rbm.visible_bias.copy_(a)
        return rbm

    @property
    def n_visible(self) -> int:
        return self.W.shape[0]

    @property
    def n_hidden(self) -> int:
        return self.W.shape[1]

    def hidden_probs(self, v: torch.Tensor) -> torch.Tensor:
        """p(h = 1 | v): ``(n, n_visible) -> (n, n_hidden)``."""
        return torch.sigmoid(v @ self.W + self.hidden_bias)

    def visible_probs(self, h: torch.Tensor) -> torch.Tensor:
        """p(v = 1 | h) (Gaussian units: the mean of v): ``(n, n_hidden) -> (n, n_visible)``."""
        mean = h @ self.W.T + self.visible_bias
        return mean if self.visible == "gaussian" else torch.sigmoid(mean)

    def sample_hidden(self, v: torch.Tensor, generator: torch.Generator | None = None):
        """``(p(h|v), a Bernoulli sample of it)``."""
        p = self.hidden_probs(v)
        return p, torch.bernoulli(p, generator=generator)

    def sample_visible(self, h: torch.Tensor, generator: torch.Generator | None = None):
        """``(p(v|h), a Bernoulli sample of it)``."""
        p = self.visible_probs(h)
        if self.visible == "gaussian":
            return p, p + torch.randn(p.shape, generator=generator)
        return p, torch.bernoulli(p, generator=generator)

    def gibbs(self, v: torch.Tensor, k: int = 1, generator: torch.Generator | None = None,
              clamp: torch.Tensor | None = None) -> torch.Tensor:
        """``k`` steps v -> h -> v of sampling; entries where ``clamp`` (bool, like v) is True
        keep their value from ``v`` (the seed's missing ratings). Returns the visible sample."""
        vk = v
        for _ in range(int(k)):
            _, hk = self.sample_hidden(vk, generator)
            _, vk = self.sample_visible(hk, generator)
            if clamp is not None:
                vk = torch.where(clamp, v, vk)
        return vk

    def free_energy(self, v: torch.Tensor) -> torch.Tensor:
        """F(v) = -v.a - sum softplus(v W + b) (Gaussian units: |v - a|^2 / 2 in place of -v.a):
        ``(n, n_visible) -> (n,)``; lower = more probable."""
        hidden = F.softplus(v @ self.W + self.hidden_bias).sum(-1)
        if self.visible == "gaussian":
            return 0.5 * (v - self.visible_bias).square().sum(-1) - hidden
        return -(v @ self.visible_bias) - hidden

    def apply_update(self, v0, vk, ph0, phk, learning_rate: float = 1.0, momentum: float = 0.0,
                     weight_decay: float = 0.0) -> None:
        """Seed 003's ``train``: W += lr (v0^T ph0 - vk^T phk) / n, b += lr sum(ph0 - phk) / n,
        a += lr sum(v0 - vk) / n, with ``n`` the batch size. With ``momentum`` each step adds
        ``momentum`` times the previous step (Hinton's practical guide, section 9); ``weight_decay``
        adds ``-lr * weight_decay * W`` to the weight step (L2, section 10). Both 0: the seed's rule."""
        scale = float(learning_rate) / len(v0)
        steps = [(v0.T @ ph0 - vk.T @ phk) * scale, (ph0 - phk).sum(0) * scale, (v0 - vk).sum(0) * scale]
        if weight_decay:
            steps[0] -= float(learning_rate) * float(weight_decay) * self.W
        params = (self.W, self.hidden_bias, self.visible_bias)
        add_steps(self, params, steps, momentum)

    @torch.no_grad()
    def contrastive_divergence(self, v0: torch.Tensor, k: int = 1, learning_rate: float = 0.1,
                               persistent: bool = False, generator: torch.Generator | None = None,
                               momentum: float = 0.0, weight_decay: float = 0.0) -> float:
        """One CD-k (or persistent CD-k) update on the batch ``v0 (n, n_visible)``; negative
        entries are missing and stay clamped. Returns the mean absolute reconstruction error
        over the observed entries (the seed's training loss). ``momentum``, ``weight_decay``:
        see ``apply_update``."""
        missing = v0 < 0 if self.visible == "bernoulli" else torch.zeros_like(v0, dtype=torch.bool)
        ph0 = self.hidden_probs(v0)
        start = v0
        if persistent:
            if self.chain is None or self.chain.shape != v0.shape:
                self.chain = v0.clone()
            start = torch.where(missing, v0, self.chain)
        vk = self.gibbs(start, k, generator, clamp=missing)
        if persistent:
            self.chain = vk.clone()
        phk = self.hidden_probs(vk)
        self.apply_update(v0, vk, ph0, phk, learning_rate, momentum, weight_decay)
        observed = ~missing
        return float((v0[observed] - vk[observed]).abs().mean()) if observed.any() else 0.0


class DeepBeliefNetwork(torch.nn.Module):
    """A greedy layer-wise stack of RBMs (seed 003): RBM i learns the hidden probabilities of
    RBM i-1. ``layer_sizes = [n_visible, h1, h2, ...]``.

    ``encoder_weights()`` gives ``[(kernel (in, out), bias (out,)), ...]`` in Dense layout, bottom
    up, and ``decoder_weights()`` the mirrored stack (kernel = W^T, bias = visible bias), top down,
    to initialise a deep autoencoder.

    >>> dbn = DeepBeliefNetwork([6, 4, 2], seed=0)
    >>> [k.shape for k, _ in dbn.encoder_weights()]
    [(6, 4), (4, 2)]
    """

    def __init__(self, layer_sizes: Sequence[int], seed: int | None = None):
        super().__init__()
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2:
            raise ConfigError(f"a DBN needs at least [n_visible, n_hidden], got {list(layer_sizes)}")
        base = 0 if seed is None else int(seed)
        self.rbms = torch.nn.ModuleList(RestrictedBoltzmannMachine(i, o, seed=base + n)
                                        for n, (i, o) in enumerate(zip(sizes[:-1], sizes[1:])))

    def transform(self, v: torch.Tensor, upto: int | None = None) -> torch.Tensor:
        """Hidden probabilities of layer ``upto`` (default the top): ``(n, sizes[upto])``."""
        for rbm in list(self.rbms)[:upto]:
            v = rbm.hidden_probs(v)
        return v

    def reconstruct(self, v: torch.Tensor) -> torch.Tensor:
        """Up the stack with probabilities and back down: ``(n, n_visible)``."""
        h = self.transform(v)
        h = self.rbms[-1].visible_probs(h)
        for n in reversed(range(len(self.rbms) - 1)):
            h = self._down(n, h)
        return h

    @property
    def untied(self) -> bool:
        """True once ``wake_sleep`` has given the directed layers their own generative weights."""
        return hasattr(self, "gen_W0")

    def untie(self) -> None:
        """Give each directed layer (all but the top RBM) generative weights ``gen_W{l} (n_hidden,
        n_visible)`` and biases ``gen_bias{l}``, copied from the tied ``W^T`` and visible bias."""
        for n, rbm in enumerate(list(self.rbms)[:-1]):
            if not hasattr(self, f"gen_W{n}"):
                self.register_buffer(f"gen_W{n}", rbm.W.T.clone())
                self.register_buffer(f"gen_bias{n}", rbm.visible_bias.clone())

    def _down(self, n: int, h: torch.Tensor) -> torch.Tensor:
        """p(layer n = 1 | layer n + 1) with the generative weights (tied ones until ``untie``)."""
        if self.untied:
            return torch.sigmoid(h @ getattr(self, f"gen_W{n}") + getattr(self, f"gen_bias{n}"))
        return self.rbms[n].visible_probs(h)

    @torch.no_grad()
    def sample(self, n: int, gibbs_steps: int = 200, seed: int | None = None) -> torch.Tensor:
        """Generate ``n`` visible vectors (probabilities): run the top RBM's Gibbs chain for
        ``gibbs_steps`` from random states, then go down the directed layers (seed 003: the top two
        layers are undirected, the rest directed).

        >>> DeepBeliefNetwork([6, 4, 2], seed=0).sample(3, gibbs_steps=5).shape
        torch.Size([3, 6])
        """
        g = make_generator(0 if seed is None else int(seed))
        top = self.rbms[-1]
        v = torch.bernoulli(torch.full((int(n), top.n_visible), 0.5), generator=g)
        v = top.gibbs(v, int(gibbs_steps), g)
        for layer in reversed(range(len(self.rbms) - 1)):
            p = self._down(layer, v)
            v = p if layer == 0 else torch.bernoulli(p, generator=g)
        return v

    @torch.no_grad()
    def wake_sleep(self, v: torch.Tensor, epochs: int = 10, batch_size: int = 100, learning_rate: float = 0.01,
                   k: int = 1, seed: int | None = None) -> list[float]:
        """Fine-tune with the up-down (wake-sleep) algorithm of Hinton, Osindero & Teh (2006).

        Wake: sample the layers upwards with the recognition weights, then move the generative
        weights so each layer predicts the one below (``lr h_up^T (h_low - p_gen(h_low | h_up))``);
        the top RBM takes a CD-k step on the top sample. Sleep: from the top RBM's chain go down with
        the generative weights, then move the recognition weights so they recover the layer above
        from the one below. Untie first. Returns the mean reconstruction error per epoch."""
        self.untie()
        g = make_generator(0 if seed is None else int(seed))
        v = torch.as_tensor(v, dtype=torch.float32)
        lower, top = list(self.rbms)[:-1], self.rbms[-1]
        errors = []
        for _ in range(int(epochs)):
            order = torch.randperm(len(v), generator=g)
            batch_errors = []
            for start in range(0, len(v), int(batch_size)):
                batch = v[order[start:start + int(batch_size)]]
                scale = float(learning_rate) / len(batch)
                wake = [batch]
                for rbm in lower:
                    wake.append(torch.bernoulli(rbm.hidden_probs(wake[-1]), generator=g))
                for n in range(len(lower)):
                    error = wake[n] - self._down(n, wake[n + 1])
                    getattr(self, f"gen_W{n}").add_(scale * wake[n + 1].T @ error)
                    getattr(self, f"gen_bias{n}").add_(scale * error.sum(0))
                top.contrastive_divergence(wake[-1], k=k, learning_rate=float(learning_rate), generator=g)
                sleep = [top.gibbs(wake[-1], k, g)]
                for n in reversed(range(len(lower))):
                    sleep.insert(0, torch.bernoulli(self._down(n, sleep[0]), generator=g))
                for n, rbm in enumerate(lower):
                    error = sleep[n + 1] - rbm.hidden_probs(sleep[n])
                    rbm.W.add_(scale * sleep[n].T @ error)
                    rbm.hidden_bias.add_(scale * error.sum(0))
                reconstruction = self._down(0, lower[0].hidden_probs(batch)) if lower else top.visible_probs(
                    top.hidden_probs(batch))
                batch_errors.append(float((reconstruction - batch).abs().mean()))
            errors.append(sum(batch_errors) / len(batch_errors))
        return errors

    def encoder_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(r.W.numpy().copy(), r.hidden_bias.numpy().copy()) for r in self.rbms]

    def decoder_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(r.W.T.numpy().copy(), r.visible_bias.numpy().copy()) for r in reversed(self.rbms)]
