"""Whole models against Keras 3 (PyTorch backend): weights trained in Keras load into seqlab and
predict the same (``seqlab.keras.load_weights``), a functional graph's summary matches Keras's, and
the seeds' model summaries match Keras's ``count_params``."""
from __future__ import annotations

import os
import re

import numpy as np
import pytest
import torch

import seqlab
import seqlab.keras
from seqlab import layers as S
from seqlab.io.errors import ConfigError

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is first imported
keras = pytest.importorskip("keras")
pytest.importorskip("h5py")
if keras.backend.backend() != "torch":
    pytest.skip("Keras runs on its PyTorch backend here (KERAS_BACKEND=torch)", allow_module_level=True)
K = keras.layers


def trained_in_keras(model, x, y, loss):
    """Fit one short epoch in Keras (its noise from a forked global RNG, so other tests see no change)."""
    with torch.random.fork_rng():
        keras.utils.set_random_seed(0)
        model.compile("adam", loss)
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    return model


def cqf_stack(lib, units=256):
    """Seed 002's CQF stacked LSTM (806,017 parameters at 256 units, 60 steps)."""
    return [lib.LSTM(units, return_sequences=True), lib.Dropout(0.4), lib.LSTM(units), lib.Dropout(0.4),
            lib.Dense(64, activation="relu"), lib.Dense(1)]


def text_model(lib, vocab=5000, dim=64):
    """Seed 004's embedding + stacked LSTM text classifier (386,438 parameters)."""
    return [lib.Embedding(vocab, dim), lib.Dropout(0.5), lib.LSTM(dim, return_sequences=True), lib.LSTM(dim),
            lib.Dense(6, activation="softmax")]


def test_keras_trained_cqf_stack_predicts_the_same_in_seqlab(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 60, 1)).astype("float32")
    theirs = keras.Sequential([keras.Input((60, 1)), *cqf_stack(K)])
    assert theirs.count_params() == 806017
    trained_in_keras(theirs, x, x.mean(1), "mse")
    theirs.save_weights(tmp_path / "cqf.weights.h5")
    ours = seqlab.Sequential(cqf_stack(S), input_shape=(60, 1))
    assert ours.count_params() == 806017
    assert seqlab.keras.load_weights(ours, tmp_path / "cqf.weights.h5") == ["lstm", "lstm_1", "dense", "dense_1"]
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def test_keras_trained_seed004_text_model_from_a_keras_file_predicts_the_same(tmp_path):
    rng = np.random.default_rng(1)
    ids = rng.integers(1, 5000, size=(32, 20))
    labels = np.eye(6, dtype="float32")[rng.integers(0, 6, 32)]
    theirs = keras.Sequential([keras.Input((None,), dtype="int32"), *text_model(K)])
    assert theirs.count_params() == 386438
    trained_in_keras(theirs, ids, labels, "categorical_crossentropy")
    theirs.save(tmp_path / "text.keras")
    ours = seqlab.Sequential(text_model(S), input_shape=(None,))
    assert ours.count_params() == 386438
    seqlab.keras.load_weights(ours, tmp_path / "text.keras")
    np.testing.assert_allclose(ours.predict(ids), theirs.predict(ids, verbose=0), rtol=1e-5, atol=1e-5)


def test_the_first_layer_that_does_not_fit_is_named(tmp_path):
    theirs = keras.Sequential([keras.Input((5, 2)), K.LSTM(4), K.Dense(3)])
    theirs.save_weights(tmp_path / "w.weights.h5")
    wrong_units = seqlab.Sequential([S.LSTM(5), S.Dense(3)], input_shape=(5, 2))
    with pytest.raises(ConfigError, match=r"first layer that does not fit: lstm \(LSTM"):
        seqlab.keras.load_weights(wrong_units, tmp_path / "w.weights.h5")
    wrong_class = seqlab.Sequential([S.GRU(4), S.Dense(3)], input_shape=(5, 2))
    before = wrong_class.get_weights()
    with pytest.raises(ConfigError, match="first layer that does not fit: gru .*no group 'gru'"):
        seqlab.keras.load_weights(wrong_class, tmp_path / "w.weights.h5")
    assert all(np.array_equal(a, b) for a, b in zip(before, wrong_class.get_weights()))  # nothing changed
    with pytest.raises(ConfigError, match="no such file"):
        seqlab.keras.load_weights(wrong_class, tmp_path / "missing.weights.h5")


