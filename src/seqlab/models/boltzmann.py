"""Deep Boltzmann machines, and partition functions by annealed importance sampling (AIS).

A layered Boltzmann machine has binary layers ``x_0 = v, x_1 = h1, ..., x_L`` with weights
``W_l (n_l, n_{l+1})`` between neighbours and a bias ``b_l`` per layer; its energy is

    E(x) = - sum_l x_l W_l x_{l+1} - sum_l b_l . x_l          p(x) = exp(-E(x)) / Z

An RBM is the case L = 1. A deep Boltzmann machine (Salakhutdinov & Hinton, 2009) has L >= 2 and,
unlike a DBN, every connection is undirected (seed 003, 3.2.4.3). Each layer given its two
neighbours is a product of independent Bernoullis:

    p(x_l = 1 | x_{l-1}, x_{l+1}) = sigmoid(x_{l-1} W_{l-1} + x_{l+1} W_l^T + b_l)

Training (``DeepBoltzmannMachine.persistent_update``): the data-dependent statistics come from
mean-field inference (``mean_field``: the fixed point of mu_l = sigmoid(mu_{l-1} W_{l-1} +
mu_{l+1} W_l^T + b_l) with mu_0 = v), the model's from persistent Gibbs chains; the step is
``lr * (mu_l^T mu_{l+1} / n - s_l^T s_{l+1} / M)``. ``pretrain`` is the paper's greedy stack of RBMs
with doubled inputs at the ends, so the pre-trained weights suit a layer that hears both neighbours.

Partition function: given the odd layers (h1, h3, ...), the even layers (v, h2, ...) are
independent and can be summed out analytically, so AIS (Neal, 2001; Salakhutdinov & Murray, 2008)
runs its chains over the odd layers only. The intermediate distributions are
``p_beta ~ exp(-beta E(x) + (1 - beta) a0 . v)``, from a base model whose only parameter is a
visible bias ``a0`` (the data's base rates) to the target at beta = 1. ``exact_log_partition``
enumerates the odd layers' states for tiny models (the tests' reference).

>>> import torch
>>> dbm = DeepBoltzmannMachine([4, 3, 2], seed=0)
>>> [m.shape for m in dbm.mean_field(torch.ones(5, 4))]
[torch.Size([5, 3]), torch.Size([5, 2])]
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.seeding import make_generator

MAX_EXACT_UNITS = 20  # exact_log_partition enumerates 2**(odd units) states


def _bernoulli_entropy(p: torch.Tensor) -> torch.Tensor:
    """Sum over the last axis of the entropy of independent Bernoullis with means ``p``."""
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(p * p.log() + (1 - p) * (1 - p).log()).sum(-1)


def neighbour_input(weights, biases, states: Sequence[torch.Tensor | None], layer: int) -> torch.Tensor:
    """The input ``x_{l-1} W_{l-1} + x_{l+1} W_l^T + b_l`` of ``layer`` of a layered Boltzmann machine
    from its neighbours' ``states`` (``weights[l]``: ``(size_l, size_{l+1})``)."""
    total = biases[layer]
    if layer > 0:
        total = total + states[layer - 1] @ weights[layer - 1]
    if layer < len(weights):
        total = total + states[layer + 1] @ weights[layer].T
    return total


