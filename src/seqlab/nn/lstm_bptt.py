"""The readable LSTM over a whole sequence, with backpropagation through time written out.

Autograd through ``LSTMCell.step`` builds a graph of about twenty nodes per time step and, in
backward, multiplies ``h_{t-1}^T dz_t`` once per step to accumulate the recurrent kernel's
gradient. This module runs the same equations (seed 002, with seed 003's peephole and coupled
gates) as one autograd node for the whole sequence, the way cuDNN and oneDNN structure theirs:

* forward: per step one GEMM ``h_{t-1} U`` and the gate activations, keeping the activated
  gates ``a_t = (i, f, c~, o)``, the cell states ``C_t`` and ``tanh(C_t)``;
* backward, from the last step to the first (``dh`` and ``dC`` flow back in time)::

      do = dh * tanh(C_t)                     dC += dh * o * (1 - tanh(C_t)^2)
      di = dC * c~   df = dC * C_{t-1}        dc~ = dC * i           (coupled: df -= di)
      dz = [di i(1-i), df f(1-f), dc~ (1-c~^2), do o(1-o)]         dC_{t-1} = dC * f
      dh_{t-1} = dz U^T   (times the recurrent-dropout mask)
      peephole: dC += dz_o p_o before the gates' line; dC_{t-1} += dz_i p_i + dz_f p_f

* then the recurrent kernel's gradient in **one** GEMM over all steps, ``[h_{t-1}]^T [dz_t]``;
  the input half's gradient is ``[dz_t]`` itself (``project_inputs`` stays in autograd).

The cell's ``step`` remains the definition; the tests check this node's outputs and gradients
against autograd through ``step`` for every variant, and ``torch.autograd.gradcheck`` in float64.
Only sigmoid/tanh activations are written out (other activations take the step-by-step path).

The node is differentiable once. Code that differentiates a gradient (a WGAN-GP penalty, a
contractive penalty) runs inside ``with stepwise_recurrence():``, where layers take the
step-by-step path that autograd can differentiate twice.

>>> from seqlab.nn.cells import LSTMCell
>>> cell = LSTMCell(3, peephole=True, input_dim=2)
>>> x = torch.randn(4, 5, 2)
>>> seq, (h, c) = lstm_sequence(cell, x, [torch.zeros(4, 3), torch.zeros(4, 3)])
>>> seq.shape, torch.equal(seq[:, -1], h)
(torch.Size([4, 5, 3]), True)
"""
from __future__ import annotations

import contextlib
import contextvars

import torch
from torch.autograd.function import once_differentiable

_STEPWISE: contextvars.ContextVar[bool] = contextvars.ContextVar("seqlab_stepwise_recurrence", default=False)


@contextlib.contextmanager
def stepwise_recurrence():
    """Within the block, recurrent layers run their cell step by step under autograd (so second
    derivatives work), never the sequence node of this module.

    >>> with stepwise_recurrence():
    ...     sequence_node_applies(None)
    False
    """
    token = _STEPWISE.set(True)
    try:
        yield
    finally:
        _STEPWISE.reset(token)


def sequence_node_applies(cell) -> bool:
    """True when a sequence node may run ``cell`` (``lstm_sequence`` here, ``gru_sequence`` in
    ``seqlab.nn.gru_bptt``, each for its own cell type): sigmoid gates and tanh activation, outside
    ``stepwise_recurrence()`` and outside tracing (``torch.jit.trace`` and the ONNX exporter record
    the step-by-step path: a node's in-place writes do not trace)."""
    if _STEPWISE.get() or cell is None or torch.jit.is_tracing() or torch.onnx.is_in_onnx_export():
        return False
    return cell.activation_name == "tanh" and cell.recurrent_activation_name == "sigmoid"


def _gate_views(a: torch.Tensor, coupled: bool):
    """``(i, f, c~, o)`` views of the gate block ``a`` (``i`` is None for coupled gates)."""
    if coupled:
        f, g, o = a.chunk(3, dim=-1)
        return None, f, g, o
    return a.chunk(4, dim=-1)


