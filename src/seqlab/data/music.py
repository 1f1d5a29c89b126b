"""Four-part chorales as token sequences, and back (seed 001's one-to-many problem: music generation).

**The encoding.** A chorale is read bar by bar; inside a bar, voice by voice (soprano ``V1``, alto
``V2``, tenor ``V3``, bass ``V4``); inside a voice, note by note::

    <s> | ts:4/4 key:3 V1 C#5 d1/2 B4 d1/2 V2 E4 d1 V3 A3 d1 V4 A2 d1 | V1 A4 d1 ~ ... </s>

- ``<s>``/``</s>`` start and end the piece; ``|`` starts a bar; ``ts:4/4`` and ``key:3`` (sharps,
  negative for flats) follow the bar mark where the time or key signature is set (always in the first
  bar);
- a note is two tokens, its spelled pitch (``C#5``, ``B-4``) then its length in quarter notes as an
  exact fraction (``d1``, ``d1/2``, ``d3/2``); a rest is ``r`` then its length; ``~`` after a note
  ties it to the voice's next note.

Why this one: pitch and duration as separate tokens keep the vocabulary small (about 60 pitches and
a dozen lengths instead of several hundred pitch-length pairs), so every token is seen often in
~300 chorales; bars interleaved voice by voice keep the four voices of one bar close together, so a
model with a context of a few hundred tokens sees the harmony it has to continue (a voice-after-voice
layout would put the bass of bar 1 hundreds of tokens after its soprano); and unlike a fixed time
grid (a sixteenth-note piano roll) nothing is quantised, so the encoding is exact: spelled pitches,
lengths, ties, rests, bars, time and key signatures come back as they were
(``decode_chorale(encode_chorale(score))``). Left out: fermatas, lyrics, instrument names,
beaming, stems.

music21 (the ``seqlab[music]`` extra) reads and writes scores; it is imported only by the functions
that need it. The token grammar itself needs nothing:

>>> tokens = ["<s>", "|", "ts:3/4", "key:0", "V1", "C5", "d3", "V2", "r", "d3", "</s>"]
>>> events = parse_tokens(tokens)
>>> events.bars[0].voices[0]
[Event(pitch='C5', length=Fraction(3, 1), tied=False)]
>>> tokens_of(events) == tokens
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from seqlab.io.errors import ConfigError, DataError

START, END, BAR, REST, TIE = "<s>", "</s>", "|", "r", "~"
VOICES = ("V1", "V2", "V3", "V4")           # soprano, alto, tenor, bass
VOICE_NAMES = ("Soprano", "Alto", "Tenor", "Bass")
PITCH = re.compile(r"^[A-G](?:#{1,2}|-{1,2})?-?\d+$")
LENGTH = re.compile(r"^d(\d+)(?:/(\d+))?$")
SCORE_SUFFIXES = (".mxl", ".xml", ".musicxml", ".krn", ".mid", ".midi", ".abc")
BACH = "bach-chorales"                      # the name of music21's Bach chorales where a file is taken
INSTALL = "pip install 'seqlab[music]'"


@dataclass(frozen=True)
class Event:
    """One note (``pitch`` spelled with its octave, e.g. ``"F#4"``) or rest (``pitch=None``) of
    ``length`` quarter notes; ``tied``: tied to the voice's next note."""
    pitch: str | None
    length: Fraction
    tied: bool = False


@dataclass
class Bar:
    """One bar: the events of each voice, and the time (``"3/4"``) or key (sharps) signature set here."""
    voices: list[list[Event]]
    time_signature: str | None = None
    key_sharps: int | None = None


@dataclass
class Chorale:
    """A piece as bars of voices; ``dropped``: tokens ``parse_tokens(strict=False)`` had to leave out."""
    bars: list[Bar] = field(default_factory=list)
    dropped: int = 0

    @property
    def n_voices(self) -> int:
        return max((len(b.voices) for b in self.bars), default=0)


def length_token(length) -> str:
    """``"d"`` and the exact length in quarter notes: ``length_token(0.5) == "d1/2"``.

    >>> length_token(1.5), length_token(Fraction(1, 3))
    ('d3/2', 'd1/3')
    """
    f = Fraction(length).limit_denominator(1 << 12)
    return f"d{f.numerator}" if f.denominator == 1 else f"d{f.numerator}/{f.denominator}"


