"""What every seqlab command shares: its registration, the shared options and the run-directory sequence.

**Commands.** ``add_command(sub, "detect", run, help=...)`` registers a command (its ``--help`` text is
``run``'s docstring); ``add_command_group`` a command with sub-commands; ``add_run_dir`` the RUN_DIR
of a command that uses a trained model.

**Options.** ``add_arguments(parser, command, epochs=100, seed=0, ...)`` adds the shared options a
command takes, each with one spelling (Keras's words: ``--epochs``, ``--batch-size``,
``--learning-rate``, ``--patience``, ``--validation-split``, ``--seed``, ``--verbose``; also ``--out``,
``--threads``, ``--encoding`` of the commands that read files, and ``--format``/``--text-col`` of the commands
that read labelled files) and one help text; the command gives its own defaults. A default that depends on
the model is written ``Described("per model")``: None on the parser, its text in ``--help``. ``check_arguments(args)``
refuses impossible values (one line, exit 2) before any work is done.

The spellings of the last release stay for one release (``DEPRECATED``), hidden from ``--help``;
using one prints one line on stderr that names the new spelling.

Every command that trains takes ``--threads`` (default: one thread, the rule measured in
``seqlab.train.threads``), ``--compile [MODE]`` (``seqlab.train.compiling``) and ``--verbose`` with
``-q``/``--quiet`` (progress: one line per epoch on stderr by default, none with ``-q``).

**Input files.** ``input_file(value)`` is the one way a command finds a file it was given: a path, or
the name of a bundled data set (``seqlab datasets``) standing for its stored file (gzipped files are
read as they are, a zip or tar archive as what it holds); anything else is one error, worded the same in
every command (``missing_file``).
``add_table_options(p)`` adds ``--columns``/``--drop`` to a command that reads a table, and
``read_table(args, value)`` reads it: the selected columns, and a pandas index column
(``Unnamed: 0``) dropped with a note on stderr.

**Run directory.** ``with training_run(args, "detect") as run:`` makes the run directory (``--out``,
default ``runs/<command>-<timestamp>``), trains with ``--threads`` torch threads, sends whatever is
printed while it trains (progress) to stderr, and lets the command write into it (``run.save``,
``run.json``, ``run.history``, ``run.report``); it appears whole when the block ends, or not at all
on an error (exit 2 for bad input). Then the closing block is printed on stdout, the same in every
command: the lines given to ``run.say`` (metrics), those given to ``run.verdict`` (the model
against its baselines), then ``plot:``, ``report:``, ``model:`` and the command that reuses the
model (``run.plot``, ``run.reuse``; see ``Run.closing``).

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
import shlex
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seqlab.data.formats import FORMATS
from seqlab.io.errors import ConfigError, DataError, SeqlabError, TrainingDivergedError
from seqlab.io.rundir import default_out, run_directory
from seqlab.train.budget import BUDGET_RULE, FIXED_BUDGET_RULE, TIME_BUDGET_HELP, parse_duration
from seqlab.train.compiling import MODES as COMPILE_MODES
from seqlab.train.compiling import compiling
from seqlab.train.threads import using_threads


def thread_count(text: str):
    """``--threads`` values: a whole number, or ``all`` (every core)."""
    if text.strip().lower() == "all":
        return "all"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid thread count {text!r}: give a whole number or 'all'") from None


def _encoding(text: str) -> str:
    """``--encoding`` values: a text encoding Python knows (``seqlab.data.csv.checked_encoding``; a usage error,
    exit 2, otherwise). ``seqlab.cli.main`` reads every file of the command in it (``reading_encoding``)."""
    from seqlab.data.csv import checked_encoding

    try:
        return checked_encoding(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _duration(text: str) -> float:
    """``--time-budget`` values: seconds from ``90s``, ``10m``, ``1h`` (a usage error, exit 2, otherwise)."""
    try:
        return parse_duration(text)
    except ConfigError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


@dataclass(frozen=True)
class Shared:
    """One shared option: its flag, value type, help text (``{command}`` is filled in) and checks."""
    flag: str
    help: str
    type: Any = int
    choices: tuple | None = None
    minimum: float | None = None   # check_arguments refuses smaller values


SHARED = {
    "epochs": Shared("--epochs", "passes over the training data: exactly this many (a given --patience with "
                                 "validation data may end sooner)", minimum=1),
    "batch_size": Shared("--batch-size", "examples per mini-batch", minimum=1),
    "learning_rate": Shared("--learning-rate", "learning rate: the size of each update step", float),
    "patience": Shared("--patience", "epochs without improvement on the validation data before training stops "
                                     "(best weights kept)", minimum=0),
    "validation_split": Shared("--validation-split", "part of the training data held out for validation and early "
                                                     "stopping: a fraction, 0 for none", float, minimum=0),
    "seed": Shared("--seed", "random seed"),
    "time_budget": Shared("--time-budget", TIME_BUDGET_HELP, _duration),
    "verbose": Shared("--verbose", "training output: 0 silent, 1 progress, 2 one line per epoch", choices=(0, 1, 2)),
    "threads": Shared("--threads", "CPU threads torch trains with, or 'all' (default: 1, measured fastest for "
                                   "seqlab's small networks, most of all on a busy machine)", thread_count, minimum=1),
    "out": Shared("--out", "run directory (default: runs/{command}-<timestamp>)", str),
    "format": Shared("--format", "how the data files are read: csv (a row per series), ucr (.tsv/.txt, label "
                                 "first), ts (sktime/aeon), arff (Weka, univariate), text, or signals (a folder "
                                 "of a text file per channel beside y_train.txt, as UCI HAR)", str, choices=FORMATS),
    "text_col": Shared("--text-col", "the column of a CSV/TSV that holds the texts, or several columns separated "
                                     "by commas (title,body): each row's values joined in that order by '. ', "
                                     "empty cells skipped (a column whose own name holds a comma stays that column; "
                                     "classify: implies --format text; generate: each value an item)",
                       str),   # each command says its default
    "encoding": Shared("--encoding", "the text encoding of the input files, e.g. shift_jis, gbk, utf-16, latin-1: "
                                     "read in exactly this one (default: UTF-8, else Windows-1252 or Latin-1 with a "
                                     "warning; UTF-16 after its byte-order mark)", _encoding),
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
    "--batch": Alias("batch_size", frozenset({"bench"})),
}


class Described(str):
    """A default that depends on the model or the data: None on the parser, this text in ``--help``."""


ADAPTIVE = Described("the adaptive budget described below")  # --epochs/--steps of the training commands


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
        if dest == "time_budget" and isinstance(parser, argparse.ArgumentParser):   # the one statement of the rule
            adaptive = any(a.dest == "epochs" and a.default is None for a in parser._actions)
            parser.epilog = BUDGET_RULE if adaptive else FIXED_BUDGET_RULE
        if dest == "threads" and not any("--compile" in a.option_strings for a in parser._actions):
            # every command that trains: --threads and --compile go together
            parser.add_argument("--compile", nargs="?", const="default", default=None, metavar="MODE",
                                choices=COMPILE_MODES, help="train (and predict) through torch.compile: slow "
                                "first epoch, then faster steps; MODE: " + ", ".join(COMPILE_MODES) +
                                " (default when given without MODE: default); falls back to eager with a note")
        if dest == "verbose":
            parser.add_argument("-q", "--quiet", dest="verbose", action="store_const", const=0,
                                help="no progress output while training (--verbose 0)")
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
        if arg.minimum is not None and isinstance(value, (int, float)) and value < arg.minimum:
            raise ConfigError(f"{arg.flag} must be >= {arg.minimum:g}, got {value}")


def missing_file(value) -> str:
    """The one wording of "no such file" in every command (``value`` as the user typed it)."""
    return (f"file not found: {value}; give a file path, or the name of a bundled data set "
            "(seqlab datasets lists them)")


def input_file(value, split: str = "train") -> Path:
    """The file a command was given: ``value`` itself when it exists (a file or a folder), else the stored
    file of the bundled data set named ``value`` (``split``: "train" or "test" for a set that comes split);
    otherwise DataError with ``missing_file``'s wording. A zip or tar archive of several files is the folder
    it unpacks to (``seqlab.data.archives``: ``GunPoint.zip``, ``aclImdb_v1.tar.gz``), and of one file that file."""
    from seqlab import datasets
    from seqlab.data.archives import is_packed, unpacked

    path = Path(value)
    if is_packed(path):
        return unpacked(path)
    if path.exists():
        return path
    if datasets.is_bundled(value):
        return datasets.data_file(value, split)
    raise DataError(missing_file(value))


def add_table_options(parser) -> None:
    """``--columns`` and ``--drop``, for a command that reads a table (see ``read_table``)."""
    parser.add_argument("--columns", help="use only these columns of the table (comma-separated); the columns "
                                          "other options name (label, time, target) are kept as well")
    parser.add_argument("--drop", help="leave these columns of the table out (comma-separated), e.g. an id column")


def names_of(text: str | None) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``; None or empty -> ``[]``."""
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def select_columns(frame, args, keep=(), source="the table"):
    """``frame`` with ``--columns``/``--drop`` of ``args`` applied (``keep``: columns other options name, kept
    whatever ``--columns`` says; a name with commas that is not a column, ``--text-col title,body``, keeps each)
    and a pandas index column (``Unnamed: 0``, written by ``DataFrame.to_csv`` without ``index=False``) dropped
    with a note on stderr, unless ``--columns`` names it or it holds distinct times (a time index written so: the
    time of each row). A name that is not a column is a DataError listing the columns."""
    wanted, dropped = names_of(getattr(args, "columns", None)), names_of(getattr(args, "drop", None))
    for option, names in (("--columns", wanted), ("--drop", dropped)):
        missing = [c for c in names if c not in frame.columns]
        if missing:
            raise DataError(f"{source}: column(s) {', '.join(map(repr, missing))} not found (named by {option}); "
                            f"columns are: {', '.join(map(str, frame.columns))}")
    keep = [part for c in keep if c for part in ([c] if c in frame.columns else names_of(c))]   # "Date,Time", "a,b"
    index_cols = [c for c in frame.columns if str(c).startswith("Unnamed: ") and c not in wanted + list(keep)
                  and not _holds_times(frame[c])]   # a headerless column of times is the time (UCI's electricity)
    if index_cols:
        print(f"seqlab: note: {source}: left out column(s) {', '.join(index_cols)} (a column without a header, "
              "such as the index pandas writes; name it in --columns to use it)", file=sys.stderr)
    if wanted:
        frame = frame[[c for c in frame.columns if c in wanted or c in keep]]
    return frame.drop(columns=[c for c in [*index_cols, *dropped] if c in frame.columns and c not in keep])


