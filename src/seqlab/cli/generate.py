"""``seqlab generate``: train a character-level generator, sample from it, look inside it.

    seqlab generate train names.txt --lines --model gru --steps 3000 --batch-size 128 --out runs/names
    seqlab generate sample runs/names --prefix Al --n 10 --temperature 0.8 --seed 1
    seqlab generate inspect runs/lstm text.txt --unit 7          # HTML coloured by unit 7
    seqlab generate inspect runs/lstm text.txt --pattern quotes  # units that follow quotes

``train`` writes model/, metrics.json (``test_loss`` in nats per character on the held-out
split), history.json, loss.png, samples.txt and report.html. ``sample`` prints one sample per line
on stdout and nothing else there.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from seqlab.cli.common import (
    ADAPTIVE,
    RUN_DIR,
    Described,
    add_arguments,
    add_command,
    add_command_group,
    add_run_dir,
    input_file,
    training_run,
)
from seqlab.io.errors import ConfigError, DataError
from seqlab.io.modeldir import model_dir_of


def _load(run_dir: str):
    from seqlab.tasks.generation.generator import CharGenerator

    return CharGenerator.load(model_dir_of(run_dir, "'seqlab generate train'"))


def generation_verdict(model: str, loss: float, bigram: float) -> str:
    """The verdict line of ``generate train``: the model's held-out loss against the counted bigram's.

    >>> generation_verdict("gru", 2.0, 2.45)
    'gru beats the strong baseline bigram: held-out 2.0000 vs 2.4500 nats/char'
    """
    from seqlab.tasks.verdicts import verdict

    return f"{model} {verdict(loss, bigram, 'bigram', 'held-out', higher_is_better=False)} nats/char"


def train(args: argparse.Namespace) -> int:
    """Learn a text file (or, with --lines, one item per line such as names) and write model/,
    metrics.json, history.json, loss.png, samples.txt and report.html.

        seqlab generate train names.txt --lines --model gru --steps 3000 --out runs/names
    """
    from seqlab.tasks.generation.generator import CharGenerator
    from seqlab.train.budget import describe

    text, notes = training_text(args)
    gen = CharGenerator(model=args.model, lines=args.lines, steps=args.steps, epochs=args.epochs,
                        batch_size=args.batch_size, learning_rate=args.learning_rate, n_embd=args.n_embd,
                        units=args.units, n_layer=args.n_layer, block_size=args.block_size,
                        dropout=args.dropout, seed=args.seed, verbose=bool(args.verbose), patience=args.patience,
                        time_budget=args.time_budget)
    with training_run(args, "generate") as run:
        gen.fit(text)
        for note in notes:   # after the fit, so that a refusal stays one line
            print(note, file=sys.stderr)
        samples = gen.sample(n=args.samples, seed=args.seed)
        novelty = gen.novelty(samples)
        run.save(gen, input={"command": "generate", "text_col": args.text_col} if args.text_col else None)
        bigram = gen.bigram_baseline()
        line = generation_verdict(args.model, gen.test_loss_, bigram)
        metrics = {"test_loss": gen.test_loss_, "unit": "nats per character", "model": args.model,
                   "strong_baseline": {"name": "bigram (counted, add-one)", "test_loss": bigram}, "verdict": line,
                   "params": gen.model_.num_params(), "steps": gen.steps_, "training": gen.training_,
                   "seconds": round(gen.train_seconds_, 1), "samples": novelty["n"],
                   "samples_new": novelty["new"], "fraction_new": novelty["fraction_new"]}
        run.json("metrics.json", metrics)
        run.history(gen.history_, plotted={"loss": gen.history_["loss"], "val_loss": gen.history_["val_loss"]},
                    training=gen.training_, title=f"{args.model}: nats per character", x=gen.history_["step"],
                    xlabel="training step")
        (run.dir / "samples.txt").write_text("\n".join(samples) + "\n", encoding="utf-8")
        run.report(f"Character generator ({args.model})", [
            ("Verdict", line), ("Held-out loss", metrics), ("Training budget", describe(gen.training_)),
            ("Loss", "loss.png"), (f"Samples ({novelty['new']} of {novelty['n']} new)", "\n".join(samples))])
        run.say(f"test_loss {gen.test_loss_:.4f} nats/char; {novelty['new']}/{novelty['n']} samples new")
        run.say(describe(gen.training_))
        run.verdict(line)
        run.plot = "loss.png"
        run.reuse = ("sample", ["seqlab", "generate", "sample", RUN_DIR, "--n", "10"])
    return 0


def sample(args: argparse.Namespace) -> int:
    """Print samples of a trained generator on stdout, one per line (a sample of running text shows
    its line breaks as \\n).

        seqlab generate sample runs/names --prefix Al --n 10 --seed 1
    """
    gen = _load(args.run_dir)
    for line in gen.sample(n=args.n, prefix=args.prefix, temperature=args.temperature, top_k=args.top_k,
                           top_p=args.top_p, seed=args.seed, max_length=args.max_length):
        sys.stdout.write(line.replace("\n", "\\n") + "\n")  # running text: one sample per line
    return 0


def inspect(args: argparse.Namespace) -> int:
    """Colour a text by one recurrent unit's activation (HTML), or list the units whose activation
    follows a pattern.

        seqlab generate inspect runs/lstm text.txt --unit 7
        seqlab generate inspect runs/lstm text.txt --pattern quotes
    """
    from seqlab.inspect.activations import correlated_units, pattern_signal, write_activation_html
    from seqlab.tasks.generation.generator import read_text

    if args.unit is None and args.pattern is None:
        raise ConfigError("give --unit K (colour the text by unit K) and/or --pattern P (find units)")
    gen = _load(args.run_dir)
    text = read_text(input_file(args.text)) if _names_a_file(args.text) else args.text
    acts = gen.activations(text, layer=args.layer)
    if args.unit is not None:
        if not 0 <= args.unit < acts.shape[1]:
            raise ConfigError(f"--unit must be in 0..{acts.shape[1] - 1} (the layer has {acts.shape[1]} units)")
        out = Path(args.out) if args.out else Path(args.run_dir) / f"activations_unit{args.unit}.html"
        what = "tanh(C_t)" if gen.model_.config.backbone == "lstm" else "h_t"
        write_activation_html(out, text, acts[:, args.unit], f"Unit {args.unit}: {what} at each character")
        print(out)
    if args.pattern is not None:
        ranked = correlated_units(acts, pattern_signal(text, args.pattern), top=args.top)
        print(json.dumps([{"unit": u, "r": round(r, 4)} for u, r in ranked]))
    return 0


def _names_a_file(text: str) -> bool:
    """Whether the TEXT argument of ``generate inspect`` is meant as a file: an existing file, a bundled data
    set's name, or a single word that reads like a file name (``notes.txt``, ``data/x``), which then must exist."""
    from seqlab import datasets

    if Path(text).exists() or datasets.is_bundled(text):
        return True
    one_word = not any(c.isspace() for c in text)
    return one_word and ("/" in text or bool(re.fullmatch(r".+\.[A-Za-z][A-Za-z0-9]{0,4}", text)))


