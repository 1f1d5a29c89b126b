"""Run directories that appear whole or not at all, with one writer each.

``run_directory(out)`` first claims ``out``: it creates the lock file ``.<out>.lock`` beside it
with an exclusive create (two runs cannot both succeed), so a second run given the same ``--out``
is refused with a ConfigError while the first keeps writing; a lock left by a run that was killed
(its process no longer runs) is taken over. It then yields a temporary sibling folder to write
into; when the block ends without an error the folder is swapped into place as ``out``
(``seqlab.io.atomic``), on any error it is removed (with the parent folders it had to create), so
a failed command leaves nothing half-written. The lock goes last.

>>> with run_directory("runs/demo") as tmp:            # doctest: +SKIP
...     (tmp / "metrics.json").write_text("{}")
"""
from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

from seqlab.io.atomic import _pid_alive, clean_leftovers, replace_dir, temp_sibling
from seqlab.io.errors import ConfigError

STALE_EMPTY_LOCK_SECONDS = 10  # a lock file still without a pid after this long belongs to a dead run


def default_out(command: str) -> Path:
    """``runs/<command>-<timestamp>``, the default ``--out`` of a command that trains; ``-2``, ``-3``, ...
    appended when a run of the same second already took that name (or is writing it)."""
    base = Path("runs") / f"{command}-{time.strftime('%Y%m%d-%H%M%S')}"
    out, n = base, 1
    while out.exists() or lock_path(out).exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def lock_path(out: str | Path) -> Path:
    """The lock file that claims ``out`` for one writer: ``.<name>.lock`` beside it."""
    out = Path(out)
    return out.parent / f".{out.name}.lock"


def _holder(lock: Path) -> int | None:
    """The pid of the live run holding ``lock``, or None when the lock is stale (its run is gone)."""
    try:
        text = lock.read_text().strip()
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return None
    if not text.isdigit():
        return -1 if age < STALE_EMPTY_LOCK_SECONDS else None  # being written right now, or abandoned
    return int(text) if _pid_alive(int(text)) else None


def claim(out: str | Path) -> Path:
    """Create ``out``'s lock file for this process and return its path; ConfigError if a live run holds it."""
    lock = lock_path(out)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _holder(lock)
            if pid is not None:
                who = "another seqlab run" + (f" (process {pid})" if pid > 0 else "")
                raise ConfigError(f"--out {out} is being written by {who}; choose another folder or wait for "
                                  "it to finish") from None
            with contextlib.suppress(FileNotFoundError):
                os.unlink(lock)  # stale: its run was killed
            continue
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        return lock
    raise ConfigError(f"--out {out} is claimed and released by other runs right now; choose another folder")


@contextlib.contextmanager
def run_directory(out: str | Path, overwrite: bool = False):
    """Claim ``out``, yield a temporary folder beside it; swap it in as ``out`` on success, delete it on
    error. ConfigError when ``out`` is a file, is not empty (unless ``overwrite``), is being written by
    another run, or cannot be created."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a folder; choose a folder name")
    made = [p for p in reversed(out.parents) if not p.exists()]  # folders this run creates, outermost first
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = claim(out)
    except OSError as e:  # the parent is a file, read-only, ...
        _remove_made(made)
        raise ConfigError(f"cannot create --out {out}: {e.strerror}; choose a writable folder") from None
    except ConfigError:
        _remove_made(made)
        raise
    try:
        if out.exists() and any(out.iterdir()) and not overwrite:
            raise ConfigError(f"--out {out} already exists and is not empty; choose another folder")
        clean_leftovers(out)
        tmp = temp_sibling(out)
        try:
            tmp.mkdir()
        except OSError as e:
            raise ConfigError(f"cannot create --out {out}: {e.strerror}; choose a writable folder") from None
        try:
            yield tmp
            replace_dir(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except BaseException:
        lock.unlink(missing_ok=True)
        _remove_made(made)
        raise
    lock.unlink(missing_ok=True)


def _remove_made(made: list[Path]) -> None:
    for folder in reversed(made):  # innermost first; a folder something else wrote into stays
        with contextlib.suppress(OSError):
            folder.rmdir()