def _holds_times(column) -> bool:
    """Whether a column's values all read as distinct times (``seqlab.data.csv.as_dates``)."""
    from seqlab.data.csv import as_dates

    dates = as_dates(column)
    return dates is not None and dates.is_unique


def read_table(args, value, keep=(), **read_options):
    """Read the table ``value`` (a CSV path, ``.gz`` too, or a bundled data set name) with ``--columns``,
    ``--drop`` and the index-column rule of ``select_columns`` applied; ``read_options`` go to
    ``seqlab.data.csv.read_frame`` (``thousands=``, ``dtype=str``...). The frame remembers its file in
    ``frame.attrs["source"]``, which the readers of ``seqlab.data`` use in their messages."""
    from seqlab.data.csv import read_frame

    path = input_file(value)
    frame = select_columns(read_frame(path, **read_options), args, keep, source=str(value))
    frame.attrs["source"] = str(path if Path(value).exists() else value)
    return frame


def leave_out_row_labels(args, table, exclude=(), source="the table"):
    """``table`` without the columns that label or count its rows (an ``id``, a row number 0, 1, 2, ...:
    ``seqlab.data.series.row_label_columns``) when the user chose no columns (no ``--columns``/``--drop``; then
    the table is theirs, as given), and the warning lines that name what was left out, for stderr once the
    command has done its work. ``exclude``: columns other options name (label, time), never left out."""
    from seqlab.data.series import row_label_columns

    if getattr(args, "columns", None) or getattr(args, "drop", None):
        return table, [], []
    dropped = row_label_columns(table, exclude=[c for c in exclude if c])
    if not dropped:
        return table, [], []
    kept = table.drop(columns=dropped)
    kept.attrs = dict(table.attrs)   # the file's name, for the readers' messages
    return kept, dropped, [
        f"seqlab: warning: {source}: left out column(s) {', '.join(map(repr, dropped))}: they label or count the "
        "rows (an id, a row number), they do not measure anything (--columns or --drop choose the columns)"]


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


