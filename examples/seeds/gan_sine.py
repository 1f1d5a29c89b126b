"""Seed 000's GAN on a 1-D function family: an LSTM(150) generator reads a 3-number latent
vector as 3 time steps and outputs 300 points (linear); a dense discriminator 300-250-100-1
(ReLU, sigmoid) tells them from real curves ``a sin(f x) + b + 0.3 noise`` on x in [-5, 5]
(a, b in 0.1..9.9, f in [1, 2]). Each epoch: the discriminator learns one batch of real and
one of fake curves with the generator held static, then the generator learns through the
static discriminator with "real" labels (Keras's combined model with BCE: the non-saturating
loss). Every ``--n-eval`` epochs a fake and a real sample are plotted side by side.

    python examples/seeds/gan_sine.py [--epochs 10000] [--n-eval 200] [--out runs/gan_sine]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch

from seqlab.models.gan import GANConfig, GANNet, train_step

LENGTH_INPUT = 300


def real_samples(n: int, rng: np.random.Generator) -> np.ndarray:
    """The seed's ``generate_real_samples``: ``(n, 300)`` curves."""
    amps, bias, freqs = np.arange(0.1, 10, 0.1), np.arange(0.1, 10, 0.1), np.linspace(1, 2, 1000)
    x = np.linspace(-5, 5, LENGTH_INPUT)
    a, b, f = rng.choice(amps, (n, 1)), rng.choice(bias, (n, 1)), rng.choice(freqs, (n, 1))
    return (a * np.sin(x * f) + b + 0.3 * rng.normal(size=(n, LENGTH_INPUT))).astype(np.float32)


def plot(fake: np.ndarray, real: np.ndarray, epoch: int, path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(fake, ".", label="Random Fake Sample", color="firebrick")
    ax.plot(real, ".", label="Random Real Sample", color="navy")
    ax.set_title(f"Number of epochs = {epoch}")
    ax.legend(fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=10000)
    p.add_argument("--batch", type=int, default=128, help="n_batch; the discriminator sees half real, half fake")
    p.add_argument("--n-eval", type=int, default=200)
    p.add_argument("--latent-dim", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/gan_sine")
    args = p.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    net = GANNet(GANConfig(arch="lstm", sample_shape=(LENGTH_INPUT,), latent_dim=args.latent_dim, units=150,
                           output_activation=None), seed=args.seed)
    opt_g = torch.optim.Adam(net.generator.parameters(), lr=1e-3, eps=1e-7)      # Keras's Adam defaults
    opt_d = torch.optim.Adam(net.discriminator.parameters(), lr=1e-3, eps=1e-7)
    half = args.batch // 2
    logs = {}
    for epoch in range(1, args.epochs + 1):
        real = torch.from_numpy(real_samples(half, rng))
        logs = train_step(net, real, opt_g, opt_d, "non-saturating", generator=g)
        if epoch % args.n_eval == 0 or epoch == args.epochs:
            with torch.no_grad():
                fake = net.generate(net.latent(1, g))[0].numpy()
            plot(fake, real_samples(1, rng)[0], epoch, out / f"epoch_{epoch:05d}.png")
            print(f"epoch {epoch}: d_loss {logs['d_loss']:.3f} g_loss {logs['g_loss']:.3f}")
    with torch.no_grad():
        fake = net.generate(net.latent(500, g)).numpy()
    real = real_samples(500, rng)
    stats = {"fake_mean": float(fake.mean()), "real_mean": float(real.mean()),
             "fake_std": float(fake.std()), "real_std": float(real.std()), **logs}
    print(f"mean / std of 500 curves: fake {stats['fake_mean']:.2f} / {stats['fake_std']:.2f}, "
          f"real {stats['real_mean']:.2f} / {stats['real_std']:.2f}; plots in {out}")
    return stats


if __name__ == "__main__":
    main()
