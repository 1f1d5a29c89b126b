"""Rebuilding an object from a model directory that may be hostile: cheap checks first.

``check_params`` type-checks the saved constructor parameters against the class's signature and
``check_state`` the config and preprocessing against the schemas a class declares.
``rebuild(loaded, build, path)`` then runs ``build`` once on PyTorch's ``meta`` device with
tensors shaped as the safetensors header says: a network whose sizes in ``config.json`` do not
match the stored weights (``units`` raised to 6000 in a small model) is refused before a single
weight is allocated. Only then does it build for real; anything that goes wrong while rebuilding
is a ``ModelFileError`` that names the file and the seqlab version that wrote it.

>>> import torch
>>> from seqlab.io.modeldir import LoadedModel
from seqlab.io.schema import check
>>> loaded = LoadedModel("Linear", {}, {"weight": torch.ones(2, 3)}, {}, "0.1.0",
...                      {"weight": ("F32", (2, 3))})
>>> def build(tensors):
...     net = torch.nn.Linear(3, 4, bias=False)
...     net.load_state_dict(tensors)
...     return net
>>> rebuild(loaded, build, "m")
Traceback (most recent call last):
seqlab.io.errors.ModelFileError: m does not match this seqlab's Linear (written by seqlab 0.1.0): ...
"""
from __future__ import annotations

import inspect
import math
from pathlib import Path
from typing import Any, Callable

import torch

from seqlab.io.errors import ModelFileError, SeqlabError
from seqlab.io.modeldir import LoadedModel
from seqlab.io.schema import check

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
           "BOOL": torch.bool}
_SHAPE_ERRORS = ("size mismatch", "Missing key", "Unexpected key", "do not match", "does not match")


def _kind_ok(value: Any, default: Any) -> bool:
    """Whether a saved value has the JSON kind the parameter's default has (flags and numbers only:
    a parameter whose default is None, a string or a tuple may take several kinds)."""
    if isinstance(default, bool):
        return value is None or isinstance(value, bool)
    if isinstance(default, (int, float)):
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return value is None or (number and math.isfinite(value))
    return True


def check_params(klass: type, params: Any, path: str | Path, renamed: dict[str, str] | None = None) -> None:
    """Refuse saved constructor parameters that are not a JSON object, or whose flags and numbers have
    another type than the class's defaults (ModelFileError naming the parameter)."""
    if not isinstance(params, dict):
        raise ModelFileError(f"{path}/config.json: params must be a JSON object, got {type(params).__name__}")
    signature = inspect.signature(klass.__init__).parameters
    for name, value in params.items():
        param = signature.get(name) or signature.get((renamed or {}).get(name, ""))
        if param is not None and not _kind_ok(value, param.default):
            kind = "true/false" if isinstance(param.default, bool) else "a finite number"
            raise ModelFileError(f"{path}/config.json: parameter {name!r} must be {kind}, got "
                                 f"{str(value)[:60]!r}; the file was not written by seqlab")


def check_state(klass: type, loaded: LoadedModel, path: str | Path) -> None:
    """Check the saved config and preprocessing against the schemas (``seqlab.io.schema``) the class
    gives for them, where it declares ``saved_schemas(preprocessing) -> (config, preprocessing)``."""
    schemas = getattr(klass, "saved_schemas", None)
    config_schema, preprocessing_schema = schemas(loaded.preprocessing) if schemas else (None, None)
    if config_schema is not None:
        check(loaded.config, config_schema, f"{path}/config.json")
    if preprocessing_schema is not None:
        check(loaded.preprocessing, preprocessing_schema, f"{path}/preprocessing.json")


def _meta_tensors(shapes: dict) -> dict[str, torch.Tensor]:
    return {name: torch.empty(shape, dtype=_DTYPES[dtype], device="meta") for name, (dtype, shape) in shapes.items()}


def _refusal(loaded: LoadedModel, path, err: BaseException) -> ModelFileError:
    reason = " ".join(str(err).split())               # torch's state-dict errors span several lines
    reason = reason if len(reason) <= 300 else reason[:297] + "..."
    return ModelFileError(f"{path} does not match this seqlab's {loaded.class_name} (written by seqlab "
                          f"{loaded.seqlab_version or 'unknown'}): {reason or type(err).__name__}; "
                          "re-train it with this seqlab")


def rebuild(loaded: LoadedModel, build: Callable[[dict], Any], path: str | Path) -> Any:
    """``build(tensors)`` for the model directory read into ``loaded``, after a dry run on the meta device
    (see the module docstring). Raises ModelFileError when the folder does not fit."""
    if loaded.shapes:
        try:
            with torch.device("meta"):
                build(_meta_tensors(loaded.shapes))
        except RuntimeError as e:
            if any(s in str(e) for s in _SHAPE_ERRORS):
                raise _refusal(loaded, path, e) from None
        except SeqlabError as e:
            raise _refusal(loaded, path, e) from None
        except Exception:  # noqa: BLE001 - code that needs real values (numpy) cannot run on meta: build for real
            pass
    try:
        return build(loaded.tensors)
    except SeqlabError as e:
        if isinstance(e, ModelFileError):
            raise
        raise _refusal(loaded, path, e) from None
    except Exception as e:  # noqa: BLE001 - a hostile file must end in ModelFileError, whatever it breaks
        raise _refusal(loaded, path, e) from None
