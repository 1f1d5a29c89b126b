"""The course's model summaries (seeds 000, 002, 004): parameter counts and output shapes."""
import seqlab
from seqlab import layers


def rows(model):
    return [(l.name, l.output_shape_, l.count_params()) for l in model.layers]


def test_simple_rnn_next_number_summary_seed_000():
    model = seqlab.Sequential([layers.SimpleRNN(50, input_shape=(5, 1)), layers.Dense(1)])
    assert rows(model) == [("simple_rnn", (50,), 2600), ("dense", (1,), 51)]
    assert model.count_params() == 2651
    text = model.summary()
    assert "simple_rnn (SimpleRNN)" in text and "(None, 50)" in text and "Total params: 2,651" in text


def test_stacked_lstm_summary_seed_002():
    model = seqlab.Sequential([
        layers.LSTM(256, return_sequences=True), layers.Dropout(0.4),
        layers.LSTM(256), layers.Dropout(0.4),
        layers.Dense(64, activation="relu"), layers.Dense(1),
    ], input_shape=(60, 1))
    assert [(shape, n) for _, shape, n in rows(model)] == [
        ((60, 256), 264_192), ((60, 256), 0), ((256,), 525_312), ((256,), 0), ((64,), 16_448), ((1,), 65)]
    assert model.count_params() == 806_017
    text = model.summary()
    for line in ("lstm (LSTM)", "(None, 60, 256)", "lstm_1 (LSTM)", "(None, 256)", "525,312", "Total params: 806,017",
                 "Trainable params: 806,017", "Non-trainable params: 0"):
        assert line in text


def test_embedding_lstm_classifier_summary_seed_004():
    model = seqlab.Sequential([
        layers.Embedding(5000, 64), layers.Dropout(0.5),
        layers.LSTM(64, return_sequences=True), layers.LSTM(64), layers.Dense(6, activation="softmax"),
    ])
    assert rows(model) == [("embedding", (None, 64), 320_000), ("dropout", (None, 64), 0),
                           ("lstm", (None, 64), 33_024), ("lstm_1", (64,), 33_024), ("dense", (6,), 390)]
    assert model.count_params() == 386_438
    assert "(None, None, 64)" in model.summary()


def test_gru_counts_two_biases_with_reset_after():
    assert seqlab.Sequential([layers.GRU(64)], input_shape=(10, 32)).count_params() == 18_816
    assert seqlab.Sequential([layers.GRU(64, reset_after=False)], input_shape=(10, 32)).count_params() == 18_624


def test_bidirectional_and_lstm_variants_count_their_weights():
    assert seqlab.Sequential([layers.Bidirectional(layers.LSTM(64))], input_shape=(10, 32)).count_params() \
        == 2 * 4 * (32 * 64 + 64 * 64 + 64)
    assert seqlab.Sequential([layers.LSTM(64, peephole=True)], input_shape=(10, 32)).count_params() \
        == 4 * (32 * 64 + 64 * 64 + 64) + 3 * 64


def test_a_long_list_of_weights_wraps_under_its_layer():
    """A 3-layer torch GRU's twelve tensors made one line of 270 characters."""
    import torch

    from seqlab.inspect.summary import MIDDLE_WIDTH, module_table

    text = module_table(torch.nn.Sequential(torch.nn.GRU(7, 24, num_layers=3), torch.nn.Linear(24, 1)), "gan")
    lines = text.splitlines()
    assert max(map(len, lines)) <= len("0 (GRU)  ") + MIDDLE_WIDTH + 2 + len("Param #")
    first = next(i for i, line in enumerate(lines) if line.startswith("0 (GRU)"))
    assert lines[first].rstrip().endswith("9,576") and lines[first + 1].startswith(" " * len("0 (GRU)"))
    assert "weight_hh_l2 (72, 24)" in text and "Total params: 9,601" in text