def tokens_of(chorale: Chorale) -> list[str]:
    """The token sequence of ``chorale`` (see the module docstring)."""
    out = [START]
    for bar in chorale.bars:
        out.append(BAR)
        if bar.time_signature is not None:
            out.append(f"ts:{bar.time_signature}")
        if bar.key_sharps is not None:
            out.append(f"key:{bar.key_sharps}")
        for v, events in enumerate(bar.voices):
            out.append(VOICES[v])
            for e in events:
                out += [e.pitch or REST, length_token(e.length)] + ([TIE] if e.tied else [])
    return out + [END]


def _length(token: str) -> Fraction | None:
    """The length of a ``d3/2`` token (None for any other token, or a zero length)."""
    m = LENGTH.match(token)
    if not m or int(m.group(2) or 1) == 0 or int(m.group(1)) == 0:
        return None
    return Fraction(int(m.group(1)), int(m.group(2) or 1))


def parse_tokens(tokens: list[str], strict: bool = True) -> Chorale:
    """The bars, voices and notes of a token sequence.

    ``strict=True`` (an encoded score) raises ``DataError`` at the first token out of place;
    ``strict=False`` (a model's sample) leaves such tokens out and counts them in ``dropped``: a
    length with no pitch before it, a pitch with no length after it, a note before any bar or voice
    mark, a voice mark out of order. The tokens before ``<s>`` and after ``</s>`` are ignored.
    """
    tokens = list(tokens)
    skipped = tokens.index(START) + 1 if START in tokens else 0
    tokens = tokens[skipped:]
    if END in tokens:
        tokens = tokens[:tokens.index(END)]
    chorale, bar, voice, pending = Chorale(), None, None, False

    def wrong(i: int, why: str) -> None:
        if strict:
            raise DataError(f"token {skipped + i + 1} ({tokens[i]!r}): {why}")
        chorale.dropped += 1

    for i, tok in enumerate(tokens + [END]):
        if pending and _length(tok) is None:          # the note before has no length: left out
            voice.pop()
            pending = False
            wrong(i - 1, "a pitch or rest needs a length (d1, d1/2, ...) after it")
        if tok == END:
            break
        if tok == BAR:
            bar, voice = Bar(voices=[]), None
            chorale.bars.append(bar)
        elif tok.startswith(("ts:", "key:")):
            if bar is None or bar.voices:
                wrong(i, "a signature belongs right after a bar mark |")
            elif re.fullmatch(r"ts:\d+/\d+", tok) and not tok.startswith("ts:0"):
                bar.time_signature = tok[3:]
            elif re.fullmatch(r"key:-?[0-7]", tok):
                bar.key_sharps = int(tok[4:])
            else:
                wrong(i, "not a time (ts:3/4) or key (key:-2) signature")
        elif tok in VOICES:
            if bar is None or VOICES.index(tok) != len(bar.voices):
                wrong(i, "voice marks go V1, V2, V3, V4 in order after a bar mark |")
                voice = None
            else:
                voice = []
                bar.voices.append(voice)
        elif tok == REST or PITCH.match(tok):
            if voice is None:
                wrong(i, "a note needs a bar mark | and a voice mark (V1..V4) before it")
            else:
                voice.append(Event(None if tok == REST else tok, Fraction(0)))
                pending = True
        elif _length(tok) is not None:
            if not pending:
                wrong(i, "a length needs a pitch or a rest r before it")
            else:
                voice[-1] = Event(voice[-1].pitch, _length(tok))
                pending = False
        elif tok == TIE:
            if voice and voice[-1].pitch is not None and not voice[-1].tied:
                voice[-1] = Event(voice[-1].pitch, voice[-1].length, True)
            else:
                wrong(i, "a tie ~ follows a note and its length")
        else:
            wrong(i, "not a chorale token")
    return chorale


# ----- music21 ------------------------------------------------------------------------------
def _music21():
    try:
        import music21
    except ImportError:
        raise ConfigError(f"reading and writing scores needs music21: {INSTALL}") from None
    return music21


