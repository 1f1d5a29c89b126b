"""Recurrent layers: SimpleRNN, LSTM, GRU. A layer runs its cell over a sequence.

A layer knows sequences: direction (``go_backwards``), initial and carried states
(``initial_state=``, ``stateful``), dropout masks drawn once per sequence and reused at every
step (seed 004), padding masks, and what to return (``return_sequences``, ``return_state``).

Two paths compute the same function with the same parameters:

* the readable path: the input half of every gate for all steps in one GEMM
  (``cell.project_inputs``), then one ``cell.step`` per time step (one GEMM for the recurrence).
  An LSTM cell, or a GRU cell with ``reset_after``, with sigmoid/tanh activations and no padding
  mask (so peephole, coupled gates and recurrent dropout included) runs the same equations as one
  autograd node for the whole sequence with backpropagation through time written out
  (``seqlab.nn.lstm_bptt``, ``seqlab.nn.gru_bptt``: the recurrent kernel's gradient in one GEMM
  over all steps; about 1.25x the fused kernel on LSTM(256), against 1.8x for autograd through
  ``cell.step``); ``with stepwise_recurrence():`` keeps ``cell.step`` under autograd, for second
  derivatives;
* the fast path: PyTorch's fused ops (``torch.lstm``, ``torch.gru``, ``torch.rnn_tanh``,
  ``torch.rnn_relu``, the functions ``torch.nn.LSTM`` and friends call), with the weights handed
  over in PyTorch's layout. It is used when the cell has a fused equivalent, recurrent dropout is
  off (or not training), and the padding mask, if any, marks one block of real steps per sequence
  (pre- or post-padding; run as a packed sequence). ``use_fast_path=False`` forces the
  readable path; ``True`` raises if the configuration cannot use the fast path. One exception:
  where gradients are wanted, a GRU left to choose (``use_fast_path=None``, no mask) runs its
  sequence node, which trains faster than ``torch.gru`` on CPU (see ``_gru_node_trains_faster``).

Inside ``with frozen_weights():`` (what ``predict`` opens around a pass of several batches, when the
weights cannot change) a layer in eval mode hands the fused op contiguous copies of its weights in the
kernel's layout, made once per block: the fused kernels read a transposed view about 3% slower on
LSTM(256). Training keeps the views (copies per step gained 2% on LSTM(256) but cost the small
layers more at two threads).

>>> import torch
>>> lstm = LSTM(8, return_sequences=True, input_shape=(5, 3))
>>> lstm(torch.zeros(2, 5, 3)).shape
torch.Size([2, 5, 8])
"""
from __future__ import annotations

import contextlib
import contextvars

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.base import Layer, Shape
from seqlab.nn.cells import GRUCell, LSTMCell, RecurrentCell, SimpleRNNCell
from seqlab.nn.gru_bptt import gru_sequence
from seqlab.nn.lstm_bptt import lstm_sequence, sequence_node_applies
from seqlab.nn.penalties import WeightPenalties

_FROZEN: contextvars.ContextVar[dict | None] = contextvars.ContextVar("seqlab_frozen_weights", default=None)


@contextlib.contextmanager
def frozen_weights():
    """Within the block, recurrent layers in eval mode keep contiguous copies of their fused weights
    (made at each layer's first call). Only for code that does not change weights inside it.

    >>> lstm = LSTM(4, input_shape=(3, 2)).eval()
    >>> with torch.inference_mode(), frozen_weights():
    ...     lstm(torch.ones(1, 3, 2)).shape
    torch.Size([1, 4])
    """
    token = _FROZEN.set({})
    try:
        yield
    finally:
        _FROZEN.reset(token)


