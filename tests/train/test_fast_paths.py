"""The Trainer's fast paths compute what the plain ones do: epoch-level gathering, window-wise
NaN checks with snapshot and replay, chunked metrics, fused losses and optimisers; and resuming
keeps EarlyStopping's best weights and a run that had stopped stays stopped."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import seqlab
from seqlab import layers
from seqlab.train import Trainer
from seqlab.train.callbacks import EarlyStopping
from seqlab.train.losses import get_loss
from seqlab.train.metrics import EpochMetrics, get_metric
from seqlab.train.optimizers import SGD, build_optimizer


def data(n=16, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    return x, (x @ np.array([1.0, -2.0, 0.5], np.float32) + 0.3).reshape(-1, 1)


def dropout_net():
    return seqlab.Sequential([layers.Dense(8, activation="tanh"), layers.Dropout(0.3), layers.Dense(1)],
                             input_shape=(3,), seed=0)


def weights(model):
    return [p.detach().clone() for p in model.parameters()]


def test_strided_source_gathered_per_batch_trains_like_an_in_memory_array():
    x, y = data(40)
    runs = []
    for xs in (x, np.asfortranarray(x)):  # a non-contiguous view: gathered batch by batch
        net = dropout_net()
        h = Trainer(net, loss="mse", optimizer="adam", metrics=("mae",), seed=3).fit(
            xs, y, epochs=3, batch_size=6, validation_split=0.2, verbose=0)
        runs.append((weights(net), h.history))
    assert all(torch.equal(a, b) for a, b in zip(runs[0][0], runs[1][0]))
    assert runs[0][1] == runs[1][1]


@pytest.mark.parametrize("every", [1, 2, 4, 32])
def test_nan_found_after_the_fact_still_keeps_the_weights_from_before_the_bad_batch(every):
    x, y = data(16)
    bad = x.copy()
    bad[10, 1] = np.nan  # batch 6 of 2-sample batches
    net, ref = dropout_net(), dropout_net()
    t = Trainer(net, loss="mse", optimizer="adam", metrics=("mae",), seed=1)
    t.nan_check_every = every
    with pytest.warns(RuntimeWarning, match=r"epoch 1, batch 6"):
        h = t.fit(bad, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
    assert h.epoch == [] and t.stop_training
    # the reference trains on the 5 good batches only (same dropout draws, same Adam state)
    r = Trainer(ref, loss="mse", optimizer="adam", metrics=("mae",), seed=1)
    r.fit(x[:10], y[:10], epochs=1, batch_size=2, shuffle=False, verbose=0)
    assert all(torch.equal(a, b) for a, b in zip(weights(net), weights(ref)))
    assert torch.equal(t.optimizer.state_dict()["state"][0]["exp_avg"], r.optimizer.state_dict()["state"][0]["exp_avg"])


def test_chunked_metrics_equal_one_update_per_batch():
    rng = np.random.default_rng(0)
    batches = [(torch.from_numpy(rng.random((5, 1), np.float32)),
                torch.from_numpy((rng.random(5) > .5).astype(np.float32))) for _ in range(4)]
    batches.append((torch.tensor([[0.9], [0.2]]), torch.tensor([1.0, 1.0])))
    names = ["accuracy", "mae", "auc", "precision"]
    per_batch = [get_metric(n) for n in names]
    chunked = EpochMetrics([get_metric(n) for n in names], limit=7)
    for p, yb in batches:
        for m in per_batch:
            m.update(p, yb)
        chunked.add(p, yb)
    chunked.flush()
    for a, b in zip(per_batch, chunked.metrics):
        assert a.result() == pytest.approx(b.result(), rel=1e-6)


def test_fused_binary_and_sparse_crossentropy_equal_the_per_sample_formulas():
    rng = np.random.default_rng(0)
    p = torch.from_numpy(rng.random((6, 1), np.float32))
    p[0, 0] = 0.0  # clipped to 1e-7 as Keras does
    yb = torch.from_numpy((rng.random(6) > .5).astype(np.float32))
    bce = get_loss("binary_crossentropy")
    q = p.numpy().clip(1e-7, 1 - 1e-7)[:, 0]
    by_hand = -(yb.numpy() * np.log(q) + (1 - yb.numpy()) * np.log(1 - q)).mean()
    assert float(bce(p, yb)) == pytest.approx(by_hand, rel=1e-5)
    assert float(bce(p, yb)) == pytest.approx(float(bce(p, yb, torch.ones(6))), rel=1e-6)
    probs = torch.from_numpy(rng.random((4, 3, 5), np.float32))
    labels = torch.from_numpy(rng.integers(0, 5, (4, 3)))
    scce = get_loss("sparse_categorical_crossentropy")
    norm = probs / probs.sum(-1, keepdim=True)
    assert float(scce(probs, labels)) == pytest.approx(float(F.nll_loss(norm.log().reshape(-1, 5), labels.reshape(-1))),
                                                       rel=1e-5)
    assert float(scce(probs, labels)) == pytest.approx(float(scce(probs, labels, torch.ones(4))), rel=1e-6)
    logits = get_loss("sparse_categorical_crossentropy")
    logits.from_logits = True
    by_torch = F.cross_entropy(probs.reshape(-1, 5), labels.reshape(-1))
    assert float(logits(probs, labels)) == pytest.approx(float(by_torch), rel=1e-5)


def test_named_optimisers_use_the_fused_kernel_unless_told_otherwise():
    w = [torch.nn.Parameter(torch.ones(3))]
    assert build_optimizer("adam", w).defaults["fused"] is True
    assert build_optimizer("rmsprop", w).defaults["foreach"] is True
    plain = build_optimizer(SGD(foreach=False), w)
    assert not plain.defaults.get("fused") and plain.defaults["foreach"] is False


def early_stopping_run(tmp_path, epochs, resume=True):
    """Linear fit whose validation loss turns upward after a few epochs (different val slope)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 1)).astype(np.float32)
    xv = rng.normal(size=(16, 1)).astype(np.float32)
    torch.manual_seed(0)
    net = torch.nn.Linear(1, 1)
    with torch.no_grad():
        net.weight.zero_(), net.bias.zero_()
    t = Trainer(net, loss="mse", optimizer="sgd", metrics=(), lr=0.05, seed=0)
    stop = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = t.fit(x, 2 * x, epochs=epochs, batch_size=8, validation_data=(xv, 0.5 * xv), callbacks=[stop], verbose=0,
              resume=tmp_path / "ck" if resume else None)
    return net, h, stop


