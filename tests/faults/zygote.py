"""A helper process for ``test_kills.py``: imports seqlab once, then forks a re-saving child per request.

Reads lines ``go`` on stdin; for each, forks a child that re-saves a tiny model at ``argv[1]`` in a
loop, alternating two versions (all weights 1.0, all weights 2.0), and prints the child's pid.
Children are reaped automatically (SIGCHLD ignored), so a killed child's pid disappears at once.
"""
import os
import signal
import sys

import numpy as np
import torch

import seqlab
from seqlab import layers


def main() -> None:
    torch.set_num_threads(1)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    path = sys.argv[1]
    model = seqlab.Sequential([layers.Dense(64), layers.Dense(1)], input_shape=(32,), seed=0)
    versions = [[np.full(w.shape, value, w.dtype) for w in model.get_weights()] for value in (1.0, 2.0)]
    print("ready", flush=True)
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            i = 0
            while True:
                model.set_weights(versions[i % 2])
                model.save(path)
                i += 1
        print(pid, flush=True)


if __name__ == "__main__":
    main()
