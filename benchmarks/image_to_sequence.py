"""Reading multi-digit numbers: ImageToSequence (CNN + attentive LSTM) against a per-position classifier.

Images: 1-4 digits from scikit-learn's handwritten digits, random gaps of 0-3 pixels and vertical
jitter of 0-4 pixels, on a 12 x 44 canvas (``seqlab.data.digit_strings``). 20,000 training images
drawn from digit images 0-1,399; 10% of them are the validation part that picks the step count and
the weights kept (defaults of ``ImageToSequence``: adaptive steps, at most 6,000); the test images,
2,000 of them, are built from the held-out digit images 1,400-1,796 and scored once.

Writes ``image_to_sequence_attention.png`` (the attention of each output step over the image's
column bands, for six test images) beside the printed table.

    OMP_NUM_THREADS=2 python benchmarks/image_to_sequence.py [--out DIR]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from seqlab.data.digit_strings import digit_strings  # noqa: E402
from seqlab.tasks.generation.image_to_sequence import ImageToSequence, sequence_scores  # noqa: E402


def plot_attention(images, truth, predicted, attention, path: Path) -> None:
    """Each row: the image, then one strip per output step showing where the decoder looked."""
    n = len(images)
    fig, axes = plt.subplots(n, 1, figsize=(6, 1.6 * n))
    for ax, image, t, p, att in zip(np.atleast_1d(axes), images, truth, predicted, attention):
        steps = len(p) + 1
        width = image.shape[1]
        bands = np.repeat(att[:steps], width // att.shape[1] + 1, axis=1)[:, :width]
        ax.imshow(np.vstack([image, np.kron(bands, np.ones((3, 1)))]), cmap="magma", aspect="auto")
        ax.set_title(f"true {t}  read {p}", fontsize=9)
        ax.set_yticks([image.shape[0] + 1.5 + 3 * k for k in range(steps)],
                      [f"out {k + 1}" if k < len(p) else "end" for k in range(steps)], fontsize=7)
        ax.set_xlabel("image column (pixels)", fontsize=8)
    fig.suptitle("Attention over the image at each output step (bright = attended)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=".", help="folder for the attention PNG")
    parser.add_argument("--train", type=int, default=20_000)
    args = parser.parse_args()
    X, y = digit_strings(args.train, max_digits=4, seed=1)
    Xt, yt = digit_strings(2000, max_digits=4, split="test", seed=2)
    start = time.perf_counter()
    task = ImageToSequence(seed=0).fit(X, y)
    seconds = time.perf_counter() - start
    scores = task.evaluate(Xt, yt)
    predicted = task.predict(Xt)
    by_length = {k: sequence_scores([t for t in yt if len(t) == k], [p for t, p in zip(yt, predicted) if len(t) == k])
                 for k in range(1, 5)}
    history = task.history_
    print(f"trained {history['best_step']} steps kept of {history['step'][-1]} run ({history['stopped']}), "
          f"{seconds:.0f} s on this machine")
    print(f"{'model':34} {'exact sequence':>14} {'per digit':>10}")
    print(f"{'CNN + attentive LSTM':34} {scores['exact_match']:14.3f} {scores['token_accuracy']:10.3f}")
    base = scores["baseline"]
    print(f"{'per-position classifier (baseline)':34} {base['exact_match']:14.3f} {base['token_accuracy']:10.3f}")
    for k, s in by_length.items():
        print(f"  {k} digit(s): exact {s['exact_match']:.3f}")
    print("verdict:", "beats" if scores["beats_baseline"] else "LOSES TO", "the per-position classifier")
    path = Path(args.out) / "image_to_sequence_attention.png"
    plot_attention(Xt[:6], yt[:6], predicted[:6], task.attention(Xt[:6]), path)
    print(f"attention maps: {path}")


if __name__ == "__main__":
    main()
