"""Reading files that may be hostile, cheaply: regular files inside their folder, with a size cap,
and JSON with limits on nesting and on the length of numbers.

A file of a model or checkpoint folder is opened without blocking (a FIFO cannot hang the reader),
checked to be a regular file (not a device such as ``/dev/zero``) after opening, refused if it is a
symbolic link that leads out of its folder, and read up to a size cap. Its JSON may nest at most
``MAX_JSON_DEPTH`` deep and hold numbers of at most ``MAX_NUMBER_CHARS`` characters.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "c.json").write_text('{"units": [1, 2.5]}')
>>> read_json(d / "c.json", folder=d)
{'units': [1, 2.5]}
>>> _ = (d / "deep.json").write_text("[" * 100 + "]" * 100)
>>> read_json(d / "deep.json", folder=d)
Traceback (most recent call last):
seqlab.io.errors.ModelFileError: ...deep.json nests deeper than 64 levels; it was not written by seqlab
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from seqlab.io.errors import ModelFileError

MAX_JSON_BYTES = 64 << 20      # config.json / preprocessing.json (vocabularies can be large)
MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 40          # a float64 needs at most 24; an int of 40 digits is no seqlab setting


def check_inside(path: str | Path, folder: str | Path) -> Path:
    """``path`` resolved, refusing (ModelFileError) one that leads out of ``folder`` (a symbolic link
    pointing elsewhere, ``..`` in a name)."""
    path, folder = Path(path), Path(folder)
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    if real != root and root not in real.parents:
        raise ModelFileError(f"{path} leads out of {folder} (a symbolic link or '..'); seqlab reads only the "
                             "files inside a model folder")
    return real


def read_bytes(path: str | Path, max_bytes: int, folder: str | Path | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``), without following it out of
    ``folder`` and without blocking on a FIFO. Raises ModelFileError otherwise."""
    path = Path(path)
    real = check_inside(path, folder) if folder is not None else path
    fd, _ = _open_regular(real, max_bytes)
    try:
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as e:
        raise ModelFileError(f"cannot read {path}: {e.strerror}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:  # grew while read
        raise ModelFileError(f"{path} holds more than the {max_bytes:,} bytes a seqlab file may hold")
    return data


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"a number of {len(text)} characters")
        return kind(text)
    return parse


def _depth(value, limit: int) -> int:
    """Nesting depth of a parsed JSON value (iterative: no recursion on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def parse_json(data: bytes | str, name: str = "JSON"):
    """Parse JSON with the depth and number-length limits; ModelFileError naming ``name`` otherwise."""
    try:
        value = json.loads(data, parse_int=_number(int), parse_float=_number(float))
    except RecursionError:
        raise ModelFileError(f"{name} nests deeper than {MAX_JSON_DEPTH} levels; it was not written by "
                             "seqlab") from None
    except (ValueError, UnicodeDecodeError) as e:
        reason = str(e)[:200]
        raise ModelFileError(f"{name} is not valid JSON ({reason}); save the model again with seqlab") from None
    if _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ModelFileError(f"{name} nests deeper than {MAX_JSON_DEPTH} levels; it was not written by seqlab")
    return value


def read_json(path: str | Path, folder: str | Path | None = None, max_bytes: int = MAX_JSON_BYTES):
    """``parse_json(read_bytes(path, ...))``: a JSON file of a folder that may be hostile."""
    return parse_json(read_bytes(path, max_bytes, folder), str(path))


MAX_TENSOR_BYTES = 4 << 30      # model.safetensors
MAX_HEADER_BYTES = 64 << 20
DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1,
               "BOOL": 1}


def _open_regular(path: Path, max_bytes: int) -> tuple[int, int]:
    """``(fd, size)`` of the regular file ``path`` opened without blocking; ModelFileError otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise ModelFileError(f"{path} is missing; save the model again with seqlab") from None
    except OSError as e:
        raise ModelFileError(f"cannot open {path}: {e.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        os.close(fd)
        raise ModelFileError(f"{path} is not a regular file (a folder, FIFO, device or socket); seqlab reads "
                             "only regular files" if not stat.S_ISREG(info.st_mode) else
                             f"{path} is {info.st_size:,} bytes, more than the {max_bytes:,} a seqlab file may hold")
    return fd, info.st_size


def read_tensor_header(path: str | Path, folder: str | Path | None = None,
                       max_bytes: int = MAX_TENSOR_BYTES) -> dict[str, tuple[str, tuple[int, ...]]]:
    """``{name: (dtype, shape)}`` from a safetensors file's header, read and checked without reading any
    tensor: the header must be small, well-formed JSON whose shapes and offsets fit the file exactly."""
    path = Path(path)
    real = check_inside(path, folder) if folder is not None else path
    fd, size = _open_regular(real, max_bytes)
    try:
        head = os.pread(fd, 8, 0)
        n = int.from_bytes(head, "little") if len(head) == 8 else -1
        if n < 2 or n > min(MAX_HEADER_BYTES, size - 8):
            raise ModelFileError(f"{path} is truncated or corrupted (its header length is {n:,} bytes in a file "
                                 f"of {size:,}); save the model again")
        raw = os.pread(fd, n, 8)
    except OSError as e:
        raise ModelFileError(f"cannot read {path}: {e.strerror}") from None
    finally:
        os.close(fd)
    header = parse_json(raw, f"{path} (its header)")
    if not isinstance(header, dict):
        raise ModelFileError(f"{path} is truncated or corrupted (its header is not a JSON object)")
    out, data_size = {}, size - 8 - n
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        ok = isinstance(entry, dict) and entry.get("dtype") in DTYPE_BYTES
        shape, offsets = (entry.get("shape"), entry.get("data_offsets")) if ok else (None, None)
        ok = ok and isinstance(shape, list) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                    for d in shape) and len(shape) <= 8
        ok = ok and isinstance(offsets, list) and len(offsets) == 2 and all(
            isinstance(o, int) and not isinstance(o, bool) for o in offsets)
        if ok:
            numel = 1
            for d in shape:
                numel *= d
            begin, end = offsets
            ok = 0 <= begin <= end <= data_size and end - begin == numel * DTYPE_BYTES[entry["dtype"]]
        if not ok:
            raise ModelFileError(f"{path}: the entry {str(name)[:80]!r} of its header does not describe a tensor "
                                 "inside the file; save the model again")
        out[name] = (entry["dtype"], tuple(shape))
    return out
