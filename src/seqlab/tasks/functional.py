"""``seqlab.Input`` and ``seqlab.Model``: Keras's functional API on seqlab layers.

Layers called on symbolic tensors build a graph (``seqlab.nn.graph``); ``Model(inputs, outputs)``
wraps the graph's engine and adds what Keras users expect: several inputs and outputs, shared
layers, Sequentials and Models inside a Model, ``compile/fit/evaluate/predict``, ``summary`` with
the "Connected to" column, ``save``/``seqlab.load`` (the graph as JSON, weights as safetensors,
classes from the fixed tables only: no Lambda, no code from files), ``save_weights``/
``load_weights(by_name=..., skip_mismatch=...)`` and ``fit(..., tbptt=k)``.

>>> import seqlab
>>> from seqlab import layers
>>> a, b = seqlab.Input((5, 2)), seqlab.Input((3,))
>>> h = layers.LSTM(4)(a)
>>> out = layers.Dense(1)(layers.Concatenate()([h, b]))
>>> model = seqlab.Model([a, b], out)
>>> model.count_params(), model.output_shape
(120, (None, 1))
"""
from __future__ import annotations

import numpy as np
import torch

from seqlab.inspect.graph_summary import graph_summary_table
from seqlab.io.errors import ConfigError, ModelFileError
from seqlab.io.modeldir import LoadedModel, load_model_dir, save_model_dir
from seqlab.nn.base import Layer
from seqlab.nn.graph import (
    LayerGraph,
    SymbolicTensor,
    flatten,
    graph_from_config,
    input_tensor,
    is_symbolic,
    symbolic_call,
)
from seqlab.nn.registry import layer_from_config
from seqlab.nn.seeding import isolated_rng, make_generator
from seqlab.tasks.sequential import Sequential
from seqlab.tasks.weight_files import load_weights_into, save_weights_file
from seqlab.train import Trainer
from seqlab.train.batching import wants_integer_input
from seqlab.train.inference import predict_tensor
from seqlab.train.multi_output import MultiOutputLoss, OutputLoss, OutputMetric, per_output
from seqlab.train.regularizers import PenaltyLog, has_regularization
from seqlab.train.tbptt import fit_tbptt


def Input(shape=None, batch_size=None, dtype=None, name: str | None = None, batch_shape=None) -> SymbolicTensor:
    """A symbolic input of samples of ``shape`` (no batch axis; ``None`` for a length that varies),
    Keras's ``keras.Input``. ``dtype="int32"`` for token ids. ``batch_shape`` (batch first) is
    accepted as in Keras; the batch size itself is never fixed.

    >>> Input(shape=(120, 14)).shape
    (None, 120, 14)
    """
    if shape is None and batch_shape is not None:
        shape = tuple(batch_shape)[1:]
    if shape is None:
        raise ConfigError("Input needs shape=(...), the shape of one sample without the batch axis")
    return input_tensor(tuple(shape) if not isinstance(shape, int) else (shape,), dtype or "float32", name)


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


