"""ConvLSTM2D: an LSTM whose gates are convolutions, for sequences of images (seed 002: "CNN-LSTM is
not ConvLSTM"; Shi et al. 2015, as Keras implements it).

The gate equations are the LSTM's (seed 002) with every matrix product replaced by a convolution
``*``; gates fused in Keras order i, f, c, o along the filter axis::

    i_t = s(W_i * X_t + U_i * H_{t-1} + b_i)        f_t = s(W_f * X_t + U_f * H_{t-1} + b_f)
    c~_t = tanh(W_c * X_t + U_c * H_{t-1} + b_c)    C_t = f_t . C_{t-1} + i_t . c~_t
    o_t = s(W_o * X_t + U_o * H_{t-1} + b_o)        H_t = o_t . tanh(C_t)

The input convolution uses the layer's ``strides``/``padding``/``dilation_rate``; the recurrent
one is stride 1, "same". Weights (Keras layout): kernel ``(kh, kw, in, 4*filters)``,
recurrent_kernel ``(kh, kw, filters, 4*filters)``, bias ``(4*filters,)``.

>>> import torch
>>> layer = ConvLSTM2D(4, 3, padding="same", input_shape=(5, 8, 8, 1))
>>> layer(torch.zeros(2, 5, 8, 8, 1)).shape
torch.Size([2, 4, 8, 8])
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import activation_name, get_activation
from seqlab.nn.base import Layer, Shape, new_weight
from seqlab.nn.conv import _pads, _torch_pad, _Windowed
from seqlab.nn.initializers import get_initializer


class ConvLSTM2DCell(Layer):
    """One ConvLSTM step on images. States ``[H, C]``, each ``(batch, filters, H', W')``.

    ``project_inputs`` convolves every frame at once (one conv for all steps); ``step`` adds the
    recurrent convolution of ``H_{t-1}`` and applies the gates.

    >>> cell = ConvLSTM2DCell(2, (3, 3), input_shape=(1, 6, 6))
    >>> [w.shape for w in cell.get_weights()]
    [(3, 3, 1, 8), (3, 3, 2, 8), (8,)]
    """

    def __init__(self, filters: int, kernel_size=(3, 3), strides=(1, 1), padding: str = "valid",
                 dilation_rate=(1, 1), activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True, **kwargs):
        self.filters, self.use_bias, self.unit_forget_bias = int(filters), bool(use_bias), bool(unit_forget_bias)
        self.kernel_size, self.strides = tuple(kernel_size), tuple(strides)
        self.padding, self.dilation_rate = padding, tuple(dilation_rate)
        self.activation, self.recurrent_activation = get_activation(activation), get_activation(recurrent_activation)
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        super().__init__(**kwargs)
        activation, recurrent_activation = activation_name(activation), activation_name(recurrent_activation)
        kernel_size, strides, dilation_rate = list(self.kernel_size), list(self.strides), list(self.dilation_rate)
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        channels, f, kernel = input_shape[0], self.filters, self.kernel_size
        self.kernel = new_weight(self.kernel_initializer, (*kernel, channels, 4 * f), self.build_generator)
        if self.recurrent_initializer == "orthogonal":  # Keras: orthogonal over (kh*kw*filters, 4*filters)
            flat = get_initializer("orthogonal")((kernel[0] * kernel[1] * f, 4 * f), self.build_generator)
            self.recurrent_kernel = torch.nn.Parameter(flat.reshape(*kernel, f, 4 * f))
        else:
            self.recurrent_kernel = new_weight(self.recurrent_initializer, (*kernel, f, 4 * f), self.build_generator)
        self.weight_names = ["kernel", "recurrent_kernel"]
        if self.use_bias:
            bias = new_weight(self.bias_initializer, (4 * f,), self.build_generator)
            if self.unit_forget_bias:
                with torch.no_grad():
                    bias[f:2 * f] = 1.0
            self.bias = bias
            self.weight_names.append("bias")

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        sizes = input_shape[1:]
        pads = _pads("ConvLSTM2D", sizes, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        out = [None if n is None else (n + sum(p) - d * (k - 1) - 1) // s + 1
               for n, k, s, d, p in zip(sizes, self.kernel_size, self.strides, self.dilation_rate, pads)]
        return (self.filters, *out)

    def project_inputs(self, frames: torch.Tensor) -> torch.Tensor:
        """``W * X_t + b`` for a stack of frames ``(n, C, H, W)`` -> ``(n, 4*filters, H', W')``."""
        pads = _pads("ConvLSTM2D", frames.shape[2:], self.kernel_size, self.strides, self.dilation_rate,
                     self.padding)
        return F.conv2d(F.pad(frames, _torch_pad(pads)), self.kernel.permute(3, 2, 0, 1),
                        self.bias if self.use_bias else None, self.strides, 0, self.dilation_rate)

    def initial_states(self, x_proj: torch.Tensor) -> list[torch.Tensor]:
        shape = (x_proj.shape[0], self.filters, *x_proj.shape[2:])
        return [x_proj.new_zeros(shape), x_proj.new_zeros(shape)]

    def step(self, x_proj: torch.Tensor, states: list[torch.Tensor], rec_mask: torch.Tensor | None = None):
        """One step: ``x_proj`` ``(batch, 4F, H', W')`` and ``[H, C]`` -> ``(H_t, [H_t, C_t])``."""
        h, c = states
        h_in = h if rec_mask is None else h * rec_mask
        pads = _pads("ConvLSTM2D", h.shape[2:], self.kernel_size, (1, 1), (1, 1), "same")
        z = x_proj + F.conv2d(F.pad(h_in, _torch_pad(pads)), self.recurrent_kernel.permute(3, 2, 0, 1))
        zi, zf, zc, zo = z.chunk(4, dim=1)
        sig = self.recurrent_activation
        c = sig(zf) * c + sig(zi) * self.activation(zc)          # C_t = f_t . C_{t-1} + i_t . c~_t
        h = sig(zo) * self.activation(c)                          # H_t = o_t . tanh(C_t)
        return h, [h, c]


class ConvLSTM2D(_Windowed):
    """ConvLSTM over a sequence of images: ``(batch, time, C, H, W)`` -> ``(batch, filters, H', W')``
    or, with ``return_sequences``, ``(batch, time, filters, H', W')``.

    Given ``input_shape`` in Keras's ``(time, H, W, C)`` (``data_format="channels_last"``), it is
    the model's entry and also accepts ``(batch, time, H, W, C)`` tensors.

    Args: filters, kernel_size, strides, padding ("valid" | "same"), data_format, dilation_rate,
    activation ("tanh"), recurrent_activation ("sigmoid"), use_bias, kernel_initializer,
    recurrent_initializer ("orthogonal"), bias_initializer, unit_forget_bias (forget bias starts
    at 1), return_sequences, return_state (``[output, H, C]``), go_backwards, dropout and
    recurrent_dropout (one mask per sequence, reused at every step, seed 004).

    >>> ConvLSTM2D(40, (3, 3), input_shape=(None, 40, 40, 1)).count_params()
    59200
    """

    keras_layout = "(time, H, W, C)"

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format: str = "channels_last", dilation_rate=1, activation="tanh",
                 recurrent_activation="sigmoid", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", unit_forget_bias: bool = True,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs):
        _check_rates(dropout=dropout, recurrent_dropout=recurrent_dropout)
        if int(filters) < 1:
            raise ConfigError(f"ConvLSTM2D needs filters >= 1, got {filters}")
        kwargs = self._setup(kernel_size, strides, padding, dilation_rate, data_format, kwargs)
        super().__init__(**kwargs)
        self.cell = ConvLSTM2DCell(filters, self.kernel_size, self.strides, padding, self.dilation_rate,
                                   activation, recurrent_activation, use_bias, kernel_initializer,
                                   recurrent_initializer, bias_initializer, unit_forget_bias)
        self.filters = int(filters)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        activation, recurrent_activation = activation_name(activation), activation_name(recurrent_activation)
        kernel_size, strides, dilation_rate = list(self.kernel_size), list(self.strides), list(self.dilation_rate)
        self.image_layout = True  # summaries print (time, H, W, C) / (H, W, C) as Keras does
        self.finish_init(locals())

    def build(self, input_shape: Shape) -> None:
        if len(input_shape) != 4 or input_shape[1] is None:
            raise ConfigError(f"ConvLSTM2D takes (time, C, H, W) per sample with known channels, got "
                              f"{tuple(input_shape)}; give input_shape=(time, H, W, C)")
        self.cell.build_for(tuple(input_shape[1:]), self.build_generator)
        self.weight_names = list(self.cell.weight_names)

    def weight_tensors(self) -> list[torch.Tensor]:
        return self.cell.weight_tensors()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = self._engine_shape(input_shape)
        frame = self.cell.compute_output_shape(tuple(shape[1:]))
        return (shape[0], *frame) if self.return_sequences else frame

    def forward(self, x: torch.Tensor, initial_state=None):
        x = self._enter(x)
        if x.dim() != 5:
            raise ConfigError(f"{self.name or 'ConvLSTM2D'} expects (batch, time, C, H, W) inputs, "
                              f"got {tuple(x.shape)}")
        if self.go_backwards:
            x = x.flip(1)
        b, t = x.shape[:2]
        if self.training and self.dropout > 0:
            keep = x.new_empty(b, 1, *x.shape[2:]).bernoulli_(1 - self.dropout)
            x = x * keep / (1 - self.dropout)
        x_proj = self.cell.project_inputs(x.reshape(b * t, *x.shape[2:]))
        x_proj = x_proj.reshape(b, t, *x_proj.shape[1:])
        states = self.cell.initial_states(x_proj[:, 0]) if initial_state is None else list(initial_state)
        rec_mask = None
        if self.training and self.recurrent_dropout > 0:
            keep = states[0].new_empty(states[0].shape).bernoulli_(1 - self.recurrent_dropout)
            rec_mask = keep / (1 - self.recurrent_dropout)
        outputs = []
        for step in range(t):
            out, states = self.cell.step(x_proj[:, step], states, rec_mask)
            outputs.append(out)
        out = torch.stack(outputs, dim=1) if self.return_sequences else outputs[-1]
        return [out, *states] if self.return_state else out


def _check_rates(**rates) -> None:
    for what, rate in rates.items():
        if not 0.0 <= rate < 1.0:
            raise ConfigError(f"{what} must be in [0, 1), got {rate}")
