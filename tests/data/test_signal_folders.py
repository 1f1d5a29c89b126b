"""UCI HAR's layout read as it is downloaded: a text file per channel, a line of readings per example, beside
``y_train.txt``; the classes named by ``activity_labels.txt``. Checked against the files' numbers read by NumPy."""
import numpy as np
import pytest
from support import HAR_CHANNELS, write_har

from seqlab.data.formats import detect_format, read_labeled
from seqlab.data.signal_folders import channel_names, is_signal_folder, read_signal_folder, signal_split
from seqlab.io.errors import DataError


def test_the_splits_are_found_and_each_reads_as_a_series_of_every_channel_in_name_order(tmp_path):
    root = write_har(tmp_path)
    assert signal_split(root) == (root / "train", root / "test")
    assert is_signal_folder(root / "train") and not is_signal_folder(root)
    assert channel_names(root / "train") == sorted(HAR_CHANNELS)
    X, y = read_signal_folder(root / "train")
    assert len(X) == 12 and X[0].shape == (16, 3) and X[0].dtype == np.float32
    for k, channel in enumerate(sorted(HAR_CHANNELS)):
        by_numpy = np.loadtxt(root / "train" / "Inertial Signals" / f"{channel}_train.txt")
        np.testing.assert_allclose(np.stack(X)[:, :, k], by_numpy, rtol=1e-6)
    assert y.tolist()[:3] == ["WALKING", "SITTING", "LAYING"]


def test_without_class_names_the_numbers_are_the_classes(tmp_path):
    X, y = read_signal_folder(write_har(tmp_path, names=False) / "test")
    assert y.tolist() == ["1", "2", "3"] * 2


def test_the_folder_is_the_signals_format(tmp_path):
    root = write_har(tmp_path)
    assert detect_format(root / "train") == "signals"
    data = read_labeled(root / "test")
    assert data.format == "signals" and data.n_channels == 3 and len(data) == 6


@pytest.mark.parametrize("damage, message", [
    (lambda root: (root / "train" / "y_train.txt").write_text("1\n2\n"), "holds 2 labels for 12 examples"),
    (lambda root: np.savetxt(root / "train" / "Inertial Signals" / "body_acc_y_train.txt", np.zeros((12, 15))),
     "differ in shape"),
    (lambda root: (root / "train" / "Inertial Signals" / "body_acc_y_train.txt").write_text("1 2 x\n"),
     "numbers only"),
])
def test_files_that_disagree_are_one_data_error(tmp_path, damage, message):
    root = write_har(tmp_path)
    damage(root)
    with pytest.raises(DataError, match=message):
        read_signal_folder(root / "train")
