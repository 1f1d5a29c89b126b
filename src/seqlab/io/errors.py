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