class RNN(WeightPenalties, Layer):
    """Runs ``cell`` over ``(batch, time, features)`` inputs.

    Args:
        cell: a ``RecurrentCell``.
        return_sequences: return every step's output ``(batch, time, units)`` instead of the
            last one ``(batch, units)``.
        return_state: also return the final states: ``[output, h]`` or ``[output, h, c]`` (LSTM).
        go_backwards: read the sequence from its end; returned sequences are in that reversed order (Keras).
        stateful: start each batch from the final states of the previous one (same batch size)
            until ``reset_states()``.
        dropout: fraction of input features dropped, one mask per sequence, while training.
        recurrent_dropout: fraction of ``h_{t-1}`` dropped in the recurrence, one mask per sequence.
        use_fast_path: None picks the fast path when it applies; False never; True always (or raise).
        trainable_initial_state: learn the states a sequence starts from (weights ``initial_h`` and,
            for an LSTM, ``initial_c``, zeros at first, listed after the cell's) instead of zeros;
            an ``initial_state=`` given in the call or carried by ``stateful`` still wins.
        kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
        kernel_constraint, recurrent_constraint, bias_constraint: as Keras (``seqlab.nn.penalties``).

    Call: ``layer(x, initial_state=None, mask=None)``; ``mask`` ``(batch, time)`` is True at real
    steps; a masked step leaves the states unchanged and outputs the previous output (zeros
    before the first real step), as Keras does.

    >>> from seqlab.nn.cells import GRUCell
    >>> RNN(GRUCell(4), return_sequences=True)(torch.zeros(2, 5, 3)).shape
    torch.Size([2, 5, 4])
    """

    def __init__(self, cell: RecurrentCell, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, use_fast_path: bool | None = None, **kwargs):
        for what, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ConfigError(f"{what} must be in [0, 1), got {rate}")
        self.take_penalties(kwargs)
        self.trainable_initial_state = bool(kwargs.pop("trainable_initial_state", False))
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful = bool(go_backwards), bool(stateful)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.use_fast_path = use_fast_path
        self.states: list[torch.Tensor] | None = None  # carried between batches when stateful

    @property
    def units(self) -> int:
        return self.cell.units

    def build(self, input_shape: Shape) -> None:
        if len(input_shape) != 2:
            raise ConfigError(f"{type(self).__name__} takes sequences (time, features) per sample, "
                              f"got shape {tuple(input_shape)}; reshape to (batch, time, features)")
        self.cell.build_for((input_shape[-1],), self.build_generator)
        self.weight_names = list(self.cell.weight_names)
        if self.trainable_initial_state:
            for name in self.initial_state_names:
                setattr(self, name, torch.nn.Parameter(torch.zeros(self.units)))
            self.weight_names += self.initial_state_names

    @property
    def initial_state_names(self) -> list[str]:
        return ["initial_h", "initial_c"][:self.cell.state_size]

    def penalty_owner(self):
        return self.cell

    def get_config(self) -> dict:
        cfg = super().get_config()
        if self.trainable_initial_state:
            cfg["trainable_initial_state"] = True
        return cfg

    def weight_tensors(self) -> list[torch.Tensor]:
        own = [getattr(self, n) for n in self.initial_state_names] if self.trainable_initial_state else []
        return self.cell.weight_tensors() + own

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (input_shape[0], self.units) if self.return_sequences else (self.units,)

    def reset_states(self, states: list | None = None) -> None:
        """Forget the carried states (zeros next batch), or set them to ``states``."""
        self.states = None if states is None else [torch.as_tensor(s, dtype=torch.float32) for s in states]

    def can_use_fast_path(self, mask=None) -> bool:
        """True when the fused PyTorch op computes exactly what the readable cell computes: a cell with
        a fused kernel, no recurrent dropout while training, and no mask or a mask whose real steps
        form one block per sequence (pre- or post-padding, run as a packed sequence)."""
        return self._fused_for(mask) is not None

    def _fused_for(self, mask):
        """The cell's ``fused_weights()`` when the fast path applies (see ``can_use_fast_path``), else None.
        (Not kept between calls: a fused optimiser writes the weights without bumping their version,
        so a kept copy could not tell it is stale.)"""
        if self.training and self.recurrent_dropout > 0:
            return None
        if mask is not None and mask_blocks(mask.to(torch.bool)) is None:
            return None
        frozen = None if self.training else _FROZEN.get()
        if frozen is None:
            return self.cell.fused_weights()
        if id(self) not in frozen:
            fused = self.cell.fused_weights()
            frozen[id(self)] = None if fused is None else (fused[0], [p.contiguous() for p in fused[1]], fused[2])
        return frozen[id(self)]

    def forward(self, x: torch.Tensor, initial_state=None, mask: torch.Tensor | None = None):
        features = self.cell.kernel.shape[0]
        if x.dim() != 3 or x.shape[-1] != features:
            raise ConfigError(f"{self.name or type(self).__name__} expects (batch, time, "
                              f"{features}) inputs, got {tuple(x.shape)}")
        if x.shape[1] == 0:
            raise DataError(f"{self.name or type(self).__name__} got sequences with no time steps")
        if mask is not None:
            mask = mask.to(torch.bool)
            if mask.shape != x.shape[:2]:
                raise ConfigError(f"mask must be (batch, time) = {tuple(x.shape[:2])}, got {tuple(mask.shape)}")
        if self.go_backwards:
            x = x.flip(1)
            mask = mask.flip(1) if mask is not None else None
        states = self._start_states(x, initial_state)
        if self.training and self.dropout > 0:
            keep = x.new_empty(x.shape[0], 1, x.shape[2]).bernoulli_(1 - self.dropout)
            x = x * keep / (1 - self.dropout)  # one mask per sequence, every step
        fused = None if self.use_fast_path is False else self._fused_for(mask)
        if fused is None and self.use_fast_path:
            raise ConfigError(f"{self.name or type(self).__name__}: this configuration (mask, recurrent "
                              f"dropout, peephole, coupled gates or activations) has no fused kernel; "
                              f"use use_fast_path=None or False")
        if fused is not None and self._gru_node_trains_faster(mask):
            outputs, states = gru_sequence(self.cell, x, states)
        elif fused is not None:
            outputs, states = self._run_fused(x, states, fused) if mask is None else \
                self._run_packed(x, states, mask, fused)
        else:
            outputs, states = self._run_steps(x, states, mask)
        if self.stateful:
            self.states = [s.detach() for s in states]
        out = outputs if self.return_sequences else outputs[:, -1]
        return [out, *states] if self.return_state else out

    def _gru_node_trains_faster(self, mask) -> bool:
        """When gradients are wanted, a GRU that may take either path runs the sequence node
        (``seqlab.nn.gru_bptt``): forward+backward measured 0.94-0.97x ``torch.gru``'s time on GRU(24),
        GRU(50) and GRU(64) and 0.75-0.78x on GRU(128) and GRU(256), at one and two threads. Not
        under ``torch.compile`` (which traces the fused op) nor with ``use_fast_path=True``."""
        return (self.use_fast_path is None and mask is None and torch.is_grad_enabled()
                and not torch.compiler.is_compiling() and _sequence_node(self.cell) is gru_sequence)

    def _start_states(self, x: torch.Tensor, initial_state) -> list[torch.Tensor]:
        batch, size = x.shape[0], self.cell.state_size
        if initial_state is None and self.stateful and self.states is not None:
            initial_state = self.states
            if initial_state[0].shape[0] != batch:
                raise ConfigError(f"stateful {type(self).__name__} holds states for {initial_state[0].shape[0]} "
                                  f"sequences but got a batch of {batch}; keep the batch size fixed or call "
                                  f"reset_states()")
        if initial_state is None and self.trainable_initial_state:
            return [getattr(self, n).to(x.dtype).expand(batch, -1) for n in self.initial_state_names]
        if initial_state is None:
            return self.cell.initial_states(batch, x)
        if isinstance(initial_state, torch.Tensor):
            initial_state = [initial_state]
        states = [torch.as_tensor(s).to(x) for s in initial_state]
        if not torch.is_inference_mode_enabled():  # states carried out of a predict: usable in training
            states = [s.clone() if s.is_inference() else s for s in states]
        if len(states) != size or any(tuple(s.shape) != (batch, self.units) for s in states):
            raise ConfigError(f"{type(self).__name__} initial_state must be {size} tensor(s) of shape "
                              f"(batch, units) = ({batch}, {self.units}), got {[tuple(s.shape) for s in states]}")
        return states

    def _run_steps(self, x, states, mask):
        rec_mask = None
        if self.training and self.recurrent_dropout > 0:
            keep = x.new_empty(x.shape[0], self.units).bernoulli_(1 - self.recurrent_dropout)
            rec_mask = keep / (1 - self.recurrent_dropout)
        node = _sequence_node(self.cell) if mask is None else None
        if node is not None:
            return node(self.cell, x, states, rec_mask)
        # The input half of all steps in one GEMM; unbind (not x_proj[t]) so backward gathers once.
        x_steps = self.cell.project_inputs(x).transpose(0, 1).contiguous().unbind(0)
        outputs = []
        out = x.new_zeros(x.shape[0], self.units)
        for t, x_proj in enumerate(x_steps):
            new_out, new_states = self.cell.step(x_proj, states, rec_mask)
            if mask is None:
                out, states = new_out, new_states
            else:  # a padded step keeps the states and repeats the previous output
                m = mask[:, t, None]
                out = torch.where(m, new_out, out)
                states = [torch.where(m, new, old) for new, old in zip(new_states, states)]
            outputs.append(out)
        return torch.stack(outputs, dim=1), states

    def _run_fused(self, x, states, fused):
        op, params, has_biases = fused
        if op == "lstm":
            hx = (states[0].unsqueeze(0), states[1].unsqueeze(0))
            outputs, h, c = torch.lstm(x, hx, params, has_biases, 1, 0.0, self.training, False, True)
            return outputs, [h[0], c[0]]
        outputs, h = getattr(torch, op)(x, states[0].unsqueeze(0), params, has_biases, 1, 0.0, self.training,
                                        False, True)
        return outputs, [h[0]]

    def _run_packed(self, x, states, mask, fused):
        """The fast path for padded batches: move each sequence's block of real steps to the front,
        run the fused op on the packed batch, and put the outputs back where the readable path puts
        them (zeros before the block, the block's outputs, then its last output repeated)."""
        op, params, has_biases = fused
        start, length = mask_blocks(mask)
        steps = torch.arange(x.shape[1], device=x.device)
        src = (start[:, None] + steps).clamp(max=x.shape[1] - 1)
        x_front = x.gather(1, src[:, :, None].expand(-1, -1, x.shape[2]))
        packed = pack_padded_sequence(x_front, length.cpu(), batch_first=True, enforce_sorted=False)
        hx = [s.index_select(0, packed.sorted_indices).unsqueeze(0) for s in states]
        if op == "lstm":
            data, *final = torch.lstm(packed.data, packed.batch_sizes, tuple(hx), params, has_biases, 1, 0.0,
                                      self.training, False)
        else:
            data, *final = getattr(torch, op)(packed.data, packed.batch_sizes, hx[0], params, has_biases, 1, 0.0,
                                              self.training, False)
        final = [s[0].index_select(0, packed.unsorted_indices) for s in final]
        out_front, _ = pad_packed_sequence(packed._replace(data=data), batch_first=True, total_length=x.shape[1])
        position = (steps - start[:, None]).clamp(min=0).minimum(length[:, None] - 1)
        outputs = out_front.gather(1, position[:, :, None].expand(-1, -1, out_front.shape[2]))
        return outputs.masked_fill((steps < start[:, None])[:, :, None], 0.0), final


