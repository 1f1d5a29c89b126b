"""Transformer parts (Vaswani et al. 2017; seed 000): positional encodings, encoder and decoder blocks.

Shapes are batch first: ``(batch, time, features)`` in and out. Masks follow Keras: True where a
step is real. ``normalize_first=False`` is the paper's post-norm block (PyTorch's default);
``True`` is the pre-norm block GPT uses.

>>> import torch
>>> x = torch.randn(2, 7, 32)
>>> TransformerEncoder(intermediate_dim=64, num_heads=4)(PositionalEncoding()(x)).shape
torch.Size([2, 7, 32])
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import get_activation
from seqlab.nn.attention import MultiHeadAttention
from seqlab.nn.base import Layer, Shape, new_weight
from seqlab.nn.core import Dense
from seqlab.nn.efficient import check_attention
from seqlab.nn.moe import SwitchFeedForward

POSITIONAL_MODES = ("sinusoidal", "learned")


def sinusoidal_table(length: int, dim: int) -> torch.Tensor:
    """``PE[pos, 2i] = sin(pos / 10000^(2i/dim))``, ``PE[pos, 2i+1] = cos(...)``; shape ``(length, dim)``."""
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    freq = torch.pow(10000.0, -torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    table = torch.zeros(length, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)[:, : dim // 2]
    return table.to(torch.float32)


class PositionalEncoding(Layer):
    """Adds position information to a sequence: ``x[:, t] + PE[t]``.

    Args:
        mode: ``"sinusoidal"`` (fixed sines and cosines, no weights, any length) or ``"learned"``
            (a ``(max_length, features)`` table of trained position embeddings).
        max_length: longest sequence the learned table covers.

    Takes and returns ``(batch, time, features)``.

    >>> pe = PositionalEncoding(mode="learned", max_length=16)
    >>> pe(torch.zeros(2, 5, 8)).shape
    torch.Size([2, 5, 8])
    """

    def __init__(self, mode: str = "sinusoidal", max_length: int | None = None,
                 embeddings_initializer="glorot_uniform", **kwargs):
        if mode not in POSITIONAL_MODES:
            raise ConfigError(f"unknown positional encoding {mode!r}; choose one of {', '.join(POSITIONAL_MODES)}")
        if mode == "learned" and (max_length is None or max_length < 1):
            raise ConfigError("PositionalEncoding(mode='learned') needs max_length >= 1")
        self.mode, self.max_length = mode, max_length
        self.embeddings_initializer = embeddings_initializer
        super().__init__(**kwargs)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        dim = input_shape[-1]
        if dim is None:
            raise ConfigError("PositionalEncoding needs a known feature size; give input_shape")
        if self.mode == "learned":
            self.position_embeddings = new_weight(self.embeddings_initializer, (self.max_length, dim),
                                                  self.build_generator)
            self.weight_names = ["position_embeddings"]

    def encoding(self, length: int, dim: int, device=None) -> torch.Tensor:
        """The ``(length, dim)`` table added to the input."""
        if self.mode == "learned":
            if length > self.max_length:
                raise ConfigError(f"sequence of length {length} is longer than the learned positions "
                                  f"(max_length={self.max_length})")
            return self.position_embeddings[:length]
        return sinusoidal_table(length, dim).to(device)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """``x + PE[offset : offset + T]`` (``offset``: steps already seen, when decoding with a cache)."""
        return x + self.encoding(offset + x.shape[1], x.shape[2], x.device)[offset:]


def _activation(name):
    return F.gelu if name == "gelu" else get_activation(name)


class _Block(Layer):
    """Plumbing shared by the encoder and decoder blocks: options, sub-layers, norms, weight lists."""

    def _set_options(self, intermediate_dim, num_heads, dropout, activation, layer_norm_epsilon, normalize_first,
                     attention, attention_options, rotary, moe, capacity_factor) -> None:
        name = type(self).__name__
        if intermediate_dim < 1 or num_heads < 1:
            raise ConfigError(f"{name} needs intermediate_dim >= 1 and num_heads >= 1")
        if not 0.0 <= dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {dropout}")
        if moe is not None and int(moe) < 1:
            raise ConfigError(f"moe is the number of experts (>= 1) or None, got {moe}")
        check_attention(attention, attention_options)
        self.intermediate_dim, self.num_heads, self.dropout = int(intermediate_dim), int(num_heads), float(dropout)
        self.activation, self.activation_fn = activation, _activation(activation)
        self.layer_norm_epsilon, self.normalize_first = float(layer_norm_epsilon), bool(normalize_first)
        self.attention, self.rotary = attention, bool(rotary)
        self.attention_options = dict(attention_options) if attention_options else None
        self.moe, self.capacity_factor = (None if moe is None else int(moe)), float(capacity_factor)

    def _check_dim(self, dim) -> int:
        if dim is None:
            raise ConfigError(f"{type(self).__name__} needs a known feature size; give input_shape")
        if dim % self.num_heads:
            raise ConfigError(f"{type(self).__name__}: features ({dim}) must be divisible by "
                              f"num_heads ({self.num_heads})")
        return int(dim)

    def _attention(self, dim: int, value_features: int | None = None, cross: bool = False) -> MultiHeadAttention:
        """Self-attention of the block's kind (and rotary); cross-attention is always full."""
        kind = dict(attention="full") if cross else dict(attention=self.attention, rotary=self.rotary,
                                                         attention_options=self.attention_options)
        return MultiHeadAttention(self.num_heads, dim // self.num_heads, dropout=self.dropout,
                                  value_features=value_features, **kind)

    def _feedforward(self, dim: int) -> None:
        g = self.build_generator
        if self.moe:
            self.switch_feedforward = SwitchFeedForward(self.moe, self.intermediate_dim, self.capacity_factor,
                                                        activation=self.activation, dropout=self.dropout)
            self.switch_feedforward.build_for((None, dim), g)
            return
        self.intermediate_dense = Dense(self.intermediate_dim, input_shape=(dim,), generator=g)
        self.output_dense = Dense(dim, input_shape=(self.intermediate_dim,), generator=g)

    def _feedforward_parts(self) -> list:
        if self.moe:
            return [("switch_feedforward", self.switch_feedforward)]
        return [("intermediate_dense", self.intermediate_dense), ("output_dense", self.output_dense)]

    def _norm(self, dim: int) -> torch.nn.LayerNorm:
        return torch.nn.LayerNorm(dim, eps=self.layer_norm_epsilon)

    def _ff(self, x: torch.Tensor) -> torch.Tensor:
        if self.moe:
            return self.switch_feedforward(x)      # tokens over capacity give 0: the residual carries them
        h = F.dropout(self.activation_fn(self.intermediate_dense(x)), self.dropout, self.training)
        return self.output_dense(h)

    def _residual(self, x, norm, fn):
        """Post-norm ``norm(x + f(x))`` or pre-norm ``x + f(norm(x))``, with dropout on f."""
        if self.normalize_first:
            return x + F.dropout(fn(norm(x)), self.dropout, self.training)
        return norm(x + F.dropout(fn(x), self.dropout, self.training))

    def weight_tensors(self) -> list[torch.Tensor]:
        out = []
        for _, part in self._named_parts():
            out += [part.weight, part.bias] if isinstance(part, torch.nn.LayerNorm) else part.weight_tensors()
        return out

    def _list_weight_names(self) -> None:
        self.weight_names = []
        for prefix, part in self._named_parts():
            names = ["gamma", "beta"] if isinstance(part, torch.nn.LayerNorm) else part.weight_names
            self.weight_names += [f"{prefix}/{n}" for n in names]

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)


