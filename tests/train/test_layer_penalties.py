"""Regularizers and constraints as layer arguments, trainable initial states, truncated BPTT (issue 15)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.nn.penalties import MaxNorm, MinMaxNorm, NonNeg, UnitNorm
from seqlab.train import L1L2, Trainer
from seqlab.train.regularizers import regularization_loss
from seqlab.train.tbptt import carried_states, reset


def test_weight_penalties_equal_the_formula():
    dense = layers.Dense(3, kernel_regularizer=L1L2(0.01, 0.02), bias_regularizer="l2", input_shape=(4,),
                         bias_initializer="ones")
    rnn = layers.GRU(2, recurrent_regularizer={"l1": 0.5}, input_shape=(5, 3))
    model = seqlab.Sequential([rnn, dense], input_shape=(5, 3))
    k, b = dense.kernel.detach(), dense.bias.detach()
    expected = 0.01 * k.abs().sum() + 0.02 * k.square().sum() + 0.01 * b.square().sum() \
        + 0.5 * rnn.cell.recurrent_kernel.detach().abs().sum()
    assert float(regularization_loss(model)) == pytest.approx(float(expected), rel=1e-6)


def test_activity_penalty_is_taken_on_the_output_per_sample():
    dense = layers.Dense(2, activity_regularizer=L1L2(l2=0.1), input_shape=(3,))
    x = torch.randn(4, 3)
    out = dense(x)  # training mode
    assert float(dense.layer_penalty()) == pytest.approx(float(0.1 * out.square().sum() / 4), rel=1e-6)
    dense.eval()
    dense(x)
    assert dense.layer_penalty() is None


def test_the_training_loss_and_history_include_the_penalty():
    x = seqlab.Input((3,))
    model = seqlab.Model(x, layers.Dense(1, kernel_regularizer=L1L2(l2=0.5), kernel_initializer="ones")(x))
    model.compile("sgd", loss="mse")
    data, target = np.zeros((8, 3), np.float32), np.zeros((8, 1), np.float32)
    assert model.evaluate(data, target)["loss"] == pytest.approx(0.5 * 3, rel=1e-6)  # the data loss is 0
    history = model.fit(data, target, epochs=2, batch_size=8, verbose=0)
    assert history.history["regularization"][-1] == pytest.approx(0.5 * float(model.get_weights()[0].__pow__(2).sum()),
                                                                  rel=1e-5)
    assert history.history["loss"][0] == pytest.approx(1.5, rel=1e-5)


@pytest.mark.parametrize("constraint, check", [
    (MaxNorm(0.5), lambda w: np.linalg.norm(w, axis=0).max() <= 0.5 + 1e-6),
    (UnitNorm(), lambda w: np.allclose(np.linalg.norm(w, axis=0), 1.0, atol=1e-5)),
    (NonNeg(), lambda w: w.min() >= 0),
    (MinMaxNorm(0.2, 0.3), lambda w: np.all((np.linalg.norm(w, axis=0) >= 0.2 - 1e-6)
                                              & (np.linalg.norm(w, axis=0) <= 0.3 + 1e-6))),
])
def test_constraints_hold_after_each_step(constraint, check):
    dense = layers.Dense(4, kernel_constraint=constraint, input_shape=(6,), kernel_initializer="he_normal")
    assert not check(dense.get_weights()[0])  # the start breaks the constraint
    trainer = Trainer(dense, loss="mse", optimizer="sgd", metrics=(), seed=0)
    trainer.train_on_batch(np.random.default_rng(0).normal(size=(8, 6)).astype("float32"), np.ones((8, 4), "float32"))
    assert check(dense.get_weights()[0])


def test_max_norm_formula():
    w = torch.tensor([[3.0, 0.1], [4.0, 0.0]])
    np.testing.assert_allclose(MaxNorm(1.0)(w).numpy(), [[0.6, 0.1], [0.8, 0.0]], atol=1e-6)


def test_trainable_initial_state_receives_gradient_and_is_learned():
    lstm = layers.LSTM(3, trainable_initial_state=True, input_shape=(4, 2))
    out = lstm(torch.randn(5, 4, 2))
    out.square().sum().backward()
    assert lstm.initial_h.grad.abs().sum() > 0 and lstm.initial_c.grad.abs().sum() > 0
    model = seqlab.Sequential([layers.SimpleRNN(2, trainable_initial_state=True), layers.Dense(1)], input_shape=(3, 1))
    model.compile("adam", loss="mse", learning_rate=0.05)
    model.fit(np.zeros((16, 3, 1), np.float32), np.ones((16, 1), np.float32), epochs=3, verbose=0)
    assert np.abs(model.layers[0].initial_h.detach().numpy()).sum() > 0
    given = [torch.ones(5, 3), torch.ones(5, 3)]
    with torch.no_grad():  # a given initial_state wins over the learned one
        plain = layers.LSTM(3, input_shape=(4, 2))
        plain.set_weights(lstm.get_weights()[:3])
        x = torch.randn(5, 4, 2)
        torch.testing.assert_close(lstm(x, initial_state=given), plain(x, initial_state=given))


def test_tbptt_gradient_is_zero_beyond_k_steps():
    rnn = layers.SimpleRNN(4, return_sequences=True, input_shape=(None, 2))
    x = torch.randn(3, 12, 2, requires_grad=True)
    k = 4
    with carried_states(rnn):
        outs = [rnn(x[:, start:start + k]) for start in range(0, 12, k)]
    outs[-1].sum().backward()  # the last window's loss
    assert torch.all(x.grad[:, :8] == 0)
    assert torch.all(x.grad[:, 8:].abs().sum(-1) > 0)
    with torch.no_grad():  # the state was carried: the same outputs as one pass over all 12 steps
        whole = rnn(x)
    torch.testing.assert_close(torch.cat(outs, 1).detach(), whole, atol=1e-6, rtol=1e-5)
    assert rnn.stateful is False and rnn.states is None


def test_fit_with_tbptt_learns_and_resets_between_batches():
    inp = seqlab.Input((None, 1))
    model = seqlab.Model(inp, layers.Dense(1)(layers.GRU(8, return_sequences=True)(inp)), seed=0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 40, 1)).astype("float32")
    y = np.cumsum(x, axis=1) * 0.2  # needs memory across window edges
    model.compile("adam", loss="mse", learning_rate=0.02)
    start = model.evaluate(x, y)["loss"]
    history = model.fit(x, y, epochs=6, batch_size=16, tbptt=10)
    assert len(history.history["loss"]) == 6
    assert history.history["loss"][-1] < 0.5 * start
    reset(model)
    with pytest.raises(seqlab.DataError, match="tbptt"):
        model.fit(x, y[:, :, 0].sum(1, keepdims=True), tbptt=10)
