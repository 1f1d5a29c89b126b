"""``seqlab tune COMMAND ARGS...``: hyperparameter search on Optuna for a training command.

    seqlab tune classify italy-power-demand --trials 30 --workers 2
    seqlab tune forecast airline.csv --target Passengers --model gru --time-budget 30m
    seqlab tune generate names.txt --lines --model gru --steps 1000 --trials 20
    seqlab tune synth stock_data.csv --seq-len 24 --model rnn --epochs 50 --trials 10
    seqlab tune classify gunpoint --model cnn1d --trials 50 --storage postgresql://user:pw@db/studies

ARGS are the command's own arguments: the data and whatever the search should not vary (a given
--model fixes the encoder; classify without --model also searches the encoder). The search
varies each model family's units, layers, dropout, learning rate, batch size and lookback
(seed 002's list), with TPE sampling; trials are scored on validation data held out of the
training data (lower is better) and pruned when their validation curve falls behind the median of
the earlier trials'. classify scores a trial by the log loss (cross-entropy) of its out-of-fold
predictions: under 1,000 examples 3 stratified folds, each trained as the command trains (the
validation fold never seen, not even to stop) and predicting the fold it left out; from 1,000 up
one stratified 20% hold-out; the out-of-fold accuracy is shown beside it. forecast: validation
RMSE; generate: validation nats per character; synth: discriminative score (docs/tuning.md). The
best configuration is refitted on all the training data and scored once on the test split (classify
with series: 5 nets, chosen among the finished trials by ensemble selection on their out-of-fold
predictions, the best trial first; --no-ensemble refits the best trial's 5 alone);
report.html shows the trials, Optuna's optimisation-history and parameter-importance plots,
baselines computed in the same run, and the command line that reruns the winner.

The study lives in the run directory (study.journal), whose default name comes from the command,
so rerunning the same command after a kill continues the study (trials left running by the killed
process are marked failed; trial numbers never repeat) and --trials counts all its trials.
--workers K runs K processes on it; --storage postgresql://... shares one study between machines
(each runs the same command with the same --storage).
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shlex
import shutil
import tempfile
import time
from pathlib import Path

from seqlab.cli.common import SHARED
from seqlab.cli.tune_jobs import FLAGS, JOBS, TUNABLE, Job
from seqlab.data.csv import reading_encoding
from seqlab.io.errors import ConfigError, SeqlabError


# ----- the command line -------------------------------------------------------------------------
def _add_options(p, default=None) -> None:
    keep = (lambda v: v) if default is None else (lambda v: default)
    p.add_argument("--trials", type=int, default=keep(None),
                   help="trials the study should hold in all (default: 20 unless --time-budget)")
    p.add_argument("--time-budget", default=keep(None),
                   help="wall time for the search and the refit of the winner, e.g. 90s, 30m, 2h (the refit gets what "
                        "the trials left, at least a tenth of it)")
    p.add_argument("--workers", type=int, default=keep(1), help="processes taking trials at once")
    p.add_argument("--storage", default=keep(None),
                   help="shared study storage: postgresql://user:pass@host/db or sqlite:///file.db "
                        "(default: study.journal in the run directory)")
    p.add_argument("--study-name", default=keep(None), help="the study's name in --storage (default: from the command)")
    p.add_argument("--pruner", choices=["median", "hyperband", "none"], default=keep("median"),
                   help="stops trials whose validation curve falls behind")
    p.add_argument("--no-ensemble", dest="ensemble", action="store_false", default=keep(True),
                   help="classify (series): refit the best trial alone, as --ensemble 5 nets of its configuration "
                        "(default: the nets are chosen among the trials by ensemble selection; then the rerun "
                        "command retrains only the best configuration)")
    p.add_argument("--out", default=keep(None), help="run directory; its default, runs/tune-COMMAND-<hash of ARGS>, "
                                                     "is the same for the same command, so a rerun continues its study")
    p.add_argument("--verbose", type=int, default=keep(0), choices=SHARED["verbose"].choices,
                   help=f"{SHARED['verbose'].help}, within each trial (the line per finished trial is always printed)")


def add_parser(sub) -> None:
    """Register ``seqlab tune``."""
    from seqlab.cli.common import add_command

    p = add_command(sub, "tune", run, help="hyperparameter search on Optuna for classify, forecast, generate or synth",
                    description=__doc__)
    p.add_argument("command", choices=sorted(TUNABLE), help="the command to tune")
    p.add_argument("args", nargs=argparse.REMAINDER, help="its arguments, then the options below in any order")
    _add_options(p)


def split_arguments(tokens: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Separate ``seqlab tune``'s own options (anywhere after COMMAND) from the command's arguments.

    >>> opts, rest = split_arguments(["gunpoint", "--trials", "5", "--model", "cnn1d", "--workers=2"])
    >>> opts.trials, opts.workers, rest
    (5, 2, ['gunpoint', '--model', 'cnn1d'])
    """
    p = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    _add_options(p, default=argparse.SUPPRESS)
    opts, rest = p.parse_known_args(tokens)
    return opts, rest


