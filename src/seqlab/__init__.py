"""seqlab: deep learning for sequence data, on PyTorch.

A façade: everything here lives in a sub-package (``seqlab.tasks`` for ``Sequential`` and
``load``, ``seqlab.io.errors`` for the errors).

>>> import seqlab
>>> from seqlab import layers
>>> m = seqlab.Sequential([layers.Dense(1)], input_shape=(3,))
>>> m.count_params()
4
>>> seqlab.callbacks.EarlyStopping(patience=3).patience
3
"""
from seqlab import callbacks, constraints, data, datasets, layers, regularizers, tasks
from seqlab.io.errors import (
    ConfigError,
    DataError,
    ExportError,
    ModelFileError,
    NotFittedError,
    SeqlabError,
    TrainingDivergedError,
)
from seqlab.tasks import Input, Model, Sequential, load

__version__ = "0.1.0"

__all__ = ["Sequential", "Model", "Input", "load", "layers", "callbacks", "tasks", "data", "datasets", "SeqlabError",
           "regularizers", "constraints", "ConfigError", "DataError", "ModelFileError", "NotFittedError", "ExportError",
           "TrainingDivergedError", "__version__"]
