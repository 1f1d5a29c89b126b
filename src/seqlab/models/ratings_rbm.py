"""The RBM for collaborative filtering of Salakhutdinov, Mnih & Hinton (2007), "Restricted Boltzmann
machines for collaborative filtering", ICML: one RBM per user, all sharing weights, whose visible
units are only the movies that user rated.

A user's ratings are categories ``0 .. K-1`` (for seed 003's recommender K = 2: 0 not liked,
1 liked), one-hot ``V (n_users, n_movies, K)``, all-zero rows for movies the user did not rate.
Weights ``W (n_movies, K, n_hidden)``, visible bias ``a (n_movies, K)``, hidden bias ``b``:

    p(h_j = 1 | V) = sigmoid(b_j + sum_i sum_k V_ik W_ikj)         (only rated movies contribute)
    p(v_i = k | h) = softmax_k(a_ik + sum_j h_j W_ikj)             (a K-way softmax per movie)

Training is CD-T on the rated movies only: the positive statistics come from ``V``, the negative
ones from a softmax sample of the rated movies after T steps; unrated movies have no visible unit
at all (they are neither clamped nor reconstructed). A prediction for a movie the user did not rate
is the mean-field pass of the paper: ``p(v_i = k | p(h | V))`` with ``V`` the user's known ratings.
With K = 2 the softmax is a Bernoulli unit with its own weights for "rated, not liked" and
"rated, liked", so a dislike says something, unlike 0 in a 0/1 visible vector.

>>> rbm = RatingsRBM(3, 2, 4, seed=0)
>>> V = one_hot_ratings(torch.tensor([[1, -1, 0]]), 2)
>>> rbm.hidden_probs(V).shape, rbm.visible_probs(rbm.hidden_probs(V)).shape
(torch.Size([1, 4]), torch.Size([1, 3, 2]))
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.seeding import make_generator

MAX_WEIGHTS = 2**28   # as models.rbm: a bigger RBM is a typo


def one_hot_ratings(categories: torch.Tensor, K: int) -> torch.Tensor:
    """``(n, n_movies)`` integer categories (negative = not rated) -> one-hot ``(n, n_movies, K)``
    with all-zero rows where nothing was rated.

    >>> one_hot_ratings(torch.tensor([[1, -1]]), 2).tolist()
    [[[0.0, 1.0], [0.0, 0.0]]]
    """
    rated = categories >= 0
    out = F.one_hot(torch.where(rated, categories, 0).long(), int(K)).float()
    return out * rated.unsqueeze(-1)


class RatingsRBM(torch.nn.Module):
    """Softmax visible units for rated movies only, Bernoulli hidden units.

    Args: n_movies, K (categories per rating), n_hidden; seed for the initial weights (N(0, 0.01));
    the visible biases start at 0 (``init_visible_bias`` sets them to the log-frequencies of the
    training ratings, as Hinton's practical guide advises). Tensors are buffers changed by
    ``contrastive_divergence``: ``W (n_movies, K, n_hidden)``, ``visible_bias (n_movies, K)``,
    ``hidden_bias (n_hidden,)``.
    """

    def __init__(self, n_movies: int, K: int, n_hidden: int, seed: int | None = None):
        super().__init__()
        if int(n_movies) < 1 or int(K) < 2 or int(n_hidden) < 1:
            raise ConfigError(f"a ratings RBM needs >= 1 movie, >= 2 rating categories and >= 1 hidden unit, "
                              f"got {n_movies}, {K} and {n_hidden}")
        if int(n_movies) * int(K) * int(n_hidden) > MAX_WEIGHTS:
            raise ConfigError(f"{n_movies} movies x {K} categories x {n_hidden} hidden units is too many "
                              "weights; use fewer hidden units")
        g = make_generator(0 if seed is None else seed)
        self.register_buffer("W", torch.randn(int(n_movies), int(K), int(n_hidden), generator=g) * 0.01)
        self.register_buffer("visible_bias", torch.zeros(int(n_movies), int(K)))
        self.register_buffer("hidden_bias", torch.zeros(int(n_hidden)))
        self.velocity: list[torch.Tensor] | None = None

    @property
    def n_movies(self) -> int:
        return self.W.shape[0]

    @property
    def K(self) -> int:
        return self.W.shape[1]

    @property
    def n_hidden(self) -> int:
        return self.W.shape[2]

    def init_visible_bias(self, V: torch.Tensor) -> None:
        """Visible biases = log of each movie's rating frequencies in ``V`` (one-hot), with one
        pseudo-count per category so unrated movies start uniform."""
        counts = V.sum(0) + 1.0
        self.visible_bias.copy_(torch.log(counts / counts.sum(1, keepdim=True)))

    def hidden_probs(self, V: torch.Tensor) -> torch.Tensor:
        """p(h = 1 | V): one-hot ``(n, n_movies, K)`` -> ``(n, n_hidden)``."""
        return torch.sigmoid(V.reshape(len(V), -1) @ self.W.reshape(-1, self.n_hidden) + self.hidden_bias)

    def visible_probs(self, h: torch.Tensor, offset: torch.Tensor | None = None) -> torch.Tensor:
        """p(v_i = k | h) for every movie: ``(n, n_hidden)`` -> ``(n, n_movies, K)`` (rows sum to 1).
        ``offset`` ``(n, n_movies)``, if given, is added to the logit of the top category (a per-user,
        per-movie visible bias: the conditioning of a conditional RBM)."""
        if self.K == 2:   # the same softmax as a sigmoid of the difference: several times faster
            liked = self._liked_probs(h, offset)
            return torch.stack([1 - liked, liked], dim=-1)
        logits = (h @ self.W.reshape(-1, self.n_hidden).T).reshape(len(h), self.n_movies, self.K) + self.visible_bias
        if offset is not None:
            logits = logits + F.pad(offset.unsqueeze(-1), (self.K - 1, 0))
        return torch.softmax(logits, dim=-1)

    def _liked_probs(self, h: torch.Tensor, offset: torch.Tensor | None = None) -> torch.Tensor:
        """K = 2: p(v_i = 1 | h) = sigmoid(a_i1 - a_i0 + h (W_i1 - W_i0) + offset), ``(n, n_movies)``."""
        W, a = self.W, self.visible_bias
        logit = h @ (W[:, 1] - W[:, 0]).T + (a[:, 1] - a[:, 0])
        return torch.sigmoid(logit if offset is None else logit + offset)

    def predict_probs(self, V: torch.Tensor, offset: torch.Tensor | None = None) -> torch.Tensor:
        """The paper's prediction: ``p(v | p(h | V))`` for every movie, ``(n, n_movies, K)``."""
        return self.visible_probs(self.hidden_probs(V), offset)

    def sample_visible(self, h: torch.Tensor, rated: torch.Tensor, generator=None,
                       offset: torch.Tensor | None = None) -> torch.Tensor:
        """One-hot samples of p(v | h) on the ``rated`` movies (bool ``(n, n_movies)``), zeros elsewhere."""
        if self.K == 2:
            liked = torch.bernoulli(self._liked_probs(h, offset), generator=generator) * rated
            return torch.stack([rated.float() - liked, liked], dim=-1)
        p = self.visible_probs(h, offset)
        draw = torch.multinomial(p.reshape(-1, self.K), 1, generator=generator).reshape(rated.shape)
        return F.one_hot(draw, self.K).float() * rated.unsqueeze(-1)

    @torch.no_grad()
    def contrastive_divergence(self, V: torch.Tensor, k: int = 1, learning_rate: float = 0.01,
                               generator=None, momentum: float = 0.0, weight_decay: float = 0.0,
                               offset: torch.Tensor | None = None) -> float:
        """One CD-k update on the one-hot batch ``V``: the chain starts at the data, samples h, and
        resamples the rated movies k times; then ``W += lr (V^T p(h|V) - Vk^T p(h|Vk)) / n - lr wd W``
        (biases alike, no decay), with ``momentum`` times the last step added. Returns the share of
        rated movies whose sampled category differs from the data (the training reconstruction error).
        ``offset``: as in ``visible_probs``, for the users of the batch."""
        rated = V.sum(-1) > 0
        ph0 = self.hidden_probs(V)
        h = torch.bernoulli(ph0, generator=generator)
        for step in range(int(k)):
            Vk = self.sample_visible(h, rated, generator, offset)
            phk = self.hidden_probs(Vk)
            if step + 1 < int(k):
                h = torch.bernoulli(phk, generator=generator)
        self.apply_update(V, Vk, ph0, phk, learning_rate, momentum, weight_decay)
        wrong = ((V - Vk).abs().sum(-1) > 0) & rated
        return float(wrong.sum() / rated.sum().clamp(min=1))

    def apply_update(self, V0, Vk, ph0, phk, learning_rate: float, momentum: float = 0.0,
                     weight_decay: float = 0.0) -> None:
        """The CD step from the positive ``(V0, ph0)`` and negative ``(Vk, phk)`` statistics."""
        n, lr = len(V0), float(learning_rate)
        flat0, flatk = V0.reshape(n, -1), Vk.reshape(n, -1)
        steps = [((flat0.T @ ph0 - flatk.T @ phk) / n).reshape(self.W.shape) * lr - lr * float(weight_decay) * self.W,
                 (V0 - Vk).sum(0) / n * lr, (ph0 - phk).sum(0) / n * lr]
        params = (self.W, self.visible_bias, self.hidden_bias)
        if momentum:
            if self.velocity is None:
                self.velocity = [torch.zeros_like(p) for p in params]
            for v, step in zip(self.velocity, steps):
                v.mul_(float(momentum)).add_(step)
            steps = self.velocity
        for p, step in zip(params, steps):
            p.add_(step)
