"""The readable GRU (``reset_after=True``) over a whole sequence, with backpropagation through time
written out: the companion of ``seqlab.nn.lstm_bptt`` for the configurations the fused kernel does
not take (recurrent dropout, chiefly).

Forward, per step (Keras's gate order z, r, h; ``b`` the input bias, ``b'`` the recurrent one)::

    [rz, rr, rh] = h_{t-1} U + b'                      one GEMM
    z = s(x W_z + b_z + rz)     r = s(x W_r + b_r + rr)     h~ = tanh(x W_h + b_h + r * rh)
    h_t = z * h_{t-1} + (1 - z) * h~

Backward, from the last step to the first::

    dz = dh (h_{t-1} - h~) z (1 - z)      da = dh (1 - z) (1 - h~^2)      dr = da rh r (1 - r)
    d[rz, rr, rh] = [dz, dr, da * r]      d[x W + b] = [dz, dr, da]
    dh_{t-1} = dh z + d[rz, rr, rh] U^T   (times the recurrent-dropout mask)

then ``U``, ``W`` and both biases get their gradients in one GEMM (or sum) per chunk of steps. The
cell's ``step`` remains the definition; the tests compare this node with autograd through it.

>>> from seqlab.nn.cells import GRUCell
>>> cell = GRUCell(3, input_dim=2)
>>> seq, (h,) = gru_sequence(cell, torch.randn(4, 5, 2), [torch.zeros(4, 3)])
>>> seq.shape, torch.equal(seq[:, -1], h)
(torch.Size([4, 5, 3]), True)
"""
from __future__ import annotations

import torch
from torch.autograd.function import once_differentiable

from seqlab.nn.lstm_bptt import _CHUNK, _sigmoid_backward, _tanh_backward


def _run(x, input_kernel, input_bias, kernel, recurrent_bias, h0, rec_mask):
    """The forward loop into time-major buffers: gates ``(T, B, 3H)`` (the input half of all steps
    in one GEMM, then z, r, h~ in place), the recurrent candidate half ``rh`` ``(T, B, H)`` and the
    hidden states ``(T+1, B, H)`` with ``h0`` first. Also returns the time-major inputs."""
    (batch, steps, features), units = x.shape, h0.shape[1]
    x_tm = x.transpose(0, 1).reshape(steps * batch, features)
    gates = x_tm @ input_kernel if input_bias is None else torch.addmm(input_bias, x_tm, input_kernel)
    gates = gates.view(steps, batch, -1)
    rh_all, hs = x.new_empty(steps, batch, units), x.new_empty(steps + 1, batch, units)
    hs[0] = h0
    for t in range(steps):
        h_in = hs[t] if rec_mask is None else hs[t] * rec_mask
        rec = h_in @ kernel if recurrent_bias is None else torch.addmm(recurrent_bias, h_in, kernel)
        a = gates[t]
        z_r = a[:, :2 * units].add_(rec[:, :2 * units]).sigmoid_()   # z and r, side by side
        z, r = z_r[:, :units], z_r[:, units:]
        rh_all[t] = rec[:, 2 * units:]
        candidate = a[:, 2 * units:].addcmul_(r, rh_all[t]).tanh_()  # h~ = tanh(x W_h + b_h + r * rh)
        torch.addcmul(candidate, z, hs[t] - candidate, out=hs[t + 1])  # h = z h_{t-1} + (1 - z) h~
    return x_tm, gates, rh_all, hs


