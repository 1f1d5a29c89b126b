"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Embedding, TimeDistributed.

>>> import torch
>>> Dense(1, input_dim=50).count_params()
51
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import activation_name, get_activation
from seqlab.nn.base import Layer, Shape, new_weight
from seqlab.nn.penalties import WeightPenalties


class Dense(WeightPenalties, Layer):
    """Fully connected layer: ``activation(x @ kernel + bias)`` on the last axis.

    Takes ``(batch, ..., in)`` and returns ``(batch, ..., units)``. Weights: kernel ``(in, units)``, bias.
    Also takes Keras's ``kernel_regularizer``, ``bias_regularizer``, ``activity_regularizer``,
    ``kernel_constraint`` and ``bias_constraint`` (see ``seqlab.nn.penalties``).

    >>> Dense(4, activation="relu", input_dim=3)(torch.ones(2, 3)).shape
    torch.Size([2, 4])
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        if units < 1:
            raise ConfigError(f"Dense needs units >= 1, got {units}")
        self.units, self.use_bias = int(units), use_bias
        self.activation = get_activation(activation)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.take_penalties(kwargs)
        super().__init__(**kwargs)
        activation = activation_name(activation)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        fan_in = input_shape[-1]
        if fan_in is None:
            raise ConfigError("Dense needs a known last dimension; give input_shape")
        self.kernel = new_weight(self.kernel_initializer, (fan_in, self.units), self.build_generator)
        self.weight_names = ["kernel"]
        if self.use_bias:
            self.bias = new_weight(self.bias_initializer, (self.units,), self.build_generator)
            self.weight_names.append("bias")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape[:-1], self.units)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(F.linear(x, self.kernel.t(), self.bias if self.use_bias else None))


class Activation(Layer):
    """Applies a named activation. ``Activation("softmax")(x)``."""

    def __init__(self, activation, **kwargs):
        self.activation = get_activation(activation)
        super().__init__(**kwargs)
        activation = activation_name(activation)
        self.finish_init(locals())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(x)


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of inputs while training and scales the rest by 1/(1-rate).

    ``noise_shape`` with 1s shares one mask along those axes (e.g. ``(None, 1, None)`` drops the
    same features at every time step). Identity at inference.
    """

    def __init__(self, rate: float, noise_shape: tuple | None = None, **kwargs):
        if not 0.0 <= rate < 1.0:
            raise ConfigError(f"Dropout rate must be in [0, 1), got {rate}")
        self.rate = float(rate)
        self.noise_shape = tuple(noise_shape) if noise_shape is not None else None
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate == 0.0:
            return x
        if self.noise_shape is None:
            return F.dropout(x, self.rate, True)
        shape = [x.shape[i] if s is None else s for i, s in enumerate(self.noise_shape)]
        keep = torch.empty(shape, device=x.device, dtype=x.dtype).bernoulli_(1 - self.rate)
        return x * keep / (1 - self.rate)


class Flatten(Layer):
    """Flattens every axis but the batch: ``(batch, a, b, ...)`` -> ``(batch, a*b*...)``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if any(d is None for d in input_shape):
            return (None,)
        return (math.prod(input_shape),)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], -1)


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (no batch axis; one entry may be -1)."""

    def __init__(self, target_shape: tuple, **kwargs):
        self.target_shape = tuple(int(d) for d in target_shape)
        super().__init__(**kwargs)
        target_shape = list(self.target_shape)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if -1 not in self.target_shape:
            return self.target_shape
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(input_shape) if None not in input_shape else None
        return tuple((total // known if total else None) if d == -1 else d for d in self.target_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.target_shape)


class Embedding(Layer):
    """Maps integer ids ``(batch, time)`` to vectors ``(batch, time, output_dim)``.

    Args:
        input_dim: vocabulary size (ids 0 .. input_dim-1).
        output_dim: vector size.
        weights: optional ``[matrix]`` of shape ``(input_dim, output_dim)`` to start from (seed 000).
        mask_zero: id 0 is padding; ``compute_mask`` returns ``ids != 0`` for the layers after.

    >>> Embedding(10, 4)(torch.tensor([[1, 2, 0]])).shape
    torch.Size([1, 3, 4])
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform_005",
                 mask_zero: bool = False, weights: list | None = None, input_length: int | None = None,
                 **kwargs):
        self.input_dim, self.output_dim, self.mask_zero = int(input_dim), int(output_dim), mask_zero
        self.embeddings_initializer = embeddings_initializer
        self._initial = None if weights is None else np.asarray(weights[0], dtype=np.float32)
        if "input_shape" not in kwargs and input_length is not None:
            kwargs["input_shape"] = (input_length,)
        super().__init__(**kwargs)
        self.finish_init(locals(), skip=("weights",))
        if not self.built:  # an embedding knows its weight shape without seeing input
            self.build_at_construction((None,))

    def build(self, input_shape: Shape) -> None:
        if self.embeddings_initializer == "uniform_005":  # Keras's default: U(-0.05, 0.05)
            table = (torch.rand(self.input_dim, self.output_dim, generator=self.build_generator) * 2 - 1) * 0.05
            self.embeddings = torch.nn.Parameter(table)
        else:
            self.embeddings = new_weight(self.embeddings_initializer, (self.input_dim, self.output_dim),
                                         self.build_generator)
        self.weight_names = ["embeddings"]
        if self._initial is not None:
            self.set_weights([self._initial])

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*input_shape, self.output_dim)

    def compute_mask(self, ids: torch.Tensor) -> torch.Tensor | None:
        """True where a step holds a real token (``mask_zero`` only)."""
        return (ids != 0) if self.mask_zero else None

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids.long(), self.embeddings)


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step: ``(batch, time, *f)`` -> ``(batch, time, *g)``.

    >>> TimeDistributed(Dense(2), input_shape=(5, 3))(torch.ones(4, 5, 3)).shape
    torch.Size([4, 5, 2])
    """

    def __init__(self, layer: Layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer
        self.finish_init(locals(), skip=("layer",))

    def get_config(self):
        cfg = super().get_config()
        cfg["layer"] = {"class_name": type(self.layer).__name__, "config": self.layer.get_config()}
        return cfg

    @property
    def image_layout(self) -> bool:
        """Print (time, H, W, C) in summaries when the wrapped layer works on images."""
        return getattr(self.layer, "image_layout", False)

    def build(self, input_shape: Shape) -> None:
        self.layer.build_for(tuple(input_shape[1:]), self.build_generator)
        self.weight_names = list(self.layer.weight_names)

    def weight_tensors(self):
        return self.layer.weight_tensors()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (input_shape[0], *self.layer.compute_output_shape(tuple(input_shape[1:])))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t = x.shape[:2]
        y = self.layer(x.reshape(b * t, *x.shape[2:]))
        return y.reshape(b, t, *y.shape[1:])
