"""ONNX export: a trained network as ``model.onnx`` with ``preprocessing.json`` beside it.

``export_onnx(module, example, path, ...)`` writes the directory ``path`` atomically (nothing
half-written on failure) holding:

- ``model.onnx``: the network's graph (opset 17) with one input ``x`` and one output ``y``.
  Recurrent layers on their fused path become ONNX ``LSTM``/``GRU``/``RNN`` nodes. The batch
  axis is dynamic; the time axis too when the graph allows it (checked, see below).
- ``preprocessing.json``: what a caller needs to feed the graph and read its output without
  seqlab: the input's name, dtype and shape (``null`` for a dynamic axis), the output's, which
  axes are dynamic, the seqlab version, and the task's own preprocessing (scalers, vocabulary,
  window settings, class labels) in the same form as in a model directory.

When ONNX Runtime is installed the export is checked before it is kept: the graph is run on a
batch of another size (and another length, for a dynamic time axis) and must match the PyTorch
module to ``atol``. A graph that only holds for the traced length (a readable-cell recurrence is
unrolled step by step) is exported again with a fixed time axis, and the notes say so. The
exporter is torch's TorchScript-based ``torch.onnx.export`` (it works offline and maps the fused
recurrent ops to ONNX's own); it needs the ``onnx`` extra (``pip install 'seqlab[onnx]'``).

>>> import tempfile, pathlib
>>> out = export_onnx(torch.nn.Linear(3, 1), torch.zeros(2, 3), pathlib.Path(tempfile.mkdtemp()) / "lin",
...                   time_axis=False)
>>> sorted(p.name for p in out.iterdir())
['model.onnx', 'preprocessing.json']
"""
from __future__ import annotations

import io
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

from seqlab.io.errors import ExportError
from seqlab.io.modeldir import seqlab_version, to_jsonable

OPSET = 17
FORMAT = "seqlab-onnx"


def _trace(module: torch.nn.Module, example: torch.Tensor, axes: dict) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer warnings
        torch.onnx.export(module, (example,), buf, dynamo=False, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": axes, "y": {0: "batch"}}, opset_version=OPSET)
    return buf.getvalue()


def _runtime():
    try:
        import onnxruntime
    except ImportError:
        return None
    return onnxruntime


def _check(graph: bytes, module, probe: torch.Tensor, atol: float) -> str | None:
    """None if ONNX Runtime reproduces ``module(probe)`` to ``atol``; else what went wrong."""
    ort = _runtime()
    if ort is None:
        return None
    options = ort.SessionOptions()
    options.log_severity_level = 4  # quiet: a failure is reported by the caller
    try:
        session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        got = session.run(None, {"x": probe.numpy()})[0]
    except Exception as e:  # ORT raises its own error types
        return str(e).splitlines()[0][:200]
    with torch.no_grad():
        want = module(probe)
    diff = float(np.abs(got - want.numpy()).max()) if got.shape == tuple(want.shape) else float("inf")
    return None if diff <= atol else f"ONNX Runtime differs from PyTorch by {diff:.2e} (shape {got.shape})"


def _probe(example: torch.Tensor, batch: int, length: int | None) -> torch.Tensor:
    shape = [batch, *example.shape[1:]]
    if length is not None:
        shape[1] = length
    g = torch.Generator().manual_seed(0)
    if example.is_floating_point():
        return torch.randn(shape, generator=g)
    high = max(int(example.max()) + 1, 2)
    return torch.randint(0, high, shape, generator=g, dtype=example.dtype)


def export_onnx(module: torch.nn.Module, example: torch.Tensor, path, *, time_axis: bool = True,
                preprocessing: dict | None = None, description: dict | None = None,
                atol: float = 1e-4) -> Path:
    """Write ``module`` as ONNX to the directory ``path``; return the path.

    Args:
        module: the network (put in eval mode); called as ``module(x)`` with one tensor.
        example: one input batch (its dtype and the sizes of the fixed axes are kept).
        time_axis: axis 1 may vary in length (sequences); checked, dropped if the graph cannot.
        preprocessing: the task's JSON-able preprocessing, written under ``"preprocessing"``.
        description: extra JSON-able facts (model class, what the output means).
        atol: the largest difference from PyTorch accepted by the check.

    Raises ``ExportError`` (one line saying why) when the exporter is missing, the network uses an
    operation ONNX cannot express, or ONNX Runtime does not reproduce it.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path} is a file; give a directory to hold model.onnx and preprocessing.json")
    try:
        import onnx  # noqa: F401  (the exporter serialises through it)
    except ImportError:
        raise ExportError("ONNX export needs the onnx package: pip install 'seqlab[onnx]'") from None
    module.eval()
    time_axis = bool(time_axis) and example.dim() >= 2
    notes = []
    attempts = [True, False] if time_axis else [False]
    graph, problem = None, None
    for dynamic_time in attempts:
        axes = {0: "batch", 1: "time"} if dynamic_time else {0: "batch"}
        try:
            graph = _trace(module, example, axes)
        except Exception as e:  # the exporter raises many types; the first line says what
            raise ExportError(f"{type(module).__name__} cannot be exported to ONNX: "
                              f"{str(e).splitlines()[0][:200]}") from None
        length = example.shape[1] + 3 if dynamic_time else None
        problem = _check(graph, module, _probe(example, example.shape[0] + 3, length), atol)
        if problem is None:
            if time_axis and not dynamic_time:
                notes.append(f"the time axis is fixed at {example.shape[1]} steps (the graph does not hold "
                             "for other lengths, e.g. a readable-cell recurrence unrolled step by step)")
            break
    if problem is not None:
        raise ExportError(f"{type(module).__name__} was exported but ONNX Runtime does not reproduce it: {problem}")
    if _runtime() is None:
        notes.append("not checked: onnxruntime is not installed")
    with torch.no_grad():
        out_shape = [None, *module(example).shape[1:]]
    shape = [None, *example.shape[1:]]
    if dynamic_time:
        shape[1] = None
    meta = {"format": FORMAT, "format_version": 1, "seqlab_version": seqlab_version(), "opset": OPSET,
            "input": {"name": "x", "dtype": str(example.dtype).replace("torch.", ""), "shape": shape},
            "output": {"name": "y", "dtype": "float32", "shape": out_shape},
            "dynamic_axes": {"batch": 0, **({"time": 1} if dynamic_time else {})},
            **(description or {}), "notes": notes, "preprocessing": preprocessing or {}}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        (tmp / "model.onnx").write_bytes(graph)
        (tmp / "preprocessing.json").write_text(json.dumps(to_jsonable(meta), indent=2))
        if path.exists():
            shutil.rmtree(path)
        tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path
