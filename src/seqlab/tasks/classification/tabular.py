"""``TabularClassifier``: the ANN of seed 003's churn example as an estimator.

Seed 003's recipe, kept inside the estimator so ``predict`` on raw rows repeats it exactly:
label-encode two-valued text columns (``Gender``), one-hot encode the other text columns
(``Geography``) with a scikit-learn ``ColumnTransformer``, standardise every resulting column
with a ``StandardScaler`` fitted on the training rows, then ``Dense(6, relu)``, ``Dense(6, relu)``,
``Dense(1, sigmoid)`` trained with Adam on binary cross-entropy, batch 32.

The fitted pipeline is saved as JSON (the encoders' categories, the scaler's mean and scale, the
column order) and rebuilt from it on load; nothing is pickled.

>>> import pandas as pd
>>> df = pd.DataFrame({"city": ["a", "b", "c", "a"] * 10, "sex": ["m", "f"] * 20, "age": range(40)})
>>> clf = TabularClassifier(units=(4,), epochs=2, seed=0).fit(df, [0, 1] * 20)
>>> clf.transform(df).shape, clf.predict(df[:3]).shape
((40, 5), (3,))
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from seqlab.io.errors import ConfigError, DataError
from seqlab.nn.core import Dense, Dropout
from seqlab.tasks.classification.classifier import ADAPTIVE_VALIDATION, SMALL_SET_BELOW
from seqlab.tasks.classification.net_classifier import NetClassifier


class TabularClassifier(NetClassifier):
    """A multilayer perceptron on a table of mixed numeric and text columns.

    Args:
        units: sizes of the hidden ``Dense`` layers (seed 003: ``(6, 6)``).
        activation: hidden activation (``"relu"``).
        dropout: dropout after each hidden layer (0 = none).
        drop: columns to ignore (e.g. ``["RowNumber", "CustomerId", "Surname"]``).
        label_encode, one_hot: text columns to encode each way; None decides per column: two
            distinct values -> label encoding (0/1, sorted like ``LabelEncoder``), more -> one-hot.
        max_categories: a text column with more distinct values is refused (drop it instead).
        learning_rate_schedule: None (constant, seed 003) or ``"cosine"`` (annealed to 0 over ``epochs``).
        epochs, batch_size, learning_rate, patience, validation_split, seed, verbose: the shared training
            arguments (``seqlab.tasks.base.TRAINING_ARGUMENTS``); Adam. Seed 003: 100 epochs, batch 32
            (``epochs=100``); the default ``epochs=None`` is the adaptive budget, on a stratified 20%
            held out from 500 rows up, else on the training loss.
            ``validation_split`` holds out the last rows.

    ``fit(X, y)``: X a DataFrame (or a 2-D array, columns named ``x0, x1, ...``), y one label per
    row. ``predict`` gives labels (of the type given in ``y``), ``predict_proba`` ``(n, n_classes)``,
    ``transform`` the scaled feature matrix, ``evaluate`` accuracy / precision / recall / auc / mae
    and more.
    """

    def __init__(self, units=(6, 6), *, activation: str = "relu", dropout: float = 0.0, drop=(),
                 label_encode=None, one_hot=None, max_categories: int = 20, epochs: int | None = None,
                 batch_size: int = 32, learning_rate: float | None = None, learning_rate_schedule: str | None = None,
                 validation_split: float = 0.0, patience: int = 10, seed: int | None = None, verbose: int = 0,
                 time_budget=None):
        self.units, self.activation, self.dropout = units, activation, dropout
        self.drop, self.label_encode, self.one_hot = drop, label_encode, one_hot
        self.max_categories = max_categories
        self.epochs, self.batch_size, self.learning_rate = epochs, batch_size, learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.validation_split, self.patience, self.seed, self.verbose = validation_split, patience, seed, verbose
        self.time_budget = time_budget

    # ----- the pipeline --------------------------------------------------------------------------
    def _frame(self, X, fitting: bool = False) -> pd.DataFrame:
        if isinstance(X, pd.DataFrame):
            df = X.rename(columns=str)
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise DataError(f"X must be a table (DataFrame or 2-D array), got shape {arr.shape}")
            df = pd.DataFrame(arr, columns=[f"x{i}" for i in range(arr.shape[1])])
        if len(df) == 0:
            raise DataError("X has no rows")
        drop = [str(c) for c in self.drop] if fitting else []
        wanted = [c for c in df.columns if c not in drop] if fitting else self.columns_
        missing = [c for c in [*drop, *wanted] if c not in df.columns]
        if missing:
            raise DataError(f"column(s) {missing} not found; columns are: {', '.join(map(str, df.columns))}")
        return df[wanted]

    def _fit_pipeline(self, df: pd.DataFrame) -> None:
        text = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c])]
        for given in (self.label_encode or []), (self.one_hot or []):
            unknown = [c for c in given if c not in df.columns]
            if unknown:
                raise ConfigError(f"label_encode/one_hot name column(s) {unknown} that X does not have")
        label, onehot = list(self.label_encode or []), list(self.one_hot or [])
        for c in text:
            if c in label or c in onehot:
                continue
            (label if df[c].nunique() <= 2 else onehot).append(c)
        categories = {}
        for c in label + onehot:
            values = sorted(df[c].astype(str).unique().tolist())
            if len(values) > self.max_categories:
                raise DataError(f"column {c!r} has {len(values)} distinct values, more than max_categories="
                                f"{self.max_categories}; drop it (drop=[{c!r}]) or raise max_categories")
            categories[c] = values
        numeric = [c for c in df.columns if c not in label and c not in onehot]
        self.pipeline_ = {"columns": list(map(str, df.columns)), "one_hot": {c: categories[c] for c in onehot},
                          "label": {c: categories[c] for c in label}, "numeric": numeric}
        self.columns_ = list(df.columns)
        encoded = self._encoder().fit_transform(self._clean(df))
        scaler = StandardScaler().fit(encoded)
        self.pipeline_["scaler"] = {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(),
                                    "var": scaler.var_.tolist()}

    def _encoder(self) -> ColumnTransformer:
        p = self.pipeline_
        return ColumnTransformer([
            ("one_hot", OneHotEncoder(categories=[p["one_hot"][c] for c in p["one_hot"]], sparse_output=False),
             list(p["one_hot"])),
            ("label", OrdinalEncoder(categories=[p["label"][c] for c in p["label"]]), list(p["label"])),
        ], remainder="passthrough", verbose_feature_names_out=False)

    def _clean(self, df: pd.DataFrame) -> pd.DataFrame:
        """Text columns as str with unseen values refused; numeric columns checked for NaN/inf/text."""
        df = df.copy()
        p = self.pipeline_
        for c, known in {**p["one_hot"], **p["label"]}.items():
            df[c] = df[c].astype(str)
            unseen = sorted(set(df[c]) - set(known))
            if unseen:
                raise DataError(f"column {c!r} holds {unseen[:5]} not seen in training; known: {', '.join(known)}")
        for c in p["numeric"]:
            values = pd.to_numeric(df[c], errors="coerce")
            bad = int((~np.isfinite(values.to_numpy(dtype=np.float64, na_value=np.nan))).sum())
            if bad:
                raise DataError(f"column {c!r} has {bad} value(s) that are missing, not numbers, or infinite; "
                                "fill or drop those rows")
            df[c] = values.astype(np.float64)
        return df

    def _preprocessing_state(self) -> dict:
        return {"pipeline": self.pipeline_}

    def _restore_preprocessing(self, preprocessing: dict) -> None:
        self.pipeline_ = preprocessing["pipeline"]
        self.columns_ = list(self.pipeline_["columns"])

    def transform(self, X) -> np.ndarray:
        """Raw rows -> the network's inputs ``(n, n_features_)``: encode, then standardise."""
        self._check_fitted()
        df = self._clean(self._frame(X))
        p = self.pipeline_
        encoder = self._encoder()
        template = pd.DataFrame({c: [p["one_hot"].get(c, p["label"].get(c, ["0"]))[0]] if c not in p["numeric"]
                                 else [0.0] for c in self.columns_})
        encoder.fit(template)  # explicit categories: fitting learns nothing from the template
        s = p["scaler"]
        scale = np.asarray(s["scale"])
        return ((encoder.transform(df) - np.asarray(s["mean"])) / scale).astype(np.float32)

    def _inputs(self, X) -> np.ndarray:
        return self.transform(X)

    @property
    def feature_names_(self) -> list[str]:
        """Names of the network's input columns (one-hot columns as ``col_value``)."""
        p = self.pipeline_
        return ([f"{c}_{v}" for c, vals in p["one_hot"].items() for v in vals] + list(p["label"])
                + list(p["numeric"]))

    # ----- the network ---------------------------------------------------------------------------
    def _input_shape(self):
        return (len(self.pipeline_["scaler"]["mean"]),)

    def _hidden_layers(self):
        layers = []
        for u in _units(self.units):
            layers.append(Dense(int(u), activation=self.activation))
            if self.dropout:
                layers.append(Dropout(self.dropout))
        return layers

    def fit(self, X, y, validation_data=None) -> "TabularClassifier":
        """Fit the encoders and scaler on ``X``'s rows, then train the network; returns self."""
        units = _units(self.units)
        if not units or min(units) < 1:
            raise ConfigError(f"units must be one or more positive layer sizes, got {self.units!r}")
        df = self._frame(X, fitting=True)
        y_idx = self._fit_labels(y)
        if len(y_idx) != len(df):
            raise DataError(f"X has {len(df)} rows but y has {len(y_idx)} labels")
        self._fit_pipeline(df)
        val, x = None, self.transform(df)
        if validation_data is not None:
            val = (self.transform(validation_data[0]), self._label_index(validation_data[1]))
        elif self.epochs is None and not self.validation_split and len(y_idx) >= SMALL_SET_BELOW:
            from seqlab.tasks.classification.search import stratified_holdout

            kept, held = stratified_holdout(len(y_idx), y_idx, ADAPTIVE_VALIDATION, self.seed or 0)
            x, y_idx, val = x[kept], y_idx[kept], (x[held], y_idx[held])
        self._train(x, y_idx, val)
        return self


def _units(units) -> tuple[int, ...]:
    return (int(units),) if np.isscalar(units) else tuple(int(u) for u in units)
