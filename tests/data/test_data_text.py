import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.data import Tokenizer, bucket_by_length, pad_sequences, padding_mask, text_to_word_sequence
from seqlab.io.errors import ConfigError, DataError

# --- Tokenizer: expected values worked out by hand from Keras's documented rules ---


def test_most_frequent_word_gets_index_one_and_ties_keep_first_seen_order():
    t = Tokenizer()
    t.fit_on_texts(["b a c", "a c d", "a"])
    assert t.word_counts == {"b": 1, "a": 3, "c": 2, "d": 1}
    assert t.word_index == {"a": 1, "c": 2, "b": 3, "d": 4}
    assert t.index_word[1] == "a"
    assert t.word_docs == {"a": 3, "b": 1, "c": 2, "d": 1}


def test_default_filters_and_lower_case_follow_keras():
    assert text_to_word_sequence("Hello, World!\tIt's\nme.") == ["hello", "world", "it's", "me"]
    t = Tokenizer(lower=False, filters="")
    t.fit_on_texts(["Hi, hi"])
    assert t.word_index == {"Hi,": 1, "hi": 2}


def test_num_words_keeps_the_top_num_words_minus_one():
    t = Tokenizer(num_words=3)
    t.fit_on_texts(["x x x y y z"])
    assert t.texts_to_sequences(["z y x w"]) == [[2, 1]]          # z (index 3) and unknown w dropped
    assert len(t.word_index) == 3                                 # word_index keeps every word
    assert t.vocab_size == 3


def test_oov_token_takes_index_one_and_replaces_unknown_and_cut_off_words():
    t = Tokenizer(num_words=3, oov_token="<oov>")
    t.fit_on_texts(["x x x y y z"])
    assert t.word_index == {"<oov>": 1, "x": 2, "y": 3, "z": 4}
    assert t.texts_to_sequences(["z y x w"]) == [[1, 1, 2, 1]]
    assert t.sequences_to_texts([[2, 3, 9]]) == ["x <oov> <oov>"]


def test_character_level_tokens_skip_filters():
    t = Tokenizer(char_level=True)
    t.fit_on_texts(["Aa b!"])
    assert t.word_index == {"a": 1, " ": 2, "b": 3, "!": 4}
    assert t.sequences_to_texts(t.texts_to_sequences(["ab!"])) == ["ab!"]


words = st.lists(st.text("abcdefghij", min_size=1, max_size=6), min_size=1, max_size=30)


@settings(max_examples=80, deadline=None)
@given(words, st.booleans())
def test_round_trip_of_in_vocabulary_text(vocab_words, with_oov):
    text = " ".join(vocab_words)
    t = Tokenizer(oov_token="<unk>" if with_oov else None)
    t.fit_on_texts([text])
    assert t.sequences_to_texts(t.texts_to_sequences([text])) == [text]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text("xyz ab", max_size=15), min_size=1, max_size=10))
def test_character_round_trip(texts):
    t = Tokenizer(char_level=True)
    if not "".join(texts):
        return                                            # an empty corpus is refused (tested below)
    t.fit_on_texts(texts)
    assert t.sequences_to_texts(t.texts_to_sequences(texts)) == texts


def test_tokenizer_json_round_trip_keeps_everything():
    t = Tokenizer(num_words=10, oov_token="?")
    t.fit_on_texts(["the cat and the hat", "a cat"])
    text = t.to_json()
    json.loads(text)
    again = Tokenizer.from_json(text)
    assert again.word_index == t.word_index and again.word_counts == t.word_counts
    assert again.texts_to_sequences(["the dog"]) == t.texts_to_sequences(["the dog"])
    assert again.index_word == t.index_word and again.num_words == 10


def test_empty_corpus_raises_data_error():
    with pytest.raises(DataError, match="empty"):
        Tokenizer().fit_on_texts([])
    with pytest.raises(DataError, match="empty"):
        Tokenizer().fit_on_texts(["", "  ,.!"])
    with pytest.raises(DataError, match="list of texts"):
        Tokenizer().fit_on_texts("one string")


# --- padding ---


def test_pad_sequences_matches_keras_examples():
    seqs = [[1], [2, 3], [4, 5, 6]]
    np.testing.assert_array_equal(pad_sequences(seqs), [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, value=-1), [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, padding="post"), [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[0, 1], [2, 3], [5, 6]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2, truncating="post"), [[0, 1], [2, 3], [4, 5]])
    assert pad_sequences(seqs).dtype == np.int32


def test_pad_sequences_handles_empty_sequences_and_feature_steps():
    out = pad_sequences([[], [[1.0, 2.0]]], dtype="float32")
    assert out.shape == (2, 1, 2)
    np.testing.assert_array_equal(out, [[[0, 0]], [[1, 2]]])
    assert pad_sequences([], maxlen=None).shape == (0, 0)
    with pytest.raises(ConfigError):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(DataError, match="same shape"):
        pad_sequences([[[1, 2]], [[1, 2, 3]]])


sequences = st.lists(st.lists(st.integers(1, 50), max_size=12), min_size=1, max_size=10)


@settings(max_examples=100, deadline=None)
@given(sequences, st.sampled_from(["pre", "post"]), st.integers(0, 5))
def test_pad_then_unpad_is_identity(seqs, padding, extra):
    maxlen = max(len(s) for s in seqs) + extra
    padded = pad_sequences(seqs, maxlen=maxlen, padding=padding)
    mask = padding_mask(padded)
    assert padded.shape == (len(seqs), maxlen)
    assert [padded[i][mask[i]].tolist() for i in range(len(seqs))] == seqs
    assert mask.sum(axis=1).tolist() == [len(s) for s in seqs]


@settings(max_examples=60, deadline=None)
@given(sequences, st.sampled_from(["pre", "post"]), st.integers(0, 6))
def test_truncation_keeps_the_chosen_end(seqs, truncating, maxlen):
    out = pad_sequences(seqs, maxlen=maxlen, truncating=truncating, padding="post")
    for row, s in zip(out, seqs):
        kept = s[-maxlen:] if truncating == "pre" and maxlen else s[:maxlen]
        assert row[: len(kept)].tolist() == kept


def test_padding_mask_of_feature_steps_needs_all_features_at_the_value():
    padded = np.array([[[0.0, 0.0], [0.0, 1.0]]])
    np.testing.assert_array_equal(padding_mask(padded), [[False, True]])


# --- bucketing ---


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 100), min_size=1, max_size=200), st.integers(1, 16), st.integers(0, 99))
def test_buckets_cover_every_item_once_with_neighbouring_lengths(lengths, batch_size, seed):
    batches = bucket_by_length(lengths, batch_size, seed=seed)
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert all(1 <= len(b) <= batch_size for b in batches)
    lengths = np.asarray(lengths)
    ranges = sorted((lengths[b].min(), lengths[b].max()) for b in batches)
    for (lo_a, hi_a), (lo_b, hi_b) in zip(ranges, ranges[1:]):
        assert hi_a <= lo_b                                       # batches do not interleave in length


def test_bucketing_is_reproducible_with_a_seed():
    lengths = np.random.default_rng(0).integers(1, 50, size=100)
    a = bucket_by_length(lengths, 8, seed=3)
    b = bucket_by_length(lengths, 8, seed=3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    with pytest.raises(ConfigError):
        bucket_by_length(lengths, 0)
