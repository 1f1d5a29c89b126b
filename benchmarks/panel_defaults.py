"""Which settings of a global model to use on the World Bank fertility panel, chosen on validation.

The panel (219 countries, yearly, up to 54 points; 9 empty rows, gaps interpolated, series shorter
than lookback + horizon + 10 left out) is split per series: test = the last 5 years, validation =
the 5 before, training = the rest. Every setting below is fitted on the training part and scored on
the validation part only (sMAPE, MASE, OWA against naive, means over series). The setting with the
lowest validation OWA is then scored once on the test part, beside naive, seasonal naive and, with
statsforecast installed, AutoETS and AutoTheta fitted on each series' 5 + training years.

Measured (36 settings: linear, mlp, lstm x lookback 5/10/20 x levels or changes x standard or minmax
scaling; 194 series): lowest validation OWA linear, lookback 20, levels, minmax (0.587; naive 1.0);
then on the test part sMAPE 3.449, MASE 1.611, OWA 0.714 against naive 4.588 / 2.382, AutoETS
3.820 / 1.370 / 0.704 and AutoTheta 6.859 / 2.507 / 1.274: the global model beats naive and Theta and
ETS on sMAPE, not on MASE (ETS keeps a slightly lower OWA). The best mlp (lookback 5, changes,
standard) had validation OWA 0.601, the best lstm 0.624.

Run: ``OMP_NUM_THREADS=1 nice python benchmarks/panel_defaults.py [--quick]``
"""
from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import pandas as pd

from seqlab.data.panel import read_table
from seqlab.tasks.forecasting import Forecaster
from seqlab.tasks.forecasting.panel_metrics import format_table

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "fertility" / "fertility.csv"


def fit(frame, model, lookback, difference, scaler, lookback_max, **extra):
    # the network alone (combine=None), as measured before panels were combined with naive by default
    # the same series in every setting: those long enough for the longest lookback tried
    f = Forecaster(model, lookback=lookback, horizon=5, difference=difference, scaler=scaler, fill="interpolate",
                   drop_short=True, validation_split=5, test_size=5, seed=0, verbose=0, combine=None, **extra)
    years = [c for c in frame.columns if str(c).isdigit()]
    keep = frame[frame[years].notna().sum(axis=1) >= lookback_max + 5 + 10]
    return f.fit(keep, id_col="Country Name", wide=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer settings (a smoke run)")
    args = ap.parse_args()
    frame = read_table(DATA)
    models = ["linear", "mlp"] if args.quick else ["linear", "mlp", "lstm"]
    lookbacks = [5, 10] if args.quick else [5, 10, 20]
    rows = []
    for model, lookback, difference, scaler in itertools.product(models, lookbacks, [False, True],
                                                                 ["standard", "minmax"]):
        t = time.time()
        f = fit(frame, model, lookback, difference, scaler, max(lookbacks), classical=False)
        val = f.panel_.val_table
        rows.append({"model": model, "lookback": lookback, "difference": difference, "scaler": scaler,
                     "val_smape": val.loc[model, "smape"], "val_mase": val.loc[model, "mase"],
                     "val_owa": val.loc[model, "owa"], "naive_val_smape": val.loc["naive", "smape"],
                     "naive_val_mase": val.loc["naive", "mase"], "seconds": round(time.time() - t, 1)})
        print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in rows[-1].items()), flush=True)
    table = pd.DataFrame(rows).sort_values("val_owa")
    print("\nValidation part (5 years before the test years), sorted by OWA against naive:")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    best = tuple(table.iloc[0][["model", "lookback", "difference", "scaler"]])
    f = fit(frame, *best, max(lookbacks))         # the same fit (same seed), now with AutoETS / AutoTheta
    print(f"\nchosen on validation: model={best[0]} lookback={best[1]} difference={best[2]} scaler={best[3]}")
    print(f"test part (last 5 years of {f.metrics_['series']} series), scored once:")
    print(format_table(f.panel_.table))


if __name__ == "__main__":
    main()
