"""Seed 002's classic kernels and the feature-map pictures."""
import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.inspect.filters import KERNELS, apply_kernel, feature_maps, get_kernel


def correlate(image, kernel):
    """Valid cross-correlation by loops, the seed's 'multiply element-wise and add'."""
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i:i + kh, j:j + kw] * kernel).sum()
    return out


def test_kernels_are_the_seeds():
    assert get_kernel("vertical_edge").tolist() == [[1, 0, -1]] * 3
    assert get_kernel("horizontal_edge").tolist() == [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]
    assert get_kernel("sobel_vertical").tolist() == [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
    assert get_kernel("scharr_horizontal").tolist() == [[3, 10, 3], [0, 0, 0], [-3, -10, -3]]
    assert get_kernel("sharpen").tolist() == [[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]]
    assert get_kernel("strong_edge").tolist() == [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]


def test_edge_kernels_sum_to_zero_and_sharpen_to_one():
    # flat regions give 0 through an edge detector and stay unchanged through sharpen
    for name, k in KERNELS.items():
        assert k.sum() == (1 if name == "sharpen" else 0), name


@pytest.mark.parametrize("name", sorted(KERNELS))
def test_apply_kernel_is_cross_correlation(name):
    image = np.random.default_rng(0).integers(0, 255, size=(9, 7)).astype(float)
    np.testing.assert_allclose(apply_kernel(name, image), correlate(image, KERNELS[name]), rtol=1e-6)


def test_apply_kernel_reproduces_seed002_horizontal_edge_and_same_padding():
    image = np.array([[10, 10, 10, 0, 0, 0]] * 3 + [[0, 0, 0, 10, 10, 10]] * 3)
    assert apply_kernel("horizontal_edge", image)[1].tolist() == [30, 10, -10, -30]
    assert apply_kernel("sobel_vertical", image, padding="same").shape == (6, 6)
    rgb = np.stack([image] * 3, axis=-1)  # colour images are averaged to grey first
    np.testing.assert_allclose(apply_kernel("vertical_edge", rgb), apply_kernel("vertical_edge", image))


def test_feature_maps_of_kernels_writes_a_png(tmp_path):
    image = np.zeros((16, 16))
    image[4:12, 4:12] = 1.0
    out = feature_maps(["vertical_edge", "sharpen", np.ones((2, 2))], image, tmp_path / "maps.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_feature_maps_of_a_model_plots_each_image_layer(tmp_path):
    model = seqlab.Sequential([layers.Conv2D(3, 3, activation="relu", input_shape=(12, 12, 1)),
                               layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(2)], seed=0)
    image = np.random.default_rng(1).random((12, 12))
    out = feature_maps(model, image, tmp_path / "model.png")
    assert out.stat().st_size > 1000
    with pytest.raises(seqlab.SeqlabError, match="image-shaped"):
        feature_maps(seqlab.Sequential([layers.Flatten(), layers.Dense(2)], input_shape=(4, 4)),
                     np.zeros((4, 4)), tmp_path / "none.png")
    assert torch.is_grad_enabled()


def test_bad_kernels_and_images_are_seqlab_errors(tmp_path):
    with pytest.raises(seqlab.SeqlabError, match="unknown kernel"):
        get_kernel("blur")
    with pytest.raises(seqlab.SeqlabError, match="2-D"):
        get_kernel(np.ones(3))
    with pytest.raises(seqlab.SeqlabError, match="larger than the padded input"):
        apply_kernel(np.ones((5, 5)), np.ones((3, 3)))
    with pytest.raises(seqlab.SeqlabError, match="NaN"):
        apply_kernel("sharpen", np.full((4, 4), np.nan))