class LayeredBoltzmann:
    """Weights and biases of a layered Boltzmann machine, and the computations AIS needs.

    ``weights[l]`` is ``(n_l, n_{l+1})``, ``biases[l]`` is ``(n_l,)``; layer 0 is visible. Works for
    an RBM (``from_rbm``) and a DBM alike.

    >>> m = LayeredBoltzmann([torch.zeros(3, 2)], [torch.zeros(3), torch.zeros(2)])
    >>> round(m.exact_log_partition(), 4) == round(5 * math.log(2), 4)
    True
    """

    def __init__(self, weights: Sequence[torch.Tensor], biases: Sequence[torch.Tensor]):
        self.weights = [w.detach().double() for w in weights]
        self.biases = [b.detach().double() for b in biases]
        if len(self.biases) != len(self.weights) + 1:
            raise ConfigError(f"{len(self.weights)} weight matrices need {len(self.weights) + 1} biases, "
                              f"got {len(self.biases)}")

    @classmethod
    def from_rbm(cls, rbm) -> "LayeredBoltzmann":
        """The RBM ``seqlab.models.rbm.RestrictedBoltzmannMachine`` as a one-hidden-layer machine."""
        return cls([rbm.W], [rbm.visible_bias, rbm.hidden_bias])

    @property
    def sizes(self) -> list[int]:
        return [len(b) for b in self.biases]

    def layer_input(self, states: Sequence[torch.Tensor | None], layer: int) -> torch.Tensor:
        """The input of ``layer`` from its neighbours (``neighbour_input``)."""
        return neighbour_input(self.weights, self.biases, states, layer)

    def log_unnormalised_odd(self, states: Sequence[torch.Tensor | None], beta: float = 1.0,
                             base_visible_bias: torch.Tensor | None = None) -> torch.Tensor:
        """log of p*_beta(odd layers) with the even layers summed out: ``(n,)``.

        ``states[l]`` is given for odd ``l`` (even entries are ignored). At ``beta`` < 1 the model
        is ``exp(-beta E + (1 - beta) a0 . v)`` with ``a0 = base_visible_bias`` (zeros if None)."""
        a0 = torch.zeros_like(self.biases[0]) if base_visible_bias is None else base_visible_bias.double()
        n = next(s for i, s in enumerate(states) if i % 2 == 1).shape[0]
        total = torch.zeros(n, dtype=torch.float64)
        for layer in range(len(self.biases)):
            if layer % 2 == 1:
                total = total + beta * (states[layer] @ self.biases[layer])
                continue
            inputs = beta * self.layer_input(states, layer)
            if layer == 0:
                inputs = inputs + (1 - beta) * a0
            total = total + F.softplus(inputs).sum(-1)
        return total

    def sample_layer(self, states: list, layer: int, beta: float, generator: torch.Generator,
                     base_visible_bias: torch.Tensor | None = None) -> None:
        """Replace ``states[layer]`` by a sample from p_beta(layer | its neighbours)."""
        inputs = beta * self.layer_input(states, layer)
        if layer == 0 and base_visible_bias is not None:
            inputs = inputs + (1 - beta) * base_visible_bias.double()
        states[layer] = torch.bernoulli(torch.sigmoid(inputs), generator=generator)

    def base_log_partition(self, base_visible_bias: torch.Tensor | None = None) -> float:
        """log Z of the beta = 0 model: independent visible units with bias a0, the rest uniform."""
        a0 = torch.zeros_like(self.biases[0]) if base_visible_bias is None else base_visible_bias.double()
        return float(F.softplus(a0).sum()) + sum(self.sizes[1:]) * math.log(2.0)

    def exact_log_partition(self) -> float:
        """log Z by enumerating every state of the odd layers (at most 20 odd units in all)."""
        odd = [layer for layer in range(len(self.biases)) if layer % 2 == 1]
        n_odd = sum(self.sizes[layer] for layer in odd)
        if n_odd > MAX_EXACT_UNITS:
            raise ConfigError(f"exact log Z enumerates 2**{n_odd} states; at most {MAX_EXACT_UNITS} odd units")
        codes = torch.arange(2 ** n_odd)
        bits = ((codes[:, None] >> torch.arange(n_odd)) & 1).double()
        states: list = [None] * len(self.biases)
        start = 0
        for layer in odd:
            states[layer] = bits[:, start:start + self.sizes[layer]]
            start += self.sizes[layer]
        return float(torch.logsumexp(self.log_unnormalised_odd(states), 0))

    def ais_log_partition(self, n_runs: int = 100, n_betas: int = 10_000,
                          base_visible_bias: torch.Tensor | None = None, seed: int = 0) -> tuple[float, float]:
        """AIS estimate of log Z: ``(log Z, its standard error on the log scale)``.

        ``n_runs`` parallel chains over the odd layers, ``n_betas`` temperatures spaced evenly
        from 0 to 1; each step adds ``log p*_{b_k}(x) - log p*_{b_{k-1}}(x)`` to the chain's
        log-weight, then moves ``x`` by one Gibbs sweep at ``b_k`` (even layers, then odd)."""
        g = make_generator(seed)
        a0 = None if base_visible_bias is None else base_visible_bias.double()
        states: list = [None] * len(self.biases)
        start_v = torch.sigmoid(a0 if a0 is not None else torch.zeros_like(self.biases[0]))
        states[0] = torch.bernoulli(start_v.expand(n_runs, -1).contiguous(), generator=g)
        for layer in range(1, len(self.biases)):
            states[layer] = torch.bernoulli(torch.full((n_runs, self.sizes[layer]), 0.5, dtype=torch.float64),
                                            generator=g)
        betas = torch.linspace(0.0, 1.0, int(n_betas)).double().tolist()
        log_w = torch.zeros(n_runs, dtype=torch.float64)
        for previous, beta in zip(betas[:-1], betas[1:]):
            log_w += (self.log_unnormalised_odd(states, beta, a0) - self.log_unnormalised_odd(states, previous, a0))
            for parity in (0, 1):
                for layer in range(parity, len(self.biases), 2):
                    self.sample_layer(states, layer, beta, g, a0)
        log_mean = torch.logsumexp(log_w, 0) - math.log(n_runs)
        weights = (log_w - log_w.max()).exp()
        relative_error = float(weights.std() / (weights.mean() * math.sqrt(n_runs)))
        return float(log_mean) + self.base_log_partition(a0), relative_error


