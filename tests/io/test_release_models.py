"""Model directories written by an earlier release still load and predict exactly as they did.

The fixtures under ``tests/fixtures/release-*`` were written by that release's seqlab with
``tests/fixtures/make_release_models.py``; their predictions were recorded at the same moment.
"""
import json
from pathlib import Path

import numpy as np
import pytest

import seqlab

RELEASES = sorted((Path(__file__).parents[1] / "fixtures").glob("release-*"))
CASES = [(r, name) for r in RELEASES for name in json.loads((r / "expected.json").read_text())["predictions"]]


def _predict(name: str, model, data: dict):
    seq, table = np.array(data["seq"], "float32"), np.array(data["table"], "float32")
    return {
        "sequential": lambda: model.predict(seq[..., None]),
        "forecaster": lambda: model.predict().to_numpy(),
        "sequence-classifier": lambda: model.predict_proba(seq),
        "text-classifier": lambda: model.predict_proba(data["texts"]),
        "som": lambda: model.predict(table),
        "autoencoder": lambda: model.predict(table),
    }[name]()


@pytest.mark.parametrize("release,name", CASES, ids=[f"{r.name}/{n}" for r, n in CASES])
def test_a_saved_model_of_an_earlier_release_predicts_the_same(release, name):
    data = json.loads((release / "inputs.json").read_text())
    expected = json.loads((release / "expected.json").read_text())["predictions"][name]
    model = seqlab.load(release / name)
    np.testing.assert_allclose(np.asarray(_predict(name, model, data), "float64"), expected, rtol=1e-6, atol=1e-7)


def test_there_is_a_release_fixture():
    assert CASES, "tests/fixtures/release-*/ is missing"
