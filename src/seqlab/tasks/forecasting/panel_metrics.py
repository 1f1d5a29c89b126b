"""Errors across many series: per-series MAE, RMSE, sMAPE and MASE, their averages, and OWA.

Each forecast window belongs to one series; a series' errors pool all its test windows. The
aggregate of a metric is its mean over series (the M4 competition's way: every series counts the
same, whatever its scale for MAE and RMSE). MASE divides by the series' in-sample seasonal-naive MAE
(its history before the test part, ``season`` steps back); a series whose history is flat has no
MASE (NaN, left out of the mean). OWA (overall weighted average, M4) is
``(sMAPE / sMAPE_naive + MASE / MASE_naive) / 2`` of the aggregates: below 1 beats the naive forecast.

>>> import numpy as np
>>> actual = np.array([[2.0, 3.0], [10.0, 10.0]]); series = np.array([0, 1])
>>> t = series_errors(actual, actual + 1, series, mase_scale=np.array([1.0, 2.0]), ids=["a", "b"])
>>> float(t.loc["a", "mae"]), float(t.loc["b", "mase"])
(1.0, 0.5)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

PANEL_METRICS = ("mae", "rmse", "smape", "mase")


def series_errors(actual: np.ndarray, forecast: np.ndarray, series: np.ndarray, mase_scale: np.ndarray,
                  ids) -> pd.DataFrame:
    """Per-series errors. ``actual``, ``forecast``: ``(windows, horizon)`` in the data's units;
    ``series``: the series of each window; ``mase_scale``: ``(n_series,)``. Returns a DataFrame indexed
    by the ids of the series that have test windows, columns ``mae, rmse, smape, mase``."""
    actual, forecast = np.asarray(actual, np.float64), np.asarray(forecast, np.float64)
    err = np.abs(actual - forecast)
    denom = np.abs(actual) + np.abs(forecast)
    ratio = np.divide(2.0 * err, denom, out=np.zeros_like(denom), where=denom > 0)
    n = len(mase_scale)
    count = np.bincount(series, minlength=n) * actual.shape[1]
    has = count > 0
    total = lambda v: np.bincount(series, weights=v.sum(axis=1), minlength=n)[has] / count[has]
    mae = total(err)
    scale = np.asarray(mase_scale, np.float64)[has]
    table = pd.DataFrame({"mae": mae, "rmse": np.sqrt(total(err ** 2)), "smape": 100.0 * total(ratio),
                          "mase": np.divide(mae, scale, out=np.full_like(mae, np.nan), where=scale > 0)},
                         index=pd.Index(np.asarray(ids, dtype=object)[has], name="id"))
    return table


def mase_scales(values: np.ndarray, offsets: np.ndarray, history_rows: np.ndarray, season: int) -> np.ndarray:
    """Each series' in-sample seasonal-naive MAE over its first ``history_rows[i]`` values (``values``
    ``(rows,)``: series end to end from ``offsets``); NaN where the history is not longer than ``season``.

    >>> mase_scales(np.array([1.0, 2.0, 4.0, 5.0, 5.0]), np.array([0, 3, 5]), np.array([3, 2]), 1).tolist()
    [1.5, 0.0]
    """
    out = np.full(len(offsets) - 1, np.nan)
    for i in range(len(out)):
        h = values[offsets[i]:offsets[i] + int(history_rows[i])]
        if len(h) > season:
            out[i] = float(np.mean(np.abs(h[season:] - h[:-season])))
    return out


def aggregate(tables: dict[str, pd.DataFrame], reference: str = "naive") -> pd.DataFrame:
    """One row per model: the mean over series of each metric (NaN MASE left out), and OWA against
    ``reference``. Every table must cover the same series.

    >>> a = pd.DataFrame({"mae": [1.0], "rmse": [1.0], "smape": [10.0], "mase": [1.0]})
    >>> b = pd.DataFrame({"mae": [2.0], "rmse": [2.0], "smape": [5.0], "mase": [0.5]})
    >>> float(aggregate({"naive": a, "model": b}).loc["model", "owa"])
    0.5
    >>> float(aggregate({"naive": a * 0, "model": b}).loc["model", "owa"])   # the naive forecast is exact
    nan
    """
    rows = {name: {k: float(np.nanmean(t[k])) if t[k].notna().any() else float("nan") for k in PANEL_METRICS}
            for name, t in tables.items()}
    ref = rows.get(reference)
    for row in rows.values():   # NaN when the reference has no error to be relative to (a last row repeated)
        row["owa"] = float("nan") if ref is None or not ref["smape"] or not ref["mase"] else \
            0.5 * (row["smape"] / ref["smape"] + row["mase"] / ref["mase"])
    frame = pd.DataFrame(rows).T[[*PANEL_METRICS, "owa"]]
    frame.index.name = "model"
    return frame


def format_table(table: pd.DataFrame) -> str:
    """The aggregate table as fixed-width text (a row per model; a column widens for values of 9 digits or more).

    >>> print(format_table(pd.DataFrame({"mae": [153949.1], "rmse": [2.0], "smape": [3.0], "mase": [1.0],
    ...                                  "owa": [1.0]}, index=["naive"])))
    model                   MAE      RMSE     sMAPE      MASE       OWA
    naive           153949.1000    2.0000    3.0000    1.0000    1.0000
    """
    cols = ["MAE", "RMSE", "sMAPE", "MASE", "OWA"]
    width = max(14, *(len(str(m)) + 2 for m in table.index))
    cells = {k: [f"{v:.4f}" for v in table[k]] for k in (*PANEL_METRICS, "owa")}
    widths = {k: max(10, *(len(c) + 2 for c in v)) for k, v in cells.items()}
    lines = ["model".ljust(width) + "".join(c.rjust(widths[k]) for c, k in zip(cols, cells))]
    for i, name in enumerate(table.index):
        lines.append(str(name).ljust(width) + "".join(v[i].rjust(widths[k]) for k, v in cells.items()))
    return "\n".join(lines)
