"""MovieRecommender: the RBM for collaborative filtering, its adaptive budget, and its scores."""
import numpy as np
import pytest

from seqlab.io.errors import DataError
from seqlab.tasks import MovieRecommender, Task
from seqlab.tasks.unsupervised.like_baselines import like_rate_baselines, per_user_error
from seqlab.tasks.unsupervised.movie_recommender import cross_entropy, hold_out


def two_tastes(n_users=120, n_movies=20, rated=0.6, noise=0.05, seed=0):
    """Half the users like the first half of the movies and not the rest, the other half the
    reverse: like rates are all near 0.5, so only the users' other ratings tell their taste."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, n_users)
    taste = (np.arange(n_movies)[None, :] < n_movies // 2) == (group[:, None] == 0)
    likes = np.where(rng.random((n_users, n_movies)) < noise, ~taste, taste).astype(int)
    known = rng.random((n_users, n_movies)) < rated
    return np.where(known, likes, -1), np.where(known, -1, likes)


def test_learns_tastes_the_like_rate_baselines_cannot_see():
    train, test = two_tastes()
    rec = MovieRecommender(8, seed=0).fit(train)
    m = rec.evaluate(train, test)
    base = like_rate_baselines(train, test)
    assert min(base.values()) > 0.35 and m["test_error"] < 0.15
    assert m["users"] == 120 and m["test_error"] == pytest.approx(per_user_error(rec.predict(train), test))
    assert m["course_test_loss"] >= m["test_error"] - 0.02   # sampling answers can only add error on average


def test_adaptive_budget_keeps_the_best_validation_weights_after_the_floor():
    train, _ = two_tastes(seed=1)
    # offset=None: the model predicts from its weights alone, so the validation score can be recomputed
    # (with the like-rate offset the movie rates are recounted on every rating after training)
    rec = MovieRecommender(8, patience=3, offset=None, seed=0).fit(train)
    t = rec.training_
    assert t["budget"] == "adaptive" and t["stopped_by"] in ("patience", "ceiling")
    assert t["steps"] >= 1000                                    # the floor: 3 batches an epoch -> >= 334 epochs
    assert len(rec.history_["val_cross_entropy"]) == t["epochs"]
    fit_part, val_part = hold_out(train, 0.2, seed=0)            # the split fit made
    best = rec.history_["val_cross_entropy"][t["best_epoch"] - 1]
    assert t["best_score"] == pytest.approx(best)
    assert best <= min(rec.history_["val_cross_entropy"]) * 1.001         # improvements count from 0.1%
    assert cross_entropy(rec.predict(fit_part), val_part) == pytest.approx(best, rel=1e-5)
    assert t["epochs"] > t["best_epoch"] or t["stopped_by"] == "ceiling" # the best weights came back


def test_explicit_epochs_train_exactly_that_many_on_every_rating_and_roundtrip(tmp_path):
    train, test = two_tastes(seed=2)
    rec = MovieRecommender(4, epochs=7, batch_size=20, seed=0).fit(train)
    assert len(rec.history_["loss"]) == 7 and "val_cross_entropy" not in rec.history_
    assert rec.training_["budget"] == "fixed" and rec.training_["stopped_by"] == "epochs"
    rec.save(tmp_path / "rec")
    again = Task.load(tmp_path / "rec")
    np.testing.assert_allclose(again.predict(train[:5]), rec.predict(train[:5]))
    assert again.training_["epochs"] == 7


def test_hold_out_keeps_every_user_something_to_fit_on():
    likes, _ = two_tastes(n_users=30, rated=0.1, seed=3)
    fit_part, val_part = hold_out(likes, 0.5, seed=0)
    rated = (likes >= 0).any(1)
    assert ((fit_part >= 0).any(1) == rated).all()
    assert ((fit_part >= 0) ^ (val_part >= 0) == (likes >= 0)).all()


def test_bad_likes_matrix_is_refused():
    with pytest.raises(DataError, match="liked"):
        MovieRecommender(batch_size=1).fit([[2, 1], [0, -1]])
    with pytest.raises(DataError, match="batch_size"):
        MovieRecommender(batch_size=50).fit([[1, 0], [0, -1]])
    with pytest.raises(DataError, match="no ratings"):
        MovieRecommender(batch_size=1).fit([[-1, -1]])
    rec = MovieRecommender(2, epochs=1, batch_size=2, seed=0).fit([[1, 0, -1], [0, 1, 1]])
    with pytest.raises(DataError, match="movies"):
        rec.predict([[1, 0]])


def test_with_zero_weights_the_offset_rbm_is_the_user_plus_movie_like_rate_predictor():
    train, test = two_tastes(seed=4)
    rec = MovieRecommender(4, epochs=1, batch_size=20, seed=0).fit(train)
    rec.model_.W.zero_()
    rec.model_.visible_bias.zero_()
    seen = train >= 0
    overall = train[seen].mean()
    user = (np.where(seen, train, 0).sum(1) + 5 * overall) / (seen.sum(1) + 5)
    movie = (np.where(seen, train, 0).sum(0) + 5 * overall) / (seen.sum(0) + 5)
    additive = np.clip(user[:, None] + movie[None, :] - overall, 0.02, 0.98)
    np.testing.assert_allclose(rec.predict(train), additive, rtol=1e-5)
    base = like_rate_baselines(train, test)["user + movie like rates"]
    assert rec.evaluate(train, test)["test_error"] == pytest.approx(base)
