"""Series kept as one text file per channel, the layout of UCI's Human Activity Recognition data set (``UCI HAR
Dataset``, the set of Keras and PyTorch LSTM tutorials). Each split is a folder, ``train/`` and ``test/``:

- ``y_train.txt``: the class of each example, one per line (1 to 6);
- ``Inertial Signals/``: one file per channel, ``body_acc_x_train.txt`` ... ``total_acc_z_train.txt``, a line of
  readings per example (128 in HAR), separated by spaces;
- beside the splits, ``activity_labels.txt`` names the classes (``1 WALKING``).

``signal_split(root)`` finds the two splits, ``is_signal_folder(folder)`` tells one split,
``channel_names(folder)`` lists its channels, and ``read_signal_folder(folder)`` reads it: its series and their
classes (channels in name order; classes by their names when ``activity_labels.txt`` is there).
``seqlab.data.formats.read_labeled`` reads such a folder as the ``signals`` format. The 561 ready-made features
of ``X_train.txt`` are not read.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "activity_labels.txt").write_text("1 WALKING\\n2 LAYING\\n")
>>> for split in ("train", "test"):
...     (root / split / "Inertial Signals").mkdir(parents=True)
...     _ = (root / split / f"y_{split}.txt").write_text("1\\n2\\n")
...     for channel in ("acc_x", "acc_y"):
...         _ = (root / split / "Inertial Signals" / f"{channel}_{split}.txt").write_text(" 0.1  0.2 0.3\\n 1 2 3\\n")
>>> [p.name for p in signal_split(root)], channel_names(root / "train")
(['train', 'test'], ['acc_x', 'acc_y'])
>>> X, y = read_signal_folder(root / "train")
>>> X[0].shape, y.tolist()
((3, 2), ['WALKING', 'LAYING'])
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.io.errors import DataError

CLASS_NAMES_FILE = "activity_labels.txt"


def _channel_files(folder: Path) -> list[Path]:
    """The per-channel files of split ``folder``: ``*_<split>.txt`` in its one sub-folder that holds them."""
    found = [sorted(p for p in sub.glob(f"*_{folder.name}.txt") if p.is_file())
             for sub in sorted(folder.iterdir()) if sub.is_dir() and not sub.name.startswith(".")]
    found = [files for files in found if files]
    return found[0] if len(found) == 1 else []


def channel_names(folder: Path) -> list[str]:
    """The channels of split ``folder``, in the order they are read: ``body_acc_x`` for ``body_acc_x_train.txt``."""
    return [p.name.removesuffix(f"_{Path(folder).name}.txt") for p in _channel_files(Path(folder))]


def is_signal_folder(folder: Path) -> bool:
    """``folder`` is one split of the layout: ``y_<name>.txt`` beside a sub-folder of ``*_<name>.txt`` channels."""
    folder = Path(folder)
    return folder.is_dir() and (folder / f"y_{folder.name}.txt").is_file() and bool(_channel_files(folder))


def signal_split(root: Path) -> tuple[Path, Path] | None:
    """``(root/train, root/test)`` when both are splits of the layout (``is_signal_folder``), else None."""
    train, test = Path(root) / "train", Path(root) / "test"
    return (train, test) if is_signal_folder(train) and is_signal_folder(test) else None


def _numbers(path: Path) -> np.ndarray:
    try:
        table = pd.read_csv(path, sep=r"\s+", header=None, dtype=np.float32)
    except ValueError:
        raise DataError(f"{path}: a channel file holds numbers only, a line of readings per example") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty") from None
    values = table.to_numpy()
    if not np.isfinite(values).all():
        raise DataError(f"{path}: missing or infinite readings (or lines of different lengths)")
    return values


def _class_names(root: Path) -> dict[str, str]:
    path = root / CLASS_NAMES_FILE
    if not path.is_file():
        return {}
    pairs = [line.split(None, 1) for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    return {p[0]: p[1].strip() for p in pairs if len(p) == 2}


def read_signal_folder(folder: str | Path) -> tuple[list[np.ndarray], np.ndarray]:
    """The examples of one split (see the module docstring): a list of ``(time, channels)`` float32 arrays,
    channels in the order of their file names, and their classes as an object array of text (named by
    ``activity_labels.txt`` above the split when it names every one). DataError when the files disagree on the
    number of examples or of readings."""
    folder = Path(folder)
    files = _channel_files(folder)
    if not files:
        raise DataError(f"{folder}: no folder of per-channel files (*_{folder.name}.txt) beside y_{folder.name}.txt")
    channels = [_numbers(p) for p in files]
    shapes = {c.shape for c in channels}
    if len(shapes) != 1:
        sizes = ", ".join(f"{p.name} {c.shape[0]}x{c.shape[1]}" for p, c in zip(files, channels))
        raise DataError(f"{folder}: the channel files differ in shape ({sizes})")
    labels = (folder / f"y_{folder.name}.txt").read_text(encoding="utf-8", errors="replace").split()
    if len(labels) != channels[0].shape[0]:
        raise DataError(f"{folder}: y_{folder.name}.txt holds {len(labels)} labels for {channels[0].shape[0]} "
                        "examples in each channel file")
    names = _class_names(folder.parent)
    if names and all(v in names for v in labels):
        labels = [names[v] for v in labels]
    X = np.stack(channels, axis=2)             # (examples, time, channels)
    return list(X), np.array(labels, dtype=object)
