"""Recurrent layers: the fused fast path against the readable cell and against torch.nn, and the
sequence behaviours (masks, stateful, go_backwards, dropout masks, states) against hand-computed values."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.recurrent import GRU, LSTM, SimpleRNN

FAST_CAPABLE = {
    "simple_rnn_tanh": lambda **kw: SimpleRNN(6, **kw),
    "simple_rnn_relu": lambda **kw: SimpleRNN(6, activation="relu", **kw),
    "lstm": lambda **kw: LSTM(6, **kw),
    "gru": lambda **kw: GRU(6, **kw),
    "lstm_no_bias": lambda **kw: LSTM(6, use_bias=False, **kw),
}


def twin_layers(make, seed=0):
    """The same layer twice with the same (random, non-zero-bias) weights: fast and readable."""
    torch.manual_seed(seed)
    fast = make(return_sequences=True, return_state=True, use_fast_path=True, input_shape=(9, 4))
    readable = make(return_sequences=True, return_state=True, use_fast_path=False, input_shape=(9, 4))
    rng = np.random.default_rng(seed)
    weights = [rng.normal(scale=0.4, size=w.shape).astype("float32") for w in fast.get_weights()]
    fast.set_weights(weights)
    readable.set_weights(weights)
    return fast, readable


@pytest.mark.parametrize("variant", sorted(FAST_CAPABLE))
def test_fast_path_matches_readable_cell_in_outputs_states_and_gradients(variant):
    fast, readable = twin_layers(FAST_CAPABLE[variant])
    assert fast.can_use_fast_path()
    x = torch.randn(3, 9, 4)
    init = [torch.randn(3, 6) * 0.5 for _ in range(fast.cell.state_size)]
    results = []
    for layer in (fast, readable):
        xi = x.clone().requires_grad_(True)
        si = [s.clone().requires_grad_(True) for s in init]
        out, *states = layer(xi, initial_state=si)
        w = torch.linspace(-1, 1, out.numel()).reshape(out.shape)  # an uneven loss reaches every output
        loss = (out * w).sum() + sum((s * (k + 2)).sum() for k, s in enumerate(states))
        loss.backward()
        grads = [xi.grad, *(s.grad for s in si), *(p.grad for p in layer.weight_tensors())]
        results.append(([out, *states], grads))
    (outs_f, grads_f), (outs_r, grads_r) = results
    for a, b in zip(outs_f + grads_f, outs_r + grads_r):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-5, rtol=1e-5)


def test_fast_path_is_chosen_automatically_only_when_exact():
    assert LSTM(4, input_shape=(3, 2)).can_use_fast_path()
    assert not LSTM(4, peephole=True, input_shape=(3, 2)).can_use_fast_path()
    assert not LSTM(4, coupled_gates=True, input_shape=(3, 2)).can_use_fast_path()
    assert not GRU(4, reset_after=False, input_shape=(3, 2)).can_use_fast_path()
    assert not SimpleRNN(4, activation="linear", input_shape=(3, 2)).can_use_fast_path()
    assert not LSTM(4, recurrent_activation="hard_sigmoid", input_shape=(3, 2)).can_use_fast_path()
    layer = LSTM(4, recurrent_dropout=0.5, input_shape=(3, 2))
    assert not layer.can_use_fast_path()            # training: the recurrent mask needs the cell
    assert layer.eval().can_use_fast_path()          # inference: no recurrent dropout
    padded = torch.tensor([[True, True, True], [False, True, True], [True, False, False]])
    assert LSTM(4, input_shape=(3, 2)).can_use_fast_path(mask=padded)                  # one block per row
    assert not LSTM(4, input_shape=(3, 2)).can_use_fast_path(mask=torch.tensor([[True, False, True]]))
    assert not LSTM(4, input_shape=(3, 2)).can_use_fast_path(mask=torch.tensor([[False, False, False]]))
    with pytest.raises(ConfigError, match="fused"):
        LSTM(4, peephole=True, use_fast_path=True, input_shape=(3, 2))(torch.zeros(1, 3, 2))


def _to_keras_from_torch(module, kind):
    """Keras-layout weights from a torch.nn module (its two biases summed; GRU blocks r,z,n -> z,r,h)."""
    w_ih, w_hh = module.weight_ih_l0.detach().numpy(), module.weight_hh_l0.detach().numpy()
    b_ih, b_hh = module.bias_ih_l0.detach().numpy(), module.bias_hh_l0.detach().numpy()
    if kind == "gru":
        perm = lambda a: np.concatenate([np.split(a, 3)[i] for i in (1, 0, 2)])
        return [perm(w_ih).T, perm(w_hh).T, np.stack([perm(b_ih), perm(b_hh)])]
    return [w_ih.T, w_hh.T, b_ih + b_hh]


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "readable"])
def test_matches_torch_nn_forward_and_gradients(kind, fast):
    torch.manual_seed(3)
    if kind == "lstm":
        ref, ours = torch.nn.LSTM(4, 5, batch_first=True), LSTM(5, return_sequences=True, return_state=True)
    elif kind == "gru":
        ref, ours = torch.nn.GRU(4, 5, batch_first=True), GRU(5, return_sequences=True, return_state=True)
    else:
        act = kind.split("_")[1]
        ref = torch.nn.RNN(4, 5, nonlinearity=act, batch_first=True)
        ours = SimpleRNN(5, activation=act, return_sequences=True, return_state=True)
    ours.use_fast_path = fast
    ours.build_for((8, 4))
    ours.set_weights(_to_keras_from_torch(ref, kind))
    x = torch.randn(3, 8, 4)
    x_ref, x_ours = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    out_ref, state_ref = ref(x_ref)
    out, *states = ours(x_ours)
    np.testing.assert_allclose(out.detach().numpy(), out_ref.detach().numpy(), atol=1e-5)
    state_ref = state_ref if kind == "lstm" else (state_ref,)
    for got, want in zip(states, state_ref):
        np.testing.assert_allclose(got.detach().numpy(), want[0].detach().numpy(), atol=1e-5)
    w = torch.randn(out.shape)
    (out_ref * w).sum().backward()
    (out * w).sum().backward()
    np.testing.assert_allclose(x_ours.grad.numpy(), x_ref.grad.numpy(), atol=1e-5)
    np.testing.assert_allclose(ours.cell.recurrent_kernel.grad.numpy(),
                               _to_keras_from_torch_grad(ref, kind), atol=1e-5)


def _to_keras_from_torch_grad(module, kind):
    g = module.weight_hh_l0.grad.numpy()
    if kind == "gru":
        g = np.concatenate([np.split(g, 3)[i] for i in (1, 0, 2)])
    return g.T


def linear_rnn(**kw):
    """SimpleRNN, 1 unit, linear: h_t = x_t + 0.5 h_{t-1} (easy to compute by hand)."""
    layer = SimpleRNN(1, activation="linear", return_sequences=True, input_shape=(None, 1), **kw)
    layer.set_weights([np.ones((1, 1), "float32"), np.full((1, 1), 0.5, "float32"), np.zeros(1, "float32")])
    return layer


def seq(*values):
    return torch.tensor(values, dtype=torch.float32).reshape(1, -1, 1)


def test_hand_computed_sequence_and_go_backwards():
    np.testing.assert_allclose(linear_rnn()(seq(1, 2, 3)).flatten().tolist(), [1, 2.5, 4.25])
    # go_backwards reads 3, 2, 1 and returns its outputs in that order (Keras)
    np.testing.assert_allclose(linear_rnn(go_backwards=True)(seq(1, 2, 3)).flatten().tolist(), [3, 3.5, 2.75])


@pytest.mark.parametrize("fast", [None, False])
def test_go_backwards_lstm_equals_forward_lstm_on_reversed_input(fast):
    torch.manual_seed(0)
    fwd = LSTM(4, return_sequences=True, input_shape=(6, 3), use_fast_path=fast)
    bwd = LSTM(4, return_sequences=True, go_backwards=True, input_shape=(6, 3), use_fast_path=fast)
    bwd.set_weights(fwd.get_weights())
    x = torch.randn(2, 6, 3)
    torch.testing.assert_close(bwd(x), fwd(x.flip(1)))


def test_masked_steps_keep_state_and_repeat_previous_output():
    mask = torch.tensor([[True, True, False]])
    out = linear_rnn(return_state=True)(seq(1, 2, 3), mask=mask)
    np.testing.assert_allclose(out[0].flatten().tolist(), [1, 2.5, 2.5])
    assert out[1].item() == pytest.approx(2.5)
    # a masked first step outputs zeros and keeps the initial state: h = 2 + 0.5*10, then 3 + 0.5*7
    pre = torch.tensor([[False, True, True]])
    out, h = linear_rnn(return_state=True)(seq(1, 2, 3), initial_state=[torch.full((1, 1), 10.0)], mask=pre)
    np.testing.assert_allclose(out.flatten().tolist(), [0, 7, 6.5])
    assert h.item() == pytest.approx(6.5)


@pytest.mark.parametrize("fast", [None, False], ids=["packed", "readable"])
@pytest.mark.parametrize("make", [lambda: LSTM(4, return_state=True), lambda: GRU(4, return_state=True)])
def test_padded_batch_gives_each_sequence_its_unpadded_result(make, fast):
    torch.manual_seed(0)
    layer = make()
    layer.use_fast_path = fast
    x = torch.randn(2, 5, 3)
    lengths = [5, 3]
    post = torch.arange(5)[None] < torch.tensor(lengths)[:, None]       # post-padding
    out, *states = layer(x, mask=post)
    for b, n in enumerate(lengths):  # the unpadded sequence alone, through the fast path
        ref_out, *ref_states = layer(x[b:b + 1, :n])
        torch.testing.assert_close(out[b:b + 1], ref_out)
        for s, r in zip(states, ref_states):
            torch.testing.assert_close(s[b:b + 1], r)
    pre = post.flip(1)                                                    # pre-padding (pad_sequences default)
    x_pre = torch.stack([x[0], torch.cat([torch.zeros(2, 3), x[1, :3]])])
    out, *states = layer(x_pre, mask=pre)
    ref_out, *ref_states = layer(x[1:2, :3])
    torch.testing.assert_close(out[1:2], ref_out)
    for s, r in zip(states, ref_states):
        torch.testing.assert_close(s[1:2], r)


MASKS = {
    "post": [[1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0, 0]],
    "pre": [[0, 0, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0, 1, 1]],
    "middle": [[0, 1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 0], [0, 0, 0, 0, 1, 1, 1, 1, 1]],
}


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("padding", sorted(MASKS))
@pytest.mark.parametrize("variant", ["lstm", "gru", "simple_rnn_tanh"])
def test_packed_fast_path_matches_readable_cell_on_padded_batches(variant, padding, go_backwards):
    fast, readable = twin_layers(lambda **kw: FAST_CAPABLE[variant](go_backwards=go_backwards, **kw))
    mask = torch.tensor(MASKS[padding], dtype=torch.bool)
    assert fast.can_use_fast_path(mask)
    x = torch.randn(3, 9, 4)
    init = [torch.randn(3, 6) * 0.5 for _ in range(fast.cell.state_size)]
    results = []
    for layer in (fast, readable):
        xi = x.clone().requires_grad_(True)
        si = [s.clone().requires_grad_(True) for s in init]
        out, *states = layer(xi, initial_state=si, mask=mask)
        loss = (out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum() + sum(s.sum() for s in states)
        loss.backward()
        results.append([out, *states, xi.grad, *(s.grad for s in si), *(p.grad for p in layer.weight_tensors())])
    for a, b in zip(*results):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-5, rtol=1e-5)


def test_stateful_layer_carries_state_across_batches_until_reset():
    layer = linear_rnn(stateful=True)
    assert layer(seq(1, 2)).flatten().tolist() == pytest.approx([1, 2.5])
    assert layer(seq(3)).flatten().tolist() == pytest.approx([4.25])     # 3 + 0.5 * 2.5
    layer.reset_states()
    assert layer(seq(3)).flatten().tolist() == pytest.approx([3])
    with pytest.raises(ConfigError, match="reset_states"):
        layer(torch.ones(2, 1, 1))


@pytest.mark.parametrize("fast", [None, False])
def test_stateful_lstm_over_two_halves_equals_one_pass(fast):
    torch.manual_seed(0)
    whole = LSTM(4, return_sequences=True, return_state=True, input_shape=(8, 2), use_fast_path=fast)
    halves = LSTM(4, return_sequences=True, stateful=True, input_shape=(8, 2), use_fast_path=fast)
    halves.set_weights(whole.get_weights())
    x = torch.randn(3, 8, 2)
    out, h, c = whole(x)
    torch.testing.assert_close(torch.cat([halves(x[:, :4]), halves(x[:, 4:])], 1), out)
    torch.testing.assert_close(halves.states[0], h.detach())
    torch.testing.assert_close(halves.states[1], c.detach())


def test_return_state_and_initial_state_shapes():
    layer = LSTM(5, return_state=True, input_shape=(4, 2))
    out, h, c = layer(torch.randn(3, 4, 2))
    assert out.shape == h.shape == c.shape == (3, 5)
    torch.testing.assert_close(out, h)
    with pytest.raises(ConfigError, match="initial_state"):
        layer(torch.randn(3, 4, 2), initial_state=[torch.zeros(3, 5)])
    with pytest.raises(ConfigError, match="expects"):
        layer(torch.randn(3, 4, 7))
    with pytest.raises(DataError, match="no time steps"):
        layer(torch.randn(3, 0, 2))


def test_embedding_mask_zero_reaches_the_lstm_through_sequential():
    model = seqlab.Sequential([layers.Embedding(20, 6, mask_zero=True), layers.LSTM(5)], seed=0)
    padded = torch.tensor([[0, 0, 3, 7, 2], [4, 1, 9, 8, 5]])   # pad_sequences' default: pre-padding
    out = model(padded)
    torch.testing.assert_close(out[0:1], model(padded[0:1, 2:]))  # as if the padding were not there
    torch.testing.assert_close(out[1:2], model(padded[1:2]))


def test_input_dropout_uses_one_mask_per_sequence():
    torch.manual_seed(0)
    layer = SimpleRNN(200, activation="linear", dropout=0.5, return_sequences=True, input_shape=(4, 200))
    layer.set_weights([np.eye(200, dtype="float32"), np.zeros((200, 200), "float32"), np.zeros(200, "float32")])
    out = layer(torch.ones(3, 4, 200))                        # h_t = (x_t * mask) / (1 - p)
    assert set(np.unique(out.detach().numpy())) <= {0.0, 2.0}
    assert torch.equal(out[:, 0:1].expand_as(out), out)        # same dropped features at every step
    assert not torch.equal(out[0], out[1])                     # a new mask for each sequence
    assert 0.35 < (out[:, 0] == 0).float().mean() < 0.65
    assert torch.equal(layer.eval()(torch.ones(3, 4, 200)), torch.ones(3, 4, 200))


def test_recurrent_dropout_reuses_its_mask_at_every_step():
    torch.manual_seed(1)
    n = 200
    layer = SimpleRNN(n, activation="linear", recurrent_dropout=0.5, return_sequences=True, input_shape=(4, n))
    layer.set_weights([np.eye(n, dtype="float32"), np.eye(n, dtype="float32"), np.zeros(n, "float32")])
    x = torch.zeros(2, 4, n)
    x[:, 0] = 1.0                                              # h_0 = 1; then h_t = (h_{t-1} * mask) / (1 - p)
    out = layer(x)
    kept = out[:, 1] != 0
    assert 0.35 < kept.float().mean() < 0.65
    for t in (2, 3):                                           # the same units stay dropped, the rest double
        assert torch.equal(out[:, t] != 0, kept)
        torch.testing.assert_close(out[:, t], out[:, t - 1] * 2)
    assert torch.equal(layer.eval()(x), torch.ones(2, 4, n))


def test_frozen_weights_give_the_same_outputs_and_do_not_outlive_their_block():
    from seqlab.nn.recurrent import LSTM, frozen_weights
    from seqlab.train.inference import predict_tensor

    lstm = LSTM(8, return_sequences=True, input_shape=(5, 3)).eval()
    x = torch.randn(6, 5, 3, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        plain = lstm(x)
        with frozen_weights():
            np.testing.assert_allclose(lstm(x), plain, rtol=1e-6, atol=1e-7)
    before = predict_tensor(lstm, x.numpy(), batch_size=2)          # three batches: inside frozen_weights
    with torch.no_grad():
        lstm.cell.kernel.add_(0.5)
    after = predict_tensor(lstm, x.numpy(), batch_size=2)
    with torch.inference_mode():
        np.testing.assert_allclose(after, lstm(x), rtol=1e-6, atol=1e-7)  # the new weights, not a kept copy
    assert not np.allclose(after, before)
