"""Seed 002's clipping rules: by value (threshold 0.5) and by L2 norm (threshold 1.0)."""
import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.train.clipping import check_clip_settings, clip_gradients


def params_with(*grads):
    out = []
    for g in grads:
        p = torch.nn.Parameter(torch.zeros(len(g)))
        p.grad = torch.tensor(g, dtype=torch.float32)
        out.append(p)
    return out


def test_clipvalue_clips_each_element_to_the_threshold():
    (p,) = params_with([0.7, -0.9, 0.2, -0.4])
    clip_gradients([p], clipvalue=0.5)
    assert p.grad.tolist() == pytest.approx([0.5, -0.5, 0.2, -0.4])


def test_clipnorm_rescales_each_gradient_to_norm_one_only_when_larger():
    big, small = params_with([3.0, 4.0], [0.3, 0.4])
    clip_gradients([big, small], clipnorm=1.0)
    assert big.grad.tolist() == pytest.approx([0.6, 0.8])          # norm 5 -> 1
    assert small.grad.tolist() == pytest.approx([0.3, 0.4])        # norm 0.5 untouched
    assert float(big.grad.norm()) == pytest.approx(1.0)


def test_global_clipnorm_uses_one_norm_over_all_gradients():
    a, b = params_with([3.0, 0.0], [0.0, 4.0])
    clip_gradients([a, b], global_clipnorm=1.0)
    joint = np.array([3.0, 0.0, 0.0, 4.0]) / 5.0
    assert np.allclose(a.grad.tolist() + b.grad.tolist(), joint, atol=1e-6)


def test_norm_rules_apply_before_clipvalue():
    (p,) = params_with([30.0, 40.0])
    clip_gradients([p], clipnorm=1.0, clipvalue=0.7)
    assert p.grad.tolist() == pytest.approx([0.6, 0.7])


def test_thresholds_must_be_positive():
    with pytest.raises(ConfigError, match="clipnorm"):
        check_clip_settings(clipnorm=0)
    with pytest.raises(ConfigError, match="clipvalue"):
        check_clip_settings(clipvalue=-1)
