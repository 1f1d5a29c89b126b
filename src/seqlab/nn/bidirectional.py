"""Bidirectional: one recurrent layer reads the sequence forwards, a copy reads it backwards.

The wrapper never reaches into a cell: it builds a second layer of the same class and
configuration with ``go_backwards`` flipped, turns its output sequence back into time order,
and merges the two (seed 004: ``[h->_t; h<-_t]`` summarises the past and the future of step t).

>>> import torch
>>> from seqlab.nn.recurrent import LSTM
>>> bi = Bidirectional(LSTM(4, return_sequences=True), input_shape=(6, 3))
>>> bi(torch.zeros(2, 6, 3)).shape, bi.count_params()
(torch.Size([2, 6, 8]), 256)
"""
from __future__ import annotations

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, Shape, snake_case
from seqlab.nn.recurrent import RNN

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Runs ``layer`` forwards and a copy of it backwards over ``(batch, time, features)``.

    Args:
        layer: a SimpleRNN, LSTM or GRU (unbuilt or built; its configuration is copied).
        merge_mode: ``"concat"`` (output ``2*units`` wide), ``"sum"``, ``"mul"``, ``"ave"``, or
            None (return ``[forward_output, backward_output]``).

    Returns the merged output, ``(batch, 2*units)`` for concat (``(batch, time, 2*units)`` with
    ``return_sequences``; the backward sequence is put back in time order before merging).
    With the layer's ``return_state``: ``[output, *forward_states, *backward_states]``.
    ``initial_state`` is the forward states followed by the backward states. Weights: the forward
    layer's, then the backward layer's (Keras order).

    >>> from seqlab.nn.recurrent import GRU
    >>> Bidirectional(GRU(4), merge_mode="sum", input_shape=(5, 2))(torch.zeros(3, 5, 2)).shape
    torch.Size([3, 4])
    """

    def __init__(self, layer: RNN, merge_mode: str | None = "concat", **kwargs):
        if not isinstance(layer, RNN):
            raise ConfigError(f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU), "
                              f"got {type(layer).__name__}")
        if merge_mode not in MERGE_MODES:
            raise ConfigError(f"merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        if "input_shape" not in kwargs and layer.input_shape_arg is not None:
            kwargs["input_shape"] = layer.input_shape_arg
        super().__init__(**kwargs)
        self.merge_mode = merge_mode
        config = {k: v for k, v in layer.get_config().items() if k not in ("name", "input_shape")}
        config["go_backwards"] = not layer.go_backwards
        base = snake_case(type(layer).__name__)
        self.forward_layer = layer
        self.backward_layer = type(layer)(**config)
        self.forward_layer.name, self.backward_layer.name = f"forward_{base}", f"backward_{base}"
        self.finish_init(locals(), skip=("layer", "config", "base"))

    def get_config(self):
        cfg = super().get_config()
        inner = {k: v for k, v in self.forward_layer.get_config().items() if k not in ("name", "input_shape")}
        cfg["layer"] = {"class_name": type(self.forward_layer).__name__, "config": inner}
        return cfg

    def build(self, input_shape: Shape) -> None:
        self.forward_layer.build_for(input_shape, self.build_generator)
        self.backward_layer.build_for(input_shape, self.build_generator)
        self.weight_names = [f"forward_{n}" for n in self.forward_layer.weight_names] + \
                            [f"backward_{n}" for n in self.backward_layer.weight_names]

    def weight_tensors(self) -> list[torch.Tensor]:
        return self.forward_layer.weight_tensors() + self.backward_layer.weight_tensors()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        shape = self.forward_layer.compute_output_shape(input_shape)
        if self.merge_mode == "concat":
            return (*shape[:-1], 2 * shape[-1])
        return shape

    def reset_states(self) -> None:
        """Forget the carried states of both directions (stateful layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def forward(self, x: torch.Tensor, initial_state=None, mask: torch.Tensor | None = None):
        fwd_init = bwd_init = None
        if initial_state is not None:
            n = self.forward_layer.cell.state_size
            if len(initial_state) != 2 * n:
                raise ConfigError(f"Bidirectional initial_state takes {2 * n} tensors (forward then backward), "
                                  f"got {len(initial_state)}")
            fwd_init, bwd_init = list(initial_state[:n]), list(initial_state[n:])
        y_f = self.forward_layer(x, initial_state=fwd_init, mask=mask)
        y_b = self.backward_layer(x, initial_state=bwd_init, mask=mask)
        states = []
        if self.forward_layer.return_state:
            (y_f, *s_f), (y_b, *s_b) = y_f, y_b
            states = s_f + s_b
        if self.forward_layer.return_sequences:
            y_b = y_b.flip(1)  # the backward layer returned its steps last-to-first
        if self.merge_mode is None:
            return [y_f, y_b, *states]
        if self.merge_mode == "concat":
            y = torch.cat([y_f, y_b], dim=-1)
        elif self.merge_mode == "sum":
            y = y_f + y_b
        elif self.merge_mode == "mul":
            y = y_f * y_b
        else:
            y = (y_f + y_b) / 2
        return [y, *states] if states else y
