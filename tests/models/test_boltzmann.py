"""Deep Boltzmann machines, AIS and the DBN's generative side, against NumPy and exact enumeration."""
import itertools
import math

import numpy as np
import pytest
import torch

from seqlab.io.errors import ConfigError
from seqlab.models.boltzmann import DeepBoltzmannMachine, LayeredBoltzmann, dbn_log_likelihood_bound, rbm_log_likelihood
from seqlab.models.rbm import DeepBeliefNetwork, RestrictedBoltzmannMachine
from seqlab.tasks.unsupervised.anomaly import AnomalyDetector
from seqlab.tasks.unsupervised.rbm import DBN


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def random_dbm(sizes, scale=0.8, seed=0):
    dbm = DeepBoltzmannMachine(sizes, seed=seed)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for w in dbm.weights:
            w.copy_(torch.randn(w.shape, generator=g) * scale)
        for b in dbm.biases:
            b.copy_(torch.randn(b.shape, generator=g) * 0.3)
    return dbm


def all_states(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def test_mean_field_is_the_numpy_fixed_point():
    dbm = random_dbm([5, 4, 3])
    v = (np.random.default_rng(0).random((6, 5)) > 0.5).astype(np.float32)
    W1, W2 = (w.numpy().astype(np.float64) for w in dbm.weights)
    _, b1, b2 = (b.numpy().astype(np.float64) for b in dbm.biases)
    mu1, mu2 = np.full((6, 4), 0.5), np.full((6, 3), 0.5)
    for _ in range(500):
        mu1 = sigmoid(v @ W1 + mu2 @ W2.T + b1)
        mu2 = sigmoid(mu1 @ W2 + b2)
    got1, got2 = dbm.mean_field(torch.from_numpy(v), steps=500, tolerance=1e-9)
    np.testing.assert_allclose(got1.numpy(), mu1, atol=1e-5)
    np.testing.assert_allclose(got2.numpy(), mu2, atol=1e-5)
    # and it is a fixed point of its own update
    np.testing.assert_allclose(sigmoid(v @ W1 + got2.numpy() @ W2.T + b1), got1.numpy(), atol=1e-5)


def test_persistent_update_matches_numpy_statistics():
    dbm = random_dbm([5, 4, 3], scale=0.3)
    v = torch.from_numpy((np.random.default_rng(1).random((8, 5)) > 0.5).astype(np.float32))
    dbm.chains = [torch.bernoulli(torch.full((7, s), 0.5), generator=torch.Generator().manual_seed(2))
                  for s in dbm.sizes]
    chains = [c.numpy().astype(np.float64) for c in dbm.chains]
    before = [w.detach().numpy().astype(np.float64).copy() for w in dbm.weights]
    biases = [b.detach().numpy().astype(np.float64).copy() for b in dbm.biases]
    mus = [v.numpy().astype(np.float64)] + [m.numpy().astype(np.float64) for m in dbm.mean_field(v)]
    lr = 0.1
    dbm.persistent_update(v, learning_rate=lr, n_chains=7, gibbs_steps=0)   # chains kept as they are
    for layer, w in enumerate(dbm.weights):
        expected = before[layer] + lr * (mus[layer].T @ mus[layer + 1] / 8 - chains[layer].T @ chains[layer + 1] / 7)
        np.testing.assert_allclose(w.detach().numpy(), expected, atol=1e-5)
    for layer, b in enumerate(dbm.biases):
        expected = biases[layer] + lr * (mus[layer].mean(0) - chains[layer].mean(0))
        np.testing.assert_allclose(b.detach().numpy(), expected, atol=1e-5)


def test_exact_log_partition_of_an_rbm_is_the_brute_force_sum():
    rbm = RestrictedBoltzmannMachine(4, 3, seed=0)
    with torch.no_grad():
        rbm.W.copy_(torch.randn(4, 3, generator=torch.Generator().manual_seed(3)))
        rbm.visible_bias.copy_(torch.tensor([0.2, -0.1, 0.4, 0.0]))
        rbm.hidden_bias.copy_(torch.tensor([-0.3, 0.1, 0.5]))
    W, a, b = rbm.W.numpy().astype(np.float64), rbm.visible_bias.numpy(), rbm.hidden_bias.numpy()
    total = sum(math.exp(v @ W @ h + v @ a + h @ b) for v in all_states(4) for h in all_states(3))
    assert LayeredBoltzmann.from_rbm(rbm).exact_log_partition() == pytest.approx(math.log(total), abs=1e-9)


def test_exact_log_partition_of_a_dbm_is_the_brute_force_sum():
    dbm = random_dbm([3, 3, 2])
    W1, W2 = (w.detach().numpy().astype(np.float64) for w in dbm.weights)
    a, b1, b2 = (b.detach().numpy().astype(np.float64) for b in dbm.biases)
    total = sum(math.exp(v @ W1 @ h1 + h1 @ W2 @ h2 + v @ a + h1 @ b1 + h2 @ b2)
                for v in all_states(3) for h1 in all_states(3) for h2 in all_states(2))
    assert dbm.layered().exact_log_partition() == pytest.approx(math.log(total), abs=1e-9)


@pytest.mark.parametrize("sizes", [[6, 8], [6, 5, 4]])
def test_ais_estimate_is_close_to_the_exact_log_partition(sizes):
    if len(sizes) == 2:
        rbm = RestrictedBoltzmannMachine(*sizes, seed=0)
        with torch.no_grad():
            rbm.W.copy_(torch.randn(rbm.W.shape, generator=torch.Generator().manual_seed(5)) * 0.7)
        model = LayeredBoltzmann.from_rbm(rbm)
    else:
        model = random_dbm(sizes, scale=0.7).layered()
    exact = model.exact_log_partition()
    estimate, _ = model.ais_log_partition(n_runs=200, n_betas=1000, seed=0,
                                          base_visible_bias=torch.full((sizes[0],), 0.1))
    assert estimate == pytest.approx(exact, abs=0.1)


def test_exact_log_partition_refuses_a_big_model():
    with pytest.raises(ConfigError, match="2\\*\\*30"):
        LayeredBoltzmann([torch.zeros(4, 30)], [torch.zeros(4), torch.zeros(30)]).exact_log_partition()


def test_dbm_bound_is_below_the_exact_log_likelihood():
    dbm = random_dbm([4, 3, 2], scale=0.6)
    model = dbm.layered()
    log_z = model.exact_log_partition()
    W1, W2 = model.weights
    a, b1, b2 = model.biases
    v = torch.tensor([[1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0]])
    exact = []
    for row in v.double():
        terms = [float(row @ W1 @ torch.tensor(h1) + torch.tensor(h1) @ W2 @ torch.tensor(h2) + row @ a
                       + torch.tensor(h1) @ b1 + torch.tensor(h2) @ b2)
                 for h1 in all_states(3) for h2 in all_states(2)]
        exact.append(float(torch.logsumexp(torch.tensor(terms), 0)) - log_z)
    bound = dbm.log_likelihood_bound(v, log_z).numpy()
    assert np.all(bound <= np.array(exact) + 1e-9)
    assert np.all(bound > np.array(exact) - 1.0)             # and not vacuous


def test_dbn_bound_is_below_the_exact_log_likelihood():
    dbn = DeepBeliefNetwork([4, 3, 2], seed=0)
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for rbm in dbn.rbms:
            rbm.W.copy_(torch.randn(rbm.W.shape, generator=g) * 0.8)
    top = LayeredBoltzmann.from_rbm(dbn.rbms[1])
    log_z_top = top.exact_log_partition()
    v = torch.tensor([[1.0, 0.0, 1.0, 1.0]])
    bottom = dbn.rbms[0]
    exact = math.log(sum(
        math.exp(float(-dbn.rbms[1].free_energy(torch.tensor([h1], dtype=torch.float32)) - log_z_top))
        * float(torch.prod(torch.where(v > 0, bottom.visible_probs(torch.tensor([h1], dtype=torch.float32)),
                                       1 - bottom.visible_probs(torch.tensor([h1], dtype=torch.float32)))))
        for h1 in all_states(3)))
    bound = float(dbn_log_likelihood_bound(dbn, v, log_z_top, samples=4000, seed=0)[0])
    assert exact - 1.0 < bound <= exact + 0.02


def test_rbm_log_likelihood_sums_to_one_over_all_inputs():
    rbm = RestrictedBoltzmannMachine(4, 3, seed=0)
    with torch.no_grad():
        rbm.W.copy_(torch.randn(4, 3, generator=torch.Generator().manual_seed(9)))
    log_z = LayeredBoltzmann.from_rbm(rbm).exact_log_partition()
    probs = rbm_log_likelihood(rbm, torch.from_numpy(all_states(4)), log_z).exp()
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-5)