class _GRUSequence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, input_kernel, input_bias, kernel, recurrent_bias, h0, rec_mask):
        x_tm, gates, rh_all, hs = _run(x, input_kernel, input_bias, kernel, recurrent_bias, h0, rec_mask)
        ctx.batch = x.shape[0]
        ctx.save_for_backward(x_tm, input_kernel, kernel, rec_mask, gates, rh_all, hs)
        return hs[1:].transpose(0, 1).contiguous(), hs[-1].clone()

    @staticmethod
    @once_differentiable
    def backward(ctx, d_seq, d_h):
        x_tm, input_kernel, kernel, rec_mask, gates, rh_all, hs = ctx.saved_tensors
        steps, batch, width = gates.shape
        units = width // 3
        needs = ctx.needs_input_grad
        kernel_t = kernel.t().contiguous()
        dh = torch.zeros_like(hs[0]) if d_h is None else d_h.clone()
        d_rec = gates.new_empty(min(steps, _CHUNK), batch, width)    # [dz, dr, da * r], reused per chunk
        d_cand = gates.new_empty(min(steps, _CHUNK), batch, units)   # da
        d_kernel = torch.zeros_like(kernel)
        d_input_kernel = torch.zeros_like(input_kernel) if needs[1] else None
        d_input_bias = kernel.new_zeros(width) if needs[2] else None
        d_recurrent_bias = kernel.new_zeros(width) if needs[4] else None
        d_x = x_tm.new_empty(x_tm.shape) if needs[0] else None
        for t in range(steps - 1, -1, -1):
            k = t % _CHUNK
            if d_seq is not None:
                dh = dh + d_seq[:, t]
            z, r, candidate = gates[t].split(units, dim=1)
            d_z, d_r, d_rh = d_rec[k].split(units, dim=1)
            _sigmoid_backward(dh * (hs[t] - candidate), z, grad_input=d_z)
            _tanh_backward(dh * (1 - z), candidate, grad_input=d_cand[k])
            _sigmoid_backward(d_cand[k] * rh_all[t], r, grad_input=d_r)
            torch.mul(d_cand[k], r, out=d_rh)
            d_prev = d_rec[k] @ kernel_t
            if rec_mask is not None:
                d_prev = d_prev * rec_mask
            dh = torch.addcmul(d_prev, dh, z)
            if k:
                continue
            n = min(_CHUNK, steps - t)                                 # steps t .. t + n - 1 are in the chunk
            rec_flat, cand_flat = d_rec[:n].reshape(n * batch, width), d_cand[:n].reshape(n * batch, units)
            h_in = hs[t:t + n] if rec_mask is None else hs[t:t + n] * rec_mask
            d_kernel.addmm_(h_in.reshape(n * batch, -1).t(), rec_flat)
            if d_recurrent_bias is not None:
                d_recurrent_bias += rec_flat.sum(0)
            rows = slice(t * batch, (t + n) * batch)
            zr_flat = rec_flat[:, :2 * units]
            if d_input_kernel is not None:
                d_input_kernel[:, :2 * units].addmm_(x_tm[rows].t(), zr_flat)
                d_input_kernel[:, 2 * units:].addmm_(x_tm[rows].t(), cand_flat)
            if d_input_bias is not None:
                d_input_bias[:2 * units] += zr_flat.sum(0)
                d_input_bias[2 * units:] += cand_flat.sum(0)
            if d_x is not None:
                torch.mm(zr_flat, input_kernel[:, :2 * units].t(), out=d_x[rows])
                d_x[rows].addmm_(cand_flat, input_kernel[:, 2 * units:].t())
        if d_x is not None:
            d_x = d_x.view(steps, batch, -1).transpose(0, 1)
        return d_x, d_input_kernel, d_input_bias, d_kernel, d_recurrent_bias, dh, None


@torch.compiler.disable
def gru_sequence(cell, x: torch.Tensor, states: list[torch.Tensor], rec_mask: torch.Tensor | None = None):
    """Run ``cell`` (a ``GRUCell`` with ``reset_after=True``, sigmoid/tanh) over whole sequences.

    Args:
        cell: the GRU cell whose weights to use.
        x: inputs ``(batch, time, features)``.
        states: ``[h0]``, ``(batch, units)``.
        rec_mask: the recurrent-dropout mask ``(batch, units)`` applied to ``h_{t-1}``, or None.

    Returns:
        ``(outputs (batch, time, units), [h_T])``; one autograd node for the sequence.
    """
    input_bias, recurrent_bias = (cell.bias[0], cell.bias[1]) if cell.use_bias else (None, None)
    args = (x, cell.kernel, input_bias, cell.recurrent_kernel, recurrent_bias, states[0], rec_mask)
    if not torch.is_grad_enabled():                                   # predict: nothing kept for backward
        hs = _run(*args)[3]
        return hs[1:].transpose(0, 1).contiguous(), [hs[-1]]
    seq, h = _GRUSequence.apply(*args)
    return seq, [h]
