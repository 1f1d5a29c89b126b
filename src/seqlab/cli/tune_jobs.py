"""What ``seqlab tune`` needs from each command it tunes: the data and the task built from the
command's own arguments (by the command's own functions, so the winner's command line reruns it
exactly), the option that sets each searched constructor argument, and the baselines the report
sets the tuned model against, computed in the same run.

>>> sorted(JOBS)
['classify', 'forecast', 'generate', 'synth']
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from seqlab.io.errors import ConfigError

TUNABLE = {"classify": ("classify",), "forecast": ("forecast",), "generate": ("generate", "train"),
           "synth": ("synth",)}
FLAGS = {   # constructor argument -> the command's option
    "classify": {"encoder": "--model", "units": "--units", "num_layers": "--layers", "dropout": "--dropout",
                 "filters": "--filters", "embedding_dim": "--embedding-dim", "learning_rate": "--learning-rate",
                 "batch_size": "--batch-size", "epochs": "--epochs", "ensemble": "--ensemble"},
    "forecast": {"lookback": "--lookback", "units": "--units", "num_layers": "--layers", "dropout": "--dropout",
                 "learning_rate": "--learning-rate", "batch_size": "--batch-size"},
    "generate": {"n_embd": "--n-embd", "units": "--units", "n_layer": "--n-layer", "dropout": "--dropout",
                 "learning_rate": "--learning-rate", "batch_size": "--batch-size", "block_size": "--block-size"},
    "synth": {"units": "--units", "hidden": "--units", "learning_rate": "--learning-rate",
              "batch_size": "--batch-size"},
}


@dataclass
class Job:
    """A command's data and task, ready to tune: ``tune(task, X, y, test=test, choices=choices)``."""
    task: object
    X: object
    y: object = None
    test: object = None
    choices: dict | None = None
    shown: list = field(default_factory=list)     # trial attributes for the trials table
    baselines: object = None                       # fn(task) -> {name: scores} computed in this run
    headline: object = None                        # fn(scores) -> {metric: value} for the report
    title: str = ""
    note: str = ""                                 # what the report should say about the splits


# ----- the commands -------------------------------------------------------------------------------
def _classify_job(args) -> Job:
    from seqlab.cli.classify import build_task, input_record, load_data, split_data
    from seqlab.data.formats import LabeledTexts
    from seqlab.tasks.classification.metrics import majority_baseline
    from seqlab.tasks.classification.search import SERIES_ENCODER_CHOICES

    if args.tagger:
        raise ConfigError("seqlab tune classify does not tune --tagger; tune a sequence or text classifier")
    train, test, fmt = load_data(args)
    if test is None:
        train, test, _, _ = split_data(train, args.test_size, args.seed, not args.keep_duplicates)
    text = isinstance(train, LabeledTexts)
    X, test_x = (train.texts, test.texts) if text else (train.X, test.X)
    choices = None
    if args.model is None and not text:
        fixed_length = train.equal_length and test.equal_length
        choices = {"encoder": [e for e in SERIES_ENCODER_CHOICES if fixed_length or e != "mlp"]}

    def baselines(task):   # the majority class and the strong baseline of seqlab classify, same split
        from seqlab.tasks.classification.baselines import nearest_neighbour_baseline, tfidf_baseline

        out = {"majority class": majority_baseline(train.y, test.y, list(task.classes_))}
        if text:
            out["TF-IDF + logistic regression"] = tfidf_baseline(train.texts, train.y, test.texts, test.y)
        else:
            out["1-NN Euclidean"] = nearest_neighbour_baseline(train.X, train.y, test.X, test.y)
        return out

    task = build_task(train, args)
    task.input_ = input_record(args, fmt)   # the saved winner: predict reads INPUT as classify read TRAIN
    return Job(task, X, train.y, (test_x, test.y), choices,
               shown=["validation_log_loss", "validation_accuracy", "epochs_run", "pruned_at"],
               baselines=baselines,
               headline=lambda s: {"accuracy": s["accuracy"], "f1_macro": s.get("f1_macro")},
               title=f"seqlab tune classify: {Path(args.train).name}")


