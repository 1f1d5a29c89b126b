"""ConvLSTM2D against a NumPy loop of the gate equations with convolutions in place of products."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers


def conv_same_or_valid(image, kernel, padding, stride=(1, 1)):
    """image (H, W, C), kernel (kh, kw, C, F); TensorFlow "same" or "valid" -> (H', W', F)."""
    kh, kw = kernel.shape[:2]
    pads = []
    for n, f, s in zip(image.shape[:2], (kh, kw), stride):
        total = max((-(-n // s) - 1) * s + f - n, 0) if padding == "same" else 0
        pads.append((total // 2, total - total // 2))
    x = np.pad(image, (pads[0], pads[1], (0, 0)))
    oh, ow = (x.shape[0] - kh) // stride[0] + 1, (x.shape[1] - kw) // stride[1] + 1
    out = np.zeros((oh, ow, kernel.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[i, j] = np.tensordot(patch, kernel, axes=([0, 1, 2], [0, 1, 2]))
    return out


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def convlstm_reference(frames, kernel, recurrent_kernel, bias, padding, stride=(1, 1)):
    """frames (T, H, W, C) -> list of H_t (H', W', F); Keras gate order i, f, c, o."""
    f = recurrent_kernel.shape[2]
    h = c = None
    hs = []
    for x in frames:
        zx = conv_same_or_valid(x, kernel, padding, stride) + bias
        if h is None:
            h = c = np.zeros(zx.shape[:2] + (f,))
        z = zx + conv_same_or_valid(h, recurrent_kernel, "same")
        i, fg, g, o = (z[..., k * f:(k + 1) * f] for k in range(4))
        c = sigmoid(fg) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        hs.append(h)
    return hs, c


@pytest.mark.parametrize("padding,stride", [("same", (1, 1)), ("valid", (1, 1)), ("same", (2, 2))])
def test_convlstm2d_matches_numpy_gate_equations(padding, stride):
    rng = np.random.default_rng(0)
    frames = rng.normal(size=(2, 4, 6, 5, 2)).astype("float32")
    layer = layers.ConvLSTM2D(3, (3, 3), strides=stride, padding=padding, return_sequences=True,
                              return_state=True, input_shape=(4, 6, 5, 2))
    k, rk, b = layer.get_weights()
    assert k.shape == (3, 3, 2, 12) and rk.shape == (3, 3, 3, 12) and b.shape == (12,)
    np.testing.assert_array_equal(b[3:6], 1.0)  # unit_forget_bias
    b = rng.normal(size=12).astype("float32")
    layer.set_weights([k, rk, b])
    seq, h, c = layer(torch.tensor(frames))
    assert tuple(seq.shape[1:]) == layer.output_shape_
    for n in range(2):
        hs, c_ref = convlstm_reference(frames[n], k, rk, b, padding, stride)
        got = seq[n].detach().numpy().transpose(0, 2, 3, 1)
        np.testing.assert_allclose(got, np.stack(hs), atol=1e-5)
        np.testing.assert_allclose(c[n].detach().numpy().transpose(1, 2, 0), c_ref, atol=1e-5)
    torch.testing.assert_close(h, seq[:, -1])


def test_convlstm2d_last_output_go_backwards_and_channels_first_input():
    layer = layers.ConvLSTM2D(2, 3, padding="same", input_shape=(5, 4, 4, 1))
    x = torch.randn(3, 5, 4, 4, 1)
    last = layer(x)
    assert last.shape == (3, 2, 4, 4) and layer.output_shape_ == (2, 4, 4)
    torch.testing.assert_close(layer(x.permute(0, 1, 4, 2, 3)), last)
    backwards = layers.ConvLSTM2D(2, 3, padding="same", go_backwards=True, input_shape=(5, 4, 4, 1))
    backwards.set_weights(layer.get_weights())
    torch.testing.assert_close(backwards(x.flip(1)), last)


def test_convlstm2d_gradients_reach_every_weight():
    layer = layers.ConvLSTM2D(2, 3, padding="same", dropout=0.2, recurrent_dropout=0.2,
                              input_shape=(3, 5, 5, 1))
    layer.train()
    layer(torch.randn(2, 3, 5, 5, 1)).sum().backward()
    assert all(w.grad is not None and w.grad.abs().sum() > 0 for w in layer.weight_tensors())


def test_convlstm2d_keras_parameter_count_and_summary():
    # Keras: ConvLSTM2D(40, (3, 3)) on 1 channel = 4 * 40 * (9 * 1 + 9 * 40 + 1) = 59,200
    model = seqlab.Sequential([layers.ConvLSTM2D(40, (3, 3), padding="same", input_shape=(None, 40, 40, 1)),
                               layers.Flatten(), layers.Dense(1)])
    assert model.layers[0].count_params() == 59_200
    assert "(None, 40, 40, 40)" in model.summary()


def test_convlstm2d_rejects_frames_without_time_axis():
    with pytest.raises(seqlab.SeqlabError, match=r"\(time, H, W, C\)"):
        layers.ConvLSTM2D(2, 3, input_shape=(8, 8, 1))


def test_convlstm2d_model_survives_save_and_load(tmp_path):
    model = seqlab.Sequential([
        layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True, input_shape=(3, 6, 6, 1)),
        layers.TimeDistributed(layers.GlobalAveragePooling2D()), layers.LSTM(3)], seed=0)
    model.save(tmp_path / "m")
    same = seqlab.load(tmp_path / "m")
    x = torch.randn(2, 3, 6, 6, 1)
    torch.testing.assert_close(same(x), model(x))