class DeepBoltzmannMachine(torch.nn.Module):
    """A DBM with Bernoulli layers ``layer_sizes = [n_visible, h1, h2, ...]`` (at least two hidden).

    Args: layer_sizes; seed: for the initial weights (N(0, 0.01)) and the persistent chains.

    >>> dbm = DeepBoltzmannMachine([6, 4, 3], seed=0)
    >>> dbm.sample(2, steps=3).shape
    torch.Size([2, 6])
    """

    def __init__(self, layer_sizes: Sequence[int], seed: int | None = None):
        super().__init__()
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 3 or min(sizes) < 1:
            raise ConfigError(f"a DBM needs [n_visible, h1, h2, ...] with >= 2 hidden layers, got {list(layer_sizes)}")
        self.generator = make_generator(0 if seed is None else int(seed))
        self.weights = torch.nn.ParameterList(
            torch.nn.Parameter(torch.randn(i, o, generator=self.generator) * 0.01, requires_grad=False)
            for i, o in zip(sizes[:-1], sizes[1:]))
        self.biases = torch.nn.ParameterList(torch.nn.Parameter(torch.zeros(s), requires_grad=False)
                                             for s in sizes)
        self.chains: list[torch.Tensor] | None = None

    @property
    def sizes(self) -> list[int]:
        return [len(b) for b in self.biases]

    def layered(self) -> LayeredBoltzmann:
        """The machine's parameters (float64) for AIS and exact computations."""
        return LayeredBoltzmann(list(self.weights), list(self.biases))

    def _input(self, states: Sequence[torch.Tensor], layer: int) -> torch.Tensor:
        return neighbour_input(self.weights, self.biases, states, layer)

    @torch.no_grad()
    def mean_field(self, v: torch.Tensor, steps: int = 30, tolerance: float = 1e-6) -> list[torch.Tensor]:
        """The mean-field posterior ``[mu_1, ..., mu_L]`` of the hidden layers given ``v (n, n_visible)``.

        Starts from one bottom-up pass (each layer's input doubled but the top's, as in the paper's
        pre-training) and updates the layers in turn until no mean moves more than ``tolerance``."""
        mus = [v]
        for layer in range(1, len(self.biases)):
            factor = 1.0 if layer == len(self.weights) else 2.0
            mus.append(torch.sigmoid(factor * (mus[-1] @ self.weights[layer - 1]) + self.biases[layer]))
        for _ in range(int(steps)):
            change = 0.0
            for layer in range(1, len(self.biases)):
                new = torch.sigmoid(self._input(mus, layer))
                change = max(change, float((new - mus[layer]).abs().max()))
                mus[layer] = new
            if change < tolerance:
                break
        return mus[1:]

    @torch.no_grad()
    def gibbs_sweep(self, states: list[torch.Tensor]) -> list[torch.Tensor]:
        """One sweep of block Gibbs sampling: the odd layers given the even ones, then the even."""
        states = list(states)
        for parity in (1, 0):
            for layer in range(parity, len(self.biases), 2):
                states[layer] = torch.bernoulli(torch.sigmoid(self._input(states, layer)), generator=self.generator)
        return states

    def _new_chains(self, n: int) -> list[torch.Tensor]:
        return [torch.bernoulli(torch.full((n, s), 0.5), generator=self.generator) for s in self.sizes]

    @torch.no_grad()
    def persistent_update(self, v: torch.Tensor, learning_rate: float = 0.01, n_chains: int = 100,
                          gibbs_steps: int = 1, mean_field_steps: int = 30) -> float:
        """One stochastic-approximation step on the batch ``v``: mean-field statistics of the data
        minus the persistent chains' statistics (after ``gibbs_steps`` sweeps). Returns the mean
        absolute error of the one-pass reconstruction of ``v`` from mu_1."""
        mus = [v] + self.mean_field(v, mean_field_steps)
        if self.chains is None or self.chains[0].shape[0] != int(n_chains):
            self.chains = self._new_chains(int(n_chains))
        for _ in range(int(gibbs_steps)):
            self.chains = self.gibbs_sweep(self.chains)
        n, m = len(v), len(self.chains[0])
        for layer, weight in enumerate(self.weights):
            data = mus[layer].T @ mus[layer + 1] / n
            model = self.chains[layer].T @ self.chains[layer + 1] / m
            weight.add_(float(learning_rate) * (data - model))
        for layer, bias in enumerate(self.biases):
            bias.add_(float(learning_rate) * (mus[layer].mean(0) - self.chains[layer].mean(0)))
        reconstruction = torch.sigmoid(mus[1] @ self.weights[0].T + self.biases[0])
        return float((reconstruction - v).abs().mean())

    @torch.no_grad()
    def pretrain(self, v: torch.Tensor, epochs: int = 20, batch_size: int = 100, learning_rate: float = 0.05) -> None:
        """Greedy layer-wise pre-training (Salakhutdinov & Hinton 2009, section 3.1): RBM l learns
        the layer below's probabilities with CD-1; the bottom RBM doubles its bottom-up input, the top
        one its top-down input and the middle ones both, so each layer later hears two neighbours."""
        inputs = v
        last = len(self.weights) - 1
        for layer, weight in enumerate(self.weights):
            up = 1.0 if layer == last else 2.0
            down = 1.0 if layer == 0 else 2.0
            a, b = self.biases[layer], self.biases[layer + 1]
            for _ in range(int(epochs)):
                order = torch.randperm(len(inputs), generator=self.generator)
                for start in range(0, len(inputs), int(batch_size)):
                    v0 = inputs[order[start:start + int(batch_size)]]
                    ph0 = torch.sigmoid(up * (v0 @ weight) + b)
                    h0 = torch.bernoulli(ph0, generator=self.generator)
                    v1 = torch.sigmoid(down * (h0 @ weight.T) + a)
                    ph1 = torch.sigmoid(up * (v1 @ weight) + b)
                    scale = float(learning_rate) / len(v0)
                    weight.add_(scale * (v0.T @ ph0 - v1.T @ ph1))
                    b.add_(scale * (ph0 - ph1).sum(0))
                    if layer == 0:
                        a.add_(scale * (v0 - v1).sum(0))
            inputs = torch.sigmoid(up * (inputs @ weight) + b)

    @torch.no_grad()
    def fit(self, v: torch.Tensor, epochs: int = 20, batch_size: int = 100, learning_rate: float = 0.01,
            pretrain_epochs: int = 20, n_chains: int = 100) -> list[float]:
        """Pre-train greedily, then ``epochs`` passes of ``persistent_update`` over ``v``; returns
        the mean reconstruction error per epoch."""
        v = torch.as_tensor(v, dtype=torch.float32)
        if pretrain_epochs:
            self.pretrain(v, pretrain_epochs, batch_size)
        errors = []
        for _ in range(int(epochs)):
            order = torch.randperm(len(v), generator=self.generator)
            batch_errors = [self.persistent_update(v[order[s:s + int(batch_size)]], learning_rate, n_chains)
                            for s in range(0, len(v), int(batch_size))]
            errors.append(sum(batch_errors) / len(batch_errors))
        return errors

    @torch.no_grad()
    def sample(self, n: int, steps: int = 1000) -> torch.Tensor:
        """``n`` visible vectors (probabilities) after ``steps`` Gibbs sweeps from random states."""
        states = self._new_chains(int(n))
        for _ in range(int(steps)):
            states = self.gibbs_sweep(states)
        return torch.sigmoid(self._input(states, 0))

    @torch.no_grad()
    def log_likelihood_bound(self, v: torch.Tensor, log_partition: float) -> torch.Tensor:
        """The variational lower bound on log p(v) per row, from the mean-field posterior q:
        ``E_q[-E(v, h)] + H(q) - log Z``."""
        v = torch.as_tensor(v, dtype=torch.float64)
        model = self.layered()
        mus = [v] + [m.double() for m in self.mean_field(v.float())]
        energy = sum((mus[layer] @ w * mus[layer + 1]).sum(-1) for layer, w in enumerate(model.weights))
        energy = energy + sum(mu @ b for mu, b in zip(mus, model.biases))
        entropy = sum(_bernoulli_entropy(mu) for mu in mus[1:])
        return energy + entropy - log_partition


