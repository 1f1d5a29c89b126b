"""Attention layers: dot-product (Luong), additive (Bahdanau) and multi-head (Vaswani et al.).

Every layer is called as ``attn(query, value, key=None, mask=None)``: ``query`` is
``(batch, Tq, Dq)`` (or ``(batch, Dq)`` for one decoder step), ``value`` is ``(batch, Tv, Dv)`` and
``key`` defaults to ``value``. ``mask`` follows Keras: True where a value step is real, either
``(batch, Tv)`` (padding) or ``(batch, Tq, Tv)``. A query that may attend to nothing (all its keys
masked) gets a zero context instead of NaN.

>>> import torch
>>> q, v = torch.randn(2, 3, 8), torch.randn(2, 5, 8)
>>> context, weights = Attention()(q, v)
>>> context.shape, weights.shape
(torch.Size([2, 3, 8]), torch.Size([2, 3, 5]))
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, Shape, new_weight

SCORE_MODES = ("dot", "scaled_dot", "general")


def attention_mask(mask: torch.Tensor | None, batch: int, tq: int, tv: int, causal: bool,
                   device: torch.device) -> torch.Tensor | None:
    """Combine a padding/attention mask and a causal mask into one bool ``(batch, Tq, Tv)`` (True = attend).

    Returns None when nothing is masked.
    """
    allowed = None
    if mask is not None:
        mask = mask.to(device=device, dtype=torch.bool)
        if mask.dim() == 2:
            if tuple(mask.shape) != (batch, tv):
                raise ConfigError(f"mask must be (batch, Tv) = {(batch, tv)}, got {tuple(mask.shape)}")
            mask = mask[:, None, :]
        elif mask.dim() != 3 or mask.shape[-1] != tv or mask.shape[-2] not in (1, tq):
            raise ConfigError(f"mask must be (batch, Tv) or (batch, Tq, Tv) = {(batch, tq, tv)}, "
                              f"got {tuple(mask.shape)}")
        allowed = mask.expand(batch, tq, tv)
    if causal:
        # query i sees keys j <= i (+ offset when the query is the last Tq steps of the keys)
        tri = torch.ones(tq, tv, dtype=torch.bool, device=device).tril(tv - tq)
        allowed = tri.expand(batch, tq, tv) if allowed is None else allowed & tri
    return allowed


def _masked_softmax(scores: torch.Tensor, allowed: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the last axis where ``allowed``; rows with no allowed key give zeros."""
    if allowed is None:
        return scores.softmax(-1)
    scores = scores.masked_fill(~allowed, float("-inf"))
    empty = ~allowed.any(-1, keepdim=True)
    return scores.masked_fill(empty, 0.0).softmax(-1).masked_fill(empty, 0.0)


class _TwoSources:
    """The sizes of ``value`` and ``key`` for a layer built from the query's shape alone.

    ``value_features`` (None: the query's size) and ``key_features`` (None: the value's size) are
    taken from the first call, or given, and kept in the config, so a layer rebuilt from its config
    (a loaded model) has weights of the same shapes.
    """

    value_features: int | None = None
    key_features: int | None = None

    def _set_sources(self, value_features: int | None, key_features: int | None) -> None:
        self.value_features = None if value_features is None else int(value_features)
        self.key_features = None if key_features is None else int(key_features)

    def _see_sources(self, query: torch.Tensor, value: torch.Tensor, key: torch.Tensor) -> None:
        q, v, k = int(query.shape[-1]), int(value.shape[-1]), int(key.shape[-1])
        self._set_sources(v if v != q else None, k if k != v else None)

    def _source_dims(self, query_dim: int) -> tuple[int, int]:
        """(value size, key size) for queries of ``query_dim`` features."""
        value_dim = self.value_features or query_dim
        return value_dim, self.key_features or value_dim

    def __call__(self, query, value=None, key=None, mask=None, **kwargs):
        """Defaults: ``value`` is the query (self-attention), ``key`` the value; the first call fixes their sizes."""
        value = query if value is None else value
        key = value if key is None else key
        if not self.built:
            self._see_sources(query, value, key)
            self.build_for(tuple(query.shape[1:]))
        return super().__call__(query, value, key, mask, **kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["value_features"], cfg["key_features"] = self.value_features, self.key_features
        return cfg


class _QueryValueAttention(_TwoSources, Layer):
    """Shared plumbing: builds from the query's shape (and the sizes of value and key), handles
    2-D queries and masks."""

    causal = False


    def forward(self, query, value, key=None, mask=None):
        key = value if key is None else key
        single = query.dim() == 2
        if single:
            query = query[:, None, :]
        if value.dim() != 3 or key.dim() != 3 or query.dim() != 3:
            raise ConfigError("attention needs query (batch, Tq, D) or (batch, D) and value/key "
                              f"(batch, Tv, D); got {tuple(query.shape)}, {tuple(value.shape)}")
        scores = self.score(query, key)                                    # (batch, Tq, Tv)
        allowed = attention_mask(mask, query.shape[0], query.shape[1], key.shape[1], self.causal,
                                 query.device)
        weights = _masked_softmax(scores, allowed)
        context = weights @ value                                          # (batch, Tq, Dv)
        if single:
            return context[:, 0], weights[:, 0]
        return context, weights

    def _query_key_dims(self, input_shape: Shape) -> tuple[int, int]:
        """(query size, key size) for ``build``."""
        query_dim = input_shape[-1]
        return query_dim, self._source_dims(query_dim)[1]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape[:-1], self._source_dims(input_shape[-1])[0])  # the context has the value's size


