"""``model.export(path)`` and ``seqlab export``: a fitted model's network as ONNX.

An exportable object defines ``_onnx_spec() -> OnnxSpec`` (the network, an example input batch,
whether its time axis may vary, its preprocessing and what the output means); the writing and
checking is ``seqlab.io.onnx_export.export_onnx``. ``Sequential``, ``Forecaster`` (one series or a
panel: ``seqlab.tasks.forecasting.panel_predict.panel_onnx_spec``) and ``SequenceClassifier`` define it.
Anything else raises ``ExportError`` with one line saying why (``NOT_EXPORTABLE`` holds the reason for the
tasks whose job is not one forward pass).

>>> import seqlab, tempfile, os
>>> from seqlab import layers
>>> m = seqlab.Sequential([layers.GRU(4), layers.Dense(1)], input_shape=(6, 2), seed=0)
>>> out = export_model(m, os.path.join(tempfile.mkdtemp(), "gru"))
>>> sorted(p.name for p in out.iterdir())
['model.onnx', 'preprocessing.json']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from seqlab.io.errors import ConfigError, ExportError
from seqlab.io.onnx_export import export_onnx

FORMATS = ("onnx",)

# Tasks whose output is not one forward pass of one network: why they are not exported.
NOT_EXPORTABLE = {
    "CharGenerator": "it samples one character at a time in Python (temperature, top-k), not in one graph",
    "Seq2Seq": "its decoder searches (greedy or beam) step by step in Python, not in one graph",
    "GAN": "it generates by sampling noise for its generator; export the generator yourself with torch.onnx",
    "TimeGAN": "it generates by sampling noise through several networks, not one graph",
    "SOM": "it is a codebook searched by nearest neighbour, not a network; its weights are in the model directory",
    "RBM": "it reconstructs by Gibbs sampling, not one forward pass",
    "DBN": "it reconstructs by Gibbs sampling through stacked RBMs, not one forward pass",
    "EchoStateNetwork": "its readout is a ridge regression over a reservoir state run in NumPy",
}


@dataclass
class OnnxSpec:
    """What ``export_model`` needs from a model: its network and one example input batch."""

    module: torch.nn.Module
    example: torch.Tensor
    time_axis: bool = True
    preprocessing: dict = field(default_factory=dict)
    description: dict = field(default_factory=dict)


def export_model(obj, path, format: str = "onnx") -> Path:
    """Write ``obj`` (a fitted task or a ``Sequential``) to the directory ``path`` as ``model.onnx``
    plus ``preprocessing.json``; return the path. ``ExportError`` says in one line why a model
    cannot be exported."""
    if format not in FORMATS:
        raise ConfigError(f"unknown export format {format!r}; choose one of: {', '.join(FORMATS)}")
    name = type(obj).__name__
    spec_of = getattr(obj, "_onnx_spec", None)
    if spec_of is None:
        reason = NOT_EXPORTABLE.get(name, "export covers Sequential, Forecaster and SequenceClassifier so far")
        raise ExportError(f"{name} cannot be exported to ONNX: {reason}")
    spec = spec_of()
    description = {"model_class": name, **spec.description}
    was_training = spec.module.training
    try:
        return export_onnx(spec.module, spec.example, path, time_axis=spec.time_axis,
                           preprocessing=spec.preprocessing, description=description)
    finally:
        spec.module.train(was_training)
