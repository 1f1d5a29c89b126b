"""A resume folder's ``latest.json`` may only point at a checkpoint folder beside it; its files are read
as untrusted (regular files inside the folder, JSON limits)."""
import json
import os

import numpy as np
import pytest
import torch

from seqlab.io.errors import ModelFileError
from seqlab.train.trainer import Trainer

X, Y = np.ones((8, 2), np.float32), np.zeros(8, np.float32)


def _trainer():
    return Trainer(torch.nn.Linear(2, 1), loss="mse", optimizer="sgd", seed=0)


@pytest.fixture
def resume(tmp_path):
    folder = tmp_path / "ck"
    _trainer().fit(X, Y, epochs=1, verbose=0, resume=str(folder))
    return folder


def _point(target):
    return lambda folder: (folder / "latest.json").write_text(json.dumps({"dir": target}))


def _secret(folder):
    outside = folder.parent / "elsewhere"
    os.rename(folder / "epoch-000000", outside)
    return outside


CASES = {
    "parent": _point(".."),
    "dotdot-path": _point("epoch-000000/../../elsewhere"),
    "absolute": _point("/etc"),
    "number": _point(3),
    "list": _point(["epoch-000000"]),
    "missing": _point("epoch-000099"),
    "not-json": lambda f: (f / "latest.json").write_text("{dir: epoch-000000"),
    "pointer-deep": lambda f: (f / "latest.json").write_text("[" * 100_000 + "]" * 100_000),
    "pointer-fifo": lambda f: ((f / "latest.json").unlink(), os.mkfifo(f / "latest.json")),
    "pointer-dev-zero": lambda f: ((f / "latest.json").unlink(), os.symlink("/dev/zero", f / "latest.json")),
    "checkpoint-link-outside": lambda f: os.symlink(_secret(f), f / "epoch-000000"),
    "state-fifo": lambda f: ((f / "epoch-000000" / "state.json").unlink(),
                             os.mkfifo(f / "epoch-000000" / "state.json")),
    "state-array": lambda f: (f / "epoch-000000" / "state.json").write_text("[]"),
    "tensors-truncated": lambda f: (f / "epoch-000000" / "tensors.safetensors").write_bytes(b"\x08" + b"\0" * 7),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_checkpoint_is_refused(name, resume):
    CASES[name](resume)
    with pytest.raises(ModelFileError, match="cannot resume"):
        _trainer().fit(X, Y, epochs=2, verbose=0, resume=str(resume))
