"""What every seqlab command shares: its registration, the shared options and the run-directory sequence.

**Commands.** ``add_command(sub, "detect", run, help=...)`` registers a command (its ``--help`` text is
``run``'s docstring); ``add_command_group`` a command with sub-commands; ``add_run_dir`` the RUN_DIR
of a command that uses a trained model.

**Options.** ``add_arguments(parser, command, epochs=100, seed=0, ...)`` adds the shared options a
command takes, each with one spelling (Keras's words: ``--epochs``, ``--batch-size``,
``--learning-rate``, ``--patience``, ``--validation-split``, ``--seed``, ``--verbose``; also ``--out``,
``--threads``, and ``--format``/``--text-col`` of the commands that read labelled files) and one help
text; the command gives its own defaults. A default that depends on the model is written
``Described("per model")``: None on the parser, its text in ``--help``. ``check_arguments(args)``
refuses impossible values (one line, exit 2) before any work is done.

The spellings of the last release stay for one release (``DEPRECATED``), hidden from ``--help``;
using one prints one line on stderr that names the new spelling.

**Run directory.** ``with training_run(args, "detect") as run:`` makes the run directory (``--out``,
default ``runs/<command>-<timestamp>``), trains with ``--threads`` torch threads if the command has
that option, and lets the command write into it (``run.save``, ``run.json``, ``run.history``,
``run.report``); it appears whole when the block ends, or not at all on an error (exit 2 for bad
input). Then the lines the command gave to ``run.say`` are printed, and where the run is.

>>> import argparse
>>> p = argparse.ArgumentParser(prog="seqlab demo")
>>> add_arguments(p, "demo", epochs=10, learning_rate=Described("per model"))
>>> p.parse_args(["--epochs", "3"])
Namespace(epochs=3, learning_rate=None)
"""
from __future__ import annotations

import argparse
import contextlib
import inspect
import math
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab.data.formats import FORMATS
from seqlab.io.errors import ConfigError, SeqlabError, TrainingDivergedError
from seqlab.io.rundir import default_out, run_directory


@dataclass(frozen=True)
class Shared:
    """One shared option: its flag, value type, help text (``{command}`` is filled in) and checks."""
    flag: str
    help: str
    type: Any = int
    choices: tuple | None = None
    minimum: float | None = None   # check_arguments refuses smaller values


SHARED = {
    "epochs": Shared("--epochs", "most passes over the training data; early stopping may end sooner", minimum=1),
    "batch_size": Shared("--batch-size", "examples per mini-batch", minimum=1),
    "learning_rate": Shared("--learning-rate", "learning rate: the size of each update step", float),
    "patience": Shared("--patience", "epochs without improvement on the validation data before training stops "
                                     "(best weights kept)", minimum=0),
    "validation_split": Shared("--validation-split", "part of the training data held out for validation and early "
                                                     "stopping: a fraction, 0 for none", float, minimum=0),
    "seed": Shared("--seed", "random seed"),
    "verbose": Shared("--verbose", "training output: 0 silent, 1 progress, 2 one line per epoch", choices=(0, 1, 2)),
    "threads": Shared("--threads", "CPU threads torch may use; 1 is fastest for small networks on a shared machine",
                      minimum=1),
    "out": Shared("--out", "run directory (default: runs/{command}-<timestamp>)", str),
    "format": Shared("--format", "how the data files are read: csv (a row per series), ucr (.tsv/.txt, label "
                                 "first), ts (sktime/aeon) or text", str, choices=FORMATS),
    "text_col": Shared("--text-col", "the text column of a CSV of texts (implies --format text)", str),
}


@dataclass(frozen=True)
class Alias:
    """A spelling of the last release, accepted by ``commands`` until the next release."""
    dest: str
    commands: frozenset
    const: Any = None   # the value of an old flag that took none (``--quiet``: verbose 0)

    def use(self) -> str:
        return SHARED[self.dest].flag + ("" if self.const is None else f" {self.const}")


DEPRECATED = {
    "--lr": Alias("learning_rate", frozenset({"forecast", "quickstart", "classify"})),
    "--val-size": Alias("validation_split", frozenset({"forecast", "quickstart"})),
    "--quiet": Alias("verbose", frozenset({"forecast", "quickstart"}), const=0),
    "--batch": Alias("batch_size", frozenset({"bench"})),
}


class Described(str):
    """A default that depends on the model or the data: None on the parser, this text in ``--help``."""


class _OldSpelling(argparse.Action):
    """Sets the new option's value and says, on one stderr line, which spelling to use instead."""

    def __init__(self, option_strings, dest, use: str, const=None, **kwargs):
        super().__init__(option_strings, dest, nargs=None if const is None else 0, const=const,
                         help=argparse.SUPPRESS, **kwargs)
        self.use = use

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"seqlab: {option_string} is deprecated and will be removed in the next release; use {self.use}",
              file=sys.stderr)
        setattr(namespace, self.dest, self.const if self.nargs == 0 else values)