def encode_chorale(score) -> list[str]:
    """The tokens of a music21 ``Score`` of four single-line parts (soprano first).

    Raises ``DataError`` for a score this encoding cannot hold exactly: not four parts, a chord or a
    second voice inside a part, a grace note, a bar whose voices differ in length, or a gap between
    notes.
    """
    m21 = _music21()
    parts = list(score.parts)
    if len(parts) != len(VOICES):
        raise DataError(f"a chorale has {len(VOICES)} parts (soprano, alto, tenor, bass); this score has {len(parts)}")
    measures = [list(p.getElementsByClass(m21.stream.Measure)) for p in parts]
    if len({len(m) for m in measures}) != 1 or not measures[0]:
        raise DataError(f"the parts have different numbers of bars: {[len(m) for m in measures]}")
    chorale, position, tied = Chorale(), Fraction(0), [None] * len(parts)
    for k in range(len(measures[0])):
        signatures = {(m[k].timeSignature.ratioString if m[k].timeSignature is not None else None,
                       int(m[k].keySignature.sharps) if m[k].keySignature is not None else None) for m in measures}
        if len(signatures) != 1:
            raise DataError(f"the parts set different time or key signatures in bar {measures[0][k].number}")
        time_signature, key_sharps = signatures.pop()
        bar = Bar(voices=[], time_signature=time_signature, key_sharps=key_sharps)
        if k == 0 and (bar.time_signature is None or bar.key_sharps is None):
            raise DataError("the first bar sets no time or key signature")
        lengths = set()
        for v, part in enumerate(measures):
            m = part[k]
            if m.voices:
                raise DataError(f"bar {m.number} of part {v + 1} holds several voices")
            if Fraction(m.offset).limit_denominator(1 << 12) != position:
                raise DataError(f"bar {m.number} of part {v + 1} starts at {m.offset}, not where the bar "
                                f"before it ends ({float(position)})")
            events, at = [], Fraction(0)
            for n in m.notesAndRests:
                if isinstance(n, m21.chord.Chord) or n.duration.isGrace:
                    raise DataError(f"bar {m.number} of part {v + 1} holds a chord or a grace note")
                if Fraction(n.offset).limit_denominator(1 << 12) != at:
                    raise DataError(f"bar {m.number} of part {v + 1}: a gap or overlap at offset {n.offset}")
                length = Fraction(n.quarterLength).limit_denominator(1 << 12)
                ends_tie = n.tie is not None and n.tie.type in ("stop", "continue") and not n.isRest
                if ends_tie != (tied[v] is not None) or (ends_tie and n.pitch.nameWithOctave != tied[v]):
                    raise DataError(f"bar {m.number} of part {v + 1}: a tie that does not join two equal notes")
                tied_on = n.tie is not None and n.tie.type in ("start", "continue") and not n.isRest
                tied[v] = n.pitch.nameWithOctave if tied_on else None
                events.append(Event(None if n.isRest else n.pitch.nameWithOctave, length, tied_on))
                at += length
            lengths.add(at)
            bar.voices.append(events)
        if len(lengths) != 1:
            raise DataError(f"the voices of bar {measures[0][k].number} differ in length: "
                            f"{sorted(map(float, lengths))}")
        position += lengths.pop()
        chorale.bars.append(bar)
    return tokens_of(chorale)


def decode_chorale(tokens: list[str], strict: bool = True):
    """A music21 ``Score`` (four parts of bars) from a token sequence.

    ``strict=False`` reads a model's sample: out-of-place tokens are left out, a missing voice is a
    rest, and a bar lasts as long as its longest voice (shorter voices end with a rest), so the
    parts stay together. Returns the score.
    """
    m21 = _music21()
    chorale = parse_tokens(tokens, strict)
    if not chorale.bars:
        if strict:
            raise DataError("the tokens hold no bar (no | mark)")
        chorale.bars.append(Bar(voices=[[Event(None, Fraction(4))] for _ in VOICES]))   # a silent bar
    score = m21.stream.Score()
    parts = []
    for name in VOICE_NAMES:
        part = m21.stream.Part()
        part.partName = name
        parts.append(part)
        score.insert(0, part)
    ties = [False] * len(VOICES)
    for number, bar in enumerate(chorale.bars):
        voices = bar.voices + [[] for _ in range(len(VOICES) - len(bar.voices))]
        lengths = [sum((e.length for e in v), Fraction(0)) for v in voices]
        if strict and len(set(lengths)) != 1:
            raise DataError(f"the voices of bar {number + 1} differ in length: {sorted(map(float, set(lengths)))}")
        full = max(lengths)
        for v, (part, events) in enumerate(zip(parts, voices)):
            measure = m21.stream.Measure(number=number)
            if bar.time_signature is not None:
                measure.timeSignature = m21.meter.TimeSignature(bar.time_signature)
            if bar.key_sharps is not None:
                measure.keySignature = m21.key.KeySignature(bar.key_sharps)
            for e in events:
                n = m21.note.Rest(quarterLength=e.length) if e.pitch is None else \
                    m21.note.Note(e.pitch, quarterLength=e.length)
                if e.pitch is not None and (e.tied or ties[v]):
                    n.tie = m21.tie.Tie("continue" if e.tied and ties[v] else "start" if e.tied else "stop")
                ties[v] = e.tied and e.pitch is not None
                measure.append(n)
            if full > lengths[v]:
                measure.append(m21.note.Rest(quarterLength=full - lengths[v]))
                ties[v] = False
            part.append(measure)
    for part, tied in zip(parts, ties):          # a tie left open at the end of a sample
        if tied and not strict:
            part.recurse().notes.last().tie = None
    return score


