"""Classical baselines from statsforecast (the optional extra ``seqlab[classical]``): AutoETS and
AutoTheta fitted on each series separately, as a user would fit them, to answer "does the deep
model beat ETS on my data?".

``classical_forecasts`` returns None when statsforecast is not installed (the callers then report
the naive baselines only and say so).

>>> import numpy as np
>>> out = classical_forecasts([np.arange(20.0), 5 + np.arange(15.0)], horizon=2, season=1)
>>> out is None or sorted(out) == ["AutoETS", "AutoTheta"]
True
"""
from __future__ import annotations

import numpy as np

CLASSICAL_MODELS = ("AutoETS", "AutoTheta")


def classical_available() -> bool:
    """Whether statsforecast can be imported."""
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


def classical_forecasts(histories: list[np.ndarray], horizon: int, season: int = 1) -> dict | None:
    """AutoETS and AutoTheta forecasts ``{name: (n_series, horizon)}`` of the ``horizon`` steps after each
    history (1-D arrays in the data's units, any lengths); None without statsforecast. A series too
    short for a seasonal fit is fitted without the season."""
    if not classical_available():
        return None
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    out = {name: np.full((len(histories), horizon), np.nan) for name in CLASSICAL_MODELS}
    lengths = np.array([len(h) for h in histories])
    seasonal = lengths >= 2 * season + 2 if season > 1 else np.ones(len(histories), bool)
    for m, chosen in ((season, seasonal), (1, ~seasonal)):
        keep = np.flatnonzero(chosen)
        if not len(keep):
            continue
        frame = pd.DataFrame({"unique_id": np.repeat(keep, lengths[keep]),
                              "ds": np.concatenate([np.arange(lengths[i]) for i in keep]),
                              "y": np.concatenate([np.asarray(histories[i], np.float64) for i in keep])})
        sf = StatsForecast(models=[AutoETS(season_length=m), AutoTheta(season_length=m)], freq=1, n_jobs=1)
        fc = sf.forecast(df=frame, h=horizon)
        for name in CLASSICAL_MODELS:
            out[name][keep] = fc[name].to_numpy().reshape(len(keep), horizon)
    return out
