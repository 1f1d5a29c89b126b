"""The ``seqlab`` command line. Each command group lives in its own module under ``seqlab.cli``
and exposes ``add_parser(subparsers)``, which registers the command and sets ``func`` to a
function of the parsed arguments that returns an exit status.

A command's ``--encoding`` (``args.encoding``) is in effect while it runs: every reader of ``seqlab.data``
reads its files in that encoding (``seqlab.data.csv.reading_encoding``).

Any ``SeqlabError`` (bad input) or ``OSError`` (a full disk, a read-only folder) becomes one line on
stderr and exit status 2. Every parser uses
``HelpFormatter`` (docstring line breaks kept, defaults shown), and a command's ``description`` may be
its module docstring: ``help_text`` strips the reStructuredText literal markup for the terminal.

>>> main(["--version"])  # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import functools
import importlib
import os
import re
import sys
import textwrap
import warnings

from seqlab.cli.common import check_arguments
from seqlab.data.archives import with_archives_named
from seqlab.data.csv import reading_encoding
from seqlab.io.errors import SeqlabError, os_error_line
from seqlab.io.modeldir import seqlab_version

# Command modules, in the order ``seqlab --help`` lists them. A module that is not there yet is skipped.
COMMAND_MODULES = [
    "quickstart", "forecast", "classify", "generate", "seq2seq", "music", "predict", "detect", "synth",
    "som", "rbm", "summary", "datasets", "bench", "tune", "export",
]


def help_text(doc: str | None) -> str | None:
    """Return ``doc`` (a docstring or help string) without the reStructuredText literal markup
    (two backquotes either side) that a terminal would print as is; None stays None.

    >>> help_text("``seqlab som DATA``: writes ``umatrix.png``")
    'seqlab som DATA: writes umatrix.png'
    """
    return None if doc is None else re.sub(r"``(.+?)``", r"\1", doc, flags=re.DOTALL)


class HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Help layout of every seqlab command.

    The description keeps its paragraphs and its indented lines (command examples stay one per
    line); a paragraph of prose is re-wrapped to the terminal width. An option's help gets
    ``(default: X)`` appended, unless the default is None, False or empty, or the help already
    says its default (``"default: per model"``).
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        blocks, prose = [], []
        for line in text.strip("\n").splitlines() + [""]:
            if line.strip() and not line[0].isspace():
                prose.append(line.strip())
                continue
            if prose:
                blocks.append(textwrap.fill(" ".join(prose), width, initial_indent=indent,
                                            subsequent_indent=indent, break_on_hyphens=False))
                prose = []
            blocks.append(indent + line.rstrip() if line.strip() else "")
        return "\n".join(blocks).rstrip("\n")

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if "default" in text or default is None or default is False or default == "" or (
                default is argparse.SUPPRESS or not action.option_strings and action.nargs not in ("?", "*")):
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser with seqlab's help formatting and one-line usage errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["description"] = help_text(kwargs.get("description"))
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # argparse's own usage errors: one line, exit 2
        self.exit(2, f"seqlab: error: {message} (see 'seqlab {self.prog.split(' ', 1)[-1]} --help')\n"
                  if " " in self.prog else f"seqlab: error: {message} (see 'seqlab --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="seqlab", description="Deep learning for sequence data, on PyTorch.")
    parser.add_argument("--version", action="version", version=f"seqlab {seqlab_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"seqlab.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"seqlab.cli.{name}":
                continue
            raise
        module.add_parser(sub)
    return parser


def commands(parser: argparse.ArgumentParser | None = None) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command and sub-command of ``parser`` (default: ``build_parser()``) with its parser, keyed by
    its words: ``("forecast",)``, ``("generate", "train")``, ...

    >>> ("generate", "sample") in commands()
    True
    """
    found = {}
    for action in (parser or build_parser())._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[(name,)] = sub
                found.update({(name, *words): p for words, p in commands(sub).items()})
    return found


def _one_line_warning(message, category, filename, lineno, file=None, line=None, seen=None) -> None:
    """seqlab's own warnings on the command line: ``seqlab: warning: ...`` on one line, not Python's two
    (the file path and source line mean nothing to a user), each message once (``seen``: those printed; a file
    read twice, to guess its columns and to load them, warns once); other libraries' warnings as Python prints
    them."""
    if category is UserWarning and "seqlab" in str(filename):
        if seen is not None and str(message) in seen:
            return
        print(f"seqlab: warning: {with_archives_named(str(message), members=True)}", file=file or sys.stderr)
        if seen is not None:
            seen.add(str(message))
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():
            warnings.showwarning = functools.partial(_one_line_warning, seen=set())
            check_arguments(args)
            with reading_encoding(getattr(args, "encoding", None)):
                return int(args.func(args) or 0)
    except SeqlabError as e:
        print(f"seqlab: error: {with_archives_named(str(e), members=True)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("seqlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (seqlab datasets | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 1
    except OSError as e:  # a full disk, a read-only folder, ...: the writers have removed their temp files
        print(f"seqlab: error: {os_error_line(e)}", file=sys.stderr)
        return 2
