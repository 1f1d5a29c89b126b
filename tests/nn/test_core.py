import numpy as np
import torch

import seqlab
from seqlab import layers


def test_dense_follows_keras_layout():
    d = layers.Dense(3, input_dim=2)
    k = np.arange(6, dtype="float32").reshape(2, 3)
    b = np.array([1, 2, 3], "float32")
    d.set_weights([k, b])
    x = np.array([[1.0, -1.0]], "float32")
    np.testing.assert_allclose(d(torch.tensor(x)).detach().numpy(), x @ k + b)


def test_layers_get_keras_names_in_order():
    m = seqlab.Sequential([layers.Dense(4), layers.Dense(4), layers.Dense(1)], input_shape=(3,))
    assert [l.name for l in m.layers] == ["dense", "dense_1", "dense_2"]


def test_seed_makes_initialisation_reproducible():
    a = seqlab.Sequential([layers.Dense(4)], input_shape=(3,), seed=1).get_weights()
    b = seqlab.Sequential([layers.Dense(4)], input_shape=(3,), seed=1).get_weights()
    np.testing.assert_array_equal(a[0], b[0])


def test_embedding_summary_shows_unknown_length():
    m = seqlab.Sequential([layers.Embedding(5000, 64), layers.Dropout(0.5)])
    assert "(None, None, 64)" in m.summary()
    assert m.count_params() == 320_000


def test_default_names_follow_keras():
    from seqlab.nn.base import snake_case

    names = {"SimpleRNN": "simple_rnn", "Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d",
             "GlobalAveragePooling1D": "global_average_pooling1d", "TimeDistributed": "time_distributed"}
    assert {k: snake_case(k) for k in names} == names
