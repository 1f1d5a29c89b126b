"""Every task's training loop against a bare PyTorch loop on the same network and data, in one table.

Tasks that train through ``seqlab.train.Trainer`` (Forecaster, SequenceClassifier, TextClassifier,
Seq2Seq, Autoencoder): the task is fitted once while ``Trainer`` is watched, which captures the
network as it was built (initial weights), the arrays it was given, the loss, batch size, epochs
and validation data. Each timed run then trains a fresh copy of that network for the same epochs
two ways: the task's own loop (a ``Trainer`` built with the task's arguments, callbacks left out so
early stopping cannot cut it short) and a bare loop (``randperm`` + ``index_select`` batches, the
same loss function, ``torch.optim.Adam`` as a user writes it, clipping if the task clips, one
``no_grad`` pass over the validation data per epoch if the task validates).

Tasks with their own loops (CharGenerator, GAN, TimeGAN): the task's ``fit`` for a fixed number
of steps against a bare loop over the same network class and sizes (random batches of the same
shape, the same optimiser); the task's ``fit`` also scales its data and, for CharGenerator,
measures a held-out loss, which the bare loop does not.

Runs are interleaved (repeat -> task -> contender); medians; ratio = bare time / task time (>= 1:
the task's loop is as fast as the bare one). TimeGAN's joint phase is also reported in
iterations/s with the time the paper's budget (50,000 joint iterations, Yoon et al. 2019's code)
would take at that pace.

    OMP_NUM_THREADS=1 python benchmarks/task_loops.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import copy
import statistics
import time

import numpy as np
import pandas as pd
import torch

from seqlab.tasks import GAN, Autoencoder, CharGenerator, Forecaster, SequenceClassifier, TextClassifier, TimeGAN
from seqlab.tasks.generation.seq2seq import Seq2Seq
from seqlab.train import Trainer
from seqlab.train.batching import as_source, gather, length

PAPER_JOINT_ITERATIONS = 50_000


# ----- Trainer-based tasks: capture what the task hands its Trainer ---------------------------
class Capture:
    """Wraps Trainer.__init__/fit while a task fits; keeps the last (init args, initial net, fit args)."""

    def __init__(self):
        self.init, self.fit = Trainer.__init__, Trainer.fit
        self.seen = None

    def __enter__(self):
        capture = self

        def init(trainer, model, *args, **kwargs):
            capture.init(trainer, model, *args, **kwargs)
            trainer._bench = (copy.deepcopy(model), args, kwargs)

        def fit(trainer, x, y, **kwargs):
            initial, args, init_kwargs = trainer._bench
            capture.seen = (initial, args, init_kwargs, x, y, kwargs)
            return capture.fit(trainer, x, y, **kwargs)

        Trainer.__init__, Trainer.fit = init, fit
        return self

    def __exit__(self, *exc):
        Trainer.__init__, Trainer.fit = self.init, self.fit


def _tensor(src, float_ints: bool):
    """A whole source as one tensor (a tuple for several inputs), as a bare loop holds its data."""
    if src is None:
        return None
    s = as_source(src)
    return gather(s, np.arange(length(s)), torch.device("cpu"), float_ints=float_ints)


def _rows(t, idx):
    return tuple(p.index_select(0, idx) for p in t) if isinstance(t, tuple) else t.index_select(0, idx)


def _call(net, xb):
    return net(*xb) if isinstance(xb, tuple) else net(xb)


def trainer_contenders(seen) -> dict:
    initial, args, init_kwargs, x, y, fit_kwargs = seen
    kwargs = {k: v for k, v in fit_kwargs.items() if k not in ("callbacks", "verbose")}
    epochs, bs = int(kwargs.get("epochs", 1)), int(kwargs.get("batch_size") or 32)

    def task_loop():
        Trainer(copy.deepcopy(initial), *args, **init_kwargs).fit(x, y, callbacks=None, verbose=0, **kwargs)

    probe = Trainer(copy.deepcopy(initial), *args, **init_kwargs)
    xt, yt = _tensor(x, probe.float_ints), _tensor(y, False)
    n = len(yt)
    val = kwargs.get("validation_data")
    vx = _tensor(val[0], probe.float_ints) if val is not None else None
    split = float(kwargs.get("validation_split") or 0.0)
    if vx is None and split > 0:
        cut = int(np.ceil(n * (1 - split)))
        vx, n = _rows(xt, torch.arange(cut, n)), cut
    loss_fn, clip = probe.loss, probe.clip.get("clipnorm")
    lr = probe.lr or 1e-3

    def bare_loop():
        net = copy.deepcopy(initial)
        opt = torch.optim.Adam(net.parameters(), lr=lr, eps=1e-7)
        for _ in range(epochs):
            net.train()
            perm = torch.randperm(n)
            for i in range(0, n, bs):
                idx = perm[i:i + bs]
                loss = loss_fn(_call(net, _rows(xt, idx)), yt.index_select(0, idx))
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if clip:
                    torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
                opt.step()
            if vx is not None:
                net.eval()
                with torch.no_grad():
                    nv = len(vx[0]) if isinstance(vx, tuple) else len(vx)
                    for i in range(0, nv, max(bs, 256)):
                        _call(net, _rows(vx, torch.arange(i, min(i + max(bs, 256), nv))))

    return {"task": task_loop, "bare": bare_loop}


def fitted_trainer_tasks() -> dict:
    """Fit each Trainer-based task once under capture; return {name: contenders}."""
    rng = np.random.default_rng(0)
    t = np.arange(1500)
    series = pd.DataFrame({"y": 10 + np.sin(t / 8) + 0.1 * rng.normal(size=len(t))})
    X = rng.normal(size=(600, 40, 2)).astype(np.float32)
    labels = (X[:, :10, 0].mean(1) > 0).astype(int)
    words = ["free", "cash", "prize", "lunch", "see", "you", "win", "now", "call", "home"]
    texts = [" ".join(rng.choice(words, size=12)) for _ in range(600)]
    text_labels = ["spam" if ("free" in s or "win" in s) else "ham" for s in texts]
    digits = [("".join(rng.choice(list("0123456789"), size=6)),) for _ in range(600)]
    pairs = [(d[0], d[0][::-1]) for d in digits]
    images = rng.random(size=(800, 64)).astype(np.float32)
    jobs = {
        "Forecaster lstm": lambda: Forecaster("lstm", target="y", lookback=24, units=32, epochs=4, patience=0,
                                              verbose=0, seed=0).fit(series),
        "SequenceClassifier gru": lambda: SequenceClassifier("gru", units=32, epochs=4, seed=0).fit(X, labels),
        "TextClassifier lstm": lambda: TextClassifier("lstm", epochs=4, seed=0).fit(texts, text_labels),
        "Seq2Seq lstm": lambda: Seq2Seq("lstm", units=32, epochs=4, seed=0).fit(pairs),
        "Autoencoder dense": lambda: Autoencoder("dense", code_size=8, epochs=8, batch_size=32, seed=0).fit(images),
    }
    out = {}
    for name, job in jobs.items():
        with Capture() as cap:
            job()
        out[name] = trainer_contenders(cap.seen)
    return out


# ----- tasks with their own loops --------------------------------------------------------------
def own_loop_tasks() -> dict:
    rng = np.random.default_rng(0)
    names = ["".join(rng.choice(list("abcdefghij"), size=rng.integers(3, 9))) for _ in range(2000)]
    steps = 120

    def char_task():
        CharGenerator("gru", steps=steps, batch_size=64, seed=0).fit(names)

    probe = CharGenerator("gru", steps=2, batch_size=64, seed=0).fit(names)
    cfg, width = probe.model_.config, 9

    def char_bare():
        from seqlab.models.language import LanguageModel, language_loss

        model = LanguageModel(cfg)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
        vocab = int(cfg.vocab_size)
        for _ in range(steps):
            xb = torch.randint(0, vocab, (64, width))
            loss = language_loss(model(xb), torch.randint(0, vocab, (64, width)))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()

    waves = np.sin(np.linspace(0, 6, 32)[None] * rng.uniform(0.5, 2, size=(1024, 1))).astype(np.float32)

    def gan_task():
        GAN("dense", units=64, epochs=4, batch_size=64, seed=0).fit(waves)

    gan_net = GAN("dense", units=64, epochs=1, batch_size=64, seed=0).fit(waves).model_

    def gan_bare():
        net = copy.deepcopy(gan_net)
        opt_g = torch.optim.Adam(net.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(net.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
        real_all = torch.from_numpy(waves)
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        for _ in range(4):
            perm = torch.randperm(len(real_all))
            for i in range(0, len(real_all), 64):
                real = real_all[perm[i:i + 64]]
                with torch.no_grad():
                    fake = net.generate(net.latent(len(real)))
                rs, fs = net.discriminate(real), net.discriminate(fake)
                d = bce(rs, torch.ones_like(rs)) + bce(fs, torch.zeros_like(fs))
                opt_d.zero_grad(set_to_none=True)
                d.backward()
                opt_d.step()
                gs = net.discriminate(net.generate(net.latent(len(real))))
                g = bce(gs, torch.ones_like(gs))
                opt_g.zero_grad(set_to_none=True)
                g.backward()
                opt_g.step()

    stock = rng.random(size=(600, 24, 6)).astype(np.float32)
    joint = 30

    def timegan_task():
        tg = TimeGAN(24, num_layers=3, iterations=(1, 1, joint), batch_size=128, seed=0).fit(stock)
        timegan_task.seconds.append(tg.history_["seconds"][2])

    timegan_task.seconds = []

    def timegan_bare():
        from seqlab.models.timegan import TimeGANConfig, TimeGANNet, joint_step, make_optimizers

        net = TimeGANNet(TimeGANConfig(seq_len=24, features=6, hidden=24, num_layers=3), seed=0)
        opts = make_optimizers(net, 1e-3)
        real = torch.from_numpy(stock)
        net.train()
        for _ in range(joint):
            joint_step(net, lambda: (real[torch.randperm(len(real))[:128]], net.noise(128)), opts)

    return {"CharGenerator gru": {"task": char_task, "bare": char_bare},
            "GAN dense": {"task": gan_task, "bare": gan_bare},
            "TimeGAN (joint phase)": {"task": timegan_task, "bare": timegan_bare}}, timegan_task, joint


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    runs = fitted_trainer_tasks()
    own, timegan_task, joint = own_loop_tasks()
    runs.update(own)
    times = {}
    for _ in range(args.repeats):
        for name, contenders in runs.items():
            for who, fn in contenders.items():
                start = time.perf_counter()
                fn()
                times.setdefault((name, who), []).append(time.perf_counter() - start)
    print(f"torch {torch.__version__}, 1 thread, medians of {args.repeats} interleaved repetitions")
    print(f"{'task':<24}{'task loop s':>12}{'bare loop s':>12}{'bare/task':>11}")
    for name in runs:
        task, bare = (statistics.median(times[(name, w)]) for w in ("task", "bare"))
        print(f"{name:<24}{task:>12.2f}{bare:>12.2f}{bare / task:>10.2f}x")
    rate = joint / statistics.median(timegan_task.seconds)
    print(f"TimeGAN joint phase: {rate:.2f} iterations/s (task's own timer); the paper's "
          f"{PAPER_JOINT_ITERATIONS:,} joint iterations would take {PAPER_JOINT_ITERATIONS / rate / 3600:.1f} h")


if __name__ == "__main__":
    main()