def score_events(score) -> list[list[tuple]]:
    """Per part, every note and rest as ``(offset, pitch or "r", length, tie type)`` (offsets and
    lengths as fractions of a quarter note), then each bar's ``("bar", offset, time signature, key
    sharps)``: what ``encode_chorale`` keeps, to compare two scores exactly."""
    m21 = _music21()
    out = []
    for part in score.parts:
        rows = []
        for m in part.getElementsByClass(m21.stream.Measure):
            ts, ks = m.timeSignature, m.keySignature
            rows.append(("bar", Fraction(m.offset).limit_denominator(1 << 12),
                         ts.ratioString if ts is not None else None, int(ks.sharps) if ks is not None else None))
        for n in part.flatten().notesAndRests:
            rows.append((Fraction(n.offset).limit_denominator(1 << 12), "r" if n.isRest else n.pitch.nameWithOctave,
                         Fraction(n.quarterLength).limit_denominator(1 << 12), n.tie.type if n.tie else None))
        out.append(rows)
    return out


def bach_chorale_paths() -> list[Path]:
    """The MusicXML files of J. S. Bach's chorales that ship inside music21 (its ``corpus/bach``), sorted."""
    m21 = _music21()
    return sorted(Path(p) for p in m21.corpus.getComposer("bach") if Path(p).suffix in (".mxl", ".xml"))


def score_paths(source: str | Path) -> list[Path]:
    """The score files of ``source``: ``"bach-chorales"`` (music21's), one score file, or a folder of
    them (MusicXML, Humdrum, MIDI, ABC). Raises DataError for a folder without any."""
    if str(source) == BACH:
        return bach_chorale_paths()
    path = Path(source)
    if path.is_dir():
        paths = sorted(p for p in path.rglob("*") if p.suffix.lower() in SCORE_SUFFIXES)
        if not paths:
            raise DataError(f"{path} holds no score files ({', '.join(SCORE_SUFFIXES)})")
        return paths
    if path.suffix.lower() not in SCORE_SUFFIXES:
        raise DataError(f"{path} is not a score file; give MusicXML, Humdrum, MIDI or ABC "
                        f"({', '.join(SCORE_SUFFIXES)})")
    return [path]


def load_chorales(source: str | Path = BACH, limit: int | None = None) -> tuple[list[tuple[str, list[str]]], dict]:
    """Encode every four-part score of ``source`` (see ``score_paths``): returns ``([(name, tokens),
    ...], skipped)``, ``skipped`` counting the scores left out by reason (another number of parts,
    chords, uneven bars; exact repeats of an encoded piece). ``limit``: the first ``limit``
    encodable scores only."""
    m21 = _music21()
    out, skipped, seen = [], {}, set()
    for path in score_paths(source):
        if limit is not None and len(out) >= limit:
            break
        try:
            tokens = encode_chorale(m21.converter.parse(path))
        except DataError as e:
            reason = str(e).split(";")[0] if "parts" in str(e) else "not encodable exactly (" + str(e)[:40] + "...)"
            key = "not four parts" if "parts (soprano" in str(e) else reason
            skipped[key] = skipped.get(key, 0) + 1
            continue
        except Exception as e:  # noqa: BLE001 -- a file music21 cannot read is skipped, and counted
            skipped[f"unreadable ({type(e).__name__})"] = skipped.get(f"unreadable ({type(e).__name__})", 0) + 1
            continue
        if tuple(tokens) in seen:
            skipped["repeat of another piece"] = skipped.get("repeat of another piece", 0) + 1
            continue
        seen.add(tuple(tokens))
        out.append((path.stem, tokens))
    if not out:
        raise DataError(f"no score of {source} could be encoded as a four-part chorale ({skipped})")
    return out, skipped


