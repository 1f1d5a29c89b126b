"""seqlab: deep learning for sequence data, on PyTorch.

>>> import seqlab
>>> from seqlab import layers
>>> m = seqlab.Sequential([layers.Dense(1)], input_shape=(3,))
>>> m.count_params()
4
"""
from seqlab import datasets, layers
from seqlab.io.errors import SeqlabError
from seqlab.saving import load
from seqlab.sequential import Sequential

__version__ = "0.1.0"

__all__ = ["Sequential", "SeqlabError", "datasets", "layers", "load", "__version__"]
