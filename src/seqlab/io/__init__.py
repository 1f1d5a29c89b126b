"""Files: model directories (config.json + model.safetensors + preprocessing.json), run folders, errors."""
from seqlab.io.errors import ConfigError, DataError, ExportError, ModelFileError, NotFittedError, SeqlabError

__all__ = ["SeqlabError", "DataError", "ConfigError", "ModelFileError", "NotFittedError", "ExportError"]