def torch_threads(n):
    """Run the block with ``n`` torch CPU threads (None: the default rule of ``seqlab.train.threads``), then
    restore the setting."""
    return using_threads(n)


RUN_DIR = object()   # in Run.reuse's words: the run directory, known once the run is written


@dataclass
class Run:
    """A run directory being written: files go to ``dir`` (a hidden folder beside ``out``) and appear at
    ``out`` when the command succeeds."""
    dir: Path
    out: Path
    settings: dict
    lines: list[str] = field(default_factory=list)
    diverged: list = field(default_factory=list)  # divergences of the fits so far (seqlab.train.divergence)
    verdicts: list[str] = field(default_factory=list)
    plot: str | None = None                  # the main plot, named in the closing block
    reuse: tuple[str, list] | None = None    # (what, words of the command that uses the model; RUN_DIR: the run)

    def save(self, model, name: str = "model", input: dict | None = None) -> None:
        """The model directory (config.json, model.safetensors, preprocessing.json); ``input`` (how the
        command read its training table: columns, label/time columns, format) goes beside them as
        ``input.json``, so ``seqlab predict`` reads the same kind of file the same way, with the ``--encoding``
        the command was given."""
        model.save(self.dir / name)
        encoding = self.settings.get("encoding")
        if input is not None or encoding:
            self.json(f"{name}/input.json", {**(input or {}), **({"encoding": encoding} if encoding else {})})

    def json(self, name: str, data) -> None:
        from seqlab.inspect.report import write_json

        write_json(self.dir / name, data)

    def history(self, history: dict, png: str = "loss.png", plotted: dict | None = None,
                training: dict | None = None, **plot_options) -> bool:
        """``history.json`` and the plot of its curves (``plotted``: the ones to draw, default all), if it
        holds any (a model that does not train has none); returns whether there is a plot. ``training``
        (a task's ``training_``: epochs, steps, why it stopped) is kept in ``history.json`` too."""
        from seqlab.inspect.plots import plot_history

        self.json("history.json", history if training is None else {**history, "training": training})
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
        """A line of the closing block (metrics), printed once the run directory is written."""
        self.lines.append(line)

    def verdict(self, line: str) -> None:
        """A line of the closing block saying how the model did against its baselines (after the metrics)."""
        self.verdicts.append(line)

    def closing(self) -> str:
        """The closing block every command prints: metrics, verdict, then where things are and how to reuse
        the model::

            test accuracy 0.9812  macro F1 0.9570
            verdict: beats the majority class (accuracy 0.8655)

            plot:    runs/classify-1/confusion.png
            report:  runs/classify-1/report.html
            model:   runs/classify-1/model
            predict: seqlab predict runs/classify-1 sms-spam
        """
        out = self.out
        lines = [*self.lines, *(v if v.startswith("verdict:") else f"verdict: {v}" for v in self.verdicts), ""]
        if self.plot:
            lines.append(f"plot:    {out / self.plot}")
        lines += [f"report:  {out / 'report.html'}", f"model:   {out / 'model'}"]
        if self.reuse:
            from seqlab.data.archives import archive_named

            what, words = self.reuse
            command = shlex.join(str(out) if w is RUN_DIR else archive_named(str(w)) for w in words)
            lines.append(f"{what + ':':<8} {command}")
        return "\n".join(lines)


