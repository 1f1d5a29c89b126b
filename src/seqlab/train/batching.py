"""Batches gathered from the caller's data without copying it whole.

``x`` and ``y`` may be NumPy arrays, torch tensors, lists/tuples of those (a model with several
inputs, called as ``model(*xs)``), or any object with ``len()`` and fancy indexing
``x[int_index_array]`` (e.g. a strided window view). NumPy arrays are viewed as tensors without
a copy (``torch.from_numpy``, strides kept); each batch is then one ``index_select``. During
``fit`` a ``Feeder`` does better for an in-memory (contiguous) array: it converts the array to
the batch dtype once, gathers each epoch's shuffled rows in one ``index_select`` and hands out
contiguous slices; strided views and other objects are still gathered batch by batch, so
memory stays O(rows) for windows. Floating
batches become float32. Integer batches become int64 (token ids, class labels) where integers
are wanted: targets, and inputs of a model that ``wants_integer_input``; other integer inputs
become float32, as Keras casts them to its float input (seed 000 feeds ``np.array([[1, 2, ...]])``).

>>> src = as_source(np.arange(12.0).reshape(6, 2))
>>> gather(src, np.array([4, 1]), torch.device("cpu")).tolist()
[[8.0, 9.0], [2.0, 3.0]]
"""
from __future__ import annotations

import warnings

import numpy as np
import torch

from seqlab.io.errors import DataError


class MultiInput(tuple):
    """Several inputs of one model, each indexed alongside the others."""


def _has_rows(a) -> bool:
    return hasattr(a, "shape") and hasattr(a, "__len__") and len(getattr(a, "shape", ())) > 0


def as_source(x):
    """Wrap ``x`` for batch gathering (see module doc); None stays None."""
    if x is None or isinstance(x, MultiInput):
        return x
    if isinstance(x, (list, tuple)) and x and all(_has_rows(a) for a in x):
        return MultiInput(as_source(a) for a in x)
    if isinstance(x, list):
        x = np.asarray(x)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "fiub":
            raise DataError(f"data must be numeric, got an array of dtype {x.dtype}; convert text "
                            "with a Tokenizer and categories to integer codes first")
        if x.ndim == 0:
            raise DataError("data must have a batch axis; got a single scalar")
        if all(s >= 0 for s in x.strides):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # read-only views stay read-only
                return torch.from_numpy(x)
    if not hasattr(x, "__len__") or not hasattr(x, "__getitem__"):
        raise DataError(f"data must be an array, a tensor or support len() and x[indices]; got {type(x).__name__}")
    return x


def length(src) -> int:
    """Number of samples in a source (all inputs of a MultiInput must agree)."""
    if isinstance(src, MultiInput):
        sizes = {len(s) for s in src}
        if len(sizes) != 1:
            raise DataError(f"the model's inputs have different numbers of samples: {sorted(sizes)}")
        return sizes.pop()
    return len(src)


def wants_integer_input(model: torch.nn.Module) -> bool:
    """True if ``model.input_dtype`` is an integer dtype, or its first weighted leaf module is an
    embedding (token ids go in as integers)."""
    declared = getattr(model, "input_dtype", None)
    if declared is not None:
        return not torch.empty((), dtype=declared).is_floating_point()
    for module in model.modules():
        if next(module.children(), None) is None:
            if "Embedding" in type(module).__name__:
                return True
            if next(module.parameters(), None) is not None:
                return False
    return False


def _to_tensor(batch, float_ints: bool = False) -> torch.Tensor:
    if not isinstance(batch, torch.Tensor):
        batch = torch.from_numpy(np.ascontiguousarray(np.asarray(batch)))
    if batch.is_floating_point() or (float_ints and batch.dtype != torch.bool):
        return batch if batch.dtype == torch.float32 else batch.float()
    if batch.dtype in (torch.int32, torch.int16, torch.int8, torch.uint8):
        return batch.long()
    if batch.dtype == torch.bool:
        return batch.float()
    return batch


def gather(src, idx: np.ndarray, device: torch.device, idx_t: torch.Tensor | None = None,
           float_ints: bool = False):
    """The rows ``idx`` of ``src`` as a tensor on ``device`` (a tuple for a MultiInput);
    ``float_ints`` turns integer data into float32."""
    if isinstance(src, MultiInput):
        return tuple(gather(s, idx, device, idx_t, float_ints) for s in src)
    if isinstance(src, torch.Tensor):
        if idx_t is None:
            idx_t = torch.from_numpy(np.asarray(idx, dtype=np.int64))
        batch = src.index_select(0, idx_t if idx_t.device == src.device else idx_t.to(src.device))
    else:
        batch = src[idx]
    batch = _to_tensor(batch, float_ints)
    return batch if batch.device == device else batch.to(device, non_blocking=True)