_sigmoid_backward = torch.ops.aten.sigmoid_backward.grad_input   # g * s * (1 - s) in one pass, into out=
_tanh_backward = torch.ops.aten.tanh_backward.grad_input         # g * (1 - t^2)


def _step(h_in, c, kernel, peep, coupled, a, views, c_new, tanh_c, h):
    """One step in place: ``a`` holds ``x_t W + b`` and receives the activated gates (``views``: its
    ``(i, f, c~, o)`` blocks, then ``i`` and ``f`` side by side); ``c_new``, ``tanh_c`` and ``h``
    (each ``(batch, units)``) receive C_t, tanh(C_t) and h_t."""
    a.addmm_(h_in, kernel)                                      # z_t = x_t W + b + h_{t-1} U
    zi, zf, zg, zo, zif = views
    if peep is not None:
        p_i, p_f, _ = peep
        zf.addcmul_(p_f, c)
        if zi is not None:
            zi.addcmul_(p_i, c)
    if coupled:
        f = zf.sigmoid_()
        i = 1 - f
    else:
        zif.sigmoid_()                                          # i and f, side by side
        i, f = zi, zf
    g = zg.tanh_()
    torch.mul(f, c, out=c_new).addcmul_(i, g)                   # C_t = f_t * C_{t-1} + i_t * c~_t
    if peep is not None:
        zo.addcmul_(peep[2], c_new)                             # the output gate sees the new state
    o = zo.sigmoid_()
    torch.tanh(c_new, out=tanh_c)
    torch.mul(o, tanh_c, out=h)                                 # h_t = o_t * tanh(C_t)


