"""``seqlab predict`` for the tasks that do not classify or forecast: each reads the kind of file its
command was trained on and gives a table, and the scores the task has for it (``Scored``).

=================== ================================================ =======================================
saved by            INPUT                                            rows / scores
=================== ================================================ =======================================
``seqlab detect``   the table it was trained on (label and time      score and flag per row (or step);
                    columns are recognised and set aside)            ROC-AUC, PR-AUC when the labels are there
``seqlab som``      the same table                                   the winning cell of each row;
                                                                     quantisation and topographic error
``seqlab rbm``      a CSV of 0/1 values as wide as the training one  reconstruction error and free energy per
                                                                     row; their means
``seqlab synth``    the series it was trained on (same columns)      the critic's probability that each
                                                                     window is real; the GAN's losses
``generate train``  a text file (one item per line for --lines)      nats per character of each line (or of
                                                                     the text); the mean and perplexity
``seq2seq train``   input,target pairs, or inputs one per line       each output; exact match and character
                                                                     accuracy when targets are given
=================== ================================================ =======================================

The columns the command trained on are recorded in ``model/input.json``: a column the model needs and
INPUT lacks is an error that names it; a column INPUT has and the model does not use is left out with a
note naming it.
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqlab.cli.common import input_file, read_table
from seqlab.io.errors import ConfigError, DataError


@dataclass
class Scored:
    """A prediction table and the scores of the whole INPUT (printed beside it)."""
    table: pd.DataFrame
    scores: dict = field(default_factory=dict)


def recorded_input(model_dir) -> dict:
    """How the command read its training table (``model/input.json``), or ``{}`` for a model saved without it."""
    f = model_dir / "input.json"
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}


def training_columns(frame: pd.DataFrame, recorded: dict, source: str) -> tuple[pd.DataFrame, pd.Series | None]:
    """``(the columns the model was trained on, the label column if INPUT has it)``. A missing column is a
    DataError naming it; columns the model does not use (not the recorded label/time columns) are left out
    with a note naming them."""
    from seqlab.data.columns import time_parts

    columns = recorded.get("columns")
    label_col, time_col = recorded.get("label_col"), recorded.get("time_col")
    labels = frame[label_col] if label_col and label_col in frame.columns else None
    if not columns:
        return frame.drop(columns=[c for c in (label_col, time_col) if c and c in frame.columns]), labels
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"{source}: column(s) {', '.join(map(repr, missing))} not found (the model was trained on "
                        f"them); columns are: {', '.join(map(str, frame.columns))}")
    recorded_columns = [label_col, *time_parts(time_col, frame.columns)]
    extra = [c for c in frame.columns if c not in columns and c not in recorded_columns]
    if extra:
        print(f"seqlab: note: {source}: left out column(s) {', '.join(map(str, extra))}: the model was not "
              "trained on them", file=sys.stderr)
    return frame[columns], labels


def _table_input(args, recorded) -> tuple[pd.DataFrame, pd.Series | None]:
    from seqlab.data.csv import read_feature_table

    keep = [recorded.get("label_col"), recorded.get("time_col")]
    frame, labels = training_columns(read_table(args, args.input, keep=keep), recorded, args.input)
    features, _, _ = read_feature_table(frame)            # numbers only, no NaN: one line saying where
    return features, labels


def detector_table(task, args, recorded) -> Scored:
    """An AnomalyDetector: a score and a flag per row (per step with a window)."""
    X, labels = _table_input(args, recorded)
    scores = task.score_samples(X)
    table = pd.DataFrame({"row": np.arange(len(scores)), "score": scores,
                          "flagged": (scores > task.threshold_).astype(int)})
    summary = {"flagged": int(table["flagged"].sum()), "rows": len(table)}
    if labels is not None:
        table[labels.name] = labels.to_numpy()
        if labels.nunique() > 1:    # ROC-AUC needs both classes; a file of normal rows is scored all the same
            summary.update({k: v for k, v in task.evaluate(X, labels.to_numpy()).items()
                            if k in ("roc_auc", "pr_auc")})
    return Scored(table, summary)


def som_table(task, args, recorded) -> Scored:
    """A SOM: the winning cell of each row."""
    X, labels = _table_input(args, recorded)
    _check_width(X, task.weights_.shape[2], "inputs per row (the map's weight vectors)", args.input)
    cells = task.predict(X)
    table = pd.DataFrame({"row": np.arange(len(X)), "cell_x": cells[:, 0], "cell_y": cells[:, 1]})
    if labels is not None:
        table[labels.name] = labels.to_numpy()
    metrics = task.evaluate(X)
    return Scored(table, {k: metrics[k] for k in ("quantization_error", "topographic_error") if k in metrics})


def rbm_table(task, args, recorded) -> Scored:
    """An RBM: each row's reconstruction error (mean |v - p(v | h(v))|) and free energy."""
    from seqlab.cli.rbm import read_binary_csv

    frame = read_binary_csv(args.input, args)
    if recorded.get("columns") and [str(c) for c in frame.columns] != recorded["columns"] \
            and all(str(c) in frame.columns for c in recorded["columns"]):
        frame = frame[recorded["columns"]]
    _check_width(frame, task.model_.W.shape[0], "visible units", args.input)
    v = frame.to_numpy(dtype=np.float32)
    error = np.abs(v - task.predict(v)).mean(axis=1)
    energy = task.free_energy(v)
    table = pd.DataFrame({"row": np.arange(len(v)), "reconstruction_error": error, "free_energy": energy})
    return Scored(table, {"reconstruction_error": float(error.mean()), "free_energy": float(energy.mean())})


