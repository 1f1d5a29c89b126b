"""Activations against the course's formulas and their derivatives (seed 002)."""
import math

import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.nn.activations import Maxout, PReLU, activation_name, get_activation

Z = np.array([-3.0, -1.5, -0.2, 0.3, 1.0, 2.7])  # no kinks (0, +-2.5) hit exactly
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


# name: (g(z), g'(z)) written from the seed's formulas
FORMULAS = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),                          # g' = m
    "sigmoid": (np_sigmoid, lambda z: np_sigmoid(z) * (1 - np_sigmoid(z))),       # g(1 - g)
    "tanh": (lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(0, z), lambda z: (z > 0).astype(float)),
    "leaky_relu": (lambda z: np.maximum(0.01 * z, z), lambda z: np.where(z > 0, 1.0, 0.01)),
    "hard_sigmoid": (lambda z: np.clip(0.2 * z + 0.5, 0, 1), lambda z: np.where(np.abs(z) < 2.5, 0.2, 0.0)),
    "elu": (lambda z: np.where(z > 0, z, np.exp(z) - 1), lambda z: np.where(z > 0, 1.0, np.exp(z))),
    "selu": (lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * (np.exp(z) - 1)),
             lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(z))),
    "swish": (lambda z: z * np_sigmoid(z), lambda z: np_sigmoid(z) + z * np_sigmoid(z) * (1 - np_sigmoid(z))),
    "softplus": (lambda z: np.log1p(np.exp(z)), np_sigmoid),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_activation_and_derivative_match_the_formula(name):
    g, dg = FORMULAS[name]
    z = torch.tensor(Z, requires_grad=True)
    out = get_activation(name)(z)
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), g(Z), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(z.grad.numpy(), dg(Z), rtol=1e-10, atol=1e-12)


def test_threshold_is_the_perceptron_step():
    np.testing.assert_array_equal(get_activation("threshold")(torch.tensor(Z)).numpy(), (Z >= 0).astype(float))
    assert get_activation("step") is get_activation("threshold")
    assert get_activation("silu") is get_activation("swish")


def test_softmax_is_normalised_exponentials_over_the_last_axis():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, -1.0]])
    expected = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(get_activation("softmax")(torch.tensor(z)).numpy(), expected, rtol=1e-12)
    zt = torch.tensor(z, requires_grad=True)
    get_activation("softmax")(zt)[0, 0].backward()
    s = expected[0]
    np.testing.assert_allclose(zt.grad.numpy()[0], s[0] * (np.eye(3)[0] - s), rtol=1e-10)  # ds_0/dz_j


def test_prelu_learns_its_slope_and_maxout_takes_group_maxima():
    prelu = PReLU(2, init=0.1)
    x = torch.tensor([[-2.0, 3.0]])
    prelu(x).sum().backward()
    np.testing.assert_allclose(prelu(x).detach().numpy(), [[-0.2, 3.0]])
    np.testing.assert_allclose(prelu.alpha.grad.numpy(), [-2.0, 0.0])   # d(a z)/da = z where z < 0
    np.testing.assert_array_equal(Maxout(3)(torch.tensor([[1.0, 7.0, 2.0, -1.0, -5.0, 0.0]])).numpy(), [[7.0, 0.0]])
    with pytest.raises(ConfigError):
        Maxout(4)(torch.zeros(1, 6))


def test_names_round_trip_and_unknown_names_fail_clearly():
    assert activation_name("relu") == "relu" and activation_name(None) == "linear"
    assert activation_name(get_activation("tanh")) == "tanh"
    assert get_activation(None)(torch.tensor(2.0)).item() == 2.0
    with pytest.raises(ConfigError, match="unknown activation"):
        get_activation("relu6")
    assert math.isclose(get_activation("leaky_relu")(torch.tensor(-1.0)).item(), -0.01, rel_tol=1e-6)
