"""The summary of a functional model: Keras's table with its fourth column, "Connected to".

One row per layer (inputs first, then layers in the order they are called): ``name (Type)``, the
output shape (a list of shapes for a layer with several outputs), the parameter count, and the
tensors the layer was called on as ``layer[node][output]`` (``-`` for an input), one per line.

>>> from seqlab.nn.graph import LayerGraph, input_tensor
>>> from seqlab.nn.core import Dense
>>> x = input_tensor((3,), name="x")
>>> table = graph_summary_table(LayerGraph([x], [Dense(2)(x)]), "functional")
>>> print(table.splitlines()[6])
dense (Dense)   (None, 2)           8  x[0][0]
"""
from __future__ import annotations

from seqlab.inspect.summary import _human_bytes, format_shape


def _params(module, trainable_only: bool = False) -> int:
    return sum(int(p.numel()) for p in module.parameters() if p.requires_grad or not trainable_only)


def summary_rows(graph) -> list[tuple[str, str, int, list[str]]]:
    """``(name (Type), output shape, params, connected-to)`` for every row of the table."""
    rows = []
    for t in graph.inputs:
        layer = t.node.module
        rows.append((f"{layer.name} (InputLayer)", format_shape(layer.shape), 0, ["-"]))
    connected = graph.connections()
    first_node = {}
    for node in graph.nodes:
        first_node.setdefault(node.module, node)
    for module in graph.layers:
        outs = first_node[module].outputs
        channels_last = getattr(module, "image_layout", False)
        shapes = [format_shape(o.shape[1:], channels_last) for o in outs]
        shape = shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"
        rows.append((f"{module.name} ({type(module).__name__})", shape, _params(module), connected[module]))
    return rows


def graph_summary_table(graph, name: str = "functional") -> str:
    """The table as text; ``graph`` is a ``seqlab.nn.graph.LayerGraph``."""
    rows = summary_rows(graph)
    total = sum(_params(m) for m in graph.layers)
    trainable = sum(_params(m, True) for m in graph.layers)
    w0 = max([len("Layer (type)")] + [len(r[0]) for r in rows]) + 2
    w1 = max([len("Output Shape")] + [len(r[1]) for r in rows]) + 2
    w2 = max([len("Param #")] + [len(f"{r[2]:,}") for r in rows])
    w3 = max([len("Connected to")] + [len(c) for r in rows for c in r[3]])
    width = w0 + w1 + w2 + 2 + w3
    lines = [f'Model: "{name}"', "_" * width,
             f"{'Layer (type)':<{w0}}{'Output Shape':<{w1}}{'Param #':>{w2}}  {'Connected to'}", "=" * width]
    for i, (a, b, c, links) in enumerate(rows):
        lines.append(f"{a:<{w0}}{b:<{w1}}{c:>{w2},}  {links[0] if links else ''}".rstrip())
        lines += [" " * (w0 + w1 + w2 + 2) + link for link in links[1:]]
        lines.append("_" * width if i < len(rows) - 1 else "=" * width)
    lines += [f"Total params: {total:,} ({_human_bytes(total)})",
              f"Trainable params: {trainable:,} ({_human_bytes(trainable)})",
              f"Non-trainable params: {total - trainable:,} ({_human_bytes(total - trainable)})",
              "_" * width]
    return "\n".join(lines)
