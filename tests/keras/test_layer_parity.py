"""Every seqlab layer that Keras also has, against Keras 3 itself (PyTorch backend).

Each case builds the layer in both, copies Keras's weights into seqlab with ``set_weights``
(through a stated conversion where seqlab's layer is a generalisation of Keras's), and compares on
random inputs, to 1e-5: every output, and for layers with weights or recurrence the gradients of a
fixed random projection of the outputs with respect to the inputs. Recurrent cases cover masks,
``return_state`` (final states), ``go_backwards``, ``stateful`` (a second batch continues the first),
``Bidirectional`` merge modes and GRU ``reset_after`` both ways; convolutions cover padding, strides
and dilation. Images are ``(batch, H, W, C)`` in Keras and ``(batch, C, H, W)`` inside seqlab's engine.

``test_every_shared_class_has_a_case`` fails when a class in ``LAYER_CLASSES`` that Keras also
has lacks a case; the classes Keras does not have are listed in ``SEQLAB_ONLY`` and printed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest
import torch

from seqlab import layers as S
from seqlab.nn.registry import LAYER_CLASSES

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported
keras = pytest.importorskip("keras")
if keras.backend.backend() != "torch":
    pytest.skip("the parity suite runs Keras on its PyTorch backend (KERAS_BACKEND=torch)", allow_module_level=True)
K = keras.layers

BATCH = 3
TOL = dict(rtol=1e-5, atol=1e-5)

# seqlab classes with no Keras counterpart (keras has no Maxout; the transformer blocks live in keras-hub)
SEQLAB_ONLY = {"Maxout": "not a Keras layer (seed 002's activation)",
               "PositionalEncoding": "keras-hub, not keras", "TransformerEncoder": "keras-hub, not keras",
               "TransformerDecoder": "keras-hub, not keras",
               "SwitchFeedForward": "not a Keras layer (Switch Transformer's experts, issue 16)"}


def images_in(x: torch.Tensor) -> torch.Tensor:
    """Keras's (B, H, W, C) (or (B, T, H, W, C)) as seqlab's engine takes it."""
    return x.movedim(-1, -3)


def images_out(y: torch.Tensor) -> torch.Tensor:
    return y.movedim(-3, -1) if y.dim() >= 4 else y


@dataclass
class Pair:
    """``ours()``/``theirs()`` make the layers; ``shapes``: one sample shape per input; ``call_*(layer, *xs)``
    run them (xs are torch tensors in Keras's layout); ``weights``: Keras weights -> seqlab weights;
    ``ids``: integer inputs below this; ``mask``: a (batch, time) padding mask passed as ``mask=``."""

    ours: Callable
    theirs: Callable
    shapes: tuple
    call_ours: Callable | None = None
    call_theirs: Callable | None = None
    weights: Callable = field(default=lambda w: w)
    ids: int | None = None
    mask: bool = False
    stateful: bool = False


def plain(layer, *xs, **kw):
    return layer(xs[0], **kw)


def as_list(layer, *xs, **kw):
    return layer(list(xs), **kw)


def image_call(layer, x, **kw):
    return images_out(layer(images_in(x), **kw))


def rnn(cls, units=4, **kw):
    """A (seqlab, keras) recurrent pair with the same arguments."""
    return lambda: getattr(S, cls)(units, **kw), lambda: getattr(K, cls)(units, **kw)


def pair(cls, *args, **kw):
    return lambda: getattr(S, cls)(*args, **kw), lambda: getattr(K, cls)(*args, **kw)


def additive_weights(w):
    """Keras's AdditiveAttention scores ``sum(scale * tanh(q + k))``: seqlab's Bahdanau form
    ``v . tanh(q W_q + k W_k + b)`` with ``W_q = W_k = I``, ``b = 0`` and ``v = scale``."""
    scale = w[0] if w else np.ones(4, np.float32)
    d = scale.shape[0]
    return [np.eye(d, dtype=np.float32), np.eye(d, dtype=np.float32), np.zeros(d, np.float32), scale[:, None]]


SEQ = (6, 3)
PAIRS: dict[str, Pair] = {
    # core
    "Dense": Pair(*pair("Dense", 4, activation="tanh"), ((5,),)),
    "Dense-sequence": Pair(*pair("Dense", 3, use_bias=False), ((4, 5),)),
    "Activation": Pair(*pair("Activation", "softmax"), ((4, 5),)),
    "Dropout": Pair(*pair("Dropout", 0.5), ((4, 5),)),  # identity at inference in both
    "Flatten": Pair(*pair("Flatten"), ((3, 4),)),
    "Reshape": Pair(*pair("Reshape", (2, 6)), ((3, 4),)),
    "Embedding": Pair(*pair("Embedding", 10, 4), ((6,),), ids=10),
    "TimeDistributed": Pair(lambda: S.TimeDistributed(S.Dense(3)), lambda: K.TimeDistributed(K.Dense(3)), ((5, 4),)),
    "RepeatVector": Pair(*pair("RepeatVector", 3), ((4,),)),
    "Permute": Pair(*pair("Permute", (2, 1)), ((5, 4),)),
    # recurrent
    "SimpleRNN": Pair(*rnn("SimpleRNN", return_sequences=True), (SEQ,)),
    "SimpleRNN-relu-backwards": Pair(*rnn("SimpleRNN", activation="relu", go_backwards=True), (SEQ,)),
    "SimpleRNN-states-mask": Pair(*rnn("SimpleRNN", return_state=True, return_sequences=True), (SEQ,), mask=True),
    "LSTM": Pair(*rnn("LSTM", return_sequences=True), (SEQ,)),
    "LSTM-states": Pair(*rnn("LSTM", return_state=True), (SEQ,)),
    "LSTM-mask-backwards": Pair(*rnn("LSTM", return_sequences=True, go_backwards=True), (SEQ,), mask=True),
    "LSTM-stateful": Pair(*rnn("LSTM", stateful=True), (SEQ,), stateful=True),
    "GRU": Pair(*rnn("GRU", return_sequences=True, return_state=True), (SEQ,)),
    "GRU-reset_before": Pair(*rnn("GRU", reset_after=False, return_state=True), (SEQ,)),
    "GRU-reset_before-mask": Pair(*rnn("GRU", reset_after=False, return_sequences=True), (SEQ,), mask=True),
    "GRU-stateful": Pair(*rnn("GRU", stateful=True, return_sequences=True), (SEQ,), stateful=True),
    "Bidirectional": Pair(lambda: S.Bidirectional(S.LSTM(3, return_sequences=True)),
                          lambda: K.Bidirectional(K.LSTM(3, return_sequences=True)), (SEQ,)),
    "Bidirectional-sum-mask": Pair(lambda: S.Bidirectional(S.GRU(3), merge_mode="sum"),
                                   lambda: K.Bidirectional(K.GRU(3), merge_mode="sum"), (SEQ,), mask=True),
    "Bidirectional-mul": Pair(lambda: S.Bidirectional(S.SimpleRNN(3), merge_mode="mul"),
                              lambda: K.Bidirectional(K.SimpleRNN(3), merge_mode="mul"), (SEQ,)),
    "Bidirectional-ave": Pair(lambda: S.Bidirectional(S.LSTM(3, return_sequences=True), merge_mode="ave"),
                              lambda: K.Bidirectional(K.LSTM(3, return_sequences=True), merge_mode="ave"), (SEQ,)),
    "Bidirectional-none-states": Pair(lambda: S.Bidirectional(S.LSTM(3, return_state=True), merge_mode=None),
                                      lambda: K.Bidirectional(K.LSTM(3, return_state=True), merge_mode=None), (SEQ,)),
    # convolution and pooling (Conv1D/pooling 1-D on (time, features) in both)
    "Conv1D": Pair(*pair("Conv1D", 4, 3, activation="relu"), ((9, 3),)),
    "Conv1D-causal-dilated": Pair(*pair("Conv1D", 4, 3, padding="causal", dilation_rate=2), ((9, 3),)),
    "Conv1D-same-strided": Pair(*pair("Conv1D", 2, 4, strides=2, padding="same"), ((9, 3),)),
    "Conv2D": Pair(*pair("Conv2D", 4, 3), ((7, 6, 2),), image_call),
    "Conv2D-same-strided": Pair(*pair("Conv2D", 3, (3, 2), strides=2, padding="same"), ((7, 6, 2),), image_call),
    "Conv2D-dilated": Pair(*pair("Conv2D", 2, 3, dilation_rate=2, activation="tanh"), ((8, 8, 2),), image_call),
    "MaxPooling1D": Pair(*pair("MaxPooling1D", 2), ((8, 3),)),
    "AveragePooling1D": Pair(*pair("AveragePooling1D", 3, strides=2, padding="same"), ((7, 3),)),
    "MaxPooling2D": Pair(*pair("MaxPooling2D", 2, padding="same"), ((5, 5, 2),), image_call),
    "AveragePooling2D": Pair(*pair("AveragePooling2D", 2), ((6, 6, 2),), image_call),
    "GlobalAveragePooling1D": Pair(*pair("GlobalAveragePooling1D"), ((6, 3),)),
    "GlobalMaxPooling1D": Pair(*pair("GlobalMaxPooling1D"), ((6, 3),)),
    "GlobalAveragePooling2D": Pair(*pair("GlobalAveragePooling2D"), ((5, 5, 2),), image_call),
    "GlobalMaxPooling2D": Pair(*pair("GlobalMaxPooling2D"), ((5, 5, 2),), image_call),
    "ConvLSTM2D": Pair(*pair("ConvLSTM2D", 2, 3, padding="same", return_sequences=True), ((3, 5, 5, 1),),
                       image_call),
    # attention: seqlab returns (context, weights), Keras the context; Keras takes [query, value]
    "Attention": Pair(*pair("Attention"), ((3, 4), (5, 4)), lambda l, q, v: l(q, v)[0], as_list),
    "Attention-scale": Pair(lambda: S.Attention(use_scale=True), lambda: K.Attention(use_scale=True),
                            ((3, 4), (5, 4)), lambda l, q, v: l(q, v)[0], as_list),
    "AdditiveAttention": Pair(lambda: S.AdditiveAttention(units=4), lambda: K.AdditiveAttention(),
                              ((3, 4), (5, 4)), lambda l, q, v: l(q, v)[0], as_list, additive_weights),
    "MultiHeadAttention": Pair(*pair("MultiHeadAttention", 2, 3), ((3, 8), (5, 6)), lambda l, q, v: l(q, v),
                               lambda l, q, v: l(q, v)),
    "MultiHeadAttention-self": Pair(lambda: S.MultiHeadAttention(2, 4, output_dim=5),
                                    lambda: K.MultiHeadAttention(2, 4, output_shape=5), ((5, 8),),
                                    lambda l, x: l(x), lambda l, x: l(x, x)),
    # merging
    "Concatenate": Pair(*pair("Concatenate"), ((5, 4), (5, 3)), as_list, as_list),
    "Concatenate-axis1": Pair(*pair("Concatenate", axis=1), ((3, 4), (5, 4)), as_list, as_list),
    "Add": Pair(*pair("Add"), ((5, 4), (5, 4), (5, 4)), as_list, as_list),
    "Subtract": Pair(*pair("Subtract"), ((5, 4), (5, 4)), as_list, as_list),
    "Multiply": Pair(*pair("Multiply"), ((5, 4), (5, 4)), as_list, as_list),
    "Average": Pair(*pair("Average"), ((5, 4), (5, 4)), as_list, as_list),
    "Maximum": Pair(*pair("Maximum"), ((5, 4), (5, 4)), as_list, as_list),
    "Minimum": Pair(*pair("Minimum"), ((5, 4), (5, 4)), as_list, as_list),
    "Dot": Pair(*pair("Dot", axes=2), ((3, 4), (5, 4)), as_list, as_list),
    "Dot-vectors-normalize": Pair(*pair("Dot", axes=1, normalize=True), ((4,), (4,)), as_list, as_list),
    "Dot-time": Pair(*pair("Dot", axes=(1, 1)), ((5, 3), (5, 2)), as_list, as_list),
    # activations
    "ReLU": Pair(*pair("ReLU", max_value=1.0, negative_slope=0.1, threshold=0.2), ((5, 4),)),
    "ReLU-plain": Pair(*pair("ReLU"), ((5, 4),)),
    "LeakyReLU": Pair(*pair("LeakyReLU"), ((5, 4),)),
    "ELU": Pair(*pair("ELU", alpha=0.7), ((5, 4),)),
    "Softmax": Pair(*pair("Softmax", axis=1), ((5, 4),)),
    "PReLU": Pair(*pair("PReLU", alpha_initializer="glorot_uniform", shared_axes=[1]), ((5, 4),)),
}
NAMES = list(PAIRS)


def class_of(name: str) -> str:
    return name.split("-")[0]


def shared_classes() -> list[str]:
    return sorted(c for c in LAYER_CLASSES if hasattr(K, c) and c not in SEQLAB_ONLY)


PARITY_REPORT: dict = {}  # printed in the run's summary by tests/conftest.py


def test_every_shared_class_has_a_case():
    covered = {class_of(n) for n in PAIRS}
    missing = sorted(set(shared_classes()) - covered)
    assert not missing, f"Keras has these seqlab layers but the parity suite has no case for them: {missing}"
    only = sorted(set(LAYER_CLASSES) - set(shared_classes()))
    assert set(only) == set(SEQLAB_ONLY), f"classes neither compared nor listed as seqlab-only: {only}"
    line = (f"{len(covered)} layer classes compared with Keras {keras.__version__} in {len(PAIRS)} cases; "
            f"seqlab-only, skipped: {', '.join(f'{c} ({SEQLAB_ONLY[c]})' for c in only)}")
    PARITY_REPORT["layers"] = line
    print(line)


def make_inputs(p: Pair, seed: int = 0) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    if p.ids is not None:
        return [torch.randint(1, p.ids, (BATCH, *p.shapes[0]), generator=g)]
    return [torch.randn(BATCH, *shape, generator=g) for shape in p.shapes]


def padding_mask(time: int) -> torch.Tensor:
    """Post-padding for one row, pre-padding for another, one row full."""
    mask = torch.ones(BATCH, time, dtype=torch.bool)
    mask[0, -2:] = False
    mask[1, :3] = False
    return mask


def outputs(out) -> list[torch.Tensor]:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def run_both(p: Pair, ours, theirs, xs, **kw):
    call_ours, call_theirs = p.call_ours or plain, p.call_theirs or plain
    ours_out = outputs(call_ours(ours, *xs, **kw))
    theirs_out = outputs(call_theirs(theirs, *xs, **kw))
    return ours_out, theirs_out


def built_pair(p: Pair, xs):
    theirs, ours = p.theirs(), p.ours().eval()
    kw = {"mask": padding_mask(xs[0].shape[1])} if p.mask else {}
    with torch.no_grad():
        run_both(p, ours, theirs, xs, **kw)
    if p.stateful:
        theirs.reset_states()
        ours.reset_states()
    ours.set_weights(p.weights(theirs.get_weights()))
    return ours, theirs, kw


@pytest.mark.parametrize("name", NAMES, ids=NAMES)
def test_outputs_states_and_input_gradients_match_keras(name):
    p = PAIRS[name]
    xs = make_inputs(p)
    ours, theirs, kw = built_pair(p, xs)
    floats = p.ids is None
    ours_x = [x.clone().requires_grad_(floats) for x in xs]
    theirs_x = [x.clone().requires_grad_(floats) for x in xs]
    call_ours, call_theirs = p.call_ours or plain, p.call_theirs or plain
    ours_out, theirs_out = outputs(call_ours(ours, *ours_x, **kw)), outputs(call_theirs(theirs, *theirs_x, **kw))
    if p.stateful:  # a second batch starts from the first one's final states
        ours_out = outputs(call_ours(ours, *ours_x, **kw))
        theirs_out = outputs(call_theirs(theirs, *theirs_x, **kw))
    assert len(ours_out) == len(theirs_out)
    for a, b in zip(ours_out, theirs_out):
        torch.testing.assert_close(a.detach(), b.detach().to(a.dtype), **TOL)
    if not floats or p.stateful or not any(o.requires_grad for o in ours_out):
        return  # (Keras writes a stateful layer's states in place, so its graph cannot be differentiated twice)
    g = torch.Generator().manual_seed(1)
    weights = [torch.randn(o.shape, generator=g) for o in ours_out]
    sum(((o * w).sum() for o, w in zip(ours_out, weights)), torch.zeros(())).backward()
    sum(((o * w).sum() for o, w in zip(theirs_out, weights)), torch.zeros(())).backward()
    for a, b in zip(ours_x, theirs_x):
        torch.testing.assert_close(a.grad, b.grad, **TOL)


@pytest.mark.parametrize("name", [n for n in NAMES if not PAIRS[n].call_ours and not PAIRS[n].mask
                                  and not PAIRS[n].stateful and PAIRS[n].ids is None])
def test_count_params_matches_keras(name):
    p = PAIRS[name]
    ours, theirs, _ = built_pair(p, make_inputs(p))
    assert ours.count_params() == theirs.count_params()
