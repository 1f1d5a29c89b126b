"""Recurrent cells: one time step each, written from the seeds' equations (seeds 002, 003, 004).

A cell holds its weights in Keras layout: ``kernel (in, k*units)``, ``recurrent_kernel
(units, k*units)``, ``bias (k*units,)`` (``(2, 3*units)`` for a GRU with ``reset_after``), gates
fused along the last axis in Keras's order (i, f, c, o for the LSTM; z, r, h for the GRU).
A step is split in two so a layer can run the input half for all steps in one GEMM:

* ``project_inputs(x)``: ``x @ kernel + input bias`` for every gate at once, any leading axes;
* ``step(x_proj, states, rec_mask)``: the recurrence of one step, one GEMM for all gates.

``cell(x_t, states)`` runs both halves for one step and returns ``(output, new_states)``.
``fused_weights()`` hands the same weights to PyTorch's fused kernels in their layout (see
``seqlab.nn.recurrent``), or returns None when the configuration has no fused equivalent.

>>> import torch
>>> cell = LSTMCell(3, input_dim=2)
>>> h, (h2, c) = cell(torch.ones(4, 2), [torch.zeros(4, 3), torch.zeros(4, 3)])
>>> h.shape, c.shape
(torch.Size([4, 3]), torch.Size([4, 3]))
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import activation_name, get_activation
from seqlab.nn.base import Layer, Shape, new_weight


class RecurrentCell(Layer):
    """What every cell shares: units, activations, initialisers and the fused-GEMM input half.

    Subclasses set ``gates`` (blocks in the fused weights), ``state_size`` (number of state
    tensors, each ``(batch, units)``) and implement ``step``.
    """

    gates = 1
    state_size = 1

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", **kwargs):
        if int(units) < 1:
            raise ConfigError(f"{type(self).__name__} needs units >= 1, got {units}")
        self.units, self.use_bias = int(units), bool(use_bias)
        self.activation = get_activation(activation)
        self.recurrent_activation = get_activation(recurrent_activation)
        self.activation_name = activation_name(activation)
        self.recurrent_activation_name = activation_name(recurrent_activation)
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        super().__init__(**kwargs)

    def build(self, input_shape: Shape) -> None:
        features = input_shape[-1]
        if features is None:
            raise ConfigError(f"{type(self).__name__} needs a known number of input features; give input_shape")
        width = self.gates * self.units
        self.kernel = new_weight(self.kernel_initializer, (features, width), self.build_generator)
        self.recurrent_kernel = new_weight(self.recurrent_initializer, (self.units, width), self.build_generator)
        self.weight_names = ["kernel", "recurrent_kernel"]
        if self.use_bias:
            self.bias = self.make_bias()
            self.weight_names.append("bias")

    def make_bias(self) -> torch.nn.Parameter:
        return new_weight(self.bias_initializer, (self.gates * self.units,), self.build_generator)

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (self.units,)

    def input_bias(self) -> torch.Tensor | None:
        return self.bias if self.use_bias else None

    def project_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """``x @ kernel + input bias`` for all gates: ``(..., in)`` -> ``(..., gates*units)``."""
        bias = self.input_bias()
        if bias is None:
            return x @ self.kernel
        return torch.addmm(bias, x.reshape(-1, x.shape[-1]), self.kernel).reshape(*x.shape[:-1], -1)

    def initial_states(self, batch: int, like: torch.Tensor) -> list[torch.Tensor]:
        """Zero states, ``state_size`` tensors of ``(batch, units)``."""
        return [like.new_zeros(batch, self.units) for _ in range(self.state_size)]

    def step(self, x_proj: torch.Tensor, states: list[torch.Tensor], rec_mask: torch.Tensor | None = None):
        """One step from the projected input ``(batch, gates*units)``; returns ``(output, new_states)``."""
        raise TypeError(f"{type(self).__name__} does not define a step")

    def fused_weights(self):
        """``(op_name, params, has_biases)`` for ``torch.<op_name>``, or None if no fused kernel fits."""
        return None

    def forward(self, x: torch.Tensor, states: list[torch.Tensor] | None = None, rec_mask=None):
        if states is None:
            states = self.initial_states(x.shape[0], x)
        return self.step(self.project_inputs(x), list(states), rec_mask)

    def _plain_activations(self) -> bool:
        return self.activation_name == "tanh" and self.recurrent_activation_name == "sigmoid"

    def _torch_biases(self, b_ih: torch.Tensor) -> list[torch.Tensor]:
        # PyTorch's kernels add two biases; ours sits in b_ih and b_hh is zero.
        return [b_ih, torch.zeros_like(b_ih)]


def _recurrent_input(h: torch.Tensor, rec_mask: torch.Tensor | None) -> torch.Tensor:
    return h if rec_mask is None else h * rec_mask


class SimpleRNNCell(RecurrentCell):
    """Vanilla RNN step (seed 004): ``h_t = activation(x_t W + h_{t-1} U + b)``.

    Weights: kernel ``(in, units)``, recurrent_kernel ``(units, units)``, bias ``(units,)``.
    States: ``[h]``. Output: ``h_t`` ``(batch, units)``.

    >>> cell = SimpleRNNCell(50, input_dim=1)
    >>> cell.count_params()
    2600
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", **kwargs):
        super().__init__(units, activation, "sigmoid", use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, **kwargs)
        activation = self.activation_name
        self.finish_init(locals())

    def step(self, x_proj, states, rec_mask=None):
        h = self.activation(torch.addmm(x_proj, _recurrent_input(states[0], rec_mask), self.recurrent_kernel))
        return h, [h]

    def fused_weights(self):
        if self.activation_name not in ("tanh", "relu"):
            return None
        params = [self.kernel.t().contiguous(), self.recurrent_kernel.t().contiguous()]  # the kernel's layout
        if self.use_bias:
            params += self._torch_biases(self.bias)
        return f"rnn_{self.activation_name}", params, self.use_bias


