"""Autoencoder and VAE estimators: variants fit, transform/inverse_transform, save/load, bad input."""
import numpy as np
import pandas as pd
import pytest
import torch

from seqlab.io.errors import DataError
from seqlab.tasks import VAE, Autoencoder, Task
from seqlab.tasks.unsupervised.rbm import DBN

RNG = np.random.default_rng(0)
X = RNG.random((64, 8)).astype(np.float32)


@pytest.mark.parametrize("kind", ["dense", "sparse", "denoising", "contractive", "stacked", "deep"])
def test_every_dense_variant_fits_and_round_trips_codes(kind):
    ae = Autoencoder(kind, code_size=3, hidden=(5,), epochs=2, batch_size=16, pretrain_epochs=1, seed=0).fit(X)
    codes = ae.transform(X)
    assert codes.shape == (64, 3)
    assert ae.inverse_transform(codes).shape == X.shape
    assert np.allclose(ae.predict(X), ae.inverse_transform(codes), atol=1e-6)
    assert np.isfinite(ae.history_["loss"]).all()


def test_training_lowers_the_reconstruction_error():
    before = Autoencoder(code_size=4, epochs=0, batch_size=16, seed=0).fit(X).evaluate(X)["mse"]
    after = Autoencoder(code_size=4, epochs=60, batch_size=16, learning_rate=0.01, seed=0).fit(X).evaluate(X)["mse"]
    assert after < 0.6 * before


def test_stacked_pretrains_one_pair_per_layer_before_fine_tuning():
    ae = Autoencoder("stacked", code_size=2, hidden=(6, 4), epochs=1, batch_size=16, pretrain_epochs=2, seed=0).fit(X)
    assert [len(ae.history_[f"pretrain_{k}_loss"]) for k in range(3)] == [2, 2, 2]


def test_deep_kind_starts_from_the_dbn_weights():
    ae = Autoencoder("deep", code_size=3, hidden=(5,), epochs=0, batch_size=16, pretrain_epochs=2, seed=4).fit(X)
    scaled = (X - X.min(0)) / (X.max(0) - X.min(0))
    dbn = DBN(hidden_layers=[5, 3], epochs=2, batch_size=16, seed=4).fit(scaled)
    for layer, (k, b) in zip(ae.model_.encoder.layers, dbn.encoder_weights()):
        np.testing.assert_allclose(layer.get_weights()[0], k, atol=1e-5)
        np.testing.assert_allclose(layer.get_weights()[1], b, atol=1e-5)


def test_conv_and_lstm_kinds_take_images_and_windows():
    imgs = RNG.random((32, 1, 8, 8)).astype(np.float32)
    assert Autoencoder("conv", code_size=4, epochs=1, batch_size=16, seed=0).fit(imgs).predict(imgs).shape == imgs.shape
    win = RNG.random((32, 6, 2)).astype(np.float32)
    ae = Autoencoder("lstm", code_size=3, epochs=1, batch_size=16, seed=0).fit(win)
    assert ae.transform(win).shape == (32, 3)
    assert ae.reconstruction_error(win, per_step=True).shape == (32, 6)


def test_save_and_load_give_the_same_codes_and_reconstructions(tmp_path):
    ae = Autoencoder("sparse", code_size=3, epochs=2, batch_size=16, scale="standard", output_activation=None,
                     seed=0).fit(X * 10 + 3)
    ae.save(tmp_path / "ae")
    back = Task.load(tmp_path / "ae")
    assert isinstance(back, Autoencoder)
    np.testing.assert_allclose(back.transform(X * 10 + 3), ae.transform(X * 10 + 3), rtol=1e-6)
    np.testing.assert_allclose(back.predict(X), ae.predict(X), rtol=1e-6)


def test_vae_samples_in_original_units_and_reloads(tmp_path):
    data = X * 100
    vae = VAE(latent_dim=2, hidden=(8,), epochs=3, batch_size=16, seed=0).fit(data)
    s = vae.sample(5, seed=1)
    assert s.shape == (5, 8) and s.min() >= data.min(0).min() - 1e-3 and s.max() <= data.max() + 1e-3
    assert set(vae.evaluate(data)) == {"reconstruction", "kl", "loss"}
    vae.save(tmp_path / "vae")
    np.testing.assert_allclose(Task.load(tmp_path / "vae").sample(5, seed=1), s, rtol=1e-5)


def test_bad_input_raises_data_error():
    with pytest.raises(DataError, match="non-numeric"):
        Autoencoder(epochs=1).fit(pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}))
    with pytest.raises(DataError, match="batch_size"):
        Autoencoder(epochs=1, batch_size=100).fit(X)
    with pytest.raises(DataError, match="NaN"):
        VAE(epochs=1, batch_size=2).fit(np.array([[1.0, np.nan], [0.0, 1.0]]))
    ae = Autoencoder(code_size=2, epochs=1, batch_size=16, seed=0).fit(X)
    with pytest.raises(DataError, match="shape"):
        ae.transform(X[:, :5])


def test_autoencoder_is_a_torch_free_estimator_surface():
    ae = Autoencoder(code_size=2, epochs=1, batch_size=16, seed=0).fit(pd.DataFrame(X))
    assert isinstance(ae.transform(X), np.ndarray) and isinstance(ae.model_, torch.nn.Module)
