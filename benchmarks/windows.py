"""Peak memory of windowing a long multivariate series, against the raw array itself.

Chollet's Jena climate set-up: about 420,000 rows x 14 features, lookback 720 (five days of
10-minute steps). Here 1,000,000 x 14 float32 rows (56 MB). Copying the windows would take
lookback x that (about 40 GB); ``make_windows`` returns views, so peak memory should stay
near the raw array. Measured two ways in one run:

- tracemalloc (NumPy reports its buffers to it): peak traced bytes while building the array,
  the windows, a time split, and gathering a training batch, divided by the array's bytes;
- peak RSS growth (``resource.getrusage``) over the same steps, divided by the array's bytes.

Run: ``OMP_NUM_THREADS=1 python benchmarks/windows.py [--rows N]``. The ratio must be <= 1.5.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

import numpy as np

from seqlab.data import make_windows, time_split


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024   # Linux reports KiB


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=14)
    parser.add_argument("--lookback", type=int, default=720)
    parser.add_argument("--horizon", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)

    rss_before = peak_rss_bytes()
    tracemalloc.start()
    series = np.random.default_rng(0).standard_normal((args.rows, args.features), dtype=np.float32)
    raw = series.nbytes
    _, after_array = tracemalloc.get_traced_memory()

    t0 = time.perf_counter()
    X, y = make_windows(series, args.lookback, args.horizon, targets=1)
    t_windows = time.perf_counter() - t0
    split = time_split(len(X), val=0.2, test=0.2)
    train_X, train_y = X[split.train], y[split.train]
    idx = np.sort(np.random.default_rng(1).choice(len(train_X), args.batch_size, replace=False))
    t0 = time.perf_counter()
    batch_x, batch_y = train_X[idx], train_y[idx]
    t_batch = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = peak_rss_bytes() - rss_before

    assert np.array_equal(batch_x[0], series[idx[0]: idx[0] + args.lookback])
    assert batch_y[0, 0] == series[idx[0] + args.lookback, 1]
    copied = X.shape[0] * X.shape[1] * X.shape[2] * X.itemsize

    mb = 1e6
    print(f"series {args.rows:,} x {args.features} float32 = {raw / mb:.1f} MB; lookback {args.lookback}, "
          f"horizon {args.horizon}")
    print(f"windows X {X.shape}, y {y.shape}: a copy would take {copied / 1e9:.1f} GB "
          f"({copied / raw:.0f}x the array)")
    print(f"make_windows: {t_windows * 1e3:.2f} ms; gather a batch of {args.batch_size} "
          f"({batch_x.nbytes / mb:.1f} MB): {t_batch * 1e3:.2f} ms")
    print(f"tracemalloc peak {peak / mb:.1f} MB (array alone {after_array / mb:.1f} MB): "
          f"ratio {peak / raw:.3f}x the raw array")
    print(f"peak RSS growth {rss_growth / mb:.1f} MB: ratio {rss_growth / raw:.3f}x the raw array")
    ok = peak / raw <= 1.5 and rss_growth / raw <= 1.5
    print("PASS: peak memory <= 1.5x the raw array" if ok else "FAIL: peak memory > 1.5x the raw array")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
