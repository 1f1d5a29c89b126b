"""Sequence-to-sequence benchmark (issue 6, acceptance 2): addition and length-20 reversal.

1. Addition (seed 001's "program execution"): 50,000 distinct questions "a+b" with a and b of
   1-3 digits drawn as in Keras's addition example, 10% held out (questions never seen in
   training). Keras's example (LSTM 128 encoder, RepeatVector, LSTM decoder, one-hot inputs,
   padded fixed-width answers) reports 98.8% per-character validation accuracy after 29 epochs.
   We print whole-answer exact match and per-character accuracy on the held-out questions
   (ours counts characters of the longer of output/answer, no padding spaces, so it is stricter).
2. Reversal of length-20 strings over 26 letters, the same LSTM encoder-decoder with and without
   attention (seed 000: attention "captures long-range dependencies"; without it everything must
   pass through the encoder's final state). Exact match and per-character accuracy, held out.

Adam with gradient-norm clipping 1.0, batch 128, learning rate 3e-3 decayed by a cosine to 5% over
the run. Seconds are wall-clock on this machine; the ratio column divides by the no-attention reversal
run measured in the same process.

    OMP_NUM_THREADS=1 python benchmarks/seq2seq.py                 # everything (about 15 min, 1 thread)
    python benchmarks/seq2seq.py --only reversal --scale 0.5       # a quicker look
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from seqlab.data.pairs import addition_pairs, reversal_pairs, split_pairs
from seqlab.tasks.generation.seq2seq import Seq2Seq
from seqlab.train.callbacks import LearningRateScheduler
from seqlab.train.schedules import cosine_decay

RUNS = {
    "addition": dict(
        data=lambda seed: addition_pairs(50_000, seed=seed),
        models={"lstm + dot attention, bidirectional encoder":
                dict(attention="dot", bidirectional=True, epochs=12, learning_rate=3e-3)}),
    "reversal": dict(
        data=lambda seed: reversal_pairs(20_000, length=20, seed=seed),
        models={"lstm, no attention": dict(attention="none", epochs=5, learning_rate=3e-3),
                "lstm + dot attention": dict(attention="dot", epochs=5, learning_rate=3e-3)}),
}
COMMON = dict(model="lstm", units=128, embedding_dim=32, batch_size=128, validation_split=0.0)


def run(task: str, name: str, settings: dict, seed: int, scale: float, beam: int) -> dict:
    pairs = RUNS[task]["data"](seed)
    train, test = split_pairs(pairs, test=0.1, seed=seed)
    epochs = max(1, round(settings["epochs"] * scale))
    s2s = Seq2Seq(**{**COMMON, **settings, "epochs": epochs, "seed": seed})
    # cosine decay of the rate to 5% over the run, one step per epoch
    s2s.fit(train, callbacks=[LearningRateScheduler(cosine_decay(settings["learning_rate"], epochs, alpha=0.05))])
    greedy = s2s.evaluate(test)
    row = {"task": task, "model": name, "epochs": epochs, "train": len(train), "test": len(test),
           "params": s2s.model_.num_params(), "seconds": round(s2s.train_seconds_, 1),
           "exact_match": greedy["exact_match"], "char_accuracy": greedy["char_accuracy"], "loss": greedy["loss"]}
    if beam > 1:
        row[f"exact_match_beam{beam}"] = s2s.evaluate(test, beam_width=beam)["exact_match"]
    wrong = [(q, a, p) for (q, a), p in zip(test, s2s.predict([q for q, _ in test])) if p != a][:3]
    row["wrong_examples"] = wrong
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(RUNS), help="run one task")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every epoch budget")
    parser.add_argument("--beam", type=int, default=3, help="also score beam search of this width (1: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the rows to this file")
    args = parser.parse_args(argv)
    print(f"torch threads {torch.get_num_threads()}; settings {COMMON}")
    rows, start = [], time.perf_counter()
    for task in ([args.only] if args.only else list(RUNS)):
        for name, settings in RUNS[task]["models"].items():
            row = run(task, name, settings, args.seed, args.scale, args.beam)
            rows.append(row)
            extra = f"  beam{args.beam} {row[f'exact_match_beam{args.beam}']:.4f}" if args.beam > 1 else ""
            print(f"{task:9s} {name:44s} epochs {row['epochs']:3d}  params {row['params']:7d}  "
                  f"{row['seconds']:7.1f}s  exact {row['exact_match']:.4f}  per-char {row['char_accuracy']:.4f}"
                  f"{extra}  wrong e.g. {row['wrong_examples'][:2]}", flush=True)
    reversal = {r["model"]: r for r in rows if r["task"] == "reversal"}
    if len(reversal) == 2:
        plain, attn = reversal["lstm, no attention"], reversal["lstm + dot attention"]
        print(f"\nreversal, length 20: without attention exact match {plain['exact_match']:.4f} "
              f"(per-char {plain['char_accuracy']:.4f}) vs {attn['exact_match']:.4f} "
              f"({attn['char_accuracy']:.4f}) with attention: {attn['exact_match'] - plain['exact_match']:+.4f} "
              f"exact match; time ratio attention/none {attn['seconds'] / max(plain['seconds'], 1e-9):.2f}")
    print(f"total {time.perf_counter() - start:.0f}s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=2)


if __name__ == "__main__":
    main()
