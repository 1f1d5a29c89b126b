"""Plots and tables of an Optuna study for the ``seqlab tune`` report: Optuna's own matplotlib
optimisation-history and parameter-importance plots, and the trials as rows.

>>> plot_study(study, "runs/tune-x")        # doctest: +SKIP
{'history': 'optimization_history.png', 'importance': 'param_importances.png'}
"""
from __future__ import annotations

import warnings
from pathlib import Path


def _save(ax, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig = ax.figure if hasattr(ax, "figure") else ax.flat[0].figure
    fig.set_size_inches(8, 4.5)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)


def plot_study(study, out_dir: str | Path, objective: str = "objective value") -> dict:
    """Write ``optimization_history.png`` and (with two finished trials and a parameter that varied)
    ``param_importances.png`` into ``out_dir``; returns ``{"history": name, "importance": name or
    the reason there is none}``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from optuna.visualization import matplotlib as ovm

    out_dir = Path(out_dir)
    found = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Optuna marks its matplotlib backend experimental
        ax = ovm.plot_optimization_history(study, target_name="trial value")
        ax.legend(loc="upper right", fontsize=8)   # Optuna puts it beside the axes, squeezing them
        ax.set_ylabel(objective if len(objective) <= 40 else "trial value (lower is better)")
        ax.set_title("")
        ax.set_title(f"Optimisation history: {objective} per trial (lower is better)", loc="left")
        _save(ax, out_dir / "optimization_history.png")
        found["history"] = "optimization_history.png"
        finished = [t for t in study.trials if t.state.name == "COMPLETE"]
        varied = {k for t in finished for k in t.params if len({str(u.params.get(k)) for u in finished}) > 1}
        if len(finished) < 2 or not varied:
            found["importance"] = "not drawn: it needs two finished trials and a parameter that varied"
            return found
        try:
            ax = ovm.plot_param_importances(study, target_name="trial value", params=sorted(varied))
        except (RuntimeError, ValueError) as e:
            found["importance"] = f"not drawn: {e}"
            return found
        ax.set_title("")
        ax.set_title(f"Parameter importance (fANOVA) for the {objective}", loc="left")
        _save(ax, out_dir / "param_importances.png")
        found["importance"] = "param_importances.png"
    return found


def trial_rows(study, shown: list[str] | None = None, objective: str | None = None) -> list[dict]:
    """One dict per trial: number, state, value (of finished trials; the column is named
    ``"<objective> (lower is better)"`` when ``objective`` is given), the validation score a pruned
    trial was stopped at, each parameter, the user attributes in ``shown`` (epochs, validation
    accuracy, ...) and its seconds, in trial order."""
    rows, value = [], f"{objective} (lower is better)" if objective else "value"
    for t in sorted(study.trials, key=lambda t: t.number):
        state = "STALE" if t.user_attrs.get("stale") else t.state.name
        seconds = (t.datetime_complete - t.datetime_start).total_seconds() \
            if t.datetime_complete and t.datetime_start else None
        pruned = state == "PRUNED"   # its value is the last validation score the pruner saw, not the objective
        row = {"trial": t.number, "state": state, value: "" if t.value is None or pruned else t.value,
               "validation score when pruned": t.value if pruned and t.value is not None else ""}
        row.update({k: v for k, v in t.params.items()})
        for k in shown or []:
            if k in t.user_attrs:
                row[k] = t.user_attrs[k]
        row["seconds"] = round(seconds, 1) if seconds is not None else ""
        rows.append(row)
    return rows
