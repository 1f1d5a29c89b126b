"""``compile=True``: run a model through ``torch.compile``, or eagerly where compiling is unavailable.

``CompiledModule(module, mode)`` calls ``torch.compile(module, mode=mode)``; if compiling fails
(no C++ compiler for the CPU backend, a Python or platform torch.compile does not support, an
operation it cannot trace) it warns once in one line and runs ``module`` eagerly from then on.
The wrapped module stays the one that owns the weights (``.module``): saving, ``state_dict`` and
``get_weights`` see the same tensors. Compiling a recurrent layer's readable path (``reset_after=False``,
custom activations, padding masks) unrolls its step loop into one graph whose element-wise gate
arithmetic is fused. The readable LSTM (peephole, coupled gates, recurrent dropout) is one
hand-differentiated node per sequence (``seqlab.nn.lstm_bptt``) that the compiler leaves alone: on
CPU, compiling its per-step gate arithmetic measured no faster than eager (Inductor's call overhead,
about 20 microseconds, matches what fusing saves at these sizes), and compiling the unrolled layer,
1.57x the fused kernel on LSTM(256), stayed behind the node's 1.25x (``seqlab bench recurrent
--compile`` measures both paths against the fused kernel).

``compiling(mode)`` sets the default for every ``Trainer`` built inside the block (a task's
``fit(compile=...)`` and the training commands' ``--compile`` use it); a Trainer's own ``compile=``
argument, when given, wins.

The first calls are slow (each new input shape is traced and compiled; the CPU backend builds
C++), so compiling pays off for long trainings and for serving many predictions.

>>> net = CompiledModule(torch.nn.Linear(2, 1))
>>> net.module.weight is dict(net.named_parameters())["module.weight"]
True
"""
from __future__ import annotations

import contextlib
import contextvars
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


_default: contextvars.ContextVar[str | None] = contextvars.ContextVar("seqlab_compile", default=None)


def default_compile_mode() -> str | None:
    """The mode set by the innermost ``compiling`` block (None outside any: no compiling)."""
    return _default.get()


@contextlib.contextmanager
def compiling(compile=None):
    """Within the block, Trainers compile with ``compile_mode(compile)`` unless told otherwise; None keeps
    the outer block's choice.

    >>> with compiling(True):
    ...     default_compile_mode()
    'default'
    >>> default_compile_mode() is None
    True
    """
    mode = compile_mode(compile) if compile is not None else _default.get()
    token = _default.set(mode)
    try:
        yield mode
    finally:
        _default.reset(token)


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
