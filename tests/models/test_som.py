"""SOM against the published update rule written in NumPy, and against MiniSom when installed."""
import numpy as np
import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.models.som import SelfOrganizingMap


def numpy_gaussian_step(w, x, win, t, T, lr0, sigma0):
    """w += lr(t) * h(winner, sigma(t)) * (x - w), asymptotic decay p / (1 + t / (T/2))."""
    lr = lr0 / (1 + t / (T / 2))
    sig = sigma0 / (1 + t / (T / 2))
    ii, jj = np.meshgrid(np.arange(w.shape[0]), np.arange(w.shape[1]), indexing="ij")
    h = np.exp(-((ii - win[0]) ** 2 + (jj - win[1]) ** 2) / (2 * sig ** 2))
    return w + lr * h[:, :, None] * (x - w)


def numpy_bmu(w, x):
    d = np.linalg.norm(w - x, axis=-1)
    return np.unravel_index(d.argmin(), d.shape)


def test_one_update_step_follows_the_published_rule():
    som = SelfOrganizingMap(6, 4, 3, sigma=1.5, learning_rate=0.4, seed=0)
    w0 = som.weights.numpy().copy()
    x = np.array([0.2, -0.4, 0.9])
    win = som.winner(x)
    assert win == numpy_bmu(w0, x)
    som.update(x, win, t=7, max_iteration=20)
    np.testing.assert_allclose(som.weights.numpy(), numpy_gaussian_step(w0, x, win, 7, 20, 0.4, 1.5),
                               rtol=0, atol=1e-14)


def test_train_batch_equals_the_rule_applied_in_data_order():
    rng = np.random.default_rng(1)
    data = rng.random((40, 3))
    som = SelfOrganizingMap(7, 5, 3, sigma=2.0, learning_rate=0.5, seed=2)
    som.random_weights_init(data)
    w = som.weights.numpy().copy()
    T = 100
    for t in range(T):
        x = data[t % len(data)]
        w = numpy_gaussian_step(w, x, numpy_bmu(w, x), t, T, 0.5, 2.0)
    som.train_batch(data, T)
    np.testing.assert_allclose(som.weights.numpy(), w, rtol=0, atol=1e-12)


@pytest.mark.parametrize("neighborhood", ["gaussian", "bubble", "mexican_hat"])
@pytest.mark.parametrize("topology", ["rectangular", "hexagonal"])
def test_train_random_reproduces_minisom_with_the_same_seed(neighborhood, topology):
    minisom = pytest.importorskip("minisom")
    data = np.random.default_rng(0).random((60, 4))
    kw = dict(sigma=2.0, learning_rate=0.5)
    ref = minisom.MiniSom(6, 5, 4, neighborhood_function=neighborhood, topology=topology, random_seed=3, **kw)
    som = SelfOrganizingMap(6, 5, 4, neighborhood=neighborhood, topology=topology, seed=3, **kw)
    ref.random_weights_init(data)
    som.random_weights_init(data)
    ref.train_random(data, 150)
    som.train_random(data, 150)
    scale = max(1.0, np.abs(ref.get_weights()).max())     # the mexican hat can push neurons far out
    np.testing.assert_allclose(som.weights.numpy() / scale, ref.get_weights() / scale, atol=1e-12)
    assert som.quantization_error(data) == pytest.approx(ref.quantization_error(data), abs=1e-12)
    assert som.topographic_error(data) == pytest.approx(ref.topographic_error(data))
    np.testing.assert_allclose(som.distance_map(), ref.distance_map(), atol=1e-12)
    assert {k: v for k, v in som.win_map(data, return_indices=True).items()} == \
        {tuple(int(c) for c in k): v for k, v in ref.win_map(data, return_indices=True).items()}


