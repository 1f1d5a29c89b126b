"""The functional graph: symbolic tensors, the nodes that layers add when called on them, and
``LayerGraph``, the plain module that runs the graph (the engine under ``seqlab.Model``).

A ``SymbolicTensor`` stands for a batch that has not been seen yet: it has a shape (batch axis
``None`` first, as Keras prints it), a dtype, and the node that makes it. Calling a layer (or a
whole model) on symbolic tensors builds the layer, finds the shapes of its outputs by running it
once on small zero tensors, and returns symbolic outputs in the structure the layer returns (one
tensor, or a list such as ``[output, h, c]``). ``LayerGraph(inputs, outputs)`` then walks the nodes
in the order they were made (a valid order: a node's inputs exist before it) and knows nothing of
training or files.

>>> import torch
>>> from seqlab.nn.core import Dense
>>> x = input_tensor((3,))
>>> y = Dense(2)(x)
>>> y.shape
(None, 2)
>>> graph = LayerGraph([x], [y])
>>> graph(torch.ones(4, 3)).shape
torch.Size([4, 2])
"""
from __future__ import annotations

import inspect
import itertools
from typing import Any, Callable

import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.base import Layer, snake_case

_NODE_IDS = itertools.count()
DTYPES = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int32, "int64": torch.int64,
          "bool": torch.bool}


class SymbolicTensor:
    """A placeholder for a batch: ``shape`` (``None`` for the batch axis and any length that varies),
    ``dtype`` and the node that produces it (``node.outputs[index]`` is this tensor)."""

    is_symbolic_tensor = True  # what ``Layer.__call__`` looks for (without importing this module)

    def __init__(self, shape: tuple, dtype: torch.dtype, node: "Node", index: int):
        self.shape, self.dtype, self.node, self.index = tuple(shape), dtype, node, index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape} from {self.node.label()!r}>"

    def __len__(self):
        raise TypeError("a symbolic tensor has no length before data flows through the model")

    def __bool__(self):
        raise TypeError("a symbolic tensor has no truth value; build the model, then call it on data")


class InputLayer(torch.nn.Module):
    """The node that stands for one model input (no weights). ``shape`` excludes the batch axis."""

    def __init__(self, shape: tuple, dtype: torch.dtype = torch.float32, name: str | None = None):
        super().__init__()
        self.shape, self.dtype, self.name = tuple(shape), dtype, name
        self.output_shape_ = self.shape

    def count_params(self) -> int:
        return 0

    def count_trainable_params(self) -> int:
        return 0

    def get_config(self) -> dict:
        dtype = next(k for k, v in DTYPES.items() if v == self.dtype)
        return {"shape": list(self.shape), "dtype": dtype, "name": self.name}


class Node:
    """One call of ``module`` on symbolic arguments: ``args``/``kwargs`` keep the call's structure with
    ``SymbolicTensor`` leaves; ``outputs`` are the symbolic results, ``template`` how they nest."""

    def __init__(self, module: torch.nn.Module, args: tuple, kwargs: dict):
        self.id = next(_NODE_IDS)
        self.module, self.args, self.kwargs = module, args, kwargs
        self.parents = [t for t in flatten((args, kwargs)) if isinstance(t, SymbolicTensor)]
        self.outputs: list[SymbolicTensor] = []
        self.template: Any = 0
        self.masked: list[bool] = []  # per output: does it carry a padding mask at run time

    def label(self) -> str:
        return getattr(self.module, "name", None) or type(self.module).__name__


def flatten(structure) -> list:
    """The leaves of nested lists/tuples/dicts, in order."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Callable, structure):
    """``structure`` with every leaf replaced by ``fn(leaf)`` (lists, tuples and dicts kept)."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def _template(out) -> Any:
    """How a module's output nests: ``0`` for one tensor, else a list/tuple of leaf positions."""
    counter = itertools.count()
    return map_structure(lambda _: next(counter), out) if isinstance(out, (list, tuple)) else 0


def rebuild(template, leaves: list):
    """The inverse of ``flatten`` for a ``_template``: leaves put back in their structure."""
    return map_structure(lambda i: leaves[i], template) if isinstance(template, (list, tuple)) else leaves[0]


def is_symbolic(*parts) -> bool:
    """True if any leaf of ``parts`` is a ``SymbolicTensor``."""
    return any(isinstance(leaf, SymbolicTensor) for leaf in flatten(parts))


