"""Saving and loading ``seqlab.Sequential`` models and any task: ``seqlab.load(dir)``.

A Sequential is saved as its config (each layer's class name and constructor arguments) plus
its ``state_dict`` in safetensors. Loading rebuilds layers through the fixed table
``seqlab.layers.LAYER_CLASSES``; a task is rebuilt through ``seqlab.tasks.TASK_MODULES``.

>>> import seqlab, tempfile
>>> from seqlab import layers
>>> m = seqlab.Sequential([layers.Dense(2)], input_shape=(3,))
>>> d = tempfile.mkdtemp() + "/m"
>>> _ = m.save(d)
>>> seqlab.load(d).count_params()
8
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from seqlab.io.errors import ModelFileError
from seqlab.io.modeldir import load_model_dir, save_model_dir


def layer_from_config(spec: dict[str, Any]):
    """Build a layer from ``{"class_name": ..., "config": {...}}`` (nested layers included)."""
    from seqlab.layers import LAYER_CLASSES

    name = spec.get("class_name")
    if name not in LAYER_CLASSES:
        known = ", ".join(sorted(LAYER_CLASSES))
        raise ModelFileError(f"unknown layer class {name!r} in the model file; known: {known}")
    kwargs = {}
    for key, value in spec.get("config", {}).items():
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            value = layer_from_config(value)
        elif key == "input_shape" and value is not None:
            value = tuple(value)
        kwargs[key] = value
    try:
        return LAYER_CLASSES[name](**kwargs)
    except TypeError as e:
        raise ModelFileError(f"layer {name} in the model file does not fit this seqlab: {e}") from None


def save_sequential(model, path: str | Path, preprocessing: dict | None = None) -> Path:
    """Write ``model`` (a built Sequential) to the model directory ``path``."""
    return save_model_dir(path, "Sequential", model.get_config(), dict(model.state_dict()), preprocessing or {})


def sequential_from_loaded(loaded):
    from seqlab.sequential import Sequential

    cfg = loaded.config
    model = Sequential([layer_from_config(spec) for spec in cfg.get("layers", [])],
                       input_shape=tuple(cfg["input_shape"]) if cfg.get("input_shape") else None,
                       name=cfg.get("name", "sequential"))
    try:
        model.load_state_dict(loaded.tensors, strict=True)
    except RuntimeError as e:
        raise ModelFileError(f"the weights do not match the saved layers: {str(e).splitlines()[0]}") from None
    model.eval()
    return model


def load(path: str | Path):
    """Load a Sequential model or any task estimator from a model directory (or a run directory
    holding ``model/``). Returns the rebuilt object; raises ModelFileError for a bad directory."""
    path = Path(path)
    if (path / "model" / "config.json").is_file() and not (path / "config.json").is_file():
        path = path / "model"
    class_name = _class_name(path)
    if class_name == "Sequential":
        return sequential_from_loaded(load_model_dir(path, ["Sequential"]))
    from seqlab.tasks.base import Task

    return Task.load(path)


def _class_name(path: Path) -> str:
    try:
        return json.loads((path / "config.json").read_text()).get("class_name", "")
    except (OSError, ValueError, AttributeError):
        load_model_dir(path, [])  # raises the precise ModelFileError
        raise ModelFileError(f"{path} is not a seqlab model directory") from None
