"""All seqlab layers under one roof, and the fixed table that maps a saved class name to a class.

Loading a model looks class names up in ``LAYER_CLASSES`` only; it never imports a module named
in a file.

>>> from seqlab import layers
>>> layers.Dense(3).units
3
"""
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

__all__ = sorted(LAYER_CLASSES) + ["LAYER_CLASSES"]
