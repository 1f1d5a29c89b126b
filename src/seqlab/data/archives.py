"""Archives as users download them: a zip or tar file is read as what it holds.

UCI's ``household_power_consumption.zip`` holds one table; timeseriesclassification.com's ``GunPoint.zip``
holds the archive's ``GunPoint_TRAIN.ts`` beside its ``_TEST`` (and ``.arff``, ``.txt`` copies); Stanford's
``aclImdb_v1.tar.gz`` and ``20news-bydate.tar.gz`` hold folders of texts. ``unpacked(path)`` extracts such a
file once per command into a temporary folder (removed when Python exits) and returns the one file it holds,
else the folder (a lone top folder, ``aclImdb/``, entered), so each command reads it as it reads that file or
folder.

Extraction refuses what a hostile archive could do: a member whose path leaves the folder (``../x``, an
absolute path) is one DataError naming it, links and device files are skipped, and an archive whose files
would not fit on the disk is refused before anything is written. macOS's ``__MACOSX/`` forks and hidden files
are left out.

>>> import tempfile, zipfile
>>> p = Path(tempfile.mkdtemp()) / "GunPoint.zip"
>>> with zipfile.ZipFile(p, "w") as z:
...     z.writestr("GunPoint_TRAIN.ts", "1,2:1\\n")
...     z.writestr("GunPoint_TEST.ts", "2,1:2\\n")
>>> folder = unpacked(p)
>>> folder.name, sorted(f.name for f in folder.iterdir())
('GunPoint.zip', ['GunPoint_TEST.ts', 'GunPoint_TRAIN.ts'])
>>> archive_of(folder) == p
True
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from seqlab.io.errors import DataError, names_listed

PACKED_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")

_UNPACKED: dict = {}   # (archive, size, mtime) -> its file or folder: a command reads its input several times
_SOURCES: dict = {}    # the folder an archive was unpacked into -> the archive, for messages and commands shown


def is_packed(path) -> bool:
    """True when ``path`` names a zip or tar archive (``PACKED_SUFFIXES``) that is a file (a missing one is not).

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "aclImdb_v1.tar.gz").write_bytes(b""), (folder / "prices.csv.gz").write_bytes(b"")
    >>> is_packed(folder / "aclImdb_v1.tar.gz"), is_packed(folder / "prices.csv.gz"), is_packed("gone.zip")
    (True, False, False)
    """
    name = Path(path).name.lower()
    return name.endswith(PACKED_SUFFIXES) and Path(path).is_file()


def archive_of(path) -> Path | None:
    """The archive that ``path``, a file or folder ``unpacked`` returned or anything inside it, came from, or None."""
    path = Path(path)
    return next((archive for folder, archive in _SOURCES.items() if path == folder or folder in path.parents), None)


def archive_named(path: str) -> str:
    """``path``, or the archive it was unpacked from when it lies inside an unpacked archive (gone when Python
    exits), so a command printed for the user to rerun names what they gave (``seqlab predict RUN GunPoint.zip``,
    ``"UCI HAR Dataset.zip"`` whose name holds spaces); see ``with_archives_named`` for paths inside a message."""
    for folder, archive in _SOURCES.items():
        if path == str(folder) or path.startswith(str(folder) + os.sep):
            return str(archive)
    return path


def with_archives_named(text: str, members: bool = False) -> str:
    """``text`` with each path inside an unpacked archive (gone when Python exits) replaced by the archive, so a
    command printed for the user to rerun names what they gave (``seqlab predict RUN GunPoint.zip``); with
    ``members``, for a message, the path inside the archive is kept after it (``GunPoint.zip/GunPoint_TRAIN.ts``)."""
    for folder, archive in _SOURCES.items():
        text = re.sub(re.escape(str(folder)) + ("" if members else r"\S*"), lambda _: str(archive), text)
    return text


def _members(path: Path) -> list[tuple[str, int, object]]:
    """``(name, size, handle)`` of the regular files in archive ``path``, hidden ones and ``__MACOSX/`` left out."""
    if path.name.lower().endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            infos = [(m.filename, m.file_size, m) for m in z.infolist() if not m.is_dir()]
    else:
        with tarfile.open(path) as t:
            infos = [(m.name, m.size, m) for m in t.getmembers() if m.isfile()]   # links, devices skipped
    return [(name, size, m) for name, size, m in infos
            if not name.startswith("__MACOSX/") and not PurePosixPath(name).name.startswith(".")]


def _safe_target(folder: Path, name: str, archive: Path) -> Path:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
        raise DataError(f"{archive}: refused: the archive holds {name!r}, a path outside the folder it unpacks to")
    return folder.joinpath(*parts)


def _extract(path: Path, members: list, folder: Path) -> None:
    is_zip = path.name.lower().endswith(".zip")
    with (zipfile.ZipFile(path) if is_zip else tarfile.open(path)) as archive:
        for name, _, member in members:
            target = _safe_target(folder, name, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = archive.open(member) if is_zip else archive.extractfile(member)
            with source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)


DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".ts", ".arff", ".json", ".jsonl", ".ndjson", ".parquet", ".pq", ".xlsx",
                 ".xls", ".gz", ".zip", ".npy", ".npz", ".mid", ".midi")   # a file beside a folder that may be data


def _is_note(path: Path) -> bool:
    """A file that documents the data beside it rather than holding any: a README, a licence, a Markdown or PDF
    page, or a name of no data suffix (the review polarity set's ``poldata.README.2.0``)."""
    name = path.name.lower()
    return any(word in name for word in ("readme", "license", "licence", "citation", "_about")) or \
        not name.endswith(DATA_SUFFIXES)


def _entered(folder: Path) -> Path:
    """``folder``, or the lone folder inside it (repeatedly) when the files beside that are notes (``_is_note``):
    ``aclImdb_v1.tar.gz`` holds ``aclImdb/``, ``review_polarity.tar.gz`` ``txt_sentoken/`` and a README."""
    while True:
        entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
        folders = [p for p in entries if p.is_dir()]
        if len(folders) != 1 or not all(_is_note(p) for p in entries if p.is_file()):
            return folder
        folder = folders[0]


def unpacked(path) -> Path:
    """The file or folder archive ``path`` holds, extracted once per archive and version (see the module
    docstring): the one file when it holds one, or one beside notes only (``_is_note``: the Tatoeba pairs of
    Keras's ``fra-eng.zip``, ``fra.txt`` beside ``_about.txt``), else the folder, a lone top folder entered.

    Raises:
        DataError: not a readable archive, an empty one, a member outside the folder, or too large for the disk.
    """
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _UNPACKED and _UNPACKED[key].exists():
        return _UNPACKED[key]
    try:
        members = _members(path)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as e:
        raise DataError(f"{path}: not a readable archive ({e})") from None
    if not members:
        raise DataError(f"{path}: the archive holds no files")
    root = Path(tempfile.mkdtemp(prefix="seqlab-unpacked-"))
    atexit.register(shutil.rmtree, root, True)
    folder = root / path.name
    folder.mkdir()
    for name, _, _ in members:
        _safe_target(folder, name, path)                      # refuse before anything is written
    needed, free = sum(size for _, size, _ in members), shutil.disk_usage(root).free
    if needed > free:
        raise DataError(f"{path}: its files take {needed / 1e9:.1f} GB unpacked, more than the "
                        f"{free / 1e9:.1f} GB free in {root.parent}")
    try:
        _extract(path, members, folder)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError) as e:   # RuntimeError: a password-protected zip; NotImplementedError: Deflate64
        shutil.rmtree(root, ignore_errors=True)
        raise DataError(f"{path}: not a readable archive ({e}); unpack it with a tool that reads it and give "
                        "what it holds") from None
    files = [f for f in folder.rglob("*") if f.is_file()]
    data = [f for f in files if not _is_note(f)]
    found = files[0] if len(files) == 1 else data[0] if len(data) == 1 else _entered(folder)
    _UNPACKED[key], _SOURCES[folder] = found, path
    return found


def one_file(path) -> Path:
    """The one file archive ``path`` holds (``unpacked``), for the readers that take a file; DataError naming
    the files when it holds several."""
    found = unpacked(path)
    if found.is_file():
        return found
    files = sorted(str(f.relative_to(found)) for f in found.rglob("*") if f.is_file())
    raise DataError(f"{path}: an archive of {len(files)} files ({names_listed(files, 6)}); unpack it and give "
                    "the one to read")
