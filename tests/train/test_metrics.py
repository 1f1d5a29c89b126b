"""Metrics against scikit-learn and NumPy, computed over the whole epoch."""
import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from seqlab.io.errors import ConfigError
from seqlab.train import Trainer
from seqlab.train.metrics import get_metric

rng = np.random.default_rng(0)


def feed(name, pred, target, batch=3):
    m = get_metric(name)
    for s in range(0, len(pred), batch):
        m.update(torch.as_tensor(pred[s:s + batch]), torch.as_tensor(target[s:s + batch]))
    return m.result()


def test_regression_metrics_match_numpy():
    p = rng.normal(size=(10, 2)).astype(np.float32)
    y = rng.normal(size=(10, 2)).astype(np.float32) + 2
    assert feed("mae", p, y) == pytest.approx(np.abs(p - y).mean(), 1e-6)
    assert feed("mse", p, y) == pytest.approx(((p - y) ** 2).mean(), 1e-6)
    assert feed("rmse", p, y) == pytest.approx(np.sqrt(((p - y) ** 2).mean()), 1e-6)
    assert feed("mape", p, y) == pytest.approx(100 * np.mean(np.abs(y - p) / np.abs(y)), 1e-5)


def test_binary_classification_metrics_match_sklearn_over_the_epoch():
    p = rng.uniform(size=(11, 1)).astype(np.float32)
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0], np.float32)
    guess = (p[:, 0] > 0.5).astype(int)
    assert feed("accuracy", p, y) == pytest.approx(skm.accuracy_score(y, guess))
    assert feed("precision", p, y) == pytest.approx(skm.precision_score(y, guess))
    assert feed("recall", p, y) == pytest.approx(skm.recall_score(y, guess))
    assert feed("f1", p, y) == pytest.approx(skm.f1_score(y, guess))
    assert feed("auc", p, y) == pytest.approx(skm.roc_auc_score(y, p[:, 0]))
    # the epoch value is not the mean of per-batch values
    per_batch = [skm.f1_score(y[s:s + 3], guess[s:s + 3], zero_division=0) for s in range(0, 11, 3)]
    assert feed("f1", p, y) != pytest.approx(np.mean(per_batch))


def test_multiclass_metrics_with_onehot_and_integer_targets():
    p = torch.softmax(torch.randn(12, 3, generator=torch.Generator().manual_seed(1)), -1).numpy()
    labels = np.array([0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 0, 2])
    onehot = np.eye(3, dtype=np.float32)[labels]
    guess = p.argmax(1)
    for target in (labels, onehot):
        assert feed("accuracy", p, target) == pytest.approx(skm.accuracy_score(labels, guess))
        assert feed("f1", p, target) == pytest.approx(skm.f1_score(labels, guess, average="macro"))
        assert feed("auc", p, target) == pytest.approx(skm.roc_auc_score(labels, p, multi_class="ovr"))


class FixedOutput(torch.nn.Module):
    """Outputs its input (a fixed 'prediction'); the weight gets no gradient."""

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return x + 0.0 * self.w


def test_fit_and_evaluate_report_whole_epoch_metrics():
    p = rng.uniform(size=(10, 1)).astype(np.float32)
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0], np.float32)
    guess = (p[:, 0] > 0.5).astype(int)
    t = Trainer(FixedOutput(), loss="binary_crossentropy", optimizer="sgd", metrics=["precision", "auc"], seed=0)
    h = t.fit(p, y, epochs=1, batch_size=3, verbose=0)
    assert h.history["precision"][0] == pytest.approx(skm.precision_score(y, guess))
    assert h.history["auc"][0] == pytest.approx(skm.roc_auc_score(y, p[:, 0]))
    bce = -np.mean(y * np.log(p[:, 0]) + (1 - y) * np.log(1 - p[:, 0]))
    assert h.history["loss"][0] == pytest.approx(bce, rel=1e-5)
    ev = t.evaluate(p, y, batch_size=4)
    assert ev["loss"] == pytest.approx(bce, rel=1e-5)
    assert ev["precision"] == pytest.approx(skm.precision_score(y, guess))


def test_unknown_metric_lists_the_names():
    with pytest.raises(ConfigError, match="accuracy"):
        get_metric("acuracy")
