"""seqlab.Input / seqlab.Model: the functional API (issue 15)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import seqlab
from seqlab import layers
from seqlab.io.errors import ConfigError, ModelFileError


def two_in_two_out(seed=0):
    seq, meta = seqlab.Input((6, 3), name="seq"), seqlab.Input((4,), name="meta")
    h, state_h, _ = layers.LSTM(5, return_state=True)(seq)
    d = layers.Dense(5, activation="tanh")(meta)
    joined = layers.Concatenate()([h, d])
    summed = layers.Add()([state_h, d])
    reg = layers.Dense(1, name="reg")(joined)
    cls = layers.Dense(3, activation="softmax", name="cls")(summed)
    return seqlab.Model([seq, meta], [reg, cls], seed=seed)


def data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = [rng.normal(size=(n, 6, 3)).astype("float32"), rng.normal(size=(n, 4)).astype("float32")]
    classes = (x[1][:, 0] > 0).astype(int) + (x[1][:, 1] > 1)
    y = [x[0].sum(axis=(1, 2))[:, None] / 5, np.eye(3, dtype="float32")[classes]]
    return x, y


def test_two_inputs_two_outputs_train_save_load_predict_identically(tmp_path):
    model = two_in_two_out()
    x, y = data()
    model.compile("adam", loss=["mse", "categorical_crossentropy"], metrics={"reg": ["mae"], "cls": ["accuracy"]},
                  learning_rate=0.01)
    before = model.evaluate(x, y)["loss"]
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0, validation_split=0.25)
    assert {"loss", "reg_loss", "cls_loss", "reg_mae", "cls_accuracy", "val_loss"} <= set(history.history)
    logs = model.evaluate(x, y)
    assert logs["loss"] < before
    assert logs["loss"] == pytest.approx(logs["reg_loss"] + logs["cls_loss"], rel=1e-5)
    model.save(tmp_path / "m")
    loaded = seqlab.load(tmp_path / "m")
    assert isinstance(loaded, seqlab.Model)
    for a, b in zip(model.predict(x), loaded.predict(x)):
        np.testing.assert_array_equal(a, b)
    assert loaded.summary() == model.summary()
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]


def test_inputs_and_targets_by_name():
    model = two_in_two_out()
    x, y = data(16)
    model.compile("sgd", loss={"reg": "mse", "cls": "categorical_crossentropy"}, loss_weights={"reg": 2.0, "cls": 0.5})
    by_name = model.evaluate({"seq": x[0], "meta": x[1]}, {"reg": y[0], "cls": y[1]})
    assert by_name["loss"] == pytest.approx(2.0 * by_name["reg_loss"] + 0.5 * by_name["cls_loss"], rel=1e-5)
    with pytest.raises(ConfigError, match="meta"):
        model.predict({"seq": x[0]})


def test_same_seed_same_weights_whatever_the_global_rng():
    torch.manual_seed(1)
    a = two_in_two_out(seed=3).get_weights()
    torch.manual_seed(2)
    b = two_in_two_out(seed=3).get_weights()
    assert all(np.array_equal(u, v) for u, v in zip(a, b))


def test_shared_layer_is_one_set_of_weights_and_nested_sequential_saves(tmp_path):
    inp = seqlab.Input((5,))
    shared = layers.Dense(4, name="shared")
    u, v = shared(inp), shared(layers.Dense(5)(inp))
    head = seqlab.Sequential([layers.Dense(3, activation="relu"), layers.Dense(2)], input_shape=(4,))
    model = seqlab.Model(inp, head(layers.Add()([u, v])))
    assert model.count_params() == 24 + 30 + 15 + 8
    table = model.summary()
    assert "shared[0][0]" in table and "shared[1][0]" in table and "sequential (Sequential)" in table
    x = np.random.default_rng(0).normal(size=(7, 5)).astype("float32")
    with torch.no_grad():
        w = shared.kernel.detach().numpy()
        by_hand = head(torch.from_numpy(x @ w + (x @ model.get_layer("dense").kernel.detach().numpy()) @ w))
    np.testing.assert_allclose(model.predict(x), by_hand.numpy(), atol=1e-5)
    model.save(tmp_path / "m")
    np.testing.assert_array_equal(seqlab.load(tmp_path / "m").predict(x), model.predict(x))


def test_a_model_inside_a_model_shares_its_weights():
    inner_in = seqlab.Input((3,))
    encoder = seqlab.Model(inner_in, layers.Dense(2, name="code")(inner_in), name="encoder")
    outer_in = seqlab.Input((3,))
    outer = seqlab.Model(outer_in, layers.Dense(1)(encoder(outer_in)))
    assert outer.get_layer("encoder") is encoder
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(outer.predict(x), outer.layers[-1](torch.from_numpy(encoder.predict(x))).detach(),
                               atol=1e-6)


def test_masks_from_an_embedding_reach_the_recurrent_layer():
    ids = seqlab.Input((None,), dtype="int32")
    emb = layers.Embedding(10, 4, mask_zero=True)
    rnn = layers.LSTM(3)
    model = seqlab.Model(ids, rnn(emb(ids)))
    padded = np.array([[0, 0, 3, 4], [1, 2, 3, 4]])
    out = model.predict(padded)
    alone = model.predict(np.array([[3, 4]]))
    np.testing.assert_allclose(out[0], alone[0], atol=1e-6)  # the padding changes nothing


def test_symbolic_shapes_follow_keras():
    inputs = seqlab.Input(shape=(120, 14))
    assert layers.SimpleRNN(16)(inputs).shape == (None, 16)
    assert layers.SimpleRNN(16, return_sequences=True)(inputs).shape == (None, 120, 16)
    varying = seqlab.Input((None, 14))
    assert layers.Conv1D(4, 3, strides=2)(varying).shape == (None, None, 4)


def test_graph_errors_are_clear():
    a, b = seqlab.Input((3,)), seqlab.Input((3,))
    out = layers.Add()([a, b])
    with pytest.raises(ConfigError, match="graph disconnected"):
        seqlab.Model(a, out)
    with pytest.raises(ConfigError, match="cannot be called"):
        layers.Concatenate(axis=1)([seqlab.Input((3,)), seqlab.Input((4, 2))])
    with pytest.raises(ConfigError, match="not compiled"):
        seqlab.Model(a, layers.Dense(1)(a)).fit(np.ones((2, 3)), np.ones((2, 1)))


def test_a_torch_module_in_the_graph_cannot_be_saved(tmp_path):
    class Plain(torch.nn.Module):
        def forward(self, x):
            return x * 2

    from seqlab.nn.graph import symbolic_call

    x = seqlab.Input((3,))
    model = seqlab.Model(x, symbolic_call(Plain(), (x,), {}))
    with pytest.raises(ConfigError, match="not a seqlab layer"):
        model.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_a_tampered_graph_file_is_refused(tmp_path):
    import json

    x = seqlab.Input((3,))
    seqlab.Model(x, layers.Dense(2)(x)).save(tmp_path / "m")
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    cfg["config"]["graph"]["layers"][0]["class_name"] = "Lambda"
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ModelFileError, match="unknown layer class 'Lambda'"):
        seqlab.load(tmp_path / "m")


def test_sequential_accepts_an_input_first():
    model = seqlab.Sequential()
    model.add(seqlab.Input(shape=(3, 1)))
    model.add(layers.LSTM(4))
    model.add(layers.Dense(2))
    assert model.count_params() == 4 * (4 * (1 + 4 + 1)) + 10


def test_load_weights_by_name_skips_mismatches_and_by_order_checks_shapes(tmp_path):
    x = seqlab.Input((4,))
    source = seqlab.Model(x, layers.Dense(2, name="head")(layers.Dense(3, name="body")(x)), seed=0)
    source.save(tmp_path / "dir")
    source.save_weights(tmp_path / "w.safetensors")
    y = seqlab.Input((4,))
    target = seqlab.Model(y, layers.Dense(5, name="head")(layers.Dense(3, name="body")(y)), seed=1)
    with pytest.raises(ConfigError, match="'head'.*skip_mismatch"):
        target.load_weights(tmp_path / "dir", by_name=True)
    with pytest.warns(UserWarning, match="'head'"):
        assert target.load_weights(tmp_path / "w.safetensors", by_name=True, skip_mismatch=True) == ["body"]
    np.testing.assert_array_equal(target.get_layer("body").get_weights()[0], source.get_layer("body").get_weights()[0])
    with pytest.raises(ConfigError, match="does not fit"):
        target.load_weights(tmp_path / "w.safetensors")
    twin = seqlab.Sequential([layers.Dense(3), layers.Dense(2)], input_shape=(4,))
    assert twin.load_weights(tmp_path / "w.safetensors") == ["dense", "dense_1"]  # by order
    np.testing.assert_allclose(twin.predict(np.ones((2, 4))), source.predict(np.ones((2, 4))), atol=1e-6)


def test_frozen_layers_do_not_move_until_compiled_again():
    x = seqlab.Input((3,))
    model = seqlab.Model(x, layers.Dense(1, name="head")(layers.Dense(4, name="body")(x)), seed=0)
    model.get_layer("body").trainable = False
    model.compile("sgd", loss="mse", learning_rate=0.1)
    before = model.get_weights()
    model.fit(np.ones((8, 3), np.float32), np.zeros((8, 1), np.float32), epochs=2, verbose=0)
    after = model.get_weights()
    assert np.array_equal(before[0], after[0]) and not np.array_equal(before[2], after[2])
    assert "Non-trainable params: 16" in model.summary()
    model.get_layer("body").trainable = True
    model.compile("sgd", loss="mse", learning_rate=0.1)
    model.fit(np.ones((8, 3), np.float32), np.ones((8, 1), np.float32), epochs=1, verbose=0)
    assert not np.array_equal(after[0], model.get_weights()[0])


def test_sequential_fits_with_tbptt():
    model = seqlab.Sequential([layers.LSTM(4, return_sequences=True), layers.Dense(1)], input_shape=(None, 1), seed=0)
    model.compile("adam", loss="mse")
    history = model.fit(np.ones((8, 12, 1), np.float32), np.zeros((8, 12, 1), np.float32), epochs=2, tbptt=4)
    assert len(history.history["loss"]) == 2


def test_freezing_a_whole_nested_model():
    inner_in = seqlab.Input((3,))
    encoder = seqlab.Model(inner_in, layers.Dense(2)(inner_in), name="encoder")
    outer_in = seqlab.Input((3,))
    outer = seqlab.Model(outer_in, layers.Dense(1)(encoder(outer_in)))
    encoder.trainable = False
    assert not encoder.trainable and outer.trainable
    assert "Trainable params: 3 " in outer.summary() and "Non-trainable params: 8 " in outer.summary()


def test_freezing_a_sequential_as_seed000s_gan_does():
    discriminator = seqlab.Sequential([layers.Dense(4, activation="relu"), layers.Dense(1, activation="sigmoid")],
                                      input_shape=(3,))
    discriminator.trainable = False
    assert not discriminator.trainable and all(not p.requires_grad for p in discriminator.parameters())
    discriminator.trainable = True
    assert all(p.requires_grad for p in discriminator.parameters())
