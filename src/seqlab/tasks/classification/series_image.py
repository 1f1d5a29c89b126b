"""``SeriesImageClassifier``: numeric series turned into images (``seqlab.data.imaging``) and
classified by ``ImageClassifier``'s CNN, as in Wang & Oates (2015).

Each series ``(steps,)`` or ``(steps, features)`` becomes a ``image_size x image_size`` image with
one channel per feature: a Gramian angular summation (``as_image="gaf"``) or difference
(``"gadf"``) field, a Markov transition field (``"mtf"``) or a recurrence plot (``"rp"``). The
transform is part of the model: ``predict`` takes series, as ``fit`` did.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(16, 30)); y = [0, 1] * 8
>>> SeriesImageClassifier("gaf", image_size=8, filters=(2,), units=4, epochs=1, seed=0).fit(X, y).predict(X[:3]).shape
(3,)
"""
from __future__ import annotations

from seqlab.data.arrays import numeric_samples
from seqlab.data.imaging import series_to_images
from seqlab.tasks.classification.image import ImageClassifier


class SeriesImageClassifier(ImageClassifier):
    """A CNN over series drawn as images.

    Args:
        as_image: "gaf" | "gadf" | "mtf" | "rp" (see ``seqlab.data.imaging``).
        image_size: side of the square image (the series is shrunk to this many points).
        filters, kernel_size, pool_size, padding, units, dropout: the CNN (``ImageClassifier``);
            padding "same" by default so small images keep their size.
        epochs, batch_size, learning_rate, patience, validation_split, seed, verbose, time_budget: the
            shared training arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); ``epochs=None`` (the
            default) is the adaptive budget, on the training loss unless there is validation data.

    No image augmentation: shearing or flipping a Gramian field breaks its symmetry.
    """

    def __init__(self, as_image: str = "gaf", *, image_size: int = 32, filters=(16, 32), kernel_size: int = 3,
                 pool_size: int = 2, padding: str = "same", units: int = 64, dropout: float = 0.0,
                 epochs: int | None = None, batch_size: int = 16, learning_rate: float | None = None,
                 learning_rate_schedule: str | None = None, validation_split: float = 0.0, patience: int = 5,
                 seed: int | None = None, verbose: int = 0, time_budget=None):
        super().__init__((image_size, image_size), color_mode="grayscale", filters=filters,
                         kernel_size=kernel_size, pool_size=pool_size, padding=padding, units=units,
                         dropout=dropout, rescale=1.0, shear_range=0.0, zoom_range=0.0, horizontal_flip=False,
                         epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                         learning_rate_schedule=learning_rate_schedule, validation_split=validation_split,
                         patience=patience, seed=seed, verbose=verbose, time_budget=time_budget)
        self.as_image, self.image_size = as_image, image_size

    def _read(self, X, y=None):
        """(images (n, size, size, features), labels) from series ``(n, steps[, features])``."""
        if hasattr(X, "X") and hasattr(X, "y"):          # a LabeledSeries from seqlab.data.formats
            X, y = X.X, (X.y if y is None else y)
        series = numeric_samples(X)
        return series_to_images(series, self.as_image, int(self.image_size)), y

    def _preprocessing_state(self) -> dict:
        return {**super()._preprocessing_state(), "input": getattr(self, "input_", None)}

    def _restore_preprocessing(self, preprocessing: dict) -> None:
        super()._restore_preprocessing(preprocessing)
        self.input_ = preprocessing.get("input")      # how the training file was read (format, columns)
