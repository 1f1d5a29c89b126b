"""``History``: what ``fit`` returns (Keras's ``History``).

>>> h = History()
>>> h.append(0, {"loss": 1.0}); h.append(1, {"loss": 0.5})
>>> h.history, h.epoch
({'loss': [1.0, 0.5]}, [0, 1])
"""
from __future__ import annotations


class History:
    """Per-epoch logs: ``history`` maps each name (``loss``, ``val_loss``, metrics) to a list of
    floats, one per epoch; ``epoch`` lists the 0-based epoch numbers; ``params`` holds the fit
    settings (epochs, steps, batch_size); ``stop_reason`` says why training ended early, if it did, and
    ``divergence`` when and what was kept if the loss went NaN/inf."""

    def __init__(self):
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.params: dict = {}
        self.stop_reason: str | None = None
        self.divergence = None  # a seqlab.train.divergence.Divergence when the loss went NaN/inf

    def append(self, epoch: int, logs: dict) -> None:
        """Record one epoch's ``logs`` (name -> float)."""
        self.epoch.append(int(epoch))
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def as_dict(self) -> dict[str, list[float]]:
        """A copy of ``history`` with plain floats, ready for JSON (``history.json``, a task's ``history_``)."""
        return {k: [float(v) for v in vals] for k, vals in self.history.items()}

    def state_dict(self) -> dict:
        return {"history": self.history, "epoch": self.epoch}

    def load_state_dict(self, state: dict) -> None:
        self.history = {k: list(v) for k, v in state["history"].items()}
        self.epoch = list(state["epoch"])

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"
