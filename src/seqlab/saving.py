"""Deprecated path, kept for one release: ``load`` now lives in ``seqlab.tasks.loading``
(``seqlab.load`` is the name to use)."""
import warnings

from seqlab.tasks.loading import load

warnings.warn("seqlab.saving is deprecated and goes in the next release; use seqlab.load",
              DeprecationWarning, stacklevel=2)

__all__ = ["load"]
