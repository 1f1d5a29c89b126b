"""GAN losses against seed 002's formulas (written out here with NumPy on probabilities), the
gradient penalty, weight clipping, and the static adversary of each update."""
import numpy as np
import pytest
import torch

from seqlab.models.gan import (
    GANConfig,
    GANNet,
    discriminator_loss,
    generator_loss,
    gradient_penalty,
    train_step,
)

REAL = torch.tensor([[1.2], [-0.3], [2.0]])     # raw discriminator scores
FAKE = torch.tensor([[-1.0], [0.4], [0.1]])


def _sig(s):
    return 1 / (1 + np.exp(-s.numpy().ravel().astype(np.float64)))


def test_minimax_matches_seed_002_value_function():
    d_x, d_gz = _sig(REAL), _sig(FAKE)
    value = np.mean(np.log(d_x)) + np.mean(np.log(1 - d_gz))     # E_x[log D(x)] + E_z[log(1 - D(G(z)))]
    assert float(discriminator_loss("minimax", REAL, FAKE)) == pytest.approx(-value, rel=1e-6)   # D maximises
    assert float(generator_loss("minimax", FAKE)) == pytest.approx(np.mean(np.log(1 - d_gz)), rel=1e-6)  # G minimises


def test_non_saturating_generator_maximises_log_d_of_fakes():
    assert float(generator_loss("non-saturating", FAKE)) == pytest.approx(-np.mean(np.log(_sig(FAKE))), rel=1e-6)
    assert float(discriminator_loss("non-saturating", REAL, FAKE)) == pytest.approx(
        float(discriminator_loss("minimax", REAL, FAKE)))


@pytest.mark.parametrize("loss", ["wasserstein", "wasserstein-gp"])
def test_wasserstein_critic_and_generator_losses_match_seed_002(loss):
    r, f = REAL.numpy().ravel(), FAKE.numpy().ravel()
    assert float(discriminator_loss(loss, REAL, FAKE)) == pytest.approx(f.mean() - r.mean(), rel=1e-6)  # D(x)-D(G(z))
    assert float(generator_loss(loss, FAKE)) == pytest.approx(-f.mean(), rel=1e-6)  # D(G(z))


def test_gradient_penalty_of_a_linear_critic_is_the_squared_norm_gap():
    w = torch.tensor([3.0, 4.0])                       # ||grad|| = 5 everywhere
    gp = gradient_penalty(lambda x: x @ w, torch.rand(6, 2), torch.rand(6, 2))
    assert float(gp) == pytest.approx((5 - 1) ** 2)


class _Recorder(torch.optim.SGD):
    """SGD that snapshots the other network at the moment it steps."""

    def __init__(self, params, other, log):
        super().__init__(params, lr=0.05)
        self.other, self.log = other, log

    def step(self, closure=None):
        self.log.append([None if p.grad is None else p.grad.clone() for p in self.other.parameters()])
        return super().step(closure)


def test_each_network_is_trained_against_a_static_adversary():
    net = GANNet(GANConfig(arch="dense", sample_shape=(4,), latent_dim=2, units=8), seed=0)
    d_log, g_log = [], []
    opt_d = _Recorder(net.discriminator.parameters(), net.generator, d_log)
    opt_g = _Recorder(net.generator.parameters(), net.discriminator, g_log)
    g0 = [p.detach().clone() for p in net.generator.parameters()]
    train_step(net, torch.rand(8, 4), opt_g, opt_d, "non-saturating", generator=torch.Generator().manual_seed(0))
    assert all(g is None for g in d_log[0])                 # the generator got no gradient from D's update
    d_grads_after_d_step = [p.grad.clone() for p in net.discriminator.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(g_log[0], d_grads_after_d_step))   # G's update left D untouched
    assert any(not torch.equal(a, p) for a, p in zip(g0, net.generator.parameters()))


def test_wasserstein_clips_critic_weights_and_runs_n_critic_updates():
    net = GANNet(GANConfig(arch="dense", sample_shape=(4,), latent_dim=2, units=8), seed=0)
    log = []
    opt_d = _Recorder(net.discriminator.parameters(), net.generator, log)
    opt_g = torch.optim.RMSprop(net.generator.parameters(), lr=1e-3)
    train_step(net, torch.rand(8, 4), opt_g, opt_d, "wasserstein", n_critic=3, clip_value=0.01)
    assert len(log) == 3
    assert max(float(p.detach().abs().max()) for p in net.discriminator.parameters()) <= 0.01 + 1e-7


@pytest.mark.parametrize("arch,shape", [("dense", (5,)), ("dcgan", (1, 8, 8)), ("lstm", (30,)), ("rnn", (6, 2))])
def test_conditional_generators_and_discriminators_have_the_right_shapes(arch, shape):
    net = GANNet(GANConfig(arch=arch, sample_shape=shape, latent_dim=3, units=8, n_classes=4), seed=0)
    labels = torch.tensor([0, 3, 1])
    x = net.generate(net.latent(3), labels)
    assert x.shape == (3, *shape)
    assert net.discriminate(x, labels).shape == (3, 1)


def test_seed_000_discriminator_is_300_250_100_1():
    net = GANNet(GANConfig(arch="lstm", sample_shape=(300,), latent_dim=3, units=150), seed=0)
    assert [layer.units for layer in net.discriminator.layers] == [300, 250, 100, 1]
    lstm = net.generator.layers[1]
    assert lstm.count_params() == 4 * 150 * (1 + 150 + 1)   # LSTM(150) on 1 feature, as Keras counts
