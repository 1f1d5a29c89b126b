"""``seqlab som DATA``: seed 003's fraud finder. MinMax-scales the numeric columns, trains a
self-organising map, and writes into the run directory the U-matrix plot (``umatrix.png``, with
markers per label when ``--label-col`` is given), the rows in the outlying cells
(``outliers.csv``, original units), ``metrics.json``, the model and ``report.html``.

    seqlab som Credit_Card_Applications.csv --label-col Class --x 10 --y 10 --out runs/som1
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.cli.common import RUN_DIR, add_arguments, add_command, add_table_options, read_table, training_run
from seqlab.data.csv import read_feature_table
from seqlab.io.errors import DataError

MIN_ROWS = 10   # with fewer, every row has a cell of its own and the U-matrix says nothing


def add_parser(sub) -> None:
    p = add_command(sub, "som", run, description=__doc__,
                    help="self-organising map: U-matrix and outlying rows (fraud detection)")
    p.add_argument("data", help="CSV of numeric columns (.gz too), or a bundled data set name "
                                "(credit-card-applications)")
    p.add_argument("--label-col", help="column drawn as markers on the map, not trained on")
    p.add_argument("--x", type=int, default=10, help="map width in cells (MiniSom x)")
    p.add_argument("--y", type=int, default=10, help="map height in cells (MiniSom y)")
    p.add_argument("--sigma", type=float, default=1.0, help="radius of the neighbourhood at the start")
    add_arguments(p, "som", learning_rate=0.5)   # at the start: it decays over the iterations
    p.add_argument("--iterations", type=int, default=10000, help="training iterations (one row each)")
    p.add_argument("--threshold", type=float, default=0.9, help="U-matrix value (0-1) above which a cell is outlying")
    add_table_options(p)
    add_arguments(p, "som", seed=0, verbose=1, threads=None, out=None, encoding=None)


def _plot(som, X, labels, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    mesh = ax.pcolor(som.distance_map().T, cmap="bone")
    fig.colorbar(mesh, ax=ax, label="mean distance to neighbours (U-matrix)")
    if labels is not None:
        cells = som.predict(X)
        markers, colors = ["o", "s", "^", "D", "v"], ["r", "g", "b", "m", "c"]
        for n, value in enumerate(pd.unique(labels)[:5]):
            c = cells[np.asarray(labels == value)]
            ax.plot(c[:, 0] + 0.5, c[:, 1] + 0.5, markers[n], markeredgecolor=colors[n], markerfacecolor="none",
                    markersize=10, markeredgewidth=2, linestyle="none", label=f"{labels.name} = {value}")
        ax.legend(loc="upper right", fontsize=8, framealpha=0.8)
    ax.set_title("SOM U-matrix (light = far from neighbours = outlying)")
    ax.set_xlabel("map cell x (column)")
    ax.set_ylabel("map cell y (row)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run(args: argparse.Namespace) -> int:
    from seqlab.tasks.unsupervised.som import SOM

    df, labels, _ = read_feature_table(read_table(args, args.data, keep=[args.label_col]), label_col=args.label_col)
    if len(df) < MIN_ROWS:
        raise DataError(f"{args.data} has {len(df)} rows; a map needs at least {MIN_ROWS} to say which rows are "
                        "outlying")
    som = SOM(x=args.x, y=args.y, sigma=args.sigma, learning_rate=args.learning_rate, seed=args.seed, scale=True)
    with training_run(args, "som") as run:
        start = time.perf_counter()
        som.fit(df, num_iteration=args.iterations)                 # raises DataError on text columns
        if args.verbose:   # one update per iteration, no epochs: one progress line for the whole fit
            print(f"trained {args.iterations} iterations on {len(df)} rows in {time.perf_counter() - start:.1f}s")
        metrics = som.evaluate(df)
        cells = som.outlying_cells(args.threshold)
        owners = som.win_map(df, return_indices=True)
        rows = sorted(i for c in cells for i in owners.get(c, []))
        outliers = df.iloc[rows].copy()
        outliers.insert(0, "cell", [str(tuple(int(v) for v in som.predict(df.iloc[[r]])[0])) for r in rows])
        metrics.update(outlying_cells=[list(c) for c in cells], outlying_rows=len(rows))
        metrics["kmeans_comparison"] = som.kmeans_comparison(df, seed=args.seed or 0)
        run.save(som, input={"command": "som", "columns": [str(c) for c in df.columns], "label_col": args.label_col})
        _plot(som, df, labels, run.dir / "umatrix.png")
        outliers.to_csv(run.dir / "outliers.csv", index=False)
        run.json("metrics.json", metrics)
        run.report("Self-organising map", [
            ("U-matrix", "umatrix.png"),
            ("Metrics", {k: v for k, v in metrics.items() if not isinstance(v, (list, dict))}),
            ("Beside K-Means with k = map size (scikit-learn, same scaled rows)", metrics["kmeans_comparison"]),
            (f"Rows in outlying cells (U-matrix >= {args.threshold})", outliers.head(50).to_html(index=False)),
        ])
        run.say(f"{len(rows)} rows in {len(cells)} outlying cells; quantization error "
                f"{metrics['quantization_error']:.4f}")
        run.plot = "umatrix.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.data])
    return 0
