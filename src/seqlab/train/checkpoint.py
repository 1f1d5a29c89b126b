"""Training checkpoints: weights, optimiser state, epoch, history and RNG states as
safetensors + JSON. Nothing is pickled and nothing is read with ``torch.load``.

A resume directory holds one sub-directory per saved epoch and ``latest.json`` naming the
newest complete one. A checkpoint is written into a temporary directory, flushed and swapped into
place (``seqlab.io.atomic``), and only then does ``latest.json`` (replaced atomically) point at it,
so a run killed at any instant leaves a readable checkpoint behind. ``latest.json`` may only name
an ``epoch-NNNNNN`` folder beside it, and the files are read as untrusted
(``seqlab.io.safefiles``: regular files inside the folder, size caps, JSON limits).

    ckpt/latest.json                  {"dir": "epoch-000003"}
    ckpt/epoch-000003/tensors.safetensors   model.*, optim.*, rng.torch, callback<i>.* (e.g. best weights)
    ckpt/epoch-000003/state.json      epoch, history, optimiser groups, numpy/python RNG, callbacks,
                                      whether the run had stopped (then resuming trains no further)

>>> import torch, tempfile, os
>>> m = torch.nn.Linear(2, 1)
>>> d = tempfile.mkdtemp()
>>> save_weights(os.path.join(d, "w.safetensors"), m)
>>> load_weights(os.path.join(d, "w.safetensors"), torch.nn.Linear(2, 1)) is None
True
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from seqlab.io.atomic import atomic_dir, atomic_file, atomic_path
from seqlab.io.errors import ModelFileError
from seqlab.io.safefiles import read_json, read_tensor_header

FORMAT_VERSION = 1
CHECKPOINT_NAME = re.compile(r"epoch-\d{6,}")  # what latest.json may point at: a folder beside it


def _atomic_json(path: str, obj) -> None:
    with atomic_file(path) as f:
        json.dump(obj, f)


def _contiguous(tensors: dict) -> dict:
    return {k: v.detach().cpu().contiguous() for k, v in tensors.items()}


def save_weights(path: str, model: torch.nn.Module, meta: dict | None = None) -> None:
    """Write ``model.state_dict()`` to ``path`` (safetensors) and ``meta`` beside it as JSON."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_path(path) as tmp:
        save_file(_contiguous(model.state_dict()), str(tmp))
    if meta is not None:
        _atomic_json(os.path.splitext(path)[0] + ".json", meta)


def load_weights(path: str, model: torch.nn.Module) -> None:
    """Load weights written by ``save_weights`` into ``model`` (names and shapes must match)."""
    try:
        tensors = load_file(path)
    except (OSError, Exception) as err:  # safetensors raises its own error type
        raise ModelFileError(f"cannot read weights {path!r}: {err}") from None
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if missing or unexpected:
        raise ModelFileError(f"{path!r} does not fit this model (missing {missing}, unexpected {unexpected})")


def _split_optimizer_state(opt: torch.optim.Optimizer) -> tuple[dict, dict]:
    """Tensors (``optim.<param>.<key>``) and a JSON-friendly rest of ``opt.state_dict()``."""
    sd = opt.state_dict()
    tensors, plain = {}, {}
    for idx, state in sd["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optim.{idx}.{key}"] = value
            else:
                plain.setdefault(str(idx), {})[key] = value
    return tensors, {"state": plain, "param_groups": sd["param_groups"]}


def _join_optimizer_state(tensors: dict, plain: dict) -> dict:
    state: dict = {}
    for name, value in tensors.items():
        if name.startswith("optim."):
            _, idx, key = name.split(".", 2)
            state.setdefault(int(idx), {})[key] = value
    for idx, extra in plain["state"].items():
        state.setdefault(int(idx), {}).update(extra)
    groups = [{k: tuple(v) if k == "betas" else v for k, v in g.items()} for g in plain["param_groups"]]
    return {"state": state, "param_groups": groups}


def rng_state(np_rng: np.random.Generator) -> tuple[dict, dict]:
    """(tensors, JSON) capturing torch's CPU RNG, the trainer's NumPy generator and Python's."""
    py = random.getstate()
    return ({"rng.torch": torch.get_rng_state()},
            {"numpy": np_rng.bit_generator.state, "python": [py[0], list(py[1]), py[2]]})


def set_rng_state(tensors: dict, plain: dict, np_rng: np.random.Generator) -> None:
    torch.set_rng_state(tensors["rng.torch"])
    np_rng.bit_generator.state = plain["numpy"]
    v, internal, gauss = plain["python"]
    random.setstate((v, tuple(internal), gauss))


