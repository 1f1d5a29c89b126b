"""Conv1D/Conv2D against seed 002's worked examples, a NumPy loop of the definition, and torch.nn."""
import math

import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.nn import conv_output_size


def conv2d_reference(image, kernel, stride=(1, 1), dilation=(1, 1), padding="valid"):
    """Cross-correlation by loops: image (H, W, C), kernel (kh, kw, C, F) -> (H', W', F).

    "same" follows TensorFlow's documented rule: out = ceil(n / s), total padding
    (out - 1) * s + span - n, the smaller half before."""
    h, w, _ = image.shape
    kh, kw, _, nf = kernel.shape
    spans = [dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1]
    pads = []
    for n, span, s in zip((h, w), spans, stride):
        if padding == "same":
            total = max((-(-n // s) - 1) * s + span - n, 0)
            pads.append((total // 2, total - total // 2))
        else:
            pads.append((0, 0))
    x = np.pad(image, (pads[0], pads[1], (0, 0)))
    oh = (x.shape[0] - spans[0]) // stride[0] + 1
    ow = (x.shape[1] - spans[1]) // stride[1] + 1
    out = np.zeros((oh, ow, nf))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    pixel = x[i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1]]
                    out[i, j] += pixel @ kernel[a, b]
    return out


def apply_filter(image, kernel):
    """One-channel image (H, W) through a Conv2D holding ``kernel`` (kh, kw), no bias."""
    conv = layers.Conv2D(1, kernel.shape, use_bias=False, input_shape=(*image.shape, 1))
    conv.set_weights([np.asarray(kernel, "float32")[:, :, None, None]])
    x = torch.tensor(image, dtype=torch.float32)[None, :, :, None]
    return conv(x).detach().numpy()[0, 0]


SEED_FILTER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
SEED_IMAGE_CLASSIC = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                               [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])


def test_seed002_image_times_filter_gives_the_printed_feature_map():
    np.testing.assert_array_equal(apply_filter(SEED_IMAGE_CLASSIC, SEED_FILTER),
                                  [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_seed002_printed_image_has_a_transcription_slip():
    # The seed prints -1 in the last row (0 1 1 -1 0); with it the map's last row is [2, 2, 4],
    # not the printed [2, 3, 4], which belongs to the classic image with 0 there.
    printed = SEED_IMAGE_CLASSIC.copy()
    printed[4, 3] = -1
    out = apply_filter(printed, SEED_FILTER)
    np.testing.assert_array_equal(out[2], [2, 2, 4])
    np.testing.assert_array_equal(out[:2], [[4, 3, 4], [2, 4, 3]])


def test_seed002_vertical_edge_example():
    image = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    out = apply_filter(image, np.array([[1, 0, -1]] * 3))
    np.testing.assert_array_equal(out, [[0, 30, 30, 0]] * 4)


def test_seed002_horizontal_edge_example():
    image = np.array([[10, 10, 10, 0, 0, 0]] * 3 + [[0, 0, 0, 10, 10, 10]] * 3)
    out = apply_filter(image, np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]))
    np.testing.assert_array_equal(out, [[0, 0, 0, 0], [30, 10, -10, -30], [30, 10, -10, -30], [0, 0, 0, 0]])


@pytest.mark.parametrize("n,f,p,s,expected", [(6, 3, 0, 1, 4), (6, 3, 1, 1, 6), (7, 3, 0, 2, 3),
                                              (5, 3, 1, 2, 3), (28, 3, 0, 1, 26), (8, 4, 0, 3, 2)])
def test_conv_output_size_follows_seed002_formula(n, f, p, s, expected):
    assert conv_output_size(n, f, p, s) == expected == math.floor((n + 2 * p - f) / s + 1)


@pytest.mark.parametrize("n,f,s", [(6, 3, 1), (7, 3, 2), (8, 3, 2), (9, 5, 3)])
def test_conv2d_output_shape_matches_formula(n, f, s):
    valid = layers.Conv2D(2, f, strides=s, input_shape=(n, n, 1))
    assert valid.output_shape_ == (2, conv_output_size(n, f, 0, s), conv_output_size(n, f, 0, s))
    same = layers.Conv2D(2, f, strides=s, padding="same", input_shape=(n, n, 1))
    assert same.output_shape_ == (2, math.ceil(n / s), math.ceil(n / s))
    x = torch.zeros(1, n, n, 1)
    assert tuple(valid(x).shape[1:]) == valid.output_shape_
    assert tuple(same(x).shape[1:]) == same.output_shape_
    # seed 002: "same" with odd f and stride 1 is p = (f - 1) / 2
    assert layers.Conv2D(1, f, padding="same", input_shape=(n, n, 1)).output_shape_[1] == \
        conv_output_size(n, f, (f - 1) // 2, 1)


@pytest.mark.parametrize("kernel,stride,dilation,padding", [
    ((3, 3), (1, 1), (1, 1), "valid"), ((3, 2), (2, 1), (1, 1), "same"), ((2, 2), (2, 2), (1, 1), "same"),
    ((3, 3), (1, 1), (2, 2), "same"), ((4, 3), (3, 2), (1, 1), "same"), ((3, 3), (1, 1), (2, 1), "valid"),
])
def test_conv2d_matches_numpy_loop(kernel, stride, dilation, padding):
    rng = np.random.default_rng(0)
    image = rng.normal(size=(7, 8, 3))
    conv = layers.Conv2D(4, kernel, strides=stride, dilation_rate=dilation, padding=padding,
                         input_shape=(7, 8, 3))
    k, b = conv.get_weights()
    assert k.shape == (*kernel, 3, 4) and b.shape == (4,)
    b = rng.normal(size=4).astype("float32")
    conv.set_weights([k, b])
    got = conv(torch.tensor(image[None], dtype=torch.float32)).detach().numpy()[0].transpose(1, 2, 0)
    want = conv2d_reference(image, k, stride, dilation, padding) + b
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_conv2d_matches_torch_forward_and_gradients():
    torch.manual_seed(0)
    ref = torch.nn.Conv2d(3, 5, (3, 2), stride=(1, 2))
    ours = layers.Conv2D(5, (3, 2), strides=(1, 2), data_format="channels_first", input_shape=(3, 6, 7))
    ours.set_weights([ref.weight.detach().permute(2, 3, 1, 0).numpy(), ref.bias.detach().numpy()])
    x = torch.randn(2, 3, 6, 7)
    y_ref, y = ref(x), ours(x)
    torch.testing.assert_close(y, y_ref)
    y_ref.square().sum().backward()
    y.square().sum().backward()
    torch.testing.assert_close(ours.kernel.grad, ref.weight.grad.permute(2, 3, 1, 0))
    torch.testing.assert_close(ours.bias.grad, ref.bias.grad)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv2d_same_with_even_kernel_pads_the_extra_pixel_after():
    # TensorFlow puts the odd padding pixel at the bottom/right; torch's 'same' (stride 1) agrees
    torch.manual_seed(1)
    ref = torch.nn.Conv2d(2, 3, 4, padding="same")
    ours = layers.Conv2D(3, 4, padding="same", data_format="channels_first", input_shape=(2, 6, 5))
    ours.set_weights([ref.weight.detach().permute(2, 3, 1, 0).numpy(), ref.bias.detach().numpy()])
    x = torch.randn(2, 2, 6, 5)
    torch.testing.assert_close(ours(x), ref(x))


def test_conv1d_matches_numpy_for_every_padding():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 9, 3)).astype("float32")
    for padding, stride, dilation in [("valid", 1, 1), ("same", 2, 1), ("causal", 1, 2), ("same", 1, 2)]:
        conv = layers.Conv1D(4, 3, strides=stride, dilation_rate=dilation, padding=padding, input_shape=(9, 3))
        k, b = conv.get_weights()
        assert k.shape == (3, 3, 4)
        got = conv(torch.tensor(x)).detach().numpy()
        for n in range(2):  # a (time, features) sequence is a (time, 1, features) image
            if padding == "causal":
                seq = np.pad(x[n], ((dilation * 2, 0), (0, 0)))[:, None, :]
                want = conv2d_reference(seq, k[:, None], (stride, 1), (dilation, 1), "valid")
            else:
                want = conv2d_reference(x[n][:, None, :], k[:, None], (stride, 1), (dilation, 1), padding)
            np.testing.assert_allclose(got[n], want[:, 0] + b, atol=1e-5)
        assert tuple(got.shape[1:]) == conv.output_shape_


def test_causal_conv1d_never_sees_the_future():
    conv = layers.Conv1D(2, 3, padding="causal", dilation_rate=2, input_shape=(10, 1))
    x = torch.randn(1, 10, 1)
    y = conv(x)
    x2 = x.clone()
    x2[0, 6:] += 5.0
    torch.testing.assert_close(conv(x2)[0, :6], y[0, :6])


def test_seed002_cnn_summary_reproduces_93322_params_in_keras_shapes():
    model = seqlab.Sequential([
        layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])
    rows = [line.split() for line in model.summary().splitlines() if "(None" in line]
    got = [(" ".join(r[2:-1]), r[-1]) for r in rows]
    assert got == [("(None, 26, 26, 32)", "320"), ("(None, 13, 13, 32)", "0"),
                   ("(None, 11, 11, 64)", "18,496"), ("(None, 5, 5, 64)", "0"),
                   ("(None, 3, 3, 64)", "36,928"), ("(None, 576)", "0"),
                   ("(None, 64)", "36,928"), ("(None, 10)", "650")]
    assert "Total params: 93,322" in model.summary()
    assert model.count_params() == 93_322


def test_channels_last_entry_accepts_both_layouts_and_keeps_keras_config():
    model = seqlab.Sequential([layers.Conv2D(3, 3, input_shape=(6, 5, 2)), layers.MaxPooling2D(2)])
    assert model.input_shape == (2, 6, 5)
    x_last = torch.randn(4, 6, 5, 2)
    y = model(x_last)
    assert y.shape == (4, 3, 2, 1)
    torch.testing.assert_close(model(x_last.permute(0, 3, 1, 2)), y)
    assert model.layers[0].get_config()["input_shape"] == [6, 5, 2]
    rebuilt = layers.Conv2D(**{k: v for k, v in model.layers[0].get_config().items() if k != "trainable"})
    assert rebuilt.output_shape_ == model.layers[0].output_shape_


def test_time_distributed_conv2d_reads_channels_last_frames():
    td = layers.TimeDistributed(layers.Conv2D(4, 3, input_shape=(8, 8, 1)), input_shape=(5, 8, 8, 1))
    assert td.output_shape_ == (5, 4, 6, 6)
    assert td(torch.zeros(2, 5, 8, 8, 1)).shape == (2, 5, 4, 6, 6)


def test_kernel_larger_than_padded_input_is_a_seqlab_error():
    with pytest.raises(seqlab.SeqlabError, match="larger than the padded input"):
        layers.Conv2D(1, 7, input_shape=(5, 5, 1))
    with pytest.raises(seqlab.SeqlabError, match="larger than the padded input"):
        layers.Conv1D(1, 4, input_shape=(3, 1))
    conv = layers.Conv2D(1, 3, input_shape=(None, None, 1))  # sizes known only when data arrives
    with pytest.raises(seqlab.SeqlabError, match="larger than the padded input"):
        conv(torch.zeros(1, 2, 2, 1))
    with pytest.raises(seqlab.SeqlabError):
        conv_output_size(3, 5, 0, 1)
    # "same" pads enough for any kernel
    assert layers.Conv2D(1, 7, padding="same", input_shape=(5, 5, 1)).output_shape_ == (1, 5, 5)


def test_softmax_activation_normalises_over_channels():
    conv = layers.Conv2D(3, 1, activation="softmax", input_shape=(4, 4, 2))
    y = conv(torch.randn(2, 4, 4, 2))
    torch.testing.assert_close(y.sum(dim=1), torch.ones(2, 4, 4))


def test_bad_conv_arguments_are_config_errors():
    with pytest.raises(seqlab.SeqlabError, match="padding"):
        layers.Conv2D(1, 3, padding="full")
    with pytest.raises(seqlab.SeqlabError, match="kernel_size"):
        layers.Conv2D(1, (3, 3, 3))
    with pytest.raises(seqlab.SeqlabError, match="filters"):
        layers.Conv1D(0, 3)


def test_conv_model_survives_save_and_load(tmp_path):
    model = seqlab.Sequential([
        layers.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 1)), layers.MaxPooling2D(2),
        layers.AveragePooling2D(2, padding="same"), layers.Flatten(), layers.Dense(2)], seed=0)
    model.save(tmp_path / "m")
    same = seqlab.load(tmp_path / "m")
    x = torch.randn(2, 8, 8, 1)
    torch.testing.assert_close(same(x), model(x))
    seq = seqlab.Sequential([layers.Conv1D(3, 2, padding="causal", input_shape=(6, 2)), layers.MaxPooling1D(2),
                             layers.GlobalMaxPooling1D()], seed=0)
    seq.save(tmp_path / "s")
    x = torch.randn(2, 6, 2)
    torch.testing.assert_close(seqlab.load(tmp_path / "s")(x), seq(x))