def _forecast_job(args) -> Job:
    from seqlab.cli.forecast import check_args, forecaster_from_args, read_series

    if args.compare:
        raise ConfigError("seqlab tune forecast tunes one --model; drop --compare")
    if getattr(args, "id_col", None) or getattr(args, "wide", False) or getattr(args, "series_per_column", False):
        raise ConfigError("seqlab tune forecast tunes one series; a panel (--id-col, --wide, --series-per-column) "
                          "is not tuned yet")
    check_args(args, [args.model])
    df, targets, features, notes = read_series(args)
    for note in notes:
        print(note, file=sys.stderr)

    def baselines(task):
        m = task.metrics_
        out = {"naive (last value)": m["baseline"]}
        if "seasonal_naive" in m:
            out[f"seasonal naive ({m['seasonal_naive']['season']})"] = m["seasonal_naive"]
        return out

    return Job(forecaster_from_args(args, args.model, targets, features), df,
               shown=["epochs_run", "validation_mae", "validation_naive_rmse", "pruned_at"], baselines=baselines,
               headline=lambda s: {k: s[k] for k in ("rmse", "mae") if k in s},
               title=f"seqlab tune forecast: {', '.join(targets)} from {Path(args.csv).name}")


def _generate_job(args) -> Job:
    from seqlab.cli.generate import training_text
    from seqlab.tasks.generation.generator import CharGenerator

    text, notes = training_text(args)
    for note in notes:
        print(note, file=sys.stderr)
    gen = CharGenerator(model=args.model, lines=args.lines, steps=args.steps, epochs=args.epochs,
                        batch_size=args.batch_size, learning_rate=args.learning_rate, n_embd=args.n_embd,
                        units=args.units, n_layer=args.n_layer, block_size=args.block_size,
                        dropout=args.dropout, seed=args.seed, verbose=False)

    def baselines(task):
        bigram = CharGenerator("bigram", lines=args.lines, steps=args.steps, epochs=args.epochs, seed=args.seed)
        return {"bigram": {"test_loss": float(bigram.fit(text).test_loss_)}}

    return Job(gen, text, shown=["steps", "pruned_at"], baselines=baselines,
               headline=lambda s: {"test_loss": s["test_loss"]},
               title=f"seqlab tune generate: {Path(args.text).name} ({args.model})")


def _synth_job(args) -> Job:
    import numpy as np

    from seqlab.cli.synth import batch_size_for, new_gan, read_series
    from seqlab.tasks.generation.metrics import discriminative_score, timegan_windows
    from seqlab.tasks.generation.search import GAN_SPACE, TIMEGAN_SPACE, time_split

    if args.seq_len < 2:
        raise ConfigError("--seq-len must be >= 2")
    df, notes = read_series(args)
    for note in notes:
        print(note, file=sys.stderr)
    train, test = time_split(timegan_windows(df.to_numpy(dtype=np.float64), args.seq_len, reverse=False))
    batch_size = batch_size_for(args, len(train) // 2)
    if len(train) < 2 * batch_size:
        raise ConfigError(f"{len(train)} training windows of {args.seq_len} steps (the latest 20% are kept for the "
                          f"test): too few to tune at batch size {batch_size}; give a longer series or lower "
                          "--seq-len / --batch-size")
    gan = new_gan(args, train.shape[2], batch_size)
    searched = next(p for p in (TIMEGAN_SPACE if args.model == "timegan" else GAN_SPACE) if p.name == "batch_size")
    fitted = len(time_split(train)[0])     # the windows a trial trains on: no batch may be larger
    choices = {"batch_size": [b for b in searched.choices if b <= fitted] or [min(batch_size, fitted)]}

    def baselines(task):
        rng = np.random.default_rng(args.seed)
        noise = np.clip(train.mean(0) + train.std(0) * rng.standard_normal(test.shape), 0, 1).astype(np.float32)
        copy = train[rng.integers(0, len(train), len(test))]
        score = lambda fake: {"discriminative_score": discriminative_score(test, fake, args.metric_iterations,
                                                                           seed=args.seed)}
        return {"noise (per-step mean and std)": score(noise), "training windows replayed": score(copy)}

    return Job(gan, train, test={"windows": test, "metric_iterations": args.metric_iterations}, choices=choices,
               baselines=baselines,
               headline=lambda s: {"discriminative_score": s["discriminative_score"]},
               title=f"seqlab tune synth: {Path(args.data).name} ({args.model})",
               note="The latest 20% of the windows are the test split (the earlier windows that share no row "
                    "with them are the training data; trials hold out their latest 20% in turn). The rerun "
                    "command trains on every window, as seqlab synth does.")


JOBS = {"classify": _classify_job, "forecast": _forecast_job, "generate": _generate_job, "synth": _synth_job}