def training_text(args: argparse.Namespace) -> tuple[str, list[str]]:
    """The text ``generate train`` (and ``tune generate``) learns, and notes for stderr (``text_of``); a table's
    column is set in ``args`` as ``--text-col``, each value an item as with ``--lines``."""
    text, column, notes = text_of(args.text, getattr(args, "text_col", None))
    if column is not None:
        args.lines, args.text_col = True, column
    return text, notes


def text_of(value, text_col: str | None = None) -> tuple[str, str | None, list[str]]:
    """``(text, column, notes)`` of the file ``value``. A ``.csv``/``.tsv`` file (or a workbook, a Parquet file)
    is a table: the distinct values of ``text_col`` (default: its only column of text; ``a,b`` joins columns a
    and b of each row by ". ", ``seqlab.data.formats.row_texts``), one per line, and that column; learning the
    file itself would learn its commas and counts. A folder is the text of its files (``_folder_text``). Anything
    else is read as text (column None)."""
    from seqlab.data.csv import TABLE_SUFFIXES
    from seqlab.tasks.generation.generator import read_text

    path = input_file(value)
    if path.is_dir():
        return _folder_text(path, text_col)
    suffix = Path(str(path).removesuffix(".gz")).suffix.lower()
    if suffix not in TABLE_SUFFIXES or not path.is_file():
        if text_col:
            raise ConfigError(f"--text-col names a column of a CSV/TSV file; {value} is read as text")
        return read_text(path), None, []
    from seqlab.data.csv import read_frame
    from seqlab.data.formats import row_texts

    table = read_frame(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False)
    column, why = (text_col, "") if text_col else _only_text_column(table, path)
    values = [v.strip() for v in map(str, row_texts(table, column, path)) if v.strip()]
    if not values:
        raise DataError(f"{path}: column {column!r} holds no text")
    notes = [] if text_col else [
        f"seqlab: note: learning column {column!r} of {path.name}, {why}, each value an item as with --lines "
        "(--text-col names another)"]
    distinct = list(dict.fromkeys(values))   # Kaggle's NationalNames.csv: each name once a year and gender
    if len(distinct) < len(values):
        notes.append(f"seqlab: note: learning the {len(distinct):,} distinct values of column {column!r} (of "
                     f"{len(values):,}): a held-out item must not be a training one")
    return "\n".join(distinct) + "\n", column, notes


def _folder_text(path: Path, text_col: str | None) -> tuple[str, None, list[str]]:
    """The text of a folder of text files (``seqlab.data.text_folders.read_folder_texts``: its files, or those of
    its sub-folders), in name order, each file's text ending with a line break, and the note that says so."""
    from seqlab.data.text_folders import read_folder_texts

    if text_col:
        raise ConfigError(f"--text-col names a column of a CSV/TSV file; {path} is a folder of text files")
    texts, names = read_folder_texts(path)
    kept = [t.strip("\n") + "\n" for t in texts if t.strip()]
    if not kept:
        raise DataError(f"{path}: every file is empty")
    note = (f"seqlab: note: learning the {len(kept):,} text file(s) of folder {path.name} ({names[0]}, ...), "
            "in name order, one after another")
    return "".join(kept), None, [note]


