"""``seqlab classify``: train a sequence or text classifier and write a run directory.

    seqlab classify GunPoint_TRAIN.ts --test GunPoint_TEST.ts --model cnn1d
    seqlab classify SMSSpamCollection --format text --model lstm --epochs 10
    seqlab classify sms-spam                       # a bundled data set by name
    seqlab classify series.csv --label-col label   # one row per series; stratified 80/20 split
    seqlab classify events --tagger                # per-step labels (see seqlab.cli.tagging)

The run directory holds ``model/``, ``metrics.json`` (test metrics, the majority-class
``baseline``, the ``strong_baseline`` of the same split: 1-NN for series, TF-IDF + logistic
regression for texts, and the ``verdict``), ``history.json``, ``confusion.png``, ``loss.png`` and ``report.html``.

Texts without ``--model`` train ``bilstm+fasttext`` and average its probabilities 50/50 with those of
TF-IDF + logistic regression on word 1-2-grams and character 2-5-grams fitted on the same training texts
(``--no-linear``: the nets alone); the report names that model, and its verdict compares it with the
strong baseline, TF-IDF + logistic regression on word 1-2-grams alone.
"""
from __future__ import annotations

import argparse
import html
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    ADAPTIVE,
    RUN_DIR,
    Described,
    add_arguments,
    add_command,
    add_table_options,
    given,
    input_file,
    leave_out_row_labels,
    read_table,
    training_run,
)
from seqlab.data.archives import archive_of
from seqlab.data.csv import TABLE_SUFFIXES
from seqlab.data.formats import LabeledSeries, LabeledTexts, detect_format, read_labeled
from seqlab.data.signal_folders import channel_names, signal_split
from seqlab.data.text_folders import split_folders
from seqlab.io.errors import ConfigError, DataError, names_listed
from seqlab.models.classifiers import SERIES_ENCODERS, TEXT_ENCODERS

BUNDLED = {"sms-spam": ("SMSSpamCollection", None, "text"), "gunpoint": ("GunPoint_TRAIN.ts", "GunPoint_TEST.ts", "ts"),
           "italy-power-demand": ("ItalyPowerDemand_TRAIN.ts", "ItalyPowerDemand_TEST.ts", "ts"),
           "basic-motions": ("BasicMotions_TRAIN.ts", "BasicMotions_TEST.ts", "ts")}


MIN_EXAMPLES = 10   # fewer cannot be split into a training and a test part that say anything


# The text model when --model is not given: a BiLSTM with max-over-time pooling beside a fastText net,
# shapes tokenizer, probabilities averaged. It had the best validation accuracy of the single models in
# benchmarks/classify_accuracy.py (SMS spam, 15% of the training split, means over seeds 0-4: 0.9926
# against fasttext's 0.9894 and bilstm-max's 0.9900; the docstring there); fasttext alone lost to the
# TF-IDF + logistic-regression baseline on the test split (0.9826 vs 0.9845, benchmarks/defaults.py).
DEFAULT_TEXT_MODEL = "bilstm+fasttext"
DEFAULT_TEXT_OPTIONS = {"pooling": "max", "shapes": True}
# ... and its probabilities averaged 50/50 with those of a TF-IDF + logistic-regression member fitted on
# the same training texts (--no-linear: the nets alone; --linear adds the member to a --model). Chosen
# by 3-fold cross-validation on the training parts of the UCI sentiment sets and sms-spam
# (benchmarks/choose_text_defaults.py, 2026-12-07).
TEXT_LINEAR_WEIGHT = 0.5
# The member reads character 2-5-grams inside words beside the word 1-2-grams (C=200): the same
# cross-validation, 2026-12-07, later: mean fold accuracy 0.858 against 0.846 with the words-only member.
TEXT_LINEAR_CHARS = "char_wb 2-5"


def _bundled(name: str):
    """``(train, test)`` data of a bundled classification set, or None if ``name`` is not one."""
    if name not in BUNDLED or Path(name).exists():
        return None
    from seqlab import datasets

    train_file, test_file, fmt = BUNDLED[name]
    if fmt == "text":
        df = datasets.load(name)
        return LabeledTexts(df["text"].tolist(), df["label"].to_numpy(dtype=object)), None, fmt
    folder = datasets.path(name)
    return read_labeled(folder / train_file, fmt), read_labeled(folder / test_file, fmt), fmt


