"""Series as images: each transform against its formula, computed directly."""
import numpy as np
import pytest

from seqlab.data.imaging import (
    gramian_angular_field,
    markov_transition_field,
    piecewise_aggregate,
    recurrence_plot,
    series_to_images,
)
from seqlab.io.errors import ConfigError, DataError

SERIES = np.sin(np.linspace(0, 6, 40)) + np.linspace(0, 1, 40)


def _angles(series, size):
    x = piecewise_aggregate(series, size)
    x = 2 * (x - x.min()) / (x.max() - x.min()) - 1
    return np.arccos(x)


def test_gaf_summation_is_cos_of_summed_angles():
    phi = _angles(SERIES, 20)
    np.testing.assert_allclose(gramian_angular_field(SERIES, 20), np.cos(phi[:, None] + phi[None, :]), atol=1e-12)


def test_gaf_difference_is_sin_of_angle_differences():
    phi = _angles(SERIES, 20)
    np.testing.assert_allclose(gramian_angular_field(SERIES, 20, "difference"),
                               np.sin(phi[:, None] - phi[None, :]), atol=1e-12)


def test_piecewise_aggregate_is_segment_means():
    np.testing.assert_allclose(piecewise_aggregate(np.arange(10.0), 5), [0.5, 2.5, 4.5, 6.5, 8.5])
    assert piecewise_aggregate(np.arange(3.0), 5).shape == (5,)


def test_markov_transition_field_pixels_are_bin_transition_probabilities():
    series = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    field = markov_transition_field(series, size=6, n_bins=2)
    # bins: 0 -> low, 1 -> high; transitions low->high 2/2, high->low 2/3, high->high 1/3
    low_high, high_low, high_high, low_low = 1.0, 2 / 3, 1 / 3, 0.0
    assert field[0, 1] == pytest.approx(low_high) and field[1, 0] == pytest.approx(high_low)
    assert field[3, 4] == pytest.approx(high_high) and field[0, 2] == pytest.approx(low_low)


def test_recurrence_plot_is_pairwise_distance_and_thresholds():
    x = piecewise_aggregate(SERIES, 16)
    np.testing.assert_allclose(recurrence_plot(SERIES, 16), np.abs(x[:, None] - x[None, :]))
    binary = recurrence_plot(SERIES, 16, threshold=0.1)
    assert set(np.unique(binary)) <= {0.0, 1.0} and np.all(np.diag(binary) == 1)


def test_series_to_images_stacks_features_as_channels():
    X = np.random.default_rng(0).normal(size=(3, 25, 2))
    images = series_to_images(X, "gaf", 10)
    assert images.shape == (3, 10, 10, 2) and images.dtype == np.float32
    np.testing.assert_allclose(images[1, :, :, 1], gramian_angular_field(X[1, :, 1], 10), atol=1e-6)


def test_series_to_images_refuses_bad_input():
    with pytest.raises(ConfigError, match="as-image"):
        series_to_images(np.zeros((2, 5)), "fft")
    with pytest.raises(DataError, match="missing"):
        series_to_images(np.array([[1.0, np.nan, 2.0]]))
