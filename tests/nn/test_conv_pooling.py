"""Pooling layers against torch.nn, NumPy of the definition, and TensorFlow's "same" rule."""
import numpy as np
import pytest
import torch

from seqlab import layers


def pool_reference(x, size, stride, padding, op):
    """x (H, W); windows of ``size`` every ``stride``; "same" windows cover only real pixels (TF)."""
    out_dims, starts = [], []
    for n, f, s in zip(x.shape, size, stride):
        if padding == "same":
            out = -(-n // s)
            before = max((out - 1) * s + f - n, 0) // 2
        else:
            out, before = (n - f) // s + 1, 0
        out_dims.append(out)
        starts.append([i * s - before for i in range(out)])
    res = np.zeros(out_dims)
    for i, r in enumerate(starts[0]):
        for j, c in enumerate(starts[1]):
            window = x[max(r, 0):r + size[0], max(c, 0):c + size[1]]
            res[i, j] = op(window)
    return res


@pytest.mark.parametrize("cls,op", [(layers.MaxPooling2D, np.max), (layers.AveragePooling2D, np.mean)])
@pytest.mark.parametrize("size,stride,padding", [((2, 2), None, "valid"), ((3, 3), (2, 2), "same"),
                                                 ((2, 3), (1, 2), "same"), ((3, 2), (2, 1), "valid")])
def test_pooling2d_matches_numpy(cls, op, size, stride, padding):
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 6)).astype("float32")
    pool = cls(size, strides=stride, padding=padding, data_format="channels_first", input_shape=(3, 7, 6))
    got = pool(torch.tensor(x)).numpy()
    assert got.shape[1:] == pool.output_shape_
    for n in range(2):
        for c in range(3):
            np.testing.assert_allclose(got[n, c], pool_reference(x[n, c], size, stride or size, padding, op),
                                       atol=1e-6)


def test_max_pooling_matches_torch():
    x = torch.randn(2, 4, 9, 9)
    torch.testing.assert_close(layers.MaxPooling2D(3, strides=2)(x), torch.nn.MaxPool2d(3, 2)(x))
    torch.testing.assert_close(layers.AveragePooling2D(2)(x), torch.nn.AvgPool2d(2)(x))


def test_seed003_pooling_halves_the_feature_map():
    # seed 003: 62x62x32 -> MaxPool2D(pool_size=2, strides=2) -> 31x31x32
    pool = layers.MaxPooling2D(pool_size=2, strides=2, input_shape=(62, 62, 32))
    assert pool.output_shape_ == (32, 31, 31)
    assert pool(torch.zeros(1, 62, 62, 32)).shape == (1, 32, 31, 31)


def test_pooling1d_works_over_time():
    x = np.random.default_rng(1).normal(size=(2, 7, 3)).astype("float32")
    for cls, op in [(layers.MaxPooling1D, np.max), (layers.AveragePooling1D, np.mean)]:
        for padding in ("valid", "same"):
            pool = cls(2, padding=padding, input_shape=(7, 3))
            got = pool(torch.tensor(x)).numpy()
            assert got.shape[1:] == pool.output_shape_
            for n in range(2):
                want = pool_reference(x[n], (2, 1), (2, 1), padding, op)
                np.testing.assert_allclose(got[n], want, atol=1e-6)


def test_global_pooling_reduces_space_or_time():
    x = torch.randn(2, 3, 4, 5)
    torch.testing.assert_close(layers.GlobalAveragePooling2D()(x), x.mean(dim=(2, 3)))
    torch.testing.assert_close(layers.GlobalMaxPooling2D()(x), x.amax(dim=(2, 3)))
    seq = torch.randn(2, 6, 3)
    torch.testing.assert_close(layers.GlobalAveragePooling1D()(seq), seq.mean(dim=1))
    torch.testing.assert_close(layers.GlobalMaxPooling1D()(seq), seq.amax(dim=1))
    assert layers.GlobalAveragePooling2D(input_shape=(3, 4, 5)).output_shape_ == (3,)
    assert layers.GlobalAveragePooling1D(input_shape=(6, 3)).output_shape_ == (3,)


def test_global_average_pooling1d_skips_masked_steps():
    seq = torch.randn(2, 5, 3)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    got = layers.GlobalAveragePooling1D()(seq, mask=mask)
    torch.testing.assert_close(got[0], seq[0, :3].mean(dim=0))
    torch.testing.assert_close(got[1], seq[1].mean(dim=0))


def test_embedding_mask_reaches_global_average_pooling():
    import seqlab

    model = seqlab.Sequential([layers.Embedding(10, 4, mask_zero=True), layers.GlobalAveragePooling1D()])
    ids = torch.tensor([[3, 4, 0, 0]])
    vectors = model.layers[0](ids)
    torch.testing.assert_close(model(ids)[0], vectors[0, :2].mean(dim=0))
