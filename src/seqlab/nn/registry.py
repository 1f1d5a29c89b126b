"""The fixed table from a saved layer class name to the class: ``LAYER_CLASSES``.

Loading a model looks class names up here only; it never imports a module named in a file.
A new layer is added to this table, which also puts it under ``tests/contracts/test_every_layer.py``.

>>> LAYER_CLASSES["Dense"].__name__
'Dense'
"""
from typing import Any

from seqlab.io.errors import ModelFileError
from seqlab.nn.attention import AdditiveAttention, Attention, MultiHeadAttention
from seqlab.nn.bidirectional import Bidirectional
from seqlab.nn.conv import (
    AveragePooling1D,
    AveragePooling2D,
    Conv1D,
    Conv2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from seqlab.nn.convlstm import ConvLSTM2D
from seqlab.nn.core import Activation, Dense, Dropout, Embedding, Flatten, Reshape, TimeDistributed
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN
from seqlab.nn.transformer import PositionalEncoding, TransformerDecoder, TransformerEncoder

LAYER_CLASSES = {
    cls.__name__: cls
    for cls in (Dense, Activation, Dropout, Flatten, Reshape, Embedding, TimeDistributed)
    + (SimpleRNN, LSTM, GRU, Bidirectional)
    + (Attention, AdditiveAttention, MultiHeadAttention, PositionalEncoding, TransformerEncoder,
       TransformerDecoder)
    + (Conv1D, Conv2D, MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
       GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, ConvLSTM2D)
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