def two_in_two_out(lib, model_cls, input_fn):
    """The same two-input, two-output graph in Keras or seqlab (explicit names, so rows line up)."""
    seq, meta = input_fn((6, 3), name="seq"), input_fn((4,), name="meta")
    h, state_h, state_c = lib.LSTM(5, return_state=True, name="encoder")(seq)
    d = lib.Dense(5, activation="tanh", name="meta_dense")(meta)
    joined = lib.Concatenate(name="joined")([h, d])
    summed = lib.Add(name="summed")([state_c, d])
    reg = lib.Dense(1, name="reg")(joined)
    cls = lib.Dense(3, activation="softmax", name="cls")(summed)
    return model_cls([seq, meta], [reg, cls])


def keras_rows(model) -> list[tuple[str, ...]]:
    """The rows of Keras's rich summary table: (name (Type), shape, params, connected to), each cell's
    wrapped lines joined."""
    lines: list[str] = []
    model.summary(print_fn=lambda text, **kw: lines.extend(text.splitlines()))
    rows, current = [], None
    for line in lines:
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            current = cells if current is None else [f"{a} {b}".strip() for a, b in zip(current, cells)]
        elif current is not None:
            rows.append(tuple(current))
            current = None
    return [(name, shape, params.replace(",", ""), " ".join(links.replace(",", " ").split()))
            for name, shape, params, links in rows]


def seqlab_rows(model) -> list[tuple[str, ...]]:
    from seqlab.inspect.graph_summary import summary_rows

    return [(name, shape, str(params), " ".join(links)) for name, shape, params, links in summary_rows(model.graph)]


