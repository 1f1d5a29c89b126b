"""``seqlab seq2seq``: learn to map one character sequence to another, then translate.

    seqlab seq2seq train pairs.csv --model lstm --attention additive --epochs 20 --out runs/s2s
    seqlab seq2seq train --task addition --attention dot --epochs 20        # "535+61" -> "596"
    seqlab seq2seq train --task reversal --attention none                   # length-20 reversal
    seqlab seq2seq train --task words --max-vocab 2000 --epochs 30           # SMS words reversed, word level
    seqlab seq2seq translate runs/s2s "535+61" --beam 3

``train`` reads two-column CSV/TSV pairs (input, target) or generates a bundled task, holds out
10% of the pairs, and writes model/, metrics.json (held-out exact match, per-character or per-word
accuracy, loss, the training budget, and the copy-input, most-frequent-target and
nearest-training-input baselines; the verdict names the strongest), history.json, loss.png,
attention.png (a held-out example; models with attention) and report.html. ``--tokens word``
learns words instead of characters, each side's vocabulary capped at ``--max-vocab`` words (the
rest read as ``<unk>``). ``translate`` prints one output per input, one per line.
"""
from __future__ import annotations

import argparse
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
    add_table_options,
    input_file,
    read_table,
    training_run,
)
from seqlab.io.errors import ConfigError, DataError
from seqlab.io.modeldir import model_dir_of

TASK_SIZES = {"addition": 50_000, "reversal": 20_000, "dates": 20_000, "words": None}


def _pairs(args: argparse.Namespace):
    from seqlab.data.pairs import check_pairs, make_pairs, read_pairs

    if (args.pairs is None) == (args.task is None):
        raise ConfigError("give a pairs file (CSV/TSV with input,target columns) or --task addition|reversal|dates")
    if args.pairs is not None and (args.columns or args.drop):     # a table with a header: pick two columns
        path = input_file(args.pairs)
        frame = read_table(args, path, sep="\t" if path.suffix.lower() in (".tsv", ".tab") else ",", dtype=str,
                           keep_default_na=False)
        if frame.shape[1] != 2:
            raise DataError(f"{args.pairs}: --columns/--drop leave {frame.shape[1]} column(s) "
                            f"({', '.join(frame.columns)}); keep two: input, target")
        return check_pairs(frame), Path(args.pairs).name
    if args.pairs is not None:
        return read_pairs(input_file(args.pairs)), Path(args.pairs).name
    n = args.n or TASK_SIZES[args.task]
    if n is not None and n < 10:
        raise ConfigError(f"--n must be >= 10 pairs, got {n}")
    if args.task == "words":                    # real text: spans of the SMS corpus's messages, words reversed
        from seqlab import datasets
        from seqlab.data.pairs import word_reversal_pairs

        pairs = word_reversal_pairs(datasets.load("sms-spam")["text"], n=n, seed=args.seed)
        return pairs, f"words ({len(pairs)} spans of 3-8 words of the SMS messages, word order reversed)"
    return make_pairs(args.task, n, seed=args.seed), f"{args.task} ({n} generated pairs)"


def unseen_characters(train_pairs, test_pairs, tokens: str = "char") -> str | None:
    """A note when held-out pairs use characters no training pair has (None when none do, and for
    word models, which read unknown words as ``<unk>``): the model can read them, never trained on
    them, so the scores of those pairs are what they are."""
    if tokens == "word":
        return None
    found = []
    for side, name in ((0, "inputs"), (1, "targets")):
        unseen = {c for p in test_pairs for c in p[side]} - {c for p in train_pairs for c in p[side]}
        pairs = sum(any(c in unseen for c in p[side]) for p in test_pairs)
        if unseen:
            found.append(f"{pairs} held-out {name} use character(s) {''.join(sorted(unseen))!r} that no training "
                         "pair has (the model was never trained on them)")
    return "; ".join(found) or None


