"""The Jena climate set-up of seed 004 (Chollet, *Deep Learning with Python*, 2nd ed., ch. 10).

``jena_climate_2009_2016.csv`` holds 14 weather quantities every 10 minutes. The task: from the
last 5 days, sampled once an hour, predict the temperature 24 hours after the last input hour.
The file is not bundled (download it from
https://s3.amazonaws.com/keras-datasets/jena_climate_2009_2016.csv.zip); ``jena_climate(path)``
reproduces the book's windows exactly:

* ``raw_data`` = the 14 columns after "Date Time"; ``temperature`` = "T (degC)";
* first 50% of rows train, next 25% validation, last 25% test (``int`` of the fractions);
* every column normalised with the mean and std of the training rows only;
* ``sampling_rate=6`` (one row an hour), ``sequence_length=120`` (5 days),
  ``delay = sampling_rate * (sequence_length + 24 - 1)``: window ``s`` reads rows
  ``s, s+6, ..., s+714`` and its target is the raw temperature at row ``s + delay``, 24 h after
  its last input, as ``keras.utils.timeseries_dataset_from_array(raw_data[:-delay],
  targets=temperature[delay:], start_index=..., end_index=...)`` builds them.

Inputs are strided views of the normalised array (nothing is copied per window).

>>> splits = jena_climate("jena_climate_2009_2016.csv")          # doctest: +SKIP
>>> splits.train.X.shape, splits.train.y.shape                   # doctest: +SKIP
((210225, 120, 14), (210225,))
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from seqlab.io.errors import DataError

JENA_COLUMNS = ["p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
                "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)",
                "wd (deg)"]


@dataclass
class JenaSplit:
    """One split: ``X`` ``(n, sequence_length, 14)`` normalised inputs (a view), ``y`` ``(n,)`` the
    temperature ``delay`` rows after each window start (degC), ``last`` ``(n,)`` the last input
    hour's temperature (degC): the common-sense baseline "tomorrow is as warm as now"."""

    X: np.ndarray
    y: np.ndarray
    last: np.ndarray


@dataclass
class JenaClimate:
    """The three splits with the training mean/std per column and the column names."""

    train: JenaSplit
    val: JenaSplit
    test: JenaSplit
    mean: np.ndarray
    std: np.ndarray
    columns: list[str]
    delay: int


def jena_climate(path, sampling_rate: int = 6, sequence_length: int = 120, delay_hours: int = 24) -> JenaClimate:
    """Read the Jena climate CSV at ``path`` (``.csv`` or ``.csv.zip``) and cut Chollet's windows.

    Args:
        path: the file from the Keras datasets bucket.
        sampling_rate: rows between inputs (6 rows of 10 minutes = 1 hour).
        sequence_length: inputs per window (120 hours = 5 days).
        delay_hours: how far past the last input the target lies, in sampled steps (hours).

    Returns:
        A ``JenaClimate`` with ``train``, ``val``, ``test`` splits (see ``JenaSplit``).

    Raises:
        DataError: missing file, missing columns, text or NaN in the numeric columns, or too few rows.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Jena climate file not found: {path}; download jena_climate_2009_2016.csv.zip from "
                        "https://s3.amazonaws.com/keras-datasets/ and give its path")
    try:
        df = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as e:
        raise DataError(f"{path}: not a readable CSV ({str(e).strip().splitlines()[-1]})") from None
    missing = [c for c in JENA_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: not the Jena climate file; missing column(s) {', '.join(missing)}")
    try:
        raw = df[JENA_COLUMNS].to_numpy(dtype=np.float64)
    except ValueError:
        raise DataError(f"{path}: the weather columns must be numbers") from None
    if not np.isfinite(raw).all():
        raise DataError(f"{path}: the weather columns hold NaN/inf; clean the file first")
    temperature = raw[:, 1].copy()
    n = len(raw)
    delay = sampling_rate * (sequence_length + delay_hours - 1)
    num_train, num_val = int(0.5 * n), int(0.25 * n)
    span = (sequence_length - 1) * sampling_rate + 1
    if num_train + num_val + span + delay > n:
        raise DataError(f"{path}: {n} rows is too few for windows of {span} rows and a delay of {delay} rows")
    mean = raw[:num_train].mean(axis=0)
    std = (raw[:num_train] - mean).std(axis=0)
    data = ((raw - mean) / std).astype(np.float32)[:-delay]         # timeseries_dataset_from_array(raw_data[:-delay])
    windows = sliding_window_view(data, span, axis=0)[:, :, ::sampling_rate].transpose(0, 2, 1)

    def split(start: int, end: int) -> JenaSplit:
        starts = np.arange(start, end - span + 1)                     # Keras: end - start - (len-1)*rate windows
        last = temperature[starts + span - 1]
        return JenaSplit(windows[start:end - span + 1], temperature[starts + delay], last)

    return JenaClimate(split(0, num_train), split(num_train, num_train + num_val),
                       split(num_train + num_val, len(data)), mean, std, list(JENA_COLUMNS), delay)
