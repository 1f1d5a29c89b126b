"""Convolution and pooling layers with Keras semantics (seed 002): Conv1D, Conv2D, MaxPooling1D/2D,
AveragePooling1D/2D, GlobalAveragePooling1D/2D, GlobalMaxPooling1D/2D, and ``conv_output_size``.

Layouts. Inside the engine images are ``(batch, C, H, W)`` and sequences ``(batch, time, features)``.
Weights follow Keras: a Conv2D kernel is ``(kh, kw, in, filters)``, a Conv1D kernel
``(k, in, filters)``, so ``set_weights`` takes Keras arrays unchanged.

Channels-last at the edge. A 2-D layer given ``input_shape`` is the model's entry: with the
default ``data_format="channels_last"`` that shape is read as Keras's ``(H, W, C)``, converted to
the engine's ``(C, H, W)``, and the layer permutes incoming ``(batch, H, W, C)`` tensors itself
(``(batch, C, H, W)`` tensors pass unchanged). Every later layer receives ``(batch, C, H, W)``.
Summaries print image shapes as Keras's ``(H, W, C)``. ``Flatten`` after a conv flattens in
(C, H, W) order, so a Dense kernel copied from Keras after a Flatten needs its rows permuted.

Padding "same" pads like TensorFlow: the total padding ``max((ceil(n/s)-1)*s + (f-1)*d + 1 - n, 0)``
is split with the odd pixel at the bottom/right, and the output size is ``ceil(n / s)``.

>>> import torch
>>> Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1))(torch.zeros(2, 28, 28, 1)).shape
torch.Size([2, 32, 26, 26])
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.activations import activation_name, get_activation
from seqlab.nn.base import Layer, Shape, new_weight
from seqlab.nn.penalties import WeightPenalties

PADDINGS = ("valid", "same", "causal")


def conv_output_size(n: int, f: int, p: int = 0, s: int = 1) -> int:
    """Output length of a convolution or pooling window (seed 002): ``floor((n + 2p - f) / s) + 1``.

    Args: n input size, f filter size, p padding on each side, s stride.
    Raises ConfigError when the filter does not fit inside the padded input.

    >>> conv_output_size(6, 3), conv_output_size(6, 3, p=1), conv_output_size(7, 3, s=2)
    (4, 6, 3)
    """
    if min(n, f, s) < 1 or p < 0:
        raise ConfigError(f"conv_output_size needs n, f, s >= 1 and p >= 0; got n={n}, f={f}, p={p}, s={s}")
    if n + 2 * p < f:
        raise ConfigError(f"filter of size {f} is larger than the padded input ({n} + 2*{p}); "
                          "use a smaller filter or more padding")
    return (n + 2 * p - f) // s + 1


def _ints(value, rank: int, what: str) -> tuple[int, ...]:
    values = (value,) * rank if isinstance(value, int) else tuple(int(v) for v in value)
    if len(values) != rank or min(values) < 1:
        raise ConfigError(f"{what} must be a positive int or {rank} positive ints, got {value!r}")
    return values


def _pads(layer: str, sizes, kernel, strides, dilation, padding) -> list[tuple[int, int]]:
    """(before, after) padding for each spatial axis; checks the window fits the padded input."""
    pads = []
    for n, f, s, d in zip(sizes, kernel, strides, dilation):
        span = d * (f - 1) + 1
        if padding == "valid" or n is None:
            pad = (0, 0)
        elif padding == "causal":
            pad = (span - 1, 0)
        else:  # TensorFlow's "same": odd pixel after
            total = max((math.ceil(n / s) - 1) * s + span - n, 0)
            pad = (total // 2, total - total // 2)
        if n is not None and n + sum(pad) < span:
            raise DataError(f"{layer}: window of size {span} is larger than the padded input of size "
                            f"{n + sum(pad)} (padding {padding!r}); use a smaller kernel_size/pool_size, "
                            "padding='same', or a larger input")
        pads.append(pad)
    return pads


def _out_size(n, span: int, s: int, pad: tuple[int, int]):
    return None if n is None else (n + sum(pad) - span) // s + 1


def _torch_pad(pads: list[tuple[int, int]]) -> list[int]:
    """F.pad's argument: last axis first."""
    return [p for pair in reversed(pads) for p in pair]


