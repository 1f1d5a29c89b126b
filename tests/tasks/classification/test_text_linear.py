"""TextClassifier(linear_weight=...): the nets' probabilities averaged with a TF-IDF + logistic-regression
member fitted on the same training texts; checked against scikit-learn fitted directly, saved as JSON +
safetensors and read back to the same probabilities."""
import json

import numpy as np
import pytest
import torch
from safetensors.numpy import load_file
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from seqlab.io.errors import ConfigError, ModelFileError
from seqlab.tasks import Task, TextClassifier
from seqlab.tasks.classification.baselines import tfidf_baseline
from seqlab.tasks.classification.tfidf_logistic import TfidfLogistic

NET = dict(encoder="bag_of_embeddings", units=4, embedding_dim=4, epochs=3, batch_size=8, learning_rate=0.02,
           seed=0)
PROBE = ["free prize now, call", "lunch at noon?", "see you at the meeting", "claim your cash prize today"]


def _texts(n=36, classes=("spam", "ham")):
    words = {"spam": ["win cash prize now", "free prize claim", "cash prize call now"],
             "ham": ["see you at lunch", "meeting moved to noon", "lunch at home tonight"],
             "news": ["markets fell today", "rain expected at noon", "the match ended in a draw"]}
    labels = [classes[i % len(classes)] for i in range(n)]
    return [f"{words[c][i % 3]} {i}" for i, c in enumerate(labels)], labels