def load_data(args, notes: list | None = None):
    """Read TRAIN (and --test) as the same format; returns ``(train, test_or_None, format)``. Columns guessed
    for the user (``_find_columns``; of series in a CSV, the columns that label or count the rows, left out and
    kept in ``args.left_out``) are told in lines appended to ``notes``, or printed to stderr without it."""
    def tell(found: list[str]) -> None:
        if notes is None:
            print("\n".join(found), file=sys.stderr) if found else None
        else:
            notes.extend(found)

    args.left_out = []
    bundled = _bundled(args.train)
    if bundled is not None:
        if args.test:
            raise ConfigError(f"{args.train} is a bundled set with its own test split; do not give --test")
        return bundled
    train_file = input_file(args.train)
    if train_file.is_dir() and args.test is None:
        split = archive_split(train_file)
        if split is not None:   # the UCR/UEA archive's layout: GunPoint/GunPoint_TRAIN.tsv beside its _TEST
            train_file, test_file = split
            args.train, args.test = str(train_file), str(test_file)
            tell([f"seqlab: note: {split[0].parent.name}: training on {train_file.name}, testing on {test_file.name} "
                  "(the archive's own split)"])
        elif (split := signal_split(train_file)) is not None:   # UCI HAR Dataset/train beside test
            train_file, test_file = split
            args.train, args.test = str(train_file), str(test_file)
            tell([f"seqlab: note: {train_file.parent.name}: training on the series of {train_file.name}/, testing "
                  f"on those of {test_file.name}/ (its own split), a file per channel: "
                  f"{names_listed(channel_names(train_file), 9)}"])
        elif (split := split_folders(train_file)) is not None:   # aclImdb/train beside aclImdb/test
            train_file, test_file = split
            args.train, args.test = str(train_file), str(test_file)
            tell([f"seqlab: note: {train_file.parent.name}: training on the texts of {train_file.name}/, testing on "
                  f"those of {test_file.name}/ (its own split)"])
        elif sets := sorted(p.name for p in train_file.iterdir() if p.is_dir() and archive_split(p)):
            packed = archive_of(train_file)
            raise DataError(f"{packed or train_file} holds {len(sets)} data sets of the UCR/UEA archive "
                            f"({names_listed(sets, 6)}); " + ("unpack it and give the folder of one of them" if packed
                                                              else f"give one of them, e.g. {train_file / sets[0]}"))
    if args.format is None and args.text_col is None and detect_format(train_file) == "csv":
        tell(_find_columns(args, train_file))
    fmt = args.format or detect_format(train_file, args.text_col)
    table = table_of(args, train_file, fmt, args.label_col, args.text_col)
    if fmt == "csv":   # one series a row: an id or a row number is no time step
        table, args.left_out, found = leave_out_row_labels(args, table, exclude=[args.label_col or "label"],
                                                           source=train_file.name)
        tell(found)
    train = read_labeled(table, fmt, args.label_col, args.text_col)
    test = None
    if args.test:
        test_file = input_file(args.test, split="test")
        test_fmt = args.format or detect_format(test_file, args.text_col)
        if test_fmt != fmt:
            raise DataError(f"--test {args.test} looks like the {test_fmt} format but TRAIN is {fmt}; "
                            "give both in one format (or set --format)")
        table = without(table_of(args, test_file, fmt, args.label_col, args.text_col), args.left_out)
        test = read_labeled(table, fmt, args.label_col, args.text_col)
        if isinstance(train, LabeledSeries) and test.n_channels != train.n_channels:
            raise DataError(f"TRAIN series have {train.n_channels} channel(s) but --test series have "
                            f"{test.n_channels}; they must match")
    return train, test, fmt


ARCHIVE_SUFFIXES = (".ts", ".tsv", ".arff", ".txt")   # the UCR/UEA archive's files, in the order preferred


def archive_split(folder: Path) -> tuple[Path, Path] | None:
    """``(TRAIN file, TEST file)`` of a folder laid out as the UCR and UEA archives are (``GunPoint/GunPoint_TRAIN.tsv``
    beside ``GunPoint_TEST.tsv``, or ``.ts``, ``.arff``, ``.txt``: the first of ``ARCHIVE_SUFFIXES`` that has
    both), else None.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("GunPoint_TRAIN.tsv", "GunPoint_TEST.tsv", "GunPoint_TRAIN.arff", "README.md"):
    ...     _ = (root / name).write_text("")
    >>> [p.name for p in archive_split(root)]
    ['GunPoint_TRAIN.tsv', 'GunPoint_TEST.tsv']
    """
    for suffix in ARCHIVE_SUFFIXES:
        train = sorted(p for p in folder.glob(f"*_TRAIN{suffix}") if p.is_file())
        test = sorted(p for p in folder.glob(f"*_TEST{suffix}") if p.is_file())
        if len(train) == 1 and len(test) == 1:
            return train[0], test[0]
    return None


