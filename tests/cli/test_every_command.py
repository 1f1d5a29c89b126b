"""Every command behaves the same way where commands overlap (issue 19): a bundled data set name
works where a file is taken, a missing file gets one wording, every training command ends with the
same closing block, takes ``--threads``, ``-q`` and (where it reads a table) ``--columns``/``--drop``.

``TRAINING`` holds, per training command, the smallest run of it on bundled data; a command added to
the CLI without a row here fails ``test_every_training_command_is_listed``.
"""
import pytest
import torch

from seqlab.cli import commands, main
from seqlab.cli.common import missing_file

# command words -> (argv of a tiny run on bundled data, extra argv trying --columns/--drop or None)
TRAINING = {
    ("quickstart",): (["quickstart", "--epochs", "1", "--units", "4"], None),
    ("forecast",): (["forecast", "airline-passengers", "--target", "Passengers", "--time-col", "Month",
                     "--epochs", "1", "--units", "4"], ["--columns", "Passengers,Month"]),
    ("classify",): (["classify", "italy-power-demand", "--epochs", "1", "--model", "mlp"], None),
    ("generate", "train"): (["generate", "train", "names", "--lines", "--model", "bigram", "--steps", "3",
                             "--samples", "2"], None),
    ("seq2seq", "train"): (["seq2seq", "train", "--task", "reversal", "--n", "60", "--units", "8", "--epochs", "1",
                            "--embedding-dim", "4"], None),
    ("music", "train"): (["music", "train", "bach-chorales", "--limit", "4", "--steps", "2", "--eval-every", "1",
                          "--units", "8", "--n-embd", "4", "--block-size", "8", "--max-tokens", "40"], None),
    ("detect",): (["detect", "credit-card-applications", "--label-col", "Class", "--epochs", "1"],
                  ["--drop", "CustomerID"]),
    ("synth",): (["synth", "timegan-stock", "--seq-len", "4", "--model", "rnn", "--epochs", "1", "--units", "4",
                  "--metric-iterations", "2", "--n", "8", "--batch-size", "512"], ["--columns", "Open,Close"]),
    ("som",): (["som", "credit-card-applications", "--label-col", "Class", "--iterations", "50", "--x", "3",
                "--y", "3"], ["--drop", "CustomerID"]),
    ("rbm",): (["rbm", "credit-card-applications", "--hidden", "3", "--epochs", "1", "--columns", "A1,A8,A9,A11"],
               ["--columns", "A1,A8,A9,A11,Class"]),
}
# commands that read a file given on the command line -> argv with FILE where the file goes
TAKES_A_FILE = {
    ("forecast",): ["forecast", "FILE", "--target", "y"],
    ("classify",): ["classify", "FILE"],
    ("generate", "train"): ["generate", "train", "FILE"],
    ("seq2seq", "train"): ["seq2seq", "train", "FILE"],
    ("music", "train"): ["music", "train", "FILE"],
    ("detect",): ["detect", "FILE"],
    ("synth",): ["synth", "FILE", "--seq-len", "4"],
    ("som",): ["som", "FILE"],
    ("rbm",): ["rbm", "FILE"],
    ("predict",): ["predict", "RUN", "FILE"],
    ("generate", "inspect"): ["generate", "inspect", "RUN", "FILE", "--unit", "0"],
}
TABLES = [words for words, (_, columns) in TRAINING.items() if columns] + [("predict",)]
IDS = " ".join


def _trains(parser) -> bool:
    return any("--epochs" in a.option_strings or "--iterations" in a.option_strings for a in parser._actions)


def test_every_training_command_is_listed():
    assert {words for words, p in commands().items() if _trains(p)} == set(TRAINING)


@pytest.mark.parametrize("words", sorted(TRAINING), ids=IDS)
def test_threads_and_quiet_on_every_training_command(words):
    parser = commands()[words]
    flags = {f for a in parser._actions for f in a.option_strings}
    assert {"--threads", "--compile", "-q", "--quiet", "--verbose"} <= flags


@pytest.mark.parametrize("words", sorted(TABLES), ids=IDS)
def test_columns_and_drop_on_every_command_that_reads_a_table(words):
    flags = {f for a in commands()[words]._actions for f in a.option_strings}
    assert {"--columns", "--drop"} <= flags


@pytest.fixture(scope="module")
def a_run(tmp_path_factory):
    """A saved run for the commands that take RUN_DIR (a recurrent generator: generate inspect needs one)."""
    out = tmp_path_factory.mktemp("run") / "gen"
    assert main(["generate", "train", "names", "--lines", "--model", "rnn", "--steps", "2", "--samples", "1",
                 "-q", "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("words", sorted(TAKES_A_FILE), ids=IDS)
def test_a_missing_file_gets_the_same_line_from_every_command(words, a_run, tmp_path, capsys):
    argv = [str(a_run) if v == "RUN" else "no-such-file.csv" if v == "FILE" else v for v in TAKES_A_FILE[words]]
    if words in TRAINING:
        argv += ["--out", str(tmp_path / "out")]
    capsys.readouterr()
    assert main(argv) == 2
    assert capsys.readouterr().err == f"seqlab: error: {missing_file('no-such-file.csv')}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("words", sorted(TRAINING), ids=IDS)
def test_every_training_command_on_bundled_data(words, tmp_path, capsys, monkeypatch):
    """Bundled name accepted; --threads used while training; progress on stderr; the closing block on stdout;
    --columns/--drop where the command reads a table; -q silences the progress."""
    argv, columns = TRAINING[words]
    set_to = []
    set_threads = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: set_to.append(n) or set_threads(n))
    out = tmp_path / "run"
    assert main([*argv, *(columns or []), "--threads", "2", "--out", str(out)]) == 0
    stdout, stderr = capsys.readouterr()
    assert set_to[0] == 2 and torch.get_num_threads() == set_threads.__self__.get_num_threads()
    lines = stdout.splitlines()
    closing = lines[-4:] if lines[-1].startswith(("predict:", "sample:", "translate:")) else lines[-3:]
    assert closing[0].startswith("plot:    ") and closing[1] == f"report:  {out / 'report.html'}", stdout
    assert (out / closing[0].split()[-1].rsplit("/", 1)[-1]).is_file()
    assert f"model:   {out / 'model'}" in lines and (out / "model" / "config.json").is_file()
    assert stderr.strip() and "error" not in stderr, stderr                     # progress, on stderr
    assert main([*argv, "-q", "--out", str(tmp_path / "quiet")]) == 0
    assert capsys.readouterr().err == ""