def input_tensor(shape, dtype="float32", name: str | None = None) -> SymbolicTensor:
    """A symbolic model input for samples of ``shape`` (no batch axis; ``None`` for a varying length).

    >>> input_tensor((None, 4)).shape
    (None, None, 4)
    """
    if isinstance(shape, int):
        shape = (shape,)
    if shape is None or any(d is not None and (not isinstance(d, int) or d < 1) for d in shape):
        raise ConfigError(f"Input needs shape=(d1, d2, ...) of positive sizes or None, got {shape!r}")
    if isinstance(dtype, str):
        if dtype not in DTYPES:
            raise ConfigError(f"Input dtype must be one of {', '.join(DTYPES)}, got {dtype!r}")
        dtype = DTYPES[dtype]
    layer = InputLayer(tuple(shape), dtype or torch.float32, name)
    node = Node(layer, (), {})
    node.outputs = [SymbolicTensor((None, *shape), layer.dtype, node, 0)]
    node.masked = [False]
    return node.outputs[0]


# ----- calling a module on symbolic tensors --------------------------------------------------
PROBE_LENGTHS = (16, 29)  # stand-ins for varying lengths; a dim that differs between them varies


def _probe(t: SymbolicTensor, fill: int) -> torch.Tensor:
    shape = [2 if i == 0 else (fill if d is None else d) for i, d in enumerate(t.shape)]
    return torch.zeros(shape, dtype=t.dtype)


def _run_on_probes(module, args, kwargs, fill: int):
    probe = lambda leaf: _probe(leaf, fill) if isinstance(leaf, SymbolicTensor) else leaf
    return module(*map_structure(probe, args), **map_structure(probe, kwargs))


def accepts_mask(module: torch.nn.Module) -> bool:
    """True if the module's ``forward`` takes ``mask=``."""
    try:
        return "mask" in inspect.signature(module.forward).parameters
    except (TypeError, ValueError):
        return False


def symbolic_call(module: torch.nn.Module, args: tuple, kwargs: dict):
    """Record ``module(*args, **kwargs)`` on symbolic tensors as a node and return its symbolic outputs.

    The module is built (a seqlab layer from its first input's shape) and run once in eval mode on
    zero tensors of batch 2, twice when a length varies, so output shapes come from the module itself.
    Carried states of a stateful layer are cleared afterwards."""
    node = Node(module, tuple(args), dict(kwargs))
    first = node.parents[0] if node.parents else None
    _enter_channels_last(module, first)
    if isinstance(module, Layer) and not module.built and first is not None and first is args[0]:
        try:
            module.build_for(first.shape[1:])
        except (ConfigError, TypeError, ValueError):
            pass  # built on the probe batch instead
        else:
            module._drawn_at_construction = [(w, w._version) for w in module.weight_tensors()] \
                if module.generator_arg is None else None
    varying = any(d is None for t in node.parents for d in t.shape[1:])
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            runs = [_run_on_probes(module, node.args, node.kwargs, fill)
                    for fill in (PROBE_LENGTHS if varying else PROBE_LENGTHS[:1])]
    except Exception as e:  # noqa: BLE001 - reported as the user's graph error
        shapes = [t.shape for t in node.parents]
        raise ConfigError(f"{node.label()} cannot be called on inputs of shapes {shapes}: {e}") from None
    finally:
        module.train(was_training)
    for layer in module.modules():
        if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
            layer.reset_states()
    node.template = _template(runs[0])
    leaves = [flatten(r) for r in runs]
    for i, out in enumerate(leaves[0]):
        if not isinstance(out, torch.Tensor):
            raise ConfigError(f"{node.label()} returned a {type(out).__name__}, not tensors")
        shape = [None if any(run[i].shape[d] != out.shape[d] for run in leaves) else int(s)
                 for d, s in enumerate(out.shape)]
        shape[0] = None
        node.outputs.append(SymbolicTensor(tuple(shape), out.dtype, node, i))
    node.masked = _output_masks(node)
    if isinstance(module, Layer) and len(node.outputs) >= 1:
        module.output_shape_ = node.outputs[0].shape[1:]
        if first is not None:
            module.input_shape_ = first.shape[1:]
    return rebuild(node.template, node.outputs)


