"""Initialisers against their definitions (seed 002: uniform, Xavier, He; seed 004: orthogonal by QR)."""
import math

import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.initializers import INITIALIZERS, fans, get_initializer, orthogonal

SHAPE = (300, 200)


def draw(name, shape=SHAPE, seed=0):
    return get_initializer(name)(shape, torch.Generator().manual_seed(seed)).double().numpy()


@pytest.mark.parametrize("name, limit", [
    ("uniform", 1 / math.sqrt(300)),                  # U[-1/sqrt(fan_in), 1/sqrt(fan_in)]
    ("glorot_uniform", math.sqrt(6 / (300 + 200))),   # U[-sqrt(6)/sqrt(fan_in+fan_out), ...]
    ("he_uniform", math.sqrt(6 / 300)),               # U[-sqrt(6/fan_in), ...]
])
def test_uniform_initialisers_fill_their_interval(name, limit):
    w = draw(name)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit
    assert abs(w.mean()) < 0.02 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)   # variance of U[-a, a] is a^2/3


@pytest.mark.parametrize("name, std", [
    ("glorot_normal", math.sqrt(2 / (300 + 200))),    # sigma = sqrt(2 / (fan_in + fan_out))
    ("he_normal", math.sqrt(2 / 300)),                # sigma = sqrt(2 / fan_in)
    ("lecun_normal", math.sqrt(1 / 300)),
])
def test_normal_initialisers_have_the_seed_standard_deviation(name, std):
    w = draw(name)
    assert w.std() == pytest.approx(std, rel=0.03)
    assert abs(w.mean()) < 0.02 * std
    assert np.abs(w).max() <= 2 * std / 0.8796 + 1e-7  # truncated at two (pre-scaling) deviations, as Keras


def test_orthogonal_is_orthonormal_for_square_and_recurrent_kernel_shapes():
    g = torch.Generator().manual_seed(0)
    w = orthogonal((64, 64), g).double().numpy()
    np.testing.assert_allclose(w.T @ w, np.eye(64), atol=1e-5)                 # W^T W = I
    x = np.random.default_rng(0).normal(size=64)
    assert np.linalg.norm(w @ x) == pytest.approx(np.linalg.norm(x), rel=1e-5)  # norm preserving
    wide = orthogonal((16, 64), g).double().numpy()                            # (units, 4*units)
    np.testing.assert_allclose(wide @ wide.T, np.eye(16), atol=1e-5)
    tall = orthogonal((64, 16), g).double().numpy()
    np.testing.assert_allclose(tall.T @ tall, np.eye(16), atol=1e-5)


def test_orthogonal_draws_are_not_biased_toward_positive_diagonal():
    # sign correction by diag(R) makes Q uniformly (Haar) distributed: diagonal means near 0
    diag = np.stack([np.diag(draw("orthogonal", (8, 8), seed=s)) for s in range(400)])
    assert np.abs(diag.mean(0)).max() < 0.1


def test_constants_fans_and_reproducibility():
    assert (draw("zeros", (3, 2)) == 0).all() and (draw("ones", (3, 2)) == 1).all()
    assert fans((3, 3, 16, 32)) == (3 * 3 * 16, 3 * 3 * 32)
    for name in INITIALIZERS:
        np.testing.assert_array_equal(draw(name, (5, 4), seed=7), draw(name, (5, 4), seed=7))
    with pytest.raises(ConfigError, match="unknown initializer"):
        get_initializer("glorot")
