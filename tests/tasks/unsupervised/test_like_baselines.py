"""The like-rate baselines of the MovieLens recommender, against direct NumPy loops."""
import numpy as np
import pytest

from seqlab.tasks.unsupervised.like_baselines import like_rate_baselines, like_rates, per_user_error


def random_likes(seed, shape=(30, 12), rated=0.5):
    rng = np.random.default_rng(seed)
    return np.where(rng.random(shape) < rated, (rng.random(shape) < 0.7).astype(int), -1)


def loop_error(liked, test):
    errors = []
    for u in range(test.shape[0]):
        cells = [i for i in range(test.shape[1]) if test[u, i] >= 0]
        if cells:
            errors.append(np.mean([(liked[u, i] >= 0.5) != (test[u, i] == 1) for i in cells]))
    return np.mean(errors)


def shrunk(values, k, overall):
    seen = [v for v in values if v >= 0]
    return (sum(seen) + k * overall) / (len(seen) + k) if len(seen) + k > 0 else overall


@pytest.mark.parametrize("k", [0, 5])
def test_baselines_match_a_loop_over_users_and_movies(k):
    train, test = random_likes(0), random_likes(1, rated=0.3)
    train[:, 3] = -1                                      # a movie nobody rated in training
    overall = train[train >= 0].mean()
    user = np.array([shrunk(row, k, overall) for row in train])
    movie = np.array([shrunk(col, k, overall) for col in train.T])
    u, m, o = like_rates(train, k)
    np.testing.assert_allclose(u, user)
    np.testing.assert_allclose(m, movie)
    assert o == pytest.approx(overall) and m[3] == pytest.approx(overall)
    got = like_rate_baselines(train, test, smoothing=k)
    n_users, n_movies = test.shape
    expect = {
        "every movie liked": loop_error(np.ones(test.shape), test),
        "the movie's like rate": loop_error(np.tile(movie, (n_users, 1)), test),
        "the user's like rate": loop_error(np.tile(user[:, None], (1, n_movies)), test),
        "user + movie like rates": loop_error(user[:, None] + movie[None, :] - overall, test),
    }
    assert got == pytest.approx(expect)


def test_per_user_error_averages_users_not_ratings():
    test = np.array([[1, 1, 1, 0], [0, -1, -1, -1], [-1, -1, -1, -1]])
    # user 1: 1 wrong of 4, user 2: 1 wrong of 1, user 3 has no test ratings
    assert per_user_error(np.ones(test.shape), test) == pytest.approx((0.25 + 1.0) / 2)
    assert np.isnan(per_user_error(np.ones((1, 2)), [[-1, -1]]))
