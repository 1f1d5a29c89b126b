"""Texts kept as files, a folder per class: the layout of Keras' ``text_dataset_from_directory`` and
scikit-learn's ``load_files`` (the IMDb reviews' ``aclImdb/train/pos``, Pang and Lee's ``txt_sentoken/neg``, the
20 Newsgroups' ``20news-bydate-train/sci.space``).

Each sub-folder of the root is a class named by the folder; each file directly in it (any name, with or without an
extension; hidden files left out) is one text of that class. Files beside the class folders (aclImdb's
``labeledBow.feat``, ``urls_pos.txt``) and deeper folders are not read. A file is read as UTF-8, else as
Windows-1252 (Latin-1 for the bytes that has no character for), with one warning for the whole folder
(``--encoding`` names the one to read exactly). HTML line breaks (``<br />``, which the IMDb reviews hold) become
line breaks. A class folder named ``unsup`` (aclImdb's 50,000 unlabelled reviews) is no class: it is left out with
a warning. A folder holding ``train`` and ``test`` folders of class folders (``aclImdb/``, the 20 Newsgroups'
``20news-bydate-train`` beside ``-test``) is the two splits (``split_folders``).

>>> import pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> for label, name, text in [("neg", "1.txt", "dull<br />plot"), ("pos", "2.txt", "a joy"), ("pos", "3", "fine")]:
...     _ = (root / label).mkdir(exist_ok=True), (root / label / name).write_text(text)
>>> data = read_text_folders(root)
>>> data.texts, data.y.tolist()
(['dull\\nplot', 'a joy', 'fine'], ['neg', 'pos', 'pos'])
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from seqlab.io.errors import DataError

if TYPE_CHECKING:
    from seqlab.data.formats import LabeledTexts

UNLABELLED_FOLDERS = ("unsup",)   # aclImdb's unlabelled reviews: a folder beside the classes, not a class
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def class_folders(root: Path) -> list[Path]:
    """The class folders of ``root``, sorted by name (as Keras and scikit-learn order the classes): its visible
    sub-folders that hold at least one visible file, ``UNLABELLED_FOLDERS`` left out with a warning."""
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    unlabelled = [p for p in folders if p.name in UNLABELLED_FOLDERS]
    if unlabelled:
        warnings.warn(f"{root}: left out folder(s) {', '.join(p.name for p in unlabelled)}: unlabelled texts, "
                      "not a class", UserWarning, stacklevel=3)
    return [p for p in folders if p not in unlabelled and _files(p)]


def split_folders(root) -> tuple[Path, Path] | None:
    """``(train folder, test folder)`` of a folder that holds the two splits of a folder of texts, each a folder
    of class folders: ``aclImdb/train`` beside ``aclImdb/test``, ``20news-bydate-train`` beside
    ``20news-bydate-test`` (a name ``train``/``test`` or ending in ``-train``/``_train``); else None.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for split in ("20news-bydate-train", "20news-bydate-test"):
    ...     for label in ("sci.space", "rec.autos"):
    ...         _ = (root / split / label).mkdir(parents=True), (root / split / label / "1").write_text("a text")
    >>> [p.name for p in split_folders(root)]
    ['20news-bydate-train', '20news-bydate-test']
    """
    folders = [p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith(".")]

    def named(split: str) -> list[Path]:
        return [p for p in folders if p.name.lower() == split or p.name.lower().endswith((f"-{split}", f"_{split}"))]

    train, test = named("train"), named("test")
    if len(train) == 1 and len(test) == 1 and all(len(class_folders(p)) > 1 for p in (*train, *test)):
        return train[0], test[0]
    return None


def read_text_folders(root) -> LabeledTexts:
    """The labelled texts of folder ``root``: a sub-folder per class, a file per text (see the module docstring).

    Returns:
        ``LabeledTexts`` in class-folder order, each folder's files sorted by name.

    Raises:
        DataError: ``root`` is no folder, or holds no class folder with files, or one class only, or only empty files.
    """
    from seqlab.data.formats import LabeledTexts

    root = Path(root)
    if not root.is_dir():
        raise DataError(f"{root}: no such folder")
    classes = class_folders(root)
    if not classes:
        raise DataError(f"{root} holds no class folders of text files; put the texts of each class in a folder "
                        "named by the class (root/pos/1.txt, root/neg/2.txt), or give a CSV")
    if len(classes) == 1:
        raise DataError(f"{root} holds one class folder ({classes[0].name}); a classifier needs two classes or more")
    files = [(c.name, f) for c in classes for f in _files(c)]
    texts = read_text_files([f for _, f in files], root)
    kept = [i for i, t in enumerate(texts) if t.strip()]
    if not kept:
        raise DataError(f"{root}: every text file is empty")
    if len(kept) < len(texts):
        first = files[next(i for i, t in enumerate(texts) if not t.strip())][1]
        warnings.warn(f"{root}: left out {len(texts) - len(kept)} empty file(s) (first {first})", UserWarning,
                      stacklevel=2)
    return LabeledTexts([texts[i] for i in kept], np.array([files[i][0] for i in kept], dtype=object))


def read_folder_texts(root) -> tuple[list[str], list[str]]:
    """The texts to predict in folder ``root`` and their file names: with class folders (``class_folders``), the
    files of each, named ``class/file``, the files beside them left out as in training (aclImdb/test's
    ``urls_pos.txt``); else its visible files, sorted by name.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "b.txt").write_text("second"), (root / "a.txt").write_text("first")
    >>> read_folder_texts(root)
    (['first', 'second'], ['a.txt', 'b.txt'])
    """
    root = Path(root)
    files = [f for c in class_folders(root) for f in _files(c)]
    names = [f"{f.parent.name}/{f.name}" for f in files]
    if not files:
        files = _files(root)
        names = [f.name for f in files]
    if not files:
        raise DataError(f"{root} holds no text files to predict")
    return read_text_files(files, root), names


def read_text_files(files: list[Path], root: Path) -> list[str]:
    """The text of each file: in the encoding ``--encoding`` gave (``seqlab.data.csv.ENCODING``) exactly, else as
    UTF-8 (a byte-order mark dropped), else Windows-1252 or Latin-1 with one warning naming how many files were
    not UTF-8; ``<br />`` as a line break."""
    from seqlab.data.csv import ENCODING, LEGACY_ENCODINGS, decode

    given, texts, legacy = ENCODING.get(), [], []
    for f in files:
        raw = f.read_bytes()
        if given is None and b"\0" in raw[:4096]:
            raise DataError(f"{f} is not a text file (it holds NUL bytes: an image? ImageClassifier reads "
                            "folders of images, in Python); a folder of texts holds a text per file")
        if given is not None:
            text = decode(raw, f, given).removeprefix("\ufeff")
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                legacy.append(f)
                text = _legacy_decode(raw, LEGACY_ENCODINGS)
        texts.append(_BREAK.sub("\n", text))
    if legacy:
        warnings.warn(f"{root}: {len(legacy)} of {len(files)} file(s) are not UTF-8 (first {legacy[0]}); read them "
                      f"as {' or '.join(LEGACY_ENCODINGS)} (--encoding names another)", UserWarning, stacklevel=3)
    return texts


def _legacy_decode(raw: bytes, encodings) -> str:
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
