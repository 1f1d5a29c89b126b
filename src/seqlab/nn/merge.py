"""Merge layers (Keras's names and semantics): each takes a list of tensors and returns one.

``Concatenate(axis=-1)``, ``Add``, ``Subtract`` (exactly two inputs), ``Multiply``, ``Average``,
``Maximum``, ``Minimum`` and ``Dot(axes, normalize=False)``. None has weights. The element-wise
layers broadcast as Keras does (shapes equal, or 1 along an axis).

>>> import torch
>>> Concatenate()([torch.ones(2, 3), torch.zeros(2, 1)]).shape
torch.Size([2, 4])
>>> Add()([torch.ones(2, 3), torch.ones(2, 3)])[0].tolist()
[2.0, 2.0, 2.0]
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, Shape


class _Merge(Layer):
    """Shared plumbing: called on a list of at least two tensors; remembers their sample shapes on
    the first call so ``compute_output_shape`` can answer from one shape (or takes the list)."""

    min_inputs = 2

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_shapes: list[Shape] | None = None

    def __call__(self, inputs, *args, **kwargs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < self.min_inputs:
            raise ConfigError(f"{type(self).__name__} is called on a list of at least {self.min_inputs} "
                              f"tensors, e.g. {type(self).__name__}()([a, b])")
        if self.input_shapes is None:
            self.input_shapes = [tuple(t.shape[1:]) for t in inputs]
        return super().__call__(list(inputs), *args, **kwargs)

    def _shapes(self, input_shape) -> list[Shape]:
        if isinstance(input_shape, list) and input_shape and isinstance(input_shape[0], (list, tuple)):
            return [tuple(s) for s in input_shape]
        return list(self.input_shapes) if self.input_shapes else [tuple(input_shape)] * 2

    def compute_output_shape(self, input_shape) -> Shape:
        shapes = self._shapes(input_shape)
        rank = max(len(s) for s in shapes)
        out = []
        for axis in range(rank):
            dims = {s[axis - rank + len(s)] for s in shapes if axis - rank + len(s) >= 0} - {1}
            out.append(None if None in dims else (dims.pop() if len(dims) == 1 else 1))
        return tuple(out)

    def forward(self, inputs: list[torch.Tensor]) -> torch.Tensor:
        out = inputs[0]
        for x in inputs[1:]:
            out = self.combine(out, x)
        return out


class Add(_Merge):
    """Element-wise sum of the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def combine(self, a, b):
        return a + b


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, inputs):
        if len(inputs) != 2:
            raise ConfigError(f"Subtract takes exactly two inputs, got {len(inputs)}")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Element-wise product of the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def combine(self, a, b):
        return a * b


class Average(_Merge):
    """Element-wise mean of the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


class Maximum(_Merge):
    """Element-wise maximum of the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def combine(self, a, b):
        return torch.maximum(a, b)


