"""How attention scales with length (issue 16, acceptance 2): forward + backward time and peak memory
of one ``MultiHeadAttention`` (batch 1, width 64, 4 heads of 16) at 512 .. 16,384 steps, full
attention beside every efficient variant, in one run.

Each (variant, length) runs in a fresh worker process: its memory is the rise of the peak resident
set (``ru_maxrss``) over the worker's size after building its inputs, so every figure includes the
projections and gradients, which are the same for all. Time is the best of ``--rounds`` rounds;
the rounds are interleaved (round 1 of every variant and length, then round 2), so a load spike on
this shared machine hits all variants alike. Non-causal attention (linformer and lsh cannot be causal).

``full`` is PyTorch's fused ``scaled_dot_product_attention``, which on CPU computes the softmax
block by block (flash-attention style) and never stores the ``T x T`` weights: its time is quadratic
but its memory is not. ``full-explicit`` forms the weights as the paper writes it (``softmax(QK^T/sqrt d)``,
as ``return_attention_scores=True`` does), showing the quadratic memory the efficient variants avoid.

    nice python benchmarks/attention_scaling.py                  # ~15-25 min on a loaded 2-core machine
    python benchmarks/attention_scaling.py --lengths 512,1024 --rounds 1

The table ends with, per variant: memory(16k) / memory(4k) (linear memory gives ~4; full attention's
T^2 scores would give 16, though PyTorch's fused CPU kernel for full attention never stores them,
so its memory may grow linearly too: the table shows what this machine does) and the shortest length
at which the variant is faster than full attention and at which it uses less memory.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

OPTIONS = {   # settings at which each variant keeps a few hundred keys per query
    "full": {},
    "full-explicit": {},   # full attention with the T x T weights formed (return_attention_scores), as in the paper
    "local": {"window": 128},
    "longformer": {"window": 128, "global_tokens": 16},
    "bigbird": {"block_size": 64, "global_blocks": 1, "random_blocks": 2},
    "strided": {"stride": 128},
    "linformer": {"k": 256, "max_length": 16384},
    "performer": {"features": 128},
    "lsh": {"buckets": 32, "rounds": 2, "chunk_size": 128},
}
LINEAR = ("local", "longformer", "bigbird", "linformer", "performer", "lsh")   # the papers' linear-memory ones
WIDTH, HEADS = 64, 4
EXPLICIT_MAX = 8192   # the explicit T x T weights at 16k would take ~12 GB of a shared 23 GB machine


def worker(kind: str, length: int) -> dict:
    """One forward + backward of a MultiHeadAttention of ``kind`` on ``(1, length, 64)`` (in this process)."""
    import torch

    from seqlab.nn.attention import MultiHeadAttention

    torch.set_num_threads(1)
    explicit = kind == "full-explicit"
    options = OPTIONS[kind]
    kind = "full" if explicit else kind
    layer = MultiHeadAttention(HEADS, WIDTH // HEADS, attention=kind, attention_options=options,
                               generator=torch.Generator().manual_seed(0), input_shape=(None, WIDTH))
    x = torch.randn(1, length, WIDTH, generator=torch.Generator().manual_seed(1), requires_grad=True)
    small = torch.randn(1, 64, WIDTH)
    run = (lambda z: layer(z, return_attention_scores=True)[0]) if explicit else layer
    if kind != "linformer":
        run(small).sum().backward()                                 # warm up kernels on a tiny input
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    run(x).sum().backward()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "memory_mb": (peak - before) / 1024}


def run_worker(kind: str, length: int) -> dict:
    if kind == "full-explicit" and length > EXPLICIT_MAX:
        return {"error": f"skipped: {HEADS} x {length}^2 float32 weights and their gradients need "
                         f"~{3 * HEADS * length * length * 4 / 2**30:.0f} GB"}
    out = subprocess.run([sys.executable, __file__, "--worker", kind, str(length)], capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout)


def human(n: int) -> str:
    return f"{n // 1024}k" if n >= 1024 else str(n)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", default="512,1024,2048,4096,8192,16384")
    parser.add_argument("--variants", default=",".join(OPTIONS))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]))))
        return
    lengths = [int(n) for n in args.lengths.split(",")]
    variants = args.variants.split(",")
    results: dict = {(v, n): [] for v in variants for n in lengths}
    for r in range(args.rounds):
        for n in lengths:
            for v in variants:
                results[v, n].append(run_worker(v, n))
                last = results[v, n][-1]
                print(f"round {r + 1} {v:10s} T={n:>6}: " + (last.get("error") or
                      f"{last['seconds']:.3f} s, {last['memory_mb']:.0f} MB"), file=sys.stderr, flush=True)

    def best(v, n, key):
        ok = [x[key] for x in results[v, n] if "error" not in x]
        return (min if key == "seconds" else max)(ok) if ok else None

    print(f"forward + backward of MultiHeadAttention (batch 1, width {WIDTH}, {HEADS} heads), non-causal; "
          f"time = best of {args.rounds} interleaved rounds on a shared, loaded machine; memory = peak RSS rise")
    print(f"{'variant':13s} {'options':48s} " + " ".join(f"{human(n):>14s}" for n in lengths))
    for v in variants:
        cells = []
        for n in lengths:
            s, m = best(v, n, "seconds"), best(v, n, "memory_mb")
            skipped = any(x.get("error", "").startswith("skipped") for x in results[v, n])
            cells.append(f"{s:6.2f}s {m:5.0f}MB" if s is not None else "skipped" if skipped else "failed")
        print(f"{v:13s} {json.dumps(OPTIONS[v]):48s} " + " ".join(f"{c:>14s}" for c in cells))
    print("\nratios against full attention measured in the same run (time ratio < 1: faster than full):")
    for v in variants:
        if v.startswith("full"):
            continue
        ratios = []
        for n in lengths:
            s, f = best(v, n, "seconds"), best("full", n, "seconds")
            ratios.append(f"{s / f:5.2f}x" if s and f else "  n/a")
        def from_on(key, base):   # the shortest length from which the variant beats ``base`` at every longer one
            wins = [(best(v, n, key) or 1e9) < (best(base, n, key) or 0) for n in lengths]
            start = next((i for i in range(len(lengths)) if all(wins[i:])), None)
            return f"{human(lengths[start])} on" if start is not None else "never (in this range)"

        faster = from_on("seconds", "full")
        leaner, leaner_explicit = from_on("memory_mb", "full"), from_on("memory_mb", "full-explicit")
        growth = ""
        if 4096 in lengths and 16384 in lengths and best(v, 4096, "memory_mb") and best(v, 16384, "memory_mb"):
            g = best(v, 16384, "memory_mb") / max(best(v, 4096, "memory_mb"), 1e-9)
            verdict = ("<= 5: linear" if g <= 5 else "> 5") if v in LINEAR else "(n sqrt n pattern)"
            growth = f"  memory 16k/4k = {g:.1f} {verdict}"
        print(f"{v:11s} time vs full: {' '.join(ratios)}  faster than full from {faster}; less memory than "
              f"full from {leaner}, than full-explicit from {leaner_explicit}{growth}")
    if 4096 in lengths and 16384 in lengths and best("full", 4096, "memory_mb") and best("full", 16384, "memory_mb"):
        print(f"full        memory 16k/4k = {best('full', 16384, 'memory_mb') / best('full', 4096, 'memory_mb'):.1f}")


if __name__ == "__main__":
    main()
