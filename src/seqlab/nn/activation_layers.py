"""Activations as layers, with Keras's names, arguments and defaults: ``ReLU``, ``LeakyReLU``,
``ELU``, ``Softmax``, ``PReLU`` (a learned slope), and ``Maxout`` (seed 002's list of activations;
the maximum over groups of features, the definition in ``seqlab.nn.activations.Maxout``).

They can stand in a ``Sequential``, be saved, and be called on symbolic tensors like any layer.

>>> import torch
>>> LeakyReLU(negative_slope=0.1)(torch.tensor([[-1.0, 2.0]])).tolist()
[[-0.10000000149011612, 2.0]]
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, Shape, new_weight


class ReLU(Layer):
    """``max(x, 0)``, optionally capped at ``max_value``; below ``threshold`` the output is
    ``negative_slope * (x - threshold)`` (Keras's ``ReLU``).

    >>> ReLU(max_value=1.0)(torch.tensor([-2.0, 0.5, 3.0])).tolist()
    [0.0, 0.5, 1.0]
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs):
        if max_value is not None and max_value < 0 or negative_slope < 0:
            raise ConfigError(f"ReLU needs max_value >= 0 and negative_slope >= 0, got {max_value}, {negative_slope}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        positive = torch.where(x > self.threshold, x, torch.zeros_like(x)) if self.threshold else torch.relu(x)
        if self.max_value is not None:
            positive = positive.clamp(0.0, self.max_value)
        if self.negative_slope == 0.0:
            return positive
        return positive - self.negative_slope * torch.relu(self.threshold - x)


class LeakyReLU(Layer):
    """``x`` where ``x > 0``, else ``negative_slope * x``. Keras's default slope is 0.3; seed 002 writes
    its leaky ReLU with 0.01 (pass ``negative_slope=0.01``). ``alpha`` is Keras 2's spelling.

    >>> LeakyReLU()(torch.tensor([-1.0])).tolist()
    [-0.30000001192092896]
    """

    def __init__(self, negative_slope: float = 0.3, alpha: float | None = None, **kwargs):
        negative_slope = float(alpha if alpha is not None else negative_slope)
        if negative_slope < 0:
            raise ConfigError(f"LeakyReLU needs negative_slope >= 0, got {negative_slope}")
        self.negative_slope = negative_slope
        super().__init__(**kwargs)
        self.finish_init(locals(), skip=("alpha",))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.leaky_relu(x, self.negative_slope)


class ELU(Layer):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha: float = 1.0, **kwargs):
        self.alpha = float(alpha)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.elu(x, self.alpha)


class Softmax(Layer):
    """Softmax over ``axis`` (-1: features). Called with ``mask=`` (True = keep), masked entries get 0.

    >>> Softmax()(torch.zeros(1, 4)).tolist()
    [[0.25, 0.25, 0.25, 0.25]]
    """

    def __init__(self, axis: int = -1, **kwargs):
        self.axis = int(axis)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is not None:
            x = x.masked_fill(~mask.to(torch.bool), -1e9)
        return torch.softmax(x, dim=self.axis)


class PReLU(Layer):
    """Parametric ReLU: ``x`` where ``x > 0``, else ``alpha * x`` with ``alpha`` learned per input
    element (Keras's ``PReLU``); ``shared_axes`` (numbered from 1) share one slope along those axes.
    Weights: alpha, of the sample shape with 1 on shared axes, starting at ``alpha_initializer``
    (Keras: zeros, i.e. a plain ReLU at the start).

    >>> PReLU(input_shape=(5, 3), shared_axes=[1]).get_weights()[0].shape
    (1, 3)
    """

    def __init__(self, alpha_initializer="zeros", shared_axes=None, **kwargs):
        self.alpha_initializer = alpha_initializer
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else [int(a) for a in shared_axes]
        super().__init__(**kwargs)
        shared_axes = self.shared_axes
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        shape = list(input_shape)
        for axis in self.shared_axes or []:
            if not 1 <= axis <= len(shape):
                raise ConfigError(f"PReLU shared_axes count sample axes from 1 to {len(shape)}, got {axis}")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ConfigError(f"PReLU needs known sizes (or shared_axes over the varying ones), got {input_shape}")
        self.alpha = new_weight(self.alpha_initializer, tuple(shape), self.build_generator)
        self.weight_names = ["alpha"]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, self.alpha * x)


class Maxout(Layer):
    """Maxout (seed 002): the maximum over each group of ``pieces`` consecutive features of the last
    axis, so ``(…, k * pieces)`` becomes ``(…, k)``; put it after a ``Dense(pieces * k)`` for Goodfellow's
    maxout unit ``max_j (x W_j + b_j)``. Not a Keras layer.

    >>> Maxout(2)(torch.tensor([[1.0, 5.0, 3.0, 2.0]])).tolist()
    [[5.0, 3.0]]
    """

    def __init__(self, pieces: int, **kwargs):
        if int(pieces) < 1:
            raise ConfigError(f"Maxout needs pieces >= 1, got {pieces}")
        self.pieces = int(pieces)
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        last = input_shape[-1]
        if last is not None and last % self.pieces:
            raise ConfigError(f"Maxout: {last} features do not split into {self.pieces} pieces")
        return (*input_shape[:-1], None if last is None else last // self.pieces)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] % self.pieces:
            raise ConfigError(f"Maxout: {x.shape[-1]} features do not split into {self.pieces} pieces")
        return x.unflatten(-1, (x.shape[-1] // self.pieces, self.pieces)).amax(-1)
