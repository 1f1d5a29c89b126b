"""seqlab against a plain PyTorch loop and Keras 3 (torch backend) on the course's five reference models.

Models (same architecture in all three; Adam, Keras's default loss for the task):

- CQF stacked LSTM (seed 002): LSTM(256, seq) Dropout(0.4) LSTM(256) Dropout(0.4) Dense(64, relu) Dense(1), (60, 1)
- Google stock (seed 003): 4 x LSTM(50) each followed by Dropout(0.2), Dense(1), (60, 1)
- SimpleRNN(50) Dense(1) on (5, 1) (seed 000)
- text (seed 004): Embedding(5000, 64) Dropout(0.5) LSTM(64, seq) LSTM(64) Dense(6, softmax), 100 ids
- GRU(64) Dense(1) on (120, 14) (a Jena-climate window, seed 004)

For each model, each thread count (1 and 2) and each contender, one timed run is one training
epoch (shuffled mini-batches, forward, loss, backward, Adam step) or one prediction pass over the
same data. The plain loop is what a PyTorch user writes: ``torch.nn`` layers, ``torch.optim.Adam``
(default settings), ``randperm`` + ``index_select`` batches; its prediction is a
``torch.inference_mode()`` loop over slices. Keras runs ``fit(epochs=1)`` and ``predict`` when
Keras 3 is installed (``KERAS_BACKEND=torch`` is set here); otherwise its columns read "-".
Repetitions are interleaved (repeat -> threads -> model -> contender) so drifts in machine load
hit all alike; the table reports medians as samples/s and the ratios seqlab/plain and
seqlab/Keras (> 1: seqlab is faster). Targets: seqlab >= 0.95x the plain loop (training and
prediction) and ahead of Keras on every model.

    OMP_NUM_THREADS=1 python benchmarks/keras_parity_speed.py [--repeats 5] [--threads 1 2] [--scale 0.25]
        [--models text_seed004 gru64]

Measured 2026-12-06 on an idle 2-core machine (``chrt -f 1``, torch 2.13.0+cpu, Keras 3.15.1), ratios
seqlab/plain (train, predict) at 1 thread | 2 threads, and seqlab/Keras:

    CQF LSTM(256)x2     0.99 1.08 | 0.96 1.17   Keras 1.91-2.72x
    Google 4xLSTM(50)   1.02 1.00 | 1.01 1.04   Keras 3.93-6.39x
    SimpleRNN(50)       1.17 1.15 | 1.16 1.11   Keras 5.4-41x
    seed-004 text       0.97 0.98 | 1.14 1.03   Keras 2.75-7.57x
    GRU(64)             1.14 1.03 | 1.00 1.03   Keras 2.12-5.75x

GRU(64) rerun alone after its training moved to the sequence node (``seqlab.nn.gru_bptt``; ``--models
gru64``, same conditions): 1.35 1.05 | 1.25 1.08, Keras 2.20-5.63x.

CQF predict was 0.92 | 0.90 before ``predict`` handed the fused kernels contiguous weights
(``seqlab.nn.recurrent.frozen_weights``): ``torch.lstm`` reads a transposed view ~3% slower.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import seqlab  # noqa: E402
from seqlab import layers  # noqa: E402

try:  # Keras 3 on the torch backend, if installed
    import keras  # noqa: E402
    if keras.backend.backend() != "torch":
        keras = None
except ImportError:
    keras = None

# name -> (input shape, samples, batch size, task): "regression" (1 output, MSE) or "text" (6 classes)
SETTINGS = {
    "cqf_lstm256": ((60, 1), 512, 32, "regression"),
    "google_4xlstm50": ((60, 1), 1024, 32, "regression"),
    "simplernn50": ((5, 1), 8192, 32, "regression"),
    "text_seed004": ((100,), 640, 64, "text"),
    "gru64": ((120, 14), 1024, 64, "regression"),
}


def seqlab_model(name: str):
    L = layers
    stacks = {
        "cqf_lstm256": [L.LSTM(256, return_sequences=True), L.Dropout(0.4), L.LSTM(256), L.Dropout(0.4),
                        L.Dense(64, activation="relu"), L.Dense(1)],
        "google_4xlstm50": [L.LSTM(50, return_sequences=True), L.Dropout(0.2), L.LSTM(50, return_sequences=True),
                            L.Dropout(0.2), L.LSTM(50, return_sequences=True), L.Dropout(0.2), L.LSTM(50),
                            L.Dropout(0.2), L.Dense(1)],
        "simplernn50": [L.SimpleRNN(50), L.Dense(1)],
        "text_seed004": [L.Embedding(5000, 64), L.Dropout(0.5), L.LSTM(64, return_sequences=True), L.LSTM(64),
                         L.Dense(6, activation="softmax")],
        "gru64": [L.GRU(64), L.Dense(1)],
    }
    shape, _, _, task = SETTINGS[name]
    model = seqlab.Sequential(stacks[name], input_shape=shape, seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy" if task == "text" else "mse")
    return model


class _Last(torch.nn.Module):
    """A torch.nn recurrent layer's output sequence (``seq=True``) or its last step."""

    def __init__(self, rnn: torch.nn.Module, seq: bool):
        super().__init__()
        self.rnn, self.seq = rnn, seq

    def forward(self, x):
        out = self.rnn(x)[0]
        return out if self.seq else out[:, -1]


