"""``seqlab summary``: print a model's Keras-style table, for a saved model or a course example.

    seqlab summary runs/forecast-20261124-101500       # a run directory or model directory
    seqlab summary --example cqf-stacked-lstm          # the course's architectures
"""
from __future__ import annotations

import argparse

from seqlab.cli.common import add_command
from seqlab.io.errors import ConfigError


def _examples() -> dict:
    from seqlab.nn import registry as layers
    from seqlab.tasks.sequential import Sequential

    return {
        "next-number-rnn": lambda: Sequential([layers.SimpleRNN(50), layers.Dense(1)], input_shape=(5, 1)),
        "cqf-stacked-lstm": lambda: Sequential([
            layers.LSTM(256, return_sequences=True), layers.Dropout(0.4), layers.LSTM(256), layers.Dropout(0.4),
            layers.Dense(64, activation="relu"), layers.Dense(1)], input_shape=(60, 1)),
        "sentiment-stacked-lstm": lambda: Sequential([
            layers.Embedding(5000, 64), layers.Dropout(0.5), layers.LSTM(64, return_sequences=True),
            layers.LSTM(64), layers.Dense(6, activation="softmax")]),
        "mnist-cnn": lambda: Sequential([
            layers.Conv2D(32, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"), layers.MaxPooling2D((2, 2)),
            layers.Conv2D(64, (3, 3), activation="relu"), layers.Flatten(),
            layers.Dense(64, activation="relu"), layers.Dense(10, activation="softmax")], input_shape=(28, 28, 1)),
    }


def summary_of(obj) -> str:
    """The Keras-style table of a Sequential, or of a task: its own ``summary()`` when it has one that gives a
    table, else the table of the network it holds (``model_``, ``network_``), every layer with weights."""
    from seqlab.inspect.summary import module_table

    own = obj.summary() if hasattr(obj, "summary") and callable(obj.summary) else None
    if own and "Param #" in own:
        return own
    inner = getattr(obj, "model_", None)
    if inner is None:
        inner = getattr(obj, "network_", None)
    if inner is not None and hasattr(inner, "summary") and callable(inner.summary):
        text = inner.summary()
        if "Param #" in text:
            return text
    if inner is not None and hasattr(inner, "named_modules"):
        return module_table(inner, type(obj).__name__)
    if inner is not None and hasattr(inner, "model_"):          # a task wrapping a task (AnomalyDetector)
        return summary_of(inner).replace(f'Model: "{type(inner).__name__}"', f'Model: "{type(obj).__name__}"', 1)
    weights = getattr(obj, "weights_", None)
    if weights is not None and getattr(weights, "ndim", 0) == 3:  # a SOM: a grid of weight vectors, no layers
        import torch

        grid = type(f"Map{weights.shape[0]}x{weights.shape[1]}", (torch.nn.Module,), {})()
        grid.register_buffer("weights", torch.as_tensor(weights))
        return module_table(grid, type(obj).__name__)
    return own or f"{type(obj).__name__}: no network with weights (nothing to tabulate)"


def run(args: argparse.Namespace) -> int:
    if args.example and args.path:
        raise ConfigError("give a model or run directory, or --example NAME, not both")
    if args.example:
        examples = _examples()
        if args.example not in examples:
            raise ConfigError(f"unknown example {args.example!r}; choose one of {', '.join(examples)}")
        print(examples[args.example]().summary())
        return 0
    if not args.path:
        raise ConfigError("give a model or run directory, or --example NAME")
    from seqlab.tasks.loading import load

    print(summary_of(load(args.path)))
    return 0


def add_parser(sub) -> None:
    p = add_command(sub, "summary", run, description=__doc__,
                    help="print a model's layer table (saved model or course example)")
    p.add_argument("path", nargs="?", help="a model directory or a run directory holding model/")
    p.add_argument("--example",
                   help="a course architecture: next-number-rnn, cqf-stacked-lstm, sentiment-stacked-lstm, mnist-cnn")
