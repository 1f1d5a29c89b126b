"""Numbers the seeds print that no other test reproduced: each one here, against seqlab.

Seed 000's "Predicted number: 9.297" (a SimpleRNN fitted for 1,000 epochs to four sequences) depends
on Keras's random initial weights and cannot be reproduced digit for digit; the test below checks
the behaviour the seed describes instead (the next number of 5, 6, 7, 8, 9 comes out near 10; seeds
0-2 give 9.48, 9.63, 9.48).
"""
import numpy as np
import pytest
import torch

from seqlab import Sequential, datasets, layers
from seqlab.data.windows import make_windows
from seqlab.train.metrics import get_metric


def test_seed000_summary_prints_2651_parameters_as_10_36_kb(capsys):
    model = Sequential([layers.SimpleRNN(50, input_shape=(5, 1)), layers.Dense(1)])
    text = model.summary() or capsys.readouterr().out
    assert "Total params: 2,651 (10.36 KB)" in text
    assert "Trainable params: 2,651 (10.36 KB)" in text and "Non-trainable params: 0 (0.00 Byte)" in text


def test_seed000_autoencoder_compresses_784_floats_by_24_5():
    model = Sequential([layers.Dense(32, activation="relu", input_shape=(784,)),
                        layers.Dense(784, activation="sigmoid")])
    code = model.layers[0].compute_output_shape((None, 784))[-1]
    assert 784 / code == 24.5
    assert model.count_params() == 784 * 32 + 32 + 32 * 784 + 784


def test_seed000_toy_rnn_continues_the_sequence():
    X = np.array([[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7], [4, 5, 6, 7, 8]], dtype=np.float32)[..., None]
    y = np.array([6, 7, 8, 9], dtype=np.float32)
    model = Sequential([layers.SimpleRNN(50, input_shape=(5, 1)), layers.Dense(1)], seed=0)
    model.compile(optimizer="adam", loss="mean_squared_error", learning_rate=0.01)
    model.fit(X, y, epochs=200, verbose=0)      # the seed: 1,000 epochs at Adam's 0.001; 10x the rate, 1/5 the epochs
    predicted = float(model.predict(np.arange(5, 10, dtype=np.float32).reshape(1, 5, 1)).ravel()[0])
    assert predicted == pytest.approx(10, abs=1.0)      # the seed's Keras run printed 9.297


def test_seed001_toy_sequence_to_sequence_1_to_5_gives_6_to_10():
    starts = np.arange(0, 40, dtype=np.float32)
    X = (starts[:, None] + np.arange(5)) / 50
    Y = (starts[:, None] + np.arange(5, 10)) / 50
    model = Sequential([layers.Dense(5, input_shape=(5,))], seed=0)
    model.compile(optimizer="adam", loss="mse", learning_rate=0.05)
    model.fit(X, Y, epochs=400, batch_size=40, verbose=0)
    out = model.predict(np.arange(1, 6, dtype=np.float32)[None] / 50) * 50
    np.testing.assert_allclose(out.ravel(), [6, 7, 8, 9, 10], atol=0.3)


def test_seed002_layer_shapes_of_the_3_5_5_3_1_network():
    model = Sequential([layers.Dense(5, input_shape=(3,)), layers.Dense(5), layers.Dense(3), layers.Dense(1)])
    kernels = [w for w in model.get_weights() if w.ndim == 2]
    biases = [w for w in model.get_weights() if w.ndim == 1]
    # the seed writes w[l] as (n[l], n[l-1]); Keras (and seqlab) store its transpose
    assert [k.T.shape for k in kernels] == [(5, 3), (5, 5), (3, 5), (1, 3)]
    assert [b.shape for b in biases] == [(5,), (5,), (3,), (1,)]


def test_seed003_classification_error_of_nn1_is_one_third():
    predicted = np.array([[0.9, 0.1], [0.1, 0.9], [0.4, 0.6]])
    actual = np.array([[1, 0], [0, 1], [1, 0]])
    metric = get_metric("accuracy")
    metric.update(torch.tensor(predicted), torch.tensor(actual))
    assert 1 - metric.result() == pytest.approx(1 / 3)        # NN1 gets row 3 (dog at 0.4) wrong


def test_seed003_google_stock_gives_1198_windows_of_60_steps():
    prices = datasets.load("google-stock")["train"]["Open"].to_numpy(dtype=np.float32)
    assert len(prices) == 1258
    X, y = make_windows(prices, lookback=60)
    assert X.shape[:2] == (1198, 60) and len(y) == 1198       # for i in range(60, 1258)


def test_seed004_simplernn_over_120_steps_of_14_features_gives_16():
    last = Sequential([layers.SimpleRNN(16, input_shape=(120, 14))])
    every = Sequential([layers.SimpleRNN(16, return_sequences=True, input_shape=(120, 14))])
    x = np.zeros((2, 120, 14), dtype=np.float32)
    assert last.predict(x).shape == (2, 16)
    # the seed prints (120, 16) for return_sequences=True; with the batch axis Keras gives (None, 120, 16)
    assert every.predict(x).shape == (2, 120, 16)
