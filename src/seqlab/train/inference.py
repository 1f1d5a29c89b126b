"""Prediction over a whole data set at the pace of a plain ``torch.inference_mode()`` loop.

``predict_tensor(module, x, batch_size)`` does per batch what a PyTorch user's loop does: take a
slice of the input tensor (a view, no copy), call the module once, keep the output. The input
is made a tensor of the batch dtype once per chunk of rows (``CHUNK_BYTES``; a NumPy array is
viewed without a copy when it already has that dtype), so a large input streams through in
chunks and nothing is converted batch by batch. The outputs are concatenated once at the end.

Inputs follow ``seqlab.train.batching``: NumPy arrays, tensors, lists of either (a model with
several inputs, called as ``module(*xs)``), or objects with ``len()`` and integer-array indexing
(gathered a chunk at a time). Integer inputs become float32 unless ``float_ints=False``.

>>> net = torch.nn.Linear(3, 2)
>>> predict_tensor(net, np.ones((5, 3), np.float32), batch_size=2).shape
torch.Size([5, 2])
"""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from seqlab.io.errors import DataError
from seqlab.nn.recurrent import frozen_weights
from seqlab.train.batching import MultiInput, _to_tensor, as_source, gather, length

CHUNK_BYTES = 64 << 20  # input rows converted at once; larger inputs stream through in chunks


def _unbuilt(modules: list[torch.nn.Module]) -> bool:
    """True if some layer still builds its weights on the first batch (that batch must run outside
    inference mode, or the new weights would be inference tensors that training cannot use)."""
    for m in modules:
        if getattr(m, "built", True) is False:
            return True
        if any(isinstance(p, torch.nn.parameter.UninitializedParameter) for p in m._parameters.values()):
            return True
    return False


def _row_bytes(src) -> int:
    if isinstance(src, MultiInput):
        return sum(_row_bytes(s) for s in src)
    shape = getattr(src, "shape", (1,))
    return max(1, int(np.prod(shape[1:], dtype=np.int64)) * 4)


def _chunk(src, lo: int, hi: int, device: torch.device, float_ints: bool):
    """Rows ``lo:hi`` of ``src`` as a tensor of the batch dtype on ``device`` (a tuple for a MultiInput)."""
    if isinstance(src, MultiInput):
        return tuple(_chunk(s, lo, hi, device, float_ints) for s in src)
    if isinstance(src, torch.Tensor) or (isinstance(src, np.ndarray) and src.flags.writeable):
        part = _to_tensor(src[lo:hi], float_ints)     # a slice: viewed, not copied, when the dtype fits
        return part if part.device == device else part.to(device)
    return gather(src, np.arange(lo, hi), device, float_ints=float_ints)


def _rows(part, lo: int, hi: int):
    return tuple(p[lo:hi] for p in part) if isinstance(part, tuple) else part[lo:hi]


def predict_tensor(module: torch.nn.Module, x, batch_size: int = 32, *, float_ints: bool = True,
                   device: torch.device | str | None = None, forward=None) -> torch.Tensor:
    """``module`` in eval mode applied to every row of ``x``, ``batch_size`` rows per call.

    Args:
        module: any ``torch.nn.Module``; put in eval mode (and left there).
        x: the inputs (see the module doc); ``len(x) > 0``.
        batch_size: rows per call.
        float_ints: integer inputs become float32 (False: int64, for models that take ids).
        device: where the batches go (default: where the module's first parameter is).
        forward: ``fn(module, batch) -> output`` instead of calling the module.

    Returns:
        The outputs concatenated along the first axis, on the CPU (a tuple of such tensors when
        the module returns a tuple or list of tensors).

    >>> predict_tensor(torch.nn.Linear(2, 1), np.ones((5, 2)), batch_size=4).dtype
    torch.float32
    """
    src = as_source(x)
    n = length(src)
    if n == 0:
        raise DataError("predict got no samples")
    batch_size = max(1, int(batch_size))
    if device is None:
        first = next(module.parameters(), None)
        device = first.device if first is not None else torch.device("cpu")
    device = torch.device(device)
    modules = list(module.modules())       # walked once: a single-sample call is mostly this bookkeeping
    if any(m.training for m in modules):
        module.eval()
    call = forward or _direct_call(module, modules) or (lambda m, b: m(*b) if isinstance(b, tuple) else m(b))
    chunk_rows = max(batch_size, CHUNK_BYTES // _row_bytes(src) // batch_size * batch_size)
    mode = torch.no_grad() if _unbuilt(modules) else torch.inference_mode()
    frozen = frozen_weights() if n > batch_size else contextlib.nullcontext()  # one batch: copying costs more
    outs = []
    with mode, frozen:
        for c0 in range(0, n, chunk_rows):
            c1 = min(c0 + chunk_rows, n)
            part = _chunk(src, c0, c1, device, float_ints)
            for lo in range(0, c1 - c0, batch_size):
                outs.append(call(module, _rows(part, lo, lo + batch_size)))
    return _concat(outs)


def _hooked(modules: list[torch.nn.Module]) -> bool:
    """True if a forward hook (on any submodule, or global) would see the calls."""
    from torch.nn.modules import module as torch_module

    if any(getattr(torch_module, name, None) for name in
           ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_forward_hooks_always_called")):
        return True
    return any(m._forward_hooks or m._forward_pre_hooks for m in modules)


def _direct_call(module: torch.nn.Module, modules: list[torch.nn.Module] | None = None):
    """``fn(module, batch)`` through the module's ``inference_plan()`` (a seqlab ``Sequential``: each layer's
    ``forward`` called in turn), when it has one and no hook would miss the calls; else None."""
    plan = getattr(module, "inference_plan", None)
    if plan is None or module.training or _hooked(list(module.modules()) if modules is None else modules):
        return None
    run = plan()
    return None if run is None else (lambda m, b: run(b))


def _concat(outs: list):
    first = outs[0]
    if isinstance(first, (tuple, list)):
        return tuple(_concat([o[i] for o in outs]) for i in range(len(first)))
    out = first if len(outs) == 1 else torch.cat(outs)
    return out.cpu()