def _sklearn_proba(texts, y, classes, probe):
    """TF-IDF + logistic regression fitted with scikit-learn directly, columns in ``classes`` order."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    model = LogisticRegression(C=20.0, max_iter=2000).fit(vectorizer.fit_transform(texts), y)
    proba = model.predict_proba(vectorizer.transform(probe))
    return proba[:, [model.classes_.tolist().index(c) for c in classes]]


def test_the_blend_is_the_weighted_average_of_the_nets_and_the_linear_member():
    texts, y = _texts()
    blend = TextClassifier(linear_weight=0.5, **NET).fit(texts, y)
    nets = TextClassifier(**NET).fit(texts, y)            # the same seed: the same nets, no member
    assert nets.linear_ is None and isinstance(blend.linear_, TfidfLogistic)
    for name, value in nets.model_.state_dict().items():   # the member leaves the nets' training alone
        torch.testing.assert_close(blend.model_.state_dict()[name], value, rtol=0, atol=0)
    linear = _sklearn_proba(texts, y, blend.classes_.tolist(), PROBE)
    np.testing.assert_allclose(blend.linear_.predict_proba(PROBE), linear, rtol=1e-6, atol=1e-9)
    expected = 0.5 * nets.predict_proba(PROBE) + 0.5 * linear
    np.testing.assert_allclose(blend.predict_proba(PROBE), expected, rtol=1e-6, atol=1e-9)
    assert blend.predict(PROBE).tolist() == blend.classes_[expected.argmax(axis=1)].tolist()
    weighted = TextClassifier(linear_weight=0.25, **NET).fit(texts, y)
    np.testing.assert_allclose(weighted.predict_proba(PROBE), 0.75 * nets.predict_proba(PROBE) + 0.25 * linear,
                               rtol=1e-6, atol=1e-9)


def test_the_linear_member_is_the_reports_tfidf_baseline():
    texts, y = _texts(60, ("spam", "ham", "news"))
    clf = TextClassifier(linear_weight=0.5, **NET).fit(texts[:45], y[:45])
    pred = clf.classes_[clf.linear_.predict_proba(texts[45:]).argmax(axis=1)]
    baseline = tfidf_baseline(texts[:45], y[:45], texts[45:], y[45:])
    assert baseline["accuracy"] == float(np.mean(pred == np.asarray(y[45:], dtype=object)))
    # three classes: a softmax over three rows of coefficients, as scikit-learn's
    np.testing.assert_allclose(clf.linear_.predict_proba(PROBE),
                               _sklearn_proba(texts[:45], y[:45], clf.classes_.tolist(), PROBE), rtol=1e-6, atol=1e-9)
    assert clf.linear_.coef.shape[0] == 3


def test_the_linear_member_saves_as_json_and_safetensors_and_loads_to_the_same_probabilities(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="bag_of_embeddings+fasttext", buckets=53, char_ngrams=(3, 3), linear_weight=0.5,
                         **{k: v for k, v in NET.items() if k != "encoder"}).fit(texts, y)
    clf.save(tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["config.json", "model.safetensors",
                                                                  "preprocessing.json"]
    saved = json.loads((tmp_path / "m" / "preprocessing.json").read_text())["linear"]
    assert saved["weight"] == 0.5 and saved["terms"] == clf.linear_.terms and "prize" in saved["terms"]
    arrays = load_file(str(tmp_path / "m" / "model.safetensors"))
    assert arrays["tfidf_logistic/coef"].dtype == np.float64
    np.testing.assert_array_equal(arrays["tfidf_logistic/idf"], clf.linear_.idf)
    loaded = Task.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.predict_proba(PROBE + texts), clf.predict_proba(PROBE + texts))
    assert loaded.predict(PROBE).tolist() == clf.predict(PROBE).tolist()


def test_without_a_linear_weight_the_model_saves_and_loads_as_before(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(**NET).fit(texts, y)
    clf.save(tmp_path / "m")
    assert "linear" not in json.loads((tmp_path / "m" / "preprocessing.json").read_text())
    assert not any(k.startswith("tfidf_logistic/") for k in load_file(str(tmp_path / "m" / "model.safetensors")))
    loaded = Task.load(tmp_path / "m")
    assert loaded.linear_ is None
    x = torch.as_tensor(clf._inputs(PROBE))
    with torch.no_grad():   # the nets alone: the softmax of the net's logits
        np.testing.assert_allclose(clf.predict_proba(PROBE), torch.softmax(clf.model_(x), -1).numpy(), rtol=1e-6)
    np.testing.assert_array_equal(loaded.predict_proba(PROBE), clf.predict_proba(PROBE))


@pytest.mark.parametrize("weight", [-0.1, 1.0, True, "half"])
def test_a_linear_weight_outside_zero_to_one_is_refused(weight):
    texts, y = _texts()
    with pytest.raises(ConfigError, match="linear_weight must be a number in"):
        TextClassifier(linear_weight=weight, **NET).fit(texts, y)


def test_a_saved_member_whose_arrays_do_not_fit_its_terms_is_refused(tmp_path):
    texts, y = _texts()
    TextClassifier(linear_weight=0.5, **NET).fit(texts, y).save(tmp_path / "m")
    prep = tmp_path / "m" / "preprocessing.json"
    saved = json.loads(prep.read_text())
    saved["linear"]["terms"] = saved["linear"]["terms"][:-1]
    prep.write_text(json.dumps(saved))
    with pytest.raises(ModelFileError, match="do not fit its"):
        Task.load(tmp_path / "m")


@pytest.mark.parametrize("texts, tokens, settings", [
    (["a c g t", "t t a g", "c c g a", "g t t c"] * 6, "short words", dict(token_pattern=r"(?u)\b\w+\b")),
    ([":) !!", ":( ??", ":) :)", ":( !?"] * 6, "characters", dict(analyzer="char", ngram_range=(1, 3)))])
def test_texts_without_two_letter_words_fall_back_to_shorter_tokens(tmp_path, texts, tokens, settings):
    """One-letter words (spaced DNA letters or Chinese characters) and texts of punctuation left
    scikit-learn's default vectorizer with no terms: the baseline crashed and the member refused."""
    y = ["p", "n", "p", "n"] * 6
    baseline = tfidf_baseline(texts[:16], y[:16], texts[16:], y[16:])
    vectorizer = TfidfVectorizer(sublinear_tf=True, **{"ngram_range": (1, 2), **settings})
    direct = LogisticRegression(C=20.0, max_iter=2000).fit(vectorizer.fit_transform(texts[:16]), y[:16])
    expected = np.mean(direct.predict(vectorizer.transform(texts[16:])) == np.array(y[16:]))
    assert baseline["name"] == f"TF-IDF + logistic regression ({tokens})" and baseline["accuracy"] == expected
    member = TfidfLogistic.fit(texts, [0, 1, 0, 1] * 6, 2)
    assert member.tokens == tokens
    saved, arrays = member.state()
    again = TfidfLogistic.from_state(json.loads(json.dumps(saved)), arrays, n_classes=2)
    assert again.tokens == tokens
    np.testing.assert_array_equal(again.predict_proba(texts), member.predict_proba(texts))
    with pytest.raises(ModelFileError, match="tokens"):
        TfidfLogistic.from_state({**saved, "tokens": "bytes"}, arrays)


