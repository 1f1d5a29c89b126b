"""Trainer behaviour: Keras semantics of fit, hand-computed updates, reproducibility, safety."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.io.errors import ConfigError, DataError
from seqlab.train import L2, Trainer, add_weight_penalty
from seqlab.train.batching import as_source


def linear_data(n=12, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3).reshape(-1, 1)


def linear(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Linear(3, 1)


def test_full_batch_sgd_epoch_is_one_gradient_descent_step():
    # seed 002: W_new = W_old - lr * dJ/dW with J = mean squared error over all rows
    x, y = linear_data()
    net = linear()
    w, b = net.weight.detach().numpy().T.copy(), net.bias.detach().numpy().copy()
    Trainer(net, loss="mse", optimizer="sgd", metrics=(), lr=0.1).fit(x, y, epochs=1, batch_size=len(x), verbose=0)
    err = x @ w + b - y
    w -= 0.1 * 2 * x.T @ err / len(x)
    b -= 0.1 * 2 * err.mean(0)
    assert np.allclose(net.weight.detach().numpy().T, w, atol=1e-6)
    assert np.allclose(net.bias.detach().numpy(), b, atol=1e-6)


class Recorder(torch.nn.Module):
    """Linear model that remembers which sample ids (column 0) it saw while training/evaluating."""

    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)
        self.train_ids, self.eval_ids = [], []

    def forward(self, x):
        (self.train_ids if self.training else self.eval_ids).extend(x[:, 0].long().tolist())
        return self.lin(x)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    x = np.stack([np.arange(10), np.ones(10)], 1).astype(np.float32)
    net = Recorder()
    Trainer(net, loss="mse", optimizer="sgd", metrics=(), seed=0).fit(
        x, np.zeros(10, np.float32), epochs=2, batch_size=3, validation_split=0.3, verbose=0)
    assert sorted(net.train_ids) == sorted(list(range(7)) * 2)
    assert net.train_ids[:7] != list(range(7)) or net.train_ids[7:] != list(range(7))  # shuffled
    assert sorted(set(net.eval_ids)) == [7, 8, 9]


def test_class_weight_scales_each_samples_loss():
    x, _ = linear_data(8)
    y = np.array([0, 1, 1, 1, 0, 1, 1, 1], np.float32)
    a, b = linear(1), linear(1)
    Trainer(a, loss="mse", optimizer="sgd", metrics=(), lr=0.1).fit(
        x, y, epochs=1, batch_size=8, shuffle=False, class_weight="balanced", verbose=0)
    # balanced: n / (classes * count) -> class 0: 8/(2*2) = 2, class 1: 8/(2*6) = 2/3
    w = np.where(y == 0, 2.0, 2.0 / 3.0).astype(np.float32)
    opt = torch.optim.SGD(b.parameters(), lr=0.1)
    pred = b(torch.from_numpy(x))[:, 0]
    (((pred - torch.from_numpy(y)) ** 2) * torch.from_numpy(w)).sum().div(8).backward()
    opt.step()
    assert torch.allclose(a.weight, b.weight, atol=1e-6)
    with pytest.raises(ConfigError, match="no weight for classes"):
        Trainer(linear(), loss="mse", metrics=()).fit(x, y, class_weight={0: 1.0}, verbose=0)


def test_same_seed_gives_bit_identical_weights_and_history():
    x, y = linear_data(64)

    def run():
        model = seqlab.Sequential([layers.Dense(8, activation="relu"), layers.Dropout(0.3), layers.Dense(1)],
                                  input_shape=(3,), seed=3)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"], seed=7)
        h = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
        return model.get_weights(), h.history

    (w1, h1), (w2, h2) = run(), run()
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))
    assert h1 == h2


def test_frozen_layers_keep_their_weights_and_recompile_picks_up_changes():
    x, y = linear_data(16)
    model = seqlab.Sequential([layers.Dense(4), layers.Dense(1)], input_shape=(3,), seed=0)
    model.layers[0].trainable = False
    before = model.get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    after = model.get_weights()
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
    assert not np.array_equal(before[2], after[2])
    assert sum(p.numel() for g in model.trainer.optimizer.param_groups for p in g["params"]) == 5
    model.layers[0].trainable = True
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert not np.array_equal(after[0], model.get_weights()[0])


def test_weight_penalties_join_the_loss():
    x, y = linear_data()
    a, b = linear(2), linear(2)
    add_weight_penalty(a, "weight", L2(0.1))
    t = Trainer(a, loss="mse", optimizer="sgd", metrics=(), lr=0.1)
    t.fit(x, y, epochs=1, batch_size=len(x), verbose=0)
    opt = torch.optim.SGD(b.parameters(), lr=0.1)
    (((b(torch.from_numpy(x)) - torch.from_numpy(y)) ** 2).mean() + 0.1 * b.weight.square().sum()).backward()
    opt.step()
    assert torch.allclose(a.weight, b.weight, atol=1e-6)


def test_non_finite_loss_stops_with_a_message_and_keeps_the_last_good_weights():
    x, y = linear_data(8)
    bad = x.copy()
    bad[4, 0] = np.nan  # the 3rd batch of 2
    net, ref = linear(), linear()
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=(), lr=0.01)
    with pytest.warns(RuntimeWarning, match=r"epoch 1, batch 3.*clipnorm.*learning rate"):
        h = t.fit(bad, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    assert h.epoch == [] and "batch 3" in h.stop_reason
    Trainer(ref, loss="mse", optimizer="sgd", metrics=(), lr=0.01).fit(
        x[:4], y[:4], epochs=1, batch_size=2, shuffle=False, verbose=0)
    assert torch.equal(net.weight, ref.weight)


def test_batch_methods_match_hand_computed_values():
    x, y = linear_data(4)
    net = linear()
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=["mae"], lr=0.1)
    pred = x @ net.weight.detach().numpy().T + net.bias.detach().numpy()
    assert np.allclose(t.predict_on_batch(x), pred, atol=1e-6)
    logs = t.test_on_batch(x, y)
    assert logs["loss"] == pytest.approx(((pred - y) ** 2).mean(), rel=1e-5)
    assert logs["mae"] == pytest.approx(np.abs(pred - y).mean(), rel=1e-5)
    assert t.train_on_batch(x, y)["loss"] == pytest.approx(logs["loss"], rel=1e-5)
    assert t.test_on_batch(x, y)["loss"] < logs["loss"]
    assert np.allclose(t.predict(x, batch_size=3), t.predict_on_batch(x))


def test_strided_window_views_are_not_copied():
    series = np.arange(100, dtype=np.float32)
    windows = np.lib.stride_tricks.sliding_window_view(series[:-1], 5)[:, :, None]  # (95, 5, 1), read-only
    src = as_source(windows)
    assert src.data_ptr() == windows.__array_interface__["data"][0]
    model = seqlab.Sequential([layers.Flatten(), layers.Dense(1)], input_shape=(5, 1), seed=0)
    model.compile(optimizer="adam", loss="mse")
    h = model.fit(windows, series[5:], epochs=2, batch_size=32, verbose=0)
    assert len(h.history["loss"]) == 2


def test_verbose_modes(capsys):
    x, y = linear_data()
    t = Trainer(linear(), loss="mse", optimizer="sgd", metrics=["mae"])
    t.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""
    t.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Epoch 2/2") and "loss:" in lines[1] and "mae:" in lines[1]
    t.fit(x, y, epochs=1, verbose=1)
    assert "Epoch 1/1" in capsys.readouterr().err


def test_bad_calls_raise_seqlab_errors():
    x, y = linear_data()
    t = Trainer(linear(), loss="mse", metrics=())
    with pytest.raises(DataError, match="12 samples but y has 11"):
        t.fit(x, y[:-1], verbose=0)
    with pytest.raises(ConfigError, match="validation_split"):
        t.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(DataError, match="numeric"):
        t.fit(np.array([["a"] * 3] * 12), y, verbose=0)
    model = seqlab.Sequential([layers.Dense(1)], input_shape=(3,))
    with pytest.raises(ConfigError, match="compile"):
        model.fit(x, y)
    assert model.predict(x).shape == (12, 1)  # predict needs no compile
