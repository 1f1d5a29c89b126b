"""Rebuilding an object from a model directory that may be hostile: cheap checks first.

``check_params`` type-checks the saved constructor parameters against the class's signature and
``check_state`` the config and preprocessing against the schemas a class declares.
``rebuild(loaded, build, path)`` then builds under an allocation budget (``AllocationBudget``): the
stored tensors' size (from the safetensors header) bounds what building may allocate, so a config
whose sizes do not fit its weights (``units`` raised to 6000 in a small model) is refused before
the large tensor is allocated, not after. Anything else that goes wrong while rebuilding is a
``ModelFileError`` that names the file and the seqlab version that wrote it.

>>> import torch
>>> from seqlab.io.modeldir import LoadedModel
>>> loaded = LoadedModel("Linear", {}, {"weight": torch.ones(2, 3)}, {}, "0.1.0",
...                      {"weight": ("F32", (2, 3))})
>>> def build(tensors):
...     net = torch.nn.Linear(3, 6000 * 6000, bias=False)
...     net.load_state_dict(tensors)
...     return net
>>> rebuild(loaded, build, "m")
Traceback (most recent call last):
seqlab.io.errors.ModelFileError: m: rebuilding it would allocate more than its weights justify ...
"""
from __future__ import annotations

import inspect
import math
from pathlib import Path
from typing import Any, Callable

import torch
from torch.overrides import TorchFunctionMode

from seqlab.io.errors import ModelFileError, SeqlabError
from seqlab.io.modeldir import LoadedModel
from seqlab.io.safefiles import DTYPE_BYTES
from seqlab.io.schema import check

BUDGET_FLOOR = 32 << 20   # bytes any model may allocate while it is built (masks, buffers, init temporaries)
BUDGET_FACTOR = 8         # times the stored tensors' bytes (initialisers draw and transform temporaries)
_FACTORIES = {torch.empty, torch.zeros, torch.ones, torch.full, torch.rand, torch.randn, torch.randint,
              torch.normal, torch.eye, torch.empty_strided, torch.Tensor.new_empty, torch.Tensor.new_zeros,
              torch.Tensor.new_ones, torch.Tensor.new_full}
_METHODS = {torch.Tensor.new_empty, torch.Tensor.new_zeros, torch.Tensor.new_ones, torch.Tensor.new_full}


def _requested(func, args, kwargs) -> int:
    """Elements a factory call asks for (0 when the request cannot be read: torch will judge it)."""
    size = kwargs.get("size")
    rest = args[1:] if func in _METHODS else args
    if size is None:
        if func is torch.eye:
            n = rest[0] if rest else 0
            m = rest[1] if len(rest) > 1 and isinstance(rest[1], int) else n
            size = (n, m)
        elif func in (torch.randint, torch.normal):
            size = next((a for a in rest if isinstance(a, (tuple, list, torch.Size))), ())
        elif rest and isinstance(rest[0], (tuple, list, torch.Size)):
            size = rest[0]
        else:
            size = [a for a in rest[:1 if func is torch.full else None] if isinstance(a, int)]
    try:
        return math.prod(max(0, int(d)) for d in size)
    except (TypeError, ValueError):
        return 0


class AllocationBudget(TorchFunctionMode):
    """Refuses (ModelFileError) tensor factory calls once they would allocate more than ``limit`` bytes in
    all, or more than ``max_calls`` tensors, while a model is rebuilt from a folder named ``where``."""

    def __init__(self, limit: int, max_calls: int, where: str):
        super().__init__()
        self.limit, self.max_calls, self.where, self.used, self.calls = limit, max_calls, where, 0, 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in _FACTORIES:
            dtype = kwargs.get("dtype") or torch.get_default_dtype()
            self.used += _requested(func, args, kwargs) * dtype.itemsize
            self.calls += 1
            if self.used > self.limit or self.calls > self.max_calls:
                raise ModelFileError(f"{self.where}: rebuilding it would allocate more than its weights justify "
                                     f"({self.used:,} bytes, {self.calls} tensors; the budget is {self.limit:,} "
                                     "bytes); its config.json does not fit its model.safetensors")
        return func(*args, **kwargs)


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


def _refusal(loaded: LoadedModel, path, err: BaseException) -> ModelFileError:
    reason = " ".join(str(err).split())               # torch's state-dict errors span several lines
    reason = reason if len(reason) <= 300 else reason[:297] + "..."
    return ModelFileError(f"{path} does not match this seqlab's {loaded.class_name} (written by seqlab "
                          f"{loaded.seqlab_version or 'unknown'}): {reason or type(err).__name__}; "
                          "re-train it with this seqlab")


def rebuild(loaded: LoadedModel, build: Callable[[dict], Any], path: str | Path) -> Any:
    """``build(tensors)`` for the model directory read into ``loaded``, under an ``AllocationBudget`` set by
    the stored tensors (see the module docstring). Raises ModelFileError when the folder does not fit."""
    stored = sum(math.prod(shape) * DTYPE_BYTES[dtype] for dtype, shape in loaded.shapes.values())
    budget = AllocationBudget(BUDGET_FLOOR + BUDGET_FACTOR * stored, 1000 + 50 * len(loaded.shapes), str(path))
    try:
        with budget:
            return build(loaded.tensors)
    except SeqlabError as e:
        if isinstance(e, ModelFileError):
            raise
        raise _refusal(loaded, path, e) from None
    except Exception as e:  # noqa: BLE001 - a hostile file must end in ModelFileError, whatever it breaks
        raise _refusal(loaded, path, e) from None
