"""The errors a user can cause. Every one says what is wrong and what to do about it.

The command line turns any ``SeqlabError`` into one line on stderr and exit status 2.

>>> raise DataError("column 'price' not found; columns are: date, open")
Traceback (most recent call last):
seqlab.io.errors.DataError: column 'price' not found; columns are: date, open
"""


class SeqlabError(Exception):
    """Base of every error that bad input or a wrong call can cause."""


class DataError(SeqlabError, ValueError):
    """Input data is missing, malformed, or does not fit the request."""


class ConfigError(SeqlabError, ValueError):
    """An argument or setting is invalid (unknown name, out of range)."""


class ModelFileError(SeqlabError):
    """A model directory is missing a file, is corrupted, or is of another version."""


class NotFittedError(SeqlabError, AttributeError):
    """A method that needs a fitted estimator was called before ``fit``."""


class ExportError(SeqlabError):
    """A model cannot be exported (to ONNX): the message says why and what can be exported."""


class TrainingDivergedError(SeqlabError):
    """Training stopped because the loss became NaN or infinite (the command line fails with it)."""


def names_listed(names, limit: int = 12) -> str:
    """Names for a one-line message: the first ``limit`` joined by commas, and how many more there are.

    >>> names_listed(["a", "b"]), names_listed([f"MT_{i}" for i in range(370)], limit=2)
    ('a, b', 'MT_0, MT_1, ... (368 more)')
    """
    names = [str(n) for n in names]
    more = f", ... ({len(names) - limit} more)" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def os_error_line(err: OSError) -> str:
    """One line saying what the system refused and where, with advice, for the command line.

    >>> import errno
    >>> os_error_line(OSError(errno.ENOSPC, "No space left on device", "runs/x"))
    'runs/x: No space left on device; free some space or choose another folder'
    """
    import errno

    where = " ".join(str(f) for f in (err.filename, err.filename2) if f is not None)
    what = err.strerror or str(err) or type(err).__name__
    advice = {errno.ENOSPC: "free some space or choose another folder",
              errno.EDQUOT: "free some space or choose another folder",
              errno.EACCES: "check the permissions or choose another folder",
              errno.EPERM: "check the permissions or choose another folder",
              errno.EROFS: "choose a writable folder"}.get(err.errno, "check the path and try again")
    return f"{where}: {what}; {advice}" if where else f"{what}; {advice}"
