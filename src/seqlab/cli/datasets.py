"""``seqlab datasets``: list the bundled data sets, or show one's source and licence.

>>> main(["datasets"])                   # doctest: +SKIP
>>> main(["datasets", "gunpoint"])       # doctest: +SKIP
"""
from __future__ import annotations

from seqlab import datasets
from seqlab.cli.common import add_command


def _rows(rows) -> str:
    return "+".join(str(v) for v in rows.values()) if isinstance(rows, dict) else str(rows)


def run(args) -> int:
    """List the bundled data sets with rows, columns and source; with NAME, print that set's SOURCE.md."""
    if args.name:
        info = datasets.describe(args.name)
        for field in ("name", "description", "rows", "columns", "source", "licence", "path"):
            print(f"{field}: {info[field]}")
        print(f"files: {', '.join(info['files'])}\n")
        print(datasets.source(args.name))
        return 0
    table = [("name", "rows", "columns", "source")]
    table += [(n, _rows(d["rows"]), str(d["columns"]), d["source"])
              for n, d in ((n, datasets.describe(n)) for n in datasets.names())]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    print("\nrows a+b = train+test. `seqlab datasets NAME` shows a set's source notes and licence. "
          "MovieLens 100K is not bundled (no redistribution): seqlab.datasets.movielens_100k(folder).")
    return 0


def add_parser(subparsers) -> None:
    """Register ``seqlab datasets [NAME]``."""
    p = add_command(subparsers, "datasets", run, help="list the bundled data sets (or show one's source and licence)")
    p.add_argument("name", nargs="?", help="a data set name from the list")
