"""Per-epoch progress output: a tqdm bar (verbose=1), one line (verbose=2) or nothing (0).

When stderr is not a terminal (a log file, a pipe, CI), verbose=1 writes one line per epoch to stderr
instead of a bar, as Keras does: a bar redrawn with carriage returns is unreadable in a log.

The bar is refreshed at most about four times a second (and at the end of the epoch), so the
running loss is read from the device (one host sync) only then.

>>> format_logs({"loss": 0.25, "val_loss": 0.5})
'loss: 0.2500 - val_loss: 0.5000'
"""
from __future__ import annotations

import sys
import time

import torch
from tqdm.auto import tqdm


def format_logs(logs: dict) -> str:
    """``loss: 0.1234 - mae: 0.2000`` (Keras's epoch line; tiny values in 4 significant digits)."""
    return " - ".join(f"{k}: {v:.4e}" if 0 < abs(v) < 1e-3 else f"{k}: {v:.4f}" for k, v in logs.items())


def is_terminal(stream) -> bool:
    """Whether ``stream`` is an interactive terminal (where a progress bar can redraw itself)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):   # a replaced or closed stream
        return False


def weighted_sum(losses: list, sizes: list, device) -> torch.Tensor:
    """``sum(loss_b * size_b)`` in float64 over the batch losses (tensors) of an epoch."""
    if not losses:
        return torch.zeros((), dtype=torch.float64, device=device)
    return (torch.stack(losses).double() * torch.tensor(sizes, dtype=torch.float64, device=device)).sum()


class Progress:
    """Output for one epoch of ``steps`` batches."""

    interval = 0.25  # seconds between bar refreshes

    def __init__(self, verbose: int, epoch: int, epochs: int, steps: int):
        self.verbose, self.epoch, self.epochs, self.steps = verbose, epoch, epochs, steps
        self.start = self.shown = time.perf_counter()
        self.bar = None
        self.file = sys.stdout
        if verbose == 1 and not is_terminal(sys.stderr):
            self.verbose, self.file = 2, sys.stderr
        if self.verbose == 1:
            self.bar = tqdm(total=steps, desc=f"Epoch {epoch + 1}/{epochs}", unit="batch", file=sys.stderr,
                            mininterval=0.25, dynamic_ncols=True, leave=True)

    def update(self, batch: int, losses: list, sizes: list) -> None:
        """After batch ``batch`` (0-based): move the bar and show the running mean loss."""
        if self.bar is None:
            return
        now = time.perf_counter()
        if now - self.shown < self.interval and batch + 1 != self.steps:
            return
        self.shown = now
        self.bar.update(batch + 1 - self.bar.n)
        if sum(sizes):
            mean = float(weighted_sum(losses, sizes, losses[0].device)) / sum(sizes)
            self.bar.set_postfix_str(f"loss: {mean:.4f}", refresh=False)

    def close(self, logs: dict | None) -> None:
        """End the epoch, showing its final ``logs`` (None: stopped early, nothing to show)."""
        if self.bar is not None:
            if logs:
                self.bar.set_postfix_str(format_logs(logs), refresh=False)
            self.bar.close()
        elif self.verbose == 2 and logs:
            print(f"Epoch {self.epoch + 1}/{self.epochs} - {time.perf_counter() - self.start:.1f}s - "
                  f"{format_logs(logs)}", file=self.file, flush=True)
