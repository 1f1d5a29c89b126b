"""How much each time step of the input moves the loss: the vanishing gradient made visible.

Backpropagation through time (seed 004) sums a product of step Jacobians; in a SimpleRNN the
product shrinks geometrically with the distance to the loss, so early steps barely get any
gradient. ``gradient_over_time`` measures ``||dLoss/dx_t||`` for every step t.

>>> import torch
>>> from seqlab.nn.recurrent import SimpleRNN
>>> curve = gradient_over_time(SimpleRNN(4, input_shape=(10, 1)), torch.randn(8, 10, 1), torch.zeros(8, 4))
>>> curve.shape
(10,)
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError, DataError

LOSSES: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "mse": F.mse_loss,
    "mae": F.l1_loss,
    "binary_crossentropy": F.binary_cross_entropy,
    "sparse_categorical_crossentropy": lambda p, y: F.nll_loss(torch.log(p.clamp_min(1e-12)), y.long()),
}


def gradient_over_time(model: torch.nn.Module, x, y, loss: str | Callable = "mse") -> np.ndarray:
    """The L2 norm of ``dLoss/dx_t`` over batch and features, for each step t.

    Args:
        model: any module mapping ``(batch, time, features)`` to a prediction (a list output,
            as with ``return_state``, uses its first element). Run in eval mode (no dropout).
        x: inputs ``(batch, time, features)``, NumPy or torch.
        y: targets; reshaped to the prediction's shape when the sizes agree.
        loss: ``"mse"``, ``"mae"``, ``"binary_crossentropy"`` (probabilities),
            ``"sparse_categorical_crossentropy"`` (probabilities, integer labels), or a callable
            ``(pred, target) -> scalar``.

    Returns:
        ``np.ndarray`` of shape ``(time,)``: entry t is ``||dLoss/dx_t||``.
    """
    loss_fn = loss if callable(loss) else LOSSES.get(loss)
    if loss_fn is None:
        raise ConfigError(f"unknown loss {loss!r}; choose one of {', '.join(sorted(LOSSES))} or pass a callable")
    x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x, dtype=torch.float32)
    if x.dim() != 3:
        raise DataError(f"gradient_over_time needs x of shape (batch, time, features), got {tuple(x.shape)}")
    x = x.detach().clone().requires_grad_(True)
    y = torch.as_tensor(np.asarray(y) if not isinstance(y, torch.Tensor) else y)
    was_training = model.training
    model.eval()
    try:
        pred = model(x)
        if isinstance(pred, (list, tuple)):
            pred = pred[0]
        if loss != "sparse_categorical_crossentropy":
            y = y.to(pred.dtype)
            if y.shape != pred.shape:
                if y.numel() != pred.numel():
                    raise DataError(f"targets of shape {tuple(y.shape)} do not fit predictions of shape "
                                    f"{tuple(pred.shape)}")
                y = y.reshape(pred.shape)
        (grad,) = torch.autograd.grad(loss_fn(pred, y), x)
    finally:
        model.train(was_training)
    return grad.detach().pow(2).sum(dim=(0, 2)).sqrt().cpu().numpy()
