"""SequenceClassifier, TextClassifier, SequenceTagger: learning, save/load, bad input, metrics."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn import metrics as skm

from seqlab.data.events import make_event_streams
from seqlab.io.errors import DataError, NotFittedError
from seqlab.tasks import SequenceClassifier, SequenceTagger, Task, TextClassifier
from seqlab.tasks.classification.metrics import classification_metrics, event_scores, majority_baseline
from seqlab.tasks.classification.tagger import PAD_LABEL, MaskedStepLoss


def _series(n=48, seed=0):
    rng = np.random.default_rng(seed)
    y = np.array(["up", "down"] * (n // 2), dtype=object)
    slope = np.where(y == "up", 1.0, -1.0)[:, None]
    X = slope * np.linspace(0, 1, 12)[None, :] + 0.2 * rng.normal(size=(n, 12))
    return X.astype(np.float32), y


def _texts(n=40):
    spam = ["win cash prize now", "free prize claim now", "cash prize winner call"]
    ham = ["see you at lunch", "are we meeting today", "call me when home"]
    texts = [spam[i % 3] if i % 2 else ham[i % 3] for i in range(n)]
    return texts, ["spam" if i % 2 else "ham" for i in range(n)]


@pytest.fixture(scope="module")
def fitted_series():
    X, y = _series()
    clf = SequenceClassifier("gru", units=8, epochs=15, batch_size=8, learning_rate=0.01, seed=0)
    return clf.fit(X, y), X, y


def test_sequence_classifier_learns_slopes_and_reports_metrics(fitted_series):
    clf, X, y = fitted_series
    m = clf.evaluate(X, y)
    assert m["accuracy"] >= 0.9
    assert list(clf.classes_) == ["down", "up"]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0, rtol=1e-5)
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y == "up", proba[:, 1]))


def test_save_and_load_give_the_same_probabilities(fitted_series, tmp_path):
    clf, X, _ = fitted_series
    clf.save(tmp_path / "m")
    back = Task.load(tmp_path / "m")
    assert type(back) is SequenceClassifier
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), rtol=1e-6, atol=1e-7)


def test_channel_mismatch_and_unseen_labels_are_errors(fitted_series):
    clf, X, y = fitted_series
    with pytest.raises(DataError, match="1 channel"):
        clf.predict(np.zeros((2, 12, 3)))
    with pytest.raises(DataError, match="not seen in training"):
        clf.evaluate(X[:2], ["up", "sideways"])


def test_one_class_only_is_an_error():
    X, _ = _series(8)
    with pytest.raises(DataError, match="one class only"):
        SequenceClassifier(epochs=1).fit(X, ["a"] * 8)


def test_measurements_as_labels_are_an_error_as_in_scikit_learn():
    X, _ = _series(8)
    measured = np.random.default_rng(0).normal(size=8)          # a table of readings read label-first
    with pytest.raises(DataError, match="measurements, not classes: 8 distinct numbers in 8 examples"):
        SequenceClassifier(epochs=1).fit(X, measured)
    with pytest.raises(DataError, match="measurements"):
        SequenceClassifier(epochs=1).fit(X, [f"{v:.7e}" for v in measured])   # as a UCR file's first column
    for classes in ([0.0, 1.0] * 4, [0.5, 1.5] * 4, ["1.0", "2.0"] * 4):    # decimals that repeat stay classes
        assert len(SequenceClassifier("gru", units=4, epochs=1).fit(X, classes).classes_) == 2


def test_labels_not_seen_in_training_are_named_and_the_known_ones_listed_within_limits():
    X, _ = _series(60)
    model = SequenceClassifier("gru", units=4, epochs=1).fit(X, [f"c{i}" for i in range(30)] * 2)
    with pytest.raises(DataError) as caught:
        model.evaluate(X[:2], ["zz", "c1"])
    assert "labels ['zz'] were not seen in training; known: c0, c1, c10, c11" in str(caught.value)
    assert str(caught.value).endswith("... (10 more)")


def test_predict_before_fit_is_an_error():
    with pytest.raises(NotFittedError):
        SequenceClassifier().predict(np.zeros((1, 5)))


def test_mlp_refuses_series_of_other_lengths():
    X, y = _series(8)
    clf = SequenceClassifier(encoder="mlp", units=4, epochs=1, seed=0).fit(X, y)
    with pytest.raises(DataError, match="needs that length"):
        clf.predict(np.zeros((1, 10)))
    with pytest.raises(DataError, match="equal length"):
        SequenceClassifier(encoder="mlp", epochs=1).fit([np.zeros(5), np.ones(6)], ["a", "b"])


def test_varying_lengths_and_balanced_class_weight_train():
    rng = np.random.default_rng(0)
    X = [rng.normal(size=(int(rng.integers(5, 15)), 2)) + (i % 2) for i in range(30)]
    y = ["b" if i % 2 else "a" for i in range(30)]
    clf = SequenceClassifier(encoder="cnn1d", filters=(4, 4, 4), epochs=2, class_weight="balanced", seed=0)
    assert clf.fit(X, y).predict(X[:3]).shape == (3,)


def test_text_classifier_learns_keywords_and_ignores_padding(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="lstm", units=8, embedding_dim=8, epochs=12, batch_size=8, learning_rate=0.02, seed=0)
    clf.fit(texts, y)
    assert clf.evaluate(texts, y)["accuracy"] == 1.0
    alone = clf.predict_proba(["free cash"])
    beside_long = clf.predict_proba(["free cash", "see you at lunch " * 5])[:1]
    np.testing.assert_allclose(alone, beside_long, rtol=1e-5, atol=1e-6)
    clf.save(tmp_path / "t")
    np.testing.assert_allclose(Task.load(tmp_path / "t").predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


@pytest.mark.parametrize("options", [dict(encoder="textcnn", dropout=0.5), dict(encoder="lstm", ensemble=3),
                                     dict(encoder="bilstm", pooling="max_mean")])
def test_text_classifier_options_learn_ignore_padding_and_round_trip(tmp_path, options):
    texts, y = _texts()
    clf = TextClassifier(units=8, embedding_dim=8, epochs=12, batch_size=8, learning_rate=0.02, seed=0, **options)
    clf.fit(texts, y)
    assert clf.evaluate(texts, y)["accuracy"] == 1.0
    alone = clf.predict_proba(["free cash"])
    np.testing.assert_allclose(alone, clf.predict_proba(["free cash", "see you at lunch " * 5])[:1],
                               rtol=1e-5, atol=1e-6)
    clf.save(tmp_path / "t")
    loaded = Task.load(tmp_path / "t")
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)
    if options.get("ensemble"):  # members differ (seeds 0, 1, 2) and the prediction is their mean
        members = loaded.model_.members
        assert len(members) == 3 and not torch.equal(members[0].head.kernel, members[1].head.kernel)


def test_text_classifier_empty_texts_are_an_error():
    with pytest.raises(DataError, match="empty text"):
        TextClassifier(epochs=1).fit(["hello", "  "], ["a", "b"])


def test_frozen_pretrained_embeddings_stay_as_given(tmp_path):
    texts, y = _texts(12)
    vectors = tmp_path / "vec.txt"
    words = sorted({w for t in texts for w in t.split()})
    vectors.write_text("".join(f"{w} {i} {i + 0.5} {-i}\n" for i, w in enumerate(words)))
    clf = TextClassifier(encoder="bag_of_embeddings", units=4, embeddings=str(vectors), trainable=False,
                         epochs=2, seed=0).fit(texts, y)
    table = clf.model_.embedding.get_weights()[0]
    i = clf.tokenizer_.word_index["prize"]
    np.testing.assert_array_equal(table[i], [words.index("prize"), words.index("prize") + 0.5, -words.index("prize")])


def test_masked_step_loss_equals_cross_entropy_of_real_steps():
    torch.manual_seed(0)
    pred = torch.randn(2, 4, 3)
    target = torch.tensor([[0, 2, 1, PAD_LABEL], [1, 1, 0, 2]])
    real = target != PAD_LABEL
    expected = F.cross_entropy(pred[real], target[real])
    torch.testing.assert_close(MaskedStepLoss()(pred, target), expected)


def test_sequence_tagger_marks_events_better_than_background(tmp_path):
    X, y = make_event_streams(32, length=100, width=(8, 15), events_per_stream=(2, 4), seed=0)
    tagger = SequenceTagger(encoder="gru", units=16, epochs=12, batch_size=8, learning_rate=0.02, seed=0).fit(X, y)
    m = tagger.evaluate(X, y)
    background = (y == 0).mean()
    assert m["accuracy"] > background + 0.05
    assert tagger.predict(X[:2]).shape == (2, 100)
    tagger.save(tmp_path / "tag")
    np.testing.assert_array_equal(Task.load(tmp_path / "tag").predict(X[:2]), tagger.predict(X[:2]))


def test_majority_baseline_predicts_the_most_frequent_training_class():
    b = majority_baseline(["a", "b", "b"], ["a", "b", "b", "b"], ["a", "b"])
    assert b["predicts"] == "b" and b["accuracy"] == 0.75 and b["roc_auc"] == 0.5
    m = classification_metrics(["a", "b", "b"], ["a", "a", "b"], ["a", "b"])
    assert m["confusion_matrix"] == [[1, 0], [1, 1]]
    assert m["per_class"]["a"]["precision"] == 0.5 and m["f1_macro"] == pytest.approx(2 / 3)


def test_event_scores_count_detections_types_and_false_alarms():
    truth = [np.array(["-", "a", "a", "-", "b", "b", "-", "-"]), np.array(["a", "a", "-", "-"])]
    pred = [np.array(["-", "-", "b", "-", "-", "-", "-", "a"]), np.array(["a", "-", "-", "b"])]
    # events: (a 1-2) flagged as b -> detected, wrong type; (b 4-5) missed; (a 0-1) detected with type.
    # predicted runs: b@2 (hits), a@7 (false alarm), a@0 (hits), b@3 (false alarm)
    s = event_scores(truth, pred, background="-")
    assert (s["events"], s["detected"], s["predicted_events"], s["false_alarms"]) == (3, 2, 4, 2)
    assert s["recall"] == 2 / 3 and s["recall_typed"] == 1 / 3 and s["precision"] == 0.5


def test_sequence_tagger_scores_events_against_the_training_background(tmp_path):
    X, y = make_event_streams(8, length=60, width=(8, 12), events_per_stream=(1, 2), seed=1)
    tagger = SequenceTagger(encoder="gru", units=4, epochs=1, seed=0).fit(X, y)
    assert tagger.background_ == 0 and type(tagger.background_) is int     # labels keep their type
    m = tagger.evaluate(X, y)
    assert m["events"] == {"background": 0, **event_scores(list(y), list(tagger.predict(X)), 0)}
    tagger.save(tmp_path / "tag")
    assert Task.load(tmp_path / "tag").background_ == 0
