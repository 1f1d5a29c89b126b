"""``seqlab predict RUN_DIR INPUT``: apply a saved task to new data; print or write predictions.

    seqlab predict runs/classify-20261124-101500 new_texts.txt           # CSV on stdout
    seqlab predict runs/classify-20261124-101500 GunPoint_TEST.ts --output preds.csv
    seqlab predict runs/churn/model Churn_Modelling.csv          # a TabularClassifier
    seqlab predict runs/cats/model new_photos/                   # an ImageClassifier: folder or file

RUN_DIR is a run directory (its ``model/`` is used) or a model directory. How INPUT is read
depends on the saved task (``READERS``):

===================================== ==========================================================
TextClassifier, SequenceClassifier,   the format the model was trained on (recorded in the
SequenceTagger                        model) unless ``--format`` says otherwise: texts one per
                                      line (or a CSV column), series as csv rows / UCR / .ts
                                      (labels, if present, are ignored); a tagger gives one row
                                      per step, and one trained by ``classify --tagger`` reads
                                      a step table (``seqlab.data.steps``)
TabularClassifier                     a CSV table holding the training columns (others, such
                                      as the label, are ignored)
ImageClassifier                       an image file, or a folder searched for image files (a
                                      folder of class sub-folders works too)
Forecaster                            a CSV history with the training columns: the next
                                      ``horizon`` steps after its last row (a panel: a table
                                      as in training, CSV or Parquet; ``id, time, forecast``)
any other task                        a CSV table handed to the task's ``predict`` (or
                                      ``transform``)
===================================== ==========================================================

Classifiers give the predicted label and one probability column per class.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    Described,
    add_arguments,
    add_command,
    add_run_dir,
    add_table_options,
    input_file,
    missing_file,
    read_table,
)
from seqlab.cli.predict_tasks import TASK_TABLES, Scored, recorded_input
from seqlab.data.csv import read_frame, reading_encoding, separator_of
from seqlab.data.formats import detect_format, read_labeled, read_unlabeled
from seqlab.data.unlabeled import iter_unlabeled
from seqlab.io.atomic import atomic_path
from seqlab.io.errors import ConfigError, DataError
from seqlab.io.modeldir import model_dir_of


def model_dir(run_dir: str | Path) -> Path:
    """``RUN_DIR/model`` when it exists, else ``RUN_DIR`` itself."""
    return model_dir_of(run_dir, "a seqlab command that trains")


def _input_format(task, args) -> str:
    if args.format:
        return args.format
    if type(task).__name__ == "TextClassifier":
        return "text"
    recorded = (getattr(task, "input_", None) or {}).get("format")
    try:  # series: the file name decides between csv, ucr and ts; else the training format
        return detect_format(_scored_input(args.input))
    except ConfigError:
        if recorded:
            return recorded
        raise


def _scored_input(value) -> Path:
    """The file or folder a classifier scores for INPUT ``value``: the test split of a folder (or archive) that
    holds two, as ``classify`` reads it (``GunPoint.zip``'s GunPoint_TEST.ts, ``aclImdb/test``, ``UCI HAR
    Dataset/test``), else ``input_file(value)``."""
    from seqlab.cli.classify import archive_split
    from seqlab.data.signal_folders import signal_split
    from seqlab.data.text_folders import split_folders

    path = input_file(value)
    split = (archive_split(path) or signal_split(path) or split_folders(path)) if path.is_dir() else None
    return split[1] if split else path


def classifier_table(task, args):
    """Predictions of a seqlab classifier or tagger as tables with probability columns, one per chunk of
    INPUT (``seqlab.data.unlabeled``: memory stays bounded by the chunk, whatever the file's size)."""
    fmt = _input_format(task, args)
    recorded = getattr(task, "input_", None) or {}
    is_text = type(task).__name__ == "TextClassifier"
    if is_text != (fmt == "text"):
        raise DataError(f"this {type(task).__name__} takes {'texts' if is_text else 'numeric series'}, "
                        f"but INPUT was to be read as {fmt}; give --format "
                        f"{'text' if is_text else recorded.get('format') or 'csv|ucr|ts'}")
    path = _scored_input(args.input)
    if fmt == "text" and path.is_dir():
        return _folder_classified(task, path)
    left_out = recorded.get("left_out") or []   # columns classify left out as an id or a row number
    if fmt == "csv" and left_out and not (args.columns or args.drop):
        header = read_frame(path, nrows=1, dtype=str).columns
        args.drop = ",".join(c for c in left_out if c in header) or None
    spreadsheet = (fmt == "text" and str(path).lower().endswith((".csv", ".csv.gz"))   # texts in a ';' CSV
                   and separator_of(path) is not None)
    if args.columns or args.drop or spreadsheet:   # a table with its columns picked, read whole as in training
        from seqlab.cli.classify import table_of

        path = table_of(args, path, fmt, recorded.get("label_col"), args.text_col or recorded.get("text_col"))
    labelled = _labelled_input(task, args, path, fmt, recorded)
    if labelled is None:   # no labels: streamed, memory bounded by the chunk
        chunks = iter_unlabeled(path, fmt, text_col=args.text_col or recorded.get("text_col"),
                                label_col=recorded.get("label_col") or "label")
        return _classified(task, chunks, is_text)
    inputs, truth = labelled
    table = next(_classified(task, [inputs], is_text))
    if "sequence" in table:   # a tagger's per-step rows: no per-sequence score
        return table
    return _scored(table, truth)


def _scored(table: pd.DataFrame, truth: list) -> Scored:
    """``table`` of predictions with the true labels beside them, and their accuracy and macro F1."""
    from sklearn.metrics import accuracy_score, f1_score

    table["label"] = truth
    return Scored(table, {"accuracy": float(accuracy_score(truth, table["prediction"])),
                          "f1_macro": float(f1_score(truth, table["prediction"], average="macro", zero_division=0))})


def _folder_classified(task, root: Path):
    """A text classifier's predictions for a folder (``seqlab.data.text_folders``): one row per file, named in
    column ``file``; a folder of class folders named as the model's classes is scored, as a labelled file is."""
    from seqlab.data.text_folders import read_folder_texts

    texts, names = read_folder_texts(root)
    table = next(_classified(task, [texts], True))
    table.insert(1, "file", names)
    truth = [n.partition("/")[0] for n in names if "/" in n]
    if len(truth) < len(names) or not set(truth) <= {str(c) for c in task.classes_}:
        return table
    return _scored(table, truth)


def _labelled_input(task, args, path: Path | pd.DataFrame, fmt: str, recorded: dict):
    """``(inputs, labels as text)`` when INPUT holds labels as the training file did (UCR/.ts files, a CSV
    with the label column, ``label<TAB>text`` lines whose labels are the model's classes), else None. The
    layout is judged on the first lines, so an unlabelled file is never read whole here."""
    text_col = args.text_col or recorded.get("text_col")
    label_col = recorded.get("label_col") or "label"
    classes = {str(c) for c in task.classes_}
    is_table = isinstance(path, pd.DataFrame) or str(path).endswith((".csv", ".csv.gz"))
    if fmt == "text" and not text_col and not is_table:
        first = next(iter_unlabeled(path, "text"), [])
        if not first or not all(tab and head.strip() in classes
                                for head, tab, _ in (line.partition("\t") for line in first)):
            return None
        heads = [line.partition("\t") for line in read_unlabeled(path, "text")]
        if not all(tab and head.strip() in classes for head, tab, _ in heads):
            return None
        return [text for _, _, text in heads], [head.strip() for head, _, _ in heads]
    if fmt == "csv":
        try:
            if label_col not in (path if isinstance(path, pd.DataFrame) else read_frame(path, nrows=1)).columns:
                return None
        except (DataError, ConfigError):   # read again below, and explained there
            return None
    try:
        labelled = read_labeled(path, fmt, None if fmt in ("ucr", "ts", "arff", "signals") else label_col, text_col)
    except (DataError, ConfigError):
        return None
    truth = [str(v) for v in labelled.y]
    if not set(truth) <= classes:
        return None
    inputs = read_unlabeled(path, fmt, text_col=text_col, label_col=label_col)
    return (inputs, truth) if len(truth) == len(inputs) else None


def _classified(task, chunks, is_text: bool):
    classes, start = [str(c) for c in task.classes_], 0
    for inputs in chunks:
        proba = task.predict_proba(inputs)
        if isinstance(proba, list):  # a tagger: one row per step
            rows = []
            for s, p in enumerate(proba, start):
                for t, row in enumerate(p):
                    rows.append({"sequence": s, "step": t, "prediction": classes[int(row.argmax())],
                                 **{f"p_{c}": float(v) for c, v in zip(classes, row)}})
            yield pd.DataFrame(rows)
        else:
            first = {"row": np.arange(start, start + len(proba))}
            if is_text:
                first["text"] = [t[:200] for t in inputs]
            yield _with_probabilities(first, task, proba)
        start += len(inputs)


def _read_csv(args, keep=()) -> pd.DataFrame:
    """INPUT as a table (a CSV path, ``.gz`` too, or a bundled data set name), ``--columns``/``--drop`` applied."""
    if input_file(args.input).is_dir():
        raise DataError(f"{args.input} is a folder; this model takes a CSV file")
    return read_table(args, args.input, keep=keep)


def _with_probabilities(first: dict, task, proba: np.ndarray) -> pd.DataFrame:
    classes = [str(c) for c in task.classes_]
    table = pd.DataFrame({**first, "prediction": np.asarray(classes, dtype=object)[proba.argmax(axis=1)]})
    for j, c in enumerate(classes):
        table[f"p_{c}"] = proba[:, j]
    return table


def tagger_table(task, args) -> pd.DataFrame:
    """A SequenceTagger trained by ``classify --tagger``: INPUT is a step table (one row per step,
    the training value columns, the sequence column if any); one output row per step."""
    from seqlab.data.steps import read_step_table

    recorded = getattr(task, "input_", None) or {}
    if recorded.get("format") not in ("steps", "events"):
        return classifier_table(task, args)  # trained on series files
    table = read_step_table(read_table(args, args.input), label_col=recorded.get("label_col"),
                            sequence_col=recorded.get("sequence_col") or "sequence", channels=recorded["channels"])
    proba = task.predict_proba(table.X)
    rows = [{"sequence": sid, "step": t} for sid, p in zip(table.ids, proba) for t in range(len(p))]
    return _with_probabilities(pd.DataFrame(rows).to_dict("list"), task, np.concatenate(proba))


def tabular_table(task, args) -> pd.DataFrame:
    """A TabularClassifier: INPUT is a CSV with the training columns; one row per input row."""
    frame = _read_csv(args)
    return _with_probabilities({"row": np.arange(len(frame))}, task, task.predict_proba(frame))


def image_table(task, args) -> pd.DataFrame:
    """An ImageClassifier: INPUT is an image file or a folder searched (recursively) for images."""
    from seqlab.data.images import IMAGE_EXTENSIONS

    path = Path(args.input)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)
        if not files:
            raise DataError(f"{path} holds no image files ({', '.join(IMAGE_EXTENSIONS)})")
        names = [str(p.relative_to(path)) for p in files]
    elif path.is_file():
        files, names = [path], [path.name]
    else:
        raise DataError(missing_file(args.input))
    return _with_probabilities({"file": names}, task, task.predict_proba(files))


