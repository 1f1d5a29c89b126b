"""``seqlab export``: a trained model as ONNX, runnable without Python or seqlab.

    seqlab export runs/forecast-20261124-101500 --format onnx          # writes RUN/onnx/
    seqlab export runs/classify-1 --format onnx --out deploy/classifier

The output directory holds ``model.onnx`` (dynamic batch, and dynamic length where the model
allows) and ``preprocessing.json`` (input and output names, shapes and meaning, and the
scalers, labels or vocabulary to apply around the graph). The export is checked against the
PyTorch model with ONNX Runtime when it is installed. A model that cannot be exported says why
in one line (exit status 2).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from seqlab.cli.common import add_command, add_run_dir


def run(args: argparse.Namespace) -> int:
    from seqlab.tasks.export import export_model
    from seqlab.tasks.loading import load

    model = load(args.run_dir)
    out = Path(args.out) if args.out else Path(args.run_dir) / args.format
    path = export_model(model, out, args.format)
    print(f"wrote {path / 'model.onnx'} and {path / 'preprocessing.json'}")
    return 0


def add_parser(sub) -> None:
    p = add_command(sub, "export", run, description=__doc__,
                    help="write a trained model as ONNX (model.onnx + preprocessing.json)")
    add_run_dir(p, "a seqlab command that trains")
    p.add_argument("--format", choices=["onnx"], default="onnx", help="the export format (onnx)")
    p.add_argument("--out", help="output directory (default: RUN_DIR/onnx)")
