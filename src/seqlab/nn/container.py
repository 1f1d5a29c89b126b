"""A plain ordered stack of layers: the engine under ``seqlab.Sequential``.

It builds each layer from the previous layer's output shape, passes masks from a masking layer
(``Embedding(mask_zero=True)``) to the layers that accept ``mask=``, and knows nothing of
training or files.

>>> import torch
>>> from seqlab.nn.core import Dense
>>> stack = LayerStack([Dense(4), Dense(1)], input_shape=(3,))
>>> stack(torch.ones(2, 3)).shape
torch.Size([2, 1])
"""
from __future__ import annotations

import inspect

import torch

from seqlab.nn.base import Layer, Shape, snake_case


class LayerStack(torch.nn.Module):
    """Layers applied in order. ``input_shape`` (no batch axis) builds every layer at once; without
    it each layer builds on the first batch. Every build draws the initial weights from
    ``generator`` (None: torch's global generator), in layer order, whether it happens at once, on
    ``add`` or on the first batch.

    >>> import torch
    >>> from seqlab.nn.core import Dense
    >>> from seqlab.nn.seeding import make_generator
    >>> a = LayerStack([Dense(2), Dense(1)], input_shape=(3,), generator=make_generator(0))
    >>> b = LayerStack([Dense(2), Dense(1)], generator=make_generator(0))
    >>> _ = b(torch.ones(1, 3))
    >>> all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    True
    """

    def __init__(self, layers: list[Layer] | None = None, input_shape: Shape | None = None,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.layers = torch.nn.ModuleList()
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.generator = generator
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer) -> None:
        """Append a layer, name it Keras-style if unnamed, and build it if shapes are known."""
        if self.input_shape is None and not self.layers and layer.input_shape_arg is not None:
            self.input_shape = layer.input_shape_arg
        elif not self.layers and self.input_shape is not None and layer.input_shape_arg is None:
            self.input_shape = _enter_shape(layer, self.input_shape)
        if layer.name is None:
            base = snake_case(type(layer).__name__)
            taken = {l.name for l in self.layers}
            layer.name = base if base not in taken else next(
                f"{base}_{i}" for i in range(1, 10_000) if f"{base}_{i}" not in taken)
        self.layers.append(layer)
        self.build_shapes()

    def build_shapes(self) -> Shape | None:
        """Build every layer along the chain of shapes; return the final output shape."""
        shape = self.input_shape
        if shape is None:
            first = self.layers[0] if self.layers else None
            if first is not None and first.built and first.output_shape_ is not None:
                shape = first.input_shape_  # e.g. an Embedding built without a length
            else:
                return None
        for layer in self.layers:
            shape = layer.build_for(shape, self.generator)
        return shape

    @property
    def output_shape(self) -> Shape | None:
        return self.layers[-1].output_shape_ if self.layers else self.input_shape

    def _masking(self) -> list[tuple[torch.nn.Module, bool]]:
        """``(layer, makes a mask)`` per layer, looked up once (``hasattr`` on a module is slow when
        the answer is no) and again whenever the layers change."""
        layers = tuple(self.layers)
        cached = self.__dict__.get("_masking_cache")
        if cached is None or cached[0] != layers:
            cached = self.__dict__["_masking_cache"] = (layers, [(l, hasattr(l, "compute_mask")) for l in layers])
        return cached[1]

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        for layer, makes_mask in self._masking():
            if not layer.built:  # a stack without input_shape builds each layer on the first batch
                layer.build_for(_sample_shape(x), self.generator)
            if makes_mask:
                new_mask = layer.compute_mask(x)
                x = layer(x)
                mask = new_mask if new_mask is not None else mask
                continue
            if mask is not None and _accepts_mask(layer):
                x = layer(x, mask=mask)
                if x.dim() < 3:  # a layer that returned one vector per sequence ends the mask
                    mask = None
            else:
                x = layer(x)
        return x


def _enter_shape(first: Layer, input_shape: Shape) -> Shape:
    """The model's ``input_shape`` as the first layer sees it: a channels-last image layer reads a
    Keras ``(H, W, C)`` shape as if it had been given ``input_shape`` itself (DESIGN: converted at the edge)."""
    if getattr(first, "image_layout", False) and getattr(first, "data_format", None) == "channels_last" \
            and hasattr(first, "_keras_input_shape") and len(input_shape) == 3:
        first._keras_input_shape = tuple(input_shape)
        return (input_shape[2], input_shape[0], input_shape[1])
    return input_shape


def _sample_shape(x) -> Shape:
    """The shape of one sample of ``x`` (of its first tensor when a layer returned several)."""
    return tuple((x if isinstance(x, torch.Tensor) else x[0]).shape[1:])


def _accepts_mask(layer: torch.nn.Module) -> bool:
    return "mask" in inspect.signature(layer.forward).parameters
