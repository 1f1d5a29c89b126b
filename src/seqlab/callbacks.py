"""``seqlab.callbacks``: the training callbacks (re-exported from ``seqlab.train.callbacks``).

>>> import seqlab.callbacks
>>> seqlab.callbacks.EarlyStopping(patience=3).patience
3
"""
from seqlab.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    EpochProgressBar,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)

__all__ = ["Callback", "CSVLogger", "EarlyStopping", "EpochProgressBar", "LearningRateScheduler", "ModelCheckpoint",
           "ReduceLROnPlateau", "TerminateOnNaN"]
