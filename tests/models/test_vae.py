"""VAE: KL term against torch.distributions, reparameterisation, sampling."""
import numpy as np
import pytest
import torch
from torch.distributions import Normal
from torch.distributions import kl_divergence as torch_kl

from seqlab.models.vae import VAEConfig, VAENet, kl_divergence, vae_bce_loss


def test_kl_term_matches_torch_distributions():
    mu, log_var = torch.randn(5, 3), torch.randn(5, 3)
    want = torch_kl(Normal(mu, (0.5 * log_var).exp()), Normal(0.0, 1.0)).sum(-1)
    assert torch.allclose(kl_divergence(mu, log_var), want, atol=1e-5)


def test_bce_loss_sums_over_features():
    p, y = torch.tensor([[0.8, 0.3]]), torch.tensor([[1.0, 0.0]])
    assert float(vae_bce_loss(p, y)) == pytest.approx(-(np.log(0.8) + np.log(0.7)), rel=1e-6)


def test_reparameterised_sample_carries_gradients_to_the_encoder():
    net = VAENet(VAEConfig(input_dim=4, latent_dim=2, hidden=(6,)), seed=0).train()
    x = torch.rand(3, 4)
    (net(x).sum() + net.regularization_loss()).backward()
    assert net.mu.kernel.grad is not None and net.log_var.kernel.grad.abs().sum() > 0


def test_evaluation_mode_decodes_the_mean_and_adds_no_kl():
    net = VAENet(VAEConfig(input_dim=4, latent_dim=2, hidden=(6,)), seed=0).eval()
    x = torch.rand(3, 4)
    assert torch.allclose(net(x), net.decode(net.encode(x)[0]))
    assert float(net.regularization_loss()) == 0.0


def test_sample_draws_from_the_prior():
    net = VAENet(VAEConfig(input_dim=4, latent_dim=2, hidden=(6,)), seed=0)
    a = net.sample(7, torch.Generator().manual_seed(1))
    b = net.decode(torch.randn(7, 2, generator=torch.Generator().manual_seed(1)))
    assert a.shape == (7, 4) and torch.allclose(a, b)
