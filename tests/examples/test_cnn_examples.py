"""The CNN/MLP recipes of examples/seeds run end to end (tiny settings; the full runs are in
benchmarks/cnn.py)."""
import runpy
import sys

import numpy as np
import pytest
from PIL import Image
from support import EXAMPLES, example


def test_churn_ann_recipe_runs(tmp_path):
    metrics = example("churn_ann").main(["--rows", "400", "--epochs", "2", "--save", str(tmp_path / "m")])
    assert 0.0 <= metrics["accuracy"] <= 1.0 and (tmp_path / "m" / "config.json").exists()


def test_digits_cnn_recipe_runs_on_sklearn_digits():
    metrics = example("digits_cnn").main(["--epochs", "1"])
    assert metrics["accuracy"] > 0.5  # one epoch of the seed-002 network already beats chance (0.1)


def test_digits_cnn_reads_mnist_idx_files(tmp_path):
    rng = np.random.default_rng(0)
    for stem, n in (("train", 40), ("t10k", 10)):
        images = rng.integers(0, 255, (n, 28, 28), dtype=np.uint8)
        labels = np.arange(n, dtype=np.uint8) % 10
        (tmp_path / f"{stem}-images-idx3-ubyte").write_bytes(
            b"\x00\x00\x08\x03" + b"".join(d.to_bytes(4, "big") for d in images.shape) + images.tobytes())
        (tmp_path / f"{stem}-labels-idx1-ubyte").write_bytes(
            b"\x00\x00\x08\x01" + n.to_bytes(4, "big") + labels.tobytes())
    module = example("digits_cnn")
    x_train, y_train, x_test, y_test = module.load_mnist(str(tmp_path))
    assert x_train.shape == (40, 28, 28) and y_test.tolist() == list(range(10))
    assert 0.0 <= module.main(["--mnist", str(tmp_path), "--epochs", "1"])["accuracy"] <= 1.0


def make_folder(root, seed):
    rng = np.random.default_rng(seed)
    for name in ("cats", "dogs"):
        (root / name).mkdir(parents=True)
        for i in range(4):
            Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)).save(root / name / f"{i}.png")


def test_cats_dogs_recipe_runs_on_a_tiny_folder(tmp_path):
    make_folder(tmp_path / "train", 0)
    make_folder(tmp_path / "test", 1)
    metrics = example("cats_dogs_cnn").main([str(tmp_path / "train"), str(tmp_path / "test"), "--size", "16",
                                             "--epochs", "1"])
    assert metrics["n"] == 8


def test_cats_dogs_bad_folder_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    (tmp_path / "flat").mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "flat" / "a.png")
    monkeypatch.setattr(sys, "argv", ["cats_dogs_cnn.py", str(tmp_path / "flat"), str(tmp_path / "flat")])
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(EXAMPLES / "cats_dogs_cnn.py"), run_name="__main__")
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no class folders" in err


def test_moving_digits_cnn_lstm_and_convlstm_run():
    results = example("moving_digits_cnn_lstm").main(["--n", "48", "--frames", "4", "--size", "12",
                                                      "--epochs", "1"])
    assert set(results) == {"cnn_lstm", "conv_lstm"}
