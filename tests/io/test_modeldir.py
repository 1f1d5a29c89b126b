import json

import numpy as np
import pytest
import torch

from seqlab.io.errors import ModelFileError
from seqlab.io.modeldir import FILES, load_model_dir, save_model_dir


@pytest.fixture
def saved(tmp_path):
    return save_model_dir(tmp_path / "m", "Demo", {"units": 3, "shape": (2, 5)},
                          {"w": torch.arange(6.0).reshape(2, 3), "b": np.ones(3, "float32")}, {"lookback": 5})


def test_round_trip_keeps_config_tensors_and_preprocessing(saved):
    loaded = load_model_dir(saved, ["Demo"])
    assert loaded.config == {"units": 3, "shape": [2, 5]}
    assert torch.equal(loaded.tensors["w"], torch.arange(6.0).reshape(2, 3))
    assert loaded.preprocessing == {"lookback": 5}
    assert sorted(p.name for p in saved.iterdir()) == sorted(FILES)


@pytest.mark.parametrize("missing", FILES)
def test_missing_file_is_refused(saved, missing):
    (saved / missing).unlink()
    with pytest.raises(ModelFileError, match=missing):
        load_model_dir(saved, ["Demo"])


def test_truncated_weights_are_refused(saved):
    data = (saved / "model.safetensors").read_bytes()
    (saved / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncated or corrupted"):
        load_model_dir(saved, ["Demo"])


def test_other_format_version_is_refused(saved):
    meta = json.loads((saved / "config.json").read_text())
    meta["format_version"] = 99
    (saved / "config.json").write_text(json.dumps(meta))
    with pytest.raises(ModelFileError, match="format 99"):
        load_model_dir(saved, ["Demo"])


def test_foreign_class_is_refused(saved):
    with pytest.raises(ModelFileError, match="expected one of"):
        load_model_dir(saved, ["Forecaster"])


def test_not_json_config_is_refused(saved):
    (saved / "config.json").write_text("\x80\x04 not json")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model_dir(saved, ["Demo"])
