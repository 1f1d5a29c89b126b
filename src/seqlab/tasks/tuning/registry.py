"""The fixed table from a task class name to the ``Search`` that tunes it (imported on first use,
so the task families stay independent of one another and of this package's callers).

>>> type(search_for("SequenceClassifier")).__name__
'SequenceClassifierSearch'
"""
from __future__ import annotations

import importlib

from seqlab.io.errors import ConfigError

SEARCHES: dict[str, str] = {
    "SequenceClassifier": "seqlab.tasks.classification.search:SequenceClassifierSearch",
    "TextClassifier": "seqlab.tasks.classification.search:TextClassifierSearch",
    "Forecaster": "seqlab.tasks.forecasting.search:ForecasterSearch",
    "CharGenerator": "seqlab.tasks.generation.search:CharGeneratorSearch",
    "GAN": "seqlab.tasks.generation.search:GANSearch",
    "TimeGAN": "seqlab.tasks.generation.search:TimeGANSearch",
}


def search_for(task_class: str):
    """A new ``Search`` for the task class named ``task_class``; ConfigError when it has none."""
    if task_class not in SEARCHES:
        raise ConfigError(f"{task_class} has no hyperparameter search; tune() works for "
                          f"{', '.join(sorted(SEARCHES))}")
    module, name = SEARCHES[task_class].split(":")
    return getattr(importlib.import_module(module), name)()
