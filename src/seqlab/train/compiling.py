"""``compile=True``: run a model through ``torch.compile``, or eagerly where compiling is unavailable.

``CompiledModule(module, mode)`` calls ``torch.compile(module, mode=mode)``; if compiling fails
(no C++ compiler for the CPU backend, a Python or platform torch.compile does not support, an
operation it cannot trace) it warns once in one line and runs ``module`` eagerly from then on.
The wrapped module stays the one that owns the weights (``.module``): saving, ``state_dict`` and
``get_weights`` see the same tensors. Compiling a recurrent layer's readable path (peephole,
coupled gates, recurrent dropout, ``reset_after=False``, custom activations) unrolls its step loop
into one graph whose element-wise gate arithmetic is fused (``benchmarks/recurrent.py --compile``
and ``seqlab bench recurrent --compile`` measure it against the fused kernel).

The first calls are slow (each new input shape is traced and compiled; the CPU backend builds
C++), so compiling pays off for long trainings and for serving many predictions.

>>> net = CompiledModule(torch.nn.Linear(2, 1))
>>> net.module.weight is dict(net.named_parameters())["module.weight"]
True
"""
from __future__ import annotations

import warnings

import torch

from seqlab.io.errors import ConfigError, SeqlabError

MODES = ("default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")


def compile_mode(compile) -> str | None:
    """The ``torch.compile`` mode for a ``compile=`` argument: None when off, ``"default"`` for
    True, the string itself for a mode name (ConfigError for anything else)."""
    if compile is None or compile is False:
        return None
    if compile is True:
        return "default"
    if isinstance(compile, str) and compile in MODES:
        return compile
    raise ConfigError(f"compile must be True, False or one of {', '.join(MODES)}; got {compile!r}")


class CompiledModule(torch.nn.Module):
    """``module`` run through ``torch.compile`` (see the module doc); falls back to eager once."""

    def __init__(self, module: torch.nn.Module, mode: str = "default"):
        super().__init__()
        self.module, self.mode = module, mode
        self.__dict__["_compiled"] = None       # kept out of the module tree: same weights as .module
        self.__dict__["fallback_reason"] = None
        try:
            self.__dict__["_compiled"] = torch.compile(module, mode=None if mode == "default" else mode)
        except Exception as e:  # torch.compile refuses this Python/platform up front
            self._give_up(e)

    def _give_up(self, error: Exception) -> None:
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:160]
        self.__dict__["fallback_reason"], self.__dict__["_compiled"] = reason, None
        warnings.warn(f"torch.compile is unavailable here ({reason}); running the model without compiling",
                      RuntimeWarning, stacklevel=3)

    def forward(self, *args, **kwargs):
        compiled = self._compiled
        if compiled is not None:
            try:
                return compiled(*args, **kwargs)
            except SeqlabError:
                raise                  # bad input, reported as the eager model would
            except Exception as e:     # the compiler failed (backend, tracing): run eagerly from now on
                self._give_up(e)
        return self.module(*args, **kwargs)
