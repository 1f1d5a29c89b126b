"""Padding variable-length sequences to one length, with Keras's semantics, and the mask back.

>>> pad_sequences([[1, 2], [3, 4, 5]])
array([[0, 1, 2],
       [3, 4, 5]], dtype=int32)
>>> padding_mask(pad_sequences([[1, 2], [3, 4, 5]]))
array([[False,  True,  True],
       [ True,  True,  True]])
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import ConfigError, DataError


def pad_sequences(sequences, maxlen: int | None = None, padding: str = "pre", truncating: str = "pre",
                  value=0, dtype="int32") -> np.ndarray:
    """Pad (or cut) each sequence to ``maxlen`` steps, as ``keras.utils.pad_sequences`` does.

    Args:
        sequences: a list of sequences (lists or arrays); each step may itself be an array
            (e.g. feature vectors), all of one shape.
        maxlen: output length; ``None`` = the longest sequence.
        padding: ``"pre"`` puts the fill ``value`` before the sequence, ``"post"`` after.
        truncating: ``"pre"`` drops steps from the start of longer sequences, ``"post"`` from the end.
        value: the fill value. dtype: the output dtype.

    Returns:
        An array of shape ``(len(sequences), maxlen) + step_shape``.

    >>> pad_sequences([[1, 2, 3, 4], [5]], maxlen=3, padding="post", truncating="post")
    array([[1, 2, 3],
           [5, 0, 0]], dtype=int32)
    """
    if padding not in ("pre", "post"):
        raise ConfigError(f'padding must be "pre" or "post", got {padding!r}')
    if truncating not in ("pre", "post"):
        raise ConfigError(f'truncating must be "pre" or "post", got {truncating!r}')
    lengths = [len(s) for s in sequences]
    step_shape = next((np.asarray(s).shape[1:] for s in sequences if len(s)), ())
    if maxlen is None:
        maxlen = max(lengths, default=0)
    if maxlen < 0:
        raise ConfigError(f"maxlen must be >= 0, got {maxlen}")
    out = np.full((len(lengths), maxlen) + step_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, seq in enumerate(sequences):
        if not len(seq):
            continue
        kept = np.asarray(seq[-maxlen:] if truncating == "pre" else seq[:maxlen], dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise DataError(f"sequence {i} has steps of shape {kept.shape[1:]}, the first non-empty one "
                            f"has {step_shape}; every step must have the same shape")
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, maxlen - len(kept):] = kept
    return out


def padding_mask(padded, value=0) -> np.ndarray:
    """``True`` where ``padded`` holds a real step, ``False`` where it holds the fill ``value``.

    For ``(batch, time)`` token ids the mask has the same shape; for ``(batch, time, features)``
    a step counts as padding only if all its features equal ``value`` (Keras's ``Masking``).

    >>> padding_mask(np.array([[0, 0, 7]]))
    array([[False, False,  True]])
    """
    padded = np.asarray(padded)
    mask = padded != value
    return mask if padded.ndim <= 2 else mask.reshape(mask.shape[:2] + (-1,)).any(axis=-1)
