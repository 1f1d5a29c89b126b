"""A corpus of hostile or broken model folders, each made from a small, good model folder.

``CASES`` maps a case name to ``make(folder)``: it spoils a copy of a good model folder in place
(``folder`` holds config.json, model.safetensors, preprocessing.json). The kinds follow issue 18:
files that are not regular (FIFO, device, symlinks out of the folder, a folder), oversized files,
JSON nested 200,000 deep or holding 5,000-digit numbers, wrong JSON types in every part of the
file, sizes in config.json that do not fit the stored tensors (``units`` raised to 6000), a version
newer than this seqlab, NaN/inf weights, zero or non-finite scales, broken safetensors headers.
"""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import torch
from safetensors.torch import save_file


def _edit_json(name: str, change):
    def make(folder: Path) -> None:
        path = folder / name
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return make


def _write(name: str, text: str | bytes):
    def make(folder: Path) -> None:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return make


def _replace_with_link(name: str, target):
    def make(folder: Path) -> None:
        path = folder / name
        path.unlink()
        os.symlink(target(folder) if callable(target) else target, path)
    return make


def _fifo(name: str):
    def make(folder: Path) -> None:
        fifo = folder.parent / f"{folder.name}-fifo"
        os.mkfifo(fifo)
        (folder / name).unlink()
        os.symlink(fifo, folder / name)
    return make


def _outside_copy(name: str):
    def make(folder: Path) -> None:
        outside = folder.parent / f"{folder.name}-outside-{name}"
        (folder / name).rename(outside)
        os.symlink(outside, folder / name)
    return make


def _sparse(name: str, size: int):
    def make(folder: Path) -> None:
        with open(folder / name, "r+b") as f:
            f.truncate(size)
    return make


def _as_folder(name: str):
    def make(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
    return make


def _params(change):
    return _edit_json("config.json", lambda d: change(d["config"]["params"]))


def _set(*keys_value):
    *keys, value = keys_value

    def change(data):
        for k in keys[:-1]:
            data = data[k]
        data[keys[-1]] = value
    return change


def _tensors(change):
    def make(folder: Path) -> None:
        from safetensors.torch import load_file
        tensors = load_file(folder / "model.safetensors")
        change(tensors)
        save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    return make


def _first_float(tensors, value):
    name = next(k for k, v in tensors.items() if v.is_floating_point() and v.numel() > 1)
    tensors[name] = tensors[name].clone()
    tensors[name].view(-1)[1] = value


def _header(header: dict, payload: bytes = b"", length: int | None = None):
    def make(folder: Path) -> None:
        raw = json.dumps(header).encode()
        n = len(raw) if length is None else length
        (folder / "model.safetensors").write_bytes(struct.pack("<Q", n) + raw + payload)
    return make


DEEP = "[" * 200_000 + "]" * 200_000
HUGE_INT = "1" * 5000

# Kinds that apply to any model folder.
COMMON = {
    "config-fifo": _fifo("config.json"),
    "weights-fifo": _fifo("model.safetensors"),
    "preprocessing-fifo": _fifo("preprocessing.json"),
    "config-dev-zero": _replace_with_link("config.json", "/dev/zero"),
    "weights-dev-zero": _replace_with_link("model.safetensors", "/dev/zero"),
    "preprocessing-dev-urandom": _replace_with_link("preprocessing.json", "/dev/urandom"),
    "config-link-outside": _outside_copy("config.json"),
    "weights-link-outside": _outside_copy("model.safetensors"),
    "preprocessing-link-parent": _replace_with_link("preprocessing.json", lambda f: Path("..") / f.name /
                                                    ".." / f"{f.name}-none"),
    "config-is-folder": _as_folder("config.json"),
    "weights-is-folder": _as_folder("model.safetensors"),
    "config-sparse-100MB": _sparse("config.json", 100 << 20),
    "preprocessing-sparse-100MB": _sparse("preprocessing.json", 100 << 20),
    "weights-sparse-5GB": _sparse("model.safetensors", 5 << 30),
    "config-nested-200000": _write("config.json", DEEP),
    "preprocessing-nested-200000": _write("preprocessing.json", DEEP),
    "config-nested-100-in-object": _write("config.json", '{"class_name": "x", "format_version": 1, "config": '
                                          + "[" * 100 + "]" * 100 + "}"),
    "config-5000-digit-int": _write("config.json", '{"class_name": "Forecaster", "format_version": ' + HUGE_INT
                                    + ', "config": {}}'),
    "preprocessing-5000-digit-int": _write("preprocessing.json", '{"rows": [' + HUGE_INT + "]}"),
    "preprocessing-5000-digit-float": _write("preprocessing.json", '{"rows": [0.' + HUGE_INT + "]}"),
    "config-empty": _write("config.json", ""),
    "config-not-utf8": _write("config.json", b"\xff\xfe\x80{"),
    "config-array": _write("config.json", "[1, 2, 3]"),
    "config-null": _write("config.json", "null"),
    "preprocessing-array": _write("preprocessing.json", "[]"),
    "preprocessing-string": _write("preprocessing.json", '"scale"'),
    "class-name-number": _edit_json("config.json", _set("class_name", 7)),
    "class-name-list": _edit_json("config.json", _set("class_name", ["Forecaster"])),
    "class-name-unknown": _edit_json("config.json", _set("class_name", "os.system")),
    "format-version-string": _edit_json("config.json", _set("format_version", "1")),
    "format-version-bool": _edit_json("config.json", _set("format_version", True)),
    "format-version-float": _edit_json("config.json", _set("format_version", 1.5)),
    "format-version-2": _edit_json("config.json", _set("format_version", 2)),
    "seqlab-version-99": _edit_json("config.json", _set("seqlab_version", "99.0")),
    "seqlab-version-number": _edit_json("config.json", _set("seqlab_version", 99)),
    "config-field-list": _edit_json("config.json", _set("config", [])),
    "config-field-string": _edit_json("config.json", _set("config", "units=6000")),
    "preprocessing-nan-constant": _write("preprocessing.json", '{"rows": [NaN]}'),
    "preprocessing-infinity-constant": _write("preprocessing.json", '{"scale": [Infinity]}'),
    "weights-nan": _tensors(lambda t: _first_float(t, float("nan"))),
    "weights-inf": _tensors(lambda t: _first_float(t, float("inf"))),
    "weights-empty-file": _write("model.safetensors", b""),
    "weights-truncated": lambda f: (f / "model.safetensors").write_bytes((f / "model.safetensors").read_bytes()[:100]),
    "weights-not-safetensors": _write("model.safetensors", b"\x80\x04pickle" * 10),
    "weights-header-length-huge": _header({}, length=1 << 62),
    "weights-header-nested": _write("model.safetensors", struct.pack("<Q", len(DEEP)) + DEEP.encode()),
    "weights-header-offsets-outside": _header({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 1 << 40]}},
                                              b"\0" * 8),
    "weights-header-shape-lies": _header({"w": {"dtype": "F32", "shape": [1 << 30, 1 << 30],
                                                "data_offsets": [0, 8]}}, b"\0" * 8),
    "weights-header-dtype-unknown": _header({"w": {"dtype": "PYOBJ", "shape": [1], "data_offsets": [0, 8]}},
                                            b"\0" * 8),
    "weights-header-shape-negative": _header({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}},
                                             b"\0" * 8),
    "weights-header-list": _header([1, 2]),
    "weights-missing-tensor": _tensors(lambda t: t.pop(next(iter(t)))),
    "weights-extra-tensor": _tensors(lambda t: t.update(extra=torch.zeros(3))),
    "weights-wrong-shape": _tensors(lambda t: t.update({k: torch.zeros(7, 3) for k in list(t)[:1]})),
}

