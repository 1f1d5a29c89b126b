"""GAN estimator, TimeGAN's synthetic-data scores and the stacked-autoencoder recommender."""
import numpy as np
import pandas as pd
import pytest

from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks import GAN, Task
from seqlab.tasks.generation.metrics import discriminative_score, predictive_score, sine_data, timegan_windows
from seqlab.tasks.unsupervised.recommender_ae import AutoencoderRecommender, rating_matrix

RNG = np.random.default_rng(0)


@pytest.mark.parametrize("loss", ["minimax", "non-saturating", "wasserstein", "wasserstein-gp"])
def test_every_loss_trains_and_samples_in_the_data_range(loss):
    X = RNG.random((64, 4)) * 50 + 10
    gan = GAN(loss=loss, latent_dim=3, units=8, epochs=2, batch_size=16, seed=0).fit(X)
    s = gan.sample(10, seed=0)
    assert s.shape == (10, 4) and s.min() >= 10 - 1e-3 and s.max() <= 60 + 1e-3
    assert len(gan.history_["d_loss"]) == 2 and np.isfinite(gan.history_["g_loss"]).all()


def test_generator_learns_to_match_a_shifted_distribution():
    X = RNG.normal(loc=[2.0, -1.0], scale=0.3, size=(512, 2))
    gan = GAN(arch="dense", latent_dim=2, units=16, epochs=30, batch_size=64, learning_rate=2e-3, scale="standard",
              seed=0).fit(X)
    s = gan.sample(1000, seed=1)
    np.testing.assert_allclose(s.mean(0), [2.0, -1.0], atol=0.25)


def test_conditional_gan_needs_and_checks_labels(tmp_path):
    X, y = RNG.random((48, 1, 8, 8)), np.repeat(["a", "b", "c"], 16)
    gan = GAN(arch="dcgan", latent_dim=4, units=4, epochs=1, batch_size=16, seed=0).fit(X, y)
    assert gan.sample(4, labels="b").shape == (4, 1, 8, 8)
    with pytest.raises(ConfigError, match="conditional"):
        gan.sample(2)
    with pytest.raises(DataError, match="unknown labels"):
        gan.sample(2, labels="z")
    gan.save(tmp_path / "g")
    np.testing.assert_allclose(Task.load(tmp_path / "g").sample(3, labels="a", seed=2),
                               gan.sample(3, labels="a", seed=2), rtol=1e-5)


def test_gan_bad_input():
    with pytest.raises(DataError, match="batch_size"):
        GAN(batch_size=64).fit(RNG.random((10, 3)))
    with pytest.raises(ConfigError, match="loss"):
        GAN(loss="hinge").fit(RNG.random((10, 3)))


def test_timegan_windows_scale_columns_and_cut_every_window():
    series = np.c_[np.arange(30.0), np.arange(30.0) ** 2]
    w = timegan_windows(series, seq_len=5, reverse=False)
    assert w.shape == (26, 5, 2) and w.min() == 0 and w.max() == pytest.approx(1, abs=1e-6)
    np.testing.assert_allclose(w[3, :, 0], np.arange(3, 8) / 29, rtol=1e-5)
    assert timegan_windows(series, 5)[0, 0, 0] == pytest.approx(1.0, abs=1e-6)     # reversed: newest first


def test_discriminative_score_separates_noise_from_sines_but_not_sines_from_sines():
    real = sine_data(400, 12, 2, seed=0)
    assert discriminative_score(real, np.zeros_like(real), iterations=150, seed=0) > 0.4
    assert discriminative_score(real, sine_data(400, 12, 2, seed=1), iterations=150, seed=0) < 0.15


def test_predictive_score_is_lower_when_trained_on_the_real_process():
    real = sine_data(300, 12, 3, seed=0)
    good = predictive_score(real, sine_data(300, 12, 3, seed=1), iterations=200, seed=0)
    bad = predictive_score(real, RNG.random(real.shape).astype(np.float32), iterations=200, seed=0)
    assert good < bad


def test_recommender_masks_unrated_movies_and_reports_the_course_rmse():
    tr = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 2, 3, 1], "rating": [5, 3, 4, 1, 2]})
    te = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 1], "rating": [4, 2]})
    m = rating_matrix(tr, 3, 3)
    assert m.tolist() == [[5, 3, 0], [0, 4, 1], [2, 0, 0]]
    rec = AutoencoderRecommender(hidden=(2,), code_size=1, epochs=3, batch_size=2, seed=0).fit(tr, 3, 3)
    pred = rec.predict(tr)
    te_m = rating_matrix(te, 3, 3)
    per_user = [abs(pred[0, 2] - 4), abs(pred[1, 0] - 2)]               # one test rating each: RMSE = |error|
    assert rec.evaluate(tr, te)["test_rmse"] == pytest.approx(np.mean(per_user), rel=1e-5)
    assert te_m[2].sum() == 0 and rec.evaluate(tr, te)["users"] == 2
