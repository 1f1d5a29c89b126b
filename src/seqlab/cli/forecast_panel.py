"""``seqlab forecast FILE --id-col ID``: one global model for every series of a panel (long, or
``--wide``), scored per series against naive, seasonal naive and (with ``seqlab[classical]``)
AutoETS and AutoTheta; the run directory adds ``per_series.csv``, ``errors.png`` (the spread of
per-series sMAPE) and ``series.png`` (the best, median and worst series).

>>> main(["forecast", "fertility.csv", "--wide", "--id-col", "Country Name", "--horizon", "5"])  # doctest: +SKIP
"""
from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from seqlab.cli.common import RUN_DIR, select_columns, training_run
from seqlab.data.panel import names_of, read_table
from seqlab.inspect.panel_plots import plot_error_distribution, plot_series_forecasts
from seqlab.io.errors import ConfigError, names_listed
from seqlab.tasks.forecasting.classical import classical_available
from seqlab.tasks.forecasting.metrics import series_signed_rank
from seqlab.tasks.forecasting.panel_metrics import format_table
from seqlab.tasks.verdicts import few_cases, significance_text

ROW_STEPS = "step"   # the time of a table of a series per column without one: the row number


def columns_panel(args) -> tuple[pd.DataFrame, dict, list[str]]:
    """``--series-per-column``: the table of ``args.csv`` (a time column, a series per numeric column: UCI's
    electricity load) as a long panel (``seqlab.data.panel.columns_to_long``), and how it was read (for
    ``model/input.json``, so that predict reads a new file the same way) and the notes for stderr. The series are
    the ``--target`` columns, else every numeric column; the time is the one column of dates, else the row number
    (``ROW_STEPS``); ``args`` is set to read the long panel.

    Raises:
        ConfigError: with ``--id-col``, ``--wide`` or ``--features``, or fewer than two series.
    """
    from seqlab.cli.common import guess_time_column
    from seqlab.cli.common import read_table as read_cli_table
    from seqlab.data.columns import time_parts
    from seqlab.data.panel import SERIES_COLUMN
    from seqlab.data.series import value_columns

    if args.id_col or args.wide or args.features or args.past_features or args.future_features:
        raise ConfigError("--series-per-column reads one series from each column beside the time: it takes no "
                          "--id-col, --wide or covariates (give a long table with --id-col for those)")
    series = names_of(args.target)
    table = read_cli_table(args, args.csv, keep=[*series, args.time_col], thousands=args.thousands)
    notes = guess_time_column(args, table, exclude=series, source=args.csv)
    from_rows = args.time_col is None
    if from_rows:   # LSTNet's exchange_rate.txt: values only, a row a day
        args.time_col = ROW_STEPS
        notes.append(f"seqlab: note: no column of {args.csv} holds dates: its rows are steps 0, 1, 2, ... "
                     "(--time-col names a column of times)")
    series = series or value_columns(table, exclude=time_parts(args.time_col, table.columns))[0]   # not a Year
    if len(series) < 2:                                                                          # counting steps
        raise ConfigError(f"--series-per-column needs two columns of values or more; {args.csv} has "
                          f"{len(series)} ({', '.join(map(str, series)) or 'none'}); for one series leave it out")
    recorded = {"command": "forecast", "series_per_column": True, "time_col": args.time_col,
                "time_from_rows": from_rows, "series": list(series)}
    notes.append(f"seqlab: note: {len(series)} series, one per column ({names_listed(series, 6)}), forecast by "
                 "one global model; each is named by its column")
    args.id_col, args.target = SERIES_COLUMN, "value"
    return columns_frame(table, recorded), recorded, notes


def columns_frame(table: pd.DataFrame, recorded: dict) -> pd.DataFrame:
    """The long panel of ``table``, a series per column, read as ``recorded`` says (``columns_panel`` made it;
    ``seqlab predict`` reads a new file so): the row number as the time when it had none, the time's columns
    joined, ``seqlab.data.panel.columns_to_long``."""
    from seqlab.data.columns import with_joined_time
    from seqlab.data.panel import columns_to_long

    time_col = recorded["time_col"]
    if recorded.get("time_from_rows"):
        table = table.assign(**{time_col: np.arange(len(table))})
    return columns_to_long(with_joined_time(table, time_col, drop_parts=True), time_col, recorded["series"])


