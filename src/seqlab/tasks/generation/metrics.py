"""Quality of synthetic sequences, measured the TimeGAN way (Yoon et al., NeurIPS 2019).

- ``discriminative_score(real, synthetic)``: train a post-hoc GRU classifier (hidden = features/2)
  to tell real (1) from synthetic (0) windows on 80 % of each (every step a batch of 128 of each,
  the two losses summed, as the authors' code), test on the other 20 %; the score is
  ``|accuracy - 0.5|`` (0 = indistinguishable).
- ``predictive_score(real, synthetic)``: train a GRU (hidden = features/2) on the SYNTHETIC
  windows to predict the last feature one step ahead from the other features
  (``x[:, :-1, :-1] -> x[:, 1:, -1]``), test on all REAL windows; the score is the mean absolute
  error (lower is better).
- ``repeated_score(score, real, synthetic, repetitions=10)``: the paper's protocol (the authors'
  ``main_timegan.py`` averages 10 runs of each metric): the score with ``repetitions`` seeds (a
  fresh split and initialisation each), as ``{"mean", "std", "values"}``.
- ``coverage(real, synthetic)`` (Naeem et al., ICML 2020): the share of real windows whose
  ball to their ``k``-th nearest real neighbour holds at least one synthetic window; a generator
  that collapses onto a few modes covers few real windows, whatever the discriminator says.
- ``diversity_ratio(real, synthetic)``: the spread of the synthetic windows (mean distance to
  their centroid) over that of the real ones; near 0 is mode collapse, near 1 matches the data.
- ``gaussian_baseline(real, n)``: windows drawn from independent normals per step and feature
  fitted to the real windows: the baseline every score is compared with in the same run.
- ``plot_embedding(real, synthetic, path)``: PCA (fitted on real) and t-SNE of the windows
  averaged over features, real and synthetic overlaid.

Both scores take windows ``(n, time, features)`` scaled to [0, 1] as TimeGAN does (``sine_data``
and ``timegan_windows`` build the paper's two data sets).

>>> real = sine_data(64, 12, 3, seed=0)
>>> 0.0 <= discriminative_score(real, sine_data(64, 12, 3, seed=1), iterations=5) <= 0.5
True
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.io.errors import DataError
from seqlab.nn.container import LayerStack
from seqlab.nn.core import Dense
from seqlab.nn.recurrent import GRU
from seqlab.nn.seeding import isolated_rng


def sine_data(n: int, seq_len: int = 24, dim: int = 5, seed: int | None = None) -> np.ndarray:
    """TimeGAN's sines: feature k of sample i is ``sin(f t + p)``, ``f, p ~ U(0, 0.1)``, scaled by
    ``(x + 1) / 2`` to [0, 1]. Returns ``(n, seq_len, dim)`` float32."""
    rng = np.random.default_rng(seed)
    f = rng.uniform(0, 0.1, (n, 1, dim))
    p = rng.uniform(0, 0.1, (n, 1, dim))
    t = np.arange(seq_len)[None, :, None]
    return ((np.sin(f * t + p) + 1) * 0.5).astype(np.float32)


def timegan_windows(values: np.ndarray, seq_len: int = 24, reverse: bool = True) -> np.ndarray:
    """TimeGAN's ``real_data_loading``: optionally reverse the rows (the paper's ``[::-1]``), min-max
    scale each column over the whole series, cut every window of ``seq_len`` (stride 1).
    ``(steps, features) -> (steps - seq_len + 1, seq_len, features)`` float32."""
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or len(x) < seq_len:
        raise DataError(f"need a (steps, features) series with at least seq_len={seq_len} steps, got {x.shape}")
    x = x[::-1] if reverse else x
    x = (x - x.min(0)) / (x.max(0) - x.min(0) + 1e-7)
    win = np.lib.stride_tricks.sliding_window_view(x, seq_len, axis=0).transpose(0, 2, 1)
    return np.ascontiguousarray(win, dtype=np.float32)


def _check(real, synthetic) -> tuple[torch.Tensor, torch.Tensor]:
    r, s = (np.asarray(a, dtype=np.float32) for a in (real, synthetic))
    if r.ndim != 3 or s.ndim != 3 or r.shape[1:] != s.shape[1:]:
        raise DataError(f"real and synthetic must both be (n, time, features) of one shape, got {r.shape} "
                        f"and {s.shape}")
    if len(r) < 5 or len(s) < 5:
        raise DataError("need at least 5 real and 5 synthetic windows")
    return torch.from_numpy(r), torch.from_numpy(s)


def _gru_net(time: int, features: int, units: int, return_sequences: bool) -> LayerStack:
    return LayerStack([GRU(units, return_sequences=return_sequences), Dense(1)], input_shape=(time, features))


def _fit(net, x, y, loss_fn, iterations: int, batch_size: int, g: torch.Generator) -> None:
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    for _ in range(int(iterations)):
        idx = torch.randint(len(x), (min(batch_size, len(x)),), generator=g)
        loss = loss_fn(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    net.eval()


def _flat_sample(a: torch.Tensor, n: int, g: torch.Generator) -> np.ndarray:
    idx = torch.randperm(len(a), generator=g)[:n] if len(a) > n else torch.arange(len(a))
    return a[idx].reshape(len(idx), -1).double().numpy()


def coverage(real, synthetic, k: int = 5, n: int = 1000, seed: int = 0) -> float:
    """Naeem et al.'s coverage of at most ``n`` real windows by at most ``n`` synthetic ones (0..1).

    >>> real = sine_data(200, 12, 2, seed=0)
    >>> coverage(real, sine_data(200, 12, 2, seed=1)) > 0.8, coverage(real, np.repeat(real[:1], 200, 0)) < 0.1
    (True, True)
    """
    r, s = _check(real, synthetic)
    g = torch.Generator().manual_seed(int(seed))
    rr, ss = _flat_sample(r, n, g), _flat_sample(s, n, g)
    k = min(k, len(rr) - 1)
    d_rr = _distances(rr, rr)
    np.fill_diagonal(d_rr, 0.0)
    radius = np.sort(d_rr, axis=1)[:, k]             # column 0 is the window itself
    return float((_distances(rr, ss).min(axis=1) < radius).mean())


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``a`` and ``b`` (without an (n, m, d) array)."""
    sq = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.maximum(sq, 0.0))


