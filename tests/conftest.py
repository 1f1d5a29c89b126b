"""Test-wide settings: one torch thread per test process.

The suite is many small models; on a small machine several threads per process oversubscribe the
cores (the distributed test runs two processes at once) and make runs slow and erratic.
"""
import os

import matplotlib
import torch

os.environ.setdefault("OMP_NUM_THREADS", "1")  # inherited by subprocesses (torchrun, kill-and-resume)
torch.set_num_threads(1)
matplotlib.use("Agg")
os.environ.setdefault("KERAS_BACKEND", "torch")  # tests/keras: Keras 3 on PyTorch is the reference (no TensorFlow)


def pytest_terminal_summary(terminalreporter):
    """The Keras parity suite's count of compared layer classes and the seqlab-only ones it skipped."""
    import sys

    lines = getattr(sys.modules.get("test_layer_parity"), "PARITY_REPORT", {})
    if lines:
        terminalreporter.write_sep("-", "keras parity")
        for line in lines.values():
            terminalreporter.write_line(line)
