"""Unsupervised: ``Autoencoder``, ``VAE``, ``AnomalyDetector``, ``RBM``, ``DBN``, ``SOM`` and the
recommenders.

The family never imports another family; what two families share lives in ``seqlab.data`` or
``seqlab.inspect``. Classes load on first use (``seqlab.tasks.unsupervised.Autoencoder``).
"""
from __future__ import annotations

from seqlab.tasks.registry import task_class

NAMES = ("Autoencoder", "VAE", "AnomalyDetector", "RBM", "DBN", "MovieRecommender", "AutoencoderRecommender", "SOM")


def __getattr__(name: str):
    if name in NAMES:
        return task_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(NAMES)