def forecast_table(task, args) -> pd.DataFrame:
    """A Forecaster: INPUT is a CSV history; the ``horizon`` steps after its last row. A panel model
    (``seqlab forecast --id-col``): INPUT is a CSV or Parquet panel; a row per series and future step
    (``id, time, forecast[, forecast_q<q>]``)."""
    panel = getattr(task, "panel_", None)
    if panel is not None:
        from seqlab.cli.common import select_columns
        from seqlab.data.panel import names_of
        from seqlab.data.panel import read_table as read_panel

        frame = read_panel(input_file(args.input))
        recorded = recorded_input(model_dir(args.run_dir))
        if recorded.get("series_per_column"):   # forecast --series-per-column: a series per column, as in training
            from seqlab.cli.forecast_panel import columns_frame

            return task.predict(columns_frame(frame, recorded))
        if not panel.wide:   # --columns/--drop as in training: the columns the model reads are kept
            p = panel.p
            keep = [panel.id_col, p.get("time_col"), panel.target, *names_of(p.get("features")),
                    *names_of(p.get("future_features")), *names_of(p.get("static_features"))]
            frame = select_columns(frame, args, keep, source=args.input)
        return task.predict(frame)
    return with_clock_times(task.predict(_read_csv(args)).reset_index(), task.freq_)