class LSTMCell(RecurrentCell):
    """LSTM step, the equations of seed 002, gates fused in Keras order i, f, c, o::

        i_t = s(x W_i + h_{t-1} U_i + b_i)          f_t = s(x W_f + h_{t-1} U_f + b_f)
        c~_t = tanh(x W_c + h_{t-1} U_c + b_c)      C_t = f_t * C_{t-1} + i_t * c~_t
        o_t = s(x W_o + h_{t-1} U_o + b_o)          h_t = o_t * tanh(C_t)

    Variants (seed 003):

    * ``peephole=True``: the gates also see the cell state through diagonal weights (three extra
      ``(units,)`` vectors, counted in the parameters): the input and forget gates see the old
      state ``C_{t-1}``, the output gate sees the new state ``C_t`` (Gers & Schmidhuber, as
      Keras's ``PeepholeLSTMCell``).
    * ``coupled_gates=True``: the input gate is ``1 - f_t``; the cell then has three gate blocks,
      f, c, o (kernel ``(in, 3*units)``) and no input-gate weights (nor input-gate peephole).

    ``unit_forget_bias=True`` starts the forget-gate bias at 1 (Keras's default).
    States: ``[h, C]``. Output: ``h_t``.

    >>> LSTMCell(256, input_dim=1).count_params()
    264192
    """

    state_size = 2

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True, peephole: bool = False,
                 coupled_gates: bool = False, **kwargs):
        self.unit_forget_bias, self.peephole, self.coupled_gates = bool(unit_forget_bias), bool(peephole), \
            bool(coupled_gates)
        self.gates = 3 if self.coupled_gates else 4
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)
        activation, recurrent_activation = self.activation_name, self.recurrent_activation_name
        self.finish_init(locals())

    def make_bias(self) -> torch.nn.Parameter:
        u = self.units
        if not self.unit_forget_bias:
            return new_weight(self.bias_initializer, (self.gates * u,), self.build_generator)
        g = self.build_generator
        parts = [torch.ones(u), new_weight(self.bias_initializer, (2 * u,), g).data]  # f, then c and o
        if not self.coupled_gates:
            parts.insert(0, new_weight(self.bias_initializer, (u,), g).data)  # i comes first
        return torch.nn.Parameter(torch.cat(parts))

    def build(self, input_shape: Shape) -> None:
        super().build(input_shape)
        if self.peephole:
            names = ["forget", "output"] if self.coupled_gates else ["input", "forget", "output"]
            for gate in names:
                setattr(self, f"{gate}_gate_peephole_weights",
                        new_weight(self.kernel_initializer, (self.units,), self.build_generator))
                self.weight_names.append(f"{gate}_gate_peephole_weights")

    def step(self, x_proj, states, rec_mask=None):
        h, c = states
        z = torch.addmm(x_proj, _recurrent_input(h, rec_mask), self.recurrent_kernel)
        sig = self.recurrent_activation
        if self.coupled_gates:
            zf, zc, zo = z.chunk(3, dim=-1)
        else:
            zi, zf, zc, zo = z.chunk(4, dim=-1)
        if self.peephole:
            zf = zf + self.forget_gate_peephole_weights * c
        f = sig(zf)
        if self.coupled_gates:
            i = 1 - f
        else:
            i = sig(zi + self.input_gate_peephole_weights * c if self.peephole else zi)
        c = f * c + i * self.activation(zc)                       # C_t = f_t * C_{t-1} + i_t * c~_t
        o = sig(zo + self.output_gate_peephole_weights * c if self.peephole else zo)
        h = o * self.activation(c)                                # h_t = o_t * tanh(C_t)
        return h, [h, c]

    def fused_weights(self):
        if self.peephole or self.coupled_gates or not self._plain_activations():
            return None
        params = [self.kernel.t().contiguous(), self.recurrent_kernel.t().contiguous()]  # the kernel's layout
        if self.use_bias:
            params += self._torch_biases(self.bias)
        return "lstm", params, self.use_bias


