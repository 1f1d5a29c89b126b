"""Cells and layers against NumPy written straight from the seeds' equations (seeds 002, 003, 004).

Weights go in through ``set_weights`` in Keras layout; the NumPy side reads them in that layout
and runs the equations step by step in float64.
"""
import numpy as np
import pytest
import torch

from seqlab.nn.cells import GRUCell, LSTMCell, SimpleRNNCell
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def simple_rnn_np(x, weights, h, activation="tanh"):
    kernel, recurrent_kernel, bias = weights
    act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    outputs = []
    for x_t in x.transpose(1, 0, 2):
        h = act(x_t @ kernel + h @ recurrent_kernel + bias)                 # seed 004
        outputs.append(h)
    return np.stack(outputs, 1), [h]


def lstm_np(x, weights, h, c, peephole=False, coupled=False):
    kernel, recurrent_kernel, bias, *peep = weights
    if peephole and coupled:
        p_f, p_o = peep
    elif peephole:
        p_i, p_f, p_o = peep
    outputs = []
    for x_t in x.transpose(1, 0, 2):
        z = x_t @ kernel + h @ recurrent_kernel + bias
        if coupled:
            z_f, z_c, z_o = np.split(z, 3, axis=-1)
        else:
            z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
        f = sigmoid(z_f + (p_f * c if peephole else 0))                    # f_t (sees C_{t-1})
        i = 1 - f if coupled else sigmoid(z_i + (p_i * c if peephole else 0))
        c = f * c + i * np.tanh(z_c)                                       # C_t = f C_{t-1} + i c~_t
        o = sigmoid(z_o + (p_o * c if peephole else 0))                    # o_t (sees C_t)
        h = o * np.tanh(c)                                                 # h_t = o_t tanh(C_t)
        outputs.append(h)
    return np.stack(outputs, 1), [h, c]


def gru_np(x, weights, h, reset_after=True):
    kernel, recurrent_kernel, bias = weights
    u = h.shape[-1]
    outputs = []
    for x_t in x.transpose(1, 0, 2):
        if reset_after:
            xp, hp = x_t @ kernel + bias[0], h @ recurrent_kernel + bias[1]
            z = sigmoid(xp[:, :u] + hp[:, :u])
            r = sigmoid(xp[:, u:2 * u] + hp[:, u:2 * u])
            candidate = np.tanh(xp[:, 2 * u:] + r * hp[:, 2 * u:])
        else:
            xp = x_t @ kernel + bias
            z = sigmoid(xp[:, :u] + h @ recurrent_kernel[:, :u])
            r = sigmoid(xp[:, u:2 * u] + h @ recurrent_kernel[:, u:2 * u])
            candidate = np.tanh(xp[:, 2 * u:] + (r * h) @ recurrent_kernel[:, 2 * u:])
        h = z * h + (1 - z) * candidate                                    # seed 004
        outputs.append(h)
    return np.stack(outputs, 1), [h]


VARIANTS = {
    "simple_rnn_tanh": (lambda: SimpleRNN(5, return_sequences=True, return_state=True),
                        lambda x, w, s: simple_rnn_np(x, w, *s)),
    "simple_rnn_relu": (lambda: SimpleRNN(5, activation="relu", return_sequences=True, return_state=True),
                        lambda x, w, s: simple_rnn_np(x, w, *s, activation="relu")),
    "lstm": (lambda: LSTM(5, return_sequences=True, return_state=True), lambda x, w, s: lstm_np(x, w, *s)),
    "lstm_peephole": (lambda: LSTM(5, peephole=True, return_sequences=True, return_state=True),
                      lambda x, w, s: lstm_np(x, w, *s, peephole=True)),
    "lstm_coupled": (lambda: LSTM(5, coupled_gates=True, return_sequences=True, return_state=True),
                     lambda x, w, s: lstm_np(x, w, *s, coupled=True)),
    "lstm_peephole_coupled": (lambda: LSTM(5, peephole=True, coupled_gates=True, return_sequences=True,
                                           return_state=True),
                              lambda x, w, s: lstm_np(x, w, *s, peephole=True, coupled=True)),
    "gru_reset_after": (lambda: GRU(5, return_sequences=True, return_state=True), lambda x, w, s: gru_np(x, w, *s)),
    "gru_reset_before": (lambda: GRU(5, reset_after=False, return_sequences=True, return_state=True),
                         lambda x, w, s: gru_np(x, w, *s, reset_after=False)),
}


def random_weights(layer, rng, scale=0.5):
    return [rng.normal(scale=scale, size=w.shape).astype("float32") for w in layer.get_weights()]


