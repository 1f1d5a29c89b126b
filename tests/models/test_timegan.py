"""TimeGAN networks, losses and the three training phases (seqlab.models.timegan)."""
import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.models import timegan as tgm
from seqlab.models.timegan import (
    TimeGANConfig,
    TimeGANNet,
    discriminator_step,
    embedder_step,
    embedding_step,
    generator_step,
    joint_step,
    make_optimizers,
    moment_loss,
    supervised_loss,
    supervised_step,
)
from seqlab.tasks.generation.metrics import sine_data

CFG = dict(seq_len=8, features=3, hidden=6, num_layers=2)


def _net(**kw):
    return TimeGANNet(TimeGANConfig(**{**CFG, **kw}), seed=0)


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def _changed(before, module):
    return any(not torch.equal(a, b) for a, b in zip(before, module.parameters()))


def test_every_network_maps_windows_to_the_right_shape():
    net = _net(z_dim=2)
    x, z = torch.rand(5, 8, 3), net.noise(5)
    assert z.shape == (5, 8, 2) and 0 <= float(z.min()) and float(z.max()) < 1
    assert net.embedder(x).shape == (5, 8, 6) and net.recovery(net.embedder(x)).shape == (5, 8, 3)
    assert net.generator(z).shape == (5, 8, 6) and net.supervisor(net.generator(z)).shape == (5, 8, 6)
    assert net.discriminator(net.embedder(x)).shape == (5, 8, 1)
    out = net.generate(z)
    assert out.shape == (5, 8, 3) and 0 <= float(out.min()) and float(out.max()) <= 1    # sigmoid output
    assert net.supervisor.rnn.num_layers == 1 and net.embedder.rnn.num_layers == 2        # one layer fewer


def test_config_rejects_impossible_sizes():
    with pytest.raises(ConfigError, match="2 steps"):
        TimeGANNet(TimeGANConfig(seq_len=1, features=2))
    with pytest.raises(ConfigError, match="hidden"):
        TimeGANNet(TimeGANConfig(seq_len=4, features=2, hidden=0))


def test_moment_loss_matches_numpy_of_the_equation():
    rng = np.random.default_rng(0)
    a, b = rng.random((16, 5, 3)), rng.random((16, 5, 3)) ** 2
    want = (np.abs(np.sqrt(a.var(0) + 1e-6) - np.sqrt(b.var(0) + 1e-6)).mean()
            + np.abs(a.mean(0) - b.mean(0)).mean())
    got = moment_loss(torch.from_numpy(a), torch.from_numpy(b))
    assert float(got) == pytest.approx(want, rel=1e-9)


def test_supervised_loss_compares_each_prediction_with_the_next_latent_step():
    net = _net()
    h = torch.rand(4, 8, 6)
    pred = net.supervisor(h).detach().numpy()
    want = ((pred[:, :-1] - h.numpy()[:, 1:]) ** 2).mean()
    assert float(supervised_loss(net, h)) == pytest.approx(float(want), rel=1e-5)


def test_each_side_updates_only_its_own_networks():
    net = _net()
    opts = make_optimizers(net)
    x, z = torch.rand(6, 8, 3), net.noise(6)
    parts = {name: getattr(net, name) for name in ("embedder", "recovery", "generator", "supervisor", "discriminator")}
    for step, owners in ((lambda: generator_step(net, x, z, opts["generator"]), {"generator", "supervisor"}),
                         (lambda: embedder_step(net, x, opts["embedder"]), {"embedder", "recovery"}),
                         (lambda: discriminator_step(net, x, z, opts["discriminator"]), {"discriminator"})):
        before = {k: _params(m) for k, m in parts.items()}
        monkey_threshold = tgm.D_LOSS_THRESHOLD
        tgm.D_LOSS_THRESHOLD = -1.0                     # make sure the discriminator does update here
        try:
            step()
        finally:
            tgm.D_LOSS_THRESHOLD = monkey_threshold
        assert {k for k, m in parts.items() if _changed(before[k], m)} == owners
        assert all(p.requires_grad for p in net.parameters())     # nothing left frozen


def test_discriminator_is_not_updated_once_its_loss_is_below_the_threshold(monkeypatch):
    net = _net()
    opt = make_optimizers(net)["discriminator"]
    x, z = torch.rand(6, 8, 3), net.noise(6)
    monkeypatch.setattr(tgm, "D_LOSS_THRESHOLD", 1e9)
    before = _params(net.discriminator)
    logs = discriminator_step(net, x, z, opt)
    assert logs["d_updated"] == 0.0 and not _changed(before, net.discriminator)
    monkeypatch.setattr(tgm, "D_LOSS_THRESHOLD", 0.15)
    assert discriminator_step(net, x, z, opt)["d_updated"] == 1.0 and _changed(before, net.discriminator)


def _sines():
    return torch.from_numpy(sine_data(64, 8, 3, seed=0))


@pytest.mark.parametrize("phase, step, loss", [("embedding", embedding_step, "reconstruction_loss"),
                                              ("supervised", supervised_step, "supervised_loss")])
def test_embedding_and_supervised_phases_lower_their_own_loss(phase, step, loss):
    net, x = _net(), _sines()
    opt = make_optimizers(net, lr=1e-2)[phase]
    first = step(net, x, opt)[loss]
    for _ in range(40):
        last = step(net, x, opt)[loss]
    assert last < 0.5 * first


def test_joint_phase_lowers_the_generators_moment_and_supervised_losses():
    net, x = _net(), _sines()
    opts = make_optimizers(net, lr=1e-2)
    for _ in range(20):                    # phases 1 and 2 first, as training runs them
        embedding_step(net, x, opts["embedding"])
        supervised_step(net, x, opts["supervised"])
    g = torch.Generator().manual_seed(0)
    z = net.noise(len(x), g)
    with torch.no_grad():
        before = (float(moment_loss(net.generate(z), x)),)
    for _ in range(40):
        logs = joint_step(net, lambda: (x, net.noise(len(x), g)), opts)
    with torch.no_grad():
        h = net.embedder(x)
        after = (float(moment_loss(net.generate(z), x)), float(supervised_loss(net, h)))
        untrained = float(torch.nn.functional.mse_loss(_net().supervisor(h)[:, :-1], h[:, 1:]))
    # the moments approach the data's; the embedder moves too, and the supervisor keeps predicting it
    assert after[0] < 0.75 * before[0] and after[1] < 0.5 * untrained
    assert {"g_adversarial_loss", "supervised_loss", "moment_loss", "reconstruction_loss", "d_loss"} <= set(logs)
