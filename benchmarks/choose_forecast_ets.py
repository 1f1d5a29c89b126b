"""Would AutoETS help the default forecaster? Scored on development rows only (``choose_forecast_defaults.py``).

The single-series default combines its network with the better of the naive and seasonal naive forecasts on the
validation rows (``combination.py``). This script asks whether statsforecast's AutoETS, fitted on the training
rows and run forward over the validation windows (``AutoETS.forward``: the fitted model, no refit), would serve
better: alone, as the baseline the network is shrunk toward, or in a non-negative least-squares mix of network,
baseline and ETS. Each series loses its last 20% of rows (the test rows ``seqlab forecast`` scores, never read
here); the rest is split as the forecaster splits it, and the ratios are development RMSE / the strong
baseline's (below 1 beats it). The networks come from ``choose_forecast_defaults.py``'s fits (``--cache DIR``
reuses them).

    OMP_NUM_THREADS=1 python benchmarks/choose_forecast_ets.py --data DIR [--data DIR2] [--cache DIR]

Candidates: ``current`` (the default: the network shrunk toward the better naive baseline by the least-squares
weight times n / (n + 5)), ``ets`` (AutoETS alone), ``toward-best`` (shrunk toward whichever of the naive
baseline and ETS had the lower validation RMSE), ``toward-ets`` (always toward ETS), ``simplex`` (non-negative
weights of network, baseline and ETS on the validation windows, shrunk toward the baseline by n / (n + 5)),
``mean`` (the default's forecast and ETS's averaged).

Measured 2026-12-07, session 14 (torch 2.13.0, statsforecast 2.1.1, one thread; the 17 series of
``choose_forecast_defaults.py``, its cached seed-0 fits):

    series                         baseline             n  current   ets  toward-best toward-ets simplex  mean
    daily-min-temperatures         naive              292   0.893  0.957     0.893      0.893    0.893  0.909
    daily-max-temperatures         naive              292   0.894  0.986     0.894      0.894    0.894  0.908
    daily-total-female-births      naive               29   0.772  0.973     0.808      0.808    0.885  0.801
    monthly-car-sales              seasonal naive (12)  8   1.005  1.252     1.184      1.184    1.024  1.071
    monthly-mean-temp              seasonal naive (12) 19   0.824  0.737     0.700      0.700    0.731  0.729
    monthly-robberies              naive                9   1.000  0.898     0.899      0.899    0.920  0.933
    monthly-sunspots               naive              225   0.928  0.948     0.937      0.937    0.936  0.935
    monthly-writing-paper-sales    seasonal naive (12) 11   1.048  0.736     1.048      0.826    0.757  0.809
    monthly_champagne_sales        seasonal naive (12)  8   0.976  1.146     0.976      1.016    0.983  1.014
    yearly-water-usage             naive                6   0.958  1.011     0.961      0.961    1.006  0.975
    shampoo                        seasonal naive (2)   2   0.996  1.101     1.101      1.101    0.982  0.988
    Lynx                           seasonal naive (9)   9   1.004  1.430     1.313      1.313    1.004  1.171
    Uschange                       naive               15   0.889  0.826     0.847      0.847    0.835  0.849
    PBS_dataset                    naive               16   1.000  5.702     1.000      2.896    1.552  2.939
    solar                          naive               23   0.671  0.759     0.652      0.652    0.671  0.702
    airline-passengers             seasonal naive (12) 11   0.501  0.628     0.446      0.446    0.510  0.498
    google-stock                   naive              100   1.000  1.000     1.000      1.000    1.000  1.000
    geometric mean                                          0.890  1.047     0.897      0.944    0.894  0.942
    beating the baseline (of 17)                               11     11        11         12       12     13
    worst ratio                                             1.048  5.702     1.313      2.896    1.552  2.939

Not adopted: the default has the best geometric mean and the best worst case. ETS alone loses to the naive
baselines more often than the network does (PBS 5.7x: an exponential trend fitted on the training rows, run
forward), and every rule that lets it in pays for its wins (writing paper, mean temperature, airline) with
larger losses elsewhere (car sales, Lynx, PBS) on 2-29 validation windows. The reports keep AutoETS and
AutoTheta as baselines of panels (``--id-col``), where they are scored, not mixed in.
"""
from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
from choose_forecast_defaults import (  # noqa: F401  (CachedFit: the pickled fits are read by its name)
    SERIES,
    CachedFit,
    cached_option_fits,
    development_series,
    rule,
    simplex_weights,
)

from seqlab.tasks.forecasting.combination import combination_weights, combine
from seqlab.tasks.forecasting.forecaster import Forecaster
from seqlab.tasks.forecasting.metrics import strong_baseline

