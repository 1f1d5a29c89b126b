"""RBM / DBN / MovieRecommender estimators."""
import numpy as np
import pytest

from seqlab.io.errors import DataError, NotFittedError
from seqlab.tasks import DBN, RBM, MovieRecommender, Task
from seqlab.tasks.unsupervised.rbm import ratings_matrix


def two_patterns(n=200, seed=0):
    rng = np.random.default_rng(seed)
    p = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=float)
    return p[rng.integers(0, 2, n)]


def test_rbm_from_weights_matches_seed_003_first_pass():
    rbm = RBM.from_weights([[0.1, 0.2, -0.1, 0.3], [0.3, -0.2, 0.4, -0.1], [-0.3, 0.1, 0.5, 0.2]],
                           [0.1, -0.2, 0.3, -0.1], [-0.1, 0.2, 0.0])
    np.testing.assert_allclose(rbm.hidden_probs([[0.5, 0.3, 0.7]])[0], [0.5075, 0.4775, 0.6726, 0.5399],
                               atol=5e-5)


def test_rbm_fit_reconstructs_patterns_and_roundtrips(tmp_path):
    X = two_patterns()
    rbm = RBM(n_hidden=4, k=1, learning_rate=0.5, epochs=60, batch_size=20, seed=0)
    assert rbm.fit(X) is rbm
    assert rbm.evaluate(X)["reconstruction_error"] < 0.1
    assert len(rbm.history_["loss"]) == 60
    assert rbm.sample(5, seed=0).shape == (5, 6)
    rbm.save(tmp_path / "rbm")
    again = Task.load(tmp_path / "rbm")
    np.testing.assert_allclose(again.predict(X[:4]), rbm.predict(X[:4]))


def test_dbn_trains_each_layer_on_the_last_and_roundtrips(tmp_path):
    X = two_patterns()
    dbn = DBN([4, 2], learning_rate=0.5, epochs=30, batch_size=20, seed=0).fit(X)
    assert set(dbn.history_) == {"rbm_0_loss", "rbm_1_loss"}
    assert [k.shape for k, _ in dbn.encoder_weights()] == [(6, 4), (4, 2)]
    dbn.save(tmp_path / "dbn")
    np.testing.assert_allclose(Task.load(tmp_path / "dbn").transform(X[:3]), dbn.transform(X[:3]))


def test_ratings_are_binarised_as_in_the_seed():
    tr = np.array([[1, 1, 1], [1, 2, 2], [1, 3, 3], [2, 3, 5]])
    te = np.array([[2, 1, 4]])
    train, test = ratings_matrix(tr, te)
    np.testing.assert_array_equal(train, [[0, 0, 1], [-1, -1, 1]])
    np.testing.assert_array_equal(test, [[-1, -1, -1], [1, -1, -1]])


def test_recommender_evaluates_on_test_movies_only():
    rng = np.random.default_rng(0)
    train = np.where(rng.random((120, 10)) < 0.5, -1, 1).astype(float)
    test = np.where(train < 0, 1.0, -1.0)
    rec = MovieRecommender(n_hidden=5, k=2, epochs=3, batch_size=20, seed=0).fit(train)
    m = rec.evaluate(train, test)
    assert m["users"] == int((test >= 0).any(1).sum())
    assert 0 <= m["test_error"] <= 1 and 0 <= m["course_test_loss"] <= 1


def test_rbm_bad_input():
    with pytest.raises(NotFittedError):
        RBM().transform(np.zeros((1, 3)))
    with pytest.raises(DataError, match="0/1"):
        RBM(batch_size=2).fit(np.full((4, 3), 2.0))
    with pytest.raises(DataError, match="batch_size"):
        RBM(batch_size=100).fit(np.ones((10, 3)))
    with pytest.raises(DataError, match="numeric"):
        RBM(batch_size=1).fit([["a", "b"]])
