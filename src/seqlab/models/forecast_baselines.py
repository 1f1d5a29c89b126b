"""The forecasts every learned model must beat: last value (naive) and same-season-last-cycle
(seasonal naive), plus a period estimate from the autocorrelation of the series.

They work on values in the data's own units, from the series and the positions of the forecast
origins, so a baseline never depends on a scaler or on a model's lookback.

>>> import numpy as np
>>> y = np.arange(10.0)[:, None]                     # (rows, targets)
>>> naive_forecast(y, origins=[4, 7], horizon=2)[:, :, 0]
array([[4., 4.],
       [7., 7.]])
"""
from __future__ import annotations

import numpy as np

from seqlab.data.series import infer_season as series_season
from seqlab.io.errors import ConfigError, DataError


def naive_forecast(series, origins, horizon: int, season: int = 1) -> np.ndarray:
    """Seasonal naive forecasts ``y[t + h] = y[t + h - season * ceil(h / season)]``; ``season=1``
    is the plain naive (persistence) forecast ``y[t + h] = y[t]``.

    Args:
        series: ``(rows, targets)`` (or ``(rows,)``) values in the data's units.
        origins: row index ``t`` of the last observed value of each forecast.
        horizon: steps ahead, ``h = 1..horizon``.
        season: the period in rows (12 for monthly data with a yearly cycle).

    Returns:
        ``(len(origins), horizon, targets)``.

    >>> import numpy as np
    >>> naive_forecast(np.arange(8.0), origins=[5], horizon=3, season=4)[0, :, 0]
    array([2., 3., 4.])
    """
    series = np.asarray(series, dtype=np.float64)
    if series.ndim == 1:
        series = series[:, None]
    origins = np.asarray(origins, dtype=np.int64)
    if season < 1 or horizon < 1:
        raise ConfigError(f"season and horizon must be >= 1, got season={season}, horizon={horizon}")
    h = np.arange(1, horizon + 1)
    back = season * np.ceil(h / season).astype(np.int64)      # how far back the copied value lies
    rows = origins[:, None] + h[None, :] - back[None, :]
    if len(origins) and (rows.min() < 0 or origins.max() >= len(series)):
        raise DataError(f"a seasonal naive forecast with season={season} needs {season} rows of history "
                        "before each forecast; use a longer series or a smaller season")
    return series[rows]


def infer_season(y, max_season: int | None = None, threshold: float = 0.3, freq: str | None = None) -> int:
    """The seasonal period of ``y`` ``(rows,)``: ``seqlab.data.series.infer_season`` (which also knows the
    calendar's periods when given the time step ``freq``).

    >>> import numpy as np
    >>> t = np.arange(120)
    >>> infer_season(np.sin(2 * np.pi * t / 12) + 0.01 * t)
    12
    """
    return series_season(y, freq=freq, max_season=max_season, threshold=threshold)
