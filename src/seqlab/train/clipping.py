"""Gradient clipping (seed 002: "clip the derivatives ... to a given threshold value").

Three rules, applied after backprop and before the optimiser step:

- ``clipvalue=v``: every gradient element is clipped into ``[-v, v]`` (seed 002: "if the gradient
  value exceeds 0.5 or -0.5 ... clipped back to the threshold value").
- ``clipnorm=c``: each weight tensor's gradient ``g`` whose L2 norm exceeds ``c`` is rescaled to
  norm ``c``: ``g * c / max(||g||, c)`` (Keras's per-variable rule; seed 002: "if the vector norm
  for a gradient exceeds 1.0, the values ... will be rescaled so that the norm equals 1.0").
- ``global_clipnorm=c``: the same with one norm over all gradients together.

With several rules the norm rules come first, then ``clipvalue``.

>>> import torch
>>> w = torch.nn.Parameter(torch.zeros(2)); w.grad = torch.tensor([3.0, 4.0])
>>> clip_gradients([w], clipnorm=1.0); w.grad.tolist()
[0.6000000238418579, 0.800000011920929]
"""
from __future__ import annotations

from typing import Iterable

import torch

from seqlab.io.errors import ConfigError


def check_clip_settings(clipnorm=None, clipvalue=None, global_clipnorm=None) -> None:
    """Raise ConfigError unless every given threshold is a positive number."""
    for name, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
        if value is not None and not float(value) > 0:
            raise ConfigError(f"{name} must be a positive number, got {value!r}")


@torch.no_grad()
def clip_gradients(params: Iterable[torch.Tensor], clipnorm: float | None = None,
                   clipvalue: float | None = None, global_clipnorm: float | None = None) -> None:
    """Clip the ``.grad`` of ``params`` in place by the rules above (no host syncs)."""
    params = [p for p in params if p.grad is not None]
    if not params:
        return
    grads = [p.grad for p in params]
    if global_clipnorm is not None:
        torch.nn.utils.clip_grad_norm_(params, max_norm=float(global_clipnorm), foreach=True)
    if clipnorm is not None:
        c = float(clipnorm)
        norms = torch._foreach_norm(grads)
        torch._foreach_mul_(grads, [c / n.clamp(min=c) for n in norms])
    if clipvalue is not None:
        v = float(clipvalue)
        torch._foreach_clamp_min_(grads, -v)
        torch._foreach_clamp_max_(grads, v)
