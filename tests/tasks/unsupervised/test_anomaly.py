"""AnomalyDetector: scores, thresholds, time-step mapping, metrics vs scikit-learn, bad input."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks import AnomalyDetector, Task
from seqlab.tasks.unsupervised.anomaly import sliding_windows, steps_from_windows


def _table(n=300, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 2))
    X = np.c_[z, z @ [[1.0, -0.5], [0.3, 1.0]], z[:, :1] * 2] + 0.05 * rng.normal(size=(n, 5))
    y = np.zeros(n, int)
    out = rng.choice(n, 10, replace=False)
    X[out] = rng.normal(scale=3, size=(10, 5))          # rows that break the correlations
    y[out] = 1
    return X, y


def test_outlying_rows_score_higher_than_normal_ones():
    X, y = _table()
    det = AnomalyDetector(code_size=2, epochs=40, batch_size=32, learning_rate=0.01, seed=0).fit(X)
    m = det.evaluate(X, y)
    assert m["roc_auc"] > 0.9
    assert m["roc_auc"] == pytest.approx(roc_auc_score(y, det.score_samples(X)))


def test_threshold_flags_the_contamination_fraction_of_training_rows():
    X, _ = _table()
    det = AnomalyDetector(contamination=0.1, epochs=2, batch_size=32, seed=0).fit(X)
    assert det.threshold_ == pytest.approx(np.quantile(det.train_scores_, 0.9))
    assert det.predict(X).mean() == pytest.approx(0.1, abs=0.01)
    det2 = AnomalyDetector(threshold_quantile=0.75, epochs=2, batch_size=32, seed=0).fit(X)
    assert det2.predict(X).mean() == pytest.approx(0.25, abs=0.01)


def test_window_scores_map_back_to_each_time_step():
    per = np.arange(12.0).reshape(4, 3)            # 4 windows of 3 steps over a 6-step series
    want = [np.mean([per[w, t - w] for w in range(4) if 0 <= t - w < 3]) for t in range(6)]
    np.testing.assert_allclose(steps_from_windows(per, 6), want)
    series = np.arange(10.0).reshape(5, 2)
    np.testing.assert_array_equal(sliding_windows(series, 3)[1], series[1:4])


@pytest.mark.parametrize("model", ["dense", "lstm", "vae"])
def test_a_spike_in_a_series_gets_the_top_scores(model):
    rng = np.random.default_rng(0)
    s = np.sin(np.arange(400) * 2 * np.pi / 20) + 0.05 * rng.normal(size=400)
    s[300:303] += 3.0
    det = AnomalyDetector(model=model, window=10, epochs=8, batch_size=32, learning_rate=0.01, seed=0).fit(s[:, None])
    scores = det.score_samples(s[:, None])
    assert scores.shape == (400,)
    assert 299 <= int(np.argmax(scores)) <= 303


def test_save_and_load_keep_scores_and_threshold(tmp_path):
    X, _ = _table()
    det = AnomalyDetector(model="vae", epochs=2, batch_size=32, seed=0).fit(X)
    det.save(tmp_path / "det")
    back = Task.load(tmp_path / "det")
    assert back.threshold_ == pytest.approx(det.threshold_)
    np.testing.assert_allclose(back.score_samples(X), det.score_samples(X), rtol=1e-5)


@pytest.mark.parametrize("c", [0, -0.1, 0.6, 1.0])
def test_contamination_outside_0_to_half_is_refused(c):
    with pytest.raises(ConfigError, match="contamination"):
        AnomalyDetector(contamination=c).fit(_table()[0])


def test_bad_input_is_refused():
    X, y = _table(40)
    with pytest.raises(DataError, match="batch_size"):
        AnomalyDetector(batch_size=64).fit(X)
    with pytest.raises(DataError, match="non-numeric|numeric"):
        AnomalyDetector().fit(np.array([["a", "b"]] * 40))
    with pytest.raises(ConfigError, match="window"):
        AnomalyDetector(model="lstm").fit(X)
    det = AnomalyDetector(epochs=1, batch_size=8, seed=0).fit(X)
    with pytest.raises(DataError, match="labels"):
        det.evaluate(X, y[:10])
