"""The layer contract, in the manner of Keras's ``run_layer_test``: every class in
``seqlab.nn.registry.LAYER_CLASSES`` passes the same checks on a small example of itself.

1. the output shape equals ``compute_output_shape(input_shape)`` (batch axis excluded);
2. ``get_config`` round trip: the layer rebuilt from its config (through JSON, as a model file
   stores it) has the same config;
3. ``get_weights``/``set_weights`` round trip: a second instance given the first's weights gives
   identical outputs;
4. save and load inside a ``seqlab.Sequential`` gives identical outputs in eval mode. A layer that
   takes two inputs (attention, a decoder with cross-attention) or returns two outputs does not fit a
   Sequential; for those the check follows what loading does without data: rebuild from the JSON
   config, build for ``input_shape`` alone, ``set_weights``, and compare outputs;
5. ``count_params()`` equals the sizes of ``get_weights()`` and of the layer's parameters;
6. float64 works: ``.double()`` on float64 input gives float64 output matching float32.

A new layer is covered by adding a row to ``CASES`` (the class name, or ``Name-variant`` for
another configuration); a class in ``LAYER_CLASSES`` without a row fails ``test_every_class_has_a_case``.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.nn.registry import LAYER_CLASSES, layer_from_config

BATCH = 3


@dataclass
class Case:
    """One example: ``make()`` a fresh layer; ``input_shape`` of one sample (the query's, for a layer
    with several inputs); ``others``: shapes of further inputs, passed as ``call(layer, x, *others)``;
    ``ids``: integer inputs in ``[1, ids)`` instead of floats."""

    make: Callable
    input_shape: tuple
    others: tuple = ()
    call: Callable | None = None
    ids: int | None = None

    @property
    def fits_a_sequential(self) -> bool:
        return not self.others and self.call is None


def two_inputs(layer, x, other):
    return layer(x, other)


def three_inputs(layer, query, value, key):
    return layer(query, value, key)


def one_input(layer, x):  # a layer returning several tensors: not for a Sequential
    return layer(x)


def merged(layer, *xs):  # a merge layer takes a list
    return layer(list(xs))


CASES: dict[str, Case] = {
    "Dense": Case(lambda: layers.Dense(3, activation="tanh"), (4,)),
    "Dense-sequence": Case(lambda: layers.Dense(2, use_bias=False), (5, 4)),
    "Activation": Case(lambda: layers.Activation("softmax"), (5, 4)),
    "Dropout": Case(lambda: layers.Dropout(0.5), (5, 4)),
    "Dropout-noise_shape": Case(lambda: layers.Dropout(0.5, noise_shape=(None, 1, None)), (5, 4)),
    "Flatten": Case(lambda: layers.Flatten(), (3, 4)),
    "Reshape": Case(lambda: layers.Reshape((-1, 2)), (3, 4)),
    "Embedding": Case(lambda: layers.Embedding(10, 4, mask_zero=True), (6,), ids=10),
    "TimeDistributed": Case(lambda: layers.TimeDistributed(layers.Dense(3)), (5, 4)),
    "TimeDistributed-conv": Case(lambda: layers.TimeDistributed(layers.Conv2D(2, 3)), (4, 1, 6, 6)),
    "SimpleRNN": Case(lambda: layers.SimpleRNN(5, return_sequences=True), (6, 3)),
    "SimpleRNN-relu": Case(lambda: layers.SimpleRNN(4, activation="relu", go_backwards=True), (6, 3)),
    "LSTM": Case(lambda: layers.LSTM(5, return_sequences=True), (6, 3)),
    "LSTM-peephole": Case(lambda: layers.LSTM(4, peephole=True, coupled_gates=True), (6, 3)),
    "LSTM-states": Case(lambda: layers.LSTM(4, return_sequences=True, return_state=True), (6, 3), call=one_input),
    "GRU": Case(lambda: layers.GRU(5), (6, 3)),
    "GRU-reset_before": Case(lambda: layers.GRU(4, reset_after=False, return_sequences=True), (6, 3)),
    "Bidirectional": Case(lambda: layers.Bidirectional(layers.LSTM(4, return_sequences=True)), (6, 3)),
    "Bidirectional-sum": Case(lambda: layers.Bidirectional(layers.GRU(3), merge_mode="sum"), (6, 3)),
    "Bidirectional-states": Case(lambda: layers.Bidirectional(layers.LSTM(3, return_state=True), merge_mode=None),
                                 (6, 3), call=one_input),
    "Attention": Case(lambda: layers.Attention(score_mode="general", use_scale=True), (3, 4), ((5, 6),), two_inputs),
    "Attention-step": Case(lambda: layers.Attention(score_mode="general"), (4,), ((5, 6),), two_inputs),
    "Attention-causal": Case(lambda: layers.Attention(score_mode="scaled_dot", causal=True), (5, 4), ((5, 4),),
                             two_inputs),
    "AdditiveAttention": Case(lambda: layers.AdditiveAttention(units=5), (3, 4), ((5, 6),), two_inputs),
    "MultiHeadAttention": Case(lambda: layers.MultiHeadAttention(2, 3, value_dim=4), (3, 8), ((5, 6),), two_inputs),
    "MultiHeadAttention-key": Case(lambda: layers.MultiHeadAttention(2, 3), (3, 8), ((5, 6), (5, 2)), three_inputs),
    "MultiHeadAttention-self": Case(lambda: layers.MultiHeadAttention(2, 4, output_dim=5), (5, 8)),
    "MultiHeadAttention-local": Case(lambda: layers.MultiHeadAttention(2, 4, attention="local", rotary=True,
                                                                      attention_options={"window": 2}), (7, 8)),
    "MultiHeadAttention-linformer": Case(lambda: layers.MultiHeadAttention(2, 4, attention="linformer",
                                                                          attention_options={"max_length": 9, "k": 3}),
                                         (7, 8)),
    "MultiHeadAttention-performer": Case(lambda: layers.MultiHeadAttention(2, 4, attention="performer"), (7, 8)),
    "MultiHeadAttention-lsh": Case(lambda: layers.MultiHeadAttention(2, 4, attention="lsh",
                                                                    attention_options={"buckets": 2}), (7, 8)),
    "SwitchFeedForward": Case(lambda: layers.SwitchFeedForward(3, 6, capacity_factor=1.0), (7, 8)),
    "PositionalEncoding": Case(lambda: layers.PositionalEncoding(), (5, 6)),
    "PositionalEncoding-learned": Case(lambda: layers.PositionalEncoding("learned", max_length=8), (5, 6)),
    "TransformerEncoder": Case(lambda: layers.TransformerEncoder(16, num_heads=2), (5, 8)),
    "TransformerDecoder": Case(lambda: layers.TransformerDecoder(16, num_heads=2), (5, 8), ((7, 6),), two_inputs),
    "TransformerEncoder-bigbird-moe": Case(lambda: layers.TransformerEncoder(
        16, num_heads=2, attention="bigbird", attention_options={"block_size": 2}, moe=3), (7, 8)),
    "TransformerDecoder-strided-rotary": Case(lambda: layers.TransformerDecoder(
        16, num_heads=2, attention="strided", attention_options={"stride": 3}, rotary=True), (7, 8), ((5, 6),),
        two_inputs),
    "TransformerDecoder-gpt": Case(lambda: layers.TransformerDecoder(16, num_heads=2, normalize_first=True,
                                                              cross_attention=False), (5, 8)),
    "Conv1D": Case(lambda: layers.Conv1D(4, 3, padding="causal", dilation_rate=2), (8, 3)),
    "Conv2D": Case(lambda: layers.Conv2D(4, 3, strides=2, padding="same", activation="relu"), (2, 7, 7)),
    "Conv2D-channels_last": Case(lambda: layers.Conv2D(4, (3, 2), input_shape=(7, 6, 2)), (7, 6, 2)),
    "MaxPooling1D": Case(lambda: layers.MaxPooling1D(2), (8, 3)),
    "MaxPooling2D": Case(lambda: layers.MaxPooling2D(2, padding="same"), (2, 5, 5)),
    "MaxPooling2D-channels_last": Case(lambda: layers.MaxPooling2D(2, input_shape=(6, 4, 3)), (6, 4, 3)),
    "AveragePooling1D": Case(lambda: layers.AveragePooling1D(3, strides=2, padding="same"), (7, 3)),
    "AveragePooling2D": Case(lambda: layers.AveragePooling2D(2), (2, 6, 6)),
    "GlobalAveragePooling1D": Case(lambda: layers.GlobalAveragePooling1D(), (6, 3)),
    "GlobalAveragePooling2D": Case(lambda: layers.GlobalAveragePooling2D(), (2, 5, 5)),
    "GlobalMaxPooling1D": Case(lambda: layers.GlobalMaxPooling1D(), (6, 3)),
    "GlobalMaxPooling2D": Case(lambda: layers.GlobalMaxPooling2D(), (2, 5, 5)),
    "ConvLSTM2D": Case(lambda: layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True), (3, 1, 6, 6)),
    "ConvLSTM2D-channels_last": Case(lambda: layers.ConvLSTM2D(2, (3, 2), strides=2, input_shape=(3, 7, 6, 2)),
                                     (3, 7, 6, 2)),
    "Concatenate": Case(lambda: layers.Concatenate(), (5, 4), ((5, 3),), merged),
    "Concatenate-axis1": Case(lambda: layers.Concatenate(axis=1), (3, 4), ((5, 4),), merged),
    "Add": Case(lambda: layers.Add(), (5, 4), ((5, 4),), merged),
    "Subtract": Case(lambda: layers.Subtract(), (5, 4), ((5, 4),), merged),
    "Multiply": Case(lambda: layers.Multiply(), (5, 4), ((5, 4), (5, 4)), merged),
    "Average": Case(lambda: layers.Average(), (5, 4), ((5, 4),), merged),
    "Maximum": Case(lambda: layers.Maximum(), (5, 4), ((5, 4),), merged),
    "Minimum": Case(lambda: layers.Minimum(), (5, 4), ((5, 4),), merged),
    "Dot": Case(lambda: layers.Dot(axes=2), (3, 4), ((5, 4),), merged),
    "Dot-normalize": Case(lambda: layers.Dot(axes=1, normalize=True), (4,), ((4,),), merged),
    "RepeatVector": Case(lambda: layers.RepeatVector(3), (4,)),
    "Permute": Case(lambda: layers.Permute((2, 1)), (5, 4)),
    "ReLU": Case(lambda: layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), (5, 4)),
    "LeakyReLU": Case(lambda: layers.LeakyReLU(negative_slope=0.2), (5, 4)),
    "ELU": Case(lambda: layers.ELU(alpha=0.5), (5, 4)),
    "Softmax": Case(lambda: layers.Softmax(axis=1), (5, 4)),
    "PReLU": Case(lambda: layers.PReLU(alpha_initializer="glorot_uniform", shared_axes=[1]), (5, 4)),
    "Maxout": Case(lambda: layers.Maxout(2), (5, 4)),
    "Dense-penalties": Case(lambda: layers.Dense(3, kernel_regularizer=seqlab.train.L1L2(0.01, 0.02),
                                                 activity_regularizer="l1", kernel_constraint="max_norm",
                                                 bias_constraint="non_neg"), (4,)),
    "LSTM-initial_state": Case(lambda: layers.LSTM(4, trainable_initial_state=True, return_sequences=True),
                               (6, 3)),
}

NAMES = list(CASES)


def class_of(name: str) -> str:
    return name.split("-")[0]


def inputs(case: Case) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    if case.ids is not None:
        return [torch.randint(1, case.ids, (BATCH, *case.input_shape), generator=g)]
    return [torch.randn(BATCH, *shape, generator=g) for shape in (case.input_shape, *case.others)]


def run(case: Case, layer, xs) -> list[torch.Tensor]:
    """The layer's outputs as a list (a layer returning ``(context, weights)`` gives both)."""
    with torch.no_grad():
        out = case.call(layer, *xs) if case.call else layer(xs[0])
    return list(out) if isinstance(out, (tuple, list)) else [out]


