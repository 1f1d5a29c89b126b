"""How many CPU threads torch trains with: ``threads=`` of every ``fit`` and ``--threads`` of every
command that trains.

The rule (``DEFAULT_THREADS``): training runs on **one thread** unless the caller asks for more.
``benchmarks/threads.py`` measured why: seqlab's models are small (recurrent layers of tens to a
few hundred units, batches of 16-128), so a step is a chain of small matrix products whose
per-thread work is too short to pay for waking and joining a second thread; and on a machine
another process is using, a second thread waits for a busy core at every product. Measured
(``benchmarks/threads.py --repeats 2 --scale 0.03``, nice'd, on a shared 2-core machine whose load
average was 10-16 from other jobs, so "idle" means no competitor of the benchmark's own): 2 threads took
4.7x (GunPoint CNN1D) to 45x (the README's first model) as long as one; 4.4x-18x with a competing
process. No README example was faster on 2 threads. Give ``threads=N``
(``--threads N``) for a large convolutional or transformer model on an idle machine with many
cores, and measure.

``using_threads(n)`` sets the count for a block and restores it after; blocks nest, and an inner
``using_threads(None)`` (a task's ``fit`` called inside a command, or a task fitting another)
keeps the count the outer block chose.

>>> import torch
>>> with using_threads(1):
...     torch.get_num_threads()
1
>>> resolve_threads("all") == (os.cpu_count() or 1)
True
"""
from __future__ import annotations

import contextlib
import contextvars
import os

from seqlab.io.errors import ConfigError

DEFAULT_THREADS = 1

_chosen: contextvars.ContextVar[int | None] = contextvars.ContextVar("seqlab_threads", default=None)


def resolve_threads(threads) -> int:
    """The thread count ``threads`` asks for: None gives ``DEFAULT_THREADS``, ``"all"`` or 0 every core
    (``os.cpu_count()``), a positive int itself; anything else is a ConfigError.

    >>> resolve_threads(None), resolve_threads(3)
    (1, 3)
    """
    if threads is None:
        return DEFAULT_THREADS
    if threads == "all" or threads == 0:
        return os.cpu_count() or 1
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise ConfigError(f"threads must be a positive whole number, 0 or 'all' (every core), got {threads!r}")
    return threads


@contextlib.contextmanager
def using_threads(threads=None):
    """Run the block with ``resolve_threads(threads)`` torch threads, then restore the previous count.
    Inside another ``using_threads`` block, ``threads=None`` keeps the outer block's count."""
    import torch

    outer = _chosen.get()
    n = outer if threads is None and outer is not None else resolve_threads(threads)
    previous = torch.get_num_threads()
    token = _chosen.set(n)
    if n != previous:
        torch.set_num_threads(n)
    try:
        yield n
    finally:
        _chosen.reset(token)
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)