def labels_of(y_src, idx: np.ndarray) -> np.ndarray:
    """Integer class of each sample ``idx`` (argmax for one-hot rows, rounding for 0/1 targets)."""
    y = gather(y_src, idx, torch.device("cpu")).numpy()
    if y.ndim > 1 and y.shape[-1] > 1:
        if y.ndim > 2:
            raise DataError("class_weight needs one label per sample; got targets of shape "
                            f"{y.shape} (use sample weights for sequence targets)")
        return y.argmax(-1)
    return np.rint(y.reshape(len(y), -1)[:, 0]).astype(np.int64)


EPOCH_GATHER_BYTES = 1 << 30  # an in-memory source up to this size is gathered once per epoch


def _whole(src, device: torch.device, float_ints: bool) -> torch.Tensor | None:
    """``src`` converted to its batch dtype on ``device``, if it is an in-memory (contiguous)
    tensor small enough to gather once per epoch; None otherwise (gather per batch)."""
    if not isinstance(src, torch.Tensor) or not src.is_contiguous() or src.dim() == 0:
        return None
    converted = _to_tensor(src[:1], float_ints)
    if src.numel() * converted.element_size() > EPOCH_GATHER_BYTES:
        return None
    whole = _to_tensor(src, float_ints)
    return whole if whole.device == device else whole.to(device)


class Feeder:
    """The batches of one source (``x``, ``y`` or a MultiInput) during ``fit``.

    Call ``start(order, order_t)`` once per epoch with the epoch's sample order (NumPy and torch
    int64), then ``batch(lo, hi)`` for the rows ``order[lo:hi]``. A contiguous tensor source is
    gathered once per epoch and sliced; anything else is gathered per batch by ``gather``.
    ``per_batch=True`` (used under torchrun, where each rank takes a shard) always gathers per
    batch: then pass the rows as ``batch(lo, hi, idx, idx_t)``.

    >>> f = Feeder(as_source(np.arange(6.0).reshape(3, 2)), torch.device("cpu"))
    >>> order = np.array([2, 0, 1]); f.start(order, torch.from_numpy(order))
    >>> f.batch(0, 2).tolist()
    [[4.0, 5.0], [0.0, 1.0]]
    """

    def __init__(self, src, device: torch.device, float_ints: bool = False, per_batch: bool = False):
        self.src, self.device, self.float_ints = src, device, float_ints
        self.parts = [Feeder(s, device, float_ints, per_batch) for s in src] if isinstance(src, MultiInput) else None
        self.whole = None if self.parts is not None or per_batch else _whole(src, device, float_ints)
        self.epoch = None
        self.order, self.order_t = None, None

    @property
    def gathers_per_batch(self) -> bool:
        """True if some part is gathered batch by batch (needs the row indices)."""
        if self.parts is not None:
            return any(p.gathers_per_batch for p in self.parts)
        return self.whole is None

    def start(self, order: np.ndarray, order_t: torch.Tensor, is_range: bool = False) -> None:
        """Begin an epoch visiting the samples in ``order``; ``is_range``: order is ``a, a+1, ..., b``."""
        self.order, self.order_t = order, order_t
        if self.parts is not None:
            for p in self.parts:
                p.start(order, order_t, is_range)
        elif self.whole is not None:
            if is_range:
                self.epoch = self.whole[int(order[0]):int(order[0]) + len(order)] if len(order) else self.whole[:0]
            else:
                self.epoch = self.whole.index_select(0, order_t.to(self.whole.device))

    def batch(self, lo: int, hi: int, idx: np.ndarray | None = None, idx_t: torch.Tensor | None = None):
        """Rows ``order[lo:hi]`` (or the given ``idx``) as a tensor on the device (a tuple for a MultiInput)."""
        if self.parts is not None:
            return tuple(p.batch(lo, hi, idx, idx_t) for p in self.parts)
        if self.epoch is not None and idx is None:
            return self.epoch[lo:hi]
        if idx is None:
            idx, idx_t = self.order[lo:hi], self.order_t[lo:hi]
        return gather(self.src, idx, self.device, idx_t, self.float_ints)


def predict_in_batches(module: torch.nn.Module, x, batch_size: int = 256, dtype=None) -> torch.Tensor:
    """``module`` in eval mode applied to ``x`` ``batch_size`` rows at a time (integer inputs as
    int64, or as ``dtype``); the outputs concatenated as one float tensor. See
    ``seqlab.train.inference.predict_tensor``, which does the work.

    >>> predict_in_batches(torch.nn.Linear(2, 1), np.ones((5, 2), np.float32), batch_size=2).shape
    torch.Size([5, 1])
    """
    from seqlab.train.inference import predict_tensor  # inference builds on this module

    float_ints = dtype is not None and np.dtype(dtype).kind == "f"
    return predict_tensor(module, x, batch_size, float_ints=float_ints).float()