def with_clock_times(table: pd.DataFrame, freq: str | None) -> pd.DataFrame:
    """``table`` with its date-time columns as text that keeps the time of day when the series steps by less than a
    day (``freq``: ``"h"``, ``"15min"``...): pandas' CSV writer drops a midnight's ``00:00:00`` when every time in
    a column is midnight, as the one step after 23:00 is. A daily or longer step keeps pandas' dates.

    >>> t = pd.DataFrame({"time": pd.to_datetime(["2015-01-01 00:00"]), "v": [1.5]})
    >>> with_clock_times(t, "h")["time"].tolist(), with_clock_times(t, "D")["time"].dt.day.tolist()
    (['2015-01-01 00:00:00'], [1])
    """
    try:
        step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq)) if freq else None
    except (ValueError, TypeError):   # a calendar step (months, years) has no fixed length: dates
        step = None
    if step is None or step >= pd.Timedelta(days=1):
        return table
    times = [c for c in table.columns if pd.api.types.is_datetime64_any_dtype(table[c])]
    return table.assign(**{c: table[c].dt.strftime("%Y-%m-%d %H:%M:%S") for c in times})


def generic_table(task, args) -> pd.DataFrame:
    """Any other task: INPUT read as a CSV table and handed to ``task.predict`` (or ``transform``)."""
    method = getattr(task, "predict", None) or getattr(task, "transform", None)
    if method is None:
        raise ConfigError(f"a {type(task).__name__} does not predict from data; use it in Python: "
                          f"seqlab.load({str(model_dir(args.run_dir))!r})")
    out = method(_read_csv(args))
    if isinstance(out, pd.DataFrame):
        return out
    out = np.asarray(out)
    return pd.DataFrame(out.reshape(len(out), -1) if out.ndim > 1 else {"prediction": out})


