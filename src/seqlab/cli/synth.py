"""``seqlab synth DATA --seq-len N``: synthetic sequences from a GAN, scored the TimeGAN way.

The numeric columns of DATA (oldest row first; a date column is left out, and so are columns that label or
count the rows, an id or a row number, unless --columns/--drop choose the columns) are min-max scaled and cut
into every window of ``--seq-len`` steps; a GAN (``--model timegan``: TimeGAN, Yoon et al. 2019) learns them and
samples ``--n`` new windows. Writes ``synthetic.csv``
(long format: sample, step, one column per feature, original units), ``metrics.json`` with the
discriminative score (|accuracy - 0.5| of a post-hoc GRU classifier, 0 is best) and the
predictive score (MAE on real data of a GRU trained on synthetic data), ``embedding.png``
(PCA/t-SNE overlay), ``samples.png``, ``loss.png``, the model and ``report.html``.

The default is TimeGAN for 1,000 / 1,000 / 500 iterations of its three phases at batch 128 (about
4 minutes on one core for 24-step windows; the paper runs 50,000 each: give ``--iterations`` or
``--time-budget`` for more). The recurrent GANs (``--model rnn``) learn nothing on the bundled stock
prices at a comparable cost (discriminative score 0.50, no better than independent Gaussians), so
they are no default.

    seqlab synth stock_data.csv --seq-len 24 --out runs/synth1
    seqlab synth stock_data.csv --seq-len 24 --model rnn --epochs 200 --batch-size 64
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.cli.common import (
    RUN_DIR,
    Described,
    add_arguments,
    add_command,
    add_table_options,
    given,
    guess_time_column,
    leave_out_row_labels,
    read_table,
    training_run,
)
from seqlab.data.columns import time_parts
from seqlab.data.csv import read_feature_table
from seqlab.io.errors import ConfigError, DataError


def add_parser(sub) -> None:
    p = add_command(sub, "synth", run, description=__doc__,
                    help="synthetic sequences from a GAN, with TimeGAN's quality scores")
    p.add_argument("data", help="CSV of numeric columns, oldest row first (.gz too), or a bundled data set name "
                                "(timegan-stock)")
    p.add_argument("--seq-len", type=int, required=True, help="steps per window")
    p.add_argument("--model", choices=["rnn", "lstm", "dense", "timegan"], default="timegan",
                   help="GAN architecture (rnn: per-step noise, LSTM generator, GRU critic; timegan: "
                        "TimeGAN's embedder/recovery/generator/supervisor/discriminator, 3-layer GRUs)")
    p.add_argument("--loss", choices=["non-saturating", "minimax", "wasserstein", "wasserstein-gp"],
                   default="non-saturating",
                   help="GAN loss (seed 002): generator's log D trick, the original minimax, WGAN clipping, WGAN-GP")
    p.add_argument("--time-col", help="column to drop before training (dates; default: the only date column)")
    p.add_argument("--n", type=int, help="synthetic windows to write (default: as many as real windows)")
    add_arguments(p, "synth", epochs=100)   # not timegan: it counts --iterations
    p.add_argument("--iterations", type=int, nargs="+", default=list(TIMEGAN_ITERATIONS), metavar="N",
                   help="timegan: mini-batch iterations of its embedding, supervised and joint phases "
                        "(one N for all three; the paper runs 50000 each)")
    add_arguments(p, "synth", batch_size=Described(f"{TIMEGAN_BATCH} for timegan as the paper, {GAN_BATCH} for the "
                                                   "other GANs; at most the number of windows"),
                  learning_rate=Described("the model's"))
    p.add_argument("--units", type=int, default=24, help="hidden units of generator and critic")
    p.add_argument("--metric-iterations", type=int, default=2000,
                   help="training steps of each post-hoc GRU; TimeGAN uses 2000 and 5000")
    add_table_options(p)
    add_arguments(p, "synth", seed=0, verbose=1, threads=None, time_budget=None, out=None, encoding=None)


def _plot_samples(real, fake, columns, path: Path) -> None:
    from seqlab.inspect.plots import REAL_COLOR, SYNTHETIC_COLOR, new_figure, save_figure

    fig, ax = new_figure(9, 4)
    for k in range(min(3, len(real), len(fake))):
        ax.plot(real[k, :, 0], color=REAL_COLOR, alpha=0.7, label="real" if k == 0 else None)
        ax.plot(fake[k, :, 0], color=SYNTHETIC_COLOR, alpha=0.7, label="synthetic" if k == 0 else None)
    ax.set_title(f"{columns[0]}: real and synthetic windows (scaled)")
    ax.set_xlabel("step in the window")
    ax.set_ylabel(f"{columns[0]} (min-max scaled)")
    ax.legend()
    save_figure(fig, path)


TIMEGAN_ITERATIONS = (1000, 1000, 500)   # embedding, supervised, joint: about 4 minutes on one core
TIMEGAN_BATCH, GAN_BATCH = 128, 64
FEW_WINDOWS = 500          # below this many real windows the report warns that the score is memorisation
MIN_WINDOWS = 16           # fewer windows than this is no training set, whatever the batch size
COLLAPSE_COVERAGE = 0.2    # below this share of real windows covered, the report says "low coverage"
COLLAPSE_DIVERSITY = 0.5   # below this spread ratio, it says "mode collapse"


def synth_verdicts(metrics: dict) -> list[str]:
    """The verdict lines of ``seqlab synth``: the discriminative score against the Gaussian baseline
    of the same run, and a mode-collapse (too little spread) or low-coverage warning that no
    discriminative score can hide.

    >>> m = {"discriminative_score": 0.29, "coverage": 0.05, "diversity_ratio": 0.1,
    ...      "baseline": {"name": "independent Gaussian", "discriminative_score": 0.4, "coverage": 0.6}}
    >>> for line in synth_verdicts(m): print(line)
    GAN beats the strong baseline independent Gaussian: discriminative score 0.2900 vs 0.4000
    MODE COLLAPSE: the synthetic windows cover 5% of the real ones (baseline 60%) and spread 0.10x as much
    """
    from seqlab.tasks.verdicts import verdict

    base = metrics["baseline"]
    lines = [f"{metrics.get('model', 'GAN')} " + verdict(
        metrics["discriminative_score"], base["discriminative_score"], base["name"], "discriminative score",
        higher_is_better=False)]
    if metrics["diversity_ratio"] < COLLAPSE_DIVERSITY:
        lines.append(f"MODE COLLAPSE: the synthetic windows cover {metrics['coverage']:.0%} of the real ones "
                     f"(baseline {base['coverage']:.0%}) and spread {metrics['diversity_ratio']:.2f}x as much")
    elif metrics["coverage"] < COLLAPSE_COVERAGE:       # spread enough, but in the wrong places
        lines.append(f"LOW COVERAGE: the synthetic windows cover {metrics['coverage']:.0%} of the real ones "
                     f"(baseline {base['coverage']:.0%}) though they spread {metrics['diversity_ratio']:.2f}x as "
                     "much: parts of the real data are not reproduced")
    else:
        lines.append(f"no mode collapse seen: coverage {metrics['coverage']:.0%} of the real windows "
                     f"(baseline {base['coverage']:.0%}), spread {metrics['diversity_ratio']:.2f}x the real")
    if metrics.get("real_windows", FEW_WINDOWS) < FEW_WINDOWS:
        lines.append(f"CAUTION: only {metrics['real_windows']} real windows, cut from one series and overlapping: "
                     "the post-hoc classifier can learn the series by heart, so any generator that does not copy "
                     "it scores near 0.5; read the score against the baseline's, not against 0")
    return lines


def read_series(args: argparse.Namespace) -> tuple[pd.DataFrame, list[str]]:
    """The numeric columns of DATA that ``seqlab synth`` (and ``tune synth``) learns, with ``--columns``/``--drop``
    applied and the time column left out (``--time-col``, else the only date column, set in ``args``), without
    ``--columns``/``--drop`` also the columns that label or count the rows (``leave_out_row_labels``), and the
    notes that say what was guessed, for stderr."""
    table = read_table(args, args.data, keep=[args.time_col])
    notes = guess_time_column(args, table, source=args.data)
    table, _, left_out = leave_out_row_labels(args, table, exclude=time_parts(args.time_col, table.columns),
                                              source=args.data)
    return read_feature_table(table, time_col=args.time_col)[0], notes + left_out


def batch_size_for(args: argparse.Namespace, windows: int) -> int:
    """``--batch-size``, or the model's default (TimeGAN 128, the GANs 64) cut to ``windows`` when
    there are at least ``MIN_WINDOWS`` of them."""
    if args.batch_size is not None:
        return args.batch_size
    default = TIMEGAN_BATCH if args.model == "timegan" else GAN_BATCH
    return min(default, windows) if windows >= MIN_WINDOWS else default


def new_gan(args: argparse.Namespace, features: int, batch_size: int, own_run: bool = False):
    """The unfitted TimeGAN or GAN that synth's ``args`` describe, for windows of ``features``
    columns; ``own_run`` adds ``--time-budget`` and ``--verbose`` (not when ``seqlab tune`` runs it)."""
    from seqlab.tasks.generation.gan import GAN

    run = {"time_budget": args.time_budget} if own_run else {}
    if args.model == "timegan":
        from seqlab.tasks.generation.timegan import TimeGAN

        its = args.iterations * 3 if len(args.iterations) == 1 else args.iterations
        if own_run:
            run["verbose"] = max(1, min(its) // 10) if args.verbose else 0
        return TimeGAN(hidden=args.units, iterations=its, batch_size=batch_size, scale="minmax", seed=args.seed,
                       **run, **given(learning_rate=args.learning_rate))
    if own_run:
        run["verbose"] = args.verbose
    latent = 3 if args.model == "lstm" else features
    return GAN(arch=args.model, loss=args.loss, latent_dim=latent, units=args.units, epochs=args.epochs,
               batch_size=batch_size, scale="minmax", seed=args.seed, **run, **given(learning_rate=args.learning_rate))


def run(args: argparse.Namespace) -> int:
    from seqlab.tasks.generation.metrics import (
        coverage,
        discriminative_score,
        diversity_ratio,
        gaussian_baseline,
        plot_embedding,
        predictive_score,
        timegan_windows,
    )

    if args.seq_len < 2 or (args.n is not None and args.n < 5):
        raise ConfigError("--seq-len must be >= 2 and --n >= 5")
    df, notes = read_series(args)
    values = df.to_numpy(dtype=np.float64)
    lo, hi = values.min(0), values.max(0)
    real = timegan_windows(values, args.seq_len, reverse=False)
    batch_size = batch_size_for(args, len(real))
    if len(real) < batch_size and args.batch_size is None:   # the default batch is cut to the windows from MIN_WINDOWS
        raise DataError(f"{len(real)} windows of {args.seq_len} steps ({len(values)} rows): fewer than {MIN_WINDOWS} "
                        "windows, too few to train a GAN on; give a longer series or a lower --seq-len")
    if len(real) < batch_size:
        raise DataError(f"{len(real)} windows of {args.seq_len} steps is fewer than the batch size {batch_size}; "
                        "give a longer series or lower --batch-size / --seq-len")
    gan = new_gan(args, real.shape[2], batch_size, own_run=True)
    with training_run(args, "synth") as run:
        gan.fit(real)
        for note in notes:   # after the fit, so that a refusal stays one line
            print(note, file=sys.stderr)
        n = args.n or len(real)
        fake = np.clip(gan.sample(n, seed=args.seed), 0.0, 1.0).astype(np.float32)
        metrics = {"model": args.model, "loss": "timegan" if args.model == "timegan" else args.loss,
                   "real_windows": len(real), "synthetic_windows": n,
                   "discriminative_score": discriminative_score(real, fake, args.metric_iterations, seed=args.seed),
                   "predictive_score": (predictive_score(real, fake, args.metric_iterations, seed=args.seed)
                                        if real.shape[2] >= 2 else None),
                   "predictive_score_real_on_real": (predictive_score(real, real, args.metric_iterations,
                                                                      seed=args.seed)
                                                     if real.shape[2] >= 2 else None)}
        baseline = gaussian_baseline(real, n, seed=args.seed)
        metrics["coverage"] = coverage(real, fake, seed=args.seed)
        metrics["diversity_ratio"] = diversity_ratio(real, fake)
        metrics["baseline"] = {"name": "independent Gaussian per step and feature",
                               "discriminative_score": discriminative_score(real, baseline, args.metric_iterations,
                                                                            seed=args.seed),
                               "coverage": coverage(real, baseline, seed=args.seed),
                               "diversity_ratio": diversity_ratio(real, baseline)}
        lines = synth_verdicts(metrics)
        metrics["verdict"] = lines
        orig = fake * (hi - lo + 1e-7) + lo
        table = pd.DataFrame(orig.reshape(-1, orig.shape[2]), columns=[str(c) for c in df.columns])
        table.insert(0, "step", np.tile(np.arange(args.seq_len), n))
        table.insert(0, "sample", np.repeat(np.arange(n), args.seq_len))
        run.save(gan, input={"command": "synth", "columns": [str(c) for c in df.columns], "time_col": args.time_col,
                             "seq_len": args.seq_len, "min": lo.tolist(), "max": hi.tolist()})
        table.to_csv(run.dir / "synthetic.csv", index=False)
        plot_embedding(real, fake, run.dir / "embedding.png", n=min(1000, len(real), n), seed=args.seed)
        _plot_samples(real, fake, list(df.columns), run.dir / "samples.png")
        if args.model == "timegan":
            run.history(gan.history_, plotted={k: v for k, v in gan.history_.items() if k != "seconds"},
                        title="TimeGAN losses", xlabel=f"log point (every {gan.log_every} iterations of its phase)")
        else:
            run.history(gan.history_, title="GAN losses")
        run.json("metrics.json", metrics)
        run.report("Synthetic sequences", [
            ("Verdict", "\n".join(lines)),
            ("Scores (TimeGAN's measures; discriminative: 0 best; predictive: lower is better)", metrics),
            ("PCA / t-SNE", "embedding.png"), ("Samples", "samples.png"), ("GAN losses", "loss.png"),
        ])
        pred = metrics["predictive_score"]
        run.say(f"{n} synthetic windows; discriminative score {metrics['discriminative_score']:.3f}"
                f"{'' if pred is None else f', predictive score {pred:.3f}'}; coverage {metrics['coverage']:.3f}")
        for line in lines:
            run.verdict(line)
        run.plot = "samples.png"
        run.reuse = ("predict", ["seqlab", "predict", RUN_DIR, args.data])
    return 0
