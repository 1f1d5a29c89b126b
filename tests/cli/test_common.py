"""``seqlab.cli.common``: the shared options (one spelling, one dest, one help text in every command),
the deprecated spellings, and the run-directory sequence."""
import argparse
import re

import numpy as np
import pandas as pd
import pytest

from seqlab.cli import commands, main
from seqlab.cli.common import DEPRECATED, SHARED, Described, add_arguments, thread_count, training_run
from seqlab.io.errors import DataError

COMMANDS = commands()
FLAGS = {arg.flag: dest for dest, arg in SHARED.items()}
FILE_OUT = (("generate", "inspect"), ("music", "sample"))   # their --out is the HTML or MIDI file written
TAKEN = sorted((words, flag) for words, p in COMMANDS.items() for a in p._actions for flag in a.option_strings
               if flag in FLAGS and not (words in FILE_OUT and flag == "--out")
               and words != ("tune",)     # its options follow COMMAND ARGS...: tests/cli/test_tune.py parses them
               and words != ("export",))  # export: --format is the format written, --out the directory it goes to
OLD = sorted((words, flag) for words, p in COMMANDS.items() for a in p._actions for flag in a.option_strings
             if flag in DEPRECATED)


def _minimal_argv(parser: argparse.ArgumentParser) -> list[str]:
    """Values for the positionals and required options of ``parser`` (enough to parse, not to run)."""
    argv = []
    for a in parser._actions:
        value = str(next(iter(a.choices))) if a.choices else "1"
        if not a.option_strings and a.nargs != "?" and not isinstance(a, argparse._SubParsersAction):
            argv.append(value)
        elif a.required:
            argv += [a.option_strings[0], value]
    return argv


def _value_for(dest: str) -> tuple[str, object]:
    arg = SHARED[dest]
    if arg.choices:
        return str(arg.choices[-1]), arg.choices[-1]
    if dest == "time_budget":
        return "90s", 90.0
    if dest == "encoding":
        return "shift_jis", "shift_jis"
    return {int: ("3", 3), float: ("0.25", 0.25), str: ("somewhere", "somewhere"), thread_count: ("3", 3)}[arg.type]


def test_the_tables_cover_every_training_command():
    taken = {words for words, _ in TAKEN}
    for words in [("forecast",), ("quickstart",), ("classify",), ("generate", "train"), ("seq2seq", "train"),
                  ("detect",), ("synth",), ("som",), ("rbm",)]:
        assert (words, "--out") in TAKEN and (words, "--seed") in TAKEN, words
    assert ("bench",) in taken and len(OLD) == 6
    for words in [("forecast",), ("classify",), ("predict",), ("detect",), ("synth",), ("generate", "train"),
                  ("generate", "inspect"), ("seq2seq", "train"), ("som",), ("rbm",)]:   # every command reading files
        assert (words, "--encoding") in TAKEN, words


@pytest.mark.parametrize("argv", [["forecast", "data.csv", "--target", "y"], ["detect", "data.csv"],
                                  ["generate", "train", "names.txt"], ["predict", "runs/x", "new.csv"]])
