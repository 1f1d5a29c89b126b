"""``seqlab.Sequential``: a Keras-style model that is also a ``torch.nn.Module``.

It wraps ``seqlab.nn.LayerStack`` (the engine) and adds what users expect from Keras:
``summary``, ``count_params``, ``get_weights``/``set_weights``, ``compile``/``fit``/``evaluate``/
``predict`` (through ``seqlab.train.Trainer``) and ``save`` (through ``seqlab.io``).

>>> from seqlab import layers
>>> model = Sequential([layers.SimpleRNN(50), layers.Dense(1)], input_shape=(5, 1))
>>> model.count_params()
2651
"""
from __future__ import annotations

import warnings

import numpy as np
import torch

from seqlab.inspect.summary import summary_table
from seqlab.io.errors import ConfigError, ModelFileError
from seqlab.io.modeldir import LoadedModel, save_model_dir
from seqlab.nn.base import Layer, Shape
from seqlab.nn.container import LayerStack
from seqlab.nn.registry import layer_from_config
from seqlab.nn.seeding import make_generator
from seqlab.train import Trainer


class Sequential(torch.nn.Module):
    """A linear stack of seqlab layers.

    Args:
        layers: the layers, first to last.
        input_shape: shape of one sample without the batch axis, e.g. ``(60, 1)``; builds every
            layer at once so ``summary()`` works before any data is seen.
        name: the model's name in the summary.
        seed: the initial weights are drawn from ``make_generator(seed)``, layer by layer in build
            order (at once, on ``add`` or on the first batch), without touching torch's global RNG;
            training noise (dropout) and shuffling follow the same seed (``compile(seed=...)``
            overrides it). None: weights come from torch's global generator, as in plain PyTorch.
    """

    def __init__(self, layers: list[Layer] | None = None, input_shape: Shape | None = None,
                 name: str = "sequential", seed: int | None = None):
        super().__init__()
        self.name, self.seed = name, seed
        layers = list(layers or [])
        if layers and getattr(layers[0], "is_symbolic_tensor", False):  # Sequential([Input(shape), ...])
            input_shape = input_shape or tuple(layers.pop(0).shape[1:])
        self.stack = LayerStack(layers, input_shape=input_shape, generator=make_generator(seed))
        self.trainer = None

    # ----- structure -----------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        """Append a layer (Keras's ``model.add``); its weights continue the model's seeded stream.
        ``model.add(seqlab.Input(shape=...))`` first sets the input shape, as in Keras."""
        if getattr(layer, "is_symbolic_tensor", False):
            if self.stack.layers:
                raise ConfigError("an Input can only be the first thing added to a Sequential")
            self.stack.input_shape = tuple(layer.shape[1:])
            return
        self.stack.add(layer)

    def __call__(self, *args, **kwargs):
        if any(getattr(a, "is_symbolic_tensor", False) for a in args):  # a Sequential inside a seqlab.Model
            from seqlab.nn.graph import symbolic_call

            return symbolic_call(self, args, kwargs)
        return super().__call__(*args, **kwargs)

    @property
    def layers(self) -> list[Layer]:
        return list(self.stack.layers)

    @property
    def trainable(self) -> bool:
        """False when every weight is frozen; setting it freezes or unfreezes every layer (seed 000's GAN:
        ``discriminator.trainable = False``). Compile again to train what is trainable now."""
        return any(p.requires_grad for p in self.parameters())

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for layer in self.stack.layers:
            layer.trainable = value

    @property
    def input_shape(self) -> Shape | None:
        return self.stack.input_shape

    @property
    def output_shape(self) -> Shape | None:
        return self.stack.output_shape

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.stack(x, mask=mask)

    def summary(self) -> str:
        """The Keras-style table as a string (``print(model.summary())``)."""
        return summary_table(self.stack, self.name)

    def count_params(self) -> int:
        """All weights of all layers, trainable or not."""
        return sum(layer.count_params() for layer in self.stack.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Every layer's weights, in order, Keras layout."""
        return [w for layer in self.stack.layers for w in layer.get_weights()]

    def set_weights(self, weights: list) -> None:
        """Set every layer's weights from the flat list ``get_weights`` returns."""
        weights = list(weights)
        for layer in self.stack.layers:
            n = len(layer.weight_tensors())
            layer.set_weights(weights[:n])
            weights = weights[n:]

    def save(self, path):
        """Write the model to the directory ``path`` (config.json + model.safetensors +
        preprocessing.json, atomically); ``seqlab.load(path)`` rebuilds it."""
        return save_model_dir(path, "Sequential", self.get_config(), dict(self.state_dict()), {})

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> "Sequential":
        """Rebuild a model from a read model directory (``seqlab.io.modeldir.load_model_dir``);
        ModelFileError when the weights do not fit the saved layers."""
        cfg = loaded.config
        model = cls([layer_from_config(spec) for spec in cfg.get("layers", [])],
                    input_shape=tuple(cfg["input_shape"]) if cfg.get("input_shape") else None,
                    name=cfg.get("name", "sequential"))
        try:
            model.load_state_dict(loaded.tensors, strict=True)
        except RuntimeError as e:
            raise ModelFileError(f"the weights do not match the saved layers: {str(e).splitlines()[0]}") from None
        return model.eval()

    def export(self, path, format: str = "onnx"):
        """Write the model as ONNX to the directory ``path`` (``model.onnx`` and
        ``preprocessing.json``; dynamic batch, and time where the layers allow); returns the path.
        See ``seqlab.tasks.export``; ``ExportError`` says why a model cannot be exported."""
        from seqlab.tasks.export import export_model

        return export_model(self, path, format)

    def _onnx_spec(self):
        from seqlab.io.errors import ExportError
        from seqlab.tasks.export import OnnxSpec
        from seqlab.train.batching import wants_integer_input

        shape = self.input_shape
        if shape is None:
            raise ExportError("the model has no input shape yet; give input_shape= (or call predict once) "
                              "before exporting")
        keras_shape = getattr(self.stack.layers[0], "_keras_input_shape", None)
        shape = tuple(keras_shape or shape)
        ids = wants_integer_input(self)
        example = torch.zeros((2, *[8 if s is None else s for s in shape]), dtype=torch.int64 if ids else torch.float32)
        time_axis = (ids and len(shape) == 1) or len(shape) == 2
        return OnnxSpec(self, example, time_axis, {}, {"name": self.name, "input_shape": list(shape)})

    def get_config(self) -> dict:
        """What rebuilds this model: its name, input shape and each layer's class and arguments."""
        return {"name": self.name, "input_shape": list(self.input_shape) if self.input_shape else None,
                "layers": [{"class_name": type(l).__name__, "config": l.get_config()}
                           for l in self.stack.layers]}

    # ----- training: forwarded to seqlab.train.Trainer ------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, clipnorm=None, clipvalue=None,
                learning_rate=None, device=None, seed=None, global_clipnorm=None, lr=None, compile=False) -> None:
        """Choose optimiser, loss and metrics (Keras's ``compile``); see ``seqlab.train.Trainer``.

        ``learning_rate`` overrides the optimiser's default rate (``lr`` is its old spelling, kept
        for one release). Calling it again (e.g. after changing ``trainable``) builds a fresh
        optimiser over the weights that are trainable now. ``seed`` defaults to the model's own seed.
        ``compile=True`` (or a ``torch.compile`` mode name) runs fit and predict through ``torch.compile``.

        >>> from seqlab import layers
        >>> m = Sequential([layers.Dense(1)], input_shape=(2,))
        >>> m.compile(optimizer="adam", loss="mse", metrics=["mae"])
        """
        if lr is not None:
            warnings.warn("compile(lr=...) is deprecated; use learning_rate=... (the old spelling will be removed "
                          "in a later release)", DeprecationWarning, stacklevel=2)
            learning_rate = lr if learning_rate is None else learning_rate
        self.trainer = Trainer(self, loss=loss, optimizer=optimizer, metrics=metrics or (), lr=learning_rate,
                               clipnorm=clipnorm, clipvalue=clipvalue, device=device,
                               seed=self.seed if seed is None else seed, global_clipnorm=global_clipnorm,
                               compile=compile)

    def _compiled(self):
        if self.trainer is None or self.trainer.loss is None:
            raise ConfigError("the model is not compiled; call model.compile(optimizer='adam', loss='mse') first")
        return self.trainer

    def _any_trainer(self):
        if self.trainer is None:
            self.trainer = Trainer(self, loss=None, metrics=(), seed=self.seed)
        return self.trainer

    def fit(self, x, y, epochs: int = 1, batch_size: int | None = None, tbptt: int | None = None, **kwargs):
        """Train on ``(x, y)``; returns a ``History`` (arguments as ``Trainer.fit``). ``tbptt=k``: truncated
        back-propagation through time over windows of ``k`` steps (``seqlab.train.tbptt``)."""
        if tbptt is not None:
            from seqlab.train.tbptt import fit_tbptt

            return fit_tbptt(self._compiled(), x, y, tbptt, epochs=epochs, batch_size=batch_size or 32,
                             callbacks=kwargs.get("callbacks"), shuffle=kwargs.get("shuffle", True),
                             verbose=kwargs.get("verbose", 0))
        return self._compiled().fit(x, y, epochs=epochs, batch_size=batch_size, **kwargs)

    def save_weights(self, path) -> None:
        """Write every layer's weights (Keras layout) to one safetensors file, keyed ``layer/index``."""
        from seqlab.tasks.weight_files import save_weights_file

        save_weights_file(self.layers, path)

    def load_weights(self, path, by_name: bool = False, skip_mismatch: bool = False) -> list[str]:
        """Set weights from a ``save_weights`` file or a saved model directory, by layer order or, with
        ``by_name=True``, by layer name (``skip_mismatch=True`` skips layers of other shapes with a
        warning); see ``seqlab.Model.load_weights``. Returns the names of the layers set."""
        from seqlab.tasks.weight_files import load_weights_into

        return load_weights_into(self.layers, path, by_name, skip_mismatch)

    def evaluate(self, x, y, batch_size: int | None = None, verbose: int = 0, **kwargs) -> dict:
        """``{"loss": .., metric: ..}`` over ``(x, y)``."""
        return self._compiled().evaluate(x, y, batch_size=batch_size or 32, verbose=verbose, **kwargs)

    def predict(self, x, batch_size: int | None = None, verbose: int = 0) -> np.ndarray:
        """Outputs for every sample of ``x`` as a NumPy array ``(n, *output_shape)``."""
        return self._any_trainer().predict(x, batch_size=batch_size or 32, verbose=verbose)

    def train_on_batch(self, x, y, sample_weight=None) -> dict:
        """One optimiser update on this batch; returns its loss and metrics."""
        return self._compiled().train_on_batch(x, y, sample_weight=sample_weight)

    def test_on_batch(self, x, y) -> dict:
        """Loss and metrics of this batch, no update."""
        return self._compiled().test_on_batch(x, y)

    def predict_on_batch(self, x) -> np.ndarray:
        """Outputs for this batch as a NumPy array."""
        return self._any_trainer().predict_on_batch(x)
