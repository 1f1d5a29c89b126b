"""Autoencoder nets: shapes, the variants' penalties against independent computations."""
import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.models.autoencoders import (
    AutoencoderConfig,
    AutoencoderNet,
    contractive_penalty,
    corrupt,
    sparsity_penalty,
)


@pytest.mark.parametrize("kind,shape", [("dense", (12,)), ("conv", (1, 8, 8)), ("lstm", (7, 3))])
def test_reconstruction_has_input_shape_and_code_has_code_size(kind, shape):
    net = AutoencoderNet(AutoencoderConfig(kind=kind, input_shape=shape, code_size=5), seed=0)
    x = torch.rand(4, *shape)
    assert net(x).shape == x.shape
    assert net.encode(x).shape == (4, 5)
    assert net.decode(net.encode(x)).shape == x.shape


def test_seed_784_32_784_has_keras_parameter_count():
    net = AutoencoderNet(AutoencoderConfig(kind="dense", input_shape=(784,), code_size=32), seed=0)
    assert sum(p.numel() for p in net.parameters()) == 784 * 32 + 32 + 32 * 784 + 784   # 50,992 in Keras


def test_same_seed_same_weights():
    cfg = AutoencoderConfig(kind="dense", input_shape=(6,), code_size=2)
    a, b = AutoencoderNet(cfg, seed=3), AutoencoderNet(cfg, seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_contractive_penalty_equals_frobenius_norm_of_autograd_jacobian():
    cfg = AutoencoderConfig(kind="dense", input_shape=(5,), hidden=(4,), code_size=3, activation="sigmoid")
    net = AutoencoderNet(cfg, seed=0)
    x = torch.rand(6, 5)
    got = contractive_penalty(x, net.encode, weight=0.7)
    want = 0.0
    for row in x:
        J = torch.autograd.functional.jacobian(lambda v: net.encode(v[None])[0], row)   # (3, 5)
        want += float(J.square().sum())
    assert float(got.detach()) == pytest.approx(0.7 * want / len(x), rel=1e-5)


def test_contractive_penalty_of_one_sigmoid_layer_matches_closed_form():
    # Rifai et al.: ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 for h = sigmoid(x W + b)
    cfg = AutoencoderConfig(kind="dense", input_shape=(4,), code_size=3, activation="sigmoid")
    net = AutoencoderNet(cfg, seed=1)
    W, b = (t.detach().numpy() for t in (net.encoder.layers[0].kernel, net.encoder.layers[0].bias))
    x = np.random.default_rng(0).random((5, 4)).astype(np.float32)
    h = 1 / (1 + np.exp(-(x @ W + b)))
    want = ((h * (1 - h)) ** 2 @ (W ** 2).sum(0)).mean()
    assert float(contractive_penalty(torch.from_numpy(x), net.encode, 1.0).detach()) == pytest.approx(want, rel=1e-5)


def test_sparsity_penalties_follow_their_formulas():
    code = torch.tensor([[0.1, 0.5], [0.3, 0.7]])
    assert float(sparsity_penalty(code, "l1", 2.0)) == pytest.approx(2.0 * (0.6 + 1.0) / 2)
    rho, rho_hat = 0.05, np.array([0.2, 0.6])
    kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
    assert float(sparsity_penalty(code, "kl", 3.0, rho)) == pytest.approx(3.0 * kl.sum(), rel=1e-5)


def test_mask_noise_zeroes_about_the_given_fraction_and_gaussian_keeps_the_mean():
    torch.manual_seed(0)
    x = torch.ones(200, 100)
    assert float((corrupt(x, "mask", 0.3) == 0).float().mean()) == pytest.approx(0.3, abs=0.02)
    assert float(corrupt(x, "gaussian", 0.5).mean()) == pytest.approx(1.0, abs=0.02)


def test_penalties_reach_regularization_loss_only_in_training_mode():
    cfg = AutoencoderConfig(kind="dense", input_shape=(6,), code_size=3, sparsity="l1", sparsity_weight=1.0)
    net = AutoencoderNet(cfg, seed=0)
    x = torch.rand(4, 6)
    net.train()
    net(x)
    want = float(net.encode(x).abs().sum(1).mean().detach())
    assert float(net.regularization_loss().detach()) == pytest.approx(want, rel=1e-5)
    net.eval()
    net(x)
    assert float(net.regularization_loss()) == 0.0


def test_denoising_loss_compares_with_the_clean_input():
    cfg = AutoencoderConfig(kind="dense", input_shape=(6,), code_size=3, noise="mask", noise_level=0.5)
    net = AutoencoderNet(cfg, seed=0).train()
    x = torch.rand(8, 6)
    torch.manual_seed(5)
    out = net(x)
    torch.manual_seed(5)
    x_tilde = x * (torch.rand_like(x) >= 0.5).float()
    assert torch.allclose(out, net.decode(net.encode(x_tilde)))


def test_layer_pairs_mirror_the_stack_and_dbn_weights_are_copied():
    cfg = AutoencoderConfig(kind="dense", input_shape=(6,), hidden=(4,), code_size=2, activation="sigmoid")
    net = AutoencoderNet(cfg, seed=0)
    pairs = net.layer_pairs()
    assert [(e.units, d.units) for e, d in pairs] == [(4, 6), (2, 4)]
    rng = np.random.default_rng(0)
    enc = [(rng.normal(size=(6, 4)), rng.normal(size=4)), (rng.normal(size=(4, 2)), rng.normal(size=2))]
    dec = [(enc[1][0].T, rng.normal(size=4)), (enc[0][0].T, rng.normal(size=6))]
    net.init_from_dbn(enc, dec)
    np.testing.assert_allclose(net.encoder.layers[0].get_weights()[0], enc[0][0], rtol=1e-6)
    np.testing.assert_allclose(net.decoder.layers[1].get_weights()[0], enc[0][0].T, rtol=1e-6)


def test_bad_configs_raise_config_error():
    with pytest.raises(ConfigError):
        AutoencoderNet(AutoencoderConfig(kind="conv", input_shape=(1, 6, 6)))
    with pytest.raises(ConfigError):
        AutoencoderNet(AutoencoderConfig(kind="dense", input_shape=(4,), noise="salt"))
