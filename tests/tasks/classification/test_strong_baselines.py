"""The strong classification baselines against direct scikit-learn / NumPy computations."""
import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from seqlab.tasks.classification.baselines import (
    nearest_neighbour_baseline,
    nearest_neighbour_predict,
    resample,
    tfidf_baseline,
    verdict,
)


def _series(n, length, seed, channels=1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    t = np.linspace(0, 1, length)
    x = np.sin(2 * np.pi * (y[:, None] + 1) * t)[:, :, None] + rng.normal(scale=0.8, size=(n, length, channels))
    return x, y


def test_one_nn_euclidean_matches_sklearn():
    xtr, ytr = _series(40, 30, 0, channels=2)
    xte, _ = _series(25, 30, 1, channels=2)
    ours = nearest_neighbour_predict(list(xtr), ytr, list(xte))
    knn = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(xtr.reshape(40, -1), ytr)
    assert ours.tolist() == knn.predict(xte.reshape(25, -1)).tolist()


def test_series_of_other_lengths_are_resampled_to_the_training_length():
    xtr, ytr = _series(20, 24, 2)
    short = [s[::2] for s in _series(10, 24, 3)[0]]                  # 12 steps each
    expected_x = np.stack([np.interp(np.linspace(0, 1, 24), np.linspace(0, 1, 12), s[:, 0]) for s in short])
    assert np.allclose(resample(short, 24)[:, :, 0], expected_x)
    knn = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(xtr[:, :, 0], ytr)
    assert nearest_neighbour_predict(list(xtr), ytr, short).tolist() == knn.predict(expected_x).tolist()


def _dtw(a, b, band):
    """Textbook DTW with a Sakoe-Chiba band, squared-error cost, square root of the total."""
    n = len(a)
    d = np.full((n + 1, n + 1), np.inf)
    d[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(max(1, i - band), min(n, i + band) + 1):
            d[i, j] = ((a[i - 1] - b[j - 1]) ** 2).sum() + min(d[i - 1, j], d[i, j - 1], d[i - 1, j - 1])
    return np.sqrt(d[n, n])


def test_one_nn_dtw_matches_a_direct_computation():
    xtr, ytr = _series(12, 20, 4)
    xte, yte = _series(6, 20, 5)
    expected = [ytr[int(np.argmin([_dtw(q, r, 2) for r in xtr]))] for q in xte]
    assert nearest_neighbour_predict(list(xtr), ytr, list(xte), metric="dtw", window=0.1).tolist() == expected
    scores = nearest_neighbour_baseline(list(xtr), ytr, list(xte), yte, metric="dtw")
    assert scores["name"].startswith("1-NN DTW")
    assert scores["accuracy"] == pytest.approx(np.mean(np.array(expected) == yte))


def test_tfidf_baseline_matches_sklearn():
    rng = np.random.default_rng(0)
    words = ["cash", "prize", "win", "now", "lunch", "meet", "home", "later", "free", "call"]
    texts = [" ".join(rng.choice(words, 6)) for _ in range(80)]
    y = np.array(["spam" if sum(w in t for w in ("cash", "prize", "free")) >= 2 else "ham" for t in texts])
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    lr = LogisticRegression(C=20.0, max_iter=2000).fit(vec.fit_transform(texts[:60]), y[:60])
    expected = (lr.predict(vec.transform(texts[60:])) == y[60:]).mean()
    scores = tfidf_baseline(texts[:60], y[:60], texts[60:], y[60:])
    assert scores["accuracy"] == pytest.approx(expected)
    assert scores["name"] == "TF-IDF + logistic regression"


def test_verdict_says_when_the_model_loses():
    assert verdict(0.5, 0.8, "1-NN Euclidean").startswith("LOSES to the strong baseline 1-NN Euclidean")
    assert verdict(0.9, 0.8, "x").startswith("beats")
