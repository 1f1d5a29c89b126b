"""``ImageClassifier``: the CNNs of seeds 002 and 003 as an estimator.

Seed 003's cats-vs-dogs recipe: images read from a folder of class sub-folders, resized to
64x64, rescaled by 1/255, training images randomly sheared (0.2), zoomed (0.2) and flipped left
to right; ``Conv2D(32, 3, relu)``, ``MaxPool2D(2, 2)``, ``Conv2D(32, 3, relu)``, ``Flatten``,
``Dense(128, relu)``, ``Dense(1, sigmoid)``, Adam on binary cross-entropy.

The network: one ``Conv2D(f, kernel_size, relu)`` per entry of ``filters``, each but the last
followed by ``MaxPooling2D(pool_size)`` (seed 003 has ``filters=(32, 32)``; seed 002's MNIST
model is ``filters=(32, 64, 64), units=64`` with 10 classes: 93,322 parameters), then
``Flatten``, ``Dense(units, relu)`` and the output layer.

>>> import numpy as np
>>> X = np.random.default_rng(0).random((20, 8, 8)); y = [0, 1] * 10
>>> ImageClassifier(target_size=(8, 8), filters=(4,), units=8, epochs=1, seed=0).fit(X, y).predict(X[:2]).shape
(2,)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from seqlab.data.images import ImageBatches, load_image, load_image_folder
from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.conv import Conv2D, MaxPooling2D
from seqlab.nn.core import Dense, Dropout, Flatten
from seqlab.tasks.classification.classifier import ADAPTIVE_VALIDATION, SMALL_SET_BELOW
from seqlab.tasks.classification.net_classifier import NetClassifier


class ImageClassifier(NetClassifier):
    """A convolutional classifier of images.

    Args:
        target_size: ``(H, W)`` every image is resized to when read from files (seed 003: 64x64).
        color_mode: ``"rgb"`` (3 channels) or ``"grayscale"`` (1) for files.
        filters, kernel_size, pool_size, padding: the convolution blocks (see the module notes).
        units: size of the hidden Dense layer; dropout: dropout before the output (0 = none).
        rescale: pixel values are multiplied by this (1/255 for 0..255 images).
        shear_range, zoom_range, horizontal_flip: training augmentation (Keras's
            ``ImageDataGenerator`` meanings; shear in degrees).
        learning_rate_schedule: None = constant, ``"cosine"`` = annealed to 0 over ``epochs``.
        epochs, batch_size, learning_rate, patience, validation_split, seed, verbose: the shared training
            arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam. ``validation_split`` holds out a
            random share of the images (not augmented). ``epochs=None`` (the default; seed 003's
            cats and dogs: ``epochs=25``) is the adaptive budget, on a random 20% held out from 500
            images up, else on the training loss.

    ``fit(X, y=None)``: X is a folder of class sub-folders (labels are the folder names) or an
    array of images ``(n, H, W)`` / ``(n, H, W, C)`` with labels ``y``. ``predict`` takes the same
    (a folder, a list of image files, or an array) and gives labels.
    """

    def __init__(self, target_size=(64, 64), *, color_mode: str = "rgb", filters=(32, 32), kernel_size: int = 3,
                 pool_size: int = 2, padding: str = "valid", units: int = 128, dropout: float = 0.0,
                 rescale: float = 1 / 255, shear_range: float = 0.2, zoom_range: float = 0.2,
                 horizontal_flip: bool = True, epochs: int | None = None, batch_size: int = 32,
                 learning_rate: float | None = None, learning_rate_schedule: str | None = None,
                 validation_split: float = 0.0, patience: int = 5, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.target_size, self.color_mode = target_size, color_mode
        self.filters, self.kernel_size, self.pool_size, self.padding = filters, kernel_size, pool_size, padding
        self.units, self.dropout, self.rescale = units, dropout, rescale
        self.shear_range, self.zoom_range, self.horizontal_flip = shear_range, zoom_range, horizontal_flip
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.validation_split, self.patience, self.seed, self.verbose = validation_split, patience, seed, verbose
        self.time_budget = time_budget

    # ----- inputs --------------------------------------------------------------------------------
    def _read(self, X, y=None):
        """(uint8 or float images (n, H, W, C), labels or None) from a folder, files or an array."""
        if isinstance(X, (str, Path)):
            if y is not None:
                raise ConfigError("labels come from the class folder names; do not pass y with a folder")
            images, labels, _ = load_image_folder(X, self.target_size, self.color_mode)
            return images, labels
        if isinstance(X, (list, tuple)) and X and isinstance(X[0], (str, Path)):
            return np.stack([load_image(p, self.target_size, self.color_mode) for p in X]), y
        images = np.asarray(X)
        if images.ndim == 3:
            images = images[..., None]
        if images.ndim != 4 or images.dtype.kind not in "fiu":
            raise DataError(f"images must be a numeric array (n, H, W) or (n, H, W, C), got shape "
                            f"{images.shape} of {images.dtype}")
        if images.dtype.kind == "f" and not np.isfinite(images).all():
            raise DataError("images hold NaN or infinite values")
        return images, y

    def _inputs(self, X) -> ImageBatches:
        images, _ = self._read(X)
        if images.shape[1:] != tuple(self.image_shape_):
            raise DataError(f"images are {images.shape[1:]} but the model was trained on {tuple(self.image_shape_)} "
                            "(H, W, C); resize them or read them from files with the same target_size")
        return ImageBatches(images, self.rescale)

    # ----- the network ---------------------------------------------------------------------------
    def _input_shape(self):
        return tuple(self.image_shape_)

    def _hidden_layers(self):
        filters = (self.filters,) if np.isscalar(self.filters) else tuple(self.filters)
        layers = []
        for i, f in enumerate(filters):
            kwargs = {"input_shape": tuple(self.image_shape_)} if i == 0 else {}
            layers.append(Conv2D(int(f), self.kernel_size, padding=self.padding, activation="relu", **kwargs))
            if i < len(filters) - 1:
                layers.append(MaxPooling2D(self.pool_size))
        layers += [Flatten(), Dense(int(self.units), activation="relu")]
        if self.dropout:
            layers.append(Dropout(self.dropout))
        return layers

    def _preprocessing_state(self) -> dict:
        return {"image_shape": list(self.image_shape_), "rescale": self.rescale}

    def _restore_preprocessing(self, preprocessing: dict) -> None:
        self.image_shape_ = list(preprocessing["image_shape"])

    def fit(self, X, y=None, validation_data=None) -> "ImageClassifier":
        """Train on a folder of class sub-folders, or on images ``X`` with labels ``y``; returns self.

        ``validation_data``: a folder or ``(images, labels)``; with it or ``validation_split``,
        training stops early on the validation loss (best weights kept). Validation images are
        rescaled but not augmented.
        """
        images, labels = self._read(X, y)
        if labels is None:
            raise ConfigError("give labels y with an array of images (or pass a folder of class sub-folders)")
        y_idx = self._fit_labels(labels)
        if len(y_idx) != len(images):
            raise DataError(f"{len(images)} images but {len(y_idx)} labels")
        self.image_shape_ = list(images.shape[1:])
        val = None
        if validation_data is not None:
            v_images, v_labels = (self._read(validation_data) if isinstance(validation_data, (str, Path))
                                  else self._read(*validation_data))
            val = (self._inputs(v_images)[np.arange(len(v_images))], self._label_index(v_labels))
        elif self.validation_split > 0 or (self.epochs is None and len(images) >= SMALL_SET_BELOW):
            n_val = int(round(len(images) * (self.validation_split or ADAPTIVE_VALIDATION)))
            if not 0 < n_val < len(images):
                raise ConfigError(f"validation_split={self.validation_split} leaves no training or validation images")
            order = np.random.default_rng(self.seed).permutation(len(images))
            held, kept = order[:n_val], order[n_val:]
            val = (ImageBatches(images[held], self.rescale)[np.arange(n_val)], y_idx[held])
            images, y_idx = images[kept], y_idx[kept]
        train = ImageBatches(images, self.rescale, self.shear_range, self.zoom_range, self.horizontal_flip,
                             seed=self.seed)
        self._train(train, y_idx, val)
        return self

