"""Seed 003's credit-card fraud finder: a 10x10 self-organising map on the bundled
Credit_Card_Applications.csv.

The 15 columns before Class (CustomerID included, as in the seed) are MinMax-scaled to [0, 1];
the map is MiniSom's 10x10, sigma 1.0, learning rate 0.5, random_weights_init, train_random. The
U-matrix (mean distance of each neuron to its neighbours) is drawn with a red circle for every
rejected application and a green square for every approved one, at the customer's winning cell.
Light cells are far from their neighbours: the customers mapped there are the outliers, the
potential frauds; approved ones among them are the cases to check first.

    python examples/seeds/som_fraud.py                     # the seed's 100 iterations
    python examples/seeds/som_fraud.py --iterations 10000 --out runs/som-fraud
"""
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import seqlab.datasets  # noqa: E402
from seqlab.tasks.unsupervised.som import SOM  # noqa: E402


def plot_u_matrix(som: SOM, X, y, path: Path) -> None:
    """The seed's picture: U-matrix in the 'bone' colour map, a marker per customer at its BMU."""
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    mesh = ax.pcolor(som.distance_map().T, cmap="bone")
    fig.colorbar(mesh, ax=ax, label="U-matrix (distance to neighbours)")
    cells = som.predict(X)
    for cls, marker, colour, label in ((0, "o", "r", "rejected"), (1, "s", "g", "approved")):
        c = cells[y == cls]
        ax.plot(c[:, 0] + 0.5, c[:, 1] + 0.5, marker, markeredgecolor=colour, markerfacecolor="none",
                markersize=10, markeredgewidth=2, linestyle="none", label=label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=2, fontsize=9, frameon=False)
    ax.set_title("Credit-card applications on a 10x10 SOM (light cells: outliers)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iterations", type=int, default=100, help="train_random iterations (the seed: 100)")
    p.add_argument("--threshold", type=float, default=0.9, help="U-matrix value of an outlying cell")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/som-fraud", help="folder for umatrix.png and frauds.csv")
    args = p.parse_args(argv)
    dataset = seqlab.datasets.load("credit-card-applications")
    X, y = dataset.iloc[:, :-1], dataset.iloc[:, -1].to_numpy()
    som = SOM(10, 10, sigma=1.0, learning_rate=0.5, seed=args.seed, scale=True)   # MinMax, as the seed
    som.fit(X, num_iteration=args.iterations)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    plot_u_matrix(som, X, y, out / "umatrix.png")
    cells = som.outlying_cells(args.threshold)
    owners = som.win_map(X, return_indices=True)
    rows = sorted(i for c in cells for i in owners.get(c, []))
    frauds = dataset.iloc[rows]                         # original units: the seed's inverse_transform
    frauds.to_csv(out / "frauds.csv", index=False)
    metrics = som.evaluate(X)
    print(f"quantization error {metrics['quantization_error']:.4f}, "
          f"topographic error {metrics['topographic_error']:.4f}")
    print(f"outlying cells (U-matrix >= {args.threshold}): {cells}")
    print(f"{len(frauds)} customers in them, {int(frauds['Class'].sum())} of them approved:")
    print(frauds[["CustomerID", "Class"]].to_string(index=False))
    print(f"wrote {out / 'umatrix.png'} and {out / 'frauds.csv'}")
    return {"cells": cells, "frauds": frauds, **metrics}


if __name__ == "__main__":
    main()