def rbm_log_likelihood(rbm, v: torch.Tensor, log_partition: float) -> torch.Tensor:
    """Exact log p(v) = -F(v) - log Z of an RBM per row, given its ``log_partition``."""
    return -rbm.free_energy(torch.as_tensor(v, dtype=torch.float32)).double() - log_partition


def dbn_log_likelihood_bound(dbn, v: torch.Tensor, top_log_partition: float, samples: int = 10,
                             seed: int = 0) -> torch.Tensor:
    """A lower bound on log p(v) per row under a DBN (top RBM undirected, the rest directed down):
    ``E_q[sum_l log p(h_{l-1} | h_l) + log p_top(h_{L-1})] + H(q)``, q the recognition pass, the
    expectation over ``samples`` draws. ``top_log_partition`` is log Z of the top RBM."""
    g = make_generator(seed)
    rbms = list(dbn.rbms)
    v = torch.as_tensor(v, dtype=torch.float32)
    total = torch.zeros(len(v), dtype=torch.float64)
    for _ in range(int(samples)):
        below, bound = v, torch.zeros(len(v), dtype=torch.float64)
        for rbm in rbms[:-1]:
            q = rbm.hidden_probs(below)
            h = torch.bernoulli(q, generator=g)
            p_below = rbm.visible_probs(h).double().clamp(1e-7, 1 - 1e-7)
            bound += (below * p_below.log() + (1 - below) * (1 - p_below).log()).sum(-1)
            bound += _bernoulli_entropy(q.double())
            below = h
        bound += -rbms[-1].free_energy(below).double() - top_log_partition
        total += bound
    return total / int(samples)