@contextlib.contextmanager
def training_run(args: argparse.Namespace, command: str):
    """The run-directory sequence of a command that trains (see the module docstring); yields a ``Run``.

    If training diverged (NaN/inf loss, ``seqlab.train.divergence``) the report says when and what was
    kept and the command fails (one line, exit 2) after writing the run; with no validated model to
    keep, nothing is written."""
    from seqlab.train.divergence import recording

    out = Path(args.out) if args.out else default_out(command)
    with torch_threads(getattr(args, "threads", None)), compiling(getattr(args, "compile", None)), \
            recording() as diverged, warnings.catch_warnings(), run_directory(out) as tmp:
        warnings.filterwarnings("ignore", "the loss became NaN or infinite", RuntimeWarning)  # said once, below
        run = Run(tmp, out, settings={k: v for k, v in vars(args).items() if k != "func"}, diverged=diverged)
        try:
            with contextlib.redirect_stdout(sys.stderr):      # progress while training: stderr; results: stdout
                yield run
        except SeqlabError:
            if diverged:  # the error came from the diverged model: say what really happened
                raise TrainingDivergedError(diverged[-1].summary(None)) from None
            raise
        if diverged and diverged[-1].kept_epoch is None:
            raise TrainingDivergedError(diverged[-1].summary(None))
    print(run.closing())
    if diverged:
        raise TrainingDivergedError(diverged[-1].summary(out))


TIME_OF_DAY = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"   # 17:24, 17:24:00, 17:24:00.5: no date


