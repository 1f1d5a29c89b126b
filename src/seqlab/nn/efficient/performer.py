"""Performer attention (Choromanski et al. 2021): FAVOR+, softmax attention through ``m`` positive
orthogonal random features.

    exp(q . k) = E_w[phi(q) . phi(k)],   phi(x) = exp(W x - |x|^2 / 2) / sqrt(m),   W: (m, d) ~ N(0, I)

with q and k scaled by ``d^(-1/4)`` each (so q . k carries the usual ``1/sqrt(d)``). Then

    out = D^-1 phi(Q) (phi(K)^T V),   D = diag(phi(Q) (phi(K)^T 1))

costs ``T m d`` instead of ``T^2 d``. Causal: the same sums taken as prefix sums, chunk by chunk
(a carried ``(m, d)`` state plus a lower-triangular ``c x c`` product inside the chunk). The rows of
W are orthogonal in blocks of d and rescaled to chi-distributed norms (the paper's ORF). ``redraw()``
draws new features; with ``redraw_interval=N`` they are redrawn every N training calls.

>>> import torch
>>> attn = PerformerAttention(8, features=32)
>>> attn(torch.randn(1, 2, 20, 8), torch.randn(1, 2, 20, 8), torch.randn(1, 2, 20, 8), causal=True).shape
torch.Size([1, 2, 20, 8])
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError

CHUNK = 64  # steps per chunk of the causal prefix sums


def orthogonal_features(features: int, dim: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """``(features, dim)`` Gaussian rows made orthogonal in blocks of ``dim`` (QR), with chi(dim) norms."""
    rows = []
    for _ in range(-(-features // dim)):
        q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=generator, dtype=torch.float64))
        rows.append(q.T)
    w = torch.cat(rows)[:features]
    norms = torch.randn(features, dim, generator=generator, dtype=torch.float64).norm(dim=1, keepdim=True)
    return (w * norms).to(torch.float32)


def positive_features(x: torch.Tensor, w: torch.Tensor, stabilise: bool) -> torch.Tensor:
    """``phi(x) = exp(W x - |x|^2 / 2) / sqrt(m)`` for x ``(..., T, d)`` -> ``(..., T, m)``.

    ``stabilise`` subtracts each row's largest exponent (it cancels in a query's ratio)."""
    proj = x @ w.T
    exponent = proj - (x * x).sum(-1, keepdim=True) / 2
    if stabilise:
        exponent = exponent - exponent.amax(-1, keepdim=True).detach()
    return torch.exp(exponent) / w.shape[0] ** 0.5


class PerformerAttention(torch.nn.Module):
    """FAVOR+ attention with ``features`` random features (a buffer, saved with the model); causal supported.

    Call as :class:`~seqlab.nn.efficient.local.LocalAttention`, with q scaled by ``1/sqrt(d)``
    (rescaled here to ``d^(-1/4)`` on each side). Attention dropout does not apply (no weights are formed).
    """

    supports_causal = True
    self_only = False

    def __init__(self, head_dim: int, features: int = 64, redraw_interval: int | None = None,
                 generator: torch.Generator | None = None):
        super().__init__()
        if int(features) < 1 or (redraw_interval is not None and int(redraw_interval) < 1):
            raise ConfigError(f"performer attention needs features >= 1 and redraw_interval >= 1 (or None), "
                              f"got {features} and {redraw_interval}")
        self.head_dim, self.features = int(head_dim), int(features)
        self.redraw_interval = None if redraw_interval is None else int(redraw_interval)
        self.calls = 0
        self.register_buffer("projection", orthogonal_features(self.features, self.head_dim, generator))

    def redraw(self, generator: torch.Generator | None = None) -> None:
        """New random features (from ``generator``, else torch's global generator)."""
        w = orthogonal_features(self.features, self.head_dim, generator)
        self.projection = w.to(self.projection)

    def forward(self, q, k, v, causal=False, key_mask=None, dropout=0.0):
        if self.training and self.redraw_interval:
            if self.calls and self.calls % self.redraw_interval == 0:
                self.redraw()
            self.calls += 1
        d = q.shape[-1]
        q = q * d ** 0.25                                   # q arrives as q / sqrt(d): now q / d^(1/4)
        k = k / d ** 0.25
        w = self.projection.to(q.dtype)
        phi_q = positive_features(q, w, stabilise=True)                       # (B, nh, Tq, m)
        phi_k = positive_features(k, w, stabilise=False)                      # (B, nh, Tk, m)
        if key_mask is not None:
            phi_k = phi_k * key_mask[:, None, :, None].to(phi_k.dtype)
        if not causal:
            kv = phi_k.transpose(-1, -2) @ v                                 # (B, nh, m, dv)
            norm = phi_q @ phi_k.sum(2, keepdim=True).transpose(-1, -2)      # (B, nh, Tq, 1)
            return (phi_q @ kv) / norm.clamp_min(1e-30)
        if q.shape[2] != k.shape[2]:
            raise ConfigError("causal performer attention needs as many queries as keys")
        return self._prefix_sums(phi_q, phi_k, v)

    @staticmethod
    def _prefix_sums(phi_q, phi_k, v):
        """``out_i = phi(q_i) sum_{j<=i} phi(k_j) v_j^T / phi(q_i) sum_{j<=i} phi(k_j)``, chunk by chunk."""
        state = phi_k.new_zeros(*phi_k.shape[:2], phi_k.shape[-1], v.shape[-1])   # sum phi(k_j) v_j^T
        total = phi_k.new_zeros(*phi_k.shape[:2], 1, phi_k.shape[-1])             # sum phi(k_j)
        outs = []
        for start in range(0, phi_q.shape[2], CHUNK):
            pq, pk, vc = (x[:, :, start:start + CHUNK] for x in (phi_q, phi_k, v))
            inside = (pq @ pk.transpose(-1, -2)).tril()                               # (B, nh, c, c)
            num = pq @ state + inside @ vc
            den = pq @ total.transpose(-1, -2) + inside.sum(-1, keepdim=True)
            outs.append(num / den.clamp_min(1e-30))
            state = state + pk.transpose(-1, -2) @ vc
            total = total + pk.sum(2, keepdim=True)
        return torch.cat(outs, dim=2)
