"""``seqlab bench``: quick speed checks on this machine, printed as ratios measured in one run.

    seqlab bench recurrent [--units 256 --batch-size 32 --steps 60 --repeats 20 --threads 1]
    seqlab bench recurrent --compile        # adds the readable cell through torch.compile (slow first run)

The full benchmark scripts (accuracy against published figures, trainer overhead, memory of
windowing, ...) live in the repository's ``benchmarks/`` folder.
"""
from __future__ import annotations

import argparse

from seqlab.cli.common import add_arguments, add_command, torch_threads
from seqlab.io.errors import ConfigError


def run(args: argparse.Namespace) -> int:
    from seqlab.inspect.speed import format_speed_table, lstm_speed
    from seqlab.train.compiling import compile_mode

    for name in ("units", "steps", "repeats"):   # --batch-size and --threads: check_arguments
        if getattr(args, name) < 1:
            raise ConfigError(f"--{name} must be at least 1, got {getattr(args, name)}")
    with torch_threads(args.threads):
        print(format_speed_table(lstm_speed(args.units, args.batch_size, args.steps, 1, args.repeats,
                                            compile_mode=compile_mode(args.compile or None))))
    return 0


def add_parser(sub) -> None:
    p = add_command(sub, "bench", run, description=__doc__,
                    help="speed of seqlab's LSTM paths against torch.nn.LSTM, as ratios")
    p.add_argument("what", choices=["recurrent"], help="what to measure")
    p.add_argument("--units", type=int, default=256, help="LSTM units (hidden size)")
    p.add_argument("--steps", type=int, default=60, help="time steps per sequence")
    p.add_argument("--repeats", type=int, default=20, help="timed runs per path; the median is reported")
    p.add_argument("--compile", nargs="?", const="default", default=None, metavar="MODE",
                   help="also time the readable cell compiled with torch.compile (MODE: default, "
                        "reduce-overhead, max-autotune, max-autotune-no-cudagraphs)")
    add_arguments(p, "bench", batch_size=32, threads=1)
