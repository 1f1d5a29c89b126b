"""Run directories that appear whole or not at all.

``run_directory(out)`` yields a temporary sibling folder to write into; when the block ends
without an error it is renamed to ``out``; on any error it is removed (with the parent folders
it had to create), so a failed command leaves nothing half-written.

>>> with run_directory("runs/demo") as tmp:            # doctest: +SKIP
...     (tmp / "metrics.json").write_text("{}")
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from pathlib import Path

from seqlab.io.errors import ConfigError


def default_out(command: str) -> Path:
    """``runs/<command>-<timestamp>``, the default ``--out`` of a command that trains."""
    return Path("runs") / f"{command}-{time.strftime('%Y%m%d-%H%M%S')}"


@contextlib.contextmanager
def run_directory(out: str | Path, overwrite: bool = False):
    """Yield a temporary folder beside ``out``; rename it to ``out`` on success, delete it on error."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a folder; choose a folder name")
    if out.exists() and any(out.iterdir()) and not overwrite:
        raise ConfigError(f"--out {out} already exists and is not empty; choose another folder")
    made = [p for p in reversed(out.parents) if not p.exists()]  # folders this run creates, outermost first
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as e:  # the parent is a file, read-only, ...
        raise ConfigError(f"cannot create --out {out}: {e.strerror}; choose a writable folder") from None
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in reversed(made):  # innermost first; a folder something else wrote into stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