class Minimum(_Merge):
    """Element-wise minimum of the inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def combine(self, a, b):
        return torch.minimum(a, b)


class Concatenate(_Merge):
    """Joins the inputs along ``axis`` (-1: features; sample axes count from 1, as in Keras).

    >>> Concatenate(axis=1)([torch.ones(2, 3, 4), torch.ones(2, 5, 4)]).shape
    torch.Size([2, 8, 4])
    """

    def __init__(self, axis: int = -1, **kwargs):
        self.axis = int(axis)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape) -> Shape:
        shapes = self._shapes(input_shape)
        rank = len(shapes[0])
        axis = self.axis if self.axis < 0 else self.axis - 1
        axis %= rank
        out = list(shapes[0])
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def forward(self, inputs):
        try:
            return torch.cat(inputs, dim=self.axis)
        except RuntimeError as e:
            raise ConfigError(f"Concatenate(axis={self.axis}) needs inputs that agree on every other axis, got "
                              f"{[tuple(x.shape) for x in inputs]}: {str(e).splitlines()[0]}") from None


class Dot(_Merge):
    """Dot product of two inputs along ``axes`` (an int for both, or a pair), per sample, as Keras's
    ``Dot``: ``(b, n) . (b, n) -> (b, 1)``; ``(b, t, d) . (b, s, d)`` with ``axes=2`` -> ``(b, t, s)``.
    ``normalize=True`` L2-normalises both along those axes first (cosine similarity).

    >>> Dot(axes=1)([torch.ones(2, 3), torch.ones(2, 3)]).tolist()
    [[3.0], [3.0]]
    """

    def __init__(self, axes, normalize: bool = False, **kwargs):
        self.axes = [int(a) for a in axes] if isinstance(axes, (list, tuple)) else int(axes)
        self.normalize = bool(normalize)
        super().__init__(**kwargs)
        axes = self.axes
        self.finish_init(locals())

    def _axes(self, rank_a: int, rank_b: int) -> tuple[int, int]:
        pair = self.axes if isinstance(self.axes, list) else [self.axes, self.axes]
        return tuple(a % r for a, r in zip(pair, (rank_a, rank_b)))

    def compute_output_shape(self, input_shape) -> Shape:
        a, b = self._shapes(input_shape)[:2]
        ax_a, ax_b = self._axes(len(a) + 1, len(b) + 1)
        rest = [d for i, d in enumerate(a) if i + 1 != ax_a] + [d for i, d in enumerate(b) if i + 1 not in (ax_b,)]
        return tuple(rest) if rest else (1,)

    def forward(self, inputs):
        if len(inputs) != 2:
            raise ConfigError(f"Dot takes exactly two inputs, got {len(inputs)}")
        a, b = inputs
        ax_a, ax_b = self._axes(a.dim(), b.dim())
        if 0 in (ax_a, ax_b):
            raise ConfigError("Dot cannot contract the batch axis; axes count sample axes from 1")
        if self.normalize:
            a, b = F.normalize(a, dim=ax_a), F.normalize(b, dim=ax_b)
        a = a.movedim(ax_a, -1)
        b = b.movedim(ax_b, 1)
        if a.shape[-1] != b.shape[1]:
            raise ConfigError(f"Dot axes {self.axes}: sizes {a.shape[-1]} and {b.shape[1]} differ")
        out = a.reshape(a.shape[0], -1, a.shape[-1]) @ b.reshape(b.shape[0], b.shape[1], -1)
        shape = (*a.shape[1:-1], *b.shape[2:])
        return out.reshape(a.shape[0], *shape) if shape else out.reshape(a.shape[0], 1)


class RepeatVector(Layer):
    """Repeats a vector ``n`` times: ``(batch, features)`` -> ``(batch, n, features)`` (the bridge from an
    encoder's last state to a decoder that reads one step per output, seed 001's encoder-decoder).

    >>> RepeatVector(3)(torch.ones(2, 4)).shape
    torch.Size([2, 3, 4])
    """

    def __init__(self, n: int, **kwargs):
        if int(n) < 1:
            raise ConfigError(f"RepeatVector needs n >= 1, got {n}")
        self.n = int(n)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (self.n, *input_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2:
            raise ConfigError(f"RepeatVector takes (batch, features), got {tuple(x.shape)}")
        return x.unsqueeze(1).expand(-1, self.n, -1)


class Permute(Layer):
    """Reorders the sample axes: ``dims`` numbers them from 1 (Keras), e.g. ``Permute((2, 1))`` swaps
    time and features.

    >>> Permute((2, 1))(torch.ones(2, 5, 3)).shape
    torch.Size([2, 3, 5])
    """

    def __init__(self, dims, **kwargs):
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ConfigError(f"Permute dims must be a permutation of 1..{len(self.dims)}, got {dims!r}")
        super().__init__(**kwargs)
        dims = list(self.dims)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape[d - 1] for d in self.dims)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != len(self.dims) + 1:
            raise ConfigError(f"Permute{self.dims} takes {len(self.dims)} sample axes, got {tuple(x.shape)}")
        return x.permute(0, *self.dims)
