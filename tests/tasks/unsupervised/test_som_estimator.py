"""SOM estimator: scikit-learn surface, scaling, save/load, bad input."""
import numpy as np
import pandas as pd
import pytest
from support import SHARED_DATA

from seqlab.io.errors import ConfigError, DataError, NotFittedError
from seqlab.tasks import SOM, Task

CREDIT = str(SHARED_DATA / "credit-card-applications/Credit_Card_Applications.csv")


def test_fit_returns_self_and_predicts_bmus_of_scaled_rows():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 0.1, (50, 2)), rng.normal(100, 0.1, (50, 2))])
    som = SOM(4, 4, seed=0, scale=True)
    assert som.fit(X, num_iteration=300) is som
    cells = som.predict(X)
    assert cells.shape == (100, 2)
    assert {tuple(c) for c in cells[:50]}.isdisjoint({tuple(c) for c in cells[50:]})
    np.testing.assert_allclose(som.inverse_scale(som._scaled(X)), X)
    assert som.transform(X).shape == (100, 16)


def test_seed_003_fraud_map_on_the_credit_card_data():
    df = pd.read_csv(CREDIT)
    X = df.iloc[:, :-1]
    som = SOM(10, 10, input_len=15, sigma=1.0, learning_rate=0.5, seed=0, scale=True).fit(X, num_iteration=2000)
    metrics = som.evaluate(X)
    assert 0 < metrics["quantization_error"] < 0.6 and 0 <= metrics["topographic_error"] < 0.5
    um = som.distance_map()
    assert um.shape == (10, 10) and um.max() == 1.0
    outliers = som.outlying_cells(0.9)
    rows = [i for c in outliers for i in som.win_map(X, return_indices=True).get(c, [])]
    assert all(0 <= r < len(X) for r in rows)


def test_save_load_roundtrip(tmp_path):
    X = np.random.default_rng(1).random((60, 3)) * 50
    som = SOM(3, 4, seed=1, scale=True).fit(X, num_iteration=100)
    som.save(tmp_path / "som")
    again = Task.load(tmp_path / "som")
    assert isinstance(again, SOM)
    np.testing.assert_array_equal(again.predict(X), som.predict(X))
    assert again.evaluate(X) == pytest.approx(som.evaluate(X))


def test_bad_input_raises_seqlab_errors():
    with pytest.raises(NotFittedError):
        SOM(2, 2).predict(np.zeros((1, 2)))
    with pytest.raises(ConfigError, match="1x1"):
        SOM(0, 3).fit(np.zeros((5, 2)))
    with pytest.raises(DataError, match="non-numeric"):
        SOM(2, 2).fit(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    with pytest.raises(DataError, match="input_len"):
        SOM(2, 2, input_len=3).fit(np.zeros((5, 2)))


def test_the_old_positional_input_len_still_works_with_a_warning():
    with pytest.warns(DeprecationWarning, match="passing input_len by position is deprecated"):
        som = SOM(5, 5, 4)
    assert (som.x, som.y, som.input_len) == (5, 5, 4)


def test_kmeans_comparison_matches_a_direct_scikit_learn_computation():
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    from seqlab.tasks.unsupervised.som import SOM

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.3, size=(40, 3)) for c in (0, 3, 6)])
    som = SOM(2, 2, seed=0, scale=True).fit(X, num_iteration=500)
    got = som.kmeans_comparison(X, seed=0)
    data = som._input(X)
    kmeans = KMeans(n_clusters=4, n_init=4, random_state=0).fit(data)
    d = np.linalg.norm(data[:, None, :] - som.map_.weights.reshape(-1, 3).numpy()[None], axis=2)
    assert got["k"] == 4
    assert got["kmeans_inertia"] == pytest.approx(kmeans.inertia_)
    assert got["som_inertia"] == pytest.approx((d.min(1) ** 2).sum(), rel=1e-6)
    assert got["kmeans_silhouette"] == pytest.approx(silhouette_score(data, kmeans.labels_))
    assert got["som_silhouette"] == pytest.approx(silhouette_score(data, d.argmin(1)))
    assert got["kmeans_inertia"] <= got["som_inertia"] + 1e-9       # the map pays for its topology