def _sklearn_words_and_chars_proba(texts, y, classes, probe):
    """Word 1-2-grams and char_wb 2-5-grams, each a sublinear TF-IDF block, side by side; one logistic
    regression (C=200, the member's with character n-grams) fitted with scikit-learn directly; columns in
    ``classes`` order."""
    words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
    chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5))
    model = LogisticRegression(C=200.0, max_iter=2000).fit(hstack([words.fit_transform(texts),
                                                                   chars.fit_transform(texts)]).tocsr(), y)
    proba = model.predict_proba(hstack([words.transform(probe), chars.transform(probe)]).tocsr())
    return proba[:, [model.classes_.tolist().index(c) for c in classes]]


@pytest.mark.parametrize("classes", [("spam", "ham"), ("spam", "ham", "news")])
def test_a_member_with_character_ngrams_is_scikit_learns_words_and_chars_side_by_side(classes):
    texts, y = _texts(60, classes)
    clf = TextClassifier(linear_weight=0.5, linear_chars="char_wb 2-5", **NET).fit(texts[:45], y[:45])
    expected = _sklearn_words_and_chars_proba(texts[:45], y[:45], clf.classes_.tolist(), PROBE + texts[45:])
    np.testing.assert_allclose(clf.linear_.predict_proba(PROBE + texts[45:]), expected, rtol=1e-6, atol=1e-9)
    assert " pri" in clf.linear_.char_terms and "cash prize" in clf.linear_.terms
    assert clf.linear_.coef.shape[1] == len(clf.linear_.terms) + len(clf.linear_.char_terms)


def test_a_member_with_character_ngrams_saves_and_loads_to_the_same_probabilities(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(linear_weight=0.5, linear_chars="char_wb 2-5", **NET).fit(texts, y)
    clf.save(tmp_path / "m")
    saved = json.loads((tmp_path / "m" / "preprocessing.json").read_text())["linear"]
    assert saved["chars"] == "char_wb 2-5" and saved["char_terms"] == clf.linear_.char_terms
    arrays = load_file(str(tmp_path / "m" / "model.safetensors"))
    assert arrays["tfidf_logistic/char_idf"].dtype == np.float64
    loaded = Task.load(tmp_path / "m")
    assert loaded.linear_.chars == "char_wb 2-5"
    np.testing.assert_array_equal(loaded.linear_.predict_proba(PROBE + texts), clf.linear_.predict_proba(PROBE + texts))
    np.testing.assert_array_equal(loaded.predict_proba(PROBE + texts), clf.predict_proba(PROBE + texts))


def test_a_words_only_member_writes_no_character_keys():
    """Files written before ``chars`` existed hold none of its keys, and a words-only member writes none."""
    texts, y = _texts()
    saved, arrays = TfidfLogistic.fit(texts, [c == "spam" for c in y], 2).state()
    assert set(saved) == {"terms", "tokens"} and "tfidf_logistic/char_idf" not in arrays
    assert TfidfLogistic.from_state(saved, arrays, 2).chars is None


@pytest.mark.parametrize("change, message", [
    (dict(chars="char_wb 1-9"), "chars must be one of"),
    (dict(chars=["char_wb 2-5"]), "chars must be one of"),
    (dict(char_terms=None), "member misses"),
    (dict(char_terms=[" a", " a"]), "distinct strings"),
    (dict(char_terms=[" a"]), "do not fit its 1 char_terms")])
def test_a_saved_member_with_a_bad_character_part_is_refused(change, message):
    texts, y = _texts()
    saved, arrays = TfidfLogistic.fit(texts, [c == "spam" for c in y], 2, chars="char_wb 2-5").state()
    saved = {k: v for k, v in {**saved, **change}.items() if v is not None}
    with pytest.raises(ModelFileError, match=message):
        TfidfLogistic.from_state(json.loads(json.dumps(saved)), arrays, 2)


@pytest.mark.parametrize("chars", ["char 2-5", ["char_wb 2-5"], True])
def test_an_unknown_linear_chars_is_refused(chars):
    texts, y = _texts()
    with pytest.raises(ConfigError, match="linear_chars must be None or one of"):
        TextClassifier(linear_weight=0.5, linear_chars=chars, **NET).fit(texts, y)


def test_a_member_finds_no_character_ngrams_in_white_space_and_reads_characters_alone():
    member = TfidfLogistic.fit(["  ", " ", "   ", "\t"], [0, 1, 0, 1], 2, chars="char_wb 2-5")
    assert member.tokens == "characters" and member.chars is None and "chars" not in member.state()[0]


HINDI = ["क्या आप हिंदी बोलते हैं", "मौसम आज अच्छा है", "आप कहाँ रहते हैं", "आज बारिश होगी क्या"]


def test_hindi_words_keep_their_vowel_signs_in_the_baseline_and_the_member():
    """Python's \\w leaves out combining marks, so scikit-learn's default tokens cut Hindi words apart: of
    'क्या आप हिंदी बोलते हैं' they kept 'आप' and 'लत'. Unicode words keep every word whole."""
    texts, y = [f"{HINDI[i % 4]} {i}" for i in range(24)], ["q", "w", "q", "w"] * 6
    member = TfidfLogistic.fit(texts, [0, 1, 0, 1] * 6, 2)
    assert member.tokens == "unicode words" and {"हिंदी", "बोलते", "मौसम"} <= set(member.terms)
    default = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)
    assert "हिंदी" not in default.get_feature_names_out()
    pattern = r"(?u)[\w\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963]{2,}"    # Devanagari's marks by hand
    direct = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), token_pattern=pattern)
    model = LogisticRegression(C=20.0, max_iter=2000).fit(direct.fit_transform(texts[:16]), y[:16])
    expected = np.mean(model.predict(direct.transform(texts[16:])) == np.array(y[16:]))
    baseline = tfidf_baseline(texts[:16], y[:16], texts[16:], y[16:])
    assert baseline["name"] == "TF-IDF + logistic regression" and baseline["accuracy"] == expected