def _callback_tensors(callbacks: list) -> dict:
    """``callback<i>.<name>`` for the tensors each callback keeps (``state_tensors()``)."""
    out = {}
    for i, cb in enumerate(callbacks):
        for name, value in (cb.state_tensors() if hasattr(cb, "state_tensors") else {}).items():
            out[f"callback{i}.{name}"] = value
    return out


def save_checkpoint(directory: str, *, model: torch.nn.Module, optimizer: torch.optim.Optimizer, epoch: int,
                    history: dict, np_rng: np.random.Generator, callbacks: list | None = None,
                    keep: int = 2, stopped: bool = False, stop_reason: str | None = None) -> str:
    """Write the checkpoint of a finished ``epoch`` (0-based) into ``directory``; return its path.

    ``stopped`` records that training ended after this epoch (EarlyStopping, ...): resuming from
    it then trains no further. Callbacks' tensors (``state_tensors()``, e.g. EarlyStopping's best
    weights) are saved with the weights.
    """
    os.makedirs(directory, exist_ok=True)
    opt_tensors, opt_plain = _split_optimizer_state(optimizer)
    rng_tensors, rng_plain = rng_state(np_rng)
    tensors = {**{f"model.{k}": v for k, v in model.state_dict().items()}, **opt_tensors, **rng_tensors,
               **_callback_tensors(callbacks or [])}
    state = {"format_version": FORMAT_VERSION, "epoch": epoch, "history": history, "optimizer": opt_plain,
             "rng": rng_plain, "callbacks": [cb.state_dict() for cb in callbacks or []],
             "stopped": bool(stopped), "stop_reason": stop_reason}
    name = f"epoch-{epoch:06d}"
    final = os.path.join(directory, name)
    with atomic_dir(final) as tmp:
        save_file(_contiguous(tensors), str(tmp / "tensors.safetensors"))
        (tmp / "state.json").write_text(json.dumps(state))
    _atomic_json(os.path.join(directory, "latest.json"), {"dir": name})
    old = sorted(d for d in os.listdir(directory) if d.startswith("epoch-") and d != name)
    for d in old[:max(0, len(old) - (keep - 1))]:
        shutil.rmtree(os.path.join(directory, d), ignore_errors=True)
    return final


def has_checkpoint(directory: str | None) -> bool:
    """True if ``directory`` holds a complete checkpoint."""
    return directory is not None and os.path.exists(os.path.join(directory, "latest.json"))


def load_checkpoint(directory: str) -> tuple[dict, dict]:
    """``(tensors, state)`` of the newest checkpoint in ``directory``; ModelFileError if unreadable."""
    try:
        pointer = read_json(os.path.join(directory, "latest.json"), folder=directory, max_bytes=4096)
        name = pointer.get("dir") if isinstance(pointer, dict) else None
        if not isinstance(name, str) or not CHECKPOINT_NAME.fullmatch(name):
            raise ModelFileError(f"latest.json must name a checkpoint folder such as epoch-000003 inside "
                                 f"{directory!r}, got {str(name)[:80]!r}")
        sub = os.path.join(directory, name)
        state = read_json(os.path.join(sub, "state.json"), folder=directory)
        read_tensor_header(os.path.join(sub, "tensors.safetensors"), folder=directory)
        tensors = load_file(os.path.join(sub, "tensors.safetensors"))
        if not isinstance(state, dict):
            raise ModelFileError("state.json is not a JSON object")
    except Exception as err:
        raise ModelFileError(f"cannot resume from {directory!r}: {err}; delete the directory to start "
                             "afresh") from None
    if state.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"checkpoint in {directory!r} has format {state.get('format_version')}, "
                             f"this seqlab writes {FORMAT_VERSION}; delete it to start afresh")
    return tensors, state


def restore_checkpoint(tensors: dict, state: dict, *, model: torch.nn.Module,
                       optimizer: torch.optim.Optimizer, np_rng: np.random.Generator,
                       callbacks: list | None = None) -> None:
    """Put a loaded checkpoint back into the model, optimiser, RNGs and callbacks."""
    weights = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    model.load_state_dict(weights)
    optimizer.load_state_dict(_join_optimizer_state(tensors, state["optimizer"]))
    set_rng_state(tensors, state["rng"], np_rng)
    for i, (cb, cb_state) in enumerate(zip(callbacks or [], state.get("callbacks", []))):
        cb.load_state_dict(cb_state)
        prefix = f"callback{i}."
        own = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        if own and hasattr(cb, "load_state_tensors"):
            cb.load_state_tensors(own)