def run_panel(args, models: list[str], forecaster_from_args, frame: pd.DataFrame | None = None,
              recorded: dict | None = None, notes=()) -> int:
    """Fit one global model per name in ``models`` on the panel in ``args.csv`` (or ``frame``, read from it as
    ``recorded`` says: ``columns_panel``) and write the run directory."""
    if args.wide and not args.id_col:
        raise ConfigError("--wide needs --id-col: the column that names each series (e.g. --id-col 'Country Name')")
    if not args.wide and (not args.target or not args.time_col):
        raise ConfigError("a long panel needs --target (the value to forecast) and --time-col (each row's time); "
                          "for a table with one row per series and one column per time step, give --wide")
    past = names_of(args.past_features) + names_of(args.features)
    keep = [args.id_col, args.time_col, *names_of(args.target), *past, *names_of(args.future_features),
            *names_of(args.static_features)]
    if frame is None:
        frame = read_table(args.csv) if args.wide else select_columns(read_table(args.csv), args, keep,
                                                                      source=args.csv)
    with training_run(args, "forecast") as run:
        fitted = {}
        for m in models:
            f = forecaster_from_args(args, m, args.target, past or None)
            f.set_params(future_features=names_of(args.future_features) or None,
                         static_features=names_of(args.static_features) or None, calendar=args.calendar,
                         cutoff=args.cutoff, drop_short=args.drop_short, classical=args.classical)
            fitted[m] = f.fit(frame, id_col=args.id_col, wide=args.wide)
        for note in notes:   # after the fit, so that a refusal stays one line
            print(note, file=sys.stderr)
        best = min(fitted, key=lambda m: _validation_smape(fitted[m]))     # chosen on validation, not test
        f, panel = fitted[best], fitted[best].panel_
        run.save(f, input=recorded)
        if len(fitted) > 1:
            for m, g in fitted.items():
                run.save(g, f"models/{m}")
        table = _joint_table(fitted)
        metrics = {**f.metrics_, "best": best, "table": {m: row.to_dict() for m, row in table.iterrows()},
                   "significance": {"test": "Wilcoxon signed-rank, per-series MASE against naive",
                                    **series_test(f, best)}}
        run.json("metrics.json", metrics)
        text, verdicts = summary(fitted, best, table, run.out)
        run.say(text)
        for line in verdicts:
            run.verdict(line)
        per_series = pd.concat({m: t for m, t in _per_series(fitted).items()}, axis=1)
        per_series.to_csv(run.dir / "per_series.csv", float_format="%.6g")
        plot_error_distribution({m: t["smape"].to_numpy() for m, t in _per_series(fitted).items()},
                                run.dir / "errors.png")
        plot_series_forecasts(_chosen_series(panel, best), run.dir / "series.png")
        sections = [("Aggregate over series (test part)", {m: row.to_dict() for m, row in table.iterrows()}),
                    ("Per-series sMAPE", "errors.png"), ("Best, median and worst series", "series.png")]
        if args.backtest:
            folds = f.backtest(frame, folds=args.backtest, id_col=args.id_col, wide=args.wide)
            folds.to_csv(run.dir / "backtest.csv", float_format="%.6g")
            mean = folds.groupby(level="model", sort=False)[["mae", "rmse", "smape", "mase", "owa"]].mean()
            sections.append((f"Rolling-origin backtest: {args.backtest} cutoffs, mean over folds",
                             {m: row.to_dict() for m, row in mean.iterrows()}))
            run.say(f"\nRolling-origin backtest, {args.backtest} cutoffs {f.horizon} steps apart (the last is the "
                    f"test above), mean over folds:\n{format_table(mean)}")
        if getattr(panel, "val_table", None) is not None:
            sections.insert(1, ("Validation part (what defaults and the best model are chosen on)",
                                {m: row.to_dict() for m, row in panel.val_table.iterrows()}))
        if run.history(f.history_):
            sections.append(("Training", "loss.png"))
        sections.append(("Model", f.summary()))
        run.report(f"seqlab forecast: {len(panel.ids)} series of {panel.target}", sections)
        run.plot = "series.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.csv])
    return 0


def series_test(f, model: str) -> dict:
    """Wilcoxon's signed-rank test of ``model``'s per-series test MASE against the naive forecast's on the same
    series (``seqlab.tasks.forecasting.metrics.series_signed_rank``)."""
    per_series = f.panel_.per_series
    return series_signed_rank(per_series[model]["mase"], per_series["naive"]["mase"])


def _series_significance(f, model: str) -> str:
    r = series_test(f, model)
    text = significance_text("Wilcoxon signed-rank", r["p_value"], r["series"], "series' MASE")
    return f"{text}, lower on {r['better']}"


def _validation_smape(f) -> float:
    table = getattr(f.panel_, "val_table", None)
    return float(table.loc[f.model, "smape"]) if table is not None else float(f.metrics_["smape"])


def _per_series(fitted: dict) -> dict[str, pd.DataFrame]:
    first = next(iter(fitted.values())).panel_
    tables = {m: g.panel_.per_series[m] for m, g in fitted.items()}
    tables.update({k: v for k, v in first.per_series.items() if k not in tables})
    return tables


def _joint_table(fitted: dict) -> pd.DataFrame:
    first = next(iter(fitted.values())).panel_.table
    rows = [g.panel_.table.loc[[m]] for m, g in fitted.items()]
    return pd.concat(rows + [first.drop(index=[m for m in fitted if m in first.index])])


