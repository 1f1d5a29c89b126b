"""The ``seqlab`` shell itself: help texts, and output piped into a reader that stops early."""
import pytest

from seqlab.cli import main


class _ClosedPipe:
    """A stdout whose reader has gone (``seqlab datasets | head -1``): every write raises BrokenPipeError."""

    def __init__(self, fd: int):
        self.fd = fd

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        pass

    def fileno(self):
        return self.fd


def test_closed_output_pipe_ends_quietly_with_status_1(tmp_path, monkeypatch, capsys):
    with open(tmp_path / "stdout", "w") as f:
        monkeypatch.setattr("sys.stdout", _ClosedPipe(f.fileno()))
        assert main(["datasets"]) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("command", ["quickstart", "forecast", "som", "rbm", "summary", "datasets", "bench"])
def test_help_texts_print_without_format_escapes(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: seqlab {command}") and "%%" not in out
