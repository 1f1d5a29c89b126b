"""Keras weights in: ``seqlab.keras.load_weights(model, "model.weights.h5")`` (or a ``.keras`` file).

A Keras 3 weights file holds one group per layer, named after the layer's class in snake case with a
counter (``lstm``, ``lstm_1``, ``dense``, ...) in the order of ``model.layers``, and the layer's
arrays under it in ``get_weights`` order (``vars/0, vars/1, ...``, a recurrent layer's under
``cell/``, a Bidirectional's under ``forward_layer/`` then ``backward_layer/``). seqlab layers have
Keras's class names and weight layouts, so the seqlab model that mirrors the Keras one (same layer
classes in the same order) names the same groups: each layer with weights takes its group's arrays
through ``set_weights``. The first layer that does not fit (a group that is missing, another class,
other shapes) stops the load with a ``ConfigError`` naming it, before anything is changed. A
``.keras`` file is a zip holding ``model.weights.h5`` (and ``config.json``, whose layer classes are
checked against the model's). Reading needs h5py (``pip install seqlab[keras]``).

Images: Keras's Conv2D kernels are ``(kh, kw, in, filters)``, as seqlab's; a Dense after a Flatten
after a convolution sees features in another order (seqlab flattens channels first) and needs its
rows permuted, which this loader does not guess.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np

from seqlab.io.errors import ConfigError, ModelFileError
from seqlab.nn.base import snake_case
from seqlab.nn.graph import InputLayer
from seqlab.tasks.functional import Model
from seqlab.tasks.sequential import Sequential

# sub-groups of a layer's group, in the order Keras lists their weights
SUBGROUP_ORDER = ("cell", "forward_layer", "backward_layer", "layer", "query_dense", "key_dense", "value_dense",
                  "output_dense")

__all__ = ["load_weights", "keras_group_names"]


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ConfigError("reading Keras weight files needs h5py: pip install 'seqlab[keras]' (or h5py)") from None
    return h5py


def _keras_class(layer) -> str:
    """The Keras class name a seqlab layer saves under (InputLayer included)."""
    return "InputLayer" if isinstance(layer, InputLayer) else ("Functional" if isinstance(layer, Model)
                                                               else type(layer).__name__)


def _layers_as_keras_lists_them(model) -> list:
    """``model.layers`` as Keras has them: a Sequential without its input, a Model with its inputs."""
    if isinstance(model, Sequential):
        return list(model.layers)
    if isinstance(model, Model):
        return list(model.layers)
    raise ConfigError(f"load_weights takes a seqlab.Sequential or seqlab.Model, got {type(model).__name__}")


def keras_group_names(layers) -> list[str]:
    """The group name Keras gives each layer in a weights file: snake-case class name, ``_1``, ``_2``
    for later layers of the same class, in layer order.

    >>> from seqlab import layers
    >>> keras_group_names([layers.LSTM(2), layers.Dropout(0.1), layers.LSTM(2), layers.Dense(1)])
    ['lstm', 'dropout', 'lstm_1', 'dense']
    """
    used: dict[str, int] = {}
    names = []
    for layer in layers:
        base = snake_case(_keras_class(layer))
        if base in used:
            used[base] += 1
            names.append(f"{base}_{used[base]}")
        else:
            used[base] = 0
            names.append(base)
    return names


def _natural(name: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _arrays(group) -> list[np.ndarray]:
    """Every array of a layer's group in Keras's order: its own ``vars`` first, then its sub-groups."""
    out = []
    if "vars" in group:
        out += [np.asarray(group["vars"][k]) for k in sorted(group["vars"], key=_natural)]
    subs = [k for k in group if k != "vars" and hasattr(group[k], "keys")]
    subs.sort(key=lambda k: (SUBGROUP_ORDER.index(k) if k in SUBGROUP_ORDER else len(SUBGROUP_ORDER), _natural(k)))
    for key in subs:
        out += _arrays(group[key])
    return out


def _plan(model, layers_group, where: str, plan: list) -> None:
    """Pair every seqlab layer with weights with its group's arrays (recursing into nested models);
    raise at the first that does not fit."""
    layers = _layers_as_keras_lists_them(model)
    for layer, group_name in zip(layers, keras_group_names(layers)):
        label = f"{where}{layer.name} ({_keras_class(layer)}, Keras group '{group_name}')"
        if isinstance(layer, (Sequential, Model)):
            if group_name not in layers_group or "layers" not in layers_group[group_name]:
                raise ConfigError(f"the first layer that does not fit: {label}: the file has no such nested model")
            _plan(layer, layers_group[group_name]["layers"], f"{where}{layer.name}/", plan)
            continue
        own = layer.get_weights() if hasattr(layer, "get_weights") else []
        if not own:
            continue
        if group_name not in layers_group:
            have = ", ".join(sorted(layers_group, key=_natural))
            raise ConfigError(f"the first layer that does not fit: {label}: the file has no group "
                              f"'{group_name}' (it has: {have}); build the seqlab model with the Keras model's "
                              f"layer classes in the same order")
        arrays = _arrays(layers_group[group_name])
        shapes, theirs = [w.shape for w in own], [a.shape for a in arrays]
        if shapes != theirs:
            raise ConfigError(f"the first layer that does not fit: {label}: seqlab expects weights of shapes "
                              f"{shapes}, the file holds {theirs}")
        plan.append((layer, arrays))
    extra = set(layers_group) - set(keras_group_names(layers))
    extra = [g for g in extra if _arrays(layers_group[g])]
    if extra:
        raise ConfigError(f"the file holds weights for layers the seqlab model does not have: "
                          f"{', '.join(sorted(extra, key=_natural))} (in {where or 'the model'})")


def _check_keras_config(model, config: dict) -> None:
    """For a ``.keras`` file: the Keras model's layer classes, in order, must be the seqlab model's."""
    cfg = config.get("config", {})
    theirs = [spec.get("class_name") for spec in cfg.get("layers", [])]
    ours = [_keras_class(l) for l in _layers_as_keras_lists_them(model)]
    if isinstance(model, Sequential):
        theirs = [c for c in theirs if c != "InputLayer"]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b and not (a in ("Functional", "Model") and b in ("Functional", "Model")):
            raise ConfigError(f"the first layer that does not fit: layer {i} is a {a} in seqlab but a {b} in the "
                              f"Keras model")
    if len(ours) != len(theirs):
        raise ConfigError(f"the Keras model has {len(theirs)} layers, the seqlab model {len(ours)}")


def load_weights(model, path) -> list[str]:
    """Copy the weights of a Keras 3 model, saved as ``.weights.h5`` (``model.save_weights``) or inside a
    ``.keras`` file (``model.save``), into the equivalent seqlab ``Sequential`` or ``Model``.

    The seqlab model must have the Keras model's layer classes in the same order (built, e.g. with
    ``input_shape`` or ``seqlab.Input``). Nothing is changed unless every layer fits; the first that
    does not is named in the ConfigError. Returns the names of the seqlab layers that were set.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; give a Keras .weights.h5 or .keras file")
    h5py = _h5py()
    config = None
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                if "model.weights.h5" not in z.namelist():
                    raise ModelFileError(f"{path} is a zip without model.weights.h5: not a Keras 3 .keras file")
                payload = io.BytesIO(z.read("model.weights.h5"))
                if "config.json" in z.namelist():
                    config = json.loads(z.read("config.json"))
            handle = h5py.File(payload, "r")
        else:
            handle = h5py.File(path, "r")
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise ModelFileError(f"{path} is not a Keras weights file: {e}") from None
    with handle as f:
        if "layers" not in f:
            raise ModelFileError(f"{path} has no 'layers' group: not a Keras 3 weights file (Keras 2 .h5 files "
                                 f"are not read)")
        if config is not None:
            _check_keras_config(model, config)
        plan: list = []
        _plan(model, f["layers"], "", plan)
    for layer, arrays in plan:
        layer.set_weights(arrays)
    return [layer.name for layer, _ in plan]
