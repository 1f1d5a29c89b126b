"""Every task in ``seqlab.tasks.registry.TASK_MODULES`` passes the same checks, in the manner of
scikit-learn's ``check_estimator``: output before ``fit`` raises NotFittedError; ``fit`` returns
self; constructor arguments are stored as given (``get_params``, ``set_params``,
``sklearn.base.clone``) and left alone by ``fit``; ``repr`` reads back as the same task; scikit-learn
sees the classifiers and regressors as such, and their ``score`` is scikit-learn's; save and load give
identical outputs; bad input raises DataError; two fits with one seed give identical outputs;
fitting leaves torch's global random state as it was. Also the one signature: one positional
argument, the rest keyword-only, the shared training arguments in their one spelling.

A new task is covered by adding it to ``CASES`` (tiny arguments, a small data set, its output).
Test ids start with the task's name: ``tests/contracts/conftest.py`` counts the tasks covered.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.metrics import accuracy_score, r2_score

import seqlab
from seqlab.data.events import make_event_streams
from seqlab.data.pairs import reversal_pairs
from seqlab.io.errors import ConfigError, DataError, NotFittedError
from seqlab.nn.seeding import isolated_rng
from seqlab.tasks.base import RENAMED_ARGUMENTS
from seqlab.tasks.registry import TASK_MODULES, task_class

NAMES = sorted(TASK_MODULES)
# The one exception to "one positional argument": a map's size is two numbers, as in MiniSom.
POSITIONAL = {"SOM": ["x", "y"]}
# What scikit-learn sees (``is_classifier``, ``is_regressor``) and scores with ``score(X, y)``; the rest neither.
SKLEARN_KINDS = {"SequenceClassifier": "classifier", "TextClassifier": "classifier", "TabularClassifier": "classifier",
                 "ImageClassifier": "classifier", "SeriesImageClassifier": "classifier",
                 "TabularRegressor": "regressor", "EchoStateNetwork": "regressor"}


@dataclass(frozen=True)
class Case:
    """How to check one task: tiny constructor arguments (by name, the positional ones included),
    ``data() -> (fit arguments, output input)``, its output (the task's job), and inputs that
    ``fit`` must refuse with DataError."""
    params: dict
    data: Callable[[], tuple[tuple, Any]]
    output: Callable[[Any, Any], Any]
    bad: dict[str, Callable[[], tuple]] = field(default_factory=dict)
    fit_kwargs: dict = field(default_factory=dict)


def _rng():
    return np.random.default_rng(0)


def _frame():
    y = 10 + np.sin(np.arange(60) / 3.0) + 0.1 * _rng().normal(size=60)
    return pd.DataFrame({"y": y})


def _series():
    X = _rng().normal(size=(16, 8)).astype("float32")
    return X, [0, 1] * 8


def _texts():
    texts = ["win cash prize now", "see you at lunch", "free prize claim", "call me when home"] * 4
    return texts, ["spam", "ham"] * 8


def _streams():
    return make_event_streams(6, length=40, width=(4, 8), events_per_stream=(1, 2), seed=0)


def _table():
    rng = _rng()
    return pd.DataFrame({"a": rng.normal(size=24), "b": rng.normal(size=24), "c": ["x", "y", "z"] * 8})


def _images():
    return _rng().random((12, 8, 8)).astype("float32"), ["cat", "dog"] * 6


def _names():
    return ["anna", "bob", "carl", "dora", "emil", "fred", "gina", "hans"] * 4


def _matrix(shape=(32, 6)):
    return _rng().random(shape).astype("float32")


def _binary():
    return (_rng().random((32, 6)) > 0.5).astype("float64")


def _likes():
    m = _rng().integers(-1, 2, size=(8, 6)).astype("float32")   # -1 not rated, 0 not liked, 1 liked
    return m


def _ratings():
    return pd.DataFrame({"user_id": [1, 1, 2, 2, 3, 3, 4, 4], "item_id": [1, 2, 2, 3, 1, 3, 2, 4],
                         "rating": [5, 3, 4, 2, 1, 5, 3, 4]})


def _digit_strings():
    from seqlab.data.digit_strings import digit_strings

    return digit_strings(24, max_digits=2, seed=0)


def _chorales():
    bar = ["|", "V1", "C5", "d1", "V2", "E4", "d1", "V3", "G3", "d1", "V4", "C3", "d1"]
    return [["<s>", "|", "ts:4/4", "key:0", *bar[1:], *bar * k, "</s>"] for k in range(1, 6)]


def _with_nan(x):
    x = np.array(x, dtype="float64")
    x.flat[1] = np.nan
    return x


def _text_cells(x):
    return np.full(np.shape(x), "n/a", dtype=object)


CASES: dict[str, Case] = {
    "Forecaster": Case(
        dict(model="gru", target="y", lookback=4, units=4, dropout=0.1, epochs=2, batch_size=16, patience=1, seed=0),
        lambda: ((_frame(),), _frame()), lambda t, x: t.predict(x),
        bad={"nan": lambda: (_frame().assign(y=_with_nan(_frame()["y"])),),
             "text": lambda: (pd.DataFrame({"y": ["n/a"] * 60}),)}),
    "EchoStateNetwork": Case(
        dict(units=10, seed=0), lambda: ((_matrix((40, 5, 1)), _matrix((40, 1))[:, 0]), _matrix((40, 5, 1))),
        lambda t, x: t.predict(x),
        bad={"nan": lambda: (_with_nan(_matrix((40, 5, 1))), np.zeros(40)),
             "text": lambda: (_text_cells(_matrix((40, 5, 1))), np.zeros(40))}),
    "SequenceClassifier": Case(
        dict(encoder="gru", units=4, dropout=0.2, epochs=2, batch_size=8, seed=0),
        lambda: (_series(), _series()[0]), lambda t, x: (t.predict(x), t.predict_proba(x)),
        bad={"nan": lambda: (_with_nan(_series()[0]), _series()[1]),
             "text": lambda: (_text_cells(_series()[0]), _series()[1])}),
    "TextClassifier": Case(
        dict(encoder="lstm", units=4, embedding_dim=4, epochs=2, batch_size=8, seed=0),
        lambda: (_texts(), _texts()[0]), lambda t, x: (t.predict(x), t.predict_proba(x)),
        bad={"empty_corpus": lambda: ([], []), "empty_text": lambda: (["hello", " "], ["a", "b"])}),
    "SequenceTagger": Case(
        dict(encoder="gru", units=4, dropout=0.2, epochs=2, batch_size=4, seed=0),
        lambda: (_streams(), _streams()[0]), lambda t, x: t.predict(x),
        bad={"nan": lambda: (_with_nan(_streams()[0]), _streams()[1])}),
    "TabularClassifier": Case(
        dict(units=(4,), dropout=0.1, epochs=2, batch_size=8, seed=0),
        lambda: ((_table(), [0, 1, 1] * 8), _table()), lambda t, x: (t.predict(x), t.predict_proba(x)),
        bad={"nan": lambda: (_table().assign(a=_with_nan(_table()["a"])), [0, 1, 1] * 8),
             "no_rows": lambda: (_table().iloc[:0], [])}),
    "TabularRegressor": Case(
        dict(units=(4,), dropout=0.1, epochs=2, batch_size=8, seed=0),
        lambda: ((_table(), np.linspace(0.0, 5.0, 24)), _table()), lambda t, x: t.predict(x),
        bad={"nan": lambda: (_table().assign(a=_with_nan(_table()["a"])), np.linspace(0.0, 5.0, 24)),
             "no_rows": lambda: (_table().iloc[:0], [])}),
    "TextTagger": Case(
        dict(units=4, embedding_dim=4, epochs=1, batch_size=8, seed=0),
        lambda: (([["Ann", "met", "Bob"], ["Bob", "left"]] * 6, [["B-PER", "O", "B-PER"], ["B-PER", "O"]] * 6),
                 [["Ann", "left"]]), lambda t, x: t.predict(x),
        bad={"tag_count": lambda: ([["a", "b"]], [["O"]]), "not_bio": lambda: ([["a"]], [["PER"]]),
             "empty": lambda: ([[]], [[]])}),
    "ImageClassifier": Case(
        dict(target_size=(8, 8), filters=(2,), units=4, epochs=1, batch_size=4, rescale=1.0, seed=0),
        lambda: (_images(), _images()[0]), lambda t, x: (t.predict(x), t.predict_proba(x)),
        bad={"nan": lambda: (_with_nan(_images()[0]), _images()[1]),
             "text": lambda: (_text_cells(_images()[0]), _images()[1])}),
    "SeriesImageClassifier": Case(
        dict(as_image="gaf", image_size=8, filters=(2,), units=4, epochs=1, batch_size=8, seed=0),
        lambda: (_series(), _series()[0]), lambda t, x: (t.predict(x), t.predict_proba(x)),
        bad={"nan": lambda: (_with_nan(_series()[0]), _series()[1]),
             "text": lambda: (_text_cells(_series()[0]), _series()[1])}),
    "ImageToSequence": Case(
        dict(units=8, embedding_dim=4, steps=2, eval_every=1, batch_size=8, seed=0),
        lambda: (_digit_strings(), _digit_strings()[0]), lambda t, x: t.predict(x),
        bad={"nan": lambda: (_with_nan(_digit_strings()[0]), _digit_strings()[1]),
             "empty_target": lambda: (_digit_strings()[0], [""] * 24)}),
    "WordGenerator": Case(
        dict(model="gru", units=4, n_embd=4, block_size=4, steps=2, batch_size=4, seed=0),
        lambda: ((["the cat sat .", "a dog ran ."] * 8,), None), lambda t, x: t.sample(n=2, seed=0),
        bad={"too_few": lambda: (["one line"],), "one_string": lambda: ("the cat sat .",)}),
    "MusicGenerator": Case(
        dict(model="gru", units=4, n_embd=4, block_size=6, steps=3, eval_every=2, batch_size=4, seed=0),
        lambda: ((_chorales(),), None), lambda t, x: t.sample(n=2, max_tokens=12, seed=0),
        bad={"one_string": lambda: ("<s> | V1 C4 d1 </s>",), "not_tokens": lambda: ([[1, 2, 3]] * 4,),
             "empty": lambda: ([],)}),
    "CharGenerator": Case(
        dict(model="gru", steps=5, units=8, n_embd=4, batch_size=8, seed=0),
        lambda: ((_names(),), None), lambda t, x: t.sample(n=4, seed=0),
        bad={"empty_corpus": lambda: ([],), "blank_lines": lambda: (["", "  "],)}),
    "Seq2Seq": Case(
        dict(model="gru", units=8, embedding_dim=4, dropout=0.1, epochs=1, batch_size=16, seed=0),
        lambda: ((reversal_pairs(40, length=3, alphabet="ab"),), ["aba", "bb", "ab"]),
        lambda t, x: t.predict(x),
        bad={"empty_corpus": lambda: ([],), "not_pairs": lambda: ([("ab", 3)],)}),
    "GAN": Case(
        dict(arch="dense", latent_dim=2, units=8, epochs=2, batch_size=8, seed=0),
        lambda: ((_matrix((32, 3)),), None), lambda t, x: t.sample(4, seed=0),
        bad={"nan": lambda: (_with_nan(_matrix((32, 3))),), "text": lambda: (_text_cells(_matrix((32, 3))),)}),
    "TimeGAN": Case(
        dict(hidden=4, num_layers=1, iterations=(2, 2, 2), batch_size=8, seed=0),
        lambda: ((_matrix((16, 5, 2)),), None), lambda t, x: t.sample(3, seed=0),
        bad={"nan": lambda: (_with_nan(_matrix((16, 5, 2))),),
             "text": lambda: (_text_cells(_matrix((16, 5, 2))),)}),
    "Autoencoder": Case(
        dict(kind="denoising", code_size=2, epochs=2, batch_size=8, seed=0),
        lambda: ((_matrix(),), _matrix()), lambda t, x: (t.transform(x), t.predict(x)),
        bad={"nan": lambda: (_with_nan(_matrix()),), "text": lambda: (_text_cells(_matrix()),)}),
    "VAE": Case(
        dict(latent_dim=2, hidden=(4,), epochs=2, batch_size=8, seed=0),
        lambda: ((_matrix(),), _matrix()), lambda t, x: (t.sample(4, seed=0), t.predict(x)),
        bad={"nan": lambda: (_with_nan(_matrix()),), "text": lambda: (_text_cells(_matrix()),)}),
    "AnomalyDetector": Case(
        dict(model="dense", epochs=2, batch_size=8, seed=0),
        lambda: ((_matrix((40, 4)),), _matrix((40, 4))), lambda t, x: (t.score_samples(x), t.predict(x)),
        bad={"nan": lambda: (_with_nan(_matrix((40, 4))),), "text": lambda: (_text_cells(_matrix((40, 4))),)}),
    "RBM": Case(
        dict(n_hidden=3, epochs=2, batch_size=8, seed=0),
        lambda: ((_binary(),), _binary()), lambda t, x: (t.transform(x), t.sample(2, gibbs_steps=3, seed=0)),
        bad={"nan": lambda: (_with_nan(_binary()),), "text": lambda: (_text_cells(_binary()),)}),
    "DBN": Case(
        dict(hidden_layers=(4, 2), epochs=1, batch_size=8, seed=0),
        lambda: ((_binary(),), _binary()), lambda t, x: (t.transform(x), t.predict(x)),
        bad={"nan": lambda: (_with_nan(_binary()),), "text": lambda: (_text_cells(_binary()),)}),
    "MovieRecommender": Case(
        dict(n_hidden=4, k=2, epochs=1, batch_size=4, seed=0),
        lambda: ((_likes(),), _likes()), lambda t, x: t.predict(x),
        bad={"nan": lambda: (_with_nan(_likes()),), "text": lambda: (_text_cells(_likes()),)}),
    "AutoencoderRecommender": Case(
        dict(hidden=(4,), code_size=2, epochs=2, batch_size=2, seed=0),
        lambda: ((_ratings(),), _ratings()), lambda t, x: t.predict(x),
        bad={"text": lambda: (_ratings().astype(str).assign(rating="n/a"),), "empty": lambda: (_ratings().iloc[:0],)}),
    "SOM": Case(
        dict(x=3, y=3, seed=0), lambda: ((_matrix(),), _matrix()), lambda t, x: (t.predict(x), t.transform(x)),
        bad={"nan": lambda: (_with_nan(_matrix()),), "text": lambda: (_text_cells(_matrix()),)},
        fit_kwargs=dict(num_iteration=50)),
}
BAD = [(name, kind) for name in NAMES for kind in (CASES[name].bad if name in CASES else ["missing"])]


def _case(name: str) -> Case:
    if name not in CASES:
        pytest.fail(f"{name} is in TASK_MODULES but not in tests/contracts/test_every_task.py: add it to the table")
    return CASES[name]


def _make(name: str):
    """The task built as users write it: the positional argument(s) by position, the rest by keyword."""
    params = dict(_case(name).params)
    first = [params.pop(n) for n in POSITIONAL.get(name, [next(iter(_parameters(name)))]) if n in params]
    return task_class(name)(*first, **params)


def _parameters(name: str) -> dict[str, inspect.Parameter]:
    return dict(list(inspect.signature(task_class(name).__init__).parameters.items())[1:])


@dataclass
class Fitted:
    task: Any
    returned: Any
    output: Any
    params_before: dict
    params_after: dict
    rng_before: torch.Tensor
    rng_after: torch.Tensor


_FITTED: dict[str, Fitted] = {}


def _fit(name: str, task):
    case = _case(name)
    args, _ = case.data()
    return task.fit(*args, **case.fit_kwargs)


def _fitted(name: str) -> Fitted:
    """One fit per task, shared by the checks that need a fitted task (the suite stays fast)."""
    if name not in _FITTED:
        task = _make(name)
        before = task.get_params()
        rng_before = torch.random.get_rng_state()
        returned = _fit(name, task)
        rng_after = torch.random.get_rng_state()
        _FITTED[name] = Fitted(task, returned, _case(name).output(task, _case(name).data()[1]), before,
                               task.get_params(), rng_before, rng_after)
    return _FITTED[name]


def _assert_same(a, b):
    assert type(a) is type(b)
    if isinstance(a, tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    elif isinstance(a, list) and a and isinstance(a[0], np.ndarray):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    else:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert np.asarray(a).dtype == np.asarray(b).dtype


# ----- the checks ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_task_is_in_the_table(name):
    _case(name)


@pytest.mark.parametrize("name", NAMES)
def test_one_positional_argument_the_rest_keyword_only_in_the_shared_spelling(name):
    params = _parameters(name)
    kinds = [p.kind for p in params.values()]
    positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == POSITIONAL.get(name, positional[:1]) and len(positional) >= 1
    assert all(k in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY) for k in kinds)
    assert kinds == sorted(kinds), "positional parameters come first"
    old = sorted(set(params) & set(RENAMED_ARGUMENTS))
    assert not old, f"{name} spells {old} the old way; use {[RENAMED_ARGUMENTS[o] for o in old]}"
    for spelling, new in RENAMED_ARGUMENTS.items():      # old spellings still work, with a warning
        if new in params:
            with pytest.warns(DeprecationWarning, match=f"use {new}="):
                task = task_class(name)(**{spelling: 0.5})
            assert task.get_params()[new] == 0.5 and spelling not in task.get_params()


@pytest.mark.parametrize("name", NAMES)
def test_output_before_fit_raises_not_fitted(name):
    case = _case(name)
    with pytest.raises(NotFittedError):
        case.output(_make(name), case.data()[1])


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self(name):
    fitted = _fitted(name)
    assert fitted.returned is fitted.task


@pytest.mark.parametrize("name", NAMES)
def test_constructor_stores_its_arguments_as_given(name):
    given = _case(name).params
    task = _make(name)
    defaults = {n: p.default for n, p in _parameters(name).items()}
    params = task.get_params()
    assert params == {**defaults, **given}
    assert all(params[n] is v for n, v in given.items()), "stored as given, not converted"


@pytest.mark.parametrize("name", NAMES)
def test_fit_leaves_the_constructor_arguments_alone(name):
    fitted = _fitted(name)
    assert fitted.params_after == fitted.params_before


@pytest.mark.parametrize("name", NAMES)
def test_set_params_and_sklearn_clone(name):
    task = _make(name)
    assert task.set_params(seed=7) is task and task.get_params()["seed"] == 7
    with pytest.raises(ConfigError):
        task.set_params(no_such_parameter=1)
    copy = clone(_fitted(name).task)
    assert type(copy) is task_class(name) and not copy.is_fitted()
    assert copy.get_params() == _fitted(name).task.get_params()


@pytest.mark.parametrize("name", NAMES)
def test_repr_reads_back_as_the_same_task(name):
    task = _make(name)
    text = repr(task)
    assert text.startswith(f"{name}(") and "object at" not in text
    again = eval(text, {name: task_class(name)})
    assert type(again) is type(task) and again.get_params() == task.get_params()
    if name not in POSITIONAL:      # the defaults alone print nothing between the brackets
        assert repr(task_class(name)()) == f"{name}()"


@pytest.mark.parametrize("name", NAMES)
def test_scikit_learn_sees_classifiers_and_regressors_and_scores_them(name):
    kind = SKLEARN_KINDS.get(name)
    task = _make(name)
    assert (is_classifier(task), is_regressor(task)) == (kind == "classifier", kind == "regressor")
    if kind is None:
        return
    fitted = _fitted(name).task
    X, y = _case(name).data()[0]
    direct = accuracy_score if kind == "classifier" else r2_score
    assert fitted.score(X, y) == pytest.approx(direct(y, fitted.predict(X)), abs=1e-12)
    weights = np.linspace(0.5, 2.0, len(y))
    assert fitted.score(X, y, sample_weight=weights) == \
        pytest.approx(direct(y, fitted.predict(X), sample_weight=weights), abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_save_and_load_give_identical_outputs(name, tmp_path):
    fitted = _fitted(name)
    fitted.task.save(tmp_path / "model")
    loaded = seqlab.load(tmp_path / "model")
    assert type(loaded) is task_class(name)
    _assert_same(_case(name).output(loaded, _case(name).data()[1]), fitted.output)


@pytest.mark.parametrize("name, kind", BAD, ids=[f"{name}-{kind}" for name, kind in BAD])
def test_bad_input_raises_data_error(name, kind):
    args = _case(name).bad[kind]()
    with pytest.raises(DataError):
        _make(name).fit(*args, **_case(name).fit_kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_two_fits_with_one_seed_give_identical_outputs(name):
    fitted = _fitted(name)
    with isolated_rng(12345):             # another global random state than the first fit's
        task = _fit(name, _make(name))
    _assert_same(_case(name).output(task, _case(name).data()[1]), fitted.output)


@pytest.mark.parametrize("name", NAMES)
def test_fit_leaves_torchs_global_random_state_as_it_was(name):
    fitted = _fitted(name)
    assert torch.equal(fitted.rng_before, fitted.rng_after)