def _channels_first(shape: Shape) -> Shape:
    """``(..., H, W, C)`` -> ``(..., C, H, W)``."""
    return (*shape[:-3], shape[-1], shape[-3], shape[-2])


class _Windowed(Layer):
    """Shared machinery of convolution and pooling: window geometry and the channels-last entry."""

    rank = 2
    keras_layout = "(H, W, C)"  # what a channels-last input_shape holds

    def _setup(self, kernel, strides, padding, dilation, data_format, kwargs) -> dict:
        self.kernel_size = _ints(kernel, self.rank, "kernel_size")
        self.strides = _ints(strides, self.rank, "strides")
        self.dilation_rate = _ints(dilation, self.rank, "dilation_rate")
        if padding not in PADDINGS or (padding == "causal" and self.rank != 1):
            raise ConfigError(f"padding must be 'valid' or 'same'{' or causal' if self.rank == 1 else ''}, "
                              f"got {padding!r}")
        if data_format not in ("channels_last", "channels_first"):
            raise ConfigError(f"data_format must be 'channels_last' or 'channels_first', got {data_format!r}")
        self.padding, self.data_format = padding, data_format
        self._keras_input_shape = None
        if self.rank == 2 and kwargs.get("input_shape") is not None:
            shape = tuple(kwargs["input_shape"])
            if len(shape) != self.keras_layout.count(",") + 1:
                raise ConfigError(f"{type(self).__name__} input_shape must be {self.keras_layout}, got {shape}")
            if data_format == "channels_last":
                self._keras_input_shape = shape
                kwargs["input_shape"] = _channels_first(shape)
        self.image_layout = self.rank == 2
        return kwargs

    def get_config(self) -> dict:
        cfg = super().get_config()
        if self._keras_input_shape is not None:
            cfg["input_shape"] = list(self._keras_input_shape)
        return cfg

    def _engine_shape(self, shape: Shape) -> Shape:
        shape = tuple(shape)
        if self._keras_input_shape is not None and shape == self._keras_input_shape:
            return _channels_first(shape)
        return shape

    def build_for(self, input_shape: Shape, generator: torch.Generator | None = None) -> Shape:
        return super().build_for(self._engine_shape(input_shape), generator)

    def _enter(self, x: torch.Tensor) -> torch.Tensor:
        """Move the channels of a channels-last batch ``(B, ..., H, W, C)`` before H at the model's entry."""
        k = self._keras_input_shape
        if k is not None and x.dim() == len(k) + 1 and all(a is None or a == b for a, b in zip(k, x.shape[1:])):
            return x.movedim(x.dim() - 1, x.dim() - 3)  # positive axes: ONNX's Transpose takes no negative ones
        return x

    def _spatial_out(self, sizes) -> tuple:
        pads = _pads(type(self).__name__, sizes, self.kernel_size, self.strides, self.dilation_rate,
                     self.padding)
        return tuple(_out_size(n, d * (f - 1) + 1, s, p) for n, f, s, d, p in
                     zip(sizes, self.kernel_size, self.strides, self.dilation_rate, pads))


