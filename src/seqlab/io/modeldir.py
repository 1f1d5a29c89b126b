"""Model directories: ``config.json`` + ``model.safetensors`` + ``preprocessing.json``.

Writing is atomic (a temporary sibling folder swapped into place, ``seqlab.io.atomic``). Reading
checks that all three files are there as regular files inside the folder, within size caps, that
the JSON is well-formed, shallow and of the right types, that the format version is one this seqlab
reads and the writing seqlab is not newer, that the class named in ``config.json`` is one the
caller allows, and that every weight is finite; it never imports or executes anything named in a file.

>>> import torch, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "m"
>>> _ = save_model_dir(d, "Demo", {"units": 3}, {"w": torch.ones(2)}, {"lookback": 5})
>>> load_model_dir(d, ["Demo"]).config["units"]
3
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from seqlab.io.atomic import atomic_dir, recover_aside
from seqlab.io.errors import ModelFileError
from seqlab.io.safefiles import check_inside, read_json, read_tensor_header

FORMAT_VERSION = 1
FILES = ("config.json", "model.safetensors", "preprocessing.json")
SCALE_KEYS = ("scale", "std")  # preprocessing values that divide: never zero


@dataclass
class LoadedModel:
    """What a model directory holds: the class name, its config, its tensors and preprocessing."""

    class_name: str
    config: dict[str, Any]
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    preprocessing: dict[str, Any] = field(default_factory=dict)
    seqlab_version: str = ""
    shapes: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)  # name -> (dtype, shape)


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

    The files are written into a temporary sibling folder, flushed to disk, and swapped with the
    old folder in one step (``seqlab.io.atomic``): a reader (or a process killed mid-save) always
    finds the old or the new complete model, never a mix or nothing.

    Args:
        class_name: the seqlab class that ``load`` will rebuild (looked up in a fixed table).
        config: JSON-able constructor arguments.
        tensors: name -> tensor or array; saved with safetensors (contiguous CPU copies).
        preprocessing: JSON-able scalers, vocabularies, window settings.
    """
    path = Path(path)
    meta = {"class_name": class_name, "format_version": FORMAT_VERSION,
            "seqlab_version": seqlab_version(), "config": to_jsonable(config)}
    flat = {k: (torch.as_tensor(np.asarray(v)) if not isinstance(v, torch.Tensor) else v)
            .detach().cpu().contiguous() for k, v in tensors.items()}
    prep = json.dumps(to_jsonable(preprocessing or {}), indent=2)
    with atomic_dir(path) as tmp:
        (tmp / "config.json").write_text(json.dumps(meta, indent=2))
        save_file(flat, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        (tmp / "preprocessing.json").write_text(prep)
    return path


def _version_tuple(text: str) -> tuple[int, ...] | None:
    match = re.match(r"(\d+(?:\.\d+)*)", text)
    return tuple(int(part) for part in match.group(1).split(".")[:4]) if match else None


def _check_envelope(path: Path, meta, preprocessing, allowed: set[str]) -> None:
    """The fields every config.json carries, type by type, and the version that wrote it."""
    if not isinstance(meta, dict) or "class_name" not in meta or "format_version" not in meta:
        raise ModelFileError(f"{path}/config.json was not written by seqlab (no class_name/format_version)")
    for key, kind in (("class_name", str), ("format_version", int), ("seqlab_version", str), ("config", dict)):
        value = meta.get(key, "" if key == "seqlab_version" else {} if key == "config" else None)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ModelFileError(f"{path}/config.json: {key} must be a {kind.__name__}, got "
                                 f"{type(value).__name__}; the file was not written by seqlab")
    if not isinstance(preprocessing, dict):
        raise ModelFileError(f"{path}/preprocessing.json must hold a JSON object, got {type(preprocessing).__name__}")
    written_by = meta.get("seqlab_version", "")
    if meta["format_version"] != FORMAT_VERSION:
        raise ModelFileError(f"{path} has model format {meta['format_version']}; this seqlab reads format "
                             f"{FORMAT_VERSION}: re-train or use the seqlab version that wrote it "
                             f"({written_by or 'unknown'})")
    theirs, ours = _version_tuple(written_by), _version_tuple(seqlab_version())
    if theirs is not None and ours is not None and ours > (0,) and theirs > ours:
        raise ModelFileError(f"{path} was written by seqlab {written_by}, newer than this seqlab "
                             f"{seqlab_version()}; upgrade seqlab (pip install -U seqlab) to load it")
    if meta["class_name"] not in allowed:
        raise ModelFileError(f"{path} holds a {meta['class_name']!r}, expected one of {', '.join(sorted(allowed))}")


def _check_numbers(path: Path, value, key: str = "") -> None:
    """Every number in preprocessing.json finite; every scale or standard deviation non-zero."""
    stack = [(key, value)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, list):
            stack.extend((key, v) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ModelFileError(f"{path}/preprocessing.json holds {item} under {key!r}; a model folder holds "
                                 "finite numbers only: re-train the model")
        elif key in SCALE_KEYS and isinstance(item, (int, float)) and not isinstance(item, bool) and item == 0:
            raise ModelFileError(f"{path}/preprocessing.json has a zero {key!r}: scaling by it divides by zero; "
                                 "re-train the model")


def _check_tensors(path: Path, tensors: dict) -> None:
    for name, tensor in tensors.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ModelFileError(f"{path}/model.safetensors: {name!r} holds NaN or infinite weights (saved from a "
                                 "diverged training?); re-train the model")


def load_model_dir(path: str | Path, allowed_classes: Iterable[str]) -> LoadedModel:
    """Read a model directory; raise ModelFileError for anything missing, corrupted, foreign or hostile.

    Only regular files inside the folder are read, each within a size cap (``seqlab.io.safefiles``);
    the JSON files are parsed with depth and number limits and type-checked; the tensors' header is
    checked before any tensor is read, and every weight must be finite.
    """
    path = Path(path)
    recover_aside(path)
    if not path.is_dir():
        raise ModelFileError(f"{path} is not a model directory (expected a folder holding {', '.join(FILES)})")
    missing = [f for f in FILES if not os.path.lexists(path / f)]
    if missing:
        raise ModelFileError(f"{path} is missing {', '.join(missing)}; save the model again with seqlab")
    meta = read_json(path / "config.json", folder=path)
    preprocessing = read_json(path / "preprocessing.json", folder=path)
    _check_envelope(path, meta, preprocessing, set(allowed_classes))
    _check_numbers(path, preprocessing)
    header = read_tensor_header(path / "model.safetensors", folder=path)
    try:
        tensors = load_file(str(check_inside(path / "model.safetensors", path)))
    except (SafetensorError, OSError, ValueError, RuntimeError) as e:
        raise ModelFileError(f"{path}/model.safetensors is truncated or corrupted ({e}); save the model again") \
            from None
    if sorted(tensors) != sorted(header):
        raise ModelFileError(f"{path}/model.safetensors changed while it was read; load it again")
    _check_tensors(path, tensors)
    return LoadedModel(meta["class_name"], meta.get("config", {}), tensors, preprocessing,
                       meta.get("seqlab_version", ""), header)