def with_flags(tokens: list[str], values: dict[str, object], flags: dict[str, str]) -> list[str]:
    """``tokens`` with each ``flags[name] value`` set (an earlier occurrence of the option removed).

    >>> with_flags(["data.csv", "--units", "8", "--seed", "1"], {"units": 64, "dropout": 0.1},
    ...            {"units": "--units", "dropout": "--dropout"})
    ['data.csv', '--seed', '1', '--units', '64', '--dropout', '0.1']
    """
    options = {flags[k] for k in values if k in flags}
    out, skip = [], False
    for tok in tokens:
        if skip:
            skip = False
            continue
        if tok in options:
            skip = True
            continue
        if tok.split("=", 1)[0] in options and "=" in tok:
            continue
        out.append(tok)
    for name, value in values.items():
        if name in flags:
            out += [flags[name], ",".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)]
    return out


def _inner_args(command: str, tokens: list[str]) -> argparse.Namespace:
    from seqlab.cli import commands

    return commands()[TUNABLE[command]].parse_args(tokens)


def _study_key(command: str, tokens: list[str]) -> str:
    return hashlib.sha1(json.dumps([command, *tokens]).encode()).hexdigest()[:8]


def _prepare_out(out: Path, record: dict) -> bool:
    """Check ``out`` holds this command's study (or nothing); returns whether it was created now."""
    marker = out / "tune.json"
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a folder; choose a folder name")
    if marker.exists():
        old = json.loads(marker.read_text())
        if [old.get("command"), old.get("args")] != [record["command"], record["args"]]:
            raise ConfigError(f"--out {out} holds the study of 'seqlab tune {old.get('command')} "
                              f"{shlex.join(old.get('args', []))}'; give another --out for a different command")
        return False
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"--out {out} already exists and is not a seqlab tune run directory; choose another folder")
    out.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(record, indent=2))
    return True


def _place(tmp: Path, out: Path) -> None:
    """Move what ``tmp`` holds into ``out``, replacing older files of the same names."""
    for item in tmp.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        os.replace(item, target)
    tmp.rmdir()