def _per_step(buffer: torch.Tensor, coupled: bool | None = None):
    """Views of a time-major buffer, one per step, made in one call each (a view made per step costs
    a few microseconds, which over the steps and gates adds up): ``buffer.unbind(0)``, or with
    ``coupled`` given, one ``(i, f, c~, o, i and f)`` tuple of gate blocks per step."""
    if coupled is None:
        return buffer.unbind(0)
    blocks = [None if b is None else b.unbind(0) for b in _gate_views(buffer, coupled)]
    side_by_side = buffer[..., :2 * buffer.shape[-1] // 4].unbind(0) if not coupled else [None] * len(buffer)
    return [tuple(None if b is None else b[t] for b in blocks) + (side_by_side[t],) for t in range(len(buffer))]


def _run(x, input_kernel, bias, kernel, h0, c0, peep, rec_mask, coupled):
    """The forward loop into time-major buffers, each allocated once (per-step tensors of this size
    would each be a fresh mmap): gates ``(T, B, G)`` (starting as the input half of all steps, one
    GEMM), cells and hidden states ``(T+1, B, H)`` with the initial ones first, ``tanh(C_t)``
    ``(T, B, H)``. Also returns the time-major inputs ``(T*B, F)``."""
    (batch, steps, features), units = x.shape, h0.shape[1]
    x_tm = x.transpose(0, 1).reshape(steps * batch, features)
    gates = x_tm @ input_kernel if bias is None else torch.addmm(bias, x_tm, input_kernel)
    gates = gates.view(steps, batch, -1)
    cells, hs = x.new_empty(steps + 1, batch, units), x.new_empty(steps + 1, batch, units)
    tanh_cells = x.new_empty(steps, batch, units)
    cells[0], hs[0] = c0, h0
    gate_t, views_t = _per_step(gates), _per_step(gates, coupled)
    cell_t, tanh_t, h_t = _per_step(cells), _per_step(tanh_cells), _per_step(hs)
    for t in range(steps):
        h_in = h_t[t] if rec_mask is None else h_t[t] * rec_mask
        _step(h_in, cell_t[t], kernel, peep, coupled, gate_t[t], views_t[t], cell_t[t + 1], tanh_t[t], h_t[t + 1])
    return x_tm, gates, cells, tanh_cells, hs


_CHUNK = 8  # steps whose gate gradients are multiplied into the weight gradients at once


class _Accumulated:
    """The weight (and input) gradients, summed chunk by chunk of steps: ``dU += [h_{t-1}]^T [dz_t]``,
    ``dW += [x_t]^T [dz_t]``, ``db += sum dz_t``, ``dx_t = dz_t W^T``, the peepholes' sums."""

    def __init__(self, ctx, x_tm, input_kernel, kernel, rec_mask, peep, coupled):
        self.needs = ctx.needs_input_grad
        self.x_tm, self.input_kernel, self.rec_mask, self.coupled = x_tm, input_kernel, rec_mask, coupled
        self.batch = ctx.batch
        self.d_kernel = torch.zeros_like(kernel)
        self.d_input_kernel = torch.zeros_like(input_kernel) if self.needs[1] else None
        self.d_bias = kernel.new_zeros(kernel.shape[1]) if self.needs[2] else None
        self.d_x = x_tm.new_empty(x_tm.shape) if self.needs[0] else None
        self.d_peep = [None if p is None else torch.zeros_like(p) for p in peep] if peep else [None] * 3

    def add(self, t: int, dz: torch.Tensor, hs: torch.Tensor, cells: torch.Tensor) -> None:
        n, batch = dz.shape[0], self.batch
        flat = dz.reshape(n * batch, -1)
        h_in = hs[t:t + n] if self.rec_mask is None else hs[t:t + n] * self.rec_mask
        self.d_kernel.addmm_(h_in.reshape(n * batch, -1).t(), flat)
        rows = slice(t * batch, (t + n) * batch)
        if self.d_input_kernel is not None:
            self.d_input_kernel.addmm_(self.x_tm[rows].t(), flat)
        if self.d_bias is not None:
            self.d_bias += flat.sum(0)
        if self.d_x is not None:
            torch.mm(flat, self.input_kernel.t(), out=self.d_x[rows])
        dzi, dzf, _, dzo = _gate_views(dz, self.coupled)
        p_i, p_f, p_o = self.d_peep
        if p_i is not None:
            p_i += (dzi * cells[t:t + n]).sum((0, 1))
        if p_f is not None:
            p_f += (dzf * cells[t:t + n]).sum((0, 1))
            p_o += (dzo * cells[t + 1:t + n + 1]).sum((0, 1))

    def result(self):
        d_x = None if self.d_x is None else self.d_x.view(-1, self.batch, self.d_x.shape[1]).transpose(0, 1)
        return d_x, self.d_input_kernel, self.d_bias, self.d_kernel, self.d_peep


class _LSTMSequence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, input_kernel, bias, kernel, h0, c0, p_i, p_f, p_o, rec_mask, coupled):
        peep = None if p_f is None else (p_i, p_f, p_o)
        x_tm, gates, cells, tanh_cells, hs = _run(x, input_kernel, bias, kernel, h0, c0, peep, rec_mask, coupled)
        ctx.coupled, ctx.batch = coupled, x.shape[0]
        ctx.save_for_backward(x_tm, input_kernel, kernel, rec_mask, p_i, p_f, p_o, gates, cells, tanh_cells, hs)
        return hs[1:].transpose(0, 1).contiguous(), hs[-1].clone(), cells[-1].clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, d_seq, d_h, d_c):
        x_tm, input_kernel, kernel, rec_mask, p_i, p_f, p_o, gates, cells, tanh_cells, hs = ctx.saved_tensors
        coupled = ctx.coupled
        peep = None if p_f is None else (p_i, p_f, p_o)
        kernel_t = kernel.t().contiguous()                       # dz U^T reads rows: 1.5x faster contiguous
        dh = torch.zeros_like(hs[0]) if d_h is None else d_h.clone()
        dc = torch.zeros_like(cells[0]) if d_c is None else d_c.clone()
        steps, batch, width = gates.shape
        chunk = gates.new_empty(min(steps, _CHUNK), batch, width)  # reused: first writes to fresh pages fault
        grads = _Accumulated(ctx, x_tm, input_kernel, kernel, rec_mask, peep, coupled)
        gate_views, chunk_views, chunk_t = _per_step(gates, coupled), _per_step(chunk, coupled), _per_step(chunk)
        tanh_t, cell_t = _per_step(tanh_cells), _per_step(cells)
        d_seq_t = None if d_seq is None else d_seq.unbind(1)
        for t in range(steps - 1, -1, -1):
            dz_t = chunk_t[t % _CHUNK]
            if d_seq_t is not None:
                dh = dh + d_seq_t[t]
            i, f, g, o, _ = gate_views[t]
            dzi, dzf, dzg, dzo, _ = chunk_views[t % _CHUNK]
            _sigmoid_backward(dh * tanh_t[t], o, grad_input=dzo)
            dc = dc + torch.ops.aten.tanh_backward(dh * o, tanh_t[t])
            if peep:
                dc = dc + dzo * p_o
            _tanh_backward(dc * (1 - f if coupled else i), g, grad_input=dzg)
            df = dc * cell_t[t]
            if coupled:
                df = df - dc * g                                 # i = 1 - f
            else:
                _sigmoid_backward(dc * g, i, grad_input=dzi)
            _sigmoid_backward(df, f, grad_input=dzf)
            dc = dc * f
            if peep:
                dc = dc + dzf * p_f if coupled else dc + dzi * p_i + dzf * p_f
            dh = dz_t @ kernel_t
            if rec_mask is not None:
                dh = dh * rec_mask
            if t % _CHUNK == 0:                                  # steps t .. t + len - 1 are in the chunk
                grads.add(t, chunk[:min(_CHUNK, steps - t)], hs, cells)
        d_x, d_input_kernel, d_bias, d_kernel, d_peep = grads.result()
        return d_x, d_input_kernel, d_bias, d_kernel, dh, dc, *d_peep, None, None