class _Conv(WeightPenalties, _Windowed):
    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate=1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        if int(filters) < 1:
            raise ConfigError(f"{type(self).__name__} needs filters >= 1, got {filters}")
        self.filters, self.use_bias = int(filters), bool(use_bias)
        self.activation = get_activation(activation)
        self._softmax = activation == "softmax"  # Keras takes softmax over the channels
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.take_penalties(kwargs)  # kernel_regularizer, ..., bias_constraint (seqlab.nn.penalties)
        kwargs = self._setup(kernel_size, strides, padding, dilation_rate, data_format, kwargs)
        super().__init__(**kwargs)
        activation = activation_name(activation)
        kernel_size, strides, dilation_rate = (list(self.kernel_size), list(self.strides),
                                              list(self.dilation_rate))
        self.finish_init(locals())

    def _channels_in(self, input_shape: Shape):
        return input_shape[0] if self.rank == 2 else input_shape[-1]

    def build(self, input_shape: Shape) -> None:
        if len(input_shape) != self.rank + 1:
            raise ConfigError(f"{type(self).__name__} expects inputs of rank {self.rank + 1} per sample "
                              f"({'(C, H, W)' if self.rank == 2 else '(time, features)'}), got {input_shape}")
        channels = self._channels_in(input_shape)
        if channels is None:
            raise ConfigError(f"{type(self).__name__} needs a known number of input channels")
        self.kernel = new_weight(self.kernel_initializer, (*self.kernel_size, channels, self.filters),
                                 self.build_generator)
        self.weight_names = ["kernel"]
        if self.use_bias:
            self.bias = new_weight(self.bias_initializer, (self.filters,), self.build_generator)
            self.weight_names.append("bias")

    def _activate(self, y: torch.Tensor) -> torch.Tensor:
        if self._softmax:
            return torch.softmax(y, dim=1)
        return self.activation(y)


