"""``seqlab forecast CSV --target COL``: train a forecaster, score it against the naive forecast on
held-out test rows, and write a run directory (model/, metrics.json, history.json, forecast.png,
loss.png, report.html). ``--compare lstm,gru,mlp,naive`` trains several on the same split.

Many series (a panel): ``--id-col COL`` with a long table (``--time-col``, ``--target``, covariates
``--past-features``, ``--future-features``, ``--static-features``, ``--calendar``) or ``--wide`` (a row
per series, a column per time step); CSV or Parquet. One global model learns from every series; see
``seqlab.cli.forecast_panel``.

>>> main(["forecast", "prices.csv", "--target", "Open", "--model", "gru"])    # doctest: +SKIP
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from seqlab.cli.common import (
    ADAPTIVE,
    RUN_DIR,
    add_arguments,
    add_command,
    add_table_options,
    guess_time_column,
    input_file,
    names_of,
    read_table,
    training_run,
)
from seqlab.cli.forecast_panel import columns_panel, run_panel
from seqlab.data import read_csv
from seqlab.data.columns import time_parts
from seqlab.data.series import value_columns
from seqlab.inspect.forecast_plots import plot_comparison, plot_forecast
from seqlab.io.errors import ConfigError, DataError, names_listed
from seqlab.models.forecasting import MODEL_NAMES
from seqlab.tasks.forecasting.combination import weight_text
from seqlab.tasks.forecasting.forecaster import COMBINATION_BASELINES, DIFFERENCE_NAMES, Forecaster
from seqlab.tasks.forecasting.metrics import METRIC_NAMES, forecast_verdict
from seqlab.train.budget import describe


def add_parser(sub) -> None:
    p = add_command(sub, "forecast", run, help="train a forecaster on a CSV and compare it with the naive forecast")
    p.add_argument("csv", help="the CSV file (.csv or .csv.gz; or Parquet, for a panel), or a bundled data set name "
                               "(airline-passengers)")
    p.add_argument("--target", help="column(s) to forecast (comma-separated; default: the only numeric column); "
                                   "a panel takes one")
    p.add_argument("--time-col", help="date/time column (rows are sorted by it); Date,Time reads two columns as one")
    p.add_argument("--features", help="covariate columns, comma-separated (multivariate input)")
    p.add_argument("--model", default="lstm", help=f"one of: {', '.join(MODEL_NAMES)} ")
    p.add_argument("--compare", help="several models on the same split, e.g. lstm,gru,mlp,naive")
    p.add_argument("--thousands", help="thousands separator in numbers, e.g. ','")
    add_table_options(p)
    add_arguments(p, "forecast", encoding=None)
    add_training_args(p, "forecast")
    panel = p.add_argument_group("many series (a panel)")
    panel.add_argument("--id-col", help="the column naming each series, or several joined by commas (store,item: a "
                                        "series per pair): one global model for all of them")
    panel.add_argument("--wide", action="store_true", help="a row per series and a column per time step")
    panel.add_argument("--series-per-column", action="store_true",
                       help="a series per numeric column (or per --target column) beside the time column, forecast "
                            "by one global model (UCI's electricity load); without it --target a,b forecasts the "
                            "columns together, as one series of several values")
    panel.add_argument("--past-features", help="covariates observed up to the forecast origin (as --features)")
    panel.add_argument("--future-features", help="covariates known over the horizon (predict needs them)")
    panel.add_argument("--static-features", help="one value per series (text ones are embedded)")
    panel.add_argument("--calendar", action="store_true", help="month / weekday / hour features from the dates")
    panel.add_argument("--cutoff", help="score the steps after this date (or step) instead of the last --test-size")
    panel.add_argument("--drop-short", action="store_true",
                       help="leave out series shorter than lookback + horizon (default: refuse them, naming them)")
    panel.add_argument("--backtest", type=int, default=0, metavar="FOLDS",
                       help="also refit at FOLDS rolling cutoffs, --horizon steps apart, and report each fold")
    panel.add_argument("--no-classical", dest="classical", action="store_false",
                       help="skip the AutoETS / AutoTheta baselines (statsforecast; slow on many series)")


def add_training_args(p, command: str) -> None:
    """Options of ``seqlab forecast`` that ``seqlab quickstart`` takes too."""
    p.add_argument("--lookback", type=int, default=12, help="past rows per input window")
    p.add_argument("--horizon", type=int, default=1, help="steps ahead to forecast")
    p.add_argument("--strategy", default="direct", choices=["direct", "recursive", "seq2seq"],
                   help="multi-step: one output per step, feed back 1-step forecasts, or encoder-decoder")
    p.add_argument("--units", type=int, default=32, help="units per recurrent/dense layer (transformer width)")
    p.add_argument("--layers", type=int, default=None,
                   help="stacked recurrent/transformer layers (default: 2 for stacked_lstm, else 1)")
    p.add_argument("--dropout", type=float, default=0.0, help="fraction of units dropped while training")
    p.add_argument("--quantiles", help="e.g. 0.1,0.5,0.9: pinball loss and prediction intervals")
    p.add_argument("--difference", action=argparse.BooleanOptionalAction, default=None,
                   help="model first differences (trending series); --no-difference models the values (default: "
                        "first differences, or seasonal ones when the series has a season and they forecast the "
                        "validation rows better)")
    p.add_argument("--seasonal-difference", dest="difference", action="store_const", const="seasonal",
                   help="model differences over the season, y[t] - y[t-season]: the network learns what the "
                        "seasonal naive forecast misses")
    p.add_argument("--no-combine", dest="combine", action="store_false",
                   help="the network's forecast alone (default: combined with the naive or seasonal naive forecast, "
                        "w x network + (1 - w) x baseline, the baseline and w chosen on the validation rows)")
    p.add_argument("--scaler", default="minmax", choices=["minmax", "standard", "none"],
                   help="scaling fitted on the training rows (MinMaxScaler, StandardScaler or none)")
    p.add_argument("--season", type=int, help="seasonal period in rows (default: inferred)")
    panel = command == "forecast"            # seqlab forecast also reads panels: their default is the horizon
    p.add_argument("--test-size", type=float, default=None if panel else 0.2,
                   help="last rows held out: fraction or count" + (" (default 0.2; a panel: --horizon rows per series)"
                                                                    if panel else ""))
    p.add_argument("--fill", choices=["ffill", "interpolate", "zero"], help="fill NaN/inf (default: refuse)")
    # the validation part is the rows just before the test rows (a row count works too, as for --test-size)
    add_arguments(p, command, epochs=ADAPTIVE, batch_size=32, learning_rate=1e-3, patience=20, validation_split=0.1,
                  time_budget=None, seed=0, verbose=1, threads=None, out=None)


def _floats(text: str | None, what: str):
    if not text:
        return None
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"{what} must be comma-separated numbers, got {text!r}") from None


def forecaster_from_args(args, model: str, target, features) -> Forecaster:
    """A Forecaster configured from parsed command-line options."""
    size = lambda v: int(v) if v >= 1 else v
    return Forecaster(model=model, target=target, features=features, time_col=args.time_col,
                      lookback=args.lookback, horizon=args.horizon, strategy=args.strategy,
                      quantiles=_floats(args.quantiles, "--quantiles"), units=args.units, num_layers=args.layers,
                      dropout=args.dropout, epochs=args.epochs, batch_size=args.batch_size,
                      learning_rate=args.learning_rate, patience=args.patience,
                      scaler=None if args.scaler == "none" else args.scaler,
                      difference="auto" if args.difference is None else args.difference,
                      combine="auto" if getattr(args, "combine", True) else None, season=args.season,
                      validation_split=size(args.validation_split),
                      test_size=None if args.test_size is None else size(args.test_size), fill=args.fill,
                      seed=args.seed, verbose=args.verbose, time_budget=args.time_budget)


def check_args(args, models: list[str]) -> None:
    """Refuse bad options before any work is done (one line, exit 2)."""
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown:
        raise ConfigError(f"unknown model {unknown[0]!r}; choose one of {', '.join(MODEL_NAMES)}")
    for name in ("lookback", "horizon", "units"):
        if getattr(args, name) < 1:
            raise ConfigError(f"--{name} must be >= 1, got {getattr(args, name)}")


def run(args) -> int:
    """Train a forecaster on a CSV column, score it on the last rows against the naive (last value)
    forecast, and write a run directory."""
    models = list(dict.fromkeys(m.strip() for m in (args.compare or args.model).split(",") if m.strip()))
    if not models:
        raise ConfigError("give at least one model name, e.g. --compare lstm,gru,naive")
    check_args(args, models)
    if not (getattr(args, "id_col", None) or getattr(args, "wide", False) or args.target):
        _neuralforecast_columns(args)
    if getattr(args, "series_per_column", False):
        args.csv = str(input_file(args.csv))
        return run_panel(args, models, forecaster_from_args, *columns_panel(args))
    if getattr(args, "id_col", None) or getattr(args, "wide", False):
        args.csv = str(input_file(args.csv))     # a bundled name, or the one missing-file line
        return run_panel(args, models, forecaster_from_args)
    df, targets, features, notes = read_series(args)
    fit_and_report(df, args, "forecast", models, targets, features,
                   f"seqlab forecast: {', '.join(targets)} from {Path(args.csv).name}", notes)
    return 0


def read_series(args) -> tuple:
    """The CSV of ``args.csv`` read for one forecaster: ``(frame, targets, features or None, notes)``. Without
    ``--time-col`` the only column of dates is the time, and without ``--target`` the only numeric column is
    the target (both set in ``args``); ``notes`` are the lines that say so, for stderr."""
    targets = names_of(args.target)
    features = names_of(args.features) or None
    table = read_table(args, args.csv, keep=[*targets, *(features or []), args.time_col], thousands=args.thousands)
    notes = guess_time_column(args, table, exclude=[*targets, *(features or [])], source=args.csv)
    if not targets:
        times = time_parts(args.time_col, table.columns)   # year, month, day, hour: read as the time, not values
        targets, left_out = only_numeric_column(table, exclude=[*times, *(features or [])], source=args.csv)
        left_out = f"; {', '.join(map(repr, left_out))} counts time steps and is left out" if left_out else ""
        notes.append(f"seqlab: note: forecasting column {targets[0]!r}, the only numeric column of {args.csv} "
                     f"(--target names another{left_out})")
        args.target = ",".join(targets)
    return read_csv(table, time_col=args.time_col), targets, features, notes


LONG_PANEL_COLUMNS = ("unique_id", "ds", "y")   # NeuralForecast's and StatsForecast's long format


def _neuralforecast_columns(args) -> None:
    """A file whose header holds ``unique_id``, ``ds`` and ``y`` (NeuralForecast's long format) given without
    ``--id-col`` or ``--target``: read it as that panel, and say so on stderr. Likewise a file whose columns
    after the first number the steps (``V1, V2, V3, ...``: the M4 competition's, a series per row from its first
    value) over a first column of distinct names: a wide panel (``--wide --id-col V1``)."""
    from seqlab.data.csv import PARQUET_SUFFIXES, as_dates, read_frame
    from seqlab.data.panel import step_columns

    path = input_file(args.csv)
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet

            columns = pyarrow.parquet.read_schema(path).names
        else:
            columns = read_frame(path, nrows=1).columns
    except (DataError, ConfigError, ImportError, OSError, ValueError):   # read, and explained, below (pyarrow's
        # ArrowInvalid, a file that is no Parquet, is a ValueError)
        return
    if len(columns) >= 4 and step_columns(list(columns[1:])) and path.suffix.lower() not in PARQUET_SUFFIXES:
        import pandas as pd

        ids = read_frame(path, usecols=[0], dtype=str).iloc[:, 0]
        # a series per row is named down the first column; times there are a series per column (UCI's electricity
        # file: its unnamed time column beside MT_001, MT_002, ...)
        if ids.is_unique and pd.to_numeric(ids, errors="coerce").isna().all() and as_dates(ids) is None:
            args.wide, args.id_col = True, str(columns[0])
            print(f"seqlab: note: {Path(args.csv).name} holds a series per row named in {args.id_col!r}, its "
                  f"columns {columns[1]}, {columns[2]}, ... numbering the steps (the M4 competition's files): one "
                  f"model for all of them (--wide --id-col {args.id_col}; --target names one column instead)",
                  file=sys.stderr)
        return
    if not all(c in columns for c in LONG_PANEL_COLUMNS):
        return
    args.id_col, args.target = "unique_id", "y"
    args.time_col = args.time_col or "ds"
    print(f"seqlab: note: {Path(args.csv).name} holds unique_id, ds and y (NeuralForecast's long format): "
          f"forecasting y of each unique_id at times {args.time_col} (--id-col / --time-col / --target name "
          "others)", file=sys.stderr)


def only_numeric_column(table, exclude=(), source="the table") -> tuple[list[str], list[str]]:
    """The column to forecast when ``--target`` is not given: the table's only numeric column besides
    ``exclude`` (the time column, the features) and columns that count time steps (a ``Year`` of whole
    numbers: ``seqlab.data.series.value_columns``): ``([that column], [time-step columns left out])``.
    Several or none is a ConfigError naming the columns, as ``Forecaster(target=None)`` does.

    >>> import pandas as pd
    >>> only_numeric_column(pd.DataFrame({"Year": [1949, 1950, 1951], "Passengers": [112.0, 118.5, 132.0]}))
    (['Passengers'], ['Year'])
    """
    numeric, steps = value_columns(table, exclude)
    if len(numeric) != 1:
        found = f"its numeric columns are {names_listed(numeric + steps)}" if numeric + steps else \
            "it has no numeric column"
        several = ("; --target a,b forecasts several together, --series-per-column each as a series of one global "
                   "model") if len(numeric) > 1 else ""
        raise ConfigError(f"--target is required: say which column to forecast ({source}: {found}; "
                          f"columns are: {names_listed(table.columns)}{several})")
    return numeric, steps


def fit_and_report(df, args, command: str, models: list[str], targets, features, title: str, notes=()) -> dict:
    """Fit each model on ``df`` and write the run directory of ``command``; returns ``{model: fitted Forecaster}``.
    ``notes`` (lines for stderr, e.g. a column guessed) are printed once the models are fitted, so a refusal
    (of ``--out``, of the data) stays one line."""
    with training_run(args, command) as run:
        fitted = {m: forecaster_from_args(args, m, targets, features).fit(df) for m in models}
        for note in notes:
            print(note, file=sys.stderr)
        best = min(fitted, key=lambda m: fitted[m].metrics_["rmse"])
        f = fitted[best]
        run.save(f)
        metrics = dict(f.metrics_)
        if len(fitted) > 1:
            metrics["best"] = best
            metrics["compare"] = {m: _point(g.metrics_) for m, g in fitted.items()}
            for m, g in fitted.items():
                run.save(g, f"models/{m}")
            plot_comparison({m: g.test_forecasts_ for m, g in fitted.items()},
                            {m: g.metrics_ for m, g in fitted.items()}, run.dir / "compare.png")
        if getattr(f, "training_", None):
            metrics["training"] = f.training_
        table, verdict = summary(fitted)
        metrics["verdict"] = verdict
        run.json("metrics.json", metrics)
        plots = forecast_plots(f, forecast_name(best, f.metrics_), run.dir)
        sections = [("Verdict", metrics["verdict"]),
                    ("Test metrics (model vs naive and seasonal naive)", metric_table(f.metrics_, best))]
        for target, scores in f.metrics_.get("per_target", {}).items():
            rows = {k.upper(): {best: scores["model"][k], "naive": scores["naive"][k]} for k in METRIC_NAMES}
            sections.append((f"{target}: test metrics (model vs naive)", rows))
        if len(fitted) > 1:
            sections.append(("Comparison on the same split", {m: _point(g.metrics_) for m, g in fitted.items()}))
            sections.append(("Models side by side", "compare.png"))
        sections += [(f"Forecast of {target} ({best})", png) for target, png in plots.items()]
        training = getattr(f, "training_", None)
        if training:
            sections.append(("Training budget", describe(training)))
        if "validation" in f.metrics_:
            sections.append(("Differencing, chosen on the validation rows",
                             differencing_line(f.metrics_["validation"])))
        if "combination" in f.metrics_:
            sections.append(("Combination with a baseline, chosen on the validation rows",
                             combination_line(f.metrics_["combination"])))
        if run.history(f.history_, plotted=f.history_, training=training):
            sections.append(("Training", "loss.png"))
        sections.append(("Model", f.summary()))
        run.report(title, sections)
        run.say(table)
        run.verdict(verdict)
        run.plot = "forecast.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, getattr(args, "csv", None) or "airline-passengers"])
    return fitted


def forecast_plots(f, label: str, folder: Path) -> dict[str, str]:
    """``forecast.png`` for the first target and ``forecast_<target>.png`` for each further one; returns
    ``{target: file name}``."""
    plots = {}
    for j, target in enumerate(f.targets_):
        name = "forecast.png" if j == 0 else f"forecast_{re.sub(r'[^A-Za-z0-9_.-]+', '_', str(target))}.png"
        plot_forecast({**f.test_forecasts_, "label": label}, folder / name, target=j)
        plots[target] = name
    return plots


def _point(m: dict) -> dict:
    return {k: m[k] for k in METRIC_NAMES}


def metric_table(m: dict, name: str) -> dict:
    """``{metric: {name: value, "naive": value}}`` rows for the report."""
    rows = {k.upper(): {name: m[k], "naive": m["baseline"][k]} for k in METRIC_NAMES}
    if "seasonal_naive" in m:
        for k in METRIC_NAMES:
            rows[k.upper()][f"seasonal naive ({m['seasonal_naive']['season']})"] = m["seasonal_naive"][k]
    return rows


DIFFERENCING_LABELS = {False: "values", True: "first differences", "seasonal": "seasonal differences"}


def differencing_line(validation: dict) -> str:
    """What ``difference="auto"`` chose and on what: ``metrics_["validation"]`` as one line.

    >>> differencing_line({"rmse_differences": 24.4, "rmse_seasonal_differences": 14.79, "naive_rmse": 40.68,
    ...                    "differenced": "seasonal"})
    'modelled seasonal differences: validation RMSE 14.79 (first differences 24.4; naive forecast 40.68)'
    """
    kept = validation["differenced"]
    others = [f"{DIFFERENCING_LABELS[o]} {validation[key]:.4g}" for o, key in DIFFERENCE_NAMES.items()
              if key in validation and o != kept]
    others.append(f"naive forecast {validation['naive_rmse']:.4g}")
    return (f"modelled {DIFFERENCING_LABELS[kept]}: validation RMSE {validation[DIFFERENCE_NAMES[kept]]:.4g} "
            f"({'; '.join(others)})")


def forecast_name(model: str, metrics: dict) -> str:
    """What made the forecast, for the verdict and the plots: the model, its combination with a baseline,
    or the baseline when the validation rows gave the model no weight.

    >>> forecast_name("lstm", {"combination": {"baseline": "naive", "weights": {"y": 0.31}}})
    'lstm shrunk toward naive (w=0.31)'
    >>> forecast_name("lstm", {"combination": {"baseline": "seasonal", "weights": {"y": 0.0}}})
    'the seasonal naive forecast (lstm weighed 0 on validation)'
    """
    c = metrics.get("combination")
    if c is None or all(w == 1.0 for w in c["weights"].values()):
        return model
    short = COMBINATION_BASELINES[c["baseline"]]
    if all(w == 0.0 for w in c["weights"].values()):
        return f"the {short} forecast ({model} weighed 0 on validation)"
    return f"{model} shrunk toward {short} (w={', '.join(weight_text(w) for w in c['weights'].values())})"


def combination_line(combination: dict) -> str:
    """The forecast combination of ``metrics_["combination"]`` and its validation and test figures, one line.

    >>> c = {"description": "(how)", "validation_rmse": {"combined": 1.2, "network": 1.3, "baseline": 1.4},
    ...      "network": {"rmse": 2.5}}
    >>> combination_line(c)
    '(how); validation RMSE 1.2 (network alone 1.3, baseline 1.4); the network alone: test RMSE 2.5'
    """
    line = combination["description"]
    val = combination.get("validation_rmse")
    if val:
        line += (f"; validation RMSE {val['combined']:.4g} (network alone {val['network']:.4g}, "
                 f"baseline {val['baseline']:.4g})")
    return line + f"; the network alone: test RMSE {combination['network']['rmse']:.4g}"


def summary(fitted: dict) -> tuple[str, str]:
    """The short table at the end of a run (each model vs naive on each metric), and the verdict."""
    first = next(iter(fitted.values()))
    base = first.metrics_["baseline"]
    names = list(fitted) + ([] if "naive" in fitted else ["naive"])     # --compare ...,naive: one column
    width = max(10, *(len(n) + 2 for n in names))
    lines = [f"\nTest: {first.metrics_['test_windows']} forecasts of {', '.join(first.targets_)}, "
             f"{first.horizon} step(s) ahead (lookback {first.lookback}, last {first.n_rows_ - first.val_end_} rows)",
             "metric".ljust(8) + "".join(n.rjust(width) for n in names)]
    for k in METRIC_NAMES:
        row = [fitted[m].metrics_[k] for m in fitted] + ([] if "naive" in fitted else [base[k]])
        lines.append(k.upper().ljust(8) + "".join(f"{v:{width}.3f}" for v in row))
    best = min(fitted, key=lambda m: fitted[m].metrics_["rmse"])
    per_target = fitted[best].metrics_.get("per_target")
    if per_target:
        lines.append(f"{best} per target (the pooled rows above mix the targets' scales):")
        lines.append("target".ljust(16) + "".join(f"{k.upper():>10}" for k in METRIC_NAMES) + "  RMSE vs naive")
        for target, scores in per_target.items():
            naive_rmse = scores["naive"]["rmse"]
            ratio_t = scores["model"]["rmse"] / naive_rmse if naive_rmse else float("nan")
            lines.append(str(target)[:15].ljust(16) + "".join(f"{scores['model'][k]:10.3f}" for k in METRIC_NAMES)
                         + f"  {ratio_t:.2f}x")
    training = getattr(fitted[best], "training_", None)
    if training:
        lines.append(describe(training))
    if "validation" in fitted[best].metrics_:
        lines.append(differencing_line(fitted[best].metrics_["validation"]))
    if "combination" in fitted[best].metrics_:
        lines.append(combination_line(fitted[best].metrics_["combination"]))
    if "interval_coverage" in fitted[best].metrics_:
        q = fitted[best].metrics_["quantiles"]
        lines.append(f"interval {q[0]:g}-{q[-1]:g}: covers {fitted[best].metrics_['interval_coverage']:.0%} "
                     "of test values")
    if best == "naive":
        verdict = "no other model beats the naive forecast: naive has the lowest test RMSE"
    elif best == "seasonal_naive":   # a baseline won: say so against the naive forecast alone
        verdict = forecast_verdict(best, {"rmse": fitted[best].metrics_["rmse"], "baseline": base}) + \
            "; no trained model beats it"
    elif per_target:
        wins = [t for t, m in per_target.items() if m["model"]["rmse"] < m["naive"]["rmse"]]
        verdict = (f"{best} does NOT beat the naive forecast on any of the {len(per_target)} targets (test RMSE)"
                   if not wins else f"{best} beats the naive forecast on {len(wins)} of {len(per_target)} targets "
                   "(test RMSE of each)" + (f": {', '.join(map(str, wins))}" if len(wins) < len(per_target) else ""))
    else:
        verdict = forecast_verdict(forecast_name(best, fitted[best].metrics_), fitted[best].metrics_)
    return "\n".join(lines), verdict
