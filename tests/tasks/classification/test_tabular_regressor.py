"""TabularRegressor on the churn table with a numeric target, against the training-mean baseline."""
import numpy as np
import pytest

from seqlab import datasets, load
from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.classification.tabular_regressor import TabularRegressor, regression_metrics


def test_regression_metrics_match_scikit_learn():
    from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score

    rng = np.random.default_rng(0)
    y, p = rng.normal(size=50), rng.normal(size=50)
    got = regression_metrics(y, p)
    assert got["mae"] == pytest.approx(mean_absolute_error(y, p))
    assert got["rmse"] == pytest.approx(np.sqrt(mean_squared_error(y, p)))
    assert got["r2"] == pytest.approx(r2_score(y, p))


def test_churn_balance_is_predicted_better_than_the_training_mean(tmp_path):
    df = datasets.load("churn-modelling").iloc[:3000]
    X, y = df.drop(columns=["Balance"]), df["Balance"].to_numpy()
    reg = TabularRegressor((16, 8), drop=["RowNumber", "CustomerId", "Surname"], epochs=15, batch_size=64, seed=0)
    reg.fit(X.iloc[:2400], y[:2400])
    scores = reg.evaluate(X.iloc[2400:], y[2400:])
    assert scores["beats_baseline"] and scores["mae"] < 0.9 * scores["baseline"]["mae"]
    reg.save(tmp_path / "reg")
    np.testing.assert_allclose(load(tmp_path / "reg").predict(X.iloc[2400:2410]), reg.predict(X.iloc[2400:2410]),
                               rtol=1e-6)


def test_a_text_target_and_probabilities_are_refused():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(DataError, match="numbers"):
        TabularRegressor(epochs=1).fit(X, ["a"] * 20)
    reg = TabularRegressor((4,), epochs=1, seed=0).fit(X, X[:, 0])
    with pytest.raises(ConfigError, match="class probabilities"):
        reg.predict_proba(X)
