"""Cells, layers, initialisers, activations, attention and a plain layer container. Torch only."""
from seqlab.nn.base import Layer
from seqlab.nn.container import LayerStack
from seqlab.nn.conv import conv_output_size

__all__ = ["Layer", "LayerStack", "conv_output_size"]