class Model(torch.nn.Module):
    """A model from a graph of layers: ``Model(inputs, outputs, name=...)``.

    Args:
        inputs: one ``seqlab.Input`` tensor or a list of them (the order ``fit``/``predict`` take ``x`` in).
        outputs: one symbolic tensor or a list (``predict`` returns one array or a list in this order).
        name: the model's name in summaries (default ``"functional"``).
        seed: draw the initial weights of the layers the graph built again from ``make_generator(seed)``
            in call order, so the same seed gives the same model whatever torch's global RNG did; also
            the training seed (shuffling, dropout). None: weights as drawn when the layers were called.

    Called on symbolic tensors, a Model is one layer of a bigger graph (its weights shared).
    """

    def __init__(self, inputs, outputs, name: str | None = None, seed: int | None = None):
        super().__init__()
        self.name = name
        self.seed = seed
        self.single_output = not isinstance(outputs, (list, tuple))
        self.graph = LayerGraph(_as_list(inputs), _as_list(outputs))
        self.trainer = None
        if seed is not None:
            self._redraw(make_generator(seed))

    def _redraw(self, generator: torch.Generator) -> None:
        for node in self.graph.nodes:
            layer = node.module
            if isinstance(layer, Layer) and layer._untouched_since_construction():
                layer.build_for(layer.input_shape_, generator)

    # ----- structure -----------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if is_symbolic(args, kwargs):
            return symbolic_call(self, args, kwargs)
        return super().__call__(*args, **kwargs)

    def forward(self, *xs):
        if len(xs) == 1 and isinstance(xs[0], (list, tuple)):
            xs = tuple(xs[0])
        xs = tuple(x.to(layer.dtype) if isinstance(x, torch.Tensor) and x.dtype != layer.dtype else x
                   for x, layer in zip(xs, self.graph.input_layers))
        return self.graph(*xs)

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self.graph.inputs)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self.graph.outputs)

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.graph.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self.graph.outputs]
        return shapes[0] if self.single_output else shapes

    @property
    def input_dtype(self) -> torch.dtype:
        """int64 when every input takes integers (token ids), else float32 (batching casts to it)."""
        ints = all(not torch.empty((), dtype=layer.dtype).is_floating_point() for layer in self.graph.input_layers)
        return torch.int64 if ints else torch.float32

    @property
    def layers(self) -> list:
        """The input layers, then every layer (or nested model) in call order, as Keras lists them."""
        return [*self.graph.input_layers, *self.graph.layers]

    @property
    def trainable(self) -> bool:
        """False when every weight is frozen. Setting it freezes (or unfreezes) every layer, nested
        models included, as Keras's ``model.trainable = False``; compile again to train what is trainable."""
        return any(p.requires_grad for p in self.parameters())

    @trainable.setter
    def trainable(self, value: bool) -> None:
        for module in self.modules():
            if isinstance(module, Layer):
                module.trainable = value
        for p in self.parameters():
            p.requires_grad_(bool(value))

    @property
    def output_names(self) -> list[str]:
        return [t.node.label() for t in self.graph.outputs]

    def get_layer(self, name: str | None = None, index: int | None = None):
        """The layer called ``name`` (or at ``index`` of ``layers``); ConfigError if there is none."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ConfigError(f"no layer named {name!r}; layers: {[l.name for l in self.layers]}")

    def summary(self) -> str:
        """Keras's table with the "Connected to" column, as a string (``print(model.summary())``)."""
        return graph_summary_table(self.graph, self.name or "functional")

    def count_params(self) -> int:
        """All weights of all layers (a shared layer once), trainable or not."""
        return sum(int(p.numel()) for p in self.parameters())

    def get_weights(self) -> list[np.ndarray]:
        """Every layer's weights in layer order, Keras layout."""
        return [w for layer in self.graph.layers for w in layer.get_weights()]

    def set_weights(self, weights: list) -> None:
        """Set every layer's weights from the flat list ``get_weights`` returns."""
        weights = list(weights)
        for layer in self.graph.layers:
            n = len(layer.get_weights())
            layer.set_weights(weights[:n])
            weights = weights[n:]
        if weights:
            raise ConfigError(f"{len(weights)} weight arrays were left over; the model has fewer weights")

    # ----- files ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The graph as JSON values: inputs, each layer's class and arguments, the calls, the outputs."""
        return {"name": self.name, "single_output": self.single_output, "graph": self.graph.graph_config(layer_spec)}

    @classmethod
    def from_config(cls, config: dict) -> "Model":
        """Rebuild a model (fresh weights) from ``get_config()``; classes come from the fixed tables."""
        graph = config.get("graph", {})
        with isolated_rng(None):  # building draws weights; leave the caller's RNG as it was
            layers = [layer_from_spec(spec) for spec in graph.get("layers", [])]
            inputs, outputs = graph_from_config(graph, layers)
        return cls(inputs, outputs[0] if config.get("single_output") and len(outputs) == 1 else outputs,
                   name=config.get("name"))

    def save(self, path):
        """Write the model to the directory ``path`` (config.json with the graph, model.safetensors,
        preprocessing.json; atomically); ``seqlab.load(path)`` rebuilds it."""
        return save_model_dir(path, "Model", self.get_config(), dict(self.state_dict()), {})

    @classmethod
    def from_loaded(cls, loaded: LoadedModel) -> "Model":
        """Rebuild a model from a read model directory; ModelFileError when the file does not fit."""
        try:
            model = cls.from_config(loaded.config)
        except ConfigError as e:
            raise ModelFileError(f"the saved model graph does not fit this seqlab: {e}") from None
        try:
            model.load_state_dict(loaded.tensors, strict=True)
        except RuntimeError as e:
            raise ModelFileError(f"the weights do not match the saved layers: {str(e).splitlines()[0]}") from None
        return model.eval()

    def save_weights(self, path) -> None:
        """Write every layer's weights (Keras layout) to one safetensors file, keyed ``layer/index``."""
        save_weights_file(self.graph.layers, path)

    def load_weights(self, path, by_name: bool = False, skip_mismatch: bool = False) -> list[str]:
        """Set weights from ``save_weights``'s file or a saved model directory (``seqlab.load``-able).

        By order (default), the i-th layer with weights takes the i-th such layer of the file. With
        ``by_name=True`` a layer takes the weights of the file's layer of the same name and layers
        with no namesake are left alone (a fine-tuning model reusing a pre-trained encoder).
        ``skip_mismatch=True`` (with ``by_name``) skips a layer whose weight shapes differ, with a
        warning, instead of raising ConfigError. Returns the names of the layers that were set."""
        return load_weights_into(self.graph.layers, path, by_name, skip_mismatch)

    # ----- training ------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, learning_rate=None,
                clipnorm=None, clipvalue=None, global_clipnorm=None, device=None, seed=None) -> None:
        """Choose optimiser, loss(es) and metrics (Keras's ``compile``).

        For several outputs ``loss`` is one loss for all, a list in output order or a dict by output
        layer name; ``loss_weights`` likewise; ``metrics`` a list for every output, a list of lists
        or a dict. The History then also holds ``<output>_loss`` and ``<output>_<metric>``. Call it
        again after changing ``trainable`` to train the weights that are trainable now.

        >>> import seqlab
        >>> from seqlab import layers
        >>> x = seqlab.Input((3,))
        >>> m = seqlab.Model(x, [layers.Dense(1, name="a")(x), layers.Dense(2, name="b")(x)])
        >>> m.compile("adam", loss={"a": "mse", "b": "mae"}, metrics=["mae"])
        """
        names = self.output_names
        if len(names) == 1:
            total, metric_objs = loss, metrics or ()
        else:
            losses = per_output(loss, names, "loss") if loss is not None else None
            total = None if losses is None else MultiOutputLoss(losses, None if loss_weights is None else
                                                                per_output(loss_weights, names, "loss_weights"))
            per = per_output(metrics, names, "metrics") if isinstance(metrics, dict) else (
                list(metrics) if isinstance(metrics, (list, tuple)) and metrics and
                all(isinstance(m, (list, tuple)) for m in metrics) else [metrics or []] * len(names))
            metric_objs = [OutputLoss(spec, i, f"{name}_loss") for i, (name, spec) in
                           enumerate(zip(names, losses or []))]
            metric_objs += [OutputMetric(m, i, name) for i, name in enumerate(names) for m in _as_list(per[i] or [])]
        self.trainer = Trainer(self, loss=total, optimizer=optimizer, metrics=metric_objs, lr=learning_rate,
                               clipnorm=clipnorm, clipvalue=clipvalue, device=device,
                               seed=self.seed if seed is None else seed, global_clipnorm=global_clipnorm)

    def _compiled(self) -> Trainer:
        if self.trainer is None or self.trainer.loss is None:
            raise ConfigError("the model is not compiled; call model.compile(optimizer='adam', loss='mse') first")
        return self.trainer

    def _inputs_of(self, x):
        if isinstance(x, dict):
            names = [layer.name for layer in self.graph.input_layers]
            missing = set(names) - set(x)
            if missing:
                raise ConfigError(f"x has no data for the inputs {sorted(missing)}; the inputs are {names}")
            return [x[n] for n in names]
        return x

    def _targets_of(self, y):
        if isinstance(y, dict):
            return [y[n] for n in self.output_names]
        return y

    def fit(self, x, y, epochs: int = 1, batch_size: int | None = None, callbacks=None, tbptt: int | None = None,
            **kwargs):
        """Train on ``(x, y)`` (lists for several inputs/outputs, or dicts by name); returns a History
        (other arguments as ``Trainer.fit``). With penalties the History also holds
        ``"regularization"``. ``tbptt=k``: truncated back-propagation through time over windows of
        ``k`` steps (``seqlab.train.tbptt``; per-step targets, one input)."""
        t = self._compiled()
        callbacks = list(callbacks or [])
        if has_regularization(self):
            callbacks.append(PenaltyLog())
        x, y = self._inputs_of(x), self._targets_of(y)
        if tbptt is not None:
            return fit_tbptt(t, x, y, tbptt, epochs=epochs, batch_size=batch_size or 32, callbacks=callbacks,
                             shuffle=kwargs.get("shuffle", True), verbose=kwargs.get("verbose", 0))
        return t.fit(x, y, epochs=epochs, batch_size=batch_size, callbacks=callbacks, **kwargs)

    def evaluate(self, x, y, batch_size: int | None = None, verbose: int = 0, **kwargs) -> dict:
        """``{"loss": .., "<output>_loss": .., metric: ..}`` over ``(x, y)``."""
        return self._compiled().evaluate(self._inputs_of(x), self._targets_of(y), batch_size=batch_size or 32,
                                         verbose=verbose, **kwargs)

    @torch.no_grad()
    def predict(self, x, batch_size: int | None = None, verbose: int = 0):
        """Outputs for every sample of ``x``: one NumPy array, or a list (one per output)."""
        device = next((p.device for p in self.parameters()), torch.device("cpu"))
        was_training = self.training
        try:   # one call per batch on slices of a once-converted chunk (seqlab.train.inference)
            out = predict_tensor(self, self._inputs_of(x), batch_size or 32, float_ints=not wants_integer_input(self),
                                 device=device, forward=lambda m, b: tuple(flatten(m(*b) if isinstance(b, tuple)
                                                                                  else m(b))))
        finally:
            self.train(was_training)
        arrays = [o.numpy() for o in out]
        return arrays[0] if self.single_output and len(arrays) == 1 else arrays

    def train_on_batch(self, x, y, sample_weight=None) -> dict:
        """One optimiser update on this batch; returns its loss and metrics."""
        return self._compiled().train_on_batch(self._inputs_of(x), self._targets_of(y), sample_weight=sample_weight)


