"""``seqlab quickstart``: the README's main job. Trains an LSTM on the bundled airline-passengers
series (monthly, 1949-1960), scores it on the last 20% of the months against the naive forecast,
and prints the comparison and where the plot and report are.

Choices: lookback 12 (one yearly cycle), first differences of the series (the trend would
otherwise leave the test months outside the range the scaler saw in training), MinMax scaling
fitted on the training months only, early stopping on the 10% of months before the test months.

>>> main(["quickstart"])    # doctest: +SKIP
"""
from __future__ import annotations

from seqlab import datasets
from seqlab.cli.common import add_command
from seqlab.cli.forecast import add_training_args, check_args, fit_and_report
from seqlab.train.budget import FIXED_BUDGET_RULE

SETTINGS = {"lookback": 12, "difference": True, "epochs": 300, "units": 32, "time_col": "Month"}


def add_parser(sub) -> None:
    p = add_command(sub, "quickstart", run, help="train an LSTM on bundled airline passengers; compare with naive")
    p.add_argument("--model", default="lstm", help="model name, as in seqlab forecast --model")
    add_training_args(p, "quickstart")
    p.set_defaults(**SETTINGS)
    p.epilog = FIXED_BUDGET_RULE   # the README's model: 300 epochs (SETTINGS), not the adaptive budget


def run(args) -> int:
    """Train an LSTM on the bundled airline-passengers series and compare it with the naive forecast
    on the last 20% of the months."""
    check_args(args, [args.model])
    df = datasets.load("airline-passengers")
    print(f"seqlab quickstart: {args.model} on airline passengers (144 months, 1949-1960), "
          f"lookback {args.lookback}, {'differenced' if args.difference else 'not differenced'}, "
          f"test = last {args.test_size:.0%} of months")
    fit_and_report(df, args, "quickstart", [args.model], ["Passengers"], None, "seqlab quickstart: airline passengers")
    return 0
