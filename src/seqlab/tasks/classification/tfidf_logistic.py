"""TF-IDF + logistic regression on word 1-2-grams: the strong text baseline of the reports
(``baselines.tfidf_baseline``) and the linear member a ``TextClassifier`` can average with its nets
(``linear_weight``). Both are built by ``tfidf_logistic``, so their settings cannot drift apart. A member
may also read character n-grams inside words (``CHARS``, ``linear_chars``) in a second block of columns
beside the words', with its own C (``CHARS_C``); the baseline never does.

Tokens are words of two or more letters, as scikit-learn's default, with Unicode's combining marks read as
letters (``unicode_word_pattern``: Hindi's vowel signs); texts that hold none (words of one character, as in
spaced DNA letters or Chinese characters) fall back to words of any length, and texts without a word
character at all to character 1-3-grams (``FIT_TOKENS``, the first that finds a term). The fitted member
keeps what prediction needs and nothing else: which tokens (and characters) it read, the n-gram terms in
column order, their idf weights, and the regression's coefficients and intercepts. Probabilities are
computed from those arrays, in memory and after loading alike (scikit-learn's formula: a sigmoid of the one
decision value for two classes, a softmax of one value per class otherwise).

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

from seqlab.data.tokenizer import combining_marks
from seqlab.io.errors import DataError, ModelFileError

TFIDF_C = 20.0   # inverse regularisation strength of the logistic regression (benchmarks/defaults.py's baseline)
TENSOR_PREFIX = "tfidf_logistic/"   # the member's arrays in a saved model's safetensors file
# character n-grams a member may read beside its word terms: n-grams inside each word padded with a space
# (scikit-learn's "char_wb"), sublinear tf, their own L2-normalised block of columns after the words'
CHARS = {"char_wb 2-5": dict(analyzer="char_wb", ngram_range=(2, 5))}
CHARS_C = 200.0   # the regression's C when character n-grams join the words: the best of 5-500 in 3-fold
                  # cross-validation of the text default (benchmarks/choose_text_defaults.py, 2026-12-07)
# the vectorizer's tokens; fit_tfidf tries FIT_TOKENS in order until one finds a term in the training texts.
# "unicode words" are scikit-learn's words (runs of two or more word characters) with the combining marks
# of Unicode (categories Mn, Mc, Me) counted as word characters: Python's \w leaves out the vowel signs of
# Devanagari, Arabic's short vowels, Thai's marks..., and the default pattern cut "हिंदी" into nothing.
# "words" (scikit-learn's default, members saved before 2026-12-07) stays for the files that name it.
TOKENS = {"unicode words": dict(ngram_range=(1, 2)),
          "words": dict(ngram_range=(1, 2)),                                   # scikit-learn's default words
          "short words": dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"),  # one character and up
          "characters": dict(analyzer="char", ngram_range=(1, 3))}
FIT_TOKENS = ("unicode words", "short words", "characters")
PLAIN_TOKENS = ("unicode words", "words")   # the baseline's name says nothing of these
# the member keeps only the terms of two texts or more once it learns from MIN_DF_TEXTS texts or more. Measured by
# 3-fold cross-validation of the training part of each set (word 1-2-grams and char_wb 2-5-grams, C=CHARS_C;
# 2026-12-07): review polarity's 1,600 reviews 0.8544 with every term, 0.8537 with min_df=2, 464k terms against
# 165k; sms-spam's 4,136 messages 0.9894 and 0.9896, 87k against 32k; the sentiment sentences' ~790 (Amazon, IMDb,
# Yelp) lost 1.5 to 3 points with min_df=2, so smaller sets keep every term. The terms are JSON in the model
# file: 17 MB of review polarity's 48 MB before, 9 MB of 34 MB after.
MIN_DF_TEXTS = 1000


def member_min_df(n_texts: int) -> int:
    """The member's ``min_df`` for ``n_texts`` training texts (``MIN_DF_TEXTS``).

    >>> member_min_df(800), member_min_df(25000)
    (1, 2)
    """
    return 2 if n_texts >= MIN_DF_TEXTS else 1


def unicode_word_pattern() -> str:
    """The token pattern of ``"unicode words"``: runs of two or more word characters or combining marks.

    >>> import re
    >>> re.findall(unicode_word_pattern(), "आप हिंदी बोलते हैं? don't café")
    ['आप', 'हिंदी', 'बोलते', 'हैं', 'don', 'café']
    """
    return "(?u)[\\w" + combining_marks() + "]{2,}"


def tfidf_logistic(C: float = TFIDF_C, tokens: str = "unicode words", min_df: int = 1):
    """An unfitted ``(TfidfVectorizer, LogisticRegression)`` pair: 1-2-grams of ``tokens`` (a ``TOKENS``
    key) found in ``min_df`` texts or more, sublinear term frequency, L2-normalised rows; L2-penalised
    logistic regression with ``C`` (lbfgs, 2,000 iterations)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words = dict(token_pattern=unicode_word_pattern()) if tokens == "unicode words" else {}
    return (TfidfVectorizer(sublinear_tf=True, min_df=min_df, **TOKENS[tokens], **words),
            LogisticRegression(C=C, max_iter=2000))


