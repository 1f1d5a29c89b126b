"""The collaborative-filtering RBM (softmax visible units for rated movies only) against NumPy."""
import numpy as np
import torch

from seqlab.models.ratings_rbm import RatingsRBM, one_hot_ratings


def small_rbm(seed=0, n_movies=5, K=2, n_hidden=3):
    rng = np.random.default_rng(seed)
    rbm = RatingsRBM(n_movies, K, n_hidden)
    rbm.W.copy_(torch.from_numpy(rng.normal(0, 0.5, (n_movies, K, n_hidden)).astype(np.float32)))
    rbm.visible_bias.copy_(torch.from_numpy(rng.normal(0, 0.5, (n_movies, K)).astype(np.float32)))
    rbm.hidden_bias.copy_(torch.from_numpy(rng.normal(0, 0.5, n_hidden).astype(np.float32)))
    return rbm


def numpy_hidden(rbm, ratings):
    """p(h | ratings) summing W[movie, rating] over the rated movies only, one user at a time."""
    W, b = rbm.W.numpy(), rbm.hidden_bias.numpy()
    out = []
    for row in ratings:
        act = b.copy()
        for i, r in enumerate(row):
            if r >= 0:
                act += W[i, r]
        out.append(1 / (1 + np.exp(-act)))
    return np.array(out)


def numpy_visible(rbm, h):
    W, a = rbm.W.numpy(), rbm.visible_bias.numpy()
    logits = np.einsum("nj,ikj->nik", h, W) + a
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_hidden_and_visible_probabilities_match_numpy_and_ignore_unrated_movies():
    rbm = small_rbm()
    ratings = np.array([[1, -1, 0, -1, 1], [-1, -1, -1, 0, -1], [0, 1, 1, 1, 0]])
    V = one_hot_ratings(torch.from_numpy(ratings), 2)
    ph = rbm.hidden_probs(V).numpy()
    np.testing.assert_allclose(ph, numpy_hidden(rbm, ratings), rtol=1e-5)
    np.testing.assert_allclose(rbm.visible_probs(torch.from_numpy(ph)).numpy(), numpy_visible(rbm, ph), rtol=1e-5)
    # a dislike moves the hidden units (its own weights); an unrated movie does not
    disliked = ratings.copy()
    disliked[1, 0] = 0
    assert not np.allclose(numpy_hidden(rbm, disliked)[1], ph[1])


def test_cd_update_matches_the_numpy_formula_and_leaves_unrated_movies_alone():
    rbm = small_rbm(1, K=3)
    before = [t.clone() for t in (rbm.W, rbm.visible_bias, rbm.hidden_bias)]
    ratings = torch.tensor([[2, -1, 0, 1, -1], [1, -1, -1, 2, 0]])   # movie 1 rated by nobody
    V0 = one_hot_ratings(ratings, 3)
    g = torch.Generator().manual_seed(0)
    rbm.contrastive_divergence(V0, k=1, learning_rate=0.1, generator=g)
    # replay the same draws to get the negative sample, then the update by NumPy
    ref = small_rbm(1, K=3)
    g = torch.Generator().manual_seed(0)
    ph0 = ref.hidden_probs(V0)
    h = torch.bernoulli(ph0, generator=g)
    Vk = ref.sample_visible(h, V0.sum(-1) > 0, g)
    phk = ref.hidden_probs(Vk).numpy()
    v0, vk, p0 = V0.numpy(), Vk.numpy(), ph0.numpy()
    dW = (np.einsum("nik,nj->ikj", v0, p0) - np.einsum("nik,nj->ikj", vk, phk)) / 2
    np.testing.assert_allclose(rbm.W.numpy(), before[0].numpy() + 0.1 * dW, atol=1e-6)
    np.testing.assert_allclose(rbm.visible_bias.numpy(), before[1].numpy() + 0.1 * (v0 - vk).sum(0) / 2, atol=1e-6)
    np.testing.assert_allclose(rbm.hidden_bias.numpy(), before[2].numpy() + 0.1 * (p0 - phk).sum(0) / 2, atol=1e-6)
    assert torch.equal(rbm.W[1], before[0][1]) and torch.equal(rbm.visible_bias[1], before[1][1])
    assert (vk.sum(-1) == (ratings.numpy() >= 0)).all()                 # samples only where rated


def test_visible_bias_starts_at_the_log_frequencies_and_momentum_adds_the_last_step():
    rbm = RatingsRBM(2, 2, 1)
    V = one_hot_ratings(torch.tensor([[1, -1], [1, 0], [0, -1]]), 2)
    rbm.init_visible_bias(V)
    np.testing.assert_allclose(rbm.visible_bias.numpy(), np.log([[2 / 5, 3 / 5], [2 / 3, 1 / 3]]), rtol=1e-6)
    ph = torch.full((3, 1), 0.5)
    start = rbm.W.clone()
    rbm.apply_update(V, torch.zeros_like(V), ph, ph, 1.0, momentum=0.5)
    first = rbm.W - start
    rbm.apply_update(V, torch.zeros_like(V), ph, ph, 1.0, momentum=0.5)
    np.testing.assert_allclose((rbm.W - start).numpy(), (first * 2.5).numpy(), rtol=1e-6)   # 1 + (0.5 + 1)