def gan_table(task, args, recorded) -> Scored:
    """A GAN or TimeGAN of ``seqlab synth``: every window of the series, scaled as in training, and the
    critic's probability that it is real."""
    import torch

    from seqlab.data.csv import read_feature_table

    if not recorded.get("seq_len"):
        raise DataError(f"this {type(task).__name__} was not saved by seqlab synth (no record of its windows); "
                        "draw from it in Python: seqlab.load(MODEL_DIR).sample(n)")
    frame, _ = training_columns(read_table(args, args.input, keep=[recorded.get("time_col")]), recorded, args.input)
    values = read_feature_table(frame)[0].to_numpy(dtype=np.float64)
    lo, hi, n = np.asarray(recorded["min"]), np.asarray(recorded["max"]), int(recorded["seq_len"])
    if len(values) < n:
        raise DataError(f"{args.input} has {len(values)} rows; the GAN reads windows of {n}")
    scaled = (values - lo) / (hi - lo + 1e-7)
    windows = np.ascontiguousarray(np.lib.stride_tricks.sliding_window_view(scaled, n, axis=0).transpose(0, 2, 1),
                                   dtype=np.float32)
    net = task.model_
    with torch.no_grad():
        x = torch.from_numpy(task.scaler_.transform(windows).astype(np.float32))
        if type(task).__name__ == "TimeGAN":
            logits = net.discriminator(net.embedder(x)).mean(dim=tuple(range(1, 3)))
        else:
            logits = net.discriminate(x).reshape(len(x), -1).mean(1)
    table = pd.DataFrame({"window": np.arange(len(windows)), "first_row": np.arange(len(windows)),
                          "critic_real": torch.sigmoid(logits).numpy()})
    return Scored(table, {k: float(v) for k, v in task.evaluate(windows).items()})


def generator_table(task, args, recorded) -> Scored:
    """A CharGenerator: nats per character of each line (a --lines model, up to 2000 lines) or of the text; of a
    CSV/TSV, the values of its text column (as in training: ``--text-col``, else the recorded or only one)."""
    from seqlab.cli.generate import text_of

    if args.columns or args.drop:    # as generate train, which has neither
        raise ConfigError("--columns/--drop do not apply to a generator's INPUT; --text-col names the column of a "
                          "CSV/TSV to read")
    text = text_of(args.input, args.text_col or recorded.get("text_col"))[0]
    overall = task.evaluate(text)
    items = [line.strip() for line in text.splitlines() if line.strip()]
    if task.lines and len(items) <= 2000:
        table = pd.DataFrame({"text": items, "nats_per_char": [task.evaluate([w])["loss"] for w in items]})
    else:
        table = pd.DataFrame({"characters": [len(text)], "nats_per_char": [overall["loss"]]})
    return Scored(table, {"nats_per_char": overall["loss"], "perplexity": overall["perplexity"]})


