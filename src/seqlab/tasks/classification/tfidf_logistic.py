"""TF-IDF + logistic regression on word 1-2-grams: the strong text baseline of the reports
(``baselines.tfidf_baseline``) and the linear member a ``TextClassifier`` can average with its nets
(``linear_weight``). Both are built by ``tfidf_logistic``, so their settings cannot drift apart.

Tokens are words of two or more letters, as scikit-learn's default; texts that hold none (words of
one character, as in spaced DNA letters or Chinese characters) fall back to words of any length, and
texts without a word character at all to character 1-3-grams (``TOKENS``, the first that finds a
term). The fitted member keeps what prediction needs and nothing else: which tokens it read, the
n-gram terms in column order, their idf weights, and the regression's coefficients and intercepts.
Probabilities are computed from those arrays, in memory and after loading alike (scikit-learn's
formula: a sigmoid of the one decision value for two classes, a softmax of one value per class
otherwise).

>>> member = TfidfLogistic.fit(["free prize", "see you", "win prize", "lunch at noon"], [1, 0, 1, 0], 2)
>>> member.predict_proba(["prize now"]).argmax(axis=1).tolist()
[1]
>>> json_state, tensors = member.state()
>>> same = TfidfLogistic.from_state(json_state, tensors)
>>> bool((same.predict_proba(["prize now"]) == member.predict_proba(["prize now"])).all())
True
"""
from __future__ import annotations

import numpy as np

from seqlab.io.errors import DataError, ModelFileError

TFIDF_C = 20.0   # inverse regularisation strength of the logistic regression (benchmarks/defaults.py's baseline)
TENSOR_PREFIX = "tfidf_logistic/"   # the member's arrays in a saved model's safetensors file
# the vectorizer's tokens, tried in this order until one finds a term in the training texts
TOKENS = {"words": dict(ngram_range=(1, 2)),                                   # scikit-learn's default words
          "short words": dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"),  # one character and up
          "characters": dict(analyzer="char", ngram_range=(1, 3))}


def tfidf_logistic(C: float = TFIDF_C, tokens: str = "words"):
    """An unfitted ``(TfidfVectorizer, LogisticRegression)`` pair: 1-2-grams of ``tokens`` (a ``TOKENS``
    key), sublinear term frequency, L2-normalised rows; L2-penalised logistic regression with ``C``
    (lbfgs, 2,000 iterations)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    return TfidfVectorizer(sublinear_tf=True, **TOKENS[tokens]), LogisticRegression(C=C, max_iter=2000)


def fit_tfidf(texts, C: float = TFIDF_C):
    """The first ``TOKENS`` choice that finds terms in ``texts``: ``(tokens, fitted vectorizer, their
    TF-IDF matrix, unfitted LogisticRegression)``. DataError when no text holds a character.

    >>> fit_tfidf(["a c g t", "t t a g"])[0]
    'short words'
    """
    for tokens in TOKENS:
        vectorizer, model = tfidf_logistic(C, tokens)
        try:
            return tokens, vectorizer, vectorizer.fit_transform(list(texts)), model
        except ValueError:   # scikit-learn: "empty vocabulary; perhaps the documents only contain stop words"
            continue
    raise DataError("TF-IDF found no terms in the training texts: every text is empty")


class TfidfLogistic:
    """A fitted TF-IDF + logistic regression over classes ``0 .. n_classes - 1``.

    Args:
        terms: the vectorizer's n-grams, column ``j`` is ``terms[j]``.
        idf: ``(n_terms,)`` inverse document frequencies.
        coef: ``(1, n_terms)`` for two classes (the decision value of class 1), else ``(n_classes, n_terms)``.
        intercept: ``(1,)`` or ``(n_classes,)``.
    """

    def __init__(self, terms: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 tokens: str = "words"):
        self.terms, self.idf, self.tokens = list(terms), np.asarray(idf, dtype=np.float64), tokens
        self.coef, self.intercept = np.asarray(coef, dtype=np.float64), np.asarray(intercept, dtype=np.float64)
        self.vectorizer = tfidf_logistic(tokens=tokens)[0].set_params(vocabulary=self.terms)
        self.vectorizer.idf_ = self.idf

    @classmethod
    def fit(cls, texts, y_idx, n_classes: int, C: float = TFIDF_C) -> "TfidfLogistic":
        """Fit on ``texts`` with class indices ``y_idx`` (every one of ``0 .. n_classes - 1`` present);
        the tokens are ``fit_tfidf``'s choice. DataError when every text is empty."""
        tokens, vectorizer, features, model = fit_tfidf(texts, C)
        model.fit(features, np.asarray(y_idx))
        if model.classes_.tolist() != list(range(n_classes)):
            raise DataError(f"the TF-IDF + logistic-regression member needs every class among its training "
                            f"labels; got {len(model.classes_)} of {n_classes}")
        return cls(vectorizer.get_feature_names_out().tolist(), vectorizer.idf_, model.coef_, model.intercept_,
                   tokens)

    def predict_proba(self, texts) -> np.ndarray:
        """``(n, n_classes)`` class probabilities."""
        z = self.vectorizer.transform(list(texts)) @ self.coef.T + self.intercept   # (n, 1) or (n, n_classes)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    # ----- persistence: terms as JSON, arrays as tensors ----------------------------------------
    def state(self) -> tuple[dict, dict]:
        """``(JSON-able dict, {name: float64 array})`` for a model directory."""
        tensors = {f"{TENSOR_PREFIX}idf": self.idf, f"{TENSOR_PREFIX}coef": self.coef,
                   f"{TENSOR_PREFIX}intercept": self.intercept}
        return {"terms": self.terms, "tokens": self.tokens}, tensors

    @classmethod
    def from_state(cls, saved: dict, tensors: dict, n_classes: int | None = None) -> "TfidfLogistic":
        """The member written by ``state`` (for ``n_classes`` classes, when given); ModelFileError when the
        parts do not fit together."""
        try:
            terms = saved["terms"]
            idf, coef, intercept = (np.asarray(tensors[f"{TENSOR_PREFIX}{k}"], dtype=np.float64)
                                    for k in ("idf", "coef", "intercept"))
        except (KeyError, TypeError) as e:
            raise ModelFileError(f"the saved TF-IDF + logistic-regression member misses {e}") from None
        tokens = saved.get("tokens", "words")
        if tokens not in TOKENS:
            raise ModelFileError(f"the saved TF-IDF member's tokens must be one of {', '.join(TOKENS)}; got {tokens!r}")
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms) or len(set(terms)) != len(terms):
            raise ModelFileError("the saved TF-IDF member's terms must be a list of distinct strings")
        n = len(terms)
        if idf.shape != (n,) or coef.ndim != 2 or coef.shape[1] != n or intercept.shape != (coef.shape[0],):
            raise ModelFileError(f"the saved TF-IDF member's arrays do not fit its {n} terms: idf {idf.shape}, "
                                 f"coef {coef.shape}, intercept {intercept.shape}")
        if n_classes is not None and coef.shape[0] != (1 if n_classes == 2 else n_classes):
            raise ModelFileError(f"the saved TF-IDF member has {coef.shape[0]} coefficient rows for "
                                 f"{n_classes} classes")
        return cls(terms, idf, coef, intercept, tokens)