class GRUCell(RecurrentCell):
    """GRU step (seed 004), gates fused in Keras order z, r, h::

        z_t = s(x W_z + h_{t-1} U_z + b_z)          r_t = s(x W_r + h_{t-1} U_r + b_r)
        reset_after=False (original form):  h~_t = tanh(x W_h + (r_t * h_{t-1}) U_h + b_h)
        reset_after=True  (PyTorch/Keras default): h~_t = tanh(x W_h + b_h + r_t * (h_{t-1} U_h + b'_h))
        h_t = z_t * h_{t-1} + (1 - z_t) * h~_t

    With ``reset_after=True`` the bias is ``(2, 3*units)``: row 0 for the input side, row 1 for
    the recurrent side (hence 18,816 parameters for GRU(64) on 32 features, against 18,624).
    The original form needs r before the candidate's GEMM, so its step runs two GEMMs.
    States: ``[h]``. Output: ``h_t``.

    >>> GRUCell(64, input_dim=32).count_params(), GRUCell(64, reset_after=False, input_dim=32).count_params()
    (18816, 18624)
    """

    gates = 3

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after: bool = True, **kwargs):
        self.reset_after = bool(reset_after)
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)
        activation, recurrent_activation = self.activation_name, self.recurrent_activation_name
        self.finish_init(locals())

    def make_bias(self) -> torch.nn.Parameter:
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return new_weight(self.bias_initializer, shape, self.build_generator)

    def input_bias(self):
        if not self.use_bias:
            return None
        return self.bias[0] if self.reset_after else self.bias

    def step(self, x_proj, states, rec_mask=None):
        h = states[0]
        h_in = _recurrent_input(h, rec_mask)
        xz, xr, xh = x_proj.chunk(3, dim=-1)
        u = self.units
        if self.reset_after:
            rec = h_in @ self.recurrent_kernel if not self.use_bias else torch.addmm(self.bias[1], h_in,
                                                                                     self.recurrent_kernel)
            rz, rr, rh = rec.chunk(3, dim=-1)
            z, r = self.recurrent_activation(xz + rz), self.recurrent_activation(xr + rr)
            candidate = self.activation(xh + r * rh)
        else:
            rz, rr = (h_in @ self.recurrent_kernel[:, :2 * u]).chunk(2, dim=-1)
            z, r = self.recurrent_activation(xz + rz), self.recurrent_activation(xr + rr)
            candidate = self.activation(torch.addmm(xh, r * h_in, self.recurrent_kernel[:, 2 * u:]))
        h = z * h + (1 - z) * candidate
        return h, [h]

    def fused_weights(self):
        if not self.reset_after or not self._plain_activations():
            return None

        def to_torch(w):  # Keras blocks z, r, h -> PyTorch blocks r, z, n, as rows
            z, r, h = w.chunk(3, dim=-1)
            return torch.cat([r, z, h], dim=-1).t() if w.dim() == 2 else torch.cat([r, z, h])

        params = [to_torch(self.kernel), to_torch(self.recurrent_kernel)]
        if self.use_bias:
            params += [to_torch(self.bias[0]), to_torch(self.bias[1])]
        return "gru", params, self.use_bias