def only_time_column(table, exclude=()) -> str | None:
    """The time column when ``--time-col`` is not given: the table's only column besides ``exclude`` whose
    values all read as distinct dates of one format (``seqlab.data.csv.as_dates``); None when there is none
    or more than one (rows then stay in file order).

    >>> import pandas as pd
    >>> only_time_column(pd.DataFrame({"Month": ["1949-01", "1949-02"], "Passengers": [112, 118]}))
    'Month'
    >>> only_time_column(pd.DataFrame({"Time": ["17:24:00", "17:25:00"], "Power": [4.2, 5.3]})) is None
    True
    """

    found = []
    for column in (c for c in table.columns if c not in exclude):
        if table[column].astype(str).str.strip().str.fullmatch(TIME_OF_DAY).all():
            continue   # times of day without dates (UCI's Date;Time columns): sorting by them would mix the days
        if _holds_times(table[column]):
            found.append(str(column))
    if found:
        return found[0] if len(found) == 1 else None
    return date_and_time_columns(table, exclude) or calendar_columns(table, exclude)


def date_and_time_columns(table, exclude=()) -> str | None:
    """``"Date,Time"`` when the table has exactly one column of dates (that repeat) and one of times of day (or of
    whole hours named as hours: ``seqlab.data.columns.clock_of_hours``) that together read as distinct times (UCI's
    household power file, its bike sharing ``dteday,hr``), else None; ``with_joined_time`` joins them.

    >>> import pandas as pd
    >>> date_and_time_columns(pd.DataFrame({"Date": ["16/12/2006"] * 2, "Time": ["23:59:00", "23:58:00"]}))
    'Date,Time'
    """
    from seqlab.data.columns import clock_of_hours
    from seqlab.data.csv import as_dates

    columns = [c for c in table.columns if c not in exclude]
    clock = [c for c in columns if clock_of_hours(table[c]).astype(str).str.strip().str.fullmatch(TIME_OF_DAY).all()]
    days = [c for c in columns if c not in clock and as_dates(table[c]) is not None]
    if len(clock) != 1 or len(days) != 1:
        return None
    joined = as_dates(table[days[0]].astype(str) + " " + clock_of_hours(table[clock[0]]).astype(str))
    return f"{days[0]},{clock[0]}" if joined is not None and joined.is_unique else None


def calendar_columns(table, exclude=()) -> str | None:
    """``"year,month,day,hour"`` (the names as the table spells them, joined by commas) when the table's columns
    named as calendar fields (``seqlab.data.columns.is_calendar``: year, month, then optionally day, hour, minute,
    second) hold whole numbers that together are distinct times (the Beijing PM2.5 file's ``year, month, day,
    hour``), else None; ``with_joined_time`` makes them one time.

    >>> import pandas as pd
    >>> calendar_columns(pd.DataFrame({"No": [1, 2], "year": [2010] * 2, "month": [1] * 2, "day": [1] * 2,
    ...                                "hour": [0, 1], "pm2.5": [None, 129.0]}))
    'year,month,day,hour'
    >>> calendar_columns(pd.DataFrame({"year": [2010, 2010], "month": [1, 1], "v": [1, 2]})) is None  # repeats
    True
    """
    import pandas as pd

    from seqlab.data.columns import CALENDAR_PARTS, calendar_times, is_calendar

    named = {str(c).strip().lower(): c for c in table.columns if c not in exclude}
    parts = [named[p] for p in CALENDAR_PARTS if p in named]
    parts = parts[:next((i for i, p in enumerate(CALENDAR_PARTS) if p not in named), len(CALENDAR_PARTS))]
    if not is_calendar(parts):
        return None
    fields = table[parts].apply(pd.to_numeric, errors="coerce")
    if fields.isna().any().any() or not (fields == fields.round()).all().all():
        return None
    times = calendar_times(table[parts])
    return ",".join(map(str, parts)) if times.notna().all() and times.is_unique else None


def guess_time_column(args, table, exclude=(), source="the table") -> list[str]:
    """Without ``--time-col``: set ``args.time_col`` to ``only_time_column(table, exclude)`` and return the note
    that says so (none when nothing was guessed), for stderr once the command has done its work."""
    if args.time_col is not None:
        return []
    args.time_col = only_time_column(table, exclude)
    if args.time_col and args.time_col not in table.columns:   # a date and a time of day, or calendar fields
        *first, last = map(repr, args.time_col.split(","))
        return [f"seqlab: note: reading columns {', '.join(first)} and {last} together as the time of each row "
                f"(--time-col {args.time_col}; --time-col names another)"]
    return [f"seqlab: note: reading column {args.time_col!r} as the time of each row, the only date column of "
            f"{source} (--time-col names another)"] if args.time_col else []
