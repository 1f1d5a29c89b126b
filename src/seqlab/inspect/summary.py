"""Keras-style model summaries: one row per layer with its output shape and parameter count.

>>> from seqlab.nn.core import Dense
>>> from seqlab.nn.container import LayerStack
>>> print(summary_table(LayerStack([Dense(1)], input_shape=(50,))))  # doctest: +ELLIPSIS
Model: "sequential"
...
"""
from __future__ import annotations

import re


def format_shape(shape, image_channels_last: bool = False) -> str:
    """``(None, 60, 256)``: the batch axis shown as None, as Keras prints it."""
    dims = list(shape) if shape is not None else []
    if image_channels_last and len(dims) >= 3:  # engine (..., C, H, W) printed as Keras's (..., H, W, C)
        dims = dims[:-3] + dims[-2:] + [dims[-3]]
    return "(" + ", ".join(["None"] + [str(d) for d in dims]) + ")"


def _human_bytes(n_params: int) -> str:
    size = n_params * 4.0
    for unit in ("Byte", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def summary_table(stack, name: str = "sequential") -> str:
    """The summary of a built layer stack as text: name (type), output shape, params; totals."""
    rows = []
    for layer in stack.layers:
        shape = layer.output_shape_
        channels_last = getattr(layer, "image_layout", False)
        rows.append((f"{layer.name} ({type(layer).__name__})",
                     format_shape(shape, channels_last) if shape is not None else "(unbuilt)",
                     f"{layer.count_params():,}"))
    total = sum(layer.count_params() for layer in stack.layers)
    trainable = sum(layer.count_trainable_params() for layer in stack.layers)
    return _table(name, "Output Shape", rows, total, trainable)


def module_table(module, name: str = "model") -> str:
    """The Keras-style table of any ``torch.nn.Module`` (a task's network that is not a layer stack: a
    classifier's encoder, a character model, an encoder-decoder, an RBM): one row per sub-module that holds
    weights of its own, named by its path, with the shapes of those weights and their count; then Keras's
    totals. Parameters that train are trainable; buffers (an RBM's weights, running statistics) are not.

    >>> import torch
    >>> print(module_table(torch.nn.Sequential(torch.nn.Linear(3, 2)), "demo"))  # doctest: +ELLIPSIS
    Model: "demo"
    ...
    0 (Linear)    weight (2, 3), bias (2)        8
    ...
    Total params: 8 (32.00 Byte)
    ...
    """
    rows, total, trainable = [], 0, 0
    for path, sub in module.named_modules():
        tensors = [(n, t, t.requires_grad) for n, t in sub.named_parameters(recurse=False)]
        tensors += [(n, t, False) for n, t in sub.named_buffers(recurse=False)
                    if t is not None and t.is_floating_point()]
        if not tensors:
            continue
        count = sum(t.numel() for _, t, _ in tensors)
        total += count
        trainable += sum(t.numel() for _, t, grad in tensors if grad)
        rows.append((f"{path or name} ({type(sub).__name__})",
                     ", ".join(f"{n} {tuple(t.shape)}".replace(",)", ")") for n, t, _ in tensors), f"{count:,}"))
    return _table(name, "Weights", rows, total, trainable)


MIDDLE_WIDTH = 72   # a longer list of weights wraps onto lines of its own (a 3-layer torch GRU holds 12 tensors)


def _wrapped(text: str) -> list[str]:
    """``text`` (``name (shape), name (shape), ...``) cut after whole ``name (shape)`` items into lines of at
    most ``MIDDLE_WIDTH`` characters (an item longer than that stays whole)."""
    lines = [""]
    for item in re.split(r", (?=[A-Za-z_])", text):
        if lines[-1] and len(lines[-1]) + len(item) + 2 > MIDDLE_WIDTH:
            lines[-1] += ","
            lines.append(item)
        else:
            lines[-1] = f"{lines[-1]}, {item}" if lines[-1] else item
    return lines


def _table(name: str, middle: str, rows: list, total: int, trainable: int) -> str:
    """Keras's layout: ``rows`` of (layer (type), ``middle`` column, param count) between rules, then the totals."""
    rows = [(a, _wrapped(b), c) for a, b, c in rows]
    w0 = max([len("Layer (type)")] + [len(r[0]) for r in rows]) + 2
    w1 = max([len(middle)] + [len(line) for r in rows for line in r[1]]) + 2
    w2 = max([len("Param #")] + [len(r[2]) for r in rows])
    width = w0 + w1 + w2
    lines = [f'Model: "{name}"', "_" * width, f"{'Layer (type)':<{w0}}{middle:<{w1}}{'Param #':>{w2}}", "=" * width]
    for i, (a, b, c) in enumerate(rows):
        lines.append(f"{a:<{w0}}{b[0]:<{w1}}{c:>{w2}}")
        lines += [f"{'':<{w0}}{more}" for more in b[1:]]
        lines.append("_" * width if i < len(rows) - 1 else "=" * width)
    if not rows:
        lines.append("=" * width)
    lines += [f"Total params: {total:,} ({_human_bytes(total)})",
              f"Trainable params: {trainable:,} ({_human_bytes(trainable)})",
              f"Non-trainable params: {total - trainable:,} ({_human_bytes(total - trainable)})",
              "_" * width]
    return "\n".join(lines)
