"""``seqlab.load(dir)``: one lookup for a saved Sequential, Model and every task.

The class name in ``config.json`` is looked up in fixed tables only (``Sequential``, and
``seqlab.tasks.registry.TASK_MODULES`` for tasks, whose layers come from
``seqlab.nn.registry.LAYER_CLASSES``); loading never imports a module named in a file.

>>> import seqlab, tempfile
>>> from seqlab import layers
>>> m = seqlab.Sequential([layers.Dense(2)], input_shape=(3,))
>>> d = tempfile.mkdtemp() + "/m"
>>> _ = m.save(d)
>>> seqlab.load(d).count_params()
8
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from seqlab.io.errors import ModelFileError
from seqlab.io.modeldir import load_model_dir
from seqlab.io.safefiles import read_json
from seqlab.tasks.base import Task
from seqlab.tasks.rebuild import rebuild
from seqlab.tasks.sequential import Sequential


def load(path: str | Path):
    """Load a Sequential model or any task estimator from a model directory (or a run directory
    holding ``model/``). Returns the rebuilt object; raises ModelFileError for a bad directory."""
    path = Path(path)
    if (path / "model" / "config.json").is_file() and not (path / "config.json").is_file():
        path = path / "model"
    if _class_name(path) == "Sequential":
        loaded = load_model_dir(path, ["Sequential"])
        return rebuild(loaded, lambda tensors: Sequential.from_loaded(replace(loaded, tensors=tensors)), path)
    if _class_name(path) == "Model":
        from seqlab.tasks.functional import Model

        loaded = load_model_dir(path, ["Model"])
        return rebuild(loaded, lambda tensors: Model.from_loaded(replace(loaded, tensors=tensors)), path)
    return Task.load(path)


def _class_name(path: Path) -> str:
    try:
        return read_json(path / "config.json", folder=path).get("class_name", "")
    except (ModelFileError, AttributeError):
        load_model_dir(path, [])  # raises the precise ModelFileError
        raise ModelFileError(f"{path} is not a seqlab model directory") from None