def test_dbm_fit_lowers_reconstruction_error_and_samples():
    rng = np.random.default_rng(0)
    prototypes = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], dtype=np.float32)
    X = prototypes[rng.integers(0, 2, 200)]
    X = np.abs(X - (rng.random(X.shape) < 0.05)).astype(np.float32)
    dbm = DeepBoltzmannMachine([6, 8, 4], seed=0)
    errors = dbm.fit(torch.from_numpy(X), epochs=15, batch_size=20, learning_rate=0.05, pretrain_epochs=30)
    assert errors[-1] < 0.2
    assert dbm.sample(5, steps=50).shape == (5, 6)


def test_dbn_wake_sleep_keeps_its_weights_through_save_and_load(tmp_path):
    rng = np.random.default_rng(1)
    X = (rng.random((120, 8)) > 0.5).astype(np.float32)
    dbn = DBN([6, 3], epochs=2, batch_size=20, seed=0, fine_tune_epochs=2).fit(X)
    assert dbn.model_.untied and len(dbn.history_["wake_sleep_error"]) == 2
    dbn.save(tmp_path / "dbn")
    from seqlab import load
    again = load(tmp_path / "dbn")
    np.testing.assert_allclose(again.predict(X), dbn.predict(X), atol=1e-6)
    np.testing.assert_allclose(again.sample(3, seed=1), dbn.sample(3, seed=1), atol=1e-6)


