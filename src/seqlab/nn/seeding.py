"""Randomness without global side effects: seeded ``torch.Generator`` objects, and an isolated
global RNG for the noise torch can only draw from its global generator.

Initial weights are drawn from a ``torch.Generator`` made by ``make_generator(seed)`` and handed to
each layer's ``build``. Dropout masks and the initialisation inside ``torch.nn`` modules draw from
torch's global generator (their kernels take no generator), so training runs inside
``isolated_rng(seed)``: a fork of the global RNG whose state is set from a seeded Generator and
restored on exit. The caller's random stream is the same after a fit as before it. A trainer that
fits more than once keeps one ``RandomStream``: each fit continues the noise where the last one stopped.

>>> import torch
>>> before = torch.random.get_rng_state()
>>> with isolated_rng(0):
...     a = torch.rand(2)
>>> with isolated_rng(0):
...     b = torch.rand(2)
>>> bool((a == b).all()), bool((torch.random.get_rng_state() == before).all())
(True, True)
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from typing import Iterator

import torch


def make_generator(seed: int | None) -> torch.Generator | None:
    """A CPU ``torch.Generator`` seeded with ``seed``, or None for ``seed=None`` (draws then come from
    torch's global generator, as in plain PyTorch).

    >>> make_generator(3).initial_seed(), make_generator(None)
    (3, None)
    """
    return None if seed is None else torch.Generator().manual_seed(int(seed))


@contextmanager
def isolated_rng(seed: int | None) -> Iterator[None]:
    """Run the block on a fork of torch's global RNG (CPU, and every CUDA device when there is one),
    seeded from ``seed`` when it is not None; the caller's RNG state is restored on exit."""
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        if seed is not None:
            torch.random.default_generator.set_state(make_generator(seed).get_state())
            for d in devices:
                torch.cuda.default_generators[d].manual_seed(int(seed))
        yield



def seeded(seed: int | None):
    """The random context of a task's fit: ``isolated_rng(seed)`` for a seed; for None, plain PyTorch
    (draws come from, and advance, torch's global generator), where ``isolated_rng(None)`` would
    hide them by restoring the state."""
    return nullcontext() if seed is None else isolated_rng(seed)

class RandomStream:
    """A private stream of torch's global RNG: each ``with stream.active():`` block runs on a fork of
    the global RNG that starts where this stream's previous block ended (the first from ``seed``,
    as ``isolated_rng(seed)`` does); the caller's RNG state is restored on exit. With ``seed=None``
    the blocks draw from (and advance) torch's global RNG, as plain PyTorch does.

    >>> stream, before = RandomStream(0), torch.random.get_rng_state()
    >>> with stream.active():
    ...     a = torch.rand(2)
    >>> with stream.active():
    ...     b = torch.rand(2)
    >>> with isolated_rng(0):
    ...     ab = torch.rand(4)
    >>> bool((torch.cat([a, b]) == ab).all()), bool((torch.random.get_rng_state() == before).all())
    (True, True)
    """

    def __init__(self, seed: int | None):
        self.seed = seed
        self.state: tuple[torch.Tensor, list[torch.Tensor]] | None = None  # (CPU, CUDA devices) after a block

    @contextmanager
    def active(self) -> Iterator[None]:
        if self.seed is None:
            yield
            return
        devices = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
        with isolated_rng(self.seed):
            if self.state is not None:
                torch.random.set_rng_state(self.state[0])
                for d, state in zip(devices, self.state[1]):
                    torch.cuda.set_rng_state(state, d)
            try:
                yield
            finally:
                self.state = (torch.random.get_rng_state(), [torch.cuda.get_rng_state(d) for d in devices])