class Attention(_QueryValueAttention):
    """Dot-product attention (Luong et al. 2015): ``softmax(score(q, k)) @ v``.

    Args:
        score_mode: ``"dot"`` (q . k), ``"scaled_dot"`` (q . k / sqrt(d), Vaswani et al.) or
            ``"general"`` (q W k, Luong's "general"; W is ``(Dq, Dk)``).
        use_scale: multiply scores by one learned scalar (Keras's ``use_scale``), initialised to 1.
        causal: query step i only sees value steps <= i (Keras's ``use_causal_mask``).
        value_features, key_features: sizes of value and key (None: the query's, the value's);
            taken from the first call, and kept in the config so the layer rebuilds without data.

    Call ``attn(query, value, key=None, mask=None)`` -> ``(context, weights)``:
    context ``(batch, Tq, Dv)``, weights ``(batch, Tq, Tv)``; a 2-D query ``(batch, Dq)`` gives
    ``(batch, Dv)`` and ``(batch, Tv)``. ``dot`` needs Dq == Dk.

    >>> attn = Attention(score_mode="general")
    >>> context, weights = attn(torch.randn(4, 16), torch.randn(4, 7, 32))
    >>> context.shape, weights.shape
    (torch.Size([4, 32]), torch.Size([4, 7]))
    """

    def __init__(self, score_mode: str = "dot", use_scale: bool = False, causal: bool = False,
                 value_features: int | None = None, key_features: int | None = None, **kwargs):
        if score_mode not in SCORE_MODES:
            raise ConfigError(f"unknown score_mode {score_mode!r}; choose one of {', '.join(SCORE_MODES)}")
        self.score_mode, self.use_scale, self.causal = score_mode, bool(use_scale), bool(causal)
        self._set_sources(value_features, key_features)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        query_dim, key_dim = self._query_key_dims(input_shape)
        self.weight_names = []
        if self.score_mode == "general":
            self.kernel = new_weight("glorot_uniform", (query_dim, key_dim), self.build_generator)
            self.weight_names.append("kernel")
        elif query_dim != key_dim:
            raise ConfigError(f"{self.score_mode} attention needs query and key of the same size, got "
                              f"{query_dim} and {key_dim}; use score_mode='general'")
        if self.use_scale:
            self.scale = new_weight("ones", (), self.build_generator)
            self.weight_names.append("scale")

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        if self.score_mode == "general":
            query = query @ self.kernel
        scores = query @ key.transpose(-1, -2)
        if self.score_mode == "scaled_dot":
            scores = scores / math.sqrt(key.shape[-1])
        return scores * self.scale if self.use_scale else scores


class AdditiveAttention(_QueryValueAttention):
    """Additive attention (Bahdanau et al. 2015): ``score = v . tanh(q W_q + k W_k + b)``.

    Args:
        units: size of the hidden layer inside the score (default: the query's size).
        causal: query step i only sees value steps <= i.
        value_features, key_features: sizes of value and key, as :class:`Attention`.

    Weights (Keras layout): query_kernel ``(Dq, units)``, key_kernel ``(Dk, units)``, bias
    ``(units,)``, score_vector ``(units,)``. Call ``attn(query, value, key=None, mask=None)`` ->
    ``(context, weights)`` with the shapes of :class:`Attention`.

    >>> attn = AdditiveAttention(units=10)
    >>> context, weights = attn(torch.randn(4, 3, 16), torch.randn(4, 7, 32))
    >>> context.shape, weights.shape
    (torch.Size([4, 3, 32]), torch.Size([4, 3, 7]))
    """

    def __init__(self, units: int | None = None, causal: bool = False, value_features: int | None = None,
                 key_features: int | None = None, **kwargs):
        if units is not None and units < 1:
            raise ConfigError(f"AdditiveAttention needs units >= 1, got {units}")
        self.units, self.causal = units, bool(causal)
        self._set_sources(value_features, key_features)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        query_dim, key_dim = self._query_key_dims(input_shape)
        units = self.units or query_dim
        g = self.build_generator
        self.query_kernel = new_weight("glorot_uniform", (query_dim, units), g)
        self.key_kernel = new_weight("glorot_uniform", (key_dim, units), g)
        self.bias = new_weight("zeros", (units,), g)
        self.score_vector = new_weight("glorot_uniform", (units, 1), g)
        self.weight_names = ["query_kernel", "key_kernel", "bias", "score_vector"]

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        hidden = (query @ self.query_kernel)[:, :, None, :] + (key @ self.key_kernel)[:, None, :, :]
        return (torch.tanh(hidden + self.bias) @ self.score_vector)[..., 0]   # (batch, Tq, Tv)


