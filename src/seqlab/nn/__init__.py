"""Cells, layers, initialisers, activations, attention and a plain layer container. Torch only."""
from seqlab.nn.base import Layer
from seqlab.nn.container import LayerStack

__all__ = ["Layer", "LayerStack"]