def text_columns(table: pd.DataFrame, label_col: str | None = None) -> tuple[str, str] | None:
    """``(text column, label column)`` of a CSV of labelled texts read as strings, or None when it does not
    look like one: a column besides the label holds texts (three words on average, few numbers or dates; of
    several, the one of most words: AG News' description rather than its title), fewer than three columns
    hold numbers (more make a series, unless a column of texts is named as such), and the label column is
    ``label_col``, else ``label``, else the one column that is not a text.

    >>> text_columns(pd.DataFrame({"review": ["a good film", "so very bad"], "sentiment": ["1", "0"]}))
    ('review', 'sentiment')
    >>> text_columns(pd.DataFrame({"0": ["3", "4"], "1": ["Fears for pension", "The race is on"],
    ...                            "2": ["Unions representing workers say", "A second team of rocketeers"]}))
    ('2', '0')
    >>> text_columns(pd.DataFrame({"label": ["a", "b"], "x1": ["0.5", "1"], "x2": ["2", "3"]})) is None
    True

    Of several other columns the label column is the one of 2 to ``MAX_GUESSED_CLASSES`` values, repeated (a
    fifth of the rows at most), when it is the only such column:

    >>> tweets = pd.DataFrame({"0": ["0", "4"] * 5, "1": [str(i) for i in range(10)], "3": ["NO_QUERY"] * 10,
    ...                        "5": [f"so happy today number {i}" for i in range(10)]})
    >>> text_columns(tweets)
    ('5', '0')

    Columns without a header (``Unnamed: 2``) that are mostly empty are no label column:

    >>> spam = pd.DataFrame({"v1": ["ham", "spam"] * 3, "v2": ["see you at lunch then"] * 6,
    ...                      "Unnamed: 2": ["", "", "", "", "", " ok"]})
    >>> text_columns(spam)
    ('v2', 'v1')

    A column of texts named as texts are (``TEXT_NAMES``) is taken beside any number of numeric columns (Kaggle's
    Tweets.csv: an id, confidences and retweet counts beside its ``text``):

    >>> tweets = pd.DataFrame({"tweet_id": ["5", "6"], "confidence": ["1.0", "0.6"], "retweets": ["0", "2"],
    ...                        "text": ["@united delayed again", "@delta thanks a lot"]})
    >>> text_columns(tweets, "airline_sentiment")
    ('text', 'airline_sentiment')
    """
    label = label_col or ("label" if "label" in table.columns else None)
    numeric = [c for c in table.columns if c != label and _numbers_share(table[c]) > 0.9]
    named = [str(c) for c in table.columns if str(c).strip().lower() in TEXT_NAMES and _holds_texts(table[c])]
    if len(numeric) >= 3 and not named:   # a row of numbers: a series (its id column, "patient 1", is no text)
        return None
    texts = [str(c) for c in table.columns if c != label and _holds_texts(table[c])]
    if not texts:
        return None
    text = max(texts, key=lambda c: _mean_words(table[c]))
    if label is None:   # not a column without a header that is mostly empty (Kaggle's spam.csv: v1, v2 and three)
        others = [str(c) for c in table.columns if c not in texts and not (
            str(c).startswith("Unnamed: ") and (table[c].astype(str).str.strip() == "").mean() > 0.5)]
        if len(others) > 1:       # Sentiment140's polarity beside an id, a date, a query and a user name
            others = [c for c in others if 2 <= table[c].nunique() <= min(MAX_GUESSED_CLASSES, len(table) / 5)]
        if len(others) != 1:
            return None
        label = others[0]
    return text, label


def end_label_column(table: pd.DataFrame) -> str | None:
    """The label column of a table of numbers that names none: its first or its last column, when exactly one
    of the two holds whole numbers of 2 to ``MAX_GUESSED_CLASSES`` values, repeated (a fifth of the rows at
    most), and the columns between hold measurements (most of their values other than 0 not whole numbers).
    Kaggle's heartbeat files (MIT-BIH, PTB: 187 readings padded with zeros, then the class as 0.0 to 4.0, no
    header row) and the UCR archive's rows written as CSV (the class first) are such tables. None when no
    column, or both ends, qualify.

    >>> beats = pd.DataFrame({"0": ["0.97", "0.51", "0.33", "1.0"] * 5, "1": ["0.74", "0.25", "0.6", "0.08"] * 5,
    ...                       "2": ["0.0", "0.0", "0.0", "0.0"] * 5, "3": ["1.0", "0.0", "1.0", "2.0"] * 5})
    >>> end_label_column(beats)
    '3'
    >>> end_label_column(beats.iloc[:, :3]) is None       # a column of zeros is no label
    True
    """
    if table.shape[1] < 3 or not len(table):
        return None
    numbers = table.apply(lambda c: pd.to_numeric(c.astype(str).str.strip(), errors="coerce"))
    if numbers.isna().mean().mean() > 0.1:
        return None
    whole = numbers.notna() & (numbers == numbers.round())
    inner = numbers.iloc[:, 1:-1].to_numpy()
    padded = inner != 0                          # the heartbeats are padded with zeros to 187 readings
    if not padded.any() or float(whole.iloc[:, 1:-1].to_numpy()[padded].mean()) > 0.5:
        return None                              # the readings themselves are counts: no end stands out

    def labels_like(column: pd.Series, is_whole: pd.Series) -> bool:
        return bool(is_whole.all()) and 2 <= column.nunique() <= min(MAX_GUESSED_CLASSES, len(column) / 5)

    ends = [c for c in (table.columns[0], table.columns[-1]) if labels_like(numbers[c], whole[c])]
    return str(ends[0]) if len(ends) == 1 else None


