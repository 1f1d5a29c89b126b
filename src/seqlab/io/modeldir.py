"""Model directories: ``config.json`` + ``model.safetensors`` + ``preprocessing.json``.

Writing is atomic (a temporary sibling folder renamed into place). Reading checks that all three
files are there, that the format version is one this seqlab reads, and that the class named in
``config.json`` is one the caller allows; it never imports or executes anything named in a file.

>>> import torch, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "m"
>>> _ = save_model_dir(d, "Demo", {"units": 3}, {"w": torch.ones(2)}, {"lookback": 5})
>>> load_model_dir(d, ["Demo"]).config["units"]
3
"""
from __future__ import annotations

import json
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seqlab.io.errors import ModelFileError

FORMAT_VERSION = 1
FILES = ("config.json", "model.safetensors", "preprocessing.json")


@dataclass
class LoadedModel:
    """What a model directory holds: the class name, its config, its tensors and preprocessing."""

    class_name: str
    config: dict[str, Any]
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    preprocessing: dict[str, Any] = field(default_factory=dict)
    seqlab_version: str = ""


def seqlab_version() -> str:
    """The installed seqlab's version (``0+unknown`` when run from a source tree that is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("seqlab")
    except PackageNotFoundError:
        return "0+unknown"


def to_jsonable(value: Any) -> Any:
    """Convert NumPy/torch scalars and arrays, tuples and paths into plain JSON values."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    return value


def model_dir_of(path: str | Path, written_by: str = "seqlab") -> Path:
    """The model directory of ``path``: ``path/model`` for a run directory, else ``path`` itself.

    Raises ModelFileError when ``path`` does not exist, naming ``written_by`` (the command that
    writes such directories) in the advice.
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path} not found: no such run or model directory; give one written by {written_by}")
    return path / "model" if (path / "model").is_dir() else path


def save_model_dir(path: str | Path, class_name: str, config: dict, tensors: dict,
                   preprocessing: dict | None = None) -> Path:
    """Write a model directory at ``path`` atomically and return its path.

    Args:
        class_name: the seqlab class that ``load`` will rebuild (looked up in a fixed table).
        config: JSON-able constructor arguments.
        tensors: name -> tensor or array; saved with safetensors (contiguous CPU copies).
        preprocessing: JSON-able scalers, vocabularies, window settings.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        meta = {"class_name": class_name, "format_version": FORMAT_VERSION,
                "seqlab_version": seqlab_version(), "config": to_jsonable(config)}
        (tmp / "config.json").write_text(json.dumps(meta, indent=2))
        flat = {k: (torch.as_tensor(np.asarray(v)) if not isinstance(v, torch.Tensor) else v)
                .detach().cpu().contiguous() for k, v in tensors.items()}
        save_file(flat, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        (tmp / "preprocessing.json").write_text(json.dumps(to_jsonable(preprocessing or {}), indent=2))
        if path.exists():
            shutil.rmtree(path)
        tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load_model_dir(path: str | Path, allowed_classes: Iterable[str]) -> LoadedModel:
    """Read a model directory; raise ModelFileError for anything missing, corrupted or foreign."""
    path = Path(path)
    if not path.is_dir():
        raise ModelFileError(f"{path} is not a model directory (expected a folder holding {', '.join(FILES)})")
    missing = [f for f in FILES if not (path / f).is_file()]
    if missing:
        raise ModelFileError(f"{path} is missing {', '.join(missing)}; save the model again with seqlab")
    try:
        meta = json.loads((path / "config.json").read_text())
        preprocessing = json.loads((path / "preprocessing.json").read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelFileError(f"{path}: config.json or preprocessing.json is not valid JSON ({e})") from None
    if not isinstance(meta, dict) or "class_name" not in meta or "format_version" not in meta:
        raise ModelFileError(f"{path}/config.json was not written by seqlab (no class_name/format_version)")
    if meta["format_version"] != FORMAT_VERSION:
        raise ModelFileError(f"{path} has model format {meta['format_version']}; this seqlab reads format "
                             f"{FORMAT_VERSION}: re-train or use the seqlab version that wrote it "
                             f"({meta.get('seqlab_version', 'unknown')})")
    allowed = set(allowed_classes)
    if meta["class_name"] not in allowed:
        raise ModelFileError(f"{path} holds a {meta['class_name']!r}, expected one of {', '.join(sorted(allowed))}")
    try:
        tensors = load_file(str(path / "model.safetensors"))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise ModelFileError(f"{path}/model.safetensors is truncated or corrupted ({e}); save the model again") \
            from None
    return LoadedModel(meta["class_name"], meta.get("config", {}), tensors, preprocessing,
                       meta.get("seqlab_version", ""))
