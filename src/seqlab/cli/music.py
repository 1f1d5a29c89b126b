"""``seqlab music``: learn four-part chorales as token sequences, then write new ones as MIDI.

    seqlab music train --model lstm --steps 1500 --out runs/bach      # music21's Bach chorales
    seqlab music train scores/ --model transformer --out runs/mine    # a folder of four-part scores
    seqlab music sample runs/bach --out piece.mid --seed 1 --temperature 0.9

``train`` reads the chorales (by default the Bach chorales that ship inside music21, the
``seqlab[music]`` extra), encodes each as tokens (bars of soprano, alto, tenor and bass; spelled
pitches and lengths: ``seqlab.data.music``), splits them 80/10/10 by piece, trains a language model
on the first part (best weights on the second), and scores it on the held-out chorales in nats per
token beside a Kneser-Ney n-gram of the same tokens (its order chosen on the validation chorales).
It writes model/, metrics.json, history.json, loss.png, sample.mid, sample.txt (its tokens),
pianoroll.png (the generated piece) and report.html. ``sample`` writes a new piece as a standard
MIDI file and prints one line about it.
"""
from __future__ import annotations

import argparse
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
from seqlab.io.errors import ConfigError
from seqlab.io.modeldir import model_dir_of

BACKBONES = ["lstm", "gru", "rnn", "transformer"]


def _chorales(args: argparse.Namespace):
    from seqlab.data.music import BACH, load_chorales

    if args.limit is not None and args.limit < 3:
        raise ConfigError(f"--limit must be >= 3 chorales (train, validation, test), got {args.limit}")
    source = BACH if args.scores == BACH else input_file(args.scores)
    return load_chorales(source, limit=args.limit)


def music_verdict(model: str, loss: float, ngram: float, name: str) -> str:
    """The verdict line of ``music train``: the model's held-out loss against the n-gram's.

    >>> music_verdict("lstm", 1.0, 1.2, "5-gram")
    'lstm beats the strong baseline 5-gram: held-out 1.0000 vs 1.2000 nats/token'
    """
    from seqlab.tasks.verdicts import verdict

    return f"{model} {verdict(loss, ngram, name, 'held-out', higher_is_better=False)} nats/token"


def train(args: argparse.Namespace) -> int:
    """Learn four-part chorales (music21's Bach chorales, or your own scores) and write model/,
    metrics.json, history.json, loss.png, sample.mid, pianoroll.png and report.html.

        seqlab music train --model lstm --steps 1500 --out runs/bach
    """
    from seqlab.data.music import bar_starts, piano_roll_notes, write_midi
    from seqlab.inspect.music_plots import plot_piano_roll
    from seqlab.tasks.generation.music import MusicGenerator, ngram_baseline, split_pieces
    from seqlab.train.budget import describe

    named, skipped = _chorales(args)
    if len(named) < 3:
        raise ConfigError(f"{len(named)} chorale(s) could be encoded; at least 3 are needed (train, validation, test)")
    train_set, validation, test = split_pieces([tokens for _, tokens in named], seed=args.seed)
    steps = args.steps
    if args.epochs is not None:
        per_epoch = sum(map(len, train_set)) / (args.batch_size * args.block_size)
        steps = max(1, round(args.epochs * per_epoch))
    gen = MusicGenerator(args.model, n_embd=args.n_embd, units=args.units, n_layer=args.n_layer,
                         dropout=args.dropout, block_size=args.block_size, steps=steps, eval_every=args.eval_every,
                         batch_size=args.batch_size, learning_rate=args.learning_rate, time_budget=args.time_budget,
                         seed=args.seed, verbose=bool(args.verbose), patience=args.patience)
    with training_run(args, "music") as run:
        gen.fit(train_set, validation)
        scores = gen.evaluate(test)
        base = ngram_baseline(train_set, validation, test)
        line = music_verdict(args.model, scores["test_loss"], base["test_loss"], base["name"])
        piece = gen.sample(1, temperature=args.temperature, seed=args.seed, max_tokens=args.max_tokens,
                           min_bars=args.min_bars)[0]
        info = write_midi(piece, run.dir / "sample.mid")
        (run.dir / "sample.txt").write_text(" ".join(piece) + "\n", encoding="utf-8")
        plot_piano_roll(piano_roll_notes(piece), run.dir / "pianoroll.png", bars=bar_starts(piece),
                        title=f"{args.model}: a generated chorale ({info['bars']} bars, {info['notes']} notes)")
        run.save(gen)
        metrics = {"test_loss": scores["test_loss"], "unit": "nats per token", "model": args.model,
                   "perplexity": scores["perplexity"], "test_tokens": scores["tokens"],
                   "strong_baseline": {"name": base["name"], "test_loss": base["test_loss"],
                                       "validation_loss": base["validation_loss"]},
                   "verdict": line, "validation_loss": gen.validation_loss_, "params": gen.model_.num_params(),
                   "training": gen.training_, "chorales": {"train": len(train_set), "validation": len(validation),
                                                           "test": len(test), "skipped": skipped},
                   "sample": info}
        run.json("metrics.json", metrics)
        run.history(gen.history_, plotted={"loss": gen.history_["loss"], "val_loss": gen.history_["val_loss"]},
                    training=gen.training_, title=f"{args.model}: nats per token", x=gen.history_["step"],
                    xlabel="training step")
        run.report(f"Chorale generator ({args.model})", [
            ("Verdict", line), ("Held-out chorales", metrics), ("Training budget", describe(gen.training_)),
            ("Loss", "loss.png"), ("A generated chorale (sample.mid)", "pianoroll.png"),
            ("Its tokens", " ".join(piece[:400]) + (" ..." if len(piece) > 400 else ""))])
        run.say(f"test_loss {scores['test_loss']:.4f} nats/token on {len(test)} held-out chorales "
                f"({base['name']}: {base['test_loss']:.4f})")
        run.say(f"sample: {info['bars']} bars, {info['notes']} notes ({info['dropped_tokens']} tokens left out)")
        run.say(describe(gen.training_))
        run.verdict(line)
        run.plot = "pianoroll.png"
        run.reuse = ("sample", ["seqlab", "music", "sample", RUN_DIR, "--out", "piece.mid"])
    return 0