def write_midi(tokens: list[str], path: str | Path) -> dict:
    """Write the piece of ``tokens`` (read leniently, as a sample) as a standard MIDI file, four
    tracks, at 100 quarter notes a minute. Returns ``{"bars", "notes", "dropped_tokens"}``."""
    m21 = _music21()
    from seqlab.io.atomic import atomic_path

    score = decode_chorale(tokens, strict=False)
    score.insert(0, m21.tempo.MetronomeMark(number=100))
    with atomic_path(path) as tmp:
        score.write("midi", fp=str(tmp))
    chorale = parse_tokens(tokens, strict=False)
    return {"bars": len(chorale.bars), "notes": sum(e.pitch is not None for b in chorale.bars for v in b.voices
                                                    for e in v), "dropped_tokens": chorale.dropped}


def piano_roll_notes(tokens: list[str]) -> list[tuple[int, float, float, int]]:
    """The notes of ``tokens`` (read leniently) as ``(midi pitch, start, length, voice)``, in quarter
    notes from the start, tied notes merged: what a piano roll draws.

    >>> piano_roll_notes(["<s>", "|", "V1", "C4", "d1", "~", "|", "V1", "C4", "d1", "D4", "d1/2"])
    [(60, 0.0, 2.0, 0), (62, 2.0, 0.5, 0)]
    """
    chorale = parse_tokens(tokens, strict=False)
    notes, at, tied_from = [], 0.0, {}          # tied_from[voice]: index of the note a tie continues
    for bar in chorale.bars:
        for v, events in enumerate(bar.voices):
            t = at
            for e in events:
                held = tied_from.pop(v, None)
                if e.pitch is not None:
                    midi = _midi_number(e.pitch)
                    if held is not None and notes[held][0] == midi:
                        p, s, length, _ = notes[held]
                        notes[held] = (p, s, length + float(e.length), v)
                    else:
                        held = len(notes)
                        notes.append((midi, t, float(e.length), v))
                    if e.tied:
                        tied_from[v] = held
                t += float(e.length)
        at += max((float(sum((e.length for e in v), Fraction(0))) for v in bar.voices), default=0.0)
    return sorted(notes, key=lambda n: (n[1], n[3]))


def bar_starts(tokens: list[str]) -> list[float]:
    """Where each bar of ``tokens`` (read leniently) starts, in quarter notes: the bar lines of a piano roll.

    >>> bar_starts(["<s>", "|", "V1", "C4", "d1", "|", "V1", "C4", "d4", "|"])
    [0.0, 1.0, 5.0]
    """
    starts, at = [], 0.0
    for bar in parse_tokens(tokens, strict=False).bars:
        starts.append(at)
        at += max((float(sum((e.length for e in v), Fraction(0))) for v in bar.voices), default=0.0)
    return starts


STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _midi_number(pitch: str) -> int:
    """MIDI number of a spelled pitch: ``_midi_number("C4") == 60``, ``"B-3"`` is 58, ``"B#3"`` is 60."""
    m = re.fullmatch(r"([A-G])(#{1,2}|-{1,2})?(-?\d+)", pitch)
    if not m:
        raise DataError(f"not a spelled pitch: {pitch!r}")
    alter = (m.group(2) or "").count("#") - (m.group(2) or "").count("-")
    return 12 * (int(m.group(3)) + 1) + STEPS[m.group(1)] + alter