def _enter_channels_last(module, first: SymbolicTensor | None) -> None:
    """An image layer called on a model input reads it as Keras's channels-last ``(H, W, C)`` (or
    ``(time, H, W, C)``), as it would its own ``input_shape`` (seqlab.nn.conv: converted at the edge)."""
    layout = getattr(module, "keras_layout", None)
    if (layout is None or not getattr(module, "image_layout", False) or module.built or first is None
            or getattr(module, "data_format", None) != "channels_last"
            or getattr(module, "_keras_input_shape", 0) is not None
            or not isinstance(first.node.module, InputLayer) or first.ndim - 1 != layout.count(",") + 1):
        return
    module._keras_input_shape = tuple(first.shape[1:])


def _output_masks(node: Node) -> list[bool]:
    """Which outputs carry a padding mask: an embedding's with ``mask_zero``; a masked input's
    sequence outputs (3-D) when the layer passes the mask on (it takes ``mask=`` or only reshapes
    features, e.g. Dropout or a Dense on every step)."""
    module, first = node.module, node.parents[0] if node.parents else None
    if getattr(module, "mask_zero", False) and hasattr(module, "compute_mask"):
        return [True] * len(node.outputs)
    if first is None or not first.node.masked[first.index]:
        return [False] * len(node.outputs)
    return [out.ndim == 3 and first.ndim >= 3 and out.shape[1] == first.shape[1] for out in node.outputs]


# ----- the engine ----------------------------------------------------------------------------
def reachable_nodes(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]) -> list[Node]:
    """The nodes between ``inputs`` and ``outputs``, in creation order; ConfigError when an output
    depends on an input that is not in ``inputs`` (Keras's "graph disconnected")."""
    input_nodes = {t.node for t in inputs}
    seen: dict[Node, None] = {}
    stack = [t.node for t in outputs]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = None
        if isinstance(node.module, InputLayer):
            if node not in input_nodes:
                raise ConfigError(f"graph disconnected: the outputs need the input {node.label()!r} "
                                  f"{node.outputs[0].shape}, which is not in the model's inputs")
            continue
        stack.extend(t.node for t in node.parents)
    return sorted((n for n in seen if not isinstance(n.module, InputLayer)), key=lambda n: n.id)