def run(args: argparse.Namespace) -> int:
    """Tune a training command's hyperparameters with Optuna (see the description above)."""
    from seqlab.tasks.tuning import tune

    opts, tokens = split_arguments(args.args)
    for k, v in vars(opts).items():
        setattr(args, k, v)
    if args.trials is None and args.time_budget is None:
        args.trials = 20
    if args.trials is not None and args.trials < 1 or args.workers < 1:
        raise ConfigError("--trials and --workers must be >= 1")
    inner = _inner_args(args.command, tokens)
    with reading_encoding(getattr(inner, "encoding", None)):   # the command's --encoding, as main sets it
        job = JOBS[args.command](inner)
    key = _study_key(args.command, tokens)
    out = Path(args.out) if args.out else Path("runs") / f"tune-{args.command}-{key}"
    name = args.study_name or f"tune-{args.command}-{key}"
    storage = args.storage or str(out / "study.journal")
    record = {"command": args.command, "args": tokens, "study_name": name,
              "storage": "study.journal" if not args.storage else "given by --storage"}
    created = _prepare_out(out, record)
    started = time.time()
    try:
        task = tune(job.task, job.X, job.y, trials=args.trials, time_budget=args.time_budget, workers=args.workers,
                    storage=storage, study_name=name, pruner=args.pruner, test=job.test, choices=job.choices,
                    seed=getattr(inner, "seed", 0) or 0, verbose=args.verbose, ensemble=args.ensemble)
    except SeqlabError:
        if created and not _has_trials(storage, name):
            shutil.rmtree(out, ignore_errors=True)
        raise
    seconds = time.time() - started
    rerun = ["seqlab", *TUNABLE[args.command], *with_flags(
        tokens, {**task.tuning_["best_params"], **_refit_flags(task)}, FLAGS[args.command])]
    tmp = Path(tempfile.mkdtemp(prefix=".report-", dir=out))   # the results appear whole or not at all
    try:
        lines = write_results(tmp, task, job, args, shlex.join(rerun), seconds)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _place(tmp, out)
    for line in lines:
        print(line)
    print(f"run written to {out}; open {out / 'report.html'}")
    return 0


def _refit_flags(task) -> dict:
    epochs = task.tuning_["refit"].get("epochs")
    flags = {"epochs": epochs} if epochs and "epochs" in task.get_params() else {}
    members = task.get_params().get("ensemble")
    if isinstance(members, int) and members > 1:     # the refit averaged several nets
        flags["ensemble"] = members
    return flags


def _has_trials(storage: str, name: str) -> bool:
    with contextlib.suppress(Exception):
        import optuna

        from seqlab.tasks.tuning.study import open_storage

        return bool(optuna.load_study(study_name=name, storage=open_storage(storage)).trials)
    return False


def tuned_verdict(tuned: dict, baselines: dict) -> str:
    """The verdict of ``seqlab tune``: the refitted winner's first test score against the strongest baseline's,
    in the words of every command's verdict (``seqlab.tasks.verdicts``: beats, ties, LOSES to).

    >>> tuned_verdict({"accuracy": 0.92861}, {"1-NN": {"accuracy": 0.92858}, "majority": {"accuracy": 0.5}})
    'the tuned model ties the strong baseline 1-NN: accuracy 0.9286 vs 0.9286'
    >>> tuned_verdict({"rmse": 26.5}, {"naive": {"rmse": 46.3}})
    'the tuned model beats the strong baseline naive: rmse 26.5000 vs 46.3000'
    """
    from seqlab.tasks.verdicts import verdict

    metric = next(iter(tuned))
    higher = metric in ("accuracy", "f1_macro")   # the others: lower is better
    if not baselines:
        return "no baseline for this data"
    strongest = (max if higher else min)(baselines, key=lambda k: baselines[k].get(metric, float("nan")))
    return "the tuned model " + verdict(tuned[metric], baselines[strongest][metric], strongest, metric, higher)