PRIOR_WINDOWS = 5   # the default's shrinkage n / (n + 5)


def ets_forecasts(values: np.ndarray, fit_end: int, origins: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """AutoETS fitted on ``values[:fit_end]``, run forward from each origin: ``(origins, horizon, 1)``."""
    from statsforecast.models import AutoETS

    y = values[:, 0].astype(np.float64)
    m = season if 1 < season <= 24 and fit_end >= 2 * season + 5 else 1
    try:
        model = AutoETS(season_length=m).fit(y[:fit_end])
    except Exception:   # statsforecast refuses some seasonal fits: the season left out
        model = AutoETS(season_length=1).fit(y[:fit_end])
    return np.stack([model.forward(y=y[:o + 1], h=horizon)["mean"] for o in origins])[:, :, None]


def candidates(name, target, time_col, dev, cache) -> tuple[str, int, dict]:
    """The strong baseline's name, the validation windows and each candidate's development RMSE ratio."""
    values = dev[[target]].to_numpy(np.float64)
    fits = cached_option_fits(name, dev, target, time_col, values, cache, 0)
    base_name, base = strong_baseline(fits[False].metrics_)
    actual = fits[False].test_forecasts_["actual"]
    split = Forecaster("linear", target=target, time_col=time_col, epochs=1, combine=None).fit(dev)
    train_end, val_end, h = split.train_end_, split.val_end_, split.horizon
    val_rmse = {o: f._validation_rmse(values) for o, f in fits.items()}
    f = fits[min((o for o in fits if o is not False), key=lambda o: val_rmse[o])]
    found = f._validation_forecasts(values)
    n = len(found["actual"])
    ets_val = ets_forecasts(values, train_end, np.arange(val_end - h - n, val_end - h), h, split.season_)
    ets_dev = ets_forecasts(values, val_end, np.arange(val_end - 1, val_end - 1 + len(actual)), h, split.season_)
    errors = {b: float(np.mean((found[b] - found["actual"]) ** 2)) for b in ("naive", "seasonal")
              if found[b] is not None}
    b = min(errors, key=errors.get)
    ets_better = float(np.mean((ets_val - found["actual"]) ** 2)) < errors[b]
    target_val, target_dev = (ets_val, ets_dev) if ets_better else (found[b], f.test_forecasts_[b])

    def shrunk(toward_val, toward_dev):
        w = combination_weights(found["model"], toward_val, found["actual"], PRIOR_WINDOWS)
        return combine(f.test_forecasts_["model"], toward_dev, w)

    ws = simplex_weights([found["model"], found[b], ets_val], found["actual"])[:, 0]
    keep = n / (n + PRIOR_WINDOWS)
    ws = np.array([ws[0] * keep, ws[1] * keep + 1 - keep, ws[2] * keep])
    current = rule("blend-n5", fits, values)
    forecasts = {"current": current, "ets": ets_dev, "toward-best": shrunk(target_val, target_dev),
                 "toward-ets": shrunk(ets_val, ets_dev),
                 "simplex": ws[0] * f.test_forecasts_["model"] + ws[1] * f.test_forecasts_[b] + ws[2] * ets_dev,
                 "mean": 0.5 * current + 0.5 * ets_dev}
    return base_name, n, {k: float(np.sqrt(np.mean((v - actual) ** 2))) / base["rmse"] for k, v in forecasts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="folder holding the CSVs")
    parser.add_argument("--cache", type=Path, default=None, help="choose_forecast_defaults.py's fits")
    parser.add_argument("--series", nargs="*", default=list(SERIES))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = []
    for name, target, time_col, dev in development_series(args.series, args.data, width=30):
        base_name, n, ratios = candidates(name, target, time_col, dev, args.cache)
        rows.append(ratios)
        print(f"{name.removesuffix('.csv'):<30} {base_name:<19} {n:4d} " +
              " ".join(f"{v:7.3f}" for v in ratios.values()), flush=True)
    names = list(rows[0])
    print(f"{'':<55}" + " ".join(f"{k[:7]:>7}" for k in names))
    print(f"{'geometric mean':<55}" + " ".join(f"{np.exp(np.mean(np.log([r[k] for r in rows]))):7.3f}"
                                                for k in names))
    print(f"{'beating the baseline':<55}" + " ".join(f"{sum(r[k] < 1 for r in rows):7d}" for k in names))
    print(f"{'worst ratio':<55}" + " ".join(f"{max(r[k] for r in rows):7.3f}" for k in names))


if __name__ == "__main__":
    main()