def test_tied_reconstruction_is_unchanged_by_untying():
    dbn = DeepBeliefNetwork([6, 4, 2], seed=0)
    v = torch.rand(5, 6, generator=torch.Generator().manual_seed(0))
    before = dbn.reconstruct(v)
    dbn.untie()
    torch.testing.assert_close(dbn.reconstruct(v), before)


def test_rbm_anomaly_score_is_the_free_energy_and_ranks_outliers():
    rng = np.random.default_rng(0)
    normal = rng.normal(size=(300, 6)) @ rng.normal(size=(6, 6))
    outliers = rng.normal(size=(20, 6)) * 4
    det = AnomalyDetector("rbm", epochs=30, batch_size=32, seed=0).fit(normal)
    X = np.vstack([normal[:100], outliers])
    y = np.r_[np.zeros(100), np.ones(20)]
    z = det.scaler_.transform(X).astype(np.float32)
    rbm = det.model_.model_
    W, a, b = (t.numpy().astype(np.float64) for t in (rbm.W, rbm.visible_bias, rbm.hidden_bias))
    free_energy = 0.5 * ((z - a) ** 2).sum(1) - np.logaddexp(0, z @ W + b).sum(1)
    np.testing.assert_allclose(det.score_samples(X), free_energy, rtol=1e-4, atol=1e-4)
    assert det.evaluate(X, y)["roc_auc"] > 0.85       # a dense autoencoder gets 0.88 here
