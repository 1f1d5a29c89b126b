"""The fixed table from a saved layer class name to the class: ``LAYER_CLASSES``.

Loading a model looks class names up here only; it never imports a module named in a file.
A new layer is added to this table, which also puts it under ``tests/contracts/test_every_layer.py``.

>>> LAYER_CLASSES["Dense"].__name__
'Dense'
"""
from typing import Any

from seqlab.io.errors import ModelFileError
from seqlab.nn import (
    activation_layers,
    attention,
    bidirectional,
    conv,
    convlstm,
    core,
    merge,
    moe,
    recurrent,
    transformer,
)

LAYER_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (core.Dense, core.Activation, core.Dropout, core.Flatten, core.Reshape, core.Embedding,
                core.TimeDistributed)
    + (recurrent.SimpleRNN, recurrent.LSTM, recurrent.GRU, bidirectional.Bidirectional)
    + (attention.Attention, attention.AdditiveAttention, attention.MultiHeadAttention,
       transformer.PositionalEncoding, transformer.TransformerEncoder, transformer.TransformerDecoder,
       moe.SwitchFeedForward)
    + (conv.Conv1D, conv.Conv2D, conv.MaxPooling1D, conv.MaxPooling2D, conv.AveragePooling1D,
       conv.AveragePooling2D, conv.GlobalAveragePooling1D, conv.GlobalAveragePooling2D, conv.GlobalMaxPooling1D,
       conv.GlobalMaxPooling2D, convlstm.ConvLSTM2D)
    + (merge.Concatenate, merge.Add, merge.Subtract, merge.Multiply, merge.Average, merge.Maximum, merge.Minimum,
       merge.Dot, merge.RepeatVector, merge.Permute)
    + (activation_layers.ReLU, activation_layers.LeakyReLU, activation_layers.ELU, activation_layers.Softmax,
       activation_layers.PReLU, activation_layers.Maxout)
}


def layer_from_config(spec: dict[str, Any]):
    """Build a layer from ``{"class_name": ..., "config": {...}}`` (nested layers included)."""
    name = spec.get("class_name")
    if name not in LAYER_CLASSES:
        known = ", ".join(sorted(LAYER_CLASSES))
        raise ModelFileError(f"unknown layer class {name!r} in the model file; known: {known}")
    kwargs = {}
    for key, value in spec.get("config", {}).items():
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            value = layer_from_config(value)
        elif key == "input_shape" and value is not None:
            value = tuple(value)
        kwargs[key] = value
    try:
        return LAYER_CLASSES[name](**kwargs)
    except TypeError as e:
        raise ModelFileError(f"layer {name} in the model file does not fit this seqlab: {e}") from None
