"""The ``seqlab`` command line. Each command group lives in its own module under ``seqlab.cli``
and exposes ``add_parser(subparsers)``, which registers the command and sets ``func`` to a
function of the parsed arguments that returns an exit status.

Any ``SeqlabError`` (bad input) becomes one line on stderr and exit status 2.

>>> main(["--version"])  # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from seqlab.io.errors import SeqlabError

# Command modules, in the order ``seqlab --help`` lists them. A module that is not there yet is skipped.
COMMAND_MODULES = [
    "quickstart", "forecast", "classify", "generate", "seq2seq", "predict", "detect", "synth",
    "som", "rbm", "summary", "datasets", "bench",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own usage errors: one line, exit 2
        self.exit(2, f"seqlab: error: {message} (see 'seqlab {self.prog.split(' ', 1)[-1]} --help')\n"
                  if " " in self.prog else f"seqlab: error: {message} (see 'seqlab --help')\n")


def build_parser() -> argparse.ArgumentParser:
    from seqlab import __version__

    parser = _Parser(prog="seqlab", description="Deep learning for sequence data, on PyTorch.")
    parser.add_argument("--version", action="version", version=f"seqlab {__version__}")
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


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except SeqlabError as e:
        print(f"seqlab: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("seqlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early (seqlab datasets | head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes
        return 1
