"""seqlab's tasks inside scikit-learn's own tools, as a scikit-learn user writes them: ``cross_val_score``
and ``GridSearchCV`` with no ``scoring`` (they rank by the task's ``score``; a classifier gets
stratified folds), a ``Pipeline`` after a scaler, soft voting beside a logistic regression. Each
result is checked against the same computation written out by hand."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from seqlab.data.events import make_event_streams
from seqlab.io.errors import ConfigError
from seqlab.tasks.classification.classifier import SequenceClassifier
from seqlab.tasks.classification.tabular_regressor import TabularRegressor
from seqlab.tasks.classification.tagger import SequenceTagger
from seqlab.tasks.classification.text_classifier import TextClassifier


def _series(n=36, length=12):
    """Two classes of noisy series, 2:1, the "flat" ones last: a plain KFold would test one fold on
    "flat" alone after training without it; stratified folds keep 2:1 in each."""
    rng = np.random.default_rng(0)
    y = np.array(["up"] * (2 * n // 3) + ["flat"] * (n - 2 * n // 3))
    trend = np.where(y == "up", 1.0, 0.0)[:, None] * np.linspace(0, 2, length)
    return (trend + 0.3 * rng.normal(size=(n, length))).astype("float32"), y


def _classifier(**kw):
    return SequenceClassifier("gru", units=4, epochs=3, batch_size=8, seed=0, **kw)


def test_cross_val_score_takes_stratified_folds_and_the_accuracy():
    X, y = _series()
    scores = cross_val_score(_classifier(), X, y, cv=3)
    by_hand = []
    for train, test in StratifiedKFold(3).split(X, y):
        model = clone(_classifier()).fit(X[train], y[train])
        by_hand.append(accuracy_score(y[test], model.predict(X[test])))
    np.testing.assert_allclose(scores, by_hand, atol=1e-12)


def test_grid_search_ranks_by_score_and_refits_the_best():
    X, y = _series()
    search = GridSearchCV(_classifier(), {"learning_rate": [1e-3, 3e-2]}, cv=2).fit(X, y)
    means = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"learning_rate": [1e-3, 3e-2][int(np.argmax(means))]}
    best = search.best_estimator_
    assert isinstance(best, SequenceClassifier) and best.is_fitted()
    assert best.learning_rate == search.best_params_["learning_rate"]
    assert search.score(X, y) == accuracy_score(y, best.predict(X))
    assert list(search.classes_) == ["flat", "up"]


def test_a_pipeline_scales_then_classifies():
    X, y = _series()
    order = np.random.default_rng(2).permutation(len(y))
    X, y = X[order], y[order]
    pipe = make_pipeline(StandardScaler(), _classifier()).fit(X[:24], y[:24])
    scaled = StandardScaler().fit(X[:24])
    alone = _classifier().fit(scaled.transform(X[:24]), y[:24])
    np.testing.assert_array_equal(pipe.predict(X[24:]), alone.predict(scaled.transform(X[24:])))
    assert pipe.score(X[24:], y[24:]) == accuracy_score(y[24:], alone.predict(scaled.transform(X[24:])))


def test_soft_voting_averages_the_net_and_a_logistic_regression():
    X, y = _series()
    vote = VotingClassifier([("net", _classifier()), ("lr", LogisticRegression())], voting="soft").fit(X, y)
    codes = np.unique(y, return_inverse=True)[1]        # VotingClassifier fits its members on label codes
    net = _classifier().fit(X, codes)
    linear = LogisticRegression().fit(X, codes)
    np.testing.assert_allclose(vote.predict_proba(X), (net.predict_proba(X) + linear.predict_proba(X)) / 2,
                               atol=1e-6)


def test_text_classifier_in_cross_val_score():
    texts = ["win cash prize now", "see you at lunch", "free prize claim", "call me when home"] * 4
    labels = np.array(["spam", "ham"] * 8)
    model = TextClassifier("lstm", units=4, embedding_dim=4, epochs=2, batch_size=8, seed=0)
    scores = cross_val_score(model, texts, labels, cv=2)
    by_hand = []
    for train, test in StratifiedKFold(2).split(texts, labels):
        fitted = clone(model).fit([texts[i] for i in train], labels[train])
        by_hand.append(accuracy_score(labels[test], fitted.predict([texts[i] for i in test])))
    np.testing.assert_allclose(scores, by_hand, atol=1e-12)


def test_a_regressor_takes_plain_folds_and_r2():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=30)
    model = TabularRegressor(units=(8,), epochs=5, batch_size=8, seed=0)
    assert is_regressor(model) and not is_classifier(model)
    scores = cross_val_score(model, X, y, cv=3)
    by_hand = [r2_score(y[test], clone(model).fit(X[train], y[train]).predict(X[test]))
               for train, test in KFold(3).split(X)]
    np.testing.assert_allclose(scores, by_hand, atol=1e-12)


def test_the_step_tagger_scores_its_steps_and_is_no_classifier_to_sklearn():
    X, Y = make_event_streams(6, length=40, width=(4, 8), events_per_stream=(1, 2), seed=0)
    tagger = SequenceTagger("gru", units=4, epochs=2, batch_size=4, seed=0).fit(X, Y)
    assert not is_classifier(tagger) and not is_regressor(tagger)
    steps = np.concatenate([np.asarray(t) for t in Y])
    predicted = np.concatenate([np.asarray(p) for p in tagger.predict(X)])
    assert tagger.score(X, Y) == pytest.approx(accuracy_score(steps, predicted), abs=1e-12)
    with pytest.raises(ConfigError, match="sample_weight"):
        tagger.score(X, Y, sample_weight=np.ones(len(X)))