def test_two_input_two_output_summary_and_predictions_match_keras(tmp_path):
    theirs = two_in_two_out(K, keras.Model, lambda shape, name: keras.Input(shape, name=name))
    ours = two_in_two_out(S, seqlab.Model, lambda shape, name: seqlab.Input(shape, name=name))
    assert seqlab_rows(ours) == keras_rows(theirs)
    assert ours.count_params() == theirs.count_params()
    theirs.save(tmp_path / "two.keras")
    seqlab.keras.load_weights(ours, tmp_path / "two.keras")
    rng = np.random.default_rng(2)
    x = [rng.normal(size=(7, 6, 3)).astype("float32"), rng.normal(size=(7, 4)).astype("float32")]
    for a, b in zip(ours.predict(x), theirs.predict(x, verbose=0)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    text = ours.summary()
    assert re.search(r"summed \(Add\)\s+\(None, 5\)\s+0  encoder\[0\]\[2\]", text)


@pytest.mark.parametrize("name, build", [
    ("seed 000 next-number RNN", lambda L: ([L.SimpleRNN(50), L.Dense(1)], (5, 1))),
    ("seed 000 spam LSTM", lambda L: ([L.Embedding(1000, 50), L.LSTM(256), L.Flatten(),
                                       L.Dense(2, activation="softmax")], (30,))),
    ("seed 000 dense autoencoder", lambda L: ([L.Dense(32, activation="relu"), L.Dense(784, activation="sigmoid")],
                                              (784,))),
    ("seed 000 GAN generator", lambda L: ([L.LSTM(150), L.Dense(300)], (3, 1))),
    ("seed 002 CNN", lambda L: ([L.Conv2D(32, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
                                 L.Conv2D(64, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
                                 L.Conv2D(64, (3, 3), activation="relu"), L.Flatten(),
                                 L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")], (28, 28, 1))),
    ("seed 002 CQF stack", lambda L: (cqf_stack(L), (60, 1))),
    ("seed 003 churn ANN", lambda L: ([L.Dense(6, activation="relu"), L.Dense(6, activation="relu"),
                                       L.Dense(1, activation="sigmoid")], (12,))),
    ("seed 003 Google stock 4 x LSTM 50", lambda L: ([L.LSTM(50, return_sequences=True), L.Dropout(0.2),
                                                      L.LSTM(50, return_sequences=True), L.Dropout(0.2),
                                                      L.LSTM(50, return_sequences=True), L.Dropout(0.2),
                                                      L.LSTM(50), L.Dropout(0.2), L.Dense(1)], (60, 1))),
    ("seed 004 text model", lambda L: (text_model(L), (None,))),
    ("seed 004 bidirectional GRU", lambda L: ([L.Bidirectional(L.GRU(32, return_sequences=True)),
                                               L.Bidirectional(L.GRU(16)), L.Dense(1)], (None, 14))),
])
def test_seed_model_summaries_match_keras_count_params(name, build):
    ours_layers, shape = build(S)
    theirs_layers, _ = build(K)
    ours = seqlab.Sequential(ours_layers, input_shape=shape)
    theirs = keras.Sequential([keras.Input(shape), *theirs_layers])
    assert ours.count_params() == theirs.count_params(), name
    assert [l.count_params() for l in ours.layers] == [l.count_params() for l in theirs.layers], name


def test_penalties_and_constraints_equal_kerass():
    from seqlab import constraints, regularizers

    x = torch.randn(5, 4)
    theirs = K.Dense(3, kernel_regularizer=keras.regularizers.L1L2(0.01, 0.02),
                     bias_regularizer=keras.regularizers.L2(0.1), activity_regularizer=keras.regularizers.L2(0.05),
                     bias_initializer="ones")
    theirs(x, training=True)
    ours = S.Dense(3, kernel_regularizer=regularizers.L1L2(0.01, 0.02), bias_regularizer=regularizers.l2(0.1),
                   activity_regularizer=regularizers.l2(0.05))
    ours(x)
    ours.set_weights(theirs.get_weights())
    ours(x)  # training mode: the activity penalty of this batch
    assert float(ours.layer_penalty()) == pytest.approx(float(sum(theirs.losses)), rel=1e-5)
    w = torch.randn(6, 4) * 3
    for ours_c, theirs_c in ((constraints.max_norm(1.5), keras.constraints.MaxNorm(1.5)),
                             (constraints.unit_norm(), keras.constraints.UnitNorm()),
                             (constraints.non_neg(), keras.constraints.NonNeg()),
                             (constraints.min_max_norm(0.5, 1.0, rate=0.7),
                              keras.constraints.MinMaxNorm(0.5, 1.0, 0.7))):
        torch.testing.assert_close(ours_c(w), torch.as_tensor(np.asarray(theirs_c(w))), rtol=1e-5, atol=1e-6)


def test_bidirectional_conv_and_nested_weights_load_from_keras(tmp_path):
    def stack(lib):
        return [lib.Conv1D(4, 3, padding="causal"), lib.Bidirectional(lib.GRU(3, return_sequences=True)),
                lib.TimeDistributed(lib.Dense(2)), lib.Bidirectional(lib.LSTM(2), merge_mode="sum"), lib.Dense(1)]

    theirs = keras.Sequential([keras.Input((7, 2)), *stack(K)])
    theirs.save_weights(tmp_path / "bi.weights.h5")
    ours = seqlab.Sequential(stack(S), input_shape=(7, 2))
    seqlab.keras.load_weights(ours, tmp_path / "bi.weights.h5")
    x = np.random.default_rng(3).normal(size=(4, 7, 2)).astype("float32")
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
    inner_in = keras.Input((5,))
    encoder = keras.Model(inner_in, K.Dense(3)(inner_in))
    outer_in = keras.Input((5,))
    outer = keras.Model(outer_in, K.Dense(1)(encoder(outer_in)))
    outer.save(tmp_path / "nested.keras")
    s_in = seqlab.Input((5,))
    s_encoder = seqlab.Model(s_in, S.Dense(3)(s_in))
    s_outer_in = seqlab.Input((5,))
    s_outer = seqlab.Model(s_outer_in, S.Dense(1)(s_encoder(s_outer_in)))
    seqlab.keras.load_weights(s_outer, tmp_path / "nested.keras")
    x = np.ones((2, 5), np.float32)
    np.testing.assert_allclose(s_outer.predict(x), outer.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
