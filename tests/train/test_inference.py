"""predict over a data set: one module call per batch on slices of a once-converted chunk, the same
outputs as calling the model batch by batch, and nothing left behind that training cannot use."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers as L
from seqlab.io.errors import DataError
from seqlab.train import inference
from seqlab.train.inference import predict_tensor


def reference(model, x, batch_size):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(torch.as_tensor(x[i:i + batch_size], dtype=torch.float32))
                          for i in range(0, len(x), batch_size)]).numpy()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_predict_matches_batch_by_batch_calls_for_any_input_dtype(dtype):
    model = seqlab.Sequential([L.GRU(5), L.Dense(2)], input_shape=(6, 3), seed=0)
    x = (np.random.default_rng(0).normal(size=(70, 6, 3)) * 3).astype(dtype)
    got = model.predict(x, batch_size=16)
    assert got.dtype == np.float32 and got.shape == (70, 2)
    np.testing.assert_allclose(got, reference(model, x, 16), atol=1e-6)


def test_large_inputs_stream_in_chunks_with_the_same_result(monkeypatch):
    model = seqlab.Sequential([L.LSTM(4), L.Dense(1)], input_shape=(5, 2), seed=0)
    x = np.random.default_rng(1).normal(size=(50, 5, 2))
    whole = model.predict(x, batch_size=8)
    monkeypatch.setattr(inference, "CHUNK_BYTES", 8 * 5 * 2 * 4 * 2)   # two batches per chunk
    calls = []
    model.stack.layers[0].register_forward_hook(lambda m, i, o: calls.append(i[0].shape[0]))
    np.testing.assert_array_equal(model.predict(x, batch_size=8), whole)
    assert calls == [8] * 6 + [2]


def test_several_inputs_strided_views_and_empty_input():
    net = torch.nn.Bilinear(3, 2, 1)
    a, b = np.ones((9, 3), np.float32), np.arange(18.0).reshape(9, 2)
    got = predict_tensor(net, [a, b], batch_size=4)
    np.testing.assert_allclose(got.numpy(), net(torch.from_numpy(a), torch.from_numpy(b).float()).detach().numpy(),
                               atol=1e-5)
    view = np.lib.stride_tricks.sliding_window_view(np.arange(40.0), 5)[::-1]   # negative strides: gathered
    lin = torch.nn.Linear(5, 1)
    np.testing.assert_allclose(predict_tensor(lin, view, 7).numpy(),
                               lin(torch.tensor(view.copy(), dtype=torch.float32)).detach().numpy(), atol=1e-5)
    with pytest.raises(DataError, match="no samples"):
        predict_tensor(lin, np.zeros((0, 5)))


def test_a_model_built_by_predict_and_a_stateful_one_still_train():
    lazy = seqlab.Sequential([L.Dense(3), L.Dense(1)], seed=0)
    x, y = np.ones((8, 4), np.float32), np.zeros((8, 1), np.float32)
    lazy.predict(x)                               # builds the weights: they must not be inference tensors
    lazy.compile(optimizer="sgd", loss="mse")
    lazy.fit(x, y, epochs=1, batch_size=4, verbose=0)
    stateful = seqlab.Sequential([L.LSTM(3, stateful=True), L.Dense(1)], input_shape=(4, 2), seed=0)
    xs = np.ones((4, 4, 2), np.float32)
    stateful.predict(xs, batch_size=4)            # carries states out of inference mode
    stateful.compile(optimizer="sgd", loss="mse")
    stateful.fit(xs, np.zeros((4, 1), np.float32), epochs=1, batch_size=4, shuffle=False, verbose=0)


def test_the_fused_weights_kept_for_inference_follow_every_weight_change():
    model = seqlab.Sequential([L.GRU(4), L.Dense(1)], input_shape=(5, 2), seed=0)
    readable = seqlab.Sequential([L.GRU(4, use_fast_path=False), L.Dense(1)], input_shape=(5, 2), seed=1)
    x = np.random.default_rng(2).normal(size=(6, 5, 2)).astype(np.float32)
    before = model.predict(x)
    model.compile(optimizer="adam", loss="mse", learning_rate=0.1)
    model.fit(x, np.ones((6, 1), np.float32), epochs=2, batch_size=3, verbose=0)   # in-place optimiser steps
    after = model.predict(x)
    assert not np.allclose(before, after)
    readable.set_weights(model.get_weights())
    np.testing.assert_allclose(after, readable.predict(x), atol=1e-5)
    model.set_weights(readable.get_weights()[:0] + [w * 0 for w in model.get_weights()])
    np.testing.assert_allclose(model.predict(x), 0.0, atol=1e-7)


def test_a_sequential_predicts_through_its_layers_forwards_with_the_same_result_and_hooks_still_see_calls():
    from seqlab.train.inference import _direct_call

    model = seqlab.Sequential([L.SimpleRNN(6), L.Dense(2)], input_shape=(5, 3), seed=0)
    x = np.random.default_rng(0).normal(size=(40, 5, 3)).astype(np.float32)
    model.eval()
    assert _direct_call(model) is not None
    with torch.inference_mode():
        expected = model(torch.from_numpy(x))
    assert torch.equal(predict_tensor(model, x, batch_size=40), expected)
    seen = []
    handle = model.stack.layers[1].register_forward_hook(lambda m, i, o: seen.append(o.shape[0]))
    assert _direct_call(model) is None               # a hook: every call goes through nn.Module.__call__
    predict_tensor(model, x, batch_size=16)
    handle.remove()
    assert seen == [16, 16, 8]
    model.train()
    assert _direct_call(model) is None               # only in eval mode


def test_a_float32_array_is_predicted_from_a_view_and_a_read_only_one_still_works():
    net = torch.nn.Linear(3, 2)
    x = np.random.default_rng(0).normal(size=(10, 3)).astype(np.float32)
    seen = []
    net.register_forward_pre_hook(lambda m, args: seen.append(args[0].data_ptr()))
    predict_tensor(net, x, batch_size=10)
    assert seen == [x.ctypes.data]                   # no copy of the caller's array
    x.flags.writeable = False
    with torch.inference_mode():
        expected = net(torch.from_numpy(x.copy()))
    assert torch.equal(predict_tensor(net, x, batch_size=4), expected)
