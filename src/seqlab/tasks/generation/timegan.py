"""``TimeGAN`` estimator: fit on real windows ``(n, time, features)``, ``sample(n)`` new ones
(Yoon et al., NeurIPS 2019; the networks, losses and steps are in ``seqlab.models.timegan``).

>>> import numpy as np
>>> X = np.random.default_rng(0).random((32, 6, 2))
>>> tg = TimeGAN(4, num_layers=1, iterations=(3, 3, 2), batch_size=8, seed=0).fit(X)
>>> tg.sample(5).shape
(5, 6, 2)
"""
from __future__ import annotations

import time
from dataclasses import asdict

import numpy as np
import torch

from seqlab.data.arrays import numeric_samples
from seqlab.data.scalers import ScaledData
from seqlab.io.errors import ConfigError, DataError
from seqlab.models.timegan import (
    TimeGANConfig,
    TimeGANNet,
    discriminator_loss,
    embedding_step,
    joint_step,
    make_optimizers,
    moment_loss,
    supervised_loss,
    supervised_step,
)
from seqlab.tasks.base import Task
from seqlab.train.budget import BudgetTracker

PHASES = ("embedding", "supervised", "joint")


class TimeGAN(Task):
    """Time-series GAN trained in an autoencoder's latent space with a supervised next-step loss.

    Args:
        hidden: latent and GRU width (paper: 24; None: 4 x features); num_layers: GRU layers (paper 3).
        iterations: mini-batch iterations of the three phases (embedding, supervised, joint); an int
            gives all three the same count. The paper runs 50,000 each; a joint iteration (two
            generator and two embedder updates, one discriminator) costs about nine phase-1
            iterations (3 layers, hidden 24, batch 128: about 20 and 2-3 iterations/s on one core).
        gamma (weight of the adversarial loss on the generator's raw latent e^, paper 1), z_dim
            (noise per step; None: features), scale ("minmax" as the paper, or None for data
            already in [0, 1]), log_every (iterations per ``history_`` point).
        batch_size, learning_rate, seed, verbose: the shared training arguments
            (``seqlab.tasks.base.TRAINING_ARGUMENTS``); batch 128 and Adam at 1e-3 as the paper;
            ``verbose=k`` prints the losses every k iterations (0: silent).

    ``fit(X)``: ``X`` of shape ``(n, time, features)``. ``sample(n, seed=None)`` -> ``(n, time,
    features)`` in the original units. ``evaluate(X) -> {"reconstruction_loss", "supervised_loss",
    "moment_loss", "d_loss"}`` on ``X``. Fitted: ``model_`` (``TimeGANNet``), ``history_`` (means over
    each ``log_every`` iterations: ``embedding_reconstruction_loss``, ``supervised_loss``,
    ``joint_g_adversarial_loss``, ``joint_supervised_loss``, ``joint_moment_loss``,
    ``joint_reconstruction_loss``, ``joint_d_loss``, ``joint_d_updated`` (share of iterations the
    discriminator was updated); ``seconds`` and ``iterations`` run per phase, fewer than asked when
    ``time_budget`` stopped it), ``scaler_``.
    """

    def __init__(self, hidden: int | None = 24, *, num_layers: int = 3, iterations=(2000, 2000, 2000),
                 batch_size: int = 128, gamma: float = 1.0, learning_rate: float = 1e-3, z_dim: int | None = None,
                 scale: str | None = "minmax", log_every: int = 100, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.hidden, self.num_layers, self.iterations, self.batch_size = hidden, num_layers, iterations, batch_size
        self.gamma, self.learning_rate, self.z_dim = gamma, learning_rate, z_dim
        self.scale, self.log_every = scale, log_every
        self.seed, self.verbose, self.time_budget = seed, verbose, time_budget

    def _phase_iterations(self) -> tuple[int, int, int]:
        its = self.iterations
        its = (its, its, its) if isinstance(its, (int, np.integer)) else tuple(its)
        if len(its) != 3 or any(int(i) < 0 for i in its):
            raise ConfigError(f"iterations must be an int or 3 counts >= 0 (embedding, supervised, joint), "
                              f"got {self.iterations!r}")
        if int(self.batch_size) < 1 or float(self.learning_rate) <= 0 or int(self.log_every) < 1:
            raise ConfigError("batch_size and log_every must be >= 1 and learning_rate > 0")
        return tuple(int(i) for i in its)

    def fit(self, X, y=None) -> "TimeGAN":
        """Train the three phases on windows ``X`` ``(n, time, features)``. Returns self."""
        its = self._phase_iterations()
        arr = numeric_samples(X, self.batch_size)
        if arr.ndim != 3:
            raise DataError(f"TimeGAN needs windows (n, time, features), got shape {arr.shape}")
        self.scaler_ = ScaledData(self.scale, global_scale=False).fit(arr)
        real = torch.from_numpy(np.ascontiguousarray(self.scaler_.transform(arr), dtype=np.float32))
        n, t, f = real.shape
        cfg = TimeGANConfig(seq_len=t, features=f, hidden=int(self.hidden or 4 * f), num_layers=int(self.num_layers),
                            z_dim=None if self.z_dim is None else int(self.z_dim), gamma=float(self.gamma))
        self.model_ = net = TimeGANNet(cfg, seed=self.seed)
        g = torch.Generator().manual_seed(0 if self.seed is None else int(self.seed))
        bs = min(int(self.batch_size), n)

        def x_batch() -> torch.Tensor:
            return real[torch.randperm(n, generator=g)[:bs]]

        def xz_batch():
            return x_batch(), net.noise(bs, g)

        opts = make_optimizers(net, float(self.learning_rate))
        self.history_ = {"seconds": [], "iterations": []}
        steps = {"embedding": lambda: embedding_step(net, x_batch(), opts["embedding"]),
                 "supervised": lambda: supervised_step(net, x_batch(), opts["supervised"]),
                 "joint": lambda: joint_step(net, xz_batch, opts)}
        net.train()
        clock = BudgetTracker(time_budget=self.time_budget, adaptive=False, unit="evaluation")
        clock.start()
        for phase, count in zip(PHASES, its):
            start, sums, done = time.perf_counter(), {}, 0
            if clock.reason is not None:
                break
            for it in range(count):
                done = it + 1
                for key, value in steps[phase]().items():
                    sums[key] = sums.get(key, 0.0) + value
                if (it + 1) % int(self.log_every) == 0 or it + 1 == count:
                    k = (it % int(self.log_every)) + 1
                    for key, total in sums.items():     # e.g. "embedding_reconstruction_loss", "supervised_loss"
                        name = key if key.startswith(phase) else f"{phase}_{key}"
                        self.history_.setdefault(name, []).append(total / k)
                    if self.verbose and ((it + 1) % int(self.verbose) == 0 or it + 1 == count):
                        print(f"{phase} {it + 1}/{count}: " + ", ".join(
                            f"{key} {total / k:.4f}" for key, total in sums.items()), flush=True)
                    sums = {}
                    if clock.update(None, clock.steps + k) is not None:   # the time budget, checked per log point
                        break
            self.history_["seconds"].append(time.perf_counter() - start)
            self.history_["iterations"].append(done)
        clock.finish("steps")
        self.training_ = {**clock.summary(), "phases_run": list(PHASES[:len(self.history_["seconds"])])}
        net.eval()
        return self

    @torch.no_grad()
    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """``n`` synthetic windows ``(n, time, features)`` in the original units; the same ``seed``
        gives the same windows."""
        self._check_fitted()
        if int(n) < 1:
            raise ConfigError(f"n must be >= 1, got {n}")
        g = torch.Generator().manual_seed(0 if seed is None else int(seed))
        self.model_.eval()
        out = self.model_.generate(self.model_.noise(int(n), g)).numpy()
        return self.scaler_.inverse(out)

    @torch.no_grad()
    def evaluate(self, X) -> dict:
        """The losses on windows ``X`` ``(n, time, features)`` against as many synthetic windows
        (noise from seed 1): reconstruction, supervised, moment and discriminator loss."""
        self._check_fitted()
        arr = numeric_samples(X)
        net = self.model_
        if arr.ndim != 3 or arr.shape[1:] != (net.cfg.seq_len, net.cfg.features):
            raise DataError(f"expected windows (n, {net.cfg.seq_len}, {net.cfg.features}), got {arr.shape}")
        x = torch.from_numpy(np.ascontiguousarray(self.scaler_.transform(arr), dtype=np.float32))
        z = net.noise(len(x), torch.Generator().manual_seed(1))
        return {"reconstruction_loss": float(torch.nn.functional.mse_loss(net.reconstruct(x), x)),
                "supervised_loss": float(supervised_loss(net, net.embedder(x))),
                "moment_loss": float(moment_loss(net.generate(z), x)),
                "d_loss": float(discriminator_loss(net, x, z))}

    def _get_state(self):
        return ({"net": asdict(self.model_.cfg), "history": self.history_}, dict(self.model_.state_dict()),
                {"scaler": self.scaler_.state()})

    def _set_state(self, config, tensors, preprocessing):
        self.model_ = TimeGANNet(TimeGANConfig(**config["net"]))
        self.model_.load_state_dict(tensors)
        self.model_.eval()
        self.scaler_ = ScaledData.from_state(preprocessing["scaler"])
        self.history_ = config.get("history", {})