class ChoraleGrammar:
    """Which tokens may come next in a chorale: the rules of ``parse_tokens`` plus whole bars (voice
    1 fills the time signature's bar, except in the first bar, a pickup; voices 2-4 last exactly as
    long as voice 1), as a mask for sampling, so every sample reads whole
    (``seqlab.models.language.generate``'s ``constraint``).

    ``grammar(rows)`` takes the tokens written so far per row (ids into ``vocab``, after ``<s>``)
    and returns a ``(len(rows), len(vocab))`` bool mask of the tokens allowed next; it remembers
    how far it has read each row, so each call reads only the new tokens. Where no token fits (a
    remainder no length token can fill) every token is allowed and ``parse_tokens(strict=False)``
    copes. ``min_bars``: ``</s>`` is allowed only after that many bars (a model that cannot count
    bars otherwise ends some pieces after a cadence or two).

    >>> vocab = ["<unk>", "<s>", "</s>", "|", "V1", "V2", "V3", "V4", "C4", "r", "d1", "d2", "~", "ts:4/4", "key:0"]
    >>> grammar = ChoraleGrammar(vocab)
    >>> [vocab[i] for i in grammar([[3, 4, 8]])[0].nonzero()[:, 0].tolist()]
    ['d1', 'd2']
    >>> [vocab[i] for i in grammar([[3, 4, 8, 11, 5, 9]])[0].nonzero()[:, 0].tolist()]   # V1 lasts 2
    ['d1', 'd2']
    >>> [vocab[i] for i in grammar([[3, 4, 8, 11, 5, 9, 11]])[0].nonzero()[:, 0].tolist()]
    ['V3']
    """

    def __init__(self, vocab: list[str], min_bars: int | None = None):
        import torch

        self.vocab, n, self.min_bars = list(vocab), len(vocab), min_bars

        def mask(pred) -> "torch.Tensor":
            return torch.tensor([bool(pred(t)) for t in self.vocab], dtype=torch.bool)

        self.bar, self.end = mask(lambda t: t == BAR), mask(lambda t: t == END)
        self.signatures = mask(lambda t: t.startswith(("ts:", "key:")))
        self.keys = mask(lambda t: t.startswith("key:"))
        self.voices = [mask(lambda t, v=v: t == v) for v in VOICES]
        self.notes = mask(lambda t: t == REST or bool(PITCH.match(t)))
        self.tie = mask(lambda t: t == TIE)
        self.lengths = {i: _length(t) for i, t in enumerate(self.vocab) if _length(t) is not None}
        self.length_mask = mask(lambda t: _length(t) is not None)
        self.everything = torch.ones(n, dtype=torch.bool)
        self.states: list[dict] = []

    def _advance(self, state: dict, token: str) -> None:
        if token == BAR:
            state.update(phase="bar", voice=-1, target=None, bars=state["bars"] + 1)
        elif token.startswith("ts:"):
            top, bottom = token[3:].split("/")
            state.update(phase="ts", bar_length=Fraction(4 * int(top), int(bottom)))
        elif token.startswith("key:"):
            state["phase"] = "key"
        elif token in VOICES:
            v = VOICES.index(token)
            if v == 1:
                state["target"] = state["total"]
            state.update(phase="voice", voice=v, total=Fraction(0), pitch=False)
        elif token == REST or PITCH.match(token):
            state.update(phase="note", pitch=token != REST)
        elif _length(token) is not None:
            state["total"] += _length(token)
            state["phase"] = "length"
        elif token == TIE:
            state.update(phase="tie", pitch=False)

    def _allowed(self, state: dict):
        phase, voice, target, total = state["phase"], state["voice"], state["target"], state["total"]
        if phase == "start":
            return self.bar
        if phase == "bar":
            return self.signatures | self.voices[0]
        if phase in ("ts", "key"):
            return (self.keys if phase == "ts" else self.bar & False) | self.voices[0]
        if phase == "voice":
            return self.notes
        if phase == "note":
            limit = target if voice > 0 else state["bar_length"]
            if limit is None:
                return self.length_mask
            fits = [i for i, length in self.lengths.items() if total + length <= limit]
            allowed = self.length_mask.clone() & False
            allowed[fits] = True
            return allowed
        allowed = self.tie.clone() if phase == "length" and state["pitch"] else self.tie & False
        if voice == 0:
            full = state["bar_length"] is None or total >= state["bar_length"]
            return allowed | (self.notes if not full else self.notes & False) | (
                self.voices[1] if full or state["bars"] == 1 else self.notes & False)
        if total < target:
            return allowed | self.notes
        if voice < len(VOICES) - 1:
            return allowed | self.voices[voice + 1]
        may_end = self.min_bars is None or state["bars"] >= self.min_bars
        return allowed | self.bar | (self.end if may_end else self.end & False)

    def __call__(self, rows: list[list[int]]):
        import torch

        while len(self.states) < len(rows):
            self.states.append({"phase": "start", "voice": -1, "target": None, "total": Fraction(0),
                                "pitch": False, "read": 0, "bars": 0, "bar_length": None})
        out = []
        for state, row in zip(self.states, rows):
            for token in row[state["read"]:]:
                self._advance(state, self.vocab[token])
            state["read"] = len(row)
            allowed = self._allowed(state)
            out.append(allowed if bool(allowed.any()) else self.everything)
        return torch.stack(out)