def plain_model(name: str) -> torch.nn.Module:
    """The same network written with torch.nn (the text model returns logits; its loss takes them)."""
    nn = torch.nn
    if name == "cqf_lstm256":
        return nn.Sequential(_Last(nn.LSTM(1, 256, batch_first=True), True), nn.Dropout(0.4),
                             _Last(nn.LSTM(256, 256, batch_first=True), False), nn.Dropout(0.4),
                             nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 1))
    if name == "google_4xlstm50":
        mods = []
        for i in range(4):
            mods += [_Last(nn.LSTM(1 if i == 0 else 50, 50, batch_first=True), i < 3), nn.Dropout(0.2)]
        return nn.Sequential(*mods, nn.Linear(50, 1))
    if name == "simplernn50":
        return nn.Sequential(_Last(nn.RNN(1, 50, batch_first=True), False), nn.Linear(50, 1))
    if name == "text_seed004":
        return nn.Sequential(nn.Embedding(5000, 64), nn.Dropout(0.5), _Last(nn.LSTM(64, 64, batch_first=True), True),
                             _Last(nn.LSTM(64, 64, batch_first=True), False), nn.Linear(64, 6))
    return nn.Sequential(_Last(nn.GRU(14, 64, batch_first=True), False), nn.Linear(64, 1))


def keras_model(name: str):
    K = keras.layers
    stacks = {
        "cqf_lstm256": [K.LSTM(256, return_sequences=True), K.Dropout(0.4), K.LSTM(256), K.Dropout(0.4),
                        K.Dense(64, activation="relu"), K.Dense(1)],
        "google_4xlstm50": [K.LSTM(50, return_sequences=True), K.Dropout(0.2), K.LSTM(50, return_sequences=True),
                            K.Dropout(0.2), K.LSTM(50, return_sequences=True), K.Dropout(0.2), K.LSTM(50),
                            K.Dropout(0.2), K.Dense(1)],
        "simplernn50": [K.SimpleRNN(50), K.Dense(1)],
        "text_seed004": [K.Embedding(5000, 64), K.Dropout(0.5), K.LSTM(64, return_sequences=True), K.LSTM(64),
                         K.Dense(6, activation="softmax")],
        "gru64": [K.GRU(64), K.Dense(1)],
    }
    shape, _, _, task = SETTINGS[name]
    model = keras.Sequential([keras.Input(shape)] + stacks[name])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy" if task == "text" else "mse")
    return model


SCALE = 1.0  # --scale: fewer samples per timed run (ratios are per sample)