# ----- layer specs and weight files ----------------------------------------------------------
NESTED_MODELS = {"Sequential": Sequential, "Model": Model}


def layer_spec(module) -> dict:
    """``{"class_name", "config"}`` of a layer or nested model, with its name."""
    name = type(module).__name__
    if isinstance(module, (Model, Sequential)):
        return {"class_name": name, "config": {**module.get_config(), "name": module.name}}
    if not isinstance(module, Layer):
        raise ConfigError(f"{name} is not a seqlab layer and cannot be saved in a Model; plain torch modules "
                          f"and Lambda-style functions are not part of the model file format")
    return {"class_name": name, "config": {**module.get_config(), "name": module.name}}


def layer_from_spec(spec: dict):
    """The layer or nested model of a ``layer_spec``, through the fixed class tables only."""
    name, cfg = spec.get("class_name"), spec.get("config", {})
    if name == "Sequential":
        return Sequential([layer_from_config(s) for s in cfg.get("layers", [])],
                          input_shape=tuple(cfg["input_shape"]) if cfg.get("input_shape") else None,
                          name=cfg.get("name") or "sequential")
    if name == "Model":
        return Model.from_config(cfg)
    return layer_from_config(spec)


def load_functional(path) -> Model:
    """A saved Model from its directory (``seqlab.load`` calls this for class name ``Model``)."""
    return Model.from_loaded(load_model_dir(path, ["Model"]))
