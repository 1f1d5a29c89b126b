"""Seed 003's softmax/cross-entropy worked numbers for NN1 through seqlab's losses."""
import numpy as np
import pytest
import torch

from seqlab import layers
from seqlab.train.losses import get_loss

# NN1's softmax outputs (dog, cat) for three pictures and the true one-hot labels (seed 003)
NN1 = np.array([[0.9, 0.1], [0.1, 0.9], [0.4, 0.6]], "float32")
TRUTH = np.array([[1, 0], [0, 1], [1, 0]], "float32")


def test_nn1_categorical_crossentropy_is_0_3757():
    # seed 003: (0.1054 + 0.1054 + 0.9163) / 3 = 1.1271 / 3
    want = -(np.log(0.9) + np.log(0.9) + np.log(0.4)) / 3
    got = float(get_loss("categorical_crossentropy")(torch.tensor(NN1), torch.tensor(TRUTH)))
    assert got == pytest.approx(want, abs=1e-6)
    assert round(got, 4) == 0.3757


def test_nn1_seed_mse_is_twice_keras_mse():
    # seed 003's "MSE" sums the squared error over the two outputs, then averages over rows:
    # 0.76 / 3 = 0.2533. Keras's (and seqlab's) mse averages over every element: 0.76 / 6.
    mse = float(get_loss("mse")(torch.tensor(NN1), torch.tensor(TRUTH)))
    assert round(mse, 4) == 0.1267
    assert round(2 * mse, 4) == 0.2533
    assert 2 * mse == pytest.approx(((NN1 - TRUTH) ** 2).sum(axis=1).mean(), abs=1e-6)


def test_nn1_through_a_softmax_layer_and_sparse_labels():
    # a softmax of log-probabilities gives the probabilities back; sparse labels give the same loss
    probs = layers.Activation("softmax")(torch.log(torch.tensor(NN1)))
    torch.testing.assert_close(probs, torch.tensor(NN1))
    dense = get_loss("categorical_crossentropy")(probs, torch.tensor(TRUTH))
    sparse = get_loss("sparse_categorical_crossentropy")(probs, torch.tensor([0, 1, 0]))
    assert float(sparse) == pytest.approx(float(dense), abs=1e-6) == pytest.approx(0.3757, abs=5e-5)
