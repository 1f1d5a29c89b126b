"""seqlab.train: the Trainer, losses, optimisers, metrics, callbacks, clipping, regularisers,
learning-rate schedules, checkpoints and multi-process training.

>>> from seqlab.train import Trainer, History
>>> import torch
>>> Trainer(torch.nn.Linear(2, 1), loss="mse", optimizer="sgd").loss.name
'mse'
"""
from seqlab.train import callbacks
from seqlab.train.history import History
from seqlab.train.losses import get_loss, quantile_loss
from seqlab.train.optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, RMSprop, build_optimizer
from seqlab.train.regularizers import L1, L1L2, L2, add_weight_penalty, regularization_loss
from seqlab.train.trainer import Trainer

__all__ = ["Trainer", "History", "callbacks", "get_loss", "quantile_loss", "build_optimizer", "SGD", "Adam",
           "AdamW", "RMSprop", "Adagrad", "Adadelta", "L1", "L2", "L1L2", "add_weight_penalty",
           "regularization_loss"]
