"""Bidirectional against hand-computed values, and stacking recurrent layers through Sequential."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.nn.bidirectional import Bidirectional
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN

X = torch.tensor([1.0, 2.0, 3.0]).reshape(1, 3, 1)
# forward (h_t = x_t + 0.5 h_{t-1}) over 1, 2, 3:     1, 2.5, 4.25
# backward (h_t = x_t + 0.25 h_{t-1}) over 3, 2, 1:  3, 2.75, 1.6875 -> in time order 1.6875, 2.75, 3
FWD, BWD = np.array([1, 2.5, 4.25]), np.array([1.6875, 2.75, 3])


def hand_bidirectional(merge_mode="concat", **kw):
    bi = Bidirectional(SimpleRNN(1, activation="linear", **kw), merge_mode=merge_mode, input_shape=(None, 1))
    one, zero = np.ones((1, 1), "float32"), np.zeros(1, "float32")
    bi.set_weights([one, 0.5 * one, zero, one, 0.25 * one, zero])  # forward layer's weights first
    return bi


@pytest.mark.parametrize("merge_mode, expected", [
    ("concat", np.stack([FWD, BWD], -1)), ("sum", FWD + BWD), ("mul", FWD * BWD), ("ave", (FWD + BWD) / 2)])
def test_merge_modes_on_sequences(merge_mode, expected):
    out = hand_bidirectional(merge_mode, return_sequences=True)(X)
    np.testing.assert_allclose(out.detach().numpy().reshape(expected.shape), expected)


def test_last_output_pairs_forward_end_with_backward_end():
    out = hand_bidirectional()(X)
    np.testing.assert_allclose(out.detach().numpy(), [[4.25, 1.6875]])  # each direction's final step
    f, b = hand_bidirectional(merge_mode=None)(X)
    assert f.item() == pytest.approx(4.25) and b.item() == pytest.approx(1.6875)


def test_return_state_gives_forward_then_backward_states():
    torch.manual_seed(0)
    bi = Bidirectional(LSTM(3, return_state=True), input_shape=(5, 2))
    out, h_f, c_f, h_b, c_b = bi(torch.randn(4, 5, 2))
    assert out.shape == (4, 6)
    torch.testing.assert_close(out, torch.cat([h_f, h_b], -1))
    init = [torch.randn(4, 3) for _ in range(4)]
    x = torch.randn(4, 5, 2)
    _, h_f, _, h_b, _ = bi(x, initial_state=init)
    alone = LSTM(3, return_state=True, go_backwards=True, input_shape=(5, 2))
    alone.set_weights(bi.get_weights()[3:])
    torch.testing.assert_close(h_b, alone(x, initial_state=init[2:])[1])


def test_weights_are_forward_then_backward_and_counted_twice():
    bi = Bidirectional(GRU(8), input_shape=(10, 4))
    assert bi.count_params() == 2 * GRU(8, input_shape=(10, 4)).count_params()
    assert bi.weight_names[:3] == ["forward_kernel", "forward_recurrent_kernel", "forward_bias"]
    assert bi.backward_layer.go_backwards and not bi.forward_layer.go_backwards


def test_mask_reaches_both_directions():
    mask = torch.tensor([[True, True, False]])
    out = hand_bidirectional(return_sequences=True)(X, mask=mask)
    # forward: 1, 2.5, (2.5 repeated); backward reads 3(masked), 2, 1: outputs 0, 2, 1.5 -> time order 1.5, 2, 0
    np.testing.assert_allclose(out.detach().numpy()[0], [[1, 1.5], [2.5, 2], [2.5, 0]])


def test_stacked_bidirectional_and_recurrent_layers_train_through_sequential():
    model = seqlab.Sequential([
        layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
        layers.GRU(8, return_sequences=True),
        layers.SimpleRNN(4),
        layers.Dense(1),
    ], input_shape=(12, 3), seed=0)
    assert model.output_shape == (1,)
    assert [l.output_shape_ for l in model.layers[:3]] == [(12, 16), (12, 8), (4,)]
    x, y = torch.randn(16, 12, 3), torch.randn(16, 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


def test_recurrent_stack_survives_save_and_load(tmp_path):
    model = seqlab.Sequential([
        layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode="sum"),
        layers.LSTM(5, peephole=True, return_sequences=True),
        layers.SimpleRNN(3, activation="relu"),
        layers.Dense(1),
    ], input_shape=(7, 2), seed=1).eval()
    model.save(tmp_path / "m")
    loaded = seqlab.load(tmp_path / "m")
    assert [type(l).__name__ for l in loaded.layers] == ["Bidirectional", "LSTM", "SimpleRNN", "Dense"]
    x = torch.randn(3, 7, 2)
    torch.testing.assert_close(loaded(x), model(x))
