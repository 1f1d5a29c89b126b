"""Weights by layer: ``save_weights`` files and ``load_weights(by_name=..., skip_mismatch=...)``,
shared by ``seqlab.Sequential`` and ``seqlab.Model``.

A weights file is one safetensors file holding ``"<layer name>/<i>"`` -> the layer's i-th weight in
Keras layout (``get_weights`` order), with the layer order in its metadata. ``load_weights`` also
reads a saved model directory (anything ``seqlab.load`` reads that has ``layers``).

>>> import tempfile, numpy as np, seqlab
>>> from seqlab import layers
>>> a = seqlab.Sequential([layers.Dense(2, name="enc"), layers.Dense(1, name="out")], input_shape=(3,))
>>> path = tempfile.mkdtemp() + "/w.safetensors"
>>> save_weights_file(a.layers, path)
>>> b = seqlab.Sequential([layers.Dense(2, name="enc"), layers.Dense(4, name="new")], input_shape=(3,))
>>> load_weights_into(b.layers, path, by_name=True)
['enc']
"""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
from safetensors import SafetensorError
from safetensors.numpy import load_file as load_numpy_file
from safetensors.numpy import save_file as save_numpy_file

from seqlab.io.errors import ConfigError, ModelFileError
from seqlab.nn.graph import InputLayer


def _with_weights(layers) -> list:
    return [l for l in layers if not isinstance(l, InputLayer) and len(l.get_weights())]


def save_weights_file(layers, path) -> None:
    """One safetensors file: ``"<layer name>/<i>"`` -> the layer's i-th weight (Keras layout)."""
    tensors, order = {}, []
    for layer in _with_weights(layers):
        order.append(layer.name)
        for i, w in enumerate(layer.get_weights()):
            tensors[f"{layer.name}/{i}"] = np.ascontiguousarray(w)
    save_numpy_file(tensors, str(path), metadata={"layers": json.dumps(order)})


def _read_weights(path) -> list[tuple[str, list[np.ndarray]]]:
    """``[(layer name, weights)]`` in layer order, from a weights file or a model directory."""
    path = Path(path)
    if path.is_dir():
        from seqlab.tasks.loading import load

        model = load(path)
        layers = model.layers if hasattr(model, "layers") else []
        return [(l.name, l.get_weights()) for l in _with_weights(layers)]
    if not path.is_file():
        raise ConfigError(f"{path}: no such weights file or model directory")
    try:
        from safetensors import safe_open

        with safe_open(str(path), "numpy") as f:
            order = json.loads((f.metadata() or {}).get("layers", "[]"))
        tensors = load_numpy_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise ModelFileError(f"{path} is not a seqlab weights file: {e}") from None
    out = []
    for name in order:
        weights, i = [], 0
        while f"{name}/{i}" in tensors:
            weights.append(tensors[f"{name}/{i}"])
            i += 1
        out.append((name, weights))
    return out


def _fits(layer, weights) -> bool:
    own = layer.get_weights()
    return len(own) == len(weights) and all(a.shape == b.shape for a, b in zip(own, weights))


def load_weights_into(layers, path, by_name: bool = False, skip_mismatch: bool = False) -> list[str]:
    """Set the weights of ``layers`` from ``path`` (see ``Model.load_weights``); the names set."""
    source = _read_weights(path)
    targets = _with_weights(layers)
    done = []
    if not by_name:
        if len(source) != len(targets):
            raise ConfigError(f"{path} holds weights for {len(source)} layers, the model has {len(targets)} layers "
                              f"with weights; use by_name=True to load the layers that share a name")
        for layer, (name, weights) in zip(targets, source):
            if not _fits(layer, weights):
                raise ConfigError(f"layer {layer.name!r} does not fit the weights of {name!r} in {path}: "
                                  f"{[w.shape for w in layer.get_weights()]} vs {[w.shape for w in weights]}")
            layer.set_weights(weights)
            done.append(layer.name)
        return done
    by = dict(source)
    for layer in targets:
        if layer.name not in by:
            continue
        if not _fits(layer, by[layer.name]):
            msg = (f"layer {layer.name!r}: weight shapes {[w.shape for w in layer.get_weights()]} do not fit "
                   f"{[w.shape for w in by[layer.name]]} in {path}")
            if skip_mismatch:
                warnings.warn(f"{msg}; skipped", UserWarning, stacklevel=3)
                continue
            raise ConfigError(msg + "; pass skip_mismatch=True to skip it")
        layer.set_weights(by[layer.name])
        done.append(layer.name)
    return done
