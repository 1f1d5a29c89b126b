"""Every classifier returns labels of the type given in ``y`` (ints stay ints, strings strings),
also after save and load; one rule in ``seqlab.tasks.classification.labels``."""
import numpy as np
import pandas as pd
import pytest

import seqlab
from seqlab.io.errors import DataError
from seqlab.tasks import ImageClassifier, SequenceClassifier, SequenceTagger, TabularClassifier, TextClassifier
from seqlab.tasks.classification.labels import (
    classes_from_json,
    classes_to_json,
    fit_classes,
    label_array,
    label_index,
)

RNG = np.random.default_rng(0)
SERIES = RNG.normal(size=(12, 6)).astype("float32")
TEXTS = ["win cash now", "see you soon", "free prize", "lunch at noon"] * 3
TABLE = pd.DataFrame({"a": RNG.normal(size=12), "b": ["x", "y", "z"] * 4})
IMAGES = RNG.random((12, 6, 6)).astype("float32")

# per classifier: a tiny estimator, the inputs, and how 12 labels become its y
CLASSIFIERS = {
    "SequenceClassifier": (lambda: SequenceClassifier("gru", units=2, epochs=1, seed=0), SERIES, lambda y: y),
    "TextClassifier": (lambda: TextClassifier("bag_of_embeddings", units=2, embedding_dim=2, epochs=1, seed=0),
                       TEXTS, lambda y: y),
    "SequenceTagger": (lambda: SequenceTagger("gru", units=2, epochs=1, seed=0), SERIES,
                       lambda y: np.repeat(np.asarray(y, dtype=object)[:, None], 6, axis=1).tolist()),
    "TabularClassifier": (lambda: TabularClassifier((2,), epochs=1, seed=0), TABLE, lambda y: y),
    "ImageClassifier": (lambda: ImageClassifier((6, 6), filters=(1,), units=2, epochs=1, rescale=1.0, seed=0),
                        IMAGES, lambda y: y),
}
LABELS = {
    "int": ([3, 10, 2] * 4, int),
    "numpy int32": (np.array([3, 10, 2] * 4, dtype=np.int32), int),
    "str": (["spam", "ham", "eggs"] * 4, str),
    "float": ([0.5, 1.5, 2.5] * 4, float),
    "bool": ([True, False, False] * 4, bool),
}


def _flat(pred):
    return [v for row in pred for v in row] if isinstance(pred, np.ndarray) and pred.ndim == 2 else list(pred)


@pytest.mark.parametrize("kind", list(LABELS))
@pytest.mark.parametrize("name", list(CLASSIFIERS))
def test_predictions_keep_the_type_of_the_training_labels_also_after_loading(name, kind, tmp_path):
    make, X, shape = CLASSIFIERS[name]
    y, python_type = LABELS[kind]
    clf = make().fit(X, shape(y))
    pred = clf.predict(X)
    assert all(type(v.item() if isinstance(v, np.generic) else v) is python_type for v in _flat(pred))
    assert set(_flat(pred)) <= {python_type(v) for v in y}
    clf.save(tmp_path / "m")
    again = seqlab.load(tmp_path / "m").predict(X)
    assert _flat(again) == _flat(pred)
    assert np.asarray(again).dtype == np.asarray(pred).dtype


def test_numbers_sort_by_value_and_text_in_natural_order():
    assert fit_classes(label_array([10, 2, 1])).tolist() == [1, 2, 10]
    assert fit_classes(label_array(["10", "2", "b", "a"])).tolist() == ["2", "10", "a", "b"]


@pytest.mark.parametrize("y, message", [([1, "a"], "mix numbers and text"), (["a", None], "missing"),
                                        ([1.0, float("nan")], "NaN"), ([[1, 2], [3, 4]], "one per sample")])
def test_bad_labels_are_data_errors(y, message):
    with pytest.raises(DataError, match=message):
        label_array(y)


def test_classes_go_through_json_as_python_values():
    classes = fit_classes(label_array(np.array([2, 1], dtype=np.int64)))
    saved = classes_to_json(classes)
    assert saved == [1, 2] and all(type(v) is int for v in saved)
    assert classes_from_json(saved).tolist() == [1, 2]
    assert classes_from_json(["down", "up"]).dtype == object        # 0.1.0 files stored strings
    with pytest.raises(DataError, match=r"labels \[5\] were not seen"):
        label_index(classes, [1, 5])