def test_resume_keeps_early_stoppings_best_weights(tmp_path):
    full_net, full, stop = early_stopping_run(tmp_path / "a", 30, resume=False)
    assert stop.stopped_epoch > 0 and stop.best_epoch < stop.stopped_epoch - 1
    cut = stop.best_epoch + 1  # interrupted after the best epoch, before stopping
    early_stopping_run(tmp_path / "b", cut)
    net, h, _ = early_stopping_run(tmp_path / "b", 30)
    assert h.history == full.history
    assert torch.equal(net.weight, full_net.weight) and torch.equal(net.bias, full_net.bias)


def test_resuming_a_run_that_stopped_early_trains_no_further(tmp_path):
    net, h, stop = early_stopping_run(tmp_path, 30)
    again, h2, _ = early_stopping_run(tmp_path, 30)
    assert h2.epoch == h.epoch and h2.history == h.history
    assert torch.equal(again.weight, net.weight)


def test_models_too_large_to_snapshot_are_checked_batch_by_batch(monkeypatch):
    from seqlab.train import guard

    net = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    assert guard.NonFiniteGuard(net, opt, torch.device("cpu"), every=32).every == 32
    monkeypatch.setattr(guard, "SNAPSHOT_BYTES", 16)
    assert guard.NonFiniteGuard(net, opt, torch.device("cpu"), every=32).every == 1