READERS = {  # saved task class -> how INPUT is read and the predictions tabulated
    "TextClassifier": classifier_table, "SequenceClassifier": classifier_table,
    "SeriesImageClassifier": classifier_table, "SequenceTagger": tagger_table,
    "TabularClassifier": tabular_table, "ImageClassifier": image_table, "Forecaster": forecast_table,
}


def run(args: argparse.Namespace) -> int:
    """Load the model of RUN_DIR (or a model directory) and predict INPUT, read in the format the model
    was trained on. Prints CSV (prediction and class probabilities) or writes --output."""
    from seqlab.tasks.base import Task

    task = Task.load(model_dir(args.run_dir))
    input_file(args.input)                       # a missing INPUT: the same line in every command
    trained_in = recorded_input(model_dir(args.run_dir)).get("encoding")
    if args.encoding is None and trained_in:     # INPUT read as the training file was
        print(f"seqlab: note: reading {args.input} as {trained_in}, the encoding the model's training file was "
              "read in (--encoding names another)", file=sys.stderr)
        with reading_encoding(trained_in):
            return _predict(task, args)
    return _predict(task, args)


def _predict(task, args: argparse.Namespace) -> int:
    """Predict INPUT with ``task`` as its kind reads it, and print or write the table (and its scores)."""
    kind = type(task).__name__
    if kind in TASK_TABLES:
        result = TASK_TABLES[kind](task, args, recorded_input(model_dir(args.run_dir)))
    else:
        result = READERS.get(kind, generic_table)(task, args)
    result, scores = (result.table, result.scores) if isinstance(result, Scored) else (result, {})
    tables = [result] if isinstance(result, pd.DataFrame) else result  # a reader may give chunks
    if args.output:
        out = Path(args.output)
        if out.is_dir():
            raise ConfigError(f"--output {out} is a folder; give a file name such as {out / 'predictions.csv'}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(out) as tmp, open(tmp, "w", newline="") as f:  # swapped in once complete
            rows, counts = _write_tables(tables, f)
        print(f"{rows} predictions written to {out}" + (f" ({counts})" if counts else ""))
    else:
        _write_tables(tables, sys.stdout)
    if scores:   # beside a file: on stdout; under a table on stdout: on stderr, so the CSV stays clean
        print(f"scores on {args.input}: " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                                                     for k, v in scores.items()),
              file=sys.stdout if args.output else sys.stderr)
    return 0


def _write_tables(tables, f) -> tuple[int, dict]:
    """Write the tables to ``f`` as one CSV (one header); return the row count and the predicted labels' counts."""
    rows, counts = 0, {}
    for i, table in enumerate(tables):
        table.to_csv(f, header=i == 0, index=False, float_format="%.6g")
        rows += len(table)
        if "prediction" in table:
            for label, n in table["prediction"].value_counts().items():
                counts[label] = counts.get(label, 0) + int(n)
    return rows, counts


def add_parser(subparsers) -> None:
    """Register ``seqlab predict RUN_DIR INPUT``."""
    p = add_command(subparsers, "predict", run, help="apply a saved model (any task) to new data")
    add_run_dir(p, "any seqlab command that trains")
    p.add_argument("input", help="file to predict (.gz too), or a bundled data set name (an image file or folder "
                                 "for an image model)")
    add_arguments(p, "predict", format=Described("from the file name, else as in training"),
                  text_col=Described("the column the model was trained on; without one, a text classifier reads "
                                     "the column 'text' and a generator the only column of text"),
                  encoding=None)
    p.add_argument("--output", help="write predictions to this CSV instead of printing them")
    add_table_options(p)
