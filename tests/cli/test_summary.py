import seqlab
from seqlab import layers
from seqlab.cli import main


def test_summary_of_saved_model(tmp_path, capsys):
    seqlab.Sequential([layers.Dense(4), layers.Dense(1)], input_shape=(3,)).save(tmp_path / "m")
    assert main(["summary", str(tmp_path / "m")]) == 0
    assert "Total params: 21" in capsys.readouterr().out


def test_summary_of_missing_directory_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["summary", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlab: error:") and err.count("\n") == 1


def test_unknown_example_is_exit_2(capsys):
    assert main(["summary", "--example", "nope"]) == 2
    assert "choose one of" in capsys.readouterr().err


def test_summary_of_a_saved_rbm_counts_its_weights(tmp_path, capsys):
    import numpy as np

    from seqlab.tasks import RBM

    x = (np.arange(40).reshape(10, 4) % 3 == 0).astype(float)
    RBM(n_hidden=3, epochs=1, batch_size=5, seed=0).fit(x).save(tmp_path / "m")
    assert main(["summary", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert "Total params: 19 " in out and "W (4, 3)" in out and "Layer (type)" in out   # W, hidden and visible biases


def test_path_and_example_together_is_exit_2(tmp_path, capsys):
    assert main(["summary", str(tmp_path), "--example", "mnist-cnn"]) == 2
    assert "not both" in capsys.readouterr().err