def seq2seq_table(task, args, recorded) -> Scored:
    """A Seq2Seq: the output for each input; with input,target pairs also whether it is right. ``--columns`` /
    ``--drop`` pick the input (and target) column of a table with a header, as in training."""
    from seqlab.data.csv import read_text
    from seqlab.data.pairs import HEADER_WORDS, check_pairs, read_pairs

    path = input_file(args.input)
    if args.columns or args.drop:
        frame = read_table(args, args.input, sep="\t" if path.suffix.lower() in (".tsv", ".tab") else ",", dtype=str,
                           keep_default_na=False)
        if frame.shape[1] > 2:
            raise DataError(f"{args.input}: --columns/--drop leave {frame.shape[1]} columns "
                            f"({', '.join(frame.columns)}); keep the input column, or input and target")
        return _scored_pairs(task, check_pairs(frame)) if frame.shape[1] == 2 else _outputs(task, frame.iloc[:, 0])
    lines = [line for line in read_text(path).removeprefix("\ufeff").splitlines() if line.strip()]
    if lines and lines[0].strip().lower() in HEADER_WORDS:      # a one-column table with a header: input
        lines = lines[1:]
    is_csv = path.name.lower().endswith((".csv", ".csv.gz"))
    if _holds_pairs(lines, is_csv, task):
        return _scored_pairs(task, read_pairs(path))
    if is_csv:   # a one-column CSV: its quoted inputs unquoted
        rows = list(csv.reader(lines))
        if any(len(row) > 2 for row in rows):
            raise DataError(f"{args.input} has rows of {max(map(len, rows))} columns; give inputs, or input,target "
                            "pairs (--columns INPUT[,TARGET] picks them from a table with a header)")
        lines = [row[0] if len(row) == 1 else line for line, row in zip(lines, rows)]
    return _outputs(task, lines)


def _outputs(task, inputs) -> Scored:
    inputs = list(inputs)
    return Scored(pd.DataFrame({"input": inputs, "prediction": task.predict(inputs)}))


def _scored_pairs(task, pairs) -> Scored:
    outputs = task.predict([p[0] for p in pairs])
    table = pd.DataFrame({"input": [p[0] for p in pairs], "prediction": outputs, "target": [p[1] for p in pairs],
                          "right": [int(o == p[1]) for o, p in zip(outputs, pairs)]})
    metrics = task.evaluate(pairs)
    return Scored(table, {k: metrics[k] for k in ("exact_match", "char_accuracy") if k in metrics})


def _holds_pairs(lines: list[str], is_csv: bool, task) -> bool:
    """Whether the lines of a seq2seq INPUT are input,target pairs: a tab on every line; in a CSV, two fields on
    every row; in another file a comma on every line, unless the model's inputs held commas (then each line is an
    input, as ``Wednesday, 8 May 1998``)."""
    if all("\t" in line for line in lines):
        return True
    if is_csv:
        return all(len(row) == 2 for row in csv.reader(lines))
    return all("," in line for line in lines) and "," not in task.src_vocab_.index


def _check_width(frame, expected: int, what: str, source: str) -> None:
    if frame.shape[1] != expected:
        raise DataError(f"{source} has {frame.shape[1]} column(s) but the model has {expected} {what}; give a table "
                        "as wide as the training one (--columns/--drop pick its columns)")


TASK_TABLES = {"AnomalyDetector": detector_table, "SOM": som_table, "RBM": rbm_table,
               "GAN": gan_table, "TimeGAN": gan_table, "CharGenerator": generator_table, "Seq2Seq": seq2seq_table}
