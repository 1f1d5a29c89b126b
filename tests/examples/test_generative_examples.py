"""Seed 000's generative recipes run end to end with tiny settings (full runs: see their docstrings)."""
from support import example


def test_gan_sine_recipe_plots_every_n_eval_epochs(tmp_path):
    stats = example("gan_sine").main(["--epochs", "4", "--n-eval", "2", "--batch", "16", "--out", str(tmp_path)])
    assert sorted(p.name for p in tmp_path.glob("*.png")) == ["epoch_00002.png", "epoch_00004.png"]
    assert set(stats) >= {"fake_mean", "real_mean", "d_loss", "g_loss"}


def test_dense_autoencoder_recipe_reports_mse_beside_pca():
    m = example("dense_autoencoder").main(["--epochs", "2"])
    assert m["inputs"] == 64 and m["mse"] > 0 and m["pca_mse"] > 0