class Conv2D(_Conv):
    """2-D convolution: ``activation(conv(x, kernel) + bias)``.

    Takes ``(batch, C, H, W)`` (or ``(batch, H, W, C)`` as the entry layer, see the module notes) and
    returns ``(batch, filters, H', W')`` with ``H' = floor((H + pad - d*(kh-1) - 1) / s) + 1``.
    Weights: kernel ``(kh, kw, in, filters)``, bias ``(filters,)``.

    Args: filters, kernel_size (int or pair), strides, padding ("valid" | "same"), data_format,
    dilation_rate, activation, use_bias, kernel_initializer, bias_initializer, input_shape.

    >>> Conv2D(64, 3, input_shape=(13, 13, 32)).count_params()
    18496
    """

    rank = 2

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        c, h, w = self._engine_shape(input_shape)
        return (self.filters, *self._spatial_out((h, w)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self._enter(x)
        pads = _pads("Conv2D", x.shape[2:], self.kernel_size, self.strides, self.dilation_rate, self.padding)
        padding = (pads[0][0], pads[1][0])
        if any(a != b for a, b in pads):
            x, padding = F.pad(x, _torch_pad(pads)), 0
        y = F.conv2d(x, self.kernel.permute(3, 2, 0, 1), self.bias if self.use_bias else None,
                     self.strides, padding, self.dilation_rate)
        return self._activate(y)


class Conv1D(_Conv):
    """1-D convolution over time: ``(batch, time, features)`` -> ``(batch, time', filters)``.

    ``padding="causal"`` pads ``dilation*(k-1)`` steps on the left only, so step t sees no future.
    Weights: kernel ``(k, in, filters)``, bias ``(filters,)``.

    >>> Conv1D(8, 3, padding="causal", input_shape=(20, 2))(torch.zeros(4, 20, 2)).shape
    torch.Size([4, 20, 8])
    """

    rank = 1

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (*self._spatial_out((input_shape[0],)), self.filters)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x.transpose(1, 2)
        (pad,) = _pads("Conv1D", x.shape[2:], self.kernel_size, self.strides, self.dilation_rate,
                       self.padding)
        padding = pad[0]
        if pad[0] != pad[1]:
            x, padding = F.pad(x, list(pad)), 0
        y = F.conv1d(x, self.kernel.permute(2, 1, 0), self.bias if self.use_bias else None,
                     self.strides, padding, self.dilation_rate)
        return self._activate(y).transpose(1, 2)


class _Pool(_Windowed):
    mode = "max"

    def __init__(self, pool_size=2, strides=None, padding: str = "valid",
                 data_format: str = "channels_last", **kwargs):
        kwargs = self._setup(pool_size, pool_size if strides is None else strides, padding, 1,
                             data_format, kwargs)
        super().__init__(**kwargs)
        pool_size, strides = list(self.kernel_size), list(self.strides)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = self._engine_shape(input_shape)
        if self.rank == 1:
            return (*self._spatial_out(shape[:1]), shape[1])
        return (shape[0], *self._spatial_out(shape[1:]))

    def _pool(self, x: torch.Tensor) -> torch.Tensor:
        """Pools ``(batch, C, *spatial)``; "same" pads with -inf (max) or excludes pads from the mean."""
        pads = _pads(type(self).__name__, x.shape[2:], self.kernel_size, self.strides, (1,) * self.rank,
                     self.padding)
        k, s = self.kernel_size, self.strides
        fn = {("max", 1): F.max_pool1d, ("max", 2): F.max_pool2d,
              ("avg", 1): F.avg_pool1d, ("avg", 2): F.avg_pool2d}[self.mode, self.rank]
        if all(p == (0, 0) for p in pads):
            return fn(x, k, s)
        if self.mode == "max":
            return fn(F.pad(x, _torch_pad(pads), value=-math.inf), k, s)
        ones = torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device)
        return fn(F.pad(x, _torch_pad(pads)), k, s) / fn(F.pad(ones, _torch_pad(pads)), k, s)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.rank == 1:
            return self._pool(x.transpose(1, 2)).transpose(1, 2)
        return self._pool(self._enter(x))


class MaxPooling2D(_Pool):
    """Maximum over ``pool_size`` windows moved by ``strides`` (default: pool_size) on ``(batch, C, H, W)``.

    >>> MaxPooling2D(2)(torch.arange(16.0).reshape(1, 1, 4, 4)).flatten().tolist()
    [5.0, 7.0, 13.0, 15.0]
    """


class AveragePooling2D(_Pool):
    """Mean over ``pool_size`` windows on ``(batch, C, H, W)``; "same" pads are left out of the mean.

    >>> AveragePooling2D(2)(torch.arange(16.0).reshape(1, 1, 4, 4)).flatten().tolist()
    [2.5, 4.5, 10.5, 12.5]
    """

    mode = "avg"


class MaxPooling1D(_Pool):
    """Maximum over windows of ``pool_size`` steps: ``(batch, time, features)`` -> ``(batch, time', features)``.

    >>> MaxPooling1D(2)(torch.tensor([[[1.0], [3.0], [2.0], [0.0]]])).flatten().tolist()
    [3.0, 2.0]
    """

    rank = 1


class AveragePooling1D(_Pool):
    """Mean over windows of ``pool_size`` steps: ``(batch, time, features)`` -> ``(batch, time', features)``.

    >>> AveragePooling1D(2)(torch.tensor([[[1.0], [3.0], [2.0], [0.0]]])).flatten().tolist()
    [2.0, 1.0]
    """

    rank = 1
    mode = "avg"


class _GlobalPool(Layer):
    rank, mode = 1, "avg"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.finish_init(locals())

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (input_shape[-1],) if self.rank == 1 else (input_shape[0],)


class GlobalAveragePooling1D(_GlobalPool):
    """Mean over time: ``(batch, time, features)`` -> ``(batch, features)``; masked steps are skipped.

    >>> GlobalAveragePooling1D()(torch.ones(2, 5, 3)).shape
    torch.Size([2, 3])
    """

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            return x.mean(dim=1)
        w = mask.to(x.dtype).unsqueeze(-1)
        return (x * w).sum(dim=1) / w.sum(dim=1).clamp_min(1.0)


class GlobalMaxPooling1D(_GlobalPool):
    """Maximum over time: ``(batch, time, features)`` -> ``(batch, features)``.

    >>> GlobalMaxPooling1D()(torch.tensor([[[1.0], [4.0], [2.0]]])).tolist()
    [[4.0]]
    """

    mode = "max"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.amax(dim=1)


class GlobalAveragePooling2D(_GlobalPool):
    """Mean over H and W: ``(batch, C, H, W)`` -> ``(batch, C)``.

    >>> GlobalAveragePooling2D()(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3])
    """

    rank = 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(2, 3))


class GlobalMaxPooling2D(_GlobalPool):
    """Maximum over H and W: ``(batch, C, H, W)`` -> ``(batch, C)``.

    >>> GlobalMaxPooling2D()(torch.ones(2, 3, 4, 4)).shape
    torch.Size([2, 3])
    """

    rank, mode = 2, "max"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.amax(dim=(2, 3))
