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