def _mean_words(column: pd.Series) -> float:
    return float(column.astype(str).str.split().str.len().mean())


def _numbers_share(column: pd.Series) -> float:
    values = column.astype(str).str.strip()
    values = values[values != ""]
    return float(pd.to_numeric(values, errors="coerce").notna().mean()) if len(values) else 0.0


def _holds_texts(column: pd.Series) -> bool:
    """Most values are several words (three on average), few are numbers or dates."""
    values = column.astype(str).str.strip()
    values = values[values != ""]
    if not len(values) or _numbers_share(values) >= 0.1 or values.str.split().str.len().mean() < 3:
        return False
    with warnings.catch_warnings():   # "could not infer format" on texts
        warnings.simplefilter("ignore")
        dates = pd.to_datetime(values, errors="coerce", format="mixed").notna().mean()
    return dates < 0.5 and values.str.contains(r"\s").mean() > 0.5


TEXT_NAMES = ("text", "texts", "review", "tweet", "sentence", "comment", "message", "content", "body")
MAX_GUESSED_CLASSES = 50   # a label column guessed among several columns has at most this many values
LABEL_NAMES = ("label", "class", "target", "y", "category", "labels", "classes")   # what label columns are called
LABEL_SUFFIXES = re.compile(r".+[_ ](?:label|class|sentiment|category)$")   # Kaggle's Tweets.csv: airline_sentiment


def input_record(args, fmt: str) -> dict:
    """How TRAIN was read, for the model's ``input_`` (``seqlab predict`` reads INPUT the same way): the format,
    the label and text columns (``text_col`` as given: ``title,body`` joins those columns again), and the columns
    ``load_data`` left out (an id, a row number)."""
    return {"format": fmt, "label_col": args.label_col, "text_col": args.text_col,
            **({"left_out": args.left_out} if getattr(args, "left_out", None) else {})}


def without(table, columns: list[str]):
    """``table`` (a DataFrame, or a path left as it is) without those of ``columns`` it holds."""
    if not columns or not isinstance(table, pd.DataFrame):
        return table
    kept = table.drop(columns=[c for c in columns if c in table.columns])
    kept.attrs = dict(table.attrs)
    return kept


def _find_columns(args, path: Path) -> list[str]:
    """A ``.csv`` given without ``--text-col``: set ``args.label_col`` when the file has no ``label`` column but
    one column named as labels are (``LABEL_NAMES``, any case; else ``LABEL_SUFFIXES``), and ``args.text_col``
    (and the label column of a two-column file) when it holds one column of texts (``text_columns``); a table of
    numbers that names no label column takes its labels from an end column of whole numbers
    (``end_label_column``). Returns the notes that say so."""
    from seqlab.data.csv import read_frame

    try:
        table = read_frame(path, dtype=str, keep_default_na=False, nrows=500)
    except (DataError, ConfigError):   # read again, and explained, by read_labeled
        return []
    notes = []
    named = [str(c) for c in table.columns if str(c).strip().lower() in LABEL_NAMES]
    named = named or [str(c) for c in table.columns if LABEL_SUFFIXES.fullmatch(str(c).strip().lower())]
    if args.label_col is None and "label" not in table.columns and len(named) == 1:
        args.label_col = named[0]
        notes.append(f"seqlab: note: taking the labels from column {named[0]!r} of {path.name} (--label-col names "
                     "another)")
    found = text_columns(table, args.label_col)
    if found is None and args.label_col is None and "label" not in table.columns:
        end = end_label_column(table)
        if end is not None:
            args.label_col = end
            where = "first" if end == str(table.columns[0]) else "last"
            notes.append(f"seqlab: note: taking the labels from column {end!r} of {path.name}, its {where} column: "
                         "the only end column of whole numbers beside readings that are not (--label-col names "
                         "another)")
    if found is not None:
        args.text_col, label_col = found
        guessed = "" if args.label_col else f" with labels from {label_col!r}"
        args.label_col = args.label_col or (None if label_col == "label" else label_col)
        others = [str(c) for c in table.columns if str(c) not in (args.text_col, label_col) and _holds_texts(table[c])]
        which = (f"the longest of its text columns ({', '.join(map(repr, sorted([args.text_col, *others])))})"
                 if others else "the only text column")
        notes.append(f"seqlab: note: classifying the texts of column {args.text_col!r}{guessed}, {which} of "
                     f"{path.name} (--text-col / --label-col name others)")
    return notes