def test_an_unknown_encoding_is_one_usage_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as refused:
        main([*argv, "--encoding", "utf-9"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and err.count("\n") == 1
    assert err.startswith("seqlab: error: argument --encoding: unknown encoding 'utf-9': give one Python knows")


@pytest.mark.parametrize("words,flag", TAKEN, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_a_shared_flag_parses_to_the_same_dest_with_the_same_help_everywhere(words, flag, capsys):
    parser, dest = COMMANDS[words], FLAGS[flag]
    action = next(a for a in parser._actions if flag in a.option_strings)
    assert action.option_strings == [flag] and action.dest == dest
    assert action.help.startswith(SHARED[dest].help.format(command=words[0]))
    text, value = _value_for(dest)
    args = parser.parse_args([*_minimal_argv(parser), flag, text])
    assert getattr(args, dest) == value
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_no_command_spells_a_shared_option_another_way(words):
    for a in COMMANDS[words]._actions:
        if a.dest in SHARED and a.option_strings and a.help != argparse.SUPPRESS:
            quiet = a.dest == "verbose" and a.const == 0                          # -q/--quiet: --verbose 0
            expected = ["-q", "--quiet"] if quiet else [SHARED[a.dest].flag]
            assert a.option_strings == expected, (words, a.option_strings)


@pytest.mark.parametrize("words,old", OLD, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v)
def test_an_old_spelling_works_and_says_once_what_to_use(words, old, capsys):
    parser, alias = COMMANDS[words], DEPRECATED[old]
    text, value = _value_for(alias.dest) if alias.const is None else (None, alias.const)
    args = parser.parse_args([*_minimal_argv(parser), old, *[text] * (text is not None)])
    assert getattr(args, alias.dest) == value
    new = parser.parse_args([*_minimal_argv(parser), SHARED[alias.dest].flag, text or str(value)])
    assert vars(new) == vars(args)
    err = capsys.readouterr().err
    assert err.splitlines() == [f"seqlab: {old} is deprecated and will be removed in the next release; "
                                f"use {alias.use()}"]
    assert not re.search(rf"(?<![\w-]){old}(?![\w-])", parser.format_help())           # hidden from --help


def test_an_old_spelling_keeps_the_new_options_default():
    args = COMMANDS[("forecast",)].parse_args(["x.csv", "--target", "y"])
    assert (args.learning_rate, args.validation_split, args.verbose) == (1e-3, 0.1, 1)


def test_a_described_default_is_none_and_shown_in_help():
    p = argparse.ArgumentParser(prog="seqlab demo")
    add_arguments(p, "demo", batch_size=Described("64 text, 16 series"), out=None)
    assert p.parse_args([]).batch_size is None
    text = " ".join(p.format_help().split())
    assert "examples per mini-batch (default: 64 text, 16 series)" in text
    assert "run directory (default: runs/demo-<timestamp>)" in text


@pytest.mark.parametrize("argv,flag", [
    (["detect", "data.csv", "--epochs", "0"], "--epochs"),
    (["forecast", "data.csv", "--target", "y", "--batch-size", "0"], "--batch-size"),
    (["classify", "events", "--tagger", "--patience", "-1"], "--patience"),
    (["quickstart", "--threads", "0"], "--threads"),
])
def test_impossible_shared_values_are_one_line_and_exit_2(argv, flag, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{flag} must be >=" in err
    assert list(tmp_path.iterdir()) == []


def _args(out):
    return argparse.Namespace(out=str(out), threads=None, func=None, seed=0)


def test_training_run_writes_everything_then_prints_what_and_where(tmp_path, capsys):
    out = tmp_path / "run"
    with training_run(_args(out), "demo") as run:
        run.json("metrics.json", {"rmse": np.float32(0.5)})
        assert run.history({"loss": [1.0, 0.5]}) and not run.history({})
        run.report("demo", [("Metrics", {"rmse": 0.5})])
        run.say("rmse 0.5")
        assert not out.exists() and capsys.readouterr().out == ""
    assert {p.name for p in out.iterdir()} == {"metrics.json", "history.json", "loss.png", "report.html"}
    report = (out / "report.html").read_text()
    assert "&quot;seed&quot;: 0" in report and "func" not in report              # the settings, without func
    assert capsys.readouterr().out.splitlines() == ["rmse 0.5", "", f"report:  {out / 'report.html'}",
                                                    f"model:   {out / 'model'}"]


def test_a_failed_training_run_leaves_nothing_and_prints_nothing(tmp_path, capsys):
    out = tmp_path / "runs" / "nested" / "run"
    with pytest.raises(DataError):
        with training_run(_args(out), "demo") as run:
            run.json("metrics.json", {})
            run.say("never printed")
            raise DataError("bad data")
    assert list(tmp_path.iterdir()) == [] and capsys.readouterr().out == ""


def test_a_command_that_fails_while_training_leaves_no_half_written_run(tmp_path, capsys):
    data = tmp_path / "table.csv"
    pd.DataFrame(np.random.default_rng(0).normal(size=(20, 3)), columns=list("abc")).to_csv(data, index=False)
    out = tmp_path / "runs" / "det"
    assert main(["detect", str(data), "--epochs", "1", "--batch-size", "500", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "batch_size" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.csv"]
