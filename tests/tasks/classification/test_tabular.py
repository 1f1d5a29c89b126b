"""TabularClassifier: seed 003's churn preprocessing inside the estimator, saved as JSON."""
import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import LabelEncoder, OneHotEncoder, StandardScaler
from support import SHARED_DATA

import seqlab
from seqlab.tasks import Task
from seqlab.tasks.classification.tabular import TabularClassifier

CHURN = str(SHARED_DATA / "churn-modelling/Churn_Modelling.csv")


def churn_rows(n=400):
    return pd.read_csv(CHURN, nrows=n)


def seed003_features(df_train, df_test):
    """Seed 003's preprocessing verbatim: LabelEncoder on Gender, OneHotEncoder on Geography
    (first), StandardScaler fitted on the training rows."""
    X_tr, X_te = df_train.iloc[:, 3:-1].values.copy(), df_test.iloc[:, 3:-1].values.copy()
    le = LabelEncoder().fit(X_tr[:, 2])
    X_tr[:, 2], X_te[:, 2] = le.transform(X_tr[:, 2]), le.transform(X_te[:, 2])
    ct = ColumnTransformer([("encoder", OneHotEncoder(), [1])], remainder="passthrough").fit(X_tr)
    X_tr, X_te = np.array(ct.transform(X_tr), dtype=float), np.array(ct.transform(X_te), dtype=float)
    sc = StandardScaler().fit(X_tr)
    return sc.transform(X_tr), sc.transform(X_te)


def test_preprocessing_matches_seed003_recipe():
    df = churn_rows()
    train, test = df[:300], df[300:]
    clf = TabularClassifier(epochs=1, seed=0).fit(train.iloc[:, 3:-1], train["Exited"])
    ref_train, ref_test = seed003_features(train, test)
    # seed order: Geography one-hot, then CreditScore, Gender (label-encoded), Age, ...; ours puts
    # the label-encoded Gender before the numeric columns
    names = clf.feature_names_
    assert names[:4] == ["Geography_France", "Geography_Germany", "Geography_Spain", "Gender"]
    order = [0, 1, 2, 4, 3, 5, 6, 7, 8, 9, 10, 11]  # seed column for each of ours
    np.testing.assert_allclose(clf.transform(test.iloc[:, 3:-1]), ref_test[:, order], atol=1e-5)
    np.testing.assert_allclose(clf.transform(train.iloc[:, 3:-1]), ref_train[:, order], atol=1e-5)


def test_seed003_churn_network_shape_and_parameter_count():
    df = churn_rows(200)
    clf = TabularClassifier(epochs=1, seed=0).fit(df.iloc[:, 3:-1], df["Exited"])
    # 12 inputs -> Dense(6) -> Dense(6) -> Dense(1, sigmoid): 78 + 42 + 7
    assert clf.model_.count_params() == 127
    assert [type(l).__name__ for l in clf.model_.layers] == ["Dense", "Dense", "Dense"]


def test_learns_a_separable_table_and_reports_keras_metrics():
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({"colour": rng.choice(["red", "green", "blue"], n), "size": rng.normal(size=n),
                       "kind": rng.choice(["x", "y"], n)})
    y = np.where((df["colour"] == "red") | (df["size"] > 1.0), "yes", "no")
    clf = TabularClassifier(units=(8,), epochs=60, batch_size=32, learning_rate=0.01, seed=0).fit(df, y)
    m = clf.evaluate(df, y)
    assert m["accuracy"] > 0.95
    assert set(["accuracy", "precision", "recall", "auc", "mae", "confusion_matrix"]) <= set(m)
    proba = clf.predict_proba(df)
    assert proba.shape == (n, 2) and np.allclose(proba.sum(1), 1)
    assert m["mae"] == pytest.approx(np.abs(proba[:, 1] - (y == "yes")).mean())
    assert list(clf.classes_) == ["no", "yes"]


