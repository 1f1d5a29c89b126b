"""The fixed table from a saved task class name to the seqlab module that defines it.

``TASK_MODULES`` is the only place loading looks; it never imports a module named in a file.
Task classes are imported on first use (``task_class``), so importing ``seqlab.tasks`` stays cheap.
A new task is added to this table, which also puts it under ``tests/contracts/test_every_task.py``.

>>> task_class("SOM").__name__
'SOM'
"""
from __future__ import annotations

import importlib

from seqlab.io.errors import ModelFileError

TASK_MODULES: dict[str, str] = {
    "Forecaster": "seqlab.tasks.forecasting.forecaster",
    "EchoStateNetwork": "seqlab.tasks.forecasting.esn",
    "SequenceClassifier": "seqlab.tasks.classification.classifier",
    "TextClassifier": "seqlab.tasks.classification.text_classifier",
    "SequenceTagger": "seqlab.tasks.classification.tagger",
    "TabularClassifier": "seqlab.tasks.classification.tabular",
    "ImageClassifier": "seqlab.tasks.classification.image",
    "TabularRegressor": "seqlab.tasks.classification.tabular_regressor",
    "TextTagger": "seqlab.tasks.classification.text_tagger",
    "SeriesImageClassifier": "seqlab.tasks.classification.series_image",
    "CharGenerator": "seqlab.tasks.generation.generator",
    "Seq2Seq": "seqlab.tasks.generation.seq2seq",
    "ImageToSequence": "seqlab.tasks.generation.image_to_sequence",
    "WordGenerator": "seqlab.tasks.generation.word_generator",
    "MusicGenerator": "seqlab.tasks.generation.music",
    "GAN": "seqlab.tasks.generation.gan",
    "TimeGAN": "seqlab.tasks.generation.timegan",
    "Autoencoder": "seqlab.tasks.unsupervised.autoencoder",
    "VAE": "seqlab.tasks.unsupervised.autoencoder",
    "AnomalyDetector": "seqlab.tasks.unsupervised.anomaly",
    "RBM": "seqlab.tasks.unsupervised.rbm",
    "DBN": "seqlab.tasks.unsupervised.rbm",
    "MovieRecommender": "seqlab.tasks.unsupervised.movie_recommender",
    "AutoencoderRecommender": "seqlab.tasks.unsupervised.recommender_ae",
    "SOM": "seqlab.tasks.unsupervised.som",
}


def task_class(name: str) -> type:
    """The task class registered under ``name``; ModelFileError for a name not in ``TASK_MODULES``."""
    if name not in TASK_MODULES:
        raise ModelFileError(f"unknown task {name!r}; known: {', '.join(sorted(TASK_MODULES))}")
    return getattr(importlib.import_module(TASK_MODULES[name]), name)
