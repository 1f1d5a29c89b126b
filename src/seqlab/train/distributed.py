"""Multi-process training on PyTorch's own engine (``torchrun --nproc_per_node=N``).

torchrun sets ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK``; the Trainer then joins the process
group (gloo on CPU, nccl on GPU), wraps the model in ``DistributedDataParallel`` and gives each
rank an equal contiguous share of every global batch (``batch_size`` is the global batch).
Each rank's loss is scaled by ``local_samples * world / global_samples``, so DDP's gradient
average equals the single-process gradient of the same global batch, even for a short last
batch. Logs, progress bars and checkpoints come from rank 0 only.

>>> shard_batch(np.arange(10), rank=1, world=2)
(array([5, 6, 7, 8, 9]), 5)
"""
from __future__ import annotations

import atexit
import gc
import os
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import torch
import torch.distributed as dist


@dataclass
class DistInfo:
    """This process's place in the job: ``rank``, ``world`` size, ``local_rank``."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def active(self) -> bool:
        return self.world > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def dist_info() -> DistInfo:
    """Read torchrun's environment (single process when ``WORLD_SIZE`` is unset or 1)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return DistInfo()
    return DistInfo(int(os.environ.get("RANK", "0")), world, int(os.environ.get("LOCAL_RANK", "0")))


def resolve_device(device, info: DistInfo) -> torch.device:
    """``device`` if given, else ``cuda`` (this rank's GPU under torchrun) when available, else cpu."""
    if device is not None:
        return torch.device(device)
    if torch.cuda.is_available():
        return torch.device(f"cuda:{info.local_rank}" if info.active else "cuda")
    return torch.device("cpu")


def init_distributed(info: DistInfo, device: torch.device) -> None:
    """Join the process group once (gloo on CPU, nccl on CUDA), and leave it at interpreter exit.

    A process that exits while still in the group can abort in the communication library's
    threads ("terminate called without an active exception"), so ``leave_process_group`` runs at
    exit: a user's own torchrun script needs no clean-up code of its own.
    """
    if info.active and not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        atexit.register(leave_process_group)


def leave_process_group(timeout_s: float = 60.0) -> None:
    """Free what still holds the group, wait for every rank (up to ``timeout_s``; gloo reports a
    rank that died), then destroy the process group. Safe to call twice or without a group.

    Finished trainers sit in reference cycles with their DistributedDataParallel wrapper, which
    holds the group and its communication threads; left to the interpreter's last collection, they
    are freed after Python has begun to shut down, and freeing their tensors then aborts the
    process. So the cycles are collected first, while the interpreter is whole.
    """
    if not dist.is_initialized():
        return
    gc.collect()
    try:
        if dist.get_backend() == "gloo":
            dist.monitored_barrier(timeout=timedelta(seconds=timeout_s))
        else:
            dist.barrier()
    except RuntimeError:
        pass  # another rank is gone; still release this one's resources
    dist.destroy_process_group()


def wrap_model(model: torch.nn.Module, info: DistInfo, device: torch.device) -> torch.nn.Module:
    """``DistributedDataParallel(model)`` under torchrun, else ``model`` itself."""
    if not info.active:
        return model
    ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)


def shard_batch(batch_idx: np.ndarray, rank: int, world: int) -> tuple[np.ndarray, int]:
    """This rank's slice of a global batch and its real sample count.

    A rank left without samples (global batch smaller than the world) gets the batch's first
    sample with count 0, so it still joins the gradient all-reduce with a zero-weighted loss.
    """
    local = np.array_split(batch_idx, world)[rank]
    if len(local) == 0:
        return batch_idx[:1], 0
    return local, len(local)


def shared_seed(seed: int | None, info: DistInfo) -> int | None:
    """The same seed on every rank: rank 0's draw when none was given."""
    if not info.active or seed is not None:
        return seed
    value = torch.tensor([int(np.random.SeedSequence().entropy % (2**31))], dtype=torch.int64)
    dist.broadcast(value, src=0)
    return int(value.item())


def all_reduce_sum(t: torch.Tensor, info: DistInfo) -> torch.Tensor:
    """Sum of ``t`` over ranks (``t`` itself in one process)."""
    if info.active:
        dist.all_reduce(t)
    return t