def test_multiclass_uses_softmax():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(240, 2))
    y = X.argmax(axis=1) + 3 * (X.max(axis=1) > 1)
    clf = TabularClassifier(units=(16,), epochs=40, learning_rate=0.01, seed=0).fit(X, y)
    assert clf.model_.layers[-1].units == len(np.unique(y))
    assert clf.evaluate(X, y)["accuracy"] > 0.85


def test_save_load_is_json_and_predicts_the_same(tmp_path):
    df = churn_rows(300)
    X, y = df.drop(columns=["Exited"]), df["Exited"]
    clf = TabularClassifier(drop=["RowNumber", "CustomerId", "Surname"], epochs=2, seed=0).fit(X, y)
    clf.save(tmp_path / "m")
    pre = json.loads((tmp_path / "m" / "preprocessing.json").read_text())
    assert json.dumps(pre)  # plain JSON: categories and scaler statistics
    assert not list((tmp_path / "m").glob("*.pkl"))
    same = Task.load(tmp_path / "m")
    assert isinstance(same, TabularClassifier)
    np.testing.assert_allclose(same.predict_proba(X), clf.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(same.predict(X), clf.predict(X))
    assert same.predict(X).dtype.kind == "i"  # labels keep their type


def test_bad_tables_are_seqlab_errors():
    df = churn_rows(60)
    with pytest.raises(seqlab.SeqlabError, match="not fitted"):
        TabularClassifier().predict(df)
    with pytest.raises(seqlab.SeqlabError, match="'Surname' has"):
        TabularClassifier(epochs=1).fit(df.iloc[:, :-1], df["Exited"], )
    clf = TabularClassifier(drop=["RowNumber", "CustomerId", "Surname"], epochs=1, seed=0)
    clf.fit(df.iloc[:, :-1], df["Exited"])
    bad = df.iloc[:, :-1].copy()
    bad.loc[0, "Geography"] = "Italy"
    with pytest.raises(seqlab.SeqlabError, match="Italy"):
        clf.predict(bad)
    bad = df.iloc[:, :-1].copy()
    bad["Age"] = bad["Age"].astype(object)
    bad.loc[1, "Age"] = "forty"
    with pytest.raises(seqlab.SeqlabError, match="'Age'"):
        clf.predict(bad)
    with pytest.raises(seqlab.SeqlabError, match="not found"):
        clf.predict(df.drop(columns=["Balance"]))
    with pytest.raises(seqlab.SeqlabError, match="one class"):
        TabularClassifier(epochs=1).fit(df[["Age"]], np.zeros(len(df)))


def test_wider_dropout_variant_has_dropout_layers_and_predicts_deterministically():
    df = churn_rows(200)
    clf = TabularClassifier(units=(16, 16), dropout=0.2, epochs=1, seed=0).fit(df.iloc[:, 3:-1], df["Exited"])
    # 12 -> 16 -> 16 -> 1: (12*16 + 16) + (16*16 + 16) + (16 + 1); dropout adds no weights
    assert clf.model_.count_params() == 208 + 272 + 17
    assert [type(l).__name__ for l in clf.model_.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    # dropout is off at prediction time: two calls give the same probabilities
    np.testing.assert_array_equal(clf.predict_proba(df.iloc[:, 3:-1]), clf.predict_proba(df.iloc[:, 3:-1]))


def test_cosine_learning_rate_schedule_follows_the_formula_and_bad_names_are_refused():
    df = churn_rows(64)
    clf = TabularClassifier(units=(4,), epochs=4, learning_rate=0.01, learning_rate_schedule="cosine", seed=0)
    clf.fit(df.iloc[:, 3:-1], df["Exited"])
    expected = [0.01 * 0.5 * (1 + math.cos(math.pi * e / 4)) for e in range(4)]  # Keras CosineDecay per epoch
    np.testing.assert_allclose(clf.history_["learning_rate"], expected, rtol=1e-6)
    with pytest.raises(seqlab.SeqlabError, match="learning_rate_schedule"):
        TabularClassifier(epochs=1, learning_rate_schedule="linear").fit(df.iloc[:, 3:-1], df["Exited"])
