"""Every Python block in README.md runs, as written, so the README cannot drift from the code.

Blocks are collected from the file at test time (a new block is tested by being written); each runs
in a fresh namespace in a temporary working directory, so files it saves land there.
"""
import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(), flags=re.M | re.S)


def _first_line(code: str) -> str:
    return next(line for line in code.splitlines() if line.strip() and not line.startswith(("import", "from")))


def test_the_readme_has_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md block starting {_first_line(code)!r}", "exec"), {"__name__": "readme"})


# ----- the README's command lines ---------------------------------------------------------------------------
# Every ``seqlab ...`` line of a ```bash block (and the part after ``&&`` of the install line), and every
# ``seqlab ...`` command in a table row, is a command a reader will paste. Each is parsed exactly as
# written; then all of them run, in order, in one empty folder (later lines use the runs earlier ones wrote,
# and shell lines such as ``printf ... > file`` run in a shell), with FAST options appended so the suite stays
# quick: argparse takes an option's last value, so the README's own values are overridden, nothing else.
# ``tests/test_readme.py::test_readme_commands_run_as_written`` in the README_AS_WRITTEN=1 environment runs
# them without FAST (minutes: the README's real training lengths).
import os  # noqa: E402
import shlex  # noqa: E402

from seqlab.cli import build_parser, main  # noqa: E402

_TEXT = README.read_text()
_BASH = [line.split("  #")[0].strip() for block in re.findall(r"^```bash\n(.*?)^```", _TEXT, flags=re.M | re.S)
         for line in block.splitlines() if line.strip()]
_INLINE = [cmd for line in _TEXT.splitlines() if line.lstrip().startswith("|")
           for cmd in re.findall(r"`(seqlab [^`]+)`", line)]
_PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.\w+)?$")           # RUN_DIR, DATA, FILE.csv: a template, not a command


def _commands() -> list[str]:
    lines = []
    for line in _BASH + _INLINE:
        tail = line.split("&&")[-1].strip()
        if tail.startswith("seqlab ") and not any(_PLACEHOLDER.match(w) for w in shlex.split(tail)):
            lines.append(tail)
        elif not line.startswith(("seqlab ", "pip ", "python3 ")):
            lines.append(line)                                # a shell line (printf ... > file)
    return list(dict.fromkeys(lines))


COMMANDS = _commands()
FAST = {  # command words -> options appended in the test (not in the README) to keep it quick
    "quickstart": ["--epochs", "2"], "forecast": ["--epochs", "2"],
    "classify": ["--epochs", "1", "--ensemble", "1", "--maxlen", "10", "--units", "4"],
    "generate train": ["--steps", "3"], "seq2seq train": ["--n", "300", "--epochs", "1"],
    "detect": ["--epochs", "1"], "som": ["--iterations", "100"], "rbm": ["--epochs", "1"],
    "synth": ["--epochs", "1", "--iterations", "2", "--metric-iterations", "2", "--n", "8", "--units", "4",
              "--batch-size", "512"],
}


def _words(argv: list[str]) -> str:
    return " ".join(argv[1:3]) if argv[1] in ("generate", "seq2seq") else argv[1]


def test_the_readme_has_command_lines():
    assert {"quickstart", "forecast", "classify", "predict", "generate train", "seq2seq train", "detect", "synth",
            "som", "rbm"} <= {_words(shlex.split(c)) for c in COMMANDS if c.startswith("seqlab ")}


@pytest.mark.parametrize("line", [c for c in COMMANDS if c.startswith("seqlab ")])
def test_readme_command_parses_as_written(line, capsys):
    args = build_parser().parse_args(shlex.split(line)[1:])
    assert callable(args.func) and capsys.readouterr().err == ""


def test_readme_commands_run_as_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    as_written = os.environ.get("README_AS_WRITTEN") == "1"
    for line in COMMANDS:
        if not line.startswith("seqlab "):
            assert os.system(line) == 0, line
            continue
        argv = shlex.split(line)
        extra = [] if as_written else FAST.get(_words(argv), [])
        if "--tagger" in argv and not as_written:
            extra = ["--streams", "12", "--epochs", "1"]
        assert main([*argv[1:], *extra]) == 0, f"{line}\n{capsys.readouterr().err}"
        capsys.readouterr()
