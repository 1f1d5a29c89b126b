"""How large a value seqlab accepts: one whose square, summed over a million rows, stays within float32.

Models compute in float32 (largest value about 3.4e38), and losses, scalers and metrics square
values and sum them: a value of 1e308 read from a file would turn every error into ``inf``. Values
beyond ``MAX_MAGNITUDE`` (1e15: squares of 1e30, a million of them 1e36) are refused with the
column and row, and the advice to rescale.

>>> import numpy as np
>>> check_magnitude(np.array([[1.0], [2e20]]), ["price"], "prices.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
seqlab.io.errors.DataError: prices.csv: column 'price' row 2 holds 2e+20, beyond ±1e+15 ...
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import DataError

MAX_MAGNITUDE = 1e15


def check_magnitude(values: np.ndarray, names: list[str] | None = None, where: str = "the data",
                    first_row: int = 1, unit: str = "row") -> None:
    """Raise DataError if a finite value of ``values`` (rows, or rows x columns) exceeds ``MAX_MAGNITUDE``.

    ``names`` name the columns; ``first_row`` is the number of ``values[0]`` in messages, ``unit`` what
    it counts (``"row"``, ``"step"``).
    """
    values = np.asarray(values)
    with np.errstate(invalid="ignore"):
        big = np.isfinite(values) & (np.abs(values) > MAX_MAGNITUDE)  # NaN/inf are the readers' to handle
    if not big.any():
        return
    row, *col = np.unravel_index(int(np.argmax(big)), big.shape)
    column = f"column {names[col[0]]!r} " if names and col else ""
    raise DataError(f"{where}: {column}{unit} {int(row) + first_row} holds {values[(row, *col)]:g}, beyond "
                    f"±{MAX_MAGNITUDE:g} (float32 arithmetic would overflow); rescale it, e.g. divide by 1e6")