def built(case: Case):
    """A fresh layer, built by a first call (so it has seen every input), in eval mode."""
    layer = case.make().eval()
    run(case, layer, inputs(case))
    return layer


def as_json(config: dict) -> dict:
    return json.loads(json.dumps(config))


def assert_same(a: list[torch.Tensor], b: list[torch.Tensor]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        torch.testing.assert_close(x, y, rtol=0, atol=0)


def test_every_class_has_a_case():
    missing = sorted(set(LAYER_CLASSES) - {class_of(n) for n in CASES})
    assert not missing, f"add it to the table: no CASES row for {', '.join(missing)} in {__file__}"
    unknown = sorted({class_of(n) for n in CASES} - set(LAYER_CLASSES))
    assert not unknown, f"CASES rows for classes not in LAYER_CLASSES: {unknown}"
    assert all(type(CASES[n].make()).__name__ == class_of(n) for n in CASES)


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_output_shape_equals_compute_output_shape(name):
    case = CASES[name]
    layer = built(case)
    out = run(case, layer, inputs(case))[0]
    assert tuple(out.shape) == (BATCH, *layer.compute_output_shape(case.input_shape))


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_get_config_round_trip(name):
    case = CASES[name]
    layer = built(case)
    config = as_json(layer.get_config())
    clone = layer_from_config({"class_name": class_of(name), "config": config})
    assert type(clone) is type(layer)
    assert as_json(clone.get_config()) == config


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_set_weights_round_trip(name):
    case = CASES[name]
    first, second = built(case), built(case)
    second.set_weights(first.get_weights())
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    xs = inputs(case)
    assert_same(run(case, first, xs), run(case, second, xs))


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_save_and_load_give_identical_outputs(name, tmp_path):
    case = CASES[name]
    xs = inputs(case)
    if case.fits_a_sequential:
        model = seqlab.Sequential([case.make()], input_shape=case.input_shape, seed=0).eval()
        model.save(tmp_path / "model")
        loaded = seqlab.load(tmp_path / "model")
        with torch.no_grad():
            assert_same([model(xs[0])], [loaded(xs[0])])
        return
    # two inputs or two outputs: what loading does, without a Sequential: config through JSON, a
    # build from input_shape alone (no data seen), then the weights
    layer = built(case)
    config = as_json({"class_name": class_of(name), "config": layer.get_config()})
    rebuilt = layer_from_config(config).eval()
    rebuilt.build_for(case.input_shape)
    rebuilt.set_weights(layer.get_weights())
    assert_same(run(case, layer, xs), run(case, rebuilt, xs))


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_count_params_equals_the_weights_sizes(name):
    layer = built(CASES[name])
    assert layer.count_params() == sum(w.size for w in layer.get_weights())
    assert layer.count_params() == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_float64_gives_float64_outputs_close_to_float32(name):
    case = CASES[name]
    layer = built(case)
    wide = copy.deepcopy(layer).double()
    xs = inputs(case)
    out32 = run(case, layer, xs)
    out64 = run(case, wide, [x.double() if x.is_floating_point() else x for x in xs])
    for a, b in zip(out32, out64):
        assert b.dtype == (torch.float64 if a.is_floating_point() else a.dtype)
        torch.testing.assert_close(b, a.to(b.dtype), rtol=1e-4, atol=1e-5)