def char_vectorizer(chars: str, min_df: int = 1):
    """An unfitted TfidfVectorizer of the ``CHARS`` entry ``chars`` (sublinear term frequency), keeping the
    n-grams of ``min_df`` texts or more.

    >>> char_vectorizer("char_wb 2-5").fit(["ab"]).get_feature_names_out().tolist()
    [' a', ' ab', ' ab ', 'ab', 'ab ', 'b ']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, min_df=min_df, **CHARS[chars])


def fit_tfidf(texts, C: float = TFIDF_C, min_df: int = 1):
    """The first ``FIT_TOKENS`` choice that finds terms (of ``min_df`` texts or more) in ``texts``:
    ``(tokens, fitted vectorizer, their TF-IDF matrix, unfitted LogisticRegression)``. DataError when no text
    holds a character.

    >>> fit_tfidf(["a c g t", "t t a g"])[0]
    'short words'
    """
    for tokens in FIT_TOKENS:
        vectorizer, model = tfidf_logistic(C, tokens, min_df)
        try:
            return tokens, vectorizer, vectorizer.fit_transform(list(texts)), model
        except ValueError:   # scikit-learn: "empty vocabulary; perhaps the documents only contain stop words"
            continue
    raise DataError("TF-IDF found no terms in the training texts: every text is empty")


class TfidfLogistic:
    """A fitted TF-IDF + logistic regression over classes ``0 .. n_classes - 1``.

    Args:
        terms: the word vectorizer's n-grams, column ``j`` is ``terms[j]``.
        idf: ``(n_terms,)`` inverse document frequencies.
        coef: ``(1, n_columns)`` for two classes (the decision value of class 1), else ``(n_classes, n_columns)``;
            the columns are the ``terms``, then the ``char_terms``.
        intercept: ``(1,)`` or ``(n_classes,)``.
        tokens: the ``TOKENS`` entry that read the terms.
        chars: None (words only), or the ``CHARS`` entry whose n-grams ``char_terms`` (idf ``char_idf``) are read
            beside the words, their TF-IDF rows normalised on their own and placed after the words'.
    """

    def __init__(self, terms: list[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray,
                 tokens: str = "words", chars: str | None = None, char_terms: list[str] = (),
                 char_idf: np.ndarray = ()):
        self.terms, self.idf, self.tokens = list(terms), np.asarray(idf, dtype=np.float64), tokens
        self.coef, self.intercept = np.asarray(coef, dtype=np.float64), np.asarray(intercept, dtype=np.float64)
        self.chars, self.char_terms = chars, list(char_terms)
        self.char_idf = np.asarray(char_idf, dtype=np.float64)
        self.vectorizers = [_fitted(tfidf_logistic(tokens=tokens)[0], self.terms, self.idf)]
        if chars is not None:
            self.vectorizers.append(_fitted(char_vectorizer(chars), self.char_terms, self.char_idf))

    @classmethod
    def fit(cls, texts, y_idx, n_classes: int, C: float = TFIDF_C, chars: str | None = None) -> "TfidfLogistic":
        """Fit on ``texts`` with class indices ``y_idx`` (every one of ``0 .. n_classes - 1`` present);
        the tokens are ``fit_tfidf``'s choice, ``chars`` a ``CHARS`` entry read beside them (or None; also
        when no text holds a word for them), the terms of two texts or more from ``MIN_DF_TEXTS`` texts on
        (``member_min_df``). DataError when every text is empty.

        >>> m = TfidfLogistic.fit(["win a prize", "see you", "prize"], [1, 0, 1], 2, chars="char_wb 2-5")
        >>> m.terms, len(m.char_terms), m.coef.shape   # one coefficient a column: the words', then the characters'
        (['prize', 'see', 'see you', 'win', 'win prize', 'you'], 50, (1, 56))
        """
        from scipy.sparse import hstack

        texts = list(texts)
        min_df = member_min_df(len(texts))
        tokens, vectorizer, features, model = fit_tfidf(texts, C, min_df)
        char_terms, char_idf = [], np.zeros(0)
        if chars is not None:
            characters = char_vectorizer(chars, min_df)
            try:
                features = hstack([features, characters.fit_transform(list(texts))]).tocsr()
                char_terms, char_idf = characters.get_feature_names_out().tolist(), characters.idf_
            except ValueError:   # empty vocabulary: every text is white space, which fit_tfidf read as characters
                chars = None
        model.fit(features, np.asarray(y_idx))
        if model.classes_.tolist() != list(range(n_classes)):
            raise DataError(f"the TF-IDF + logistic-regression member needs every class among its training "
                            f"labels; got {len(model.classes_)} of {n_classes}")
        return cls(vectorizer.get_feature_names_out().tolist(), vectorizer.idf_, model.coef_, model.intercept_,
                   tokens, chars, char_terms, char_idf)

    def predict_proba(self, texts) -> np.ndarray:
        """``(n, n_classes)`` class probabilities."""
        from scipy.sparse import hstack

        texts = list(texts)
        features = hstack([v.transform(texts) for v in self.vectorizers]).tocsr()   # (n, n_columns)
        z = features @ self.coef.T + self.intercept   # (n, 1) or (n, n_classes)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    # ----- persistence: terms as JSON, arrays as tensors ----------------------------------------
    def state(self) -> tuple[dict, dict]:
        """``(JSON-able dict, {name: float64 array})`` for a model directory; a words-only member writes what
        members wrote before ``chars`` existed."""
        saved = {"terms": self.terms, "tokens": self.tokens}
        tensors = {f"{TENSOR_PREFIX}idf": self.idf, f"{TENSOR_PREFIX}coef": self.coef,
                   f"{TENSOR_PREFIX}intercept": self.intercept}
        if self.chars is not None:
            saved.update(chars=self.chars, char_terms=self.char_terms)
            tensors[f"{TENSOR_PREFIX}char_idf"] = self.char_idf
        return saved, tensors

    @classmethod
    def from_state(cls, saved: dict, tensors: dict, n_classes: int | None = None) -> "TfidfLogistic":
        """The member written by ``state`` (for ``n_classes`` classes, when given); ModelFileError when the
        parts do not fit together. Files without ``chars`` (words only, as before 2026-12-07) load as such."""
        try:
            terms, tokens, chars = saved["terms"], saved.get("tokens", "words"), saved.get("chars")
            char_terms = saved["char_terms"] if chars is not None else []
            idf, coef, intercept = (np.asarray(tensors[f"{TENSOR_PREFIX}{k}"], dtype=np.float64)
                                    for k in ("idf", "coef", "intercept"))
            char_idf = np.asarray(tensors[f"{TENSOR_PREFIX}char_idf"] if chars is not None else [], dtype=np.float64)
        except (KeyError, TypeError, AttributeError) as e:
            raise ModelFileError(f"the saved TF-IDF + logistic-regression member misses {e}") from None
        if not isinstance(tokens, str) or tokens not in TOKENS:
            raise ModelFileError(f"the saved TF-IDF member's tokens must be one of {', '.join(TOKENS)}; got {tokens!r}")
        if chars is not None and (not isinstance(chars, str) or chars not in CHARS):
            raise ModelFileError(f"the saved TF-IDF member's chars must be one of {', '.join(CHARS)} or absent; "
                                 f"got {chars!r}")
        _check_terms(terms, idf, "terms")
        _check_terms(char_terms, char_idf, "char_terms")
        n = len(terms) + len(char_terms)
        if coef.ndim != 2 or coef.shape[1] != n or intercept.shape != (coef.shape[0],):
            raise ModelFileError(f"the saved TF-IDF member's arrays do not fit its {n} terms: coef {coef.shape}, "
                                 f"intercept {intercept.shape}")
        if n_classes is not None and coef.shape[0] != (1 if n_classes == 2 else n_classes):
            raise ModelFileError(f"the saved TF-IDF member has {coef.shape[0]} coefficient rows for "
                                 f"{n_classes} classes")
        return cls(terms, idf, coef, intercept, tokens, chars, char_terms, char_idf)


def _fitted(vectorizer, terms: list[str], idf: np.ndarray):
    """``vectorizer`` as fitting it gave ``terms`` (column order) with ``idf``."""
    vectorizer.set_params(vocabulary=terms)
    vectorizer.idf_ = idf
    return vectorizer


def _check_terms(terms, idf: np.ndarray, key: str) -> None:
    """ModelFileError unless ``terms`` are distinct strings with one idf weight each."""
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms) or len(set(terms)) != len(terms):
        raise ModelFileError(f"the saved TF-IDF member's {key} must be a list of distinct strings")
    if idf.shape != (len(terms),):
        raise ModelFileError(f"the saved TF-IDF member's arrays do not fit its {len(terms)} {key}: idf {idf.shape}")
