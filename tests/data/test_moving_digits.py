"""The synthetic moving-digit sequences: the digit glides by its direction and bounces."""
import numpy as np
import pytest
from sklearn.datasets import load_digits

import seqlab
from seqlab.data.moving_digits import DIRECTIONS, make_moving_digits


def test_frames_hold_the_digit_moving_in_its_direction():
    data = make_moving_digits(n=20, frames=3, size=40, speed=2, seed=1)
    glyphs = load_digits()
    assert data["frames"].min() >= 0 and data["frames"].max() <= 1
    for s in range(20):
        first = data["frames"][s, 0]
        sums = glyphs.images[glyphs.target == data["digit"][s]].sum(axis=(1, 2)) / 16
        assert np.isclose(sums, first.sum(), rtol=1e-5).any()  # one glyph of the labelled digit, whole
        step = data["frames"][s, 1]
        moved = np.argwhere(step[..., 0] > 0).min(axis=0) - np.argwhere(first[..., 0] > 0).min(axis=0)
        expected = DIRECTIONS[data["direction"][s]] * 2
        # away from the walls the move is exactly the direction; at a wall that axis reverses
        assert all(m == e or m == -e for m, e in zip(moved, expected))


def test_same_seed_same_data_and_bad_sizes_are_errors():
    a, b = make_moving_digits(n=5, seed=3), make_moving_digits(n=5, seed=3)
    np.testing.assert_array_equal(a["frames"], b["frames"])
    with pytest.raises(seqlab.SeqlabError):
        make_moving_digits(size=6)
