"""Type-checking what a model folder's JSON holds, field by field, before any of it is used.

A schema is built from a few pieces: ``Int(min)``, ``Number()`` (finite), ``Str()``, ``Bool()``,
``Optional(s)``, ``OneOf(a, b)``, ``ListOf(s, min_length=0, length=None)`` and ``Fields({...})``
(a JSON object with those keys; other keys allowed). ``check(value, schema, where)`` raises
ModelFileError naming the first field that does not fit.

>>> check({"season": 0}, Fields({"season": Int(1)}), "p.json")
Traceback (most recent call last):
seqlab.io.errors.ModelFileError: p.json: season must be an integer >= 1, got '0'; the file was not written by seqlab
"""
from __future__ import annotations

import math
from typing import Any

from seqlab.io.errors import ModelFileError


def _refuse(where: str, what: str, value) -> ModelFileError:
    return ModelFileError(f"{where} must be {what}, got {str(value)[:60]!r}; the file was not written by seqlab")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Int:
    def __init__(self, min: int | None = None):
        self.min, self.what = min, "an integer" + (f" >= {min}" if min is not None else "")

    def check(self, value, where):
        if not _is_int(value) or (self.min is not None and value < self.min):
            raise _refuse(where, self.what, value)


class Number:
    what = "a finite number"

    def check(self, value, where):
        if not (_is_int(value) or isinstance(value, float)) or not math.isfinite(value):
            raise _refuse(where, self.what, value)


class Str:
    what = "a string"

    def check(self, value, where):
        if not isinstance(value, str):
            raise _refuse(where, self.what, value)


class Bool:
    what = "true or false"

    def check(self, value, where):
        if not isinstance(value, bool):
            raise _refuse(where, self.what, value)


class Optional:
    def __init__(self, inner):
        self.inner, self.what = inner, f"{inner.what} or null"

    def check(self, value, where):
        if value is not None:
            self.inner.check(value, where)


class OneOf:
    def __init__(self, *choices):
        self.choices, self.what = choices, " or ".join(c.what for c in choices)

    def check(self, value, where):
        for choice in self.choices:
            try:
                return choice.check(value, where)
            except ModelFileError:
                continue
        raise _refuse(where, self.what, value)


class ListOf:
    def __init__(self, item, min_length: int = 0, length: int | None = None):
        self.item, self.min_length, self.length = item, min_length, length
        size = f"{length}" if length is not None else f"at least {min_length}" if min_length else "any number of"
        self.what = f"a list of {size} items ({item.what})"

    def check(self, value, where):
        if not isinstance(value, list) or len(value) < self.min_length or (
                self.length is not None and len(value) != self.length):
            raise _refuse(where, self.what, value)
        for i, item in enumerate(value):
            self.item.check(item, f"{where}[{i}]")


class Fields:
    what = "a JSON object"

    def __init__(self, fields: dict):
        self.fields = fields

    def check(self, value, where):
        if not isinstance(value, dict):
            raise _refuse(where, self.what, value)
        for key, schema in self.fields.items():
            if key not in value:
                if isinstance(schema, Optional):
                    continue
                raise ModelFileError(f"{where} has no {key!r}; the file was not written by seqlab")
            schema.check(value[key], f"{where}.{key}")


def check(value: Any, schema, where: str) -> None:
    """Raise ModelFileError unless ``value`` fits ``schema``; ``where`` names the file in the message."""
    if isinstance(schema, Fields) and isinstance(value, dict):
        for key, inner in schema.fields.items():  # top-level fields read "file.json: key"
            Fields({key: inner}).check(value, where) if key not in value else inner.check(value[key], f"{where}: {key}")
        return
    schema.check(value, where)


SCALER = Fields({"class_name": Str(), "config": Fields({}), "columns": Optional(ListOf(Str())),
                 "scale": ListOf(Number(), min_length=1), "offset": ListOf(Number(), min_length=1)})
