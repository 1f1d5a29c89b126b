"""Nothing public disappears: every name, command, sub-command, option and choice of the release stays.

``public_surface.json`` beside this file is a snapshot of the public surface: the ``__all__`` of the
package and of its public modules, the error classes, and for every command and sub-command of
``seqlab`` (walking the argparse parsers of ``seqlab.cli.commands()``) its option strings, its
positional arguments and the choices each of them accepts. The test fails when anything in the
snapshot is gone; new names, commands, options and choices are allowed.

Write the snapshot again (only when a release deliberately drops something, or to record new
surface) with::

    python tests/contracts/test_public_surface.py --regenerate

and commit the file; ``python tests/contracts/test_public_surface.py`` prints the current surface.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
import warnings
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("public_surface.json")

# Modules whose ``__all__`` is public API. ``seqlab.sequential`` and ``seqlab.saving`` are the
# release's import paths of Sequential and load (deprecated facades, kept for one release).
PUBLIC_MODULES = ["seqlab", "seqlab.layers", "seqlab.tasks", "seqlab.data", "seqlab.callbacks", "seqlab.datasets",
                  "seqlab.sequential", "seqlab.saving"]


def _import(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(name)


def module_names(module) -> list[str]:
    """The public names of ``module``: its ``__all__``, plus any public function defined in it."""
    names = set(getattr(module, "__all__", []))
    names |= {n for n, v in vars(module).items() if not n.startswith("_") and inspect.isfunction(v)
              and v.__module__ == module.__name__}
    return sorted(names)


def error_classes() -> list[str]:
    """Every ``SeqlabError`` subclass a user can catch, as exposed by ``seqlab.io.errors``."""
    errors = _import("seqlab.io.errors")
    return sorted(n for n, v in vars(errors).items() if inspect.isclass(v) and issubclass(v, errors.SeqlabError))


def command_surface(parser: argparse.ArgumentParser) -> dict:
    """``{option or positional: sorted choices}`` of one (sub-)command's own parser; a
    sub-command group appears as the positional ``{command}`` with the sub-commands as choices."""
    surface = {}
    for action in parser._actions:
        choices = sorted(str(c) for c in action.choices) if action.choices else []
        if action.option_strings:
            for option in action.option_strings:
                surface[option] = choices
        else:
            surface[f"<{action.dest}>"] = choices
    return dict(sorted(surface.items()))


def surface() -> dict:
    """The public surface of the installed ``seqlab`` (what the snapshot holds)."""
    cli = _import("seqlab.cli")
    parser = cli.build_parser()
    every = {("seqlab",): parser} | {("seqlab", *words): p for words, p in cli.commands(parser).items()}
    return {
        "modules": {name: module_names(_import(name)) for name in PUBLIC_MODULES},
        "errors": error_classes(),
        "commands": {" ".join(words): command_surface(p) for words, p in every.items()},
    }


def missing(old: dict, new: dict) -> list[str]:
    """What ``old`` (the snapshot) holds that ``new`` (the current surface) does not, one line each."""
    gone = []
    for module, names in old["modules"].items():
        current = set(new["modules"].get(module, []))
        gone += [f"{module}.{n}" for n in names if n not in current]
    gone += [f"error class {n}" for n in old["errors"] if n not in new["errors"]]
    for words, options in old["commands"].items():
        if words not in new["commands"]:
            gone.append(f"command '{words}'")
            continue
        now = new["commands"][words]
        for option, choices in options.items():
            if option not in now:
                gone.append(f"'{words}' {option}")
            else:
                gone += [f"'{words}' {option} choice {c!r}" for c in choices if c not in now[option]]
    return gone


def test_nothing_in_the_snapshot_has_disappeared():
    snapshot = json.loads(SNAPSHOT.read_text())
    assert missing(snapshot, surface()) == []


def test_every_name_in_the_snapshot_can_be_used():
    """``__all__`` may list a name the module cannot give (a lazy import gone wrong); each one must resolve."""
    snapshot = json.loads(SNAPSHOT.read_text())
    for module, names in snapshot["modules"].items():
        m = _import(module)
        for name in names:
            assert getattr(m, name, None) is not None, f"{module}.{name} is listed but cannot be imported"
    seqlab = _import("seqlab")
    for name in snapshot["errors"]:
        assert issubclass(getattr(seqlab, name), seqlab.SeqlabError), f"seqlab.{name} is not a SeqlabError"


def test_missing_names_each_option_and_choice():
    old = {"modules": {"m": ["a", "b"]}, "errors": ["E"],
           "commands": {"seqlab x": {"--lr": [], "--model": ["gru", "lstm"]}, "seqlab y": {}}}
    new = {"modules": {"m": ["a", "c"]}, "errors": ["E", "F"],
           "commands": {"seqlab x": {"--model": ["lstm", "rnn"], "--new": []}}}
    assert missing(old, new) == ["m.b", "'seqlab x' --lr", "'seqlab x' --model choice 'gru'", "command 'seqlab y'"]
    assert missing(old, old) == []


if __name__ == "__main__":
    text = json.dumps(surface(), indent=1) + "\n"
    if sys.argv[1:] == ["--regenerate"]:
        SNAPSHOT.write_text(text)
        print(f"wrote {SNAPSHOT}")
    else:
        sys.stdout.write(text)
