import numpy as np
import pytest

from seqlab.data.pairs import reversal_pairs, split_pairs
from seqlab.io.errors import ConfigError, DataError, NotFittedError
from seqlab.tasks import Task
from seqlab.tasks.generation.seq2seq import Seq2Seq, char_accuracy


@pytest.fixture(scope="module")
def reversal():
    """A tiny reversal task (lengths 2-5 over 4 letters) learned with dot attention in a few seconds."""
    pairs = reversal_pairs(1200, length=5, min_length=2, alphabet="abcd", seed=0)
    train, test = split_pairs(pairs, test=0.1, seed=0)
    model = Seq2Seq(attention="dot", units=32, embedding_dim=8, epochs=8, batch_size=64, learning_rate=1e-2,
                    seed=0).fit(train)
    return model, test


def test_a_tiny_reversal_task_is_learned(reversal):
    model, test = reversal
    metrics = model.evaluate(test)
    assert metrics["exact_match"] >= 0.9 and metrics["char_accuracy"] >= 0.95, metrics
    assert model.history_["loss"][-1] < model.history_["loss"][0] / 5
    assert set(model.history_) >= {"loss", "val_loss"}
    assert model.translate("abcd") == "dcba"


def test_beam_one_predictions_equal_greedy_and_wider_beams_decode(reversal):
    model, test = reversal
    inputs = [p[0] for p in test[:40]]
    assert model.predict(inputs, beam_width=1) == model.predict(inputs)
    wide = model.predict(inputs, beam_width=3)
    assert np.mean([w == p[1] for w, p in zip(wide, test[:40])]) >= 0.9


def test_save_load_round_trip_gives_identical_outputs(reversal, tmp_path):
    model, test = reversal
    model.save(tmp_path / "m")
    again = Task.load(tmp_path / "m")
    assert isinstance(again, Seq2Seq) and again.get_params() == model.get_params()
    inputs = [p[0] for p in test[:30]]
    assert again.predict(inputs) == model.predict(inputs)
    assert again.predict(inputs, beam_width=2) == model.predict(inputs, beam_width=2)
    w1, ins, outs = model.attention_weights("abcab")
    w2, _, _ = again.attention_weights("abcab")
    np.testing.assert_array_equal(w1, w2)


def test_attention_weights_cover_the_output_and_sum_to_one(reversal):
    model, _ = reversal
    weights, ins, outs = model.attention_weights("cab")
    assert ins == ["c", "a", "b"] and outs[-1] == "</s>" and weights.shape == (len(outs), 3)
    np.testing.assert_allclose(weights.sum(1), 1.0, rtol=1e-5)
    # reversal: writing output t the decoder looks mostly at input len-1-t
    assert [int(np.argmax(row)) for row in weights[:3]] == [2, 1, 0]


def test_characters_outside_the_vocabulary_raise_data_error(reversal):
    model, _ = reversal
    with pytest.raises(DataError, match="'xz'"):
        model.translate("abxz")
    with pytest.raises(DataError, match="empty"):
        model.predict([""])


def test_bad_calls_raise_clear_errors(reversal):
    model, _ = reversal
    with pytest.raises(NotFittedError):
        Seq2Seq().predict(["ab"])
    with pytest.raises(ConfigError, match="beam"):
        model.predict(["ab"], beam_width=0)
    with pytest.raises(DataError, match="no pairs"):
        Seq2Seq(epochs=1).fit([])
    with pytest.raises(ConfigError, match="epochs"):
        Seq2Seq(epochs=0).fit([("a", "b")])


def test_attention_weights_need_a_model_with_attention():
    model = Seq2Seq(attention="none", units=8, embedding_dim=4, epochs=1).fit([("ab", "ba"), ("ba", "ab")])
    with pytest.raises(ConfigError, match="no attention"):
        model.attention_weights("ab")


def test_transformer_and_gru_models_fit_and_predict():
    pairs = reversal_pairs(60, length=3, alphabet="ab", seed=1)
    for kwargs in (dict(model="transformer", units=16, num_heads=2, intermediate_dim=16, num_layers=1),
                   dict(model="gru", attention="additive", units=8, teacher_forcing=0.5, bidirectional=True)):
        model = Seq2Seq(epochs=1, embedding_dim=4, **kwargs).fit(pairs)
        assert len(model.predict(["ab", "bba"], beam_width=2)) == 2


def test_char_accuracy_counts_positions_of_the_longer_string():
    assert char_accuracy(["596", "12", "1000"], ["596", "123", "100"]) == pytest.approx((3 + 2 + 3) / (3 + 3 + 4))