def samples(name: str) -> int:
    shape, n, bs, _ = SETTINGS[name]
    return max(bs, int(n * SCALE) // bs * bs)


def make_data(name: str):
    shape, _, _, task = SETTINGS[name]
    n = samples(name)
    rng = np.random.default_rng(0)
    if task == "text":
        return rng.integers(1, 5000, size=(n, *shape)).astype(np.int64), rng.integers(0, 6, size=n).astype(np.int64)
    x = rng.normal(size=(n, *shape)).astype(np.float32)
    return x, x.reshape(n, -1).mean(1, keepdims=True).astype(np.float32)


def contenders(name: str) -> dict:
    """``{contender: (train_epoch(), predict())}`` for one model."""
    x, y = make_data(name)
    _, _, bs, task = SETTINGS[name]
    sm = seqlab_model(name)
    torch.manual_seed(0)
    pm = plain_model(name)
    opt = torch.optim.Adam(pm.parameters(), lr=1e-3)
    loss_fn = torch.nn.functional.cross_entropy if task == "text" else torch.nn.functional.mse_loss
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    gen = torch.Generator().manual_seed(0)

    def plain_epoch():
        pm.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), bs):
            idx = perm[i:i + bs]
            loss = loss_fn(pm(xt.index_select(0, idx)), yt.index_select(0, idx))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    def plain_predict():
        pm.eval()
        with torch.inference_mode():
            return torch.cat([pm(xt[i:i + bs]) for i in range(0, len(xt), bs)]).numpy()

    out = {
        # seqlab trains on one thread unless told (its default rule): given the thread count of this run
        "seqlab": (lambda: sm.fit(x, y, epochs=1, batch_size=bs, verbose=0, threads=torch.get_num_threads()),
                   lambda: sm.predict(x, batch_size=bs)),
        "plain": (plain_epoch, plain_predict),
    }
    if keras is not None:
        keras.utils.set_random_seed(0)
        km = keras_model(name)
        out["keras"] = (lambda: km.fit(x, y, epochs=1, batch_size=bs, verbose=0, shuffle=True),
                        lambda: km.predict(x, batch_size=bs, verbose=0))
    return out


def seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--models", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every model's sample count (e.g. 0.25)")
    args = ap.parse_args(argv)
    global SCALE
    SCALE = args.scale
    runs = {name: contenders(name) for name in args.models}
    names = list(next(iter(runs.values())))
    times = {}  # (model, threads, phase, contender) -> [seconds]
    for threads in args.threads:  # warm-up
        torch.set_num_threads(threads)
        for model, by_name in runs.items():
            for fit, predict in by_name.values():
                fit(), predict()
    for _ in range(args.repeats):
        for threads in args.threads:
            torch.set_num_threads(threads)
            for model, by_name in runs.items():
                for who, (fit, predict) in by_name.items():
                    for phase, fn in (("train", fit), ("predict", predict)):
                        times.setdefault((model, threads, phase, who), []).append(seconds(fn))
    print(f"torch {torch.__version__}, seqlab {seqlab.__version__}, Keras "
          f"{keras.__version__ + ' (torch backend)' if keras is not None else 'not installed'}; "
          f"medians of {args.repeats} interleaved repetitions; samples/s")
    head = f"{'model':<16}{'thr':>4} {'phase':<8}" + "".join(f"{n:>10}" for n in names)
    head += f"{'seqlab/plain':>14}" + (f"{'seqlab/keras':>14}" if "keras" in names else "")
    print(head)
    for model in runs:
        n = samples(model)
        for threads in args.threads:
            for phase in ("train", "predict"):
                med = {w: statistics.median(times[(model, threads, phase, w)]) for w in names}
                line = f"{model:<16}{threads:>4} {phase:<8}" + "".join(f"{n / med[w]:>10.0f}" for w in names)
                line += f"{med['plain'] / med['seqlab']:>13.2f}x"
                if "keras" in names:
                    line += f"{med['keras'] / med['seqlab']:>13.2f}x"
                print(line)


if __name__ == "__main__":
    main()
