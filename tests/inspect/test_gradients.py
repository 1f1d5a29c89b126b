"""gradient_over_time: the vanishing gradient of a SimpleRNN against an LSTM's carried gradient."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.inspect import gradient_over_time
from seqlab.io.errors import DataError


def long_lag_task(steps=100, batch=32):
    """The target is the first input: the information has to travel all 100 steps."""
    x = np.random.default_rng(0).normal(size=(batch, steps, 1)).astype("float32")
    return x, x[:, 0, :]


def test_simple_rnn_gradient_vanishes_over_100_steps_where_lstm_gradient_does_not():
    x, y = long_lag_task()
    rnn = seqlab.Sequential([layers.SimpleRNN(32), layers.Dense(1)], input_shape=(100, 1), seed=0)
    lstm = seqlab.Sequential([layers.LSTM(32), layers.Dense(1)], input_shape=(100, 1), seed=0)
    kernel, recurrent_kernel, bias = lstm.layers[0].get_weights()
    bias[32:64] = 3.0  # an open forget gate (f ~ 0.95), what an LSTM learns on a long-lag task
    lstm.layers[0].set_weights([kernel, recurrent_kernel, bias])
    rnn_curve, lstm_curve = gradient_over_time(rnn, x, y), gradient_over_time(lstm, x, y)
    assert rnn_curve.shape == lstm_curve.shape == (100,)
    assert rnn_curve[0] / rnn_curve[-1] < 1e-3          # orders of magnitude lost over 100 steps
    assert lstm_curve[0] / lstm_curve[-1] > 1e-1        # the cell state carries it
    assert lstm_curve.min() / lstm_curve.max() > 1e-2


def test_curve_is_the_norm_of_the_input_gradient_per_step():
    torch.manual_seed(0)
    model = seqlab.Sequential([layers.GRU(4), layers.Dense(2)], input_shape=(6, 3))
    x, y = torch.randn(5, 6, 3), torch.randn(5, 2)
    xg = x.clone().requires_grad_(True)
    torch.nn.functional.mse_loss(model(xg), y).backward()
    expected = np.sqrt((xg.grad.numpy() ** 2).sum(axis=(0, 2)))
    np.testing.assert_allclose(gradient_over_time(model, x, y.numpy()), expected, rtol=1e-6)
    assert model.training  # the mode is restored


def test_rejects_inputs_that_are_not_sequences():
    model = seqlab.Sequential([layers.SimpleRNN(2)], input_shape=(3, 1))
    with pytest.raises(DataError, match="batch, time, features"):
        gradient_over_time(model, np.zeros((3, 1)), np.zeros(3))
