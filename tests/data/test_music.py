"""The chorale encoding (seqlab.data.music): exact round trip of real chorales, the lenient reading of samples."""
from fractions import Fraction

import pytest

from seqlab.data import music
from seqlab.io.errors import DataError

music21 = pytest.importorskip("music21")


@pytest.fixture(scope="module")
def chorales():
    """Three of the Bach chorales inside music21: a pickup bar (bwv66.6), ties in 3/4 (bwv11.6), 3/2 (bwv123.6)."""
    return {name: music21.corpus.parse(f"bach/{name}") for name in ("bwv66.6", "bwv11.6", "bwv123.6")}


def test_the_encoding_round_trips_real_chorales_exactly(chorales):
    for name, score in chorales.items():
        tokens = music.encode_chorale(score)
        back = music.decode_chorale(tokens)
        assert music.score_events(back) == music.score_events(score), name      # every note, rest, tie, bar
        assert music.encode_chorale(back) == tokens
        notes = sum(len(p.flatten().notesAndRests) for p in score.parts)
        assert sum(t in (music.REST,) or bool(music.PITCH.match(t)) for t in tokens) == notes


def test_the_token_stream_reads_as_the_module_says(chorales):
    tokens = music.encode_chorale(chorales["bwv66.6"])
    assert tokens[:6] == ["<s>", "|", "ts:4/4", "key:3", "V1", "C#5"] and tokens[-1] == "</s>"
    assert tokens.count("|") == len(chorales["bwv66.6"].parts[0].getElementsByClass("Measure"))
    first_bar = music.parse_tokens(tokens).bars[0]
    assert [sum(e.length for e in v) for v in first_bar.voices] == [Fraction(1)] * 4   # the pickup: one beat
    assert any(e.tied for bar in music.parse_tokens(music.encode_chorale(chorales["bwv11.6"])).bars
               for v in bar.voices for e in v)


def test_scores_the_encoding_cannot_hold_are_refused(chorales):
    score = music21.stream.Score([music21.stream.Part() for _ in range(3)])
    with pytest.raises(DataError, match="4 parts"):
        music.encode_chorale(score)
    with pytest.raises(DataError, match="token 3"):
        music.parse_tokens(["<s>", "|", "d1", "</s>"])
    with pytest.raises(DataError, match="needs a length"):
        music.parse_tokens(["<s>", "|", "V1", "C4", "V2"])


def test_a_sample_is_read_leniently_and_written_as_midi_music21_reads_back(chorales, tmp_path):
    noisy = ["<s>", "|", "V1", "d1", "C5", "d1", "X9", "V2", "E4", "C4", "d1", "~", "</s>", "G4"]
    chorale = music.parse_tokens(noisy, strict=False)          # left out: d1 with no pitch, X9, E4 with no length
    assert chorale.dropped == 3
    assert chorale.bars[0].voices == [[music.Event("C5", Fraction(1))], [music.Event("C4", Fraction(1), True)]]
    info = music.write_midi(noisy, tmp_path / "noisy.mid")
    assert info == {"bars": 1, "notes": 2, "dropped_tokens": 3}
    assert len(music21.converter.parse(tmp_path / "noisy.mid").flatten().notes) == 2
    tokens = music.encode_chorale(chorales["bwv66.6"])
    info = music.write_midi(tokens, tmp_path / "piece.mid")
    back = music21.converter.parse(tmp_path / "piece.mid")
    original = chorales["bwv66.6"]
    assert len(back.parts) == 4
    for read, written in zip(back.parts, original.parts):
        assert [(float(n.offset), n.pitch.midi, float(n.quarterLength)) for n in read.stripTies().flatten().notes] \
            == [(float(n.offset), n.pitch.midi, float(n.quarterLength)) for n in written.stripTies().flatten().notes]
    assert info["notes"] == sum(len(p.flatten().notes) for p in original.parts)


def test_piano_roll_notes_merge_ties_and_follow_the_bars():
    tokens = ["<s>", "|", "V1", "G4", "d2", "~", "V2", "C4", "d1", "r", "d1",
              "|", "V1", "G4", "d1", "A4", "d1", "V2", "E4", "d2", "</s>"]
    assert music.piano_roll_notes(tokens) == [(67, 0.0, 3.0, 0), (60, 0.0, 1.0, 1), (64, 2.0, 2.0, 1),
                                              (69, 3.0, 1.0, 0)]


def test_a_lenient_decode_keeps_the_voices_together():
    score = music.decode_chorale(["<s>", "|", "V1", "C5", "d2", "V2", "E4", "d1", "|", "V1", "D5", "d1"], strict=False)
    offsets = [[float(m.offset) for m in p.getElementsByClass("Measure")] for p in score.parts]
    assert offsets == [[0.0, 2.0]] * 4          # the short alto and the missing voices are filled with rests


def test_the_grammar_allows_whole_bars_only_and_no_end_before_min_bars():
    vocab = ["<unk>", "<s>", "</s>", "|", "V1", "V2", "V3", "V4", "C4", "r", "d1", "d2", "~", "ts:2/4", "key:0"]
    ids = {t: i for i, t in enumerate(vocab)}
    bar = [ids[t] for t in ["|", "ts:2/4", "key:0", "V1", "C4", "d1"]]
    grammar = music.ChoraleGrammar(vocab, min_bars=2)

    def allowed(tokens):
        grammar.states.clear()                   # a fresh row each time (the grammar reads rows incrementally)
        return {vocab[i] for i in grammar([tokens])[0].nonzero()[:, 0].tolist()}

    assert allowed(bar) == {"C4", "r", "~", "V2"}                    # the first bar may be a pickup
    assert allowed(bar[:-1]) == {"d1", "d2"}
    whole = bar + [ids["C4"], ids["d1"]] + [ids[t] for v in ("V2", "V3", "V4") for t in (v, "r", "d2")]
    assert allowed(whole) == {"|"}                                    # one bar: no end before two
    second = whole + [ids[t] for t in ("|", "V1", "C4", "d1")]
    assert allowed(second) == {"C4", "r", "~"}                        # V1 of the 2/4 bar is not full yet
    assert allowed(second + [ids[t] for t in ("r", "d1", "V2", "r", "d1", "C4")]) == {"d1"}   # V2 fills V1's 2
    grammar.min_bars = None
    assert allowed(whole) == {"|", "</s>"}
