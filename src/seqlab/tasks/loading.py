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

import json
from pathlib import Path

from seqlab.io.errors import ModelFileError
from seqlab.io.modeldir import load_model_dir
from seqlab.tasks.base import Task
from seqlab.tasks.sequential import Sequential


def load(path: str | Path):
    """Load a Sequential model or any task estimator from a model directory (or a run directory
    holding ``model/``). Returns the rebuilt object; raises ModelFileError for a bad directory."""
    path = Path(path)
    if (path / "model" / "config.json").is_file() and not (path / "config.json").is_file():
        path = path / "model"
    if _class_name(path) == "Sequential":
        return Sequential.from_loaded(load_model_dir(path, ["Sequential"]))
    if _class_name(path) == "Model":
        from seqlab.tasks.functional import load_functional

        return load_functional(path)
    return Task.load(path)


def _class_name(path: Path) -> str:
    try:
        return json.loads((path / "config.json").read_text()).get("class_name", "")
    except (OSError, ValueError, AttributeError):
        load_model_dir(path, [])  # raises the precise ModelFileError
        raise ModelFileError(f"{path} is not a seqlab model directory") from None