def table_of(args, path: Path, fmt: str, label_col: str | None, text_col: str | None):
    """What ``read_labeled`` (and ``seqlab predict``'s readers) read: the path, or for a table (csv series, texts
    in a CSV/TSV) the table with --columns/--drop applied (the label and text columns kept, every one of several
    text columns joined by ``--text-col a,b``)."""
    suffix = Path(str(path).removesuffix(".gz")).suffix.lower()
    is_table = fmt == "csv" or (fmt == "text" and (text_col or label_col or suffix in TABLE_SUFFIXES))
    if not is_table:
        if args.columns or args.drop:
            raise ConfigError(f"--columns/--drop apply to tables (csv, or texts in a CSV with --text-col); "
                              f"{path} is read as {fmt}")
        return path
    keep = [label_col or "label"] + ([text_col or "text"] if fmt == "text" else [])
    return read_table(args, path, keep=keep, sep="\t" if suffix == ".tsv" else ",", dtype=str,
                      keep_default_na=False)


def _check_size(train, test) -> None:
    n = len(train) + (0 if test is None else len(test))
    if n < MIN_EXAMPLES:
        raise DataError(f"{n} labelled examples are too few to train and test a classifier; give at least "
                        f"{MIN_EXAMPLES} (several per class)")


def _subset(data, idx):
    if isinstance(data, LabeledTexts):
        return LabeledTexts([data.texts[i] for i in idx], data.y[idx])
    return LabeledSeries([data.X[i] for i in idx], data.y[idx], data.format)


