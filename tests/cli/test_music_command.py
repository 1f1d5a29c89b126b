"""``seqlab music train`` / ``seqlab music sample``: a run on a few of music21's Bach chorales, a MIDI
file that music21 reads back, and one line with exit 2 on bad input."""
import json

import pytest

from seqlab.cli import main

music21 = pytest.importorskip("music21")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("music") / "run"
    assert main(["music", "train", "--limit", "5", "--model", "gru", "--steps", "4", "--eval-every", "2",
                 "--units", "8", "--n-embd", "4", "--block-size", "16", "--max-tokens", "60", "-q",
                 "--out", str(out)]) == 0
    return out


def test_train_writes_the_run_with_the_ngram_baseline(run_dir):
    for name in ("model/config.json", "metrics.json", "history.json", "loss.png", "pianoroll.png",
                 "sample.mid", "sample.txt", "report.html"):
        assert (run_dir / name).is_file(), name
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["unit"] == "nats per token" and metrics["test_loss"] > 0
    assert metrics["strong_baseline"]["name"].endswith("-gram, interpolated Kneser-Ney")
    assert metrics["chorales"]["train"] + metrics["chorales"]["validation"] + metrics["chorales"]["test"] == 5
    assert metrics["verdict"].startswith("gru ")


def test_sample_writes_a_midi_file_music21_reads_back(run_dir, tmp_path, capsys):
    capsys.readouterr()
    piece = tmp_path / "piece.mid"
    assert main(["music", "sample", str(run_dir), "--out", str(piece), "--seed", "3", "--max-tokens", "80",
                 "--png", str(tmp_path / "roll.png")]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{piece}: ") and " bars, " in line
    score = music21.converter.parse(piece)
    assert len(score.parts) == 4 and (tmp_path / "roll.png").is_file()
    notes = int(line.split(" bars, ")[1].split()[0])
    assert sum(len(p.stripTies().flatten().notes) for p in score.parts) <= notes


@pytest.mark.parametrize("argv, words", [
    (["music", "sample", "RUN", "--out", "piece.txt"], "--out names the MIDI file"),
    (["music", "sample", "RUN", "--temperature", "0"], "temperature must be > 0"),
    (["music", "train", "--limit", "2"], "--limit must be >= 3"),
])
def test_bad_input_is_one_line_and_exit_2(argv, words, run_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main([str(run_dir) if a == "RUN" else a for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err
    assert not list(tmp_path.iterdir())
