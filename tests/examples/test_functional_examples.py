"""The functional-API recipes in examples/seeds (issue 15) run end to end with tiny settings."""
import numpy as np
from support import example


def test_seed000_functional_autoencoder_has_the_seeds_784_32_784_network(capsys):
    out = example("functional_autoencoder").main(["--epochs", "1", "--samples", "200"])
    assert out["params"] == 784 * 32 + 32 + 32 * 784 + 784
    assert np.isfinite(out["mse"]) and out["pca_mse"] > 0
    assert "input_layer[0][0]" in capsys.readouterr().out


def test_seed004_return_modes_print_kerass_shapes(capsys):
    out = example("rnn_return_modes").main([])
    assert out["last"] == (None, 16) and out["sequences"] == (None, 120, 16)
    assert out["lstm_states"] == ((None, 16), (None, 16)) and out["gru_state"] == (None, 16)
    assert out["predicted"] == [(2, 16), (2, 16), (2, 16)]
    assert "(None, 16)\n(None, 120, 16)" in capsys.readouterr().out


def test_encoder_decoder_with_states_and_attention_trains_and_decodes():
    plain = example("encoder_decoder_states").main(["--epochs", "1", "--train", "200", "--units", "16"])
    attended = example("encoder_decoder_states").main(["--epochs", "1", "--train", "200", "--units", "16",
                                                       "--attention"])
    assert 0 <= plain["token_accuracy"] <= 1 and attended["params"] > plain["params"]
    assert plain["copy_baseline"] < 0.01


def test_pretrain_then_fine_tune_reuses_the_encoder():
    out = example("fine_tune_autoencoder").main(["--epochs", "6", "--labels", "60"])
    assert out["reused"] == ["encoder"]
    assert all(0 <= out[k] <= 1 for k in ("frozen", "fine_tuned", "scratch", "logistic_regression"))


def test_encoder_decoder_graph_with_states_and_attention_saves_and_loads(tmp_path):
    import seqlab

    recipe = example("encoder_decoder_states")
    model, encoder_model, decoder_model = recipe.build(8, True, 0)
    src, dec_in, *_ = recipe.make_data(5, 4, np.random.default_rng(0))
    model.save(tmp_path / "seq2seq")
    np.testing.assert_array_equal(seqlab.load(tmp_path / "seq2seq").predict([src, dec_in]),
                                  model.predict([src, dec_in]))
    memory, h, c = encoder_model.predict(src)
    step = [recipe.one_hot(np.full((5, 1), recipe.START)), memory, h, c]
    decoder_model.save(tmp_path / "step")
    for a, b in zip(seqlab.load(tmp_path / "step").predict(step), decoder_model.predict(step)):
        np.testing.assert_array_equal(a, b)


def test_multi_input_airline_scores_both_models_and_the_baselines():
    out = example("multi_input_airline").main(["--epochs", "1"])
    assert set(out) == {"LSTM + month", "LSTM alone", "seasonal naive", "naive"}
    assert out["naive"] > out["seasonal naive"] > 0 and all(np.isfinite(v) for v in out.values())
