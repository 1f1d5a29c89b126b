import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.io.errors import ModelFileError


def test_sequential_round_trip_gives_identical_outputs(tmp_path):
    model = seqlab.Sequential([layers.Dense(8, activation="tanh"), layers.Dropout(0.2), layers.Dense(2)],
                              input_shape=(4,), seed=0)
    model.save(tmp_path / "m")
    again = seqlab.load(tmp_path / "m")
    x = torch.randn(5, 4)
    np.testing.assert_array_equal(model.eval()(x).detach().numpy(), again(x).detach().numpy())
    assert again.summary() == model.summary()


def test_load_accepts_a_run_directory(tmp_path):
    seqlab.Sequential([layers.Dense(1)], input_shape=(2,)).save(tmp_path / "run" / "model")
    assert seqlab.load(tmp_path / "run").count_params() == 3


def test_weights_that_do_not_fit_the_layers_are_refused(tmp_path):
    seqlab.Sequential([layers.Dense(3)], input_shape=(2,)).save(tmp_path / "a")
    seqlab.Sequential([layers.Dense(3)], input_shape=(5,)).save(tmp_path / "b")
    (tmp_path / "a" / "model.safetensors").write_bytes((tmp_path / "b" / "model.safetensors").read_bytes())
    with pytest.raises(ModelFileError, match="do not match"):
        seqlab.load(tmp_path / "a")


def test_missing_directory_is_a_model_file_error(tmp_path):
    with pytest.raises(ModelFileError):
        seqlab.load(tmp_path / "nope")
