"""Deprecated path, kept for one release: ``Sequential`` now lives in ``seqlab.tasks.sequential``
(``seqlab.Sequential`` is the name to use)."""
import warnings

from seqlab.tasks.sequential import Sequential

warnings.warn("seqlab.sequential is deprecated and goes in the next release; use seqlab.Sequential",
              DeprecationWarning, stacklevel=2)

__all__ = ["Sequential"]
