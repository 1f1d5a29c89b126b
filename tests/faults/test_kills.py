"""Killing a writer at random moments never loses the model, and the next writer cleans up after it.

A helper process (``zygote.py``) forks children that re-save a tiny model over and over, alternating
two versions; the test SIGKILLs each child after a random delay (seeded) and then checks that the
model loads and is one of the two complete versions, and that the next save leaves no temporary
folder beside it.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

import seqlab
from seqlab import layers

KILLS = 50


def _wait_gone(pid: int, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.001)
    raise AssertionError(f"process {pid} still runs after SIGKILL")


@pytest.fixture
def folder(tmp_path):
    """A folder in memory (/dev/shm) where there is one: fsync costs nothing there, and a SIGKILL does to
    a file system in memory what it does to one on disk (fsync matters for power cuts, not for kills)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(dir=shm, prefix="seqlab-kills-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_killed_re_save_always_leaves_the_old_or_the_new_model(folder):
    tmp_path = folder
    path = tmp_path / "m"
    model = seqlab.Sequential([layers.Dense(64), layers.Dense(1)], input_shape=(32,), seed=0)
    model.set_weights([np.zeros(w.shape, w.dtype) for w in model.get_weights()])
    model.save(path)  # a first complete version (all weights 0.0) exists before any kill
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    zygote = subprocess.Popen([sys.executable, str(Path(__file__).with_name("zygote.py")), str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    rng = random.Random(18)
    seen = set()
    try:
        assert zygote.stdout.readline().strip() == "ready"
        for _ in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.15))
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
            loaded = seqlab.load(path)
            values = {float(v) for w in loaded.get_weights() for v in np.unique(w)}
            assert values in ({0.0}, {1.0}, {2.0}), f"a mix of versions: {sorted(values)[:5]}"
            seen |= values
            model.save(path)  # the next writer: cleans what the killed one left
            left = sorted(p.name for p in tmp_path.iterdir() if p.name != "m")
            assert left == [], f"left behind after the next save: {left}"
    finally:
        zygote.kill()
        zygote.wait()
    assert 1.0 in seen  # some kills landed after a complete re-save, the others during one
    print(f"{KILLS} kills: the model loaded every time")
