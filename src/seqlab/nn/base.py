"""The base of every seqlab layer: a ``torch.nn.Module`` that builds its weights from an input
shape (Keras style), names its weights in Keras's order, and remembers its constructor arguments.

A layer is built either eagerly by ``Sequential`` (which knows ``input_shape``) or lazily on its
first call. Shapes never include the batch axis; ``None`` marks a length that varies.

Initial weights are drawn from the ``torch.Generator`` that ``build_for(shape, generator)`` is given
(a container passes its own, ``Sequential(seed=...)`` makes one), or from torch's global generator
when there is none, as a ``torch.nn`` module does. A layer given ``input_shape`` builds at once,
from its ``generator=`` argument or the global generator; if a container with a generator later
builds it before its weights were changed, it draws them again from that generator, so a seed covers
every layer of a model however the layers were written.

>>> import torch
>>> from seqlab.nn.core import Dense
>>> d = Dense(3, input_dim=2)
>>> [w.shape for w in d.get_weights()]
[(2, 3), (3,)]
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

from seqlab.io.errors import ConfigError

Shape = tuple  # feature shape without the batch axis; entries may be None


def snake_case(name: str) -> str:
    """Keras's default layer name for a class: ``SimpleRNN`` -> ``simple_rnn``, ``Conv2D`` -> ``conv2d``,
    ``MaxPooling2D`` -> ``max_pooling2d`` (and, as in Keras, ``ConvLSTM2D`` -> ``conv_lst_m2d``)."""
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class Layer(torch.nn.Module):
    """Base class. A subclass's ``__init__`` calls ``super().__init__(**kwargs)`` first, sets its
    attributes, and ends with ``self.finish_init(locals())``, which stores the constructor arguments
    for ``get_config`` and builds at once when ``input_shape`` was given. Subclasses implement
    ``build`` (creating weights and listing them in Keras order in ``self.weight_names``),
    ``compute_output_shape`` and ``forward``.

    Args:
        name: the layer's name in summaries (``Sequential`` assigns Keras-style names if None).
        trainable: False freezes every weight of the layer.
        input_shape: shape of one sample (no batch axis); lets the layer build at once.
        input_dim: shorthand for ``input_shape=(input_dim,)``.
        generator: the ``torch.Generator`` this layer's weights are drawn from whenever it builds
            (at once with ``input_shape``, or later); None: the generator of the container that
            builds it, else torch's global generator. Not part of the config.

    While ``build`` runs, ``self.build_generator`` is the generator to draw from (None: global);
    ``build`` hands it to ``new_weight`` and to the ``build_for`` of any layer nested inside.
    """

    def __init__(self, *, name: str | None = None, trainable: bool = True,
                 input_shape: Shape | None = None, input_dim: int | None = None,
                 generator: torch.Generator | None = None):
        super().__init__()
        self.name = name
        self.built = False
        self.generator_arg = generator
        self.build_generator: torch.Generator | None = None
        self._drawn_at_construction: list | None = None
        self._trainable = bool(trainable)
        self.weight_names: list[str] = []
        self.config: dict[str, Any] = {}
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        self.input_shape_arg = tuple(input_shape) if input_shape is not None else None
        self.input_shape_: Shape | None = None
        self.output_shape_: Shape | None = None

    # ----- configuration -------------------------------------------------------------------
    def finish_init(self, local_vars: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
        """Store constructor arguments (``locals()`` of ``__init__``) and build if the shape is known."""
        for key, value in local_vars.items():
            if key in ("self", "__class__", "kwargs") or key.startswith("_") or key in skip:
                continue
            self.config[key] = value
        self.config["trainable"] = self._trainable
        if self.name is not None:
            self.config["name"] = self.name
        if self.input_shape_arg is not None and not self.built:
            self.build_at_construction(self.input_shape_arg)

    def build_at_construction(self, input_shape: Shape) -> None:
        """Build now for ``input_shape``; remember weights drawn from the global generator so that a
        container with a generator can draw them again."""
        self.build_for(input_shape)
        if self.generator_arg is None:
            self._drawn_at_construction = [(w, w._version) for w in self.weight_tensors()]

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-friendly) that rebuild this layer."""
        cfg = dict(self.config)
        if self.input_shape_arg is not None:
            cfg["input_shape"] = list(self.input_shape_arg)
        return cfg

    # ----- building ------------------------------------------------------------------------
    def build(self, input_shape: Shape) -> None:
        """Create the weights for inputs of ``input_shape``. Layers without weights keep this."""

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """Shape of one output sample for one input sample of ``input_shape``."""
        return tuple(input_shape)

    def build_for(self, input_shape: Shape, generator: torch.Generator | None = None) -> Shape:
        """Build (once) for ``input_shape``, drawing weights from the layer's own ``generator``
        argument, else ``generator``, else torch's global generator; return the output shape.

        A layer built at construction from the global generator whose weights are unchanged since is
        built again when a ``generator`` is given here."""
        input_shape = tuple(input_shape)
        generator = self.generator_arg if self.generator_arg is not None else generator
        if self.built and generator is not None and self._untouched_since_construction():
            for layer in self.modules():
                if isinstance(layer, Layer):
                    layer.built, layer._drawn_at_construction = False, None
        if not self.built:
            self.build_generator = generator
            try:
                self.build(input_shape)
            finally:
                self.build_generator = None
            self.built = True
            self.trainable = self._trainable
        self.input_shape_ = input_shape
        self.output_shape_ = tuple(self.compute_output_shape(input_shape))
        return self.output_shape_

    def __call__(self, x, *args, **kwargs):
        if _symbolic(x, args, kwargs):  # building a functional model (seqlab.Model)
            from seqlab.nn.graph import symbolic_call

            return symbolic_call(self, (x, *args), kwargs)
        if not self.built:
            self.build_for(tuple(x.shape[1:]) if hasattr(x, "shape") else tuple(x[0].shape[1:]))
        return super().__call__(x, *args, **kwargs)

    def _untouched_since_construction(self) -> bool:
        """True while the weights drawn at construction from the global generator are unchanged: the
        same tensors, never written in place (an optimiser step, ``set_weights`` and
        ``load_state_dict`` all bump a tensor's version counter)."""
        drawn = self._drawn_at_construction
        if not drawn:
            return False
        now = self.weight_tensors()
        return len(now) == len(drawn) and all(w is old and w._version == v for w, (old, v) in zip(now, drawn))

    # ----- weights -------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for p in self.parameters():
            p.requires_grad_(self._trainable)

    def weight_tensors(self) -> list[torch.Tensor]:
        """The layer's weights in Keras order (sub-layers included, as Keras lists them)."""
        return [getattr(self, n) for n in self.weight_names]

    def get_weights(self) -> list[np.ndarray]:
        """Weights as NumPy arrays in Keras layout and order."""
        return [w.detach().cpu().numpy().copy() for w in self.weight_tensors()]

    def set_weights(self, weights: list) -> None:
        """Set weights from arrays in Keras layout and order (as ``get_weights`` returns them)."""
        own = self.weight_tensors()
        if len(weights) != len(own):
            raise ConfigError(f"{self.name or type(self).__name__}: expected {len(own)} weight arrays "
                              f"({', '.join(self.weight_names)}), got {len(weights)}")
        names = self.weight_names if len(self.weight_names) == len(own) else [f"weight {i}" for i in range(len(own))]
        with torch.no_grad():
            for name, w, new in zip(names, own, weights):
                new = torch.as_tensor(np.asarray(new), dtype=w.dtype)
                if tuple(new.shape) != tuple(w.shape):
                    raise ConfigError(f"{self.name or type(self).__name__}.{name}: expected shape "
                                      f"{tuple(w.shape)}, got {tuple(new.shape)}")
                w.copy_(new)

    def count_params(self) -> int:
        """Number of scalars in the layer's weights (trainable or not)."""
        return sum(int(w.numel()) for w in self.weight_tensors())

    def count_trainable_params(self) -> int:
        return sum(int(w.numel()) for w in self.weight_tensors() if w.requires_grad)

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.config.items() if k not in ("trainable",))


def _symbolic(x, args: tuple, kwargs: dict) -> bool:
    """True if a call's inputs (or a list of them) hold a ``seqlab.nn.graph.SymbolicTensor``."""
    for arg in (x, *args, *kwargs.values()):
        if getattr(arg, "is_symbolic_tensor", False):
            return True
        if isinstance(arg, (list, tuple)) and any(getattr(a, "is_symbolic_tensor", False) for a in arg):
            return True
    return False


def new_weight(init, shape: tuple[int, ...], generator: torch.Generator | None = None) -> torch.nn.Parameter:
    """A Parameter of ``shape`` drawn from initialiser ``init`` (a name or a function)."""
    from seqlab.nn.initializers import get_initializer

    return torch.nn.Parameter(get_initializer(init)(tuple(shape), generator).to(torch.float32))
