"""Every malformed or hostile model folder of ``hostile_corpus.py`` is refused cheaply: ``SeqlabError`` from the
API and one line with exit status 2 from the command line, using under 2 s of CPU and 200 MB.

The API call is ``seqlab.load`` followed by a prediction (a folder that loads must still not give
garbage); the command line is ``seqlab predict`` (a Forecaster) or ``seqlab summary`` (a Sequential).
CPU time is measured rather than wall time (the suite runs on shared machines); a hang would show
as a case still running after ``HANG_SECONDS``. Memory is the growth of the resident set, sampled
every millisecond while the case runs.
"""
from __future__ import annotations

import shutil
import threading
import time
import warnings

import numpy as np
import pandas as pd
import pytest
from hostile_corpus import cases

import seqlab
from seqlab import layers
from seqlab.cli import main
from seqlab.io.errors import SeqlabError
from seqlab.tasks import Forecaster

CPU_SECONDS, MEGABYTES, HANG_SECONDS = 2.0, 200, 60
CASES = cases()


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


class _Measured:
    """Runs ``fn`` in a thread: its exception, CPU seconds, and the peak growth of the resident set."""

    def __init__(self, fn):
        self.error, self.cpu, self.peak, self.done = None, 0.0, 0, threading.Event()
        start = _rss()

        def work():
            t0 = time.thread_time()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self.result = fn()
            except BaseException as e:  # noqa: BLE001 - the test inspects it
                self.error = e
            self.cpu = time.thread_time() - t0
            self.done.set()

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        deadline = time.monotonic() + HANG_SECONDS
        while not self.done.wait(0.001):
            self.peak = max(self.peak, _rss() - start)
            if time.monotonic() > deadline:
                raise AssertionError(f"still running after {HANG_SECONDS} s: it hangs")
        self.peak = max(self.peak, _rss() - start)


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    root = tmp_path_factory.mktemp("bases")
    t = np.arange(60)
    history = pd.DataFrame({"y": 10 + np.sin(t / 3)})
    Forecaster("lstm", lookback=6, units=4, epochs=1, seed=0, verbose=0).fit(history).save(root / "forecaster")
    seqlab.Sequential([layers.LSTM(4), layers.Dense(1)], input_shape=(10, 1), seed=0).save(root / "sequential")
    history.to_csv(root / "history.csv", index=False)
    return root


def _api(kind, folder, bases):
    model = seqlab.load(folder)
    out = model.predict() if kind == "forecaster" else model.predict(np.zeros((2, 10, 1), np.float32))
    values = np.asarray(out, dtype=np.float64)
    if not np.isfinite(values).all():
        raise AssertionError(f"loaded and predicted non-finite values {values.ravel()[:4]}")
    return values


def _cli(kind, folder, bases):
    args = ["predict", str(folder), str(bases / "history.csv")] if kind == "forecaster" else ["summary", str(folder)]
    return main(args)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_folder_is_refused_cheaply(name, bases, tmp_path, capsys):
    kind, make = CASES[name]
    folder = tmp_path / "m"
    shutil.copytree(bases / kind, folder)
    make(folder)
    api = _Measured(lambda: _api(kind, folder, bases))
    assert isinstance(api.error, SeqlabError), f"{name}: the API gave {api.error!r} instead of a SeqlabError"
    assert "\n" not in str(api.error)
    cli = _Measured(lambda: _cli(kind, folder, bases))
    err = capsys.readouterr().err.strip()
    assert cli.error is None and cli.result == 2, f"{name}: exit {getattr(cli, 'result', cli.error)!r}; {err}"
    assert len(err.splitlines()) == 1 and err.startswith("seqlab: error: "), err
    for run in (api, cli):
        assert run.cpu < CPU_SECONDS, f"{name}: {run.cpu:.2f} s of CPU"
        assert run.peak < MEGABYTES << 20, f"{name}: {run.peak / 2**20:.0f} MB"


def test_corpus_size():
    kinds = {name.split("/", 1)[1] for name in CASES}
    print(f"hostile model folders: {len(CASES)} cases ({len(kinds)} kinds)")
    assert len(CASES) >= 60