def _sequence_node(cell):
    """The hand-differentiated whole-sequence function for ``cell`` (``lstm_sequence`` for an LSTM,
    ``gru_sequence`` for a GRU with ``reset_after``), or None: then the layer steps the cell."""
    if not sequence_node_applies(cell):
        return None
    if isinstance(cell, LSTMCell):
        return lstm_sequence
    if isinstance(cell, GRUCell) and cell.reset_after:
        return gru_sequence
    return None


def mask_blocks(mask: torch.Tensor):
    """``(start, length)`` per sequence when each row of ``mask`` (batch, time) holds one non-empty
    block of True (pre- or post-padding), else None."""
    steps = torch.arange(mask.shape[1], device=mask.device)
    length = mask.sum(1)
    start = mask.float().argmax(1)  # the first True
    block = (steps >= start[:, None]) & (steps < (start + length)[:, None])
    if bool((length == 0).any()) or not torch.equal(block, mask):
        return None
    return start, length



class SimpleRNN(RNN):
    """Fully connected RNN (seed 000/004): ``h_t = activation(x_t W + h_{t-1} U + b)``.

    Takes ``(batch, time, features)``; returns ``(batch, units)``, or ``(batch, time, units)``
    with ``return_sequences``; ``return_state`` adds ``h``. Weights: kernel ``(features, units)``,
    recurrent_kernel ``(units, units)``, bias ``(units,)``. Fast path for tanh and relu.
    Other arguments as :class:`RNN`.

    >>> SimpleRNN(50, input_shape=(5, 1)).count_params()
    2600
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, use_fast_path: bool | None = None, **kwargs):
        cell = SimpleRNNCell(units, activation, use_bias, kernel_initializer, recurrent_initializer,
                             bias_initializer)
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, dropout,
                         recurrent_dropout, use_fast_path, **kwargs)
        activation = cell.activation_name
        self.finish_init(locals(), skip=("cell",))


class LSTM(RNN):
    """Long short-term memory layer (seed 002; variants of seed 003), see :class:`LSTMCell`.

    Takes ``(batch, time, features)``; returns ``(batch, units)`` or ``(batch, time, units)``;
    ``return_state`` adds ``h`` and ``C``. Weights: kernel ``(features, 4*units)``,
    recurrent_kernel ``(units, 4*units)``, bias ``(4*units,)`` in gate order i, f, c, o, plus
    three peephole vectors with ``peephole=True``; ``coupled_gates=True`` drops the input gate
    (three blocks f, c, o). Other arguments as :class:`RNN`.

    >>> LSTM(256, return_sequences=True, input_shape=(60, 1)).count_params()
    264192
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias: bool = True, peephole: bool = False,
                 coupled_gates: bool = False, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, use_fast_path: bool | None = None, **kwargs):
        cell = LSTMCell(units, activation, recurrent_activation, use_bias, kernel_initializer,
                        recurrent_initializer, bias_initializer, unit_forget_bias, peephole, coupled_gates)
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, dropout,
                         recurrent_dropout, use_fast_path, **kwargs)
        activation, recurrent_activation = cell.activation_name, cell.recurrent_activation_name
        self.finish_init(locals(), skip=("cell",))


class GRU(RNN):
    """Gated recurrent unit layer (seed 004), see :class:`GRUCell`.

    Takes ``(batch, time, features)``; returns ``(batch, units)`` or ``(batch, time, units)``;
    ``return_state`` adds ``h``. Weights: kernel ``(features, 3*units)``, recurrent_kernel
    ``(units, 3*units)``, bias ``(2, 3*units)`` (``reset_after=True``, the default) or
    ``(3*units,)``, gate order z, r, h. Fast path only for ``reset_after=True``.
    Other arguments as :class:`RNN`.

    >>> GRU(64, input_shape=(10, 32)).count_params()
    18816
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after: bool = True, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, use_fast_path: bool | None = None,
                 **kwargs):
        cell = GRUCell(units, activation, recurrent_activation, use_bias, kernel_initializer,
                       recurrent_initializer, bias_initializer, reset_after)
        super().__init__(cell, return_sequences, return_state, go_backwards, stateful, dropout,
                         recurrent_dropout, use_fast_path, **kwargs)
        activation, recurrent_activation = cell.activation_name, cell.recurrent_activation_name
        self.finish_init(locals(), skip=("cell",))