def test_a_member_saved_with_scikit_learns_default_words_reads_texts_as_it_did(tmp_path):
    """Members written before the Unicode words name their tokens "words": they keep scikit-learn's pattern."""
    texts = [f"{HINDI[i % 4]} {i}" for i in range(8)]
    old = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit(texts)
    terms = old.get_feature_names_out().tolist()
    coef = np.linspace(-1, 1, len(terms))[None]
    member = TfidfLogistic.from_state({"terms": terms, "tokens": "words"},
                                      {"tfidf_logistic/idf": old.idf_, "tfidf_logistic/coef": coef,
                                       "tfidf_logistic/intercept": np.zeros(1)}, n_classes=2)
    z = old.transform(texts) @ coef.T
    np.testing.assert_allclose(member.predict_proba(texts)[:, 1], 1 / (1 + np.exp(-z[:, 0])))


def test_from_a_thousand_texts_the_member_keeps_the_terms_of_two_texts_or_more():
    """A member fitted on IMDb's 25,000 reviews kept every n-gram seen once: millions of terms in the model file.
    The smaller sets keep every term (min_df=2 cost 1.5 to 3 points of fold accuracy on ~790 sentences)."""
    from seqlab.tasks.classification.tfidf_logistic import MIN_DF_TEXTS, TfidfLogistic

    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(50)]

    def texts(n):   # once{i} and "zqxjk" are in one text only
        return [" ".join(rng.choice(words, 6)) + f" once{i}" + (" zqxjk" if i == 0 else "") for i in range(n)]

    big = TfidfLogistic.fit(texts(MIN_DF_TEXTS), np.arange(MIN_DF_TEXTS) % 2, 2, chars="char_wb 2-5")
    small = TfidfLogistic.fit(texts(MIN_DF_TEXTS - 1), np.arange(MIN_DF_TEXTS - 1) % 2, 2, chars="char_wb 2-5")
    assert not any(t.startswith("once") for t in big.terms) and "zqxjk" not in big.char_terms
    assert "once5" in small.terms and "zqxjk" in small.char_terms
