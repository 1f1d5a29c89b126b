"""Generation: ``CharGenerator``, ``WordGenerator``, ``MusicGenerator``, ``Seq2Seq``, ``GAN``, ``TimeGAN``, and
the synthetic-data scores.

The family never imports another family; what two families share lives in ``seqlab.data`` or
``seqlab.inspect``. Classes load on first use (``seqlab.tasks.generation.CharGenerator``).
"""
from __future__ import annotations

from seqlab.tasks.registry import task_class

NAMES = ("CharGenerator", "Seq2Seq", "GAN", "TimeGAN", "ImageToSequence", "WordGenerator",
         "MusicGenerator")


def __getattr__(name: str):
    if name in NAMES:
        return task_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(NAMES)