class MultiHeadAttention(_TwoSources, Layer):
    """Multi-head attention (Vaswani et al. 2017) on PyTorch's ``scaled_dot_product_attention``.

    Each head h computes ``softmax(Q_h K_h^T / sqrt(key_dim)) V_h`` with its own projections; the
    heads are concatenated and projected back to ``output_dim`` (default: the query's size).

    Args:
        num_heads: number of heads.
        key_dim: size of each head's queries and keys.
        value_dim: size of each head's values (default ``key_dim``).
        dropout: dropout on the attention weights while training.
        use_bias: biases on the four projections.
        output_dim: size of the output (default: the query's last dimension).
        value_features, key_features: sizes of the value and key inputs (None: the query's, the
            value's); taken from the first call, and kept in the config so the layer rebuilds without data.

    Weights (Keras layout): query/key/value kernels ``(D, num_heads, key_dim)`` with biases
    ``(num_heads, key_dim)``, output kernel ``(num_heads, value_dim, output_dim)`` and bias.

    Call ``mha(query, value=None, key=None, mask=None, causal=False, return_attention_scores=False)``;
    ``value=None`` means self-attention. Returns ``(batch, Tq, output_dim)``, or
    ``(output, weights)`` with weights ``(batch, num_heads, Tq, Tv)`` when
    ``return_attention_scores`` (then the scores are computed explicitly instead of by the fused kernel).

    >>> mha = MultiHeadAttention(num_heads=4, key_dim=8)
    >>> mha(torch.randn(2, 5, 32), causal=True).shape
    torch.Size([2, 5, 32])
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_dim: int | None = None, value_features: int | None = None,
                 key_features: int | None = None, **kwargs):
        if num_heads < 1 or key_dim < 1:
            raise ConfigError(f"MultiHeadAttention needs num_heads >= 1 and key_dim >= 1, "
                              f"got {num_heads} and {key_dim}")
        if not 0.0 <= dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {dropout}")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim or key_dim)
        self.dropout, self.use_bias, self.output_dim = float(dropout), bool(use_bias), output_dim
        self._set_sources(value_features, key_features)
        super().__init__(**kwargs)
        self.finish_init(locals())


    def build(self, input_shape: Shape) -> None:
        query_dim = input_shape[-1]
        value_src, key_src = self._source_dims(query_dim)
        h, dk, dv = self.num_heads, self.key_dim, self.value_dim
        out = self.output_dim or query_dim
        self.weight_names = []
        for name, fan_in, size in (("query", query_dim, dk), ("key", key_src, dk), ("value", value_src, dv)):
            setattr(self, f"{name}_kernel", new_weight("glorot_uniform", (fan_in, h, size), self.build_generator))
            self.weight_names.append(f"{name}_kernel")
            if self.use_bias:
                setattr(self, f"{name}_bias", new_weight("zeros", (h, size), self.build_generator))
                self.weight_names.append(f"{name}_bias")
        self.output_kernel = new_weight("glorot_uniform", (h, dv, out), self.build_generator)
        self.weight_names.append("output_kernel")
        if self.use_bias:
            self.output_bias = new_weight("zeros", (out,), self.build_generator)
            self.weight_names.append("output_bias")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape[:-1], self.output_dim or input_shape[-1])

    def _project(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """(batch, T, D) -> (batch, heads, T, size)."""
        kernel = getattr(self, f"{name}_kernel")
        bias = getattr(self, f"{name}_bias").flatten() if self.use_bias else None
        y = F.linear(x, kernel.flatten(1).t(), bias)
        return y.view(x.shape[0], x.shape[1], self.num_heads, -1).transpose(1, 2)

    def forward(self, query, value=None, key=None, mask=None, causal: bool = False,
                return_attention_scores: bool = False):
        value = query if value is None else value
        key = value if key is None else key
        batch, tq, tv = query.shape[0], query.shape[1], key.shape[1]
        q, k, v = self._project(query, "query"), self._project(key, "key"), self._project(value, "value")
        allowed = attention_mask(mask, batch, tq, tv, causal, query.device)
        empty = None
        if allowed is not None:
            empty = ~allowed.any(-1, keepdim=True)                      # queries with nothing to see
            allowed = (allowed | empty)[:, None]                        # broadcast over heads
        p = self.dropout if self.training else 0.0
        weights = None
        if return_attention_scores:
            scores = q @ k.transpose(-1, -2) / math.sqrt(self.key_dim)
            if allowed is not None:
                scores = scores.masked_fill(~allowed, float("-inf"))
            weights = scores.softmax(-1)
            y = F.dropout(weights, p, self.training) @ v
        elif allowed is None and causal and tq == tv:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=p)
        if empty is not None:
            y = y.masked_fill(empty[:, None], 0.0)
            if weights is not None:
                weights = weights.masked_fill(empty[:, None], 0.0)
        y = y.transpose(1, 2).reshape(batch, tq, -1)                    # concatenate the heads
        out = F.linear(y, self.output_kernel.flatten(0, 1).t(), self.output_bias if self.use_bias else None)
        return (out, weights) if return_attention_scores else out