@torch.compiler.disable
def lstm_sequence(cell, x: torch.Tensor, states: list[torch.Tensor], rec_mask: torch.Tensor | None = None):
    """Run ``cell`` (an ``LSTMCell`` for which ``sequence_node_applies``) over whole sequences.

    Args:
        cell: the LSTM cell whose weights to use.
        x: inputs ``(batch, time, features)``.
        states: ``[h0, C0]``, each ``(batch, units)``.
        rec_mask: the recurrent-dropout mask ``(batch, units)`` applied to ``h_{t-1}``, or None.

    Returns:
        ``(outputs (batch, time, units), [h_T, C_T])``; one autograd node for the sequence.
    """
    peep = (getattr(cell, "input_gate_peephole_weights", None), cell.forget_gate_peephole_weights,
            cell.output_gate_peephole_weights) if cell.peephole else (None, None, None)
    h0, c0 = states
    bias = cell.bias if cell.use_bias else None
    if not torch.is_grad_enabled():                               # predict: nothing kept for backward
        return _forward_only(x, cell.kernel, bias, cell.recurrent_kernel, h0, c0, peep, rec_mask,
                             cell.coupled_gates)
    seq, h, c = _LSTMSequence.apply(x, cell.kernel, bias, cell.recurrent_kernel, h0, c0, *peep, rec_mask,
                                    cell.coupled_gates)
    return seq, [h, c]


def _forward_only(x, input_kernel, bias, kernel, h0, c0, peep, rec_mask, coupled):
    _, _, cells, _, hs = _run(x, input_kernel, bias, kernel, h0, c0, None if peep[1] is None else peep, rec_mask,
                              coupled)
    return hs[1:].transpose(0, 1).contiguous(), [hs[-1], cells[-1]]