def sample(args: argparse.Namespace) -> int:
    """Write a new piece of a trained model as a standard MIDI file (and, with --png, its piano roll);
    print one line: the file, its bars and notes.

        seqlab music sample runs/bach --out piece.mid --seed 1
    """
    from seqlab.data.music import bar_starts, piano_roll_notes, write_midi
    from seqlab.tasks.generation.music import MusicGenerator

    if not args.out.lower().endswith((".mid", ".midi")):
        raise ConfigError(f"--out names the MIDI file to write (piece.mid), got {args.out!r}")
    gen = MusicGenerator.load(model_dir_of(args.run_dir, "'seqlab music train'"))
    piece = gen.sample(1, temperature=args.temperature, top_k=args.top_k, seed=args.seed,
                       max_tokens=args.max_tokens, min_bars=args.min_bars)[0]
    info = write_midi(piece, args.out)
    if args.png:
        from seqlab.inspect.music_plots import plot_piano_roll

        plot_piano_roll(piano_roll_notes(piece), args.png, bars=bar_starts(piece),
                        title=f"{Path(args.out).name}: {info['bars']} bars")
    print(f"{args.out}: {info['bars']} bars, {info['notes']} notes ({info['dropped_tokens']} tokens left out)")
    return 0


def add_parser(sub) -> None:
    cmds = add_command_group(sub, "music", "chorales as tokens: train a language model, sample MIDI", __doc__,
                             ["train", "sample"])
    t = add_command(cmds, "train", train, help="learn four-part chorales")
    t.add_argument("scores", nargs="?", default="bach-chorales",
                   help="bach-chorales (the Bach chorales inside music21), a four-part score file (MusicXML, "
                        "Humdrum, MIDI, ABC) or a folder of them")
    t.add_argument("--limit", type=int, help="use only the first N chorales that can be encoded (default: all)")
    t.add_argument("--model", default="lstm", choices=BACKBONES, help="the language model's backbone")
    budget = t.add_mutually_exclusive_group()
    budget.add_argument("--steps", type=int, help="optimisation steps (windows of --batch-size), exactly this many "
                        "(default: the adaptive budget described below, one validation score per --eval-every steps)")
    add_arguments(budget, "music", epochs=ADAPTIVE)
    t.add_argument("--eval-every", type=int, default=100,
                   help="steps between validation scores; the best weights are kept")
    t.add_argument("--n-embd", type=int, help="token embedding size / transformer width (default: per model)")
    t.add_argument("--units", type=int, help="recurrent units (default: per model)")
    t.add_argument("--n-layer", type=int, help="recurrent layers or transformer blocks (default: per model)")
    t.add_argument("--block-size", type=int, default=128, help="tokens per training window (transformer context)")
    t.add_argument("--dropout", type=float, help="fraction of units dropped while training (default: per model)")
    t.add_argument("--temperature", type=float, default=1.0, help="of the sample the run writes")
    t.add_argument("--max-tokens", type=int, default=1500, help="longest sample, in tokens")
    t.add_argument("--min-bars", type=int, default=8, help="no end of the sample before this many bars "
                                                           "(the shortest Bach chorale has 8)")
    add_arguments(t, "music", patience=10, batch_size=32, learning_rate=Described("per model"), time_budget=None,
                  seed=0, verbose=1, threads=None, out=None)

    s = add_command(cmds, "sample", sample, help="write a new piece as a MIDI file")
    add_run_dir(s, "seqlab music train")
    s.add_argument("--out", default="piece.mid", help="the MIDI file to write")
    s.add_argument("--png", help="also draw the piece's piano roll to this PNG file")
    s.add_argument("--temperature", type=float, default=1.0,
                   help="divides the logits: below 1 safer, above 1 more varied")
    s.add_argument("--top-k", type=int, help="sample only from the k most likely tokens (default: all)")
    s.add_argument("--max-tokens", type=int, default=1500, help="longest piece, in tokens")
    s.add_argument("--min-bars", type=int, default=8, help="no end of the piece before this many bars "
                                                           "(the shortest Bach chorale has 8)")
    add_arguments(s, "music", seed=Described("the seed the model was trained with"))
