"""Every command's ``--help``: exits 0, no reStructuredText markup, every option explained, defaults shown."""
import argparse

import pytest

from seqlab.cli import HelpFormatter, commands, help_text, main

COMMANDS = commands()


def test_every_listed_command_is_found():
    assert {"quickstart", "forecast", "classify", "predict", "generate", "seq2seq", "detect", "synth", "som",
            "rbm", "summary", "datasets", "bench"} <= {words[0] for words in COMMANDS}
    assert ("generate", "sample") in COMMANDS and ("seq2seq", "translate") in COMMANDS


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_help_exits_0_without_rst_markup_or_format_escapes(words, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*words, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: seqlab {' '.join(words)}")
    assert "``" not in out and "%%" not in out


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_every_option_has_help_and_a_shown_default(words):
    parser = COMMANDS[words]
    formatter = parser._get_formatter()
    for action in parser._actions:
        if action.dest == "help" or isinstance(action, argparse._SubParsersAction):
            continue
        assert action.help, f"seqlab {' '.join(words)} {action.option_strings or action.dest}: no help"
        shown = formatter._get_help_string(action) % {"default": action.default}
        if action.option_strings and action.default not in (None, False, ""):
            assert "default" in shown, f"{action.option_strings}: default {action.default!r} not shown"


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_no_option_states_two_defaults(words):
    """``predict --help`` said ``--text-col``'s default twice: the shared text's and predict's own."""
    parser = COMMANDS[words]
    formatter = parser._get_formatter()
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            shown = formatter._get_help_string(action) % {"default": action.default}
            assert shown.count("default:") <= 1, f"seqlab {' '.join(words)} {action.option_strings}: {shown}"


def test_help_text_removes_literal_markup_only():
    assert help_text("``seqlab som DATA``: writes ``umatrix.png`` (x < 2)") == \
        "seqlab som DATA: writes umatrix.png (x < 2)"
    assert help_text(None) is None


def test_formatter_keeps_example_lines_and_rewraps_prose():
    parser = argparse.ArgumentParser(prog="demo", formatter_class=HelpFormatter, description=(
        "A first paragraph that\nbreaks early.\n\n    demo --a-long-example-line " + "x" * 60 + "\n"))
    parser.add_argument("--units", type=int, default=32, help="hidden units")
    parser.add_argument("--lr", type=float, help="learning rate (default: per model)")
    text = parser.format_help()
    assert "A first paragraph that breaks early." in text
    assert "    demo --a-long-example-line " + "x" * 60 + "\n" in text
    assert "hidden units (default: 32)" in text
    assert "(default: per model)" in text and "(default: None)" not in text