def diversity_ratio(real, synthetic) -> float:
    """Mean distance of the synthetic windows to their centroid over that of the real windows.

    >>> real = sine_data(100, 12, 2, seed=0)
    >>> round(diversity_ratio(real, real), 3), diversity_ratio(real, np.repeat(real[:1], 100, 0))
    (1.0, 0.0)
    """
    r, s = (a.reshape(len(a), -1).double() for a in _check(real, synthetic))
    spread = lambda a: float((a - a.mean(0)).norm(dim=1).mean())
    return spread(s) / max(spread(r), 1e-12)


def gaussian_baseline(real, n: int, seed: int = 0) -> np.ndarray:
    """``n`` windows of independent normals with the real windows' mean and std per step and feature,
    clipped to [0, 1] like the synthetic windows."""
    r = np.asarray(real, dtype=np.float64)
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(r.mean(0), r.std(0), size=(n, *r.shape[1:])), 0.0, 1.0).astype(np.float32)


def discriminative_score(real, synthetic, iterations: int = 2000, batch_size: int = 128,
                         seed: int | None = 0) -> float:
    """``|accuracy - 0.5|`` of a GRU classifier of real vs synthetic on held-out windows (see module doc)."""
    r, s = _check(real, synthetic)
    g = torch.Generator().manual_seed(0 if seed is None else int(seed))
    with isolated_rng(0 if seed is None else int(seed)):     # the GRU's initialisers draw from the global RNG
        net = _gru_net(r.shape[1], r.shape[2], max(r.shape[2] // 2, 1), False)
    pr, ps = torch.randperm(len(r), generator=g), torch.randperm(len(s), generator=g)
    nr, ns = int(0.8 * len(r)), int(0.8 * len(s))
    r_tr, s_tr = r[pr[:nr]], s[ps[:ns]]
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    for _ in range(int(iterations)):     # as the authors' code: each step sees a batch of each, losses summed
        yr = net(r_tr[torch.randperm(nr, generator=g)[:batch_size]])
        ys = net(s_tr[torch.randperm(ns, generator=g)[:batch_size]])
        loss = bce(yr, torch.ones_like(yr)) + bce(ys, torch.zeros_like(ys))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        real_ok = (net(r[pr[nr:]]) > 0).float()
        fake_ok = (net(s[ps[ns:]]) <= 0).float()
    acc = float(torch.cat([real_ok, fake_ok]).mean())
    return abs(acc - 0.5)


def repeated_score(score, real, synthetic, repetitions: int = 10, seed: int = 0, **kwargs) -> dict:
    """``score(real, synthetic, seed=seed + i, **kwargs)`` for ``i`` in ``range(repetitions)``, as
    the TimeGAN paper reports its metrics (the mean of 10 runs). Returns ``{"mean", "std",
    "values"}`` (population std of the values).

    >>> r = repeated_score(lambda real, synthetic, seed: seed / 10, None, None, repetitions=3, seed=1)
    >>> round(r["mean"], 6), round(r["std"], 6), r["values"]
    (0.2, 0.08165, [0.1, 0.2, 0.3])
    """
    if int(repetitions) < 1:
        raise DataError(f"repetitions must be >= 1, got {repetitions}")
    values = [float(score(real, synthetic, seed=int(seed) + i, **kwargs)) for i in range(int(repetitions))]
    return {"mean": float(np.mean(values)), "std": float(np.std(values)), "values": values}


def predictive_score(real, synthetic, iterations: int = 5000, batch_size: int = 128, seed: int | None = 0) -> float:
    """MAE on real windows of a GRU trained on synthetic ones to predict the last feature one
    step ahead from the others (see module doc). Needs at least 2 features."""
    r, s = _check(real, synthetic)
    if r.shape[2] < 2:
        raise DataError("the predictive score needs at least 2 features (it predicts the last from the others)")
    g = torch.Generator().manual_seed(0 if seed is None else int(seed))
    with isolated_rng(0 if seed is None else int(seed)):     # the GRU's initialisers draw from the global RNG
        net = _gru_net(r.shape[1] - 1, r.shape[2] - 1, max(r.shape[2] // 2, 1), True)

    def mae(pred, y):
        return (torch.sigmoid(pred) - y).abs().mean()

    _fit(net, s[:, :-1, :-1], s[:, 1:, -1:], mae, iterations, batch_size, g)
    with torch.no_grad():
        err = (torch.sigmoid(net(r[:, :-1, :-1])) - r[:, 1:, -1:]).abs().mean(dim=(1, 2))
    return float(err.mean())


def plot_embedding(real, synthetic, path, n: int = 1000, seed: int = 0, tsne: bool = True):
    """PCA and (optionally) t-SNE of up to ``n`` windows each, averaged over features; real in
    red, synthetic in blue, as TimeGAN's figures. Writes a PNG to ``path`` and returns it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    from seqlab.inspect.plots import REAL_COLOR, SYNTHETIC_COLOR

    r, s = (t.numpy() for t in _check(real, synthetic))
    rng = np.random.default_rng(seed)
    k = min(n, len(r), len(s))
    r = r[rng.choice(len(r), k, replace=False)].mean(2)
    s = s[rng.choice(len(s), k, replace=False)].mean(2)
    pca = PCA(n_components=2).fit(r)
    panels = [("PCA", pca.transform(r), pca.transform(s))]
    if tsne:
        emb = TSNE(n_components=2, perplexity=min(40, max(5, k // 4)), init="pca", random_state=seed).fit_transform(
            np.concatenate([r, s]))
        panels.append(("t-SNE", emb[:k], emb[k:]))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.5), dpi=100, squeeze=False)
    for ax, (title, a, b) in zip(axes[0], panels):
        ax.scatter(a[:, 0], a[:, 1], s=6, c=REAL_COLOR, alpha=0.3, label="real")
        ax.scatter(b[:, 0], b[:, 1], s=6, c=SYNTHETIC_COLOR, alpha=0.3, label="synthetic")
        ax.set_title(f"{title}: real vs synthetic ({k} windows each)")
        ax.set_xlabel(f"{title} dimension 1")
        ax.set_ylabel(f"{title} dimension 2")
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
