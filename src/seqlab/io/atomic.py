"""Writing files and folders so that a reader always finds the old or the new complete version.

Every file or folder seqlab writes is first written beside its destination under a unique hidden
name (``.NAME.tmp-<pid>-<random>``), flushed to disk (fsync), and only then swapped into place
by a rename:

- a file replaces the old one with ``os.replace`` (atomic on POSIX and Windows);
- a folder is exchanged with the old one in one step (Linux ``renameat2(RENAME_EXCHANGE)``), after
  which the old version, now under the temporary name, is deleted. Where the exchange is not
  available the old folder is first renamed aside (``.NAME.old-<pid>-<random>``), the new one
  renamed in, and the old one deleted; a reader that finds no folder then finds the aside copy
  (``recover_aside``).

A writer killed half-way leaves a temporary sibling behind. The next writer of the same
destination deletes the leftovers of writers that are no longer running (the pid is in the name),
and never those of a live one.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> with atomic_dir(d / "model") as tmp:
...     _ = (tmp / "a.txt").write_text("new")
>>> with atomic_file(d / "notes.txt") as f:
...     _ = f.write("hello")
>>> sorted(p.name for p in d.iterdir()), (d / "model" / "a.txt").read_text()
(['model', 'notes.txt'], 'new')
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def temp_sibling(path: str | Path, kind: str = "tmp") -> Path:
    """A unique hidden name beside ``path`` carrying this process's id: ``.NAME.<kind>-<pid>-<hex>``."""
    path = Path(path)
    return path.parent / f".{path.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # exists but belongs to someone else
        return True
    return True


def _writer_pid(name: str, prefix: str) -> int | None:
    """The pid in a leftover's name ``<prefix><pid>-<hex>``, or None if the name is not one of ours."""
    rest = name[len(prefix):]
    pid, _, token = rest.partition("-")
    return int(pid) if pid.isdigit() and token else None


def clean_leftovers(path: str | Path) -> list[Path]:
    """Delete the temporary siblings of ``path`` left by writers that are no longer running.

    Returns the paths deleted. Leftovers of a live writer (its pid still runs) are kept.
    """
    path = Path(path)
    removed = []
    with contextlib.suppress(OSError):
        for kind in ("tmp", "old"):
            prefix = f".{path.name}.{kind}-"
            for entry in path.parent.iterdir():
                if not entry.name.startswith(prefix):
                    continue
                pid = _writer_pid(entry.name, prefix)
                if pid is None or _pid_alive(pid):
                    continue
                if kind == "old" and not path.exists():
                    continue  # the only complete copy: recover_aside puts it back
                _remove(entry)
                removed.append(entry)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def fsync_dir(path: str | Path) -> None:
    """Flush a folder's entries (names created or renamed in it) to disk; a no-op where unsupported."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(path: str | Path) -> None:
    """fsync every file under ``path``, then every folder (deepest first)."""
    folders = []
    for root, _, files in os.walk(path):
        folders.append(root)
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for folder in reversed(folders):
        fsync_dir(folder)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def replace_dir(new: str | Path, path: str | Path) -> None:
    """Put the complete folder ``new`` at ``path``, replacing what is there, never leaving ``path`` empty
    (see the module docstring). ``new`` must be a sibling of ``path``; it no longer exists afterwards."""
    new, path = Path(new), Path(path)
    fsync_tree(new)
    if not path.exists() and not path.is_symlink():
        try:
            os.rename(new, path)
            fsync_dir(path.parent)
            return
        except OSError as e:  # another writer got there first: swap with theirs
            if e.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR):
                raise
    if path.is_dir() and not path.is_symlink() and _exchange(new, path):
        fsync_dir(path.parent)
        shutil.rmtree(new, ignore_errors=True)  # the old version, now under the temporary name
        return
    aside = temp_sibling(path, "old")
    os.rename(path, aside)
    os.rename(new, path)
    fsync_dir(path.parent)
    _remove(aside)


def recover_aside(path: str | Path) -> bool:
    """If ``path`` is missing but a writer died between the two renames of the fallback swap, put the
    old complete version back. Returns whether it did."""
    path = Path(path)
    if path.exists():
        return False
    prefix = f".{path.name}.old-"
    with contextlib.suppress(OSError):
        for entry in sorted(path.parent.iterdir()):
            pid = _writer_pid(entry.name, prefix) if entry.name.startswith(prefix) else None
            if pid is not None and not _pid_alive(pid):
                os.rename(entry, path)
                return True
    return False


@contextlib.contextmanager
def atomic_dir(path: str | Path):
    """Yield a fresh temporary folder beside ``path``; on success it replaces ``path`` (``replace_dir``),
    on an error it is deleted. Dead writers' leftovers beside ``path`` are deleted first."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover_aside(path)
    clean_leftovers(path)
    tmp = temp_sibling(path)
    tmp.mkdir()
    try:
        yield tmp
        replace_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary file name beside ``path`` to write to (by any library); on success the file is
    fsynced and replaces ``path``, on an error it is deleted."""
    path = Path(path)
    clean_leftovers(path)
    tmp = temp_sibling(path)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "w", **open_args):
    """``open`` for writing that replaces ``path`` only once the whole file is written (``atomic_path``)."""
    with atomic_path(path) as tmp, open(tmp, mode, **open_args) as f:
        yield f
