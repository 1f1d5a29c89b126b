"""Stopping on a NaN/inf loss without reading the loss back after every batch.

Reading a loss to the host each batch (``loss.item()``) stalls a GPU and costs a little on a
CPU too. The ``NonFiniteGuard`` instead lets ``every`` batches run, then looks at their losses
at once. Before each such window it takes a cheap snapshot (weights, buffers, optimiser state,
torch's RNG state), so when a window holds a non-finite loss the Trainer restores the snapshot
and replays the good batches before the bad one: the model ends with exactly the weights it had
before the first bad batch, as if every batch had been checked (replays repeat the same
operations with the same random numbers, so on CPU they are bit-for-bit the same).

>>> net = torch.nn.Linear(2, 1); opt = torch.optim.SGD(net.parameters(), lr=0.1)
>>> guard = NonFiniteGuard(net, opt, torch.device("cpu"), every=4)
>>> guard.take(0)
>>> with torch.no_grad(): _ = net.weight.fill_(7.0)
>>> guard.restore(); bool((net.weight == 7.0).any())
False
>>> guard.first_bad([torch.tensor(1.0), torch.tensor(float("nan"))], 0)
1
"""
from __future__ import annotations

import copy

import torch

from seqlab.train.distributed import DistInfo, all_reduce_sum

SNAPSHOT_BYTES = 256 << 20  # models whose snapshot would exceed this are checked batch by batch
_TENSOR = object()  # marks an optimiser-state entry whose value sits in the tensor snapshot


class NonFiniteGuard:
    """Snapshots and window checks for one model and optimiser.

    Args:
        model: the module being trained (its parameters and buffers are snapshotted).
        optimizer: its optimiser (the per-parameter state is snapshotted).
        device: the training device (its RNG state is saved too when it is a GPU).
        every: batches per window (1 means: check each batch before its update; no snapshots).
            Models whose snapshot would exceed ``SNAPSHOT_BYTES`` always use 1.
        dist: the distributed set-up; under torchrun every rank sees the same verdict.
    """

    def __init__(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer, device: torch.device,
                 every: int = 32, dist: DistInfo | None = None):
        self.model, self.optimizer, self.device = model, optimizer, device
        self.model_tensors = [t for t in (*model.parameters(), *model.buffers())]
        size = sum(t.numel() * t.element_size() for t in self.model_tensors)
        # a large model's snapshot (weights and about twice that in optimiser state) would cost
        # memory, while one loss read per batch costs it little against its compute: check eagerly
        self.every = 1 if size * 3 > SNAPSHOT_BYTES else max(1, int(every))
        self.dist = dist or DistInfo()
        self.batch = 0
        self._live, self._saved, self._items, self._rng = None, None, None, None

    def take(self, batch: int) -> None:
        """Snapshot the state as it is before batch ``batch`` (0-based) of the epoch."""
        self.batch = batch
        items = [(p, k, v) for p, st in self.optimizer.state.items() for k, v in st.items()]
        live = self.model_tensors + [v for _, _, v in items if isinstance(v, torch.Tensor)]
        with torch.no_grad():
            if self._live is not None and len(self._live) == len(live) and all(
                    a is b for a, b in zip(self._live, live)):
                torch._foreach_copy_(self._saved, live)  # one fused copy once the state is allocated
            else:
                self._live, self._saved = live, [t.detach().clone() for t in live]
        self._items = [(p, k, _TENSOR if isinstance(v, torch.Tensor) else copy.deepcopy(v)) for p, k, v in items]
        self._rng = torch.get_rng_state()
        self._cuda_rng = torch.cuda.get_rng_state(self.device) if self.device.type == "cuda" else None

    def restore(self) -> None:
        """Put back the last snapshot: weights, buffers, optimiser state and RNG."""
        n = len(self.model_tensors)
        with torch.no_grad():
            torch._foreach_copy_(self.model_tensors, self._saved[:n])
        saved = iter(self._saved[n:])
        state = {}
        for p, k, plain in self._items:
            state.setdefault(p, {})[k] = next(saved).clone() if plain is _TENSOR else copy.deepcopy(plain)
        self.optimizer.state.clear()
        self.optimizer.state.update(state)
        torch.set_rng_state(self._rng)
        if self._cuda_rng is not None:
            torch.cuda.set_rng_state(self._cuda_rng, self.device)

    def first_bad(self, losses: list, start: int) -> int | None:
        """Index of the first non-finite loss among ``losses[start:]``, or None (one host read)."""
        window = losses[start:]
        if not window:
            return None
        bad = (~torch.stack(window).isfinite()).to(torch.float32)
        if self.dist.active:
            bad = all_reduce_sum(bad, self.dist)
        flags = bad.tolist()
        return next((start + i for i, f in enumerate(flags) if f), None)
