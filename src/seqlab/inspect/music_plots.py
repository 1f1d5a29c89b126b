"""A piano roll of a piece: one bar per note, time across, pitch up, one colour per voice.

>>> plot_piano_roll([(72, 0.0, 1.0, 0), (60, 0.0, 2.0, 3)], "/tmp/roll.png")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

from seqlab.inspect.plots import new_figure, save_figure

VOICE_COLOURS = ("#d62728", "#2ca02c", "#1f77b4", "#7f4f24")
VOICE_LABELS = ("soprano", "alto", "tenor", "bass")
NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def plot_piano_roll(notes, path: str | Path, title: str = "Piano roll", bars=()) -> Path:
    """Draw ``notes`` (``(midi pitch, start, length, voice)``, times in quarter notes, as
    ``seqlab.data.music.piano_roll_notes`` gives them) to the PNG ``path``, with faint bar lines at
    the times ``bars`` (``seqlab.data.music.bar_starts``). Returns the path."""
    notes = list(notes)
    end = max((s + d for _, s, d, _ in notes), default=4.0)
    fig, ax = new_figure(width=min(16.0, 4.0 + end / 6.0), height=4.5)
    for pitch, start, length, voice in notes:
        ax.broken_barh([(start, length)], (pitch - 0.4, 0.8), facecolors=VOICE_COLOURS[voice % 4],
                       edgecolors="black", linewidth=0.3)
    for v, (colour, label) in enumerate(zip(VOICE_COLOURS, VOICE_LABELS)):
        if any(n[3] == v for n in notes):
            ax.plot([], [], color=colour, linewidth=6, label=label)
    for t in bars:
        if 0 < t < end:
            ax.axvline(t, color="grey", linewidth=0.6, alpha=0.6)
    if notes:
        low, high = min(n[0] for n in notes), max(n[0] for n in notes)
        ticks = [p for p in range(low - low % 12, high + 1, 12) if low - 1 <= p <= high + 1] or [low]
        ax.set_yticks(ticks, [f"{NAMES[p % 12]}{p // 12 - 1}" for p in ticks])
        ax.set_ylim(low - 2, high + 2)
        ax.legend(loc="upper right", fontsize=8, ncol=4)
    ax.set_xlim(0, end)
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    ax.set_title(title)
    return save_figure(fig, path)
