"""What several test files share: where the course data lies, how to load an example recipe, how to run
a job under torchrun beside the same job in this process (``run_two_ranks_and_one``), and a clock whose
readings advance by a fixed tick (``FakeClock``, for time budgets), and a small copy of UCI HAR's layout
(``write_har``).

``shared/`` stands beside the repository (as CI clones it), so its path is derived from this
file's place, never written out.
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLES = REPO / "examples" / "seeds"


def example(name: str):
    """The module ``examples/seeds/<name>.py``, loaded from its file (the recipes are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RANK_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def run_two_ranks_and_one(script: str, folder: Path, timeout: int = 300) -> str:
    """Write ``script`` (defining ``main(out)``, which writes files named ``{out}-{rank}...``) to ``folder``,
    start it under ``torchrun --nproc_per_node=2`` (CPU, gloo; files ``ddp-<rank>...``), run ``main`` here
    meanwhile (files ``single-0...``); return the ranks' stdout once they exit 0, else fail with their stderr."""
    job = folder / "job.py"
    job.write_text(script)
    env = {k: v for k, v in os.environ.items() if k not in RANK_VARIABLES}
    env["OMP_NUM_THREADS"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--standalone",
                             str(job), str(folder / "ddp")], env=env, cwd=folder,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    namespace = {"__name__": "job"}
    exec(script, namespace)
    namespace["main"](str(folder / "single"))  # meanwhile, the same job in this one process
    out, err = proc.communicate(timeout=timeout)
    written = sorted(p.name for p in folder.glob("ddp-*"))   # a crash after these were written is at exit
    assert proc.returncode == 0, f"rank files written: {written}\n{err[-3000:]}"
    return out


class FakeClock:
    """Each reading advances the time by ``tick`` seconds: deterministic wall time for time budgets
    (monkeypatch ``seqlab.train.budget.monotonic`` with it)."""

    def __init__(self, tick: float):
        self.now, self.tick = 0.0, tick

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


HAR_CHANNELS = ("total_acc_x", "body_acc_y", "body_gyro_z")      # written out of name order


def write_har(root, n=(12, 6), length=16, names=True, seed=0):
    """Write into folder ``root`` a small UCI HAR Dataset: train and test splits of ``n`` examples, 3 channels
    (``HAR_CHANNELS``), 3 classes named in ``activity_labels.txt`` (unless ``names`` is False); returns ``root``."""
    rng = np.random.default_rng(seed)
    if names:
        (root / "activity_labels.txt").write_text("1 WALKING\n2 SITTING\n3 LAYING\n")
    (root / "features.txt").write_text("1 tBodyAcc-mean()-X\n")
    for split, count in zip(("train", "test"), n):
        (root / split / "Inertial Signals").mkdir(parents=True)
        labels = np.arange(count) % 3 + 1
        np.savetxt(root / split / f"y_{split}.txt", labels, fmt="%d")
        np.savetxt(root / split / f"X_{split}.txt", rng.normal(size=(count, 5)))   # features: not read
        for k, channel in enumerate(HAR_CHANNELS):
            wave = np.sin(3 * (k + 1) * labels[:, None] * np.linspace(0, 1, length))
            readings = wave + rng.normal(0, .05, (count, length))
            np.savetxt(root / split / "Inertial Signals" / f"{channel}_{split}.txt", readings, fmt="%15.7e")
    return root
