"""The LSTM and GRU sequence nodes (hand-written BPTT) against autograd through the cells' ``step``."""
import itertools

import pytest
import torch

from seqlab.models.gan import gradient_penalty
from seqlab.nn.cells import LSTMCell
from seqlab.nn.gru_bptt import gru_sequence
from seqlab.nn.lstm_bptt import _LSTMSequence, lstm_sequence, sequence_node_applies, stepwise_recurrence
from seqlab.nn.recurrent import GRU, LSTM, _sequence_node


def _outputs_and_grads(layer, x, h0, c0, stepwise: bool, seed: int = 3):
    torch.manual_seed(seed)  # the recurrent-dropout mask: the same draw on both paths
    with stepwise_recurrence() if stepwise else torch.enable_grad():
        seq, h, c = layer(x, initial_state=[h0, c0])
    loss = (seq ** 2).sum() + (1.3 * h).sum() + (c ** 3).sum()  # gradients reach all three outputs
    inputs = [x, h0, c0, *layer.parameters()]
    return [seq.detach(), h.detach(), c.detach()], torch.autograd.grad(loss, inputs)


@pytest.mark.parametrize("peephole,coupled,dropout", list(itertools.product([False, True], repeat=3)))
@pytest.mark.parametrize("steps", [3, 11])  # fewer than a chunk of steps, and not a multiple of it
def test_sequence_node_equals_autograd_through_the_step(peephole, coupled, dropout, steps):
    layer = LSTM(5, return_sequences=True, return_state=True, peephole=peephole, coupled_gates=coupled,
                 recurrent_dropout=0.3 if dropout else 0.0, use_fast_path=False, input_shape=(steps, 3),
                 generator=torch.Generator().manual_seed(1)).double().train()
    g = torch.Generator().manual_seed(0)
    x, h0, c0 = (torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)
                 for shape in ((4, steps, 3), (4, 5), (4, 5)))
    want_out, want_grads = _outputs_and_grads(layer, x, h0, c0, stepwise=True)
    got_out, got_grads = _outputs_and_grads(layer, x, h0, c0, stepwise=False)
    for got, want in zip(got_out + list(got_grads), want_out + list(want_grads)):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_gradcheck_in_float64_with_peepholes():
    g = torch.Generator().manual_seed(0)

    def t(*shape):
        return torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)

    x, w, b, u, h0, c0 = t(2, 4, 3), t(3, 12), t(12), t(3, 12), t(2, 3), t(2, 3)
    p_i, p_f, p_o = t(3), t(3), t(3)
    assert torch.autograd.gradcheck(
        lambda *a: _LSTMSequence.apply(*a, None, False), (x, w, b, u, h0, c0, p_i, p_f, p_o))


def test_inference_runs_the_same_loop_without_keeping_anything():
    cell = LSTMCell(4, peephole=True, input_dim=2)
    x, states = torch.randn(3, 6, 2), [torch.randn(3, 4), torch.randn(3, 4)]
    with torch.no_grad():
        seq, (h, c) = lstm_sequence(cell, x, states)
        with stepwise_recurrence():
            layer = LSTM(4, return_sequences=True, return_state=True, peephole=True, use_fast_path=False,
                         input_shape=(6, 2))
            layer.cell = cell
            want = layer(x, initial_state=states)
    for got, expected in zip((seq, h, c), want):
        torch.testing.assert_close(got, expected)


def test_only_sigmoid_and_tanh_cells_use_the_node():
    assert sequence_node_applies(LSTMCell(3))
    assert not sequence_node_applies(LSTMCell(3, activation="relu"))
    assert not sequence_node_applies(LSTMCell(3, recurrent_activation="hard_sigmoid"))


def test_a_gradient_penalty_through_a_readable_lstm_critic_differentiates_twice():
    lstm = LSTM(4, peephole=True, input_shape=(5, 2), generator=torch.Generator().manual_seed(0))
    critic = torch.nn.Sequential(lstm, torch.nn.Linear(4, 1))
    real, fake = torch.randn(3, 5, 2), torch.randn(3, 5, 2)
    penalty = gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(0))
    penalty.backward()  # second order: runs because gradient_penalty steps the cell under autograd
    assert critic[0].cell.recurrent_kernel.grad.abs().sum() > 0
    with pytest.raises(RuntimeError, match="once_differentiable"):  # outside that block the node is once-only
        mix = torch.randn(3, 5, 2, requires_grad=True)
        (grad,) = torch.autograd.grad(critic(mix).sum(), mix, create_graph=True)
        grad.square().sum().backward()


@pytest.mark.parametrize("dropout,use_bias", [(False, True), (True, True), (True, False)])
@pytest.mark.parametrize("steps", [3, 11])
def test_gru_sequence_node_equals_autograd_through_the_step(dropout, use_bias, steps):
    layer = GRU(5, return_sequences=True, return_state=True, recurrent_dropout=0.3 if dropout else 0.0,
                use_bias=use_bias, use_fast_path=False, input_shape=(steps, 3),
                generator=torch.Generator().manual_seed(1)).double().train()
    if use_bias:  # nonzero biases, so both bias gradients are checked
        layer.cell.bias.data.normal_(generator=torch.Generator().manual_seed(2))
    g = torch.Generator().manual_seed(0)
    x, h0 = (torch.randn(*shape, generator=g, dtype=torch.float64, requires_grad=True)
             for shape in ((4, steps, 3), (4, 5)))
    results = []
    for stepwise in (True, False):
        torch.manual_seed(3)
        with stepwise_recurrence() if stepwise else torch.enable_grad():
            seq, h = layer(x, initial_state=[h0])
        loss = (seq ** 2).sum() + (1.3 * h).sum()
        results.append([seq.detach(), h.detach(), *torch.autograd.grad(loss, [x, h0, *layer.parameters()])])
    for got, want in zip(results[1], results[0]):
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-12)


def test_gru_node_runs_only_for_reset_after():
    assert _sequence_node(GRU(3).cell) is gru_sequence
    assert _sequence_node(GRU(3, reset_after=False).cell) is None
    with torch.no_grad():
        cell = GRU(4, input_shape=(6, 2)).cell
        seq, (h,) = gru_sequence(cell, torch.randn(3, 6, 2), [torch.zeros(3, 4)])
    assert seq.shape == (3, 6, 4) and torch.equal(seq[:, -1], h)


def test_a_gru_left_to_choose_trains_through_its_node_and_predicts_through_the_fused_op(monkeypatch):
    import seqlab.nn.recurrent as recurrent
    calls = []
    monkeypatch.setattr(recurrent, "gru_sequence", lambda *a: calls.append("node") or gru_sequence(*a))
    layer = GRU(4, input_shape=(5, 2))
    x = torch.randn(3, 5, 2)
    layer(x).sum().backward()
    assert calls == ["node"]
    with torch.no_grad():
        layer(x)
    GRU(4, input_shape=(5, 2), use_fast_path=True)(x).sum().backward()  # asked for the fused op: gets it
    assert calls == ["node"]