# Kinds that spoil a Forecaster's own fields (its params, its preprocessing).
FORECASTER = {
    "units-string": _params(_set("units", "many")),
    "units-list": _params(_set("units", [4, 4])),
    "units-negative": _params(_set("units", -4)),
    "units-zero": _params(_set("units", 0)),
    "units-float": _params(_set("units", 4.5)),
    "units-object": _params(_set("units", {"n": 4})),
    "units-bool": _params(_set("units", True)),
    "lookback-string": _params(_set("lookback", "6")),
    "lookback-negative": _params(_set("lookback", -6)),
    "horizon-zero": _params(_set("horizon", 0)),
    "horizon-list": _params(_set("horizon", [1])),
    "dropout-string": _params(_set("dropout", "high")),
    "model-number": _params(_set("model", 3)),
    "model-unknown": _params(_set("model", "__import__('os')")),
    "params-list": _edit_json("config.json", lambda d: d["config"].update(params=[1, 2])),
    "network-list": _edit_json("config.json", lambda d: d["config"].update(network=[1])),
    "network-units-6000": _edit_json("config.json", lambda d: d["config"]["network"].update(units=6000)),
    "network-unknown-key": _edit_json("config.json", lambda d: d["config"]["network"].update(evil=1)),
    "network-architecture-number": _edit_json("config.json",
                                              lambda d: d["config"]["network"].update(architecture=1)),
    "scale-zero": _edit_json("preprocessing.json",
                             lambda d: d["transform"]["scaler"].update(scale=[0.0])),
    "scale-string": _edit_json("preprocessing.json",
                               lambda d: d["transform"]["scaler"].update(scale=["0.5"])),
    "scale-nan-string": _edit_json("preprocessing.json",
                                   lambda d: d["transform"]["scaler"].update(scale="nan")),
    "scale-empty": _edit_json("preprocessing.json", lambda d: d["transform"]["scaler"].update(scale=[])),
    "scale-nested": _edit_json("preprocessing.json", lambda d: d["transform"]["scaler"].update(scale=[[1.0]])),
    "offset-object": _edit_json("preprocessing.json", lambda d: d["transform"]["scaler"].update(offset={})),
    "scaler-class-unknown": _edit_json("preprocessing.json",
                                       lambda d: d["transform"]["scaler"].update(class_name="Pickle")),
    "transform-missing": _edit_json("preprocessing.json", lambda d: d.pop("transform")),
    "targets-number": _edit_json("preprocessing.json", lambda d: d.update(targets=5)),
    "targets-empty": _edit_json("preprocessing.json", lambda d: d.update(targets=[])),
    "season-string": _edit_json("preprocessing.json", lambda d: d.update(season="weekly")),
    "season-negative": _edit_json("preprocessing.json", lambda d: d.update(season=-3)),
    "last-values-strings": _edit_json("preprocessing.json", lambda d: d.update(last_values=["a", "b"])),
    "last-values-nan-string": _edit_json("preprocessing.json", lambda d: d.update(last_values=["nan"])),
    "last-time-object": _edit_json("preprocessing.json", lambda d: d.update(last_time={"t": 1})),
    "freq-number": _edit_json("preprocessing.json", lambda d: d.update(freq=7)),
    "rows-short": _edit_json("preprocessing.json", lambda d: d.update(rows=[1])),
    "rows-strings": _edit_json("preprocessing.json", lambda d: d.update(rows=["a", "b", "c"])),
}

# Kinds that spoil a Sequential's layer table.
SEQUENTIAL = {
    "layer-units-6000": _edit_json("config.json", lambda d: d["config"]["layers"][0]["config"].update(units=6000)),
    "layer-class-unknown": _edit_json("config.json", lambda d: d["config"]["layers"][0].update(class_name="Lambda")),
    "layer-class-number": _edit_json("config.json", lambda d: d["config"]["layers"][0].update(class_name=1)),
    "layer-config-list": _edit_json("config.json", lambda d: d["config"]["layers"][0].update(config=[1])),
    "layers-string": _edit_json("config.json", lambda d: d["config"].update(layers="LSTM")),
    "layers-of-numbers": _edit_json("config.json", lambda d: d["config"].update(layers=[1, 2])),
    "input-shape-string": _edit_json("config.json", lambda d: d["config"].update(input_shape="10,1")),
    "input-shape-huge": _edit_json("config.json", lambda d: d["config"].update(input_shape=[10, 1 << 40])),
    "activation-unknown": _edit_json("config.json",
                                     lambda d: d["config"]["layers"][0]["config"].update(activation="eval")),
}


def cases() -> dict[str, tuple[str, object]]:
    """``name -> (base model, make)`` for every case."""
    out = {f"forecaster/{k}": ("forecaster", v) for k, v in COMMON.items()}
    out.update({f"forecaster/{k}": ("forecaster", v) for k, v in FORECASTER.items()})
    out.update({f"sequential/{k}": ("sequential", COMMON[k]) for k in (
        "config-fifo", "config-dev-zero", "config-nested-200000", "weights-nan", "seqlab-version-99",
        "weights-wrong-shape", "class-name-list", "config-field-list")})
    out.update({f"sequential/{k}": ("sequential", v) for k, v in SEQUENTIAL.items()})
    return out