class TransformerEncoder(_Block):
    """One encoder block: self-attention then a position-wise feed-forward network, each with a
    residual connection, dropout and layer normalisation.

    Args:
        intermediate_dim: width of the feed-forward hidden layer (of each expert, with ``moe``).
        num_heads: attention heads (the feature size must be divisible by it).
        dropout: dropout on attention weights, sub-layer outputs and the feed-forward hidden layer.
        activation: feed-forward activation (``"relu"``, ``"gelu"``, ...).
        layer_norm_epsilon: epsilon of the layer norms.
        normalize_first: pre-norm (True) instead of the paper's post-norm (False).
        attention, attention_options: the self-attention's kind and options (``MultiHeadAttention``:
            ``"full"`` or an efficient variant of ``seqlab.nn.efficient``).
        rotary: rotary position embeddings in the self-attention.
        moe: None for one feed-forward network, or the number of experts of a Switch mixture
            (``SwitchFeedForward``, top-1 routing; its load-balancing loss joins training).
        capacity_factor: the Switch experts' capacity factor.

    Call ``block(x, mask=None, causal=False)``: x ``(batch, time, features)``, mask ``(batch, time)``
    True at real steps. Returns ``(batch, time, features)``.

    >>> TransformerEncoder(64, num_heads=2)(torch.randn(3, 5, 16), mask=torch.ones(3, 5, dtype=torch.bool)).shape
    torch.Size([3, 5, 16])
    >>> TransformerEncoder(64, 2, attention="bigbird", attention_options={"block_size": 8}, moe=4)(
    ...     torch.randn(3, 50, 16)).shape
    torch.Size([3, 50, 16])
    """

    def __init__(self, intermediate_dim: int, num_heads: int, dropout: float = 0.0, activation="relu",
                 layer_norm_epsilon: float = 1e-5, normalize_first: bool = False, attention: str = "full",
                 attention_options: dict | None = None, rotary: bool = False, moe: int | None = None,
                 capacity_factor: float = 1.25, **kwargs):
        self._set_options(intermediate_dim, num_heads, dropout, activation, layer_norm_epsilon, normalize_first,
                          attention, attention_options, rotary, moe, capacity_factor)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        dim = self._check_dim(input_shape[-1])
        self.self_attention = self._attention(dim)
        self.self_attention.build_for((None, dim), self.build_generator)
        self.self_attention_norm = self._norm(dim)
        self._feedforward(dim)
        self.feedforward_norm = self._norm(dim)
        self._list_weight_names()

    def _named_parts(self):
        return [("self_attention", self.self_attention), ("self_attention_norm", self.self_attention_norm),
                *self._feedforward_parts(), ("feedforward_norm", self.feedforward_norm)]

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
        x = self._residual(x, self.self_attention_norm, lambda h: self.self_attention(h, mask=mask, causal=causal))
        return self._residual(x, self.feedforward_norm, self._ff)