def test_bubble_moves_only_the_cells_within_sigma():
    som = SelfOrganizingMap(5, 5, 2, sigma=2.0, neighborhood="bubble", seed=0)
    w0 = som.weights.numpy().copy()
    som.update(np.array([1.0, 1.0]), (2, 2), t=0, max_iteration=10)
    moved = np.abs(som.weights.numpy() - w0).sum(-1) > 0
    expected = np.zeros((5, 5), bool)
    expected[1:4, 1:4] = True                               # |i - 2| < 2 and |j - 2| < 2
    assert (moved == expected).all()


def test_offline_batch_map_is_the_neighbourhood_weighted_mean():
    rng = np.random.default_rng(4)
    data = rng.random((30, 2))
    som = SelfOrganizingMap(3, 4, 2, sigma=1.0, learning_rate=0.5, seed=0)
    som.random_weights_init(data)
    w = som.weights.numpy().copy()
    ii, jj = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    num, den = np.zeros_like(w), np.zeros((3, 4))
    for x in data:                                          # Kohonen 2013, one pass, t = 0
        c = numpy_bmu(w, x)
        h = np.exp(-((ii - c[0]) ** 2 + (jj - c[1]) ** 2) / 2.0)
        num += h[:, :, None] * x
        den += h
    expected = 0.5 * w + 0.5 * num / den[:, :, None]
    som.train_batch_offline(data, 1)
    np.testing.assert_allclose(som.weights.numpy(), expected, atol=1e-12)


def test_u_matrix_sums_distances_to_the_eight_neighbours():
    som = SelfOrganizingMap(3, 3, 1, seed=0)
    som.weights = som.weights.new_tensor(np.arange(9, dtype=float).reshape(3, 3, 1))
    um = som.distance_map()
    w = np.arange(9, dtype=float).reshape(3, 3)
    raw = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            raw[i, j] = sum(abs(w[i, j] - w[a, b]) for a in range(max(i - 1, 0), min(i + 2, 3))
                            for b in range(max(j - 1, 0), min(j + 2, 3)))
    np.testing.assert_allclose(um, raw / raw.max())


def test_quantization_and_topographic_error_on_a_known_map():
    som = SelfOrganizingMap(1, 3, 1, seed=0)
    som.weights = som.weights.new_tensor([[[0.0], [1.0], [10.0]]])
    data = np.array([[0.2], [0.6], [9.0]])
    assert som.quantization_error(data) == pytest.approx((0.2 + 0.4 + 1.0) / 3)
    # best two of 0.2 are cells 0, 1 (neighbours); of 0.6 cells 1, 0; of 9.0 cells 2, 1: no error
    assert som.topographic_error(data) == 0.0
    som.weights = som.weights.new_tensor([[[0.0], [10.0], [1.0]]])
    assert som.topographic_error(np.array([[0.4]])) == 1.0   # best 0, second 2: not adjacent


def test_pca_init_spans_the_first_two_components():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(200, 3)) * [5.0, 2.0, 0.1]
    som = SelfOrganizingMap(4, 3, 3, seed=0)
    som.pca_weights_init(data)
    w = som.weights.numpy()
    spread = w.reshape(-1, 3).std(0)
    assert spread[2] < 0.05 * spread[0]                     # nothing along the smallest component


def test_bad_maps_and_data_are_refused():
    with pytest.raises(ConfigError, match="at least 1x1"):
        SelfOrganizingMap(0, 10, 3)
    with pytest.raises(ConfigError, match="smaller map"):
        SelfOrganizingMap(100_000, 100_000, 16)
    with pytest.raises(ConfigError, match="neighborhood"):
        SelfOrganizingMap(2, 2, 3, neighborhood="cone")
    som = SelfOrganizingMap(2, 2, 3)
    with pytest.raises(DataError, match="numeric"):
        som.train_random([["a", "b", "c"]], 10)
    with pytest.raises(DataError, match="3 features"):
        som.train_random(np.zeros((5, 2)), 10)
    with pytest.raises(DataError, match="NaN"):
        som.winner([np.nan, 0, 0])