def train(args: argparse.Namespace) -> int:
    """Learn input -> target character pairs from a two-column CSV/TSV or a bundled task, holding
    out 10% of the pairs for the scores.

        seqlab seq2seq train --task addition --attention dot --epochs 20
    """
    from seqlab.data.pairs import split_pairs
    from seqlab.inspect.attention_plots import plot_attention
    from seqlab.tasks.generation.seq2seq import Seq2Seq, baseline_scores
    from seqlab.tasks.verdicts import verdict
    from seqlab.train.budget import describe

    pairs, source = _pairs(args)
    tokens = args.tokens or ("word" if args.task == "words" else "char")
    train_pairs, test_pairs = split_pairs(pairs, test=0.1, seed=args.seed)
    note = unseen_characters(train_pairs, test_pairs, tokens)
    if note:
        print(f"note: {note}", file=sys.stderr)
    s2s = Seq2Seq(model=args.model, attention=args.attention, units=args.units, embedding_dim=args.embedding_dim,
                  num_layers=args.num_layers, bidirectional=args.bidirectional, dropout=args.dropout,
                  teacher_forcing=args.teacher_forcing,
                  epochs=args.epochs, patience=args.patience, batch_size=args.batch_size,
                  learning_rate=args.learning_rate, seed=args.seed, verbose=bool(args.verbose),
                  time_budget=args.time_budget, tokens=tokens,
                  max_vocab=args.max_vocab)
    with training_run(args, "seq2seq") as run:
        s2s.fit(train_pairs, characters_of=test_pairs)
        metrics = s2s.evaluate(test_pairs, beam_width=args.beam)
        metrics.update(model=args.model, attention="multi-head" if args.model == "transformer" else args.attention,
                       beam_width=args.beam, train_pairs=len(train_pairs), params=s2s.model_.num_params(),
                       data=source, tokens=tokens, training=s2s.training_,
                       **({"unseen_characters": note} if note else {}))
        if tokens == "word":
            metrics.update(vocabulary={"input": len(s2s.src_vocab_), "target": len(s2s.tgt_vocab_),
                                       "max_vocab": args.max_vocab})
        baselines = baseline_scores(train_pairs, test_pairs, tokens)
        strongest = max(baselines, key=lambda b: baselines[b]["exact_match"])
        line = verdict(metrics["exact_match"], baselines[strongest]["exact_match"], strongest, "held-out exact match")
        metrics.update(baselines=baselines, verdict=line)
        run.save(s2s)
        run.json("metrics.json", metrics)              # no wall time here: same seed, same file
        metrics["seconds"] = round(s2s.train_seconds_, 1)
        run.history(s2s.history_, title="loss (nats per target character)")
        sample = test_pairs[: 12]
        predicted = s2s.predict([p[0] for p in sample], beam_width=args.beam)
        examples = [{"input": i, "target": t, "output": o, "right": "yes" if o == t else "no"}
                    for (i, t), o in zip(sample, predicted)]
        sections = [("Verdict", line), ("Held-out metrics", metrics), ("Training budget", describe(s2s.training_)),
                    ("Loss", "loss.png"),
                    ("Held-out examples", examples)]
        if args.model == "transformer" or args.attention != "none":
            weights, ins, outs = s2s.attention_weights(sample[0][0], beam_width=args.beam)
            plot_attention(weights, ins, outs, run.dir / "attention.png", title=f"{sample[0][0]} -> {predicted[0]}")
            sections.insert(3, ("Attention on a held-out input", "attention.png"))
        run.report(f"Sequence to sequence ({args.model}, attention {metrics['attention']})", sections)
        accuracy = "word_accuracy" if tokens == "word" else "char_accuracy"
        run.say(f"exact_match {metrics['exact_match']:.4f}  {accuracy} {metrics[accuracy]:.4f} on "
                f"{metrics['n']} held-out pairs")
        run.say(describe(s2s.training_))
        run.verdict(line)
        run.plot = "attention.png" if (run.dir / "attention.png").exists() else "loss.png"
        run.reuse = ("translate", ["seqlab", "seq2seq", "translate", RUN_DIR, sample[0][0]])
    return 0


def translate(args: argparse.Namespace) -> int:
    """Print the trained model's output for each input (greedy decoding, or beam search with --beam),
    one per line.

        seqlab seq2seq translate runs/s2s "535+61" --beam 3
    """
    from seqlab.tasks.generation.seq2seq import Seq2Seq

    s2s = Seq2Seq.load(model_dir_of(args.run_dir, "'seqlab seq2seq train'"))
    for line in s2s.predict(list(args.inputs), beam_width=args.beam):
        sys.stdout.write(line + "\n")
    return 0


def add_parser(sub) -> None:
    cmds = add_command_group(sub, "seq2seq", "sequence to sequence: train on pairs, translate", __doc__,
                             ["train", "translate"])

    t = add_command(cmds, "train", train, help="learn input -> target pairs")
    t.add_argument("pairs", nargs="?", help="CSV/TSV file with two columns: input, target (or more columns "
                                            "and --columns INPUT,TARGET; a Tatoeba/Anki file's third column, "
                                            "its attribution, is left out)")
    t.add_argument("--task", choices=sorted(TASK_SIZES), help="a bundled problem instead of a file")
    t.add_argument("--n", type=int, help="pairs to generate for --task (default: 50000 addition, 20000 reversal "
                                         "and dates, every usable message for words)")
    t.add_argument("--model", default="lstm", choices=["lstm", "gru", "transformer"],
                   help="encoder-decoder: recurrent (LSTM/GRU) or transformer")
    t.add_argument("--tokens", choices=["char", "word"],
                   help="what a token is: a character, or a lower-cased word or punctuation mark (default: word "
                        "for --task words, else char)")
    t.add_argument("--max-vocab", type=int, default=8000,
                   help="--tokens word: the most frequent training words kept per side, 4 special tokens "
                        "included; every other word is <unk>")
    t.add_argument("--attention", default="additive", choices=["none", "additive", "dot"],
                   help="recurrent decoder attention: none, additive (Bahdanau) or dot (Luong)")
    t.add_argument("--units", type=int, default=128, help="recurrent units / transformer width")
    t.add_argument("--embedding-dim", type=int, default=32, help="size of each character's embedding vector")
    t.add_argument("--num-layers", type=int, default=2, help="transformer blocks (encoder and decoder each)")
    t.add_argument("--bidirectional", action="store_true", help="recurrent encoder reads both ways")
    t.add_argument("--dropout", type=float, default=0.0, help="fraction of units dropped while training")
    t.add_argument("--teacher-forcing", type=float, default=1.0, help="chance of feeding the true previous character")
    t.add_argument("--beam", type=int, default=1, help="beam width for the held-out evaluation; 1 is greedy decoding")
    add_table_options(t)
    add_arguments(t, "seq2seq", epochs=ADAPTIVE, patience=5, batch_size=128, seed=0, verbose=1, threads=None, out=None,
                  time_budget=None, encoding=None,
                  learning_rate=Described("0.002 recurrent, 0.001 transformer"))

    s = add_command(cmds, "translate", translate, help="print the output for each input, one per line")
    add_run_dir(s, "seqlab seq2seq train")
    s.add_argument("inputs", nargs="+", help="input strings")
    s.add_argument("--beam", type=int, default=1, help="beam width; 1 is greedy decoding")
