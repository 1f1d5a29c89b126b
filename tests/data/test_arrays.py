"""``numeric_array``: in-memory data checked before training."""
import numpy as np
import pandas as pd
import pytest

from seqlab.data.arrays import numeric_array
from seqlab.io.errors import DataError


def test_one_column_series_and_dtype():
    arr = numeric_array([1, 2, 3], np.float32)
    assert arr.shape == (3, 1) and arr.dtype == np.float32
    np.testing.assert_array_equal(numeric_array(pd.DataFrame({"a": [1, 2], "b": [3.5, 4]})), [[1, 3.5], [2, 4]])


@pytest.mark.parametrize("X,kwargs,match", [
    (pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), {}, r"non-numeric columns \['b'\]"),
    ([["x", "y"]], {}, "must be numeric"),
    (np.zeros((0, 3)), {}, "is empty"),
    (np.zeros((0, 3)), {"table": True}, r"non-empty table .* \(0, 3\)"),
    (np.zeros((2, 3, 4)), {"table": True}, r"got shape \(2, 3, 4\)"),
    ([[1.0, np.inf]], {"what": "X"}, "X contains NaN or inf"),
])
def test_text_empty_misshaped_and_non_finite_data_are_data_errors(X, kwargs, match):
    with pytest.raises(DataError, match=match):
        numeric_array(X, **kwargs)


def test_any_non_empty_shape_passes_unless_a_table_is_required():
    assert numeric_array(np.ones((2, 3, 4))).shape == (2, 3, 4)
