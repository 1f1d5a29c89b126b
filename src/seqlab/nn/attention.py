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
from seqlab.nn.efficient import KERNELS, check_attention, make_attention
from seqlab.nn.rotary import rotate

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
    """Multi-head attention (Vaswani et al. 2017), full or one of the efficient variants.

    Each head h computes ``attention(Q_h, K_h, V_h)`` with its own projections; the heads are
    concatenated and projected back to ``output_dim`` (default: the query's size). Full attention
    is ``softmax(Q_h K_h^T / sqrt(key_dim)) V_h`` on PyTorch's ``scaled_dot_product_attention``.

    Args:
        num_heads: number of heads.
        key_dim: size of each head's queries and keys.
        value_dim: size of each head's values (default ``key_dim``).
        dropout: dropout on the attention weights while training.
        use_bias: biases on the four projections.
        output_dim: size of the output (default: the query's last dimension).
        attention: ``"full"`` or an efficient variant of ``seqlab.nn.efficient`` (``"local"``,
            ``"longformer"``, ``"bigbird"``, ``"strided"``, ``"linformer"``, ``"performer"``, ``"lsh"``);
            see that module's table for what each keeps, its memory and whether it can be causal.
        attention_options: the variant's options, e.g. ``{"window": 128}`` (JSON-friendly; kept in the config).
        rotary: rotate queries and keys by their positions (RoFormer), for self-attention.
        value_features, key_features: sizes of the value and key inputs (None: the query's, the
            value's); taken from the first call, and kept in the config so the layer rebuilds without data.

    Weights (Keras layout): query/key/value kernels ``(D, num_heads, key_dim)`` with biases
    ``(num_heads, key_dim)``, output kernel ``(num_heads, value_dim, output_dim)`` and bias; linformer
    adds ``attention/key_projection`` and ``attention/value_projection`` ``(k, max_length)``.

    Call ``mha(query, value=None, key=None, mask=None, causal=False, return_attention_scores=False,
    cache=None)``; ``value=None`` means self-attention. Returns ``(batch, Tq, output_dim)``, or
    ``(output, weights)`` with weights ``(batch, num_heads, Tq, Tv)`` when ``return_attention_scores``
    (full attention only; the scores are then computed explicitly instead of by the fused kernel).
    ``cache`` (full attention): a dict the layer keeps its projected keys and values in; each call
    appends the new steps and attends over all of them (autoregressive decoding, one step at a time).
    A dict with ``"fixed": True`` is filled once and then reused (cross-attention over an encoder's output).

    >>> mha = MultiHeadAttention(num_heads=4, key_dim=8)
    >>> mha(torch.randn(2, 5, 32), causal=True).shape
    torch.Size([2, 5, 32])
    >>> MultiHeadAttention(4, 8, attention="local", attention_options={"window": 16})(torch.randn(2, 64, 32)).shape
    torch.Size([2, 64, 32])
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_dim: int | None = None, attention: str = "full",
                 attention_options: dict | None = None, rotary: bool = False, value_features: int | None = None,
                 key_features: int | None = None, **kwargs):
        if num_heads < 1 or key_dim < 1:
            raise ConfigError(f"MultiHeadAttention needs num_heads >= 1 and key_dim >= 1, "
                              f"got {num_heads} and {key_dim}")
        if not 0.0 <= dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {dropout}")
        check_attention(attention, attention_options)
        if rotary and key_dim % 2:
            raise ConfigError(f"rotary position embeddings turn pairs of features; key_dim must be even, got {key_dim}")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim or key_dim)
        self.dropout, self.use_bias, self.output_dim = float(dropout), bool(use_bias), output_dim
        self.attention, self.rotary = attention, bool(rotary)
        self.attention_options = dict(attention_options) if attention_options else None
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
        self.kernel = make_attention(self.attention, dk, self.attention_options, self.build_generator)
        self.weight_names += [f"attention/{n}" for n in getattr(self.kernel, "weight_names", [])]

    def weight_tensors(self) -> list[torch.Tensor]:
        return [getattr(self.kernel, n.split("/")[1]) if n.startswith("attention/") else getattr(self, n)
                for n in self.weight_names]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape[:-1], self.output_dim or input_shape[-1])

    def _project(self, x: torch.Tensor, name: str) -> torch.Tensor:
        """(batch, T, D) -> (batch, heads, T, size)."""
        kernel = getattr(self, f"{name}_kernel")
        bias = getattr(self, f"{name}_bias").flatten() if self.use_bias else None
        y = F.linear(x, kernel.flatten(1).t(), bias)
        return y.view(x.shape[0], x.shape[1], self.num_heads, -1).transpose(1, 2)

    def _keys_values(self, key, value, cache):
        """Projected (and rotated) keys and values, with the cached ones in front; the position of the
        first new step."""
        if cache is not None and cache.get("fixed") and "key" in cache:
            return cache["key"], cache["value"], 0
        k, v = self._project(key, "key"), self._project(value, "value")
        offset = 0 if cache is None or "key" not in cache else cache["key"].shape[2]
        if self.rotary:
            k = rotate(k, offset)
        if cache is not None:
            if offset:
                k, v = torch.cat([cache["key"], k], dim=2), torch.cat([cache["value"], v], dim=2)
            cache["key"], cache["value"] = k, v
        return k, v, offset

    def forward(self, query, value=None, key=None, mask=None, causal: bool = False,
                return_attention_scores: bool = False, cache: dict | None = None):
        value = query if value is None else value
        key = value if key is None else key
        batch, tq = query.shape[0], query.shape[1]
        q = self._project(query, "query")                               # (B, nh, Tq, hs)
        k, v, offset = self._keys_values(key, value, cache)             # (B, nh, Tk, hs)
        if self.rotary:
            q = rotate(q, offset if not (cache or {}).get("fixed") else 0)
        q = q / math.sqrt(self.key_dim)
        p = self.dropout if self.training else 0.0
        weights = None
        if self.attention == "full" or return_attention_scores:
            y, weights = self._full(q, k, v, mask, causal, p, return_attention_scores)
        else:
            y = self._efficient(q, k, v, mask, causal, p, cache)
        y = y.transpose(1, 2).reshape(batch, tq, -1)                    # concatenate the heads
        out = F.linear(y, self.output_kernel.flatten(0, 1).t(), self.output_bias if self.use_bias else None)
        return (out, weights) if return_attention_scores else out

    def _full(self, q, k, v, mask, causal, p, want_weights):
        if want_weights and self.attention != "full":
            raise ConfigError(f"return_attention_scores needs attention='full'; {self.attention} attention "
                              f"never forms the whole weight matrix")
        batch, tq, tk = q.shape[0], q.shape[2], k.shape[2]
        allowed = attention_mask(mask, batch, tq, tk, causal and mask is not None, q.device)
        allowed = None if allowed is None else allowed[:, None]        # broadcast over heads
        if not want_weights:
            return self.kernel(q, k, v, causal=causal, dropout=p, allowed=allowed), None
        if causal and allowed is None:
            allowed = attention_mask(None, batch, tq, tk, True, q.device)[:, None]
        scores = q @ k.transpose(-1, -2)
        weights = _masked_softmax(scores, allowed)
        return F.dropout(weights, p, self.training) @ v, weights

    def _efficient(self, q, k, v, mask, causal, p, cache):
        kind = self.attention
        if cache is not None:
            raise ConfigError(f"a key/value cache needs attention='full', not {kind!r}")
        if causal and not self.kernel.supports_causal:
            able = ", ".join(n for n, cls in KERNELS.items() if cls.supports_causal)
            raise ConfigError(f"{kind} attention cannot be causal; causal attention works with {able}")
        if self.kernel.self_only and q.shape[2] != k.shape[2]:
            raise ConfigError(f"{kind} attention is self-attention: it needs as many queries as keys, "
                              f"got {q.shape[2]} and {k.shape[2]}; use 'full', 'linformer' or 'performer'")
        if mask is not None and (mask.dim() != 2 or tuple(mask.shape) != (q.shape[0], k.shape[2])):
            raise ConfigError(f"{kind} attention takes a padding mask (batch, Tv) = {(q.shape[0], k.shape[2])}, "
                              f"got {tuple(mask.shape)}")
        return self.kernel(q, k, v, causal=causal, key_mask=mask, dropout=p)
