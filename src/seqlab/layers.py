"""``seqlab.layers``: every seqlab layer under one roof (a façade over ``seqlab.nn``).

>>> from seqlab import layers
>>> layers.Dense(3).units
3
"""
from seqlab.nn.activation_layers import (
    ELU,
    LeakyReLU,
    Maxout,
    PReLU,
    ReLU,
    Softmax,
)
from seqlab.nn.attention import (
    AdditiveAttention,
    Attention,
    MultiHeadAttention,
)
from seqlab.nn.bidirectional import (
    Bidirectional,
)
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
from seqlab.nn.convlstm import (
    ConvLSTM2D,
)
from seqlab.nn.core import (
    Activation,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    Reshape,
    TimeDistributed,
)
from seqlab.nn.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Permute,
    RepeatVector,
    Subtract,
)
from seqlab.nn.moe import (
    SwitchFeedForward,
)
from seqlab.nn.recurrent import (
    GRU,
    LSTM,
    SimpleRNN,
)
from seqlab.nn.registry import LAYER_CLASSES
from seqlab.nn.transformer import (
    PositionalEncoding,
    TransformerDecoder,
    TransformerEncoder,
)
from seqlab.tasks.functional import Input

# Keras's other spellings
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D

__all__ = [
    "Activation",
    "AdditiveAttention",
    "Attention",
    "AveragePooling1D",
    "AveragePooling2D",
    "Bidirectional",
    "Conv1D",
    "Conv2D",
    "ConvLSTM2D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GRU",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "LSTM",
    "MaxPooling1D",
    "MaxPooling2D",
    "MultiHeadAttention",
    "PositionalEncoding",
    "Reshape",
    "SimpleRNN",
    "SwitchFeedForward",
    "TimeDistributed",
    "TransformerDecoder",
    "TransformerEncoder",
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Permute", "RepeatVector",
    "Subtract", "ELU", "LeakyReLU", "Maxout", "PReLU", "ReLU", "Softmax", "Input",
    "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
    "LAYER_CLASSES",
]