class LayerGraph(torch.nn.Module):
    """Runs a graph of layers from ``inputs`` to ``outputs`` (lists of ``SymbolicTensor``).

    ``forward(*xs)`` takes one tensor per input and returns one tensor, or a tuple for several
    outputs. Unnamed layers get Keras-style names (``dense``, ``dense_1``, ...), unique in the graph;
    a layer used by several nodes (shared weights) is one module. Padding masks from an
    ``Embedding(mask_zero=True)`` reach the layers after it that take ``mask=``.
    """

    def __init__(self, inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]):
        super().__init__()
        for t in [*inputs, *outputs]:
            if not isinstance(t, SymbolicTensor):
                raise ConfigError(f"Model inputs and outputs must be symbolic tensors (from seqlab.Input and "
                                  f"layer calls), got {type(t).__name__}")
        for t in inputs:
            if not isinstance(t.node.module, InputLayer):
                raise ConfigError(f"model inputs must come from seqlab.Input(...), got the output of "
                                  f"{t.node.label()!r}")
        self.inputs, self.outputs = list(inputs), list(outputs)
        self.nodes = reachable_nodes(self.inputs, self.outputs)
        self.input_layers = [t.node.module for t in self.inputs]
        order = list(dict.fromkeys(node.module for node in self.nodes))
        self._name_layers(self.input_layers, "input_layer")
        self._name_layers(order, None)
        self.layers = torch.nn.ModuleList(order)

    @staticmethod
    def _name_layers(modules, base_name: str | None) -> None:
        taken: set = set()
        for module in modules:
            if getattr(module, "name", None) is None:
                base = base_name or snake_case(type(module).__name__)
                module.name = base if base not in taken else next(
                    f"{base}_{i}" for i in range(1, 10_000) if f"{base}_{i}" not in taken)
            taken.add(module.name)

    def forward(self, *xs):
        if len(xs) == 1 and isinstance(xs[0], (list, tuple)) and len(self.inputs) > 1:
            xs = tuple(xs[0])
        if len(xs) != len(self.inputs):
            raise ConfigError(f"the model takes {len(self.inputs)} input(s), got {len(xs)}")
        values: dict[SymbolicTensor, torch.Tensor] = {}
        masks: dict[SymbolicTensor, torch.Tensor] = {}
        for t, x in zip(self.inputs, xs):
            values[t] = x
        for node in self.nodes:
            value = lambda leaf: values[leaf] if isinstance(leaf, SymbolicTensor) else leaf
            args, kwargs = map_structure(value, node.args), map_structure(value, node.kwargs)
            first = node.parents[0] if node.parents else None
            mask = masks.get(first) if first is not None else None
            if mask is not None and "mask" not in kwargs and accepts_mask(node.module):
                kwargs["mask"] = mask
            out = flatten(node.module(*args, **kwargs))
            new_mask = None
            if getattr(node.module, "mask_zero", False) and hasattr(node.module, "compute_mask"):
                new_mask = node.module.compute_mask(args[0])
            for t, v, masked in zip(node.outputs, out, node.masked):
                values[t] = v
                if masked:
                    masks[t] = new_mask if new_mask is not None else mask
        result = [values[t] for t in self.outputs]
        return result[0] if len(result) == 1 else tuple(result)

    def connections(self) -> dict[torch.nn.Module, list[str]]:
        """For each layer, the tensors it was called on as Keras prints them: ``name[node][index]``."""
        node_index: dict[Node, int] = {}
        per_module: dict[torch.nn.Module, int] = {}
        for node in self.nodes:
            node_index[node] = per_module.get(node.module, 0)
            per_module[node.module] = node_index[node] + 1
        out: dict[torch.nn.Module, list[str]] = {m: [] for m in self.layers}
        for node in self.nodes:
            out[node.module] += [f"{t.node.label()}[{node_index.get(t.node, 0)}][{t.index}]"
                                 for t in dict.fromkeys(node.parents)]  # a tensor passed twice is listed once
        return out

    # ----- a JSON description of the graph --------------------------------------------------
    def graph_config(self, layer_spec: Callable[[torch.nn.Module], dict]) -> dict:
        """The graph as JSON values: inputs, layers (``layer_spec(module)`` each), the calls made
        (arguments with ``{"tensor": [node_number, output_index]}`` leaves) and the outputs.

        Node number ``i < len(inputs)`` is input ``i``; node ``len(inputs) + j`` is call ``j``."""
        number = {t.node: i for i, t in enumerate(self.inputs)}
        for j, node in enumerate(self.nodes):
            number[node] = len(self.inputs) + j
        layer_index = {m: i for i, m in enumerate(self.layers)}

        def ref(leaf):
            if isinstance(leaf, SymbolicTensor):
                return {"tensor": [number[leaf.node], leaf.index]}
            if leaf is None or isinstance(leaf, (bool, int, float, str)):
                return leaf
            raise ConfigError(f"a call argument of type {type(leaf).__name__} cannot be saved; "
                              f"pass tensors, numbers, strings or None")

        return {
            "inputs": [t.node.module.get_config() for t in self.inputs],
            "layers": [layer_spec(m) for m in self.layers],
            "calls": [{"layer": layer_index[n.module], "args": map_structure(ref, list(n.args)),
                       "kwargs": map_structure(ref, n.kwargs)} for n in self.nodes],
            "outputs": [[number[t.node], t.index] for t in self.outputs],
        }


def graph_from_config(config: dict, layers: list[torch.nn.Module]) -> tuple[list, list]:
    """Re-make the symbolic ``(inputs, outputs)`` of a ``graph_config`` by calling ``layers`` (already
    rebuilt from their specs, in the config's order) as the saved calls did."""
    try:
        tensors: list[list[SymbolicTensor]] = []
        inputs = []
        for spec in config["inputs"]:
            t = input_tensor(tuple(spec["shape"]), spec.get("dtype", "float32"), spec.get("name"))
            inputs.append(t)
            tensors.append([t])

        def deref(item):
            if isinstance(item, dict) and set(item) == {"tensor"}:
                node, index = item["tensor"]
                return tensors[node][index]
            if isinstance(item, dict):
                return {k: deref(v) for k, v in item.items()}
            if isinstance(item, list):
                return [deref(v) for v in item]
            return item

        for call in config["calls"]:
            args = deref(call["args"])
            kwargs = deref(call["kwargs"])
            out = symbolic_call(layers[call["layer"]], tuple(args), kwargs)
            tensors.append(flatten(out))
        outputs = [tensors[node][index] for node, index in config["outputs"]]
    except (KeyError, IndexError, TypeError, ValueError) as e:
        raise ConfigError(f"the saved graph is malformed: {type(e).__name__}: {e}") from None
    return inputs, outputs