class TransformerDecoder(_Block):
    """One decoder block: causal self-attention, optional cross-attention over an encoder's output,
    and a feed-forward network, each with residual, dropout and layer norm.

    With ``cross_attention=False`` it is the decoder-only (GPT) block.

    Args:
        intermediate_dim: width of the feed-forward hidden layer (of each expert, with ``moe``).
        num_heads: attention heads (the feature size must be divisible by it).
        dropout: dropout on attention weights, sub-layer outputs and the feed-forward hidden layer.
        activation: feed-forward activation (``"relu"``, ``"gelu"``, ...).
        layer_norm_epsilon: epsilon of the layer norms.
        normalize_first: pre-norm (True) instead of the paper's post-norm (False).
        attention, attention_options: the self-attention's kind and options (``MultiHeadAttention``:
            ``"full"`` or an efficient variant of ``seqlab.nn.efficient``).
        rotary: rotary position embeddings in the self-attention.
        moe: None for one feed-forward network, or the number of experts of a Switch mixture
            (``SwitchFeedForward``, top-1 routing; its load-balancing loss joins training).
        capacity_factor: the Switch experts' capacity factor.
        cross_attention: attend to an encoder's output (always full attention).
        encoder_features: the size of the encoder sequence's features (None: the block's own); taken
            from the first call, and kept in the config so the block rebuilds without data.

    Call ``block(x, encoder_sequence=None, mask=None, encoder_mask=None, causal=True, cache=None)``:
    x ``(batch, T, features)``, encoder_sequence ``(batch, S, E)``, mask ``(batch, T)`` and
    encoder_mask ``(batch, S)`` True at real steps. Returns ``(batch, T, features)``. ``cache``: a
    dict (start with ``{}``) holding the keys and values of the steps seen so far, so that decoding
    feeds only the new step (full attention).

    >>> block = TransformerDecoder(64, num_heads=2)
    >>> block(torch.randn(3, 5, 16), torch.randn(3, 9, 16)).shape
    torch.Size([3, 5, 16])
    """

    def __init__(self, intermediate_dim: int, num_heads: int, dropout: float = 0.0, activation="relu",
                 layer_norm_epsilon: float = 1e-5, normalize_first: bool = False,
                 cross_attention: bool = True, encoder_features: int | None = None, attention: str = "full",
                 attention_options: dict | None = None, rotary: bool = False, moe: int | None = None,
                 capacity_factor: float = 1.25, **kwargs):
        self._set_options(intermediate_dim, num_heads, dropout, activation, layer_norm_epsilon, normalize_first,
                          attention, attention_options, rotary, moe, capacity_factor)
        self.cross_attention = bool(cross_attention)
        self.encoder_features = None if encoder_features is None else int(encoder_features)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def __call__(self, x, encoder_sequence=None, *args, **kwargs):
        if not self.built and encoder_sequence is not None:
            width = int(encoder_sequence.shape[-1])
            self.encoder_features = width if width != x.shape[-1] else None
        return super().__call__(x, encoder_sequence, *args, **kwargs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg["encoder_features"] = self.encoder_features
        return cfg

    def build(self, input_shape: Shape) -> None:
        dim = self._check_dim(input_shape[-1])
        self.self_attention = self._attention(dim)
        self.self_attention.build_for((None, dim), self.build_generator)
        self.self_attention_norm = self._norm(dim)
        if self.cross_attention:
            self.cross_attention_layer = self._attention(dim, value_features=self.encoder_features, cross=True)
            self.cross_attention_layer.build_for((None, dim), self.build_generator)
            self.cross_attention_norm = self._norm(dim)
        self._feedforward(dim)
        self.feedforward_norm = self._norm(dim)
        self._list_weight_names()

    def _named_parts(self):
        parts = [("self_attention", self.self_attention), ("self_attention_norm", self.self_attention_norm)]
        if self.cross_attention:
            parts += [("cross_attention", self.cross_attention_layer),
                      ("cross_attention_norm", self.cross_attention_norm)]
        return parts + [*self._feedforward_parts(), ("feedforward_norm", self.feedforward_norm)]

    def forward(self, x: torch.Tensor, encoder_sequence: torch.Tensor | None = None,
                mask: torch.Tensor | None = None, encoder_mask: torch.Tensor | None = None,
                causal: bool = True, cache: dict | None = None) -> torch.Tensor:
        own = None if cache is None else cache.setdefault("self", {})
        x = self._residual(x, self.self_attention_norm,
                           lambda h: self.self_attention(h, mask=mask, causal=causal, cache=own))
        if self.cross_attention:
            if encoder_sequence is None:
                raise ConfigError("this TransformerDecoder has cross-attention; pass encoder_sequence "
                                  "(or build it with cross_attention=False)")
            memory = None if cache is None else cache.setdefault("cross", {"fixed": True})
            x = self._residual(x, self.cross_attention_norm,
                               lambda h: self.cross_attention_layer(h, encoder_sequence, mask=encoder_mask,
                                                                    cache=memory))
        return self._residual(x, self.feedforward_norm, self._ff)