def write_results(folder: Path, task, job: Job, args, rerun: str, seconds: float) -> list[str]:
    """metrics.json, trials.csv, the model, the plots and report.html into ``folder``; returns the
    lines to print."""
    from seqlab.inspect.report import write_json, write_report
    from seqlab.inspect.tuning_plots import plot_study, trial_rows
    from seqlab.tasks.tuning.selection import OOF_KEY

    t, study = task.tuning_, task.study_
    task.save(folder / "model")
    plots = plot_study(study, folder, objective=t["objective"])
    trials = study.trials_dataframe()
    trials.drop(columns=[c for c in trials.columns if c.endswith(OOF_KEY)]).to_csv(folder / "trials.csv", index=False)
    base = job.baselines(task) if job.baselines else {}
    tuned = job.headline(t["test"])
    scores = {"tuned model": tuned, **{k: {m: v.get(m) for m in tuned if m in v} for k, v in base.items()}}
    verdict = tuned_verdict(tuned, base)
    write_json(folder / "metrics.json", {"test": t["test"], "baselines": base, "best_params": t["best_params"],
                                         "best_value": t["best_value"], "best_trial": t["best_trial"],
                                         "objective": t["objective"], "trials": t["trials"], "refit": t["refit"],
                                         "rerun": rerun, "seconds": round(seconds, 1), "workers": args.workers,
                                         **({"ensemble": t["ensemble"]} if "ensemble" in t else {}),
                                         **({"refit_budget": t["refit_budget"]} if "refit_budget" in t else {})})
    (folder / "best_command.txt").write_text(rerun + "\n")
    summary = {"best trial": t["best_trial"], f"best {t['objective']}": t["best_value"],
               **{f"trials {k}": v for k, v in t["trials"].items() if v}, "workers": args.workers,
               "pruner": args.pruner, "wall time (this run)": f"{seconds:.0f}s"}
    bounded = _refit_budget_line(t.get("refit_budget"))
    if bounded:
        summary["refit of the winner"] = bounded
    mixed = _ensemble_lines(t.get("ensemble"))
    sections = [("Search", summary), ("Test scores of the refitted winner vs baselines (same run)", scores),
                ("Verdict", verdict), ("Best configuration", t["best_params"]),
                *([("Ensemble of trials", "<p>" + "<br>".join(map(_html, mixed)) + "</p>")] if mixed else []),
                ("Rerun the winner", f"<pre>{_html(rerun)}</pre>" + (f"<p>{_html(job.note)}</p>" if job.note else "")
                 + (f"<p>{_html(RERUN_ALONE)}</p>" if mixed else "")),
                ("Optimisation history", plots["history"])]
    importance = plots["importance"]
    sections.append(("Parameter importance", importance if importance.endswith(".png") else f"<p>{importance}</p>"))
    sections.append(("Trials", trial_rows(study, job.shown, objective=t["objective"])))
    write_report(folder, job.title, sections, settings={k: v for k, v in vars(args).items() if k != "func"})
    return [f"best trial {t['best_trial']}: {t['objective']} {t['best_value']:.4g}; trials {t['trials']}",
            *([f"refit of the winner: {bounded}"] if bounded else []),
            *mixed, "test: " + ", ".join(f"{k} {v:.4f}" for k, v in tuned.items() if v is not None) + f"; {verdict}",
            f"rerun the winner: {rerun}" + (f" ({RERUN_ALONE})" if mixed else "")]


RERUN_ALONE = "this retrains the best configuration alone; the saved model averages the trials above"


def _refit_budget_line(refit: dict | None) -> str:
    """How ``--time-budget`` bounded the refit of the winner ('' without a budget).

    >>> _refit_budget_line({"seconds": 12.0, "stopped_by": "time budget"})
    'bounded by what the search left of --time-budget, 12s; stopped by the time budget'
    """
    if not refit:
        return ""
    line = f"bounded by what the search left of --time-budget, {refit['seconds']:g}s"
    return line + ("; stopped by the time budget" if refit.get("stopped_by") == "time budget" else "")


def _ensemble_lines(ensemble: dict | None) -> list[str]:
    """What the refitted model averages, when ensemble selection picked several trials."""
    if not ensemble:
        return []
    parts = [f"trial {m['trial']} x{m['nets']}" for m in ensemble["members"]]
    return [f"refitted as an average of {sum(m['nets'] for m in ensemble['members'])} nets chosen by ensemble "
            f"selection on the trials' out-of-fold predictions: {', '.join(parts)} (their out-of-fold log loss "
            f"{ensemble['value']:.4g})"]


def _html(text: str) -> str:
    import html

    return html.escape(text)
