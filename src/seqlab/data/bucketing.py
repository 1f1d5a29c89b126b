"""Batches of similar-length sequences, so padding wastes little compute.

>>> batches = bucket_by_length([5, 1, 4, 2, 6, 3], batch_size=2, seed=0)
>>> sorted(sorted(int(i) for i in b) for b in batches)
[[0, 4], [1, 3], [2, 5]]
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError


def bucket_by_length(lengths, batch_size: int, seed: int | None = None, shuffle: bool = True) -> list[np.ndarray]:
    """Group item indices into batches of neighbouring lengths.

    Items are sorted by length (ties broken at random), cut into consecutive batches of
    ``batch_size`` (the last may be smaller), and the batch order is shuffled; every index
    appears in exactly one batch.

    Args:
        lengths: the length of each item, shape ``(n,)``.
        batch_size: items per batch (>= 1).
        seed: seed of the random tie-breaking and batch order (``None`` = fresh randomness).
        shuffle: ``False`` keeps batches in increasing length order.

    Returns:
        A list of ``int64`` index arrays; pad each batch only to its own longest item.

    >>> import numpy as np
    >>> lengths = np.array([3, 9, 4, 8])
    >>> [lengths[b].tolist() for b in bucket_by_length(lengths, 2, seed=0, shuffle=False)]
    [[3, 4], [8, 9]]
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ConfigError(f"batch_size must be a positive integer, got {batch_size!r}")
    lengths = np.asarray(lengths)
    rng = np.random.default_rng(seed)
    tie_break = rng.permutation(len(lengths))
    order = tie_break[np.argsort(lengths[tie_break], kind="stable")]
    batches = [order[i: i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches
