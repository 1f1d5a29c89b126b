"""One optimiser step against the update rule written out by hand in NumPy.

The loss is 0.5 * ||w||^2 so the gradient at each step is w itself.
"""
import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.train.optimizers import SGD, Adam, build_optimizer

W0 = np.array([1.0, -2.0, 0.5], np.float32)


def run_torch(opt_spec, steps, lr=None):
    w = torch.nn.Parameter(torch.from_numpy(W0.copy()))
    opt = build_optimizer(opt_spec, [w], lr)
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * w.square().sum()).backward()
        opt.step()
    return w.detach().numpy()


def test_keras_default_learning_rates():
    for name, lr in [("sgd", 0.01), ("adam", 0.001), ("adamw", 0.001), ("rmsprop", 0.001),
                     ("adagrad", 0.001), ("adadelta", 0.001)]:
        assert build_optimizer(name, [torch.nn.Parameter(torch.zeros(1))]).param_groups[0]["lr"] == lr


def test_sgd_step_is_w_minus_lr_grad():
    assert np.allclose(run_torch("sgd", 1, lr=0.1), W0 - 0.1 * W0, atol=1e-7)


def test_momentum_and_nesterov_follow_keras_velocity_rule():
    lr, m = 0.1, 0.9
    for nesterov in (False, True):
        w, v = W0.astype(np.float64), np.zeros(3)
        for _ in range(3):
            g = w
            v = m * v - lr * g                      # Keras: velocity
            w = w + (m * v - lr * g if nesterov else v)
        got = run_torch(SGD(learning_rate=lr, momentum=m, nesterov=nesterov), 3)
        assert np.allclose(got, w, atol=1e-6), nesterov


def test_adam_step_matches_kingma_ba():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    w, m, v = W0.astype(np.float64), 0.0, 0.0
    for t in range(1, 4):
        g = w
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g ** 2
        w = w - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    assert np.allclose(run_torch(Adam(learning_rate=lr), 3), w, atol=1e-6)


def test_adamw_decays_weights_before_the_adam_step():
    lr, wd = 0.01, 0.004
    w, m, v = W0.astype(np.float64), 0.0, 0.0
    for t in range(1, 3):
        g = w
        w = w * (1 - lr * wd)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g ** 2
        w = w - lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-7)
    assert np.allclose(run_torch("adamw", 2, lr=lr), w, atol=1e-6)


def test_rmsprop_adagrad_adadelta_steps():
    lr = 0.01
    w, v = W0.astype(np.float64), 0.0
    for _ in range(2):
        g = w
        v = 0.9 * v + 0.1 * g ** 2
        w = w - lr * g / (np.sqrt(v) + 1e-7)
    assert np.allclose(run_torch("rmsprop", 2, lr=lr), w, atol=1e-6)

    w, a = W0.astype(np.float64), 0.1  # Keras's initial accumulator 0.1
    for _ in range(2):
        g = w
        a = a + g ** 2
        w = w - lr * g / (np.sqrt(a) + 1e-7)
    assert np.allclose(run_torch("adagrad", 2, lr=lr), w, atol=1e-6)

    w, v, u, rho, eps = W0.astype(np.float64), 0.0, 0.0, 0.95, 1e-7
    for _ in range(2):
        g = w
        v = rho * v + (1 - rho) * g ** 2
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta ** 2
        w = w - 1.0 * delta
    assert np.allclose(run_torch("adadelta", 2, lr=1.0), w, atol=1e-6)


def test_torch_optimizer_instances_and_classes_are_accepted():
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([w], lr=0.5)
    assert build_optimizer(opt, []) is opt
    assert isinstance(build_optimizer(torch.optim.Adam, [w], lr=0.1), torch.optim.Adam)


def test_bad_optimizer_settings_raise_config_error():
    with pytest.raises(ConfigError, match="adam"):
        build_optimizer("adamx", [torch.nn.Parameter(torch.zeros(1))])
    with pytest.raises(ConfigError, match="no trainable"):
        build_optimizer("sgd", [])
    with pytest.raises(ConfigError):
        build_optimizer(SGD(momentum=0.0, nesterov=True), [torch.nn.Parameter(torch.zeros(1))])