MAX_CATEGORIES = 50   # a text column of at most this many values, each repeated, is a category, not text to learn


def _only_text_column(table, path) -> tuple[str, str]:
    """The one column of ``table`` (strings) whose values are not all numbers, or of several the one named
    ``text`` (TREC's ``text,label``), else the one that is not a category (a few values, each repeated: the
    Gender beside the Name of the US baby names), and why it was taken; ConfigError naming the candidates when
    there are several or none.

    >>> import pandas as pd
    >>> names = pd.DataFrame({"Name": ["Mary", "Anna", "Emma", "Ida", "Minnie", "John"], "Gender": list("FFFFFM")})
    >>> _only_text_column(names, Path("NationalNames.csv"))
    ('Name', 'its only text column that is not a category (Gender)')
    """
    import pandas as pd

    texts = [str(c) for c in table.columns
             if pd.to_numeric(table[c].replace("", None), errors="coerce").isna().any()]
    if len(texts) > 1 and "text" in texts:
        return "text", f"the one named text of its text columns ({', '.join(texts)})"
    categories = [c for c in texts if table[c].nunique() <= min(MAX_CATEGORIES, len(table) / 3)]
    if len(texts) > 1 and len(texts) - len(categories) == 1:
        column = next(c for c in texts if c not in categories)
        return column, f"its only text column that is not a category ({', '.join(categories)})"
    if len(texts) != 1:
        found = f"text columns {', '.join(texts)}" if texts else "no text column"
        raise ConfigError(f"say which column to learn with --text-col ({path.name} has {found})")
    return texts[0], "its only text column"


def add_parser(sub) -> None:
    cmds = add_command_group(sub, "generate", "character-level generation: train, sample, inspect", __doc__,
                             ["train", "sample", "inspect"])
    t = add_command(cmds, "train", train, help="learn a text file")
    t.add_argument("text", help="a text file (.gz too; UTF-8 unless --encoding says), a CSV of texts, a folder of "
                                "text files (learnt one after another), or a bundled data set name (names)")
    t.add_argument("--lines", action="store_true", help="one item per line (names, words); default: running text")
    t.add_argument("--model", default="gru", help="bigram, mlp, rnn, lstm, gru or transformer")
    budget = t.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="optimisation steps, exactly this many (default: the adaptive "
                                                  "budget described below, one validation score per 200 steps)")
    add_arguments(budget, "generate", epochs=ADAPTIVE)
    t.add_argument("--n-embd", type=int, help="embedding size / transformer width (default: per model)")
    t.add_argument("--units", type=int, help="hidden units of the mlp or recurrent layers (default: per model)")
    t.add_argument("--n-layer", type=int, help="recurrent layers or transformer blocks (default: per model)")
    t.add_argument("--block-size", type=int, help="context window for running text (default: 64)")
    t.add_argument("--dropout", type=float,
                   help="fraction of units dropped while training (default: per model, 0.1 for lstm and gru)")
    t.add_argument("--samples", type=int, default=20, help="samples to write and judge for novelty")
    add_arguments(t, "generate", batch_size=128, learning_rate=Described("per model"), patience=5, time_budget=None,
                  seed=0, verbose=1, threads=None, out=None,
                  text_col=Described("its only column of text; of several, the one named text"), encoding=None)

    s = add_command(cmds, "sample", sample, help="print samples, one per line")
    add_run_dir(s, "seqlab generate train")
    s.add_argument("--prefix", default="", help="text every sample starts with")
    s.add_argument("--n", type=int, default=10, help="samples to print")
    s.add_argument("--temperature", type=float, default=1.0,
                   help="divides the logits: below 1 safer, above 1 more varied")
    s.add_argument("--top-k", type=int, help="sample only from the k most likely characters (default: all)")
    s.add_argument("--top-p", type=float,
                   help="sample only from the most likely characters holding this probability (default: all)")
    s.add_argument("--max-length", type=int, help="characters per sample of running text (default: 200)")
    add_arguments(s, "generate", seed=Described("a different draw each run"))

    i = add_command(cmds, "inspect", inspect,
                    help="colour a text by a unit's activation; find units following a pattern")
    add_run_dir(i, "seqlab generate train with a recurrent model")
    i.add_argument("text", help="a text file (or bundled data set name), or the text itself (words with spaces)")
    i.add_argument("--unit", type=int, help="unit to colour the text by")
    i.add_argument("--pattern", help="quotes, position, or a regular expression")
    i.add_argument("--layer", type=int, default=-1, help="recurrent layer (default: the last)")
    i.add_argument("--top", type=int, default=5, help="how many units --pattern lists")
    i.add_argument("--out", help="HTML file (default: RUN_DIR/activations_unitK.html)")   # a file, not a run
    add_arguments(i, "generate", encoding=None)