def _chosen_series(panel, model: str) -> list[dict]:
    """The best, median and worst series by the model's sMAPE, with their last stretch of history."""
    errors = panel.per_series[model]["smape"].sort_values()
    picks = [("best", errors.index[0]), ("median", errors.index[len(errors) // 2]), ("worst", errors.index[-1])]
    fc, H = panel.test_forecasts, int(panel.p["horizon"])
    out = []
    for label, name in picks:
        i = panel.ids.index(name)
        windows = np.flatnonzero(fc["series"] == i)
        w = windows[-1]                                          # the series' last test window
        o, a = int(fc["origins"][w]), int(fc["offsets"][i])
        start = max(a, o - 4 * max(H, int(panel.p["lookback"])))
        shown = {k: v[w] for k, v in fc["forecasts"].items() if k != "seasonal_naive" or panel.season > 1}
        out.append({"title": f"{label}: {name} (sMAPE {errors[name]:.2f})", "times": fc["times"][start:o + H + 1],
                    "values": fc["y"][start:o + H + 1], "forecast_times": fc["times"][o + 1:o + H + 1],
                    "actual": fc["actual"][w], "forecasts": shown,
                    "lower": None if fc["lower"] is None else fc["lower"][w],
                    "upper": None if fc["upper"] is None else fc["upper"][w]})
    return out


def _shrinkage(combination: dict) -> str:
    """`` (least-squares w 0.86 on 22 windows, x 22/(22+5))`` when the weight was shrunk; empty in older files.

    >>> _shrinkage({"least_squares": 1.0, "windows": 22, "prior_windows": 5})
    ' (least-squares w 1.00 on 22 windows, x 22/(22+5))'
    """
    n, k = combination.get("windows"), combination.get("prior_windows")
    if not (n and k and "least_squares" in combination):
        return ""
    return f" (least-squares w {combination['least_squares']:.2f} on {n} windows, x {n}/({n}+{k:g}))"


def summary(fitted: dict, best: str, table: pd.DataFrame, out) -> tuple[str, list[str]]:
    """The closing block's lines of a panel run: what was fitted and the aggregate table; and the verdicts."""
    panel = fitted[best].panel_
    H, L = int(panel.p["horizon"]), int(panel.p["lookback"])
    notes = []
    if panel.empty_series:
        notes.append(f"{len(panel.empty_series)} without any value")
    if panel.dropped:
        notes.append(f"{len(panel.dropped)} too short, left out (--drop-short)")
    lines = [f"\nPanel: {len(panel.ids)} series" + (f" ({'; '.join(notes)})" if notes else "")
             + f"; one {best} model trained on {panel.n_windows['train']} windows from all of them",
             f"Test: {panel.n_windows['test']} forecasts, {H} step(s) ahead (lookback {L}); metrics are means over "
             f"series; MASE season {panel.season}; OWA against naive",
             format_table(table)]
    for m, g in fitted.items():
        c = g.metrics_.get("combination")
        if c is not None:
            a = c["network_alone"]
            if c["weight"] == 1.0:
                lines.append(f"forecast: {g.panel_.describe()} alone: the validation rows gave the naive forecast no "
                             "weight (w = 1)")
            else:
                lines.append(f"forecast: {g.panel_.describe()}, the weight chosen on the validation rows"
                             f"{_shrinkage(c)}; the network alone: sMAPE {a['smape']:.4f}, MASE {a['mase']:.4f}, "
                             f"OWA {a['owa']:.4f} (--no-combine)")
    if not panel.classical:
        lines.append("(AutoETS / AutoTheta: " + ("--no-classical given)" if classical_available()
                                                 else "pip install 'seqlab[classical]')"))
    naive, verdicts = table.loc["naive"], []
    few = few_cases(int(panel.n_windows["test"]), advice="--test-size 0.2 scores the last 20% of each series")
    for m in fitted:
        row = table.loc[m]
        wins = [k for k in ("smape", "mase") if row[k] < naive[k]]
        verdict = ("beats" if len(wins) == 2 else "does NOT beat") + " naive on sMAPE and MASE" if len(wins) in (0, 2) \
            else f"beats naive on {wins[0]} only"
        verdicts.append(f"{fitted[m].panel_.describe()} {verdict} (sMAPE {row['smape']:.3f} vs {naive['smape']:.3f}, "
                        f"MASE {row['mase']:.3f} vs {naive['mase']:.3f}, OWA {row['owa']:.3f}; "
                        f"{_series_significance(fitted[m], m)})" + few)
    if table["owa"].notna().any():   # none when the naive forecast is exact on the test steps (OWA undefined)
        strongest = table["owa"].idxmin()
        lost = "" if strongest in fitted else " (a baseline: the models lose to it)"
        verdicts.append(f"lowest OWA: {strongest}{lost}")
    if "interval_coverage" in fitted[best].metrics_:
        q = fitted[best].metrics_["quantiles"]
        lines.append(f"interval {q[0]:g}-{q[-1]:g}: covers {fitted[best].metrics_['interval_coverage']:.0%} "
                     "of test values")
    lines.append(f"per-series errors: {out / 'errors.png'}, {out / 'per_series.csv'}")
    return "\n".join(lines), verdicts