@pytest.mark.parametrize("fast", [None, False], ids=["auto", "readable"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_layer_matches_numpy_equations_at_every_step(variant, fast):
    make, reference = VARIANTS[variant]
    rng = np.random.default_rng(1)
    layer = make()
    layer.use_fast_path = fast
    layer.build_for((7, 3))
    weights = random_weights(layer, rng)
    layer.set_weights(weights)
    x = rng.normal(size=(4, 7, 3)).astype("float32")
    states = [rng.normal(scale=0.5, size=(4, 5)).astype("float32") for _ in range(layer.cell.state_size)]
    out, *final = layer(torch.tensor(x), initial_state=[torch.tensor(s) for s in states])
    ref_out, ref_final = reference(x.astype("float64"), [w.astype("float64") for w in weights],
                                   [s.astype("float64") for s in states])
    np.testing.assert_allclose(out.detach().numpy(), ref_out, atol=1e-5, rtol=1e-5)
    assert len(final) == len(ref_final)
    for got, want in zip(final, ref_final):
        np.testing.assert_allclose(got.detach().numpy(), want, atol=1e-5, rtol=1e-5)


def test_cell_single_step_matches_numpy():
    rng = np.random.default_rng(2)
    cell = LSTMCell(4, input_dim=3)
    weights = random_weights(cell, rng)
    cell.set_weights(weights)
    x, h, c = (rng.normal(size=s).astype("float32") for s in [(2, 3), (2, 4), (2, 4)])
    out, (h1, c1) = cell(torch.tensor(x), [torch.tensor(h), torch.tensor(c)])
    _, (h_ref, c_ref) = lstm_np(x[:, None].astype("float64"), weights, h, c)
    np.testing.assert_allclose(out.detach().numpy(), h_ref, atol=1e-6)
    np.testing.assert_allclose(c1.detach().numpy(), c_ref, atol=1e-6)


CELLS = {
    "simple_rnn_tanh": lambda: SimpleRNNCell(3, input_dim=2),
    "simple_rnn_relu": lambda: SimpleRNNCell(3, activation="relu", input_dim=2),
    "lstm": lambda: LSTMCell(3, input_dim=2),
    "lstm_peephole": lambda: LSTMCell(3, peephole=True, input_dim=2),
    "lstm_coupled": lambda: LSTMCell(3, coupled_gates=True, input_dim=2),
    "lstm_peephole_coupled": lambda: LSTMCell(3, peephole=True, coupled_gates=True, input_dim=2),
    "gru_reset_after": lambda: GRUCell(3, input_dim=2),
    "gru_reset_before": lambda: GRUCell(3, reset_after=False, input_dim=2),
}


@pytest.mark.parametrize("variant", sorted(CELLS))
def test_cell_gradients_pass_gradcheck_in_float64(variant):
    torch.manual_seed(0)
    cell = CELLS[variant]().double()
    with torch.no_grad():  # non-zero biases so every term is exercised
        cell.bias.normal_(0, 0.3)
    names = [n for n, _ in cell.named_parameters()]
    params = [p.detach().clone().requires_grad_(True) for p in cell.parameters()]
    x = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    states = [torch.randn(2, 3, dtype=torch.float64, requires_grad=True) for _ in range(cell.state_size)]
    if variant == "simple_rnn_relu":  # keep pre-activations away from the kink at 0
        x = (x.detach() + 2).requires_grad_(True)

    def step(x, *rest):
        ps, ss = rest[:len(params)], rest[len(params):]
        out, new = torch.func.functional_call(cell, dict(zip(names, ps)), (x, list(ss)))
        return (out, *new)

    assert torch.autograd.gradcheck(step, (x, *params, *states))


def test_default_initialisers_follow_keras():
    torch.manual_seed(0)
    cell = LSTMCell(8, input_dim=3)
    k, rk, b = cell.get_weights()
    np.testing.assert_array_equal(b, np.r_[np.zeros(8), np.ones(8), np.zeros(16)])  # unit_forget_bias
    limit = np.sqrt(6 / (3 + 32))
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.5 * limit              # glorot_uniform
    np.testing.assert_allclose(rk @ rk.T, np.eye(8), atol=1e-5)                    # orthogonal rows
    coupled = LSTMCell(8, coupled_gates=True, input_dim=3).get_weights()[2]
    np.testing.assert_array_equal(coupled, np.r_[np.ones(8), np.zeros(16)])        # blocks f, c, o
    assert LSTMCell(8, unit_forget_bias=False, input_dim=3).get_weights()[2].sum() == 0


def test_variant_weights_and_parameter_counts():
    units, features = 16, 4
    base = 4 * (units * features + units * units + units)
    assert LSTMCell(units, input_dim=features).count_params() == base
    peep = LSTMCell(units, peephole=True, input_dim=features)
    assert peep.count_params() == base + 3 * units
    assert peep.weight_names[3:] == ["input_gate_peephole_weights", "forget_gate_peephole_weights",
                                     "output_gate_peephole_weights"]
    assert LSTMCell(units, coupled_gates=True, input_dim=features).count_params() == base // 4 * 3
    gru_shapes = [w.shape for w in GRUCell(units, input_dim=features).get_weights()]
    assert gru_shapes == [(features, 48), (units, 48), (2, 48)]
    assert GRUCell(units, reset_after=False, input_dim=features).get_weights()[2].shape == (48,)


def test_coupled_gates_input_gate_is_one_minus_forget():
    # With a zero candidate weight path, C_t = f C_{t-1} + (1 - f) tanh(b_c): C moves toward tanh(b_c).
    cell = LSTMCell(1, coupled_gates=True, input_dim=1)
    cell.set_weights([np.zeros((1, 3), "float32"), np.zeros((1, 3), "float32"),
                      np.array([0.0, 2.0, 0.0], "float32")])  # f = 0.5, c~ = tanh(2)
    _, (h, c) = cell(torch.zeros(1, 1), [torch.zeros(1, 1), torch.full((1, 1), 4.0)])
    assert c.item() == pytest.approx(0.5 * 4.0 + 0.5 * np.tanh(2.0), abs=1e-6)
    assert h.item() == pytest.approx(0.5 * np.tanh(c.item()), abs=1e-6)