def split_data(train, test_size: float, seed: int, dedupe: bool):
    """Drop exact duplicate texts (first kept), then a stratified split; returns (train, test, record)."""
    from sklearn.model_selection import train_test_split

    record = {"kind": "stratified", "test_size": test_size, "seed": seed}
    keep = np.arange(len(train))
    if dedupe and isinstance(train, LabeledTexts):
        seen: dict[str, int] = {}
        keep = np.array([i for i, t in enumerate(train.texts) if seen.setdefault(t, i) == i])
        record["duplicates_removed"] = int(len(train) - len(keep))
    y = train.y[keep]
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise DataError(f"the labels hold one class only ({classes[0]}); a classifier needs at least two")
    if not 0 < test_size < 1:
        raise ConfigError(f"--test-size must be a fraction in (0, 1), got {test_size}")
    stratify = y if counts.min() >= 2 else None
    if stratify is None:
        record["kind"] = "random (a class has a single example)"
    try:
        tr, te = train_test_split(keep, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError as e:
        raise DataError(f"cannot split {len(keep)} examples with --test-size {test_size}: {e}") from None
    record.update(n_train=int(len(tr)), n_test=int(len(te)))
    return _subset(train, np.sort(tr)), _subset(train, np.sort(te)), record, np.sort(te)


def _sizes(text: str) -> tuple:
    """``"64,128,64"`` -> ``(64, 128, 64)`` (a usage error, exit 2, otherwise)."""
    try:
        sizes = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated whole numbers, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected sizes >= 1, got {text!r}")
    return sizes


def training_options(args) -> dict:
    """The keyword arguments every classifier of ``seqlab classify`` takes from the command line."""
    return dict(epochs=args.epochs, seed=args.seed, class_weight=args.class_weight,
                validation_split=args.validation_split, verbose=args.verbose, time_budget=args.time_budget,
                **given(batch_size=args.batch_size, learning_rate=args.learning_rate, patience=args.patience,
                        units=args.units))


def build_task(data, args):
    from seqlab.tasks.classification.classifier import SequenceClassifier
    from seqlab.tasks.classification.text_classifier import TextClassifier

    common = training_options(args) | given(pooling=args.pooling, dropout=args.dropout, num_layers=args.layers)
    if isinstance(data, LabeledTexts):
        model = args.model or DEFAULT_TEXT_MODEL
        if not all(part in TEXT_ENCODERS for part in model.split("+")):
            raise ConfigError(f"--model {model} is not a text encoder; choose one of {', '.join(TEXT_ENCODERS)} "
                              "(or two joined by '+', e.g. bilstm+fasttext)")
        options = {**(DEFAULT_TEXT_OPTIONS if args.model is None and not args.char_level else {}), **common}
        blend = args.model is None if args.linear is None else args.linear
        return TextClassifier(encoder=model, maxlen=args.maxlen, char_level=args.char_level,
                              embeddings=args.embeddings, shapes=args.shapes or options.pop("shapes", False),
                              ensemble=args.ensemble or 1, refit=False if args.no_refit else None,
                              linear_weight=TEXT_LINEAR_WEIGHT if blend else 0.0,
                              linear_chars=TEXT_LINEAR_CHARS if blend else None,
                              **given(embedding_dim=args.embedding_dim), **options)
    if args.as_image:
        from seqlab.tasks.classification.series_image import SeriesImageClassifier

        keep = ("epochs", "seed", "validation_split", "verbose", "batch_size", "learning_rate", "patience", "units",
                "time_budget")
        return SeriesImageClassifier(args.as_image, image_size=args.image_size,
                                     **{k: v for k, v in common.items() if k in keep})
    model = args.model or "cnn1d"
    if model not in SERIES_ENCODERS:
        raise ConfigError(f"--model {model} is not a series encoder; choose one of {', '.join(SERIES_ENCODERS)}")
    return SequenceClassifier(encoder=model, ensemble=args.ensemble, **given(filters=args.filters), **common)


def strong_baseline(train, test, metric: str = "euclidean") -> tuple[dict, np.ndarray]:
    """The strong baseline of ``seqlab classify``, on the same split: 1-NN (``metric``) for series,
    TF-IDF + logistic regression for texts (``seqlab.tasks.classification.baselines``): its scores and
    its predictions."""
    from seqlab.tasks.classification.baselines import nearest_neighbour_baseline, tfidf_baseline

    if isinstance(train, LabeledTexts):
        return tfidf_baseline(train.texts, train.y, test.texts, test.y, predictions=True)
    return nearest_neighbour_baseline(train.X, train.y, test.X, test.y, metric=metric, predictions=True)


def described_model(task) -> str:
    """The model's name for the report: the encoder, and the TF-IDF member where it is averaged in."""
    name = getattr(task, "encoder", f"{getattr(task, 'as_image', '')} image cnn")
    if getattr(task, "linear_", None) is not None:
        share = task.linear_weight_
        how = "probability average" if share == 0.5 else f"probabilities weighted {1 - share:g}/{share:g}"
        grams = "" if task.linear_.chars is None else " on word + char n-grams"
        name = f"{name} + TF-IDF LR{grams} ({how})"
    return name


def misclassified_html(texts, y_true, y_pred, proba, classes, limit: int = 25) -> str:
    """An HTML table of up to ``limit`` misclassified texts, most confident mistakes first."""
    index = {c: i for i, c in enumerate(classes)}
    wrong = [i for i in range(len(texts)) if y_true[i] != y_pred[i]]
    if not wrong:
        return "<p>No test example was misclassified.</p>"
    wrong.sort(key=lambda i: -proba[i, index[y_pred[i]]])
    rows = "".join(f"<tr><td>{html.escape(texts[i][:300])}</td><td>{html.escape(str(y_true[i]))}</td>"
                   f"<td>{html.escape(str(y_pred[i]))}</td><td>{proba[i, index[y_pred[i]]]:.3f}</td></tr>"
                   for i in wrong[:limit])
    return (f"<p>{len(wrong)} of {len(texts)} test texts misclassified; the {min(limit, len(wrong))} most "
            "confident mistakes:</p><table><tr><th>text</th><th>true</th><th>predicted</th><th>p</th></tr>"
            f"{rows}</table>")


def run(args: argparse.Namespace) -> int:
    """Train a classifier on labelled sequences or texts. TRAIN is a file (csv: one row per series
    with a label column; ucr: .tsv/.txt, label first; ts: sktime/aeon .ts; text: CSV with --text-col
    or label<TAB>text lines; or a folder holding a folder of text files per class, as Keras'
    text_dataset_from_directory reads aclImdb/train) or a bundled set (sms-spam, gunpoint,
    italy-power-demand, basic-motions). Without --test a stratified split is made and recorded."""
    from seqlab.inspect.classify_plots import plot_confusion
    from seqlab.tasks.classification.baselines import verdict
    from seqlab.tasks.classification.metrics import majority_baseline, mcnemar
    from seqlab.tasks.verdicts import significance_text
    from seqlab.train.budget import describe

    if args.tagger:
        from seqlab.cli.tagging import run_tagger

        return run_tagger(args)
    notes = []
    train, test, fmt = load_data(args, notes)
    _check_size(train, test)
    split, test_rows = {"kind": "given", "test_file": args.test}, None
    if test is None:
        train, test, split, test_rows = split_data(train, args.test_size, args.seed, not args.keep_duplicates)
    if len(set(train.y.tolist())) < 2:
        raise DataError(f"the training labels hold one class only ({train.y[0]}); a classifier needs at least two")
    task = build_task(train, args)
    with training_run(args, "classify") as run:
        task.fit(train)
        for note in notes:   # after the fit, so that a refusal stays one line
            print(note, file=sys.stderr)
        task.input_ = input_record(args, fmt)
        test_x = test.texts if isinstance(test, LabeledTexts) else test.X
        metrics = task.evaluate(test_x, test.y)
        baseline = majority_baseline(train.y, test.y, task.classes_)
        strong, strong_predictions = strong_baseline(train, test, args.nn_metric)
        proba = task.predict_proba(test_x)          # for the paired test and the misclassified examples
        pred = task.classes_[proba.argmax(axis=1)]
        paired = mcnemar(test.y, pred, strong_predictions)
        verdict_line = verdict(metrics["accuracy"], strong["accuracy"], strong["name"])
        if metrics["accuracy"] != strong["accuracy"]:
            tested = significance_text("McNemar", paired["p_value"], paired["examples"], "test examples")
            verdict_line += (f" ({tested}; {paired['model_only']} right by the model alone, "
                             f"{paired['baseline_only']} by the baseline alone)")
        training = getattr(task, "training_", None)
        run.save(task)
        model_name = described_model(task)
        run.json("metrics.json", {**metrics, "baseline": baseline, "strong_baseline": {**strong, "mcnemar": paired},
                                  "verdict": verdict_line,
                                  "training": training, "split": split, "model": model_name,
                                  "format": fmt, "n_train": len(train)})
        run.history(task.history_, training=training)
        if test_rows is not None:
            run.json("split.json", {"test_rows": test_rows.tolist(), **split})
        plot_confusion(metrics["confusion_matrix"], list(task.classes_), run.dir / "confusion.png")
        headline = {"accuracy": metrics["accuracy"], "f1_macro": metrics["f1_macro"],
                    "roc_auc": metrics["roc_auc"]}
        sections = [("Verdict", verdict_line),
                    ("Test metrics vs baselines",
                     {"model": headline, strong["name"]: {k: strong.get(k) for k in headline},
                      "majority class": {k: baseline[k] for k in headline}}),
                    ("Per class", metrics["per_class"]), ("Confusion matrix", "confusion.png"),
                    ("Training", "loss.png"), ("Training budget", describe(training)), ("Split", split)]
        if isinstance(test, LabeledTexts):
            sections.append(("Misclassified examples", misclassified_html(
                test.texts, [str(v) for v in test.y], pred, proba, list(task.classes_))))
        run.report(f"seqlab classify: {Path(args.train).name} ({model_name})", sections)
        run.say(f"test accuracy {metrics['accuracy']:.4f}  macro F1 {metrics['f1_macro']:.4f}  "
                f"(majority class '{baseline['predicts']}': accuracy {baseline['accuracy']:.4f})")
        run.say(describe(training))
        run.verdict(f"{model_name} {verdict_line}")
        run.verdict(majority_verdict(metrics, baseline))
        run.plot = "confusion.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.test or args.train])
    return 0


def majority_verdict(metrics: dict, baseline: dict) -> str:
    """One line: does the classifier beat always predicting the majority class (macro F1, then accuracy)?"""
    beats = metrics["f1_macro"] > baseline["f1_macro"] and metrics["accuracy"] >= baseline["accuracy"]
    return (f"{'beats' if beats else 'does NOT beat'} the majority-class baseline "
            f"(macro F1 {metrics['f1_macro']:.4f} vs {baseline['f1_macro']:.4f}, "
            f"accuracy {metrics['accuracy']:.4f} vs {baseline['accuracy']:.4f})")


def add_parser(subparsers) -> None:
    """Register ``seqlab classify``."""
    p = add_command(subparsers, "classify", run, help="train a sequence or text classifier (writes a run directory)")
    p.add_argument("train", help="training file (.gz too), folder of class folders of text files, a UCR/UEA "
                                 "archive folder (its *_TRAIN and *_TEST files), or bundled data set name")
    p.add_argument("--test", help="test file in the same format (default: a stratified split of TRAIN)")
    add_arguments(p, "classify", format=Described("from the file name"),
                  text_col=Described("the CSV's column of texts; of several, the one of most words; with --format "
                                     "text, the column 'text'"), encoding=None)
    p.add_argument("--label-col", help="label column of csv/text tables (default: label)")
    add_table_options(p)
    p.add_argument("--model", help=f"encoder: text {', '.join(TEXT_ENCODERS)} (or two joined by '+', e.g. "
                                   f"bilstm+fasttext, probabilities averaged); series {', '.join(SERIES_ENCODERS)} "
                                   f"(default: {DEFAULT_TEXT_MODEL} with max pooling and --shapes, averaged with "
                                   "TF-IDF + logistic regression (see --linear), for text; cnn1d for series)")
    p.add_argument("--units", type=int, help="encoder width: units of the recurrent/dense layers (default: 64)")
    p.add_argument("--layers", type=int, help="transformer blocks (default: 2 series, 1 text)")
    p.add_argument("--dropout", type=float, help="dropout before the head and inside transformer blocks "
                                                 "(default: 0 series, 0.2 text)")
    p.add_argument("--filters", type=_sizes, help="cnn1d: filters of its three convolution blocks, e.g. 64,128,64 "
                                                  "(default: 128,256,128)")
    p.add_argument("--embedding-dim", type=int, help="text: width of the word embedding (default: 64)")
    p.add_argument("--maxlen", type=int, default=100, help="tokens kept per text, as Keras pad_sequences maxlen")
    p.add_argument("--char-level", action="store_true", help="tokenise texts into characters")
    p.add_argument("--ensemble", type=int, default=None,
                   help="train the model this many times (seeds SEED, SEED+1, ...) and average the probabilities "
                        "(default: 1; numeric series without --epochs, under 500 training series: 5 nets on "
                        "series of up to 200 steps, 1000 // length on longer ones)")
    p.add_argument("--shapes", action="store_true",
                   help="word tokens: long numbers as their shape (<num11>), <url>/<email>, keep £ $ ! ?, <caps> marks")
    p.add_argument("--no-refit", action="store_true",
                   help="text: keep the net trained on 80%% of the texts (default: once the adaptive budget has "
                        "found the best epoch on the other 20%%, train again on all of them for that many epochs)")
    p.add_argument("--linear", action=argparse.BooleanOptionalAction, default=None,
                   help="text: average the nets' probabilities 50/50 with those of a TF-IDF + logistic-regression "
                        "model on word 1-2-grams and character 2-5-grams fitted on the same training texts (default: "
                        "yes without --model, no with it; --no-linear keeps the nets alone). The verdict compares "
                        "with TF-IDF + logistic regression on words alone")
    p.add_argument("--embeddings", help="GloVe/word2vec text file to start the embedding from")
    p.add_argument("--class-weight", choices=["balanced"], help="weight classes by inverse frequency")
    p.add_argument("--as-image", choices=["gaf", "gadf", "mtf", "rp"],
                   help="numeric series: draw each as an image (Gramian angular summation/difference field, Markov "
                        "transition field, recurrence plot) and classify it with a CNN")
    p.add_argument("--image-size", type=int, default=32, help="--as-image: side of the square image")
    p.add_argument("--test-size", type=float, default=0.2, help="test fraction when --test is not given")
    p.add_argument("--keep-duplicates", action="store_true",
                   help="keep exact duplicate texts before splitting (default: drop them, else scores inflate)")
    p.add_argument("--pooling", choices=["last", "max", "mean"],
                   help="recurrent encoders: last step (default), or max / mean over the steps")
    p.add_argument("--tagger", action="store_true",
                   help="label every step (SequenceTagger, event detection): TRAIN is 'events' (bundled synthetic "
                        "streams) or a CSV with one row per step, a per-step --label-col and a --sequence-col")
    p.add_argument("--sequence-col", default="sequence", help="--tagger: column naming each stream")
    p.add_argument("--streams", type=int, default=300, help="--tagger events: streams to generate")
    p.add_argument("--chunk", type=int, default=200, help="--tagger: train on pieces of this many steps")
    p.add_argument("--nn-metric", choices=["euclidean", "dtw"], default="euclidean",
                   help="series: distance of the 1-nearest-neighbour baseline (dtw: slower, band of 10%%)")
    add_arguments(p, "classify", epochs=ADAPTIVE, batch_size=Described("64 text, 32 tagger, 16 series"),
                  learning_rate=Described("0.001"), validation_split=0.0, time_budget=None,
                  patience=Described("10 series, 3 text, 5 tagger; with --validation-split"), seed=0, verbose=1,
                  threads=None, out=None)
