"""Estimators with fit/predict/evaluate/save/load, scikit-learn style.

``TASK_MODULES`` is the fixed table from a saved class name to the seqlab module defining it;
loading never imports anything else. Classes are imported lazily: ``seqlab.tasks.Forecaster``.
"""
from __future__ import annotations

import importlib

from seqlab.tasks.base import Task, task_class

TASK_MODULES: dict[str, str] = {
    "TabularClassifier": "seqlab.tasks.tabular",
    "ImageClassifier": "seqlab.tasks.image",
    "Forecaster": "seqlab.tasks.forecaster",
    "TextClassifier": "seqlab.tasks.text_classifier",
    "SequenceClassifier": "seqlab.tasks.classifier",
    "SequenceTagger": "seqlab.tasks.tagger",
    "SOM": "seqlab.tasks.som",
    "RBM": "seqlab.tasks.rbm",
    "DBN": "seqlab.tasks.rbm",
    "MovieRecommender": "seqlab.tasks.rbm",
    "EchoStateNetwork": "seqlab.tasks.esn",
    "CharGenerator": "seqlab.tasks.generator",
    "Seq2Seq": "seqlab.tasks.seq2seq",
    "Autoencoder": "seqlab.tasks.autoencoder",
    "VAE": "seqlab.tasks.autoencoder",
    "AnomalyDetector": "seqlab.tasks.anomaly",
    "GAN": "seqlab.tasks.gan",
    "TimeGAN": "seqlab.tasks.timegan",
    "AutoencoderRecommender": "seqlab.tasks.recommender_ae",
}


def __getattr__(name: str):
    if name in TASK_MODULES:
        return getattr(importlib.import_module(TASK_MODULES[name]), name)
    raise AttributeError(f"module 'seqlab.tasks' has no attribute {name!r}")


__all__ = ["Task", "task_class", "TASK_MODULES", *TASK_MODULES]
