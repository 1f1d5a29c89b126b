"""Sampling with and without a key/value cache (issue 16, acceptance 5).

A transformer language model (4 blocks, width 64, 4 heads, block_size 256, untrained: speed does
not depend on the weights) samples 200 new tokens after a one-token prefix, with the cache (each
step runs one token through the blocks) and without (each step recomputes the whole prefix). The
tokens must be identical for the same generator seed; the printed ratio is the median of
interleaved repetitions measured in the same run. The seq2seq transformer's greedy decoding of
200 steps is timed the same way.

    python benchmarks/kv_cache.py            # ~1-2 min on a loaded machine
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from seqlab.models.decoding import greedy_decode
from seqlab.models.language import LanguageModel, LanguageModelConfig, generate
from seqlab.models.seq2seq import Seq2SeqConfig, Seq2SeqModel

NEW_TOKENS = 200


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    model = LanguageModel(LanguageModelConfig("transformer", vocab_size=64, block_size=256, n_layer=4, n_embd=64),
                          seed=0).eval()
    prefix = torch.zeros(args.batch, 1, dtype=torch.long)
    times, samples = {True: [], False: []}, {}
    for _ in range(args.repeats):
        for use_cache in (True, False):
            seconds, samples[use_cache] = timed(lambda: generate(model, prefix, NEW_TOKENS, use_cache=use_cache,
                                                                 generator=torch.Generator().manual_seed(7)))
            times[use_cache].append(seconds)
    same = samples[True] == samples[False]
    cached, plain = statistics.median(times[True]), statistics.median(times[False])
    print(f"language model, {args.batch} samples x {NEW_TOKENS} new tokens (median of {args.repeats}, interleaved, "
          f"one thread, shared machine):")
    print(f"  with KV cache {cached:.2f} s, without {plain:.2f} s: the cache samples {plain / cached:.1f}x faster; "
          f"identical tokens: {same}")

    s2s = Seq2SeqModel(Seq2SeqConfig(src_vocab_size=32, tgt_vocab_size=32, model="transformer", units=64,
                                     num_layers=2), seed=0).eval()
    src = torch.randint(3, 32, (args.batch, 20), generator=torch.Generator().manual_seed(0))
    s2s.output.bias.data[2] = -1e4        # never write </s> (id 2): decode all 200 steps
    times = {True: [], False: []}
    ids = {}
    for _ in range(args.repeats):
        for use_cache in (True, False):
            s2s.use_cache = use_cache
            seconds, (out, _) = timed(lambda: greedy_decode(s2s, src, NEW_TOKENS))
            times[use_cache].append(seconds)
            ids[use_cache] = out
    cached, plain = statistics.median(times[True]), statistics.median(times[False])
    print(f"seq2seq transformer, greedy decoding of {ids[True].shape[1]} steps for {args.batch} inputs:")
    print(f"  with KV cache {cached:.2f} s, without {plain:.2f} s: {plain / cached:.1f}x faster; "
          f"identical tokens: {bool(torch.equal(ids[True], ids[False]))}")


if __name__ == "__main__":
    main()
