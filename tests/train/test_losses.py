"""Losses against the seeds' worked numbers, NumPy of the formulas, and torch.nn."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from seqlab.io.errors import ConfigError, DataError
from seqlab.train.losses import get_loss, quantile_loss

# seed 003, "Softmax & Cross-Entropy": NN1's predictions for (dog, cat) and the true labels
P = torch.tensor([[0.9, 0.1], [0.1, 0.9], [0.4, 0.6]])
Y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])


def test_categorical_crossentropy_reproduces_seed_003():
    assert float(get_loss("categorical_crossentropy")(P, Y)) == pytest.approx(1.1271 / 3, abs=1e-4)


def test_mse_is_half_of_seed_003_row_summed_mse():
    # seed 003 sums squared errors over the 2 outputs per row: 0.76 / 3 = 0.2533 = 2 x mean
    mse = float(get_loss("mse")(P, Y))
    assert mse == pytest.approx(0.76 / 6, abs=1e-6)
    assert 2 * mse == pytest.approx(0.2533, abs=1e-4)


def test_sparse_categorical_equals_categorical_on_the_same_labels():
    sparse = get_loss("sparse_categorical_crossentropy")(P, torch.tensor([0, 1, 0]))
    assert float(sparse) == pytest.approx(1.1271 / 3, abs=1e-4)
    column = get_loss("sparse_categorical_crossentropy")(P, torch.tensor([[0], [1], [0]]))
    assert float(column) == pytest.approx(float(sparse))


def test_crossentropies_from_logits_match_torch():
    logits = torch.randn(5, 4, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 3, 1, 2, 3])
    ref = F.cross_entropy(logits, labels)
    from seqlab.train.losses import CategoricalCrossentropy, SparseCategoricalCrossentropy
    assert float(SparseCategoricalCrossentropy(from_logits=True)(logits, labels)) == pytest.approx(float(ref), 1e-6)
    onehot = F.one_hot(labels, 4).float()
    assert float(CategoricalCrossentropy(from_logits=True)(logits, onehot)) == pytest.approx(float(ref), 1e-6)


def test_binary_crossentropy_matches_seed_002_formula_and_torch():
    p = np.array([[0.8], [0.3], [0.6], [0.01]], np.float32)
    y = np.array([1.0, 0.0, 1.0, 0.0], np.float32)
    expected = -np.mean(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0]))  # seed 002's J(W)
    got = float(get_loss("binary_crossentropy")(torch.from_numpy(p), torch.from_numpy(y)))
    assert got == pytest.approx(expected, rel=1e-6)
    assert got == pytest.approx(float(F.binary_cross_entropy(torch.from_numpy(p)[:, 0], torch.from_numpy(y))), 1e-6)
    from seqlab.train.losses import BinaryCrossentropy
    logits = torch.logit(torch.from_numpy(p))
    assert float(BinaryCrossentropy(from_logits=True)(logits, torch.from_numpy(y))) == pytest.approx(expected, 1e-5)


def test_binary_crossentropy_clips_certain_mistakes_like_keras():
    got = float(get_loss("binary_crossentropy")(torch.tensor([[0.0]]), torch.tensor([[1.0]])))
    assert got == pytest.approx(-np.log(1e-7), rel=1e-4)


def test_mae_and_huber_match_numpy():
    pred = np.array([[0.0, 2.0], [3.0, -1.0]], np.float32)
    y = np.array([[0.5, 0.0], [0.0, -1.2]], np.float32)
    e = np.abs(pred - y)
    huber = np.where(e <= 1.0, 0.5 * e ** 2, e - 0.5)
    t = lambda a: torch.from_numpy(a)
    assert float(get_loss("mae")(t(pred), t(y))) == pytest.approx(e.mean(), 1e-6)
    assert float(get_loss("huber")(t(pred), t(y))) == pytest.approx(huber.mean(), 1e-6)


def test_quantile_loss_is_the_pinball_loss():
    q = np.array([0.1, 0.5, 0.9])
    pred = np.array([[[1.0, 2.0, 3.0]], [[0.0, 0.5, 4.0]]], np.float32)  # (batch 2, horizon 1, 3 quantiles)
    y = np.array([[2.5], [0.2]], np.float32)
    e = y[..., None] - pred
    expected = np.maximum(q * e, (q - 1) * e).mean()
    got = float(quantile_loss(q)(torch.from_numpy(pred), torch.from_numpy(y)))
    assert got == pytest.approx(expected, 1e-6)
    with pytest.raises(DataError, match="3 quantiles"):
        quantile_loss(q)(torch.zeros(2, 2), torch.zeros(2))


def test_vector_targets_are_reshaped_to_a_single_output_not_broadcast():
    pred = torch.tensor([[1.0], [2.0], [3.0]])
    y = torch.tensor([1.0, 2.0, 5.0])
    assert float(get_loss("mse")(pred, y)) == pytest.approx(4.0 / 3)
    with pytest.raises(DataError, match="do not match"):
        get_loss("mse")(torch.zeros(3, 2), torch.zeros(3, 3))


def test_sample_weights_sum_over_batch_size():
    pred, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[0.0], [0.0]])
    got = get_loss("mse")(pred, y, torch.tensor([2.0, 0.5]))
    assert float(got) == pytest.approx((2.0 * 1 + 0.5 * 4) / 2)


def test_unknown_loss_names_the_choices():
    with pytest.raises(ConfigError, match="mse"):
        get_loss("msq")
    assert float(get_loss(lambda p, t: (p - t).sum())(torch.ones(2), torch.zeros(2))) == 2.0
