"""``seqlab predict RUN_DIR INPUT``: apply a saved task to new data; print or write predictions.

    seqlab predict runs/classify-20261124-101500 new_texts.txt           # CSV on stdout
    seqlab predict runs/classify-20261124-101500 GunPoint_TEST.ts --output preds.csv

RUN_DIR is a run directory (its ``model/`` is used) or a model directory. INPUT is read in the
format the model was trained on (recorded in the model), unless ``--format`` says otherwise:
texts one per line (or a CSV column), series as csv rows / UCR / .ts (labels, if present, are
ignored). Classifiers give the predicted label and one probability column per class; a tagger
gives one row per step. Any other task is called with the input read as a CSV table.
"""
from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.data.formats import FORMATS, detect_format, read_unlabeled
from seqlab.io.errors import ConfigError, DataError


def model_dir(run_dir: str | Path) -> Path:
    """``RUN_DIR/model`` when it exists, else ``RUN_DIR`` itself."""
    run_dir = Path(run_dir)
    if not run_dir.exists():
        raise DataError(f"{run_dir}: no such run or model directory")
    return run_dir / "model" if (run_dir / "model").is_dir() else run_dir


def _input_format(task, args) -> str:
    if args.format:
        return args.format
    if type(task).__name__ == "TextClassifier":
        return "text"
    recorded = (getattr(task, "input_", None) or {}).get("format")
    try:  # series: the file name decides between csv, ucr and ts; else the training format
        return detect_format(args.input)
    except ConfigError:
        if recorded:
            return recorded
        raise


def classifier_table(task, args) -> pd.DataFrame:
    """Predictions of a seqlab classifier or tagger as a table with probability columns."""
    fmt = _input_format(task, args)
    recorded = getattr(task, "input_", None) or {}
    is_text = type(task).__name__ == "TextClassifier"
    if is_text != (fmt == "text"):
        raise DataError(f"this {type(task).__name__} takes {'texts' if is_text else 'numeric series'}, "
                        f"but INPUT was to be read as {fmt}; give --format "
                        f"{'text' if is_text else recorded.get('format') or 'csv|ucr|ts'}")
    inputs = read_unlabeled(args.input, fmt, text_col=args.text_col or recorded.get("text_col"),
                            label_col=recorded.get("label_col") or "label")
    classes = [str(c) for c in task.classes_]
    proba = task.predict_proba(inputs)
    if isinstance(proba, list):  # a tagger: one row per step
        rows = []
        for s, p in enumerate(proba):
            for t, row in enumerate(p):
                rows.append({"sequence": s, "step": t, "prediction": classes[int(row.argmax())],
                             **{f"p_{c}": float(v) for c, v in zip(classes, row)}})
        return pd.DataFrame(rows)
    table = pd.DataFrame({"row": np.arange(len(proba)), "prediction": np.asarray(classes, dtype=object)[
        proba.argmax(axis=1)]})
    if is_text:
        table.insert(1, "text", [t[:200] for t in inputs])
    for j, c in enumerate(classes):
        table[f"p_{c}"] = proba[:, j]
    return table


def generic_table(task, args) -> pd.DataFrame:
    """Any other task: INPUT read as a CSV table and handed to ``task.predict``."""
    path = Path(args.input)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise DataError(f"{path} cannot be read as CSV: {str(e).splitlines()[0]}") from None
    out = task.predict(frame)
    if isinstance(out, pd.DataFrame):
        return out
    out = np.asarray(out)
    return pd.DataFrame(out.reshape(len(out), -1) if out.ndim > 1 else {"prediction": out})


def run(args: argparse.Namespace) -> int:
    from seqlab.tasks.base import Task

    task = Task.load(model_dir(args.run_dir))
    if hasattr(task, "predict_proba") and hasattr(task, "classes_"):
        table = classifier_table(task, args)
    else:
        table = generic_table(task, args)
    if args.output:
        out = Path(args.output)
        if out.is_dir():
            raise ConfigError(f"--output {out} is a folder; give a file name such as {out / 'predictions.csv'}")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        table.to_csv(tmp, index=False, float_format="%.6g")
        os.replace(tmp, out)
        counts = table["prediction"].value_counts().to_dict() if "prediction" in table else {}
        print(f"{len(table)} predictions written to {out}" + (f" ({counts})" if counts else ""))
    else:
        buf = io.StringIO()
        table.to_csv(buf, index=False, float_format="%.6g")
        print(buf.getvalue(), end="")
    return 0


def add_parser(subparsers) -> None:
    """Register ``seqlab predict RUN_DIR INPUT``."""
    p = subparsers.add_parser(
        "predict", help="apply a saved model (any task) to new data",
        description="Load the model of RUN_DIR (or a model directory) and predict INPUT, read in the format "
                    "the model was trained on. Prints CSV (prediction and class probabilities) or writes --output.")
    p.add_argument("run_dir", help="run directory (with model/) or model directory")
    p.add_argument("input", help="file to predict")
    p.add_argument("--format", choices=FORMATS, help="read INPUT in this format (default: as in training)")
    p.add_argument("--text-col", help="text column when INPUT is a CSV of texts")
    p.add_argument("--output", help="write predictions to this CSV instead of printing them")
    p.set_defaults(func=run)
