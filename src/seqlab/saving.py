"""Deprecated path, kept for one release: ``load`` now lives in ``seqlab.tasks.loading``
(``seqlab.load`` is the name to use), a layer's rebuild in ``seqlab.nn.registry`` and a
Sequential's save and rebuild on ``Sequential`` itself."""
import warnings

from seqlab.nn.registry import layer_from_config
from seqlab.tasks.loading import load
from seqlab.tasks.sequential import Sequential

warnings.warn("seqlab.saving is deprecated and goes in the next release; use seqlab.load and Sequential.save",
              DeprecationWarning, stacklevel=2)


def save_sequential(model: Sequential, path, preprocessing: dict | None = None):
    """Deprecated: ``model.save(path)``. Writes the model directory; returns its path."""
    if preprocessing:
        from seqlab.io.modeldir import save_model_dir

        return save_model_dir(path, "Sequential", model.get_config(), dict(model.state_dict()), preprocessing)
    return model.save(path)


def sequential_from_loaded(loaded) -> Sequential:
    """Deprecated: ``Sequential.from_loaded(loaded)``."""
    return Sequential.from_loaded(loaded)


__all__ = ["layer_from_config", "load", "save_sequential", "sequential_from_loaded"]