def add_arguments(parser, command: str, **defaults) -> None:
    """Add the shared options named by ``defaults`` (``epochs=100, seed=0, out=None, ...``) to ``parser``
    (or an argument group), with this command's defaults, and the old spellings ``command`` had."""
    for dest, default in defaults.items():
        arg = SHARED[dest]
        text = arg.help.format(command=command)
        if isinstance(default, Described):
            text, default = f"{text} (default: {default})", None
        parser.add_argument(arg.flag, dest=dest, type=arg.type, default=default, choices=arg.choices, help=text)
        for old, alias in DEPRECATED.items():
            if alias.dest == dest and command in alias.commands:   # after the new flag: its default stands
                parser.add_argument(old, dest=dest, action=_OldSpelling, use=alias.use(), const=alias.const,
                                    **({} if alias.const is not None else {"type": arg.type}))


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse a shared option below its minimum, and any option whose number is NaN or infinite
    (ConfigError: one line, exit 2)."""
    for dest, value in vars(args).items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"--{dest.replace('_', '-')} must be a finite number, got {value}")
    for dest, arg in SHARED.items():
        value = getattr(args, dest, None)
        if arg.minimum is not None and value is not None and value < arg.minimum:
            raise ConfigError(f"{arg.flag} must be >= {arg.minimum:g}, got {value}")


def given(**options) -> dict:
    """The options the user gave (not None), as keyword arguments: a task keeps its own default for the rest."""
    return {k: v for k, v in options.items() if v is not None}


def add_command(sub, name: str, run, help: str, description: str | None = None) -> argparse.ArgumentParser:
    """Register ``seqlab ... NAME``, which calls ``run(args)``; ``--help`` describes it with ``description``
    (default: ``run``'s docstring: prose, then example lines indented under it). Returns its parser, to
    add its options to."""
    p = sub.add_parser(name, help=help, description=description or inspect.getdoc(run))
    p.set_defaults(func=run)
    return p


def add_command_group(sub, name: str, help: str, description: str, commands: list[str]):
    """Register ``seqlab NAME`` with sub-commands (``generate train|sample``); returns the group to add them to
    (with ``add_command``). ``seqlab NAME`` alone prints its help and exits 2."""
    p = sub.add_parser(name, help=help, description=description)
    group = p.add_subparsers(dest=f"{name}_command", metavar="{" + ",".join(commands) + "}")
    p.set_defaults(func=lambda args: p.print_help() or 2)
    return group


def add_run_dir(parser, written_by: str) -> None:
    """The positional RUN_DIR of a command that uses a trained model: a run directory or its ``model/``."""
    parser.add_argument("run_dir", help=f"run directory of {written_by} (or its model/)")


@contextlib.contextmanager
def torch_threads(n: int | None):
    """Run the block with ``n`` torch CPU threads (None: leave the setting), then restore the setting."""
    import torch

    previous = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@dataclass
class Run:
    """A run directory being written: files go to ``dir`` (a hidden folder beside ``out``) and appear at
    ``out`` when the command succeeds."""
    dir: Path
    out: Path
    settings: dict
    lines: list[str] = field(default_factory=list)
    diverged: list = field(default_factory=list)  # divergences of the fits so far (seqlab.train.divergence)

    def save(self, model, name: str = "model") -> None:
        """The model directory (config.json, model.safetensors, preprocessing.json)."""
        model.save(self.dir / name)

    def json(self, name: str, data) -> None:
        from seqlab.inspect.report import write_json

        write_json(self.dir / name, data)

    def history(self, history: dict, png: str = "loss.png", plotted: dict | None = None, **plot_options) -> bool:
        """``history.json`` and the plot of its curves (``plotted``: the ones to draw, default all), if it
        holds any (a model that does not train has none); returns whether there is a plot."""
        from seqlab.inspect.plots import plot_history

        self.json("history.json", history)
        curves = history if plotted is None else plotted
        if curves:
            plot_history(curves, self.dir / png, **plot_options)
        return bool(curves)

    def report(self, title: str, sections: list) -> None:
        """``report.html``: the sections, then the run's settings and files."""
        from seqlab.inspect.report import write_report

        if self.diverged:
            sections = [("Training diverged", self.diverged[-1].message())] + list(sections)
        write_report(self.dir, title, sections, settings=self.settings)

    def say(self, line: str) -> None:
        """A line to print once the run directory is written."""
        self.lines.append(line)


@contextlib.contextmanager
def training_run(args: argparse.Namespace, command: str):
    """The run-directory sequence of a command that trains (see the module docstring); yields a ``Run``.

    If training diverged (NaN/inf loss, ``seqlab.train.divergence``) the report says when and what was
    kept and the command fails (one line, exit 2) after writing the run; with no validated model to
    keep, nothing is written."""
    from seqlab.train.divergence import recording

    out = Path(args.out) if args.out else default_out(command)
    with torch_threads(getattr(args, "threads", None)), recording() as diverged, warnings.catch_warnings(), \
            run_directory(out) as tmp:
        warnings.filterwarnings("ignore", "the loss became NaN or infinite", RuntimeWarning)  # said once, below
        run = Run(tmp, out, settings={k: v for k, v in vars(args).items() if k != "func"}, diverged=diverged)
        try:
            yield run
        except SeqlabError:
            if diverged:  # the error came from the diverged model: say what really happened
                raise TrainingDivergedError(diverged[-1].summary(None)) from None
            raise
        if diverged and diverged[-1].kept_epoch is None:
            raise TrainingDivergedError(diverged[-1].summary(None))
    for line in run.lines:
        print(line)
    print(f"run written to {out}; open {out / 'report.html'}")
    if diverged:
        raise TrainingDivergedError(diverged[-1].summary(out))
