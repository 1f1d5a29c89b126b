"""Ordered train/validation/test splits of a time-ordered set: no shuffling, no look-ahead.

>>> s = time_split(10, val=0.2, test=0.2)
>>> s.train, s.val, s.test
(slice(0, 6, None), slice(6, 8, None), slice(8, 10, None))
"""
from __future__ import annotations

import math
import operator
from typing import NamedTuple

from seqlab.io.errors import ConfigError, DataError


class TimeSplit(NamedTuple):
    """Three ``slice`` objects, in time order: ``train``, then ``val``, then ``test``."""

    train: slice
    val: slice
    test: slice


def time_split(n: int, val: float = 0.2, test: float = 0.2) -> TimeSplit:
    """Split ``n`` time-ordered items into consecutive train / val / test pieces.

    Args:
        n: number of items (rows, or windows from ``make_windows``).
        val, test: fractions in ``[0, 1)``; their pieces hold ``floor(n * fraction)`` items and
            come last (test is the most recent); train gets the rest and comes first.

    Returns:
        A ``TimeSplit(train, val, test)`` of ``slice`` objects, so ``X[s.train]`` is a view of a
        NumPy array (or of a window view) and nothing is copied. The pieces are ordered,
        disjoint, and cover ``range(n)``; an empty piece is ``slice(k, k)``.

    Raises:
        ConfigError: a fraction outside ``[0, 1)``. DataError: nothing would be left to train on.

    >>> import numpy as np
    >>> x = np.arange(100)
    >>> s = time_split(len(x), val=0.1, test=0.2)
    >>> len(x[s.train]), len(x[s.val]), len(x[s.test])
    (70, 10, 20)
    """
    try:
        n = operator.index(n)
    except TypeError:
        raise ConfigError(f"n must be a non-negative integer, got {n!r}") from None
    if n < 0:
        raise ConfigError(f"n must be a non-negative integer, got {n}")
    for name, frac in (("val", val), ("test", test)):
        if not 0 <= frac < 1:
            raise ConfigError(f"{name} must be a fraction in [0, 1), got {frac!r}")
    n_test = math.floor(n * test + 1e-9)
    n_val = math.floor(n * val + 1e-9)
    n_train = n - n_val - n_test
    if n_train < 1:
        raise DataError(f"{n} items leave nothing to train on with val={val}, test={test}; "
                        "use smaller fractions or more data")
    return TimeSplit(slice(0, n_train), slice(n_train, n_train + n_val), slice(n_train + n_val, n))
