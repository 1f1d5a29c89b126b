"""Tokenizer(shapes=True) and the hashed n-grams of the fasttext encoder: mappings worked out by hand."""
import json

import pytest

from seqlab.data.ngrams import char_ngrams, hashed_row, ngram_bag
from seqlab.data.tokenizer import Tokenizer, shape_words
from seqlab.io.errors import ConfigError


def test_number_shapes_replace_long_digit_runs_and_keep_short_ones():
    words = shape_words("call 09061701461 or txt 87066 2 win 4 u, 150p 16+ £100,000 123456789012345")
    assert words == ["call", "<num11>", "or", "txt", "<num5>", "2", "win", "4", "u", "<num3>", "p", "16", "+",
                     "£", "<num6>", "<num12+>"]


def test_urls_emails_symbols_and_capitals_are_marked():
    assert shape_words("URGENT! Go to www.win.co.uk or http://x.org/a?b=1 NOW, mail me@x.com") == [
        "<caps>", "urgent", "!", "go", "to", "<url>", "or", "<url>", "<caps>", "now", "mail", "<email>"]
    assert shape_words("I said OK.", lower=False) == ["I", "said", "OK"]     # no caps marks without lower-casing
    assert shape_words("it's $5 & €3?") == ["it's", "$", "5", "&", "€", "3", "?"]


def test_default_tokenizer_keeps_keras_words():
    keras, shaped = Tokenizer(), Tokenizer(shapes=True)
    for t in (keras, shaped):
        t.fit_on_texts(["WIN £1000 call 09061701461!"])
    assert list(keras.word_index) == ["win", "£1000", "call", "09061701461"]
    assert list(shaped.word_index) == ["<caps>", "win", "£", "<num4>", "call", "<num11>", "!"]
    assert shaped.texts_to_words(["call 08000930705"]) == [["call", "<num11>"]]
    assert shaped.texts_to_sequences(["call 08000930705"]) == [[5, 6]]   # an unseen number is a known shape


def test_shapes_option_survives_json_and_old_states_load_as_keras():
    t = Tokenizer(num_words=50, oov_token="<unk>", shapes=True)
    t.fit_on_texts(["Call 0800 now", "ok"])
    back = Tokenizer.from_json(t.to_json())
    assert back.shapes and back.texts_to_sequences(["CALL 1234"]) == t.texts_to_sequences(["CALL 1234"])
    old = json.loads(t.to_json())
    del old["config"]["shapes"]                                   # a file written before the option existed
    assert Tokenizer.from_dict(old).shapes is False


def test_char_ngrams_mark_word_ends():
    assert char_ngrams("win", 2, 3) == ["<w", "wi", "in", "n>", "<wi", "win", "in>"]
    assert char_ngrams("a", 2, 5) == ["<a", "a>", "<a>"]


def test_hashed_rows_are_crc32_and_bags_put_words_first():
    assert hashed_row("123456789", 2 ** 32) == 0xCBF43926         # the CRC-32 check value
    bag = ngram_bag(["win", "now"], [3, 4], vocab_size=10, buckets=7, char_range=(3, 3))
    grams = ["win now", "<wi", "win", "in>", "<no", "now", "ow>"]
    assert bag == [3, 4] + [10 + hashed_row(g, 7) for g in grams]
    assert all(1 <= i < 17 for i in bag)
    assert ngram_bag(["a"], [2], 10, 7, char_range=None, word_bigrams=False) == [2]
    assert ngram_bag(["a"], [2], 10, 7, None, False, extra_words=["<num11>"]) == [2, 10 + hashed_row("#<num11>", 7)]
    with pytest.raises(ConfigError):
        ngram_bag(["a"], [2], 10, 7, char_range=(3, 2))


def test_with_marks_hindi_words_stay_whole_and_other_texts_split_as_before():
    text = "क्या आप हिंदी बोलते हैं? WIN £1000 don't"
    assert shape_words(text, marks=True) == ["क्या", "आप", "हिंदी", "बोलते", "हैं", "?", "<caps>", "win", "£",
                                             "<num4>", "don't"]
    assert shape_words("क्या आप हिंदी") == ["क", "य", "आप", "ह", "द"]        # saved tokenizers: as they were
    english = "Free entry in 2 a wkly comp to win FA Cup final tkts 21st May 2005. Text FA to 87121"
    assert shape_words(english, marks=True) == shape_words(english)


def test_a_tokenizer_keeps_its_marks_setting_and_old_states_load_without_marks():
    t = Tokenizer(shapes=True, marks=True)
    t.fit_on_texts(["आप हिंदी बोलते हैं"])
    state = t.to_dict()
    again = Tokenizer.from_dict(state)
    assert again.marks and again.texts_to_sequences(["हिंदी"]) == t.texts_to_sequences(["हिंदी"]) == [[2]]
    del state["config"]["marks"]
    assert not Tokenizer.from_dict(state).marks
