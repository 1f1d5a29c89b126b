"""ImageToSequence and the composed-digits data: shapes, scoring, learning, saving."""
import numpy as np
import pytest
from support import FakeClock

from seqlab import load
from seqlab.data.digit_strings import affine_digit, digit_pool, digit_strings
from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.generation.image_to_sequence import ImageToSequence, sequence_scores
from seqlab.train import budget


def test_composed_images_hold_the_labelled_digits_from_disjoint_pools():
    images, labels = digit_strings(20, min_digits=2, max_digits=3, max_gap=0, height=8, seed=0)
    pool, targets = digit_pool("train")
    assert images.shape == (20, 8, 24) and all(2 <= len(s) <= 3 for s in labels)
    first = images[0, :, :8]
    matches = [int(targets[k]) for k in range(len(pool)) if np.allclose(pool[k], first)]
    assert int(labels[0][0]) in matches
    test_pool, _ = digit_pool("test")
    assert len(pool) + len(test_pool) == 1797
    fit, validation = digit_pool("fit")[0], digit_pool("validation")[0]
    assert np.array_equal(np.concatenate([fit, validation]), pool)


def test_the_digit_warp_matches_shifts_and_rotations_done_by_hand():
    digit = digit_pool("train")[0][5]
    assert np.allclose(affine_digit(digit), digit, atol=1e-6)
    shifted = np.zeros_like(digit)
    shifted[1:, 2:] = digit[:-1, :-2]
    assert np.allclose(affine_digit(digit, shift=(1, 2)), shifted, atol=1e-6)
    # a quarter turn about the centre maps (row, column) to (-column, row): np.rot90's direction
    assert np.allclose(affine_digit(digit, angle=np.pi / 2), np.rot90(digit), atol=1e-5)
    images, labels = digit_strings(50, max_digits=2, augment=True, seed=0)
    assert images.min() >= 0 and images.max() <= 1 and all(1 <= len(s) <= 2 for s in labels)


def test_bad_shapes_are_refused():
    with pytest.raises(ConfigError, match="width"):
        digit_strings(2, max_digits=3, width=10)
    with pytest.raises(DataError, match="height, width"):
        ImageToSequence().fit(np.zeros((3, 4)), ["1", "2", "3"])
    with pytest.raises(ConfigError, match="split"):
        digit_pool("dev")
    X, y = digit_strings(8, max_digits=2, seed=0)
    with pytest.raises(DataError, match="validation_data"):
        ImageToSequence(steps=1).fit(X, y, validation_data=(X[:, :, :10], y))
    with pytest.raises(ConfigError, match="learning_rate_schedule"):
        ImageToSequence(steps=1, learning_rate_schedule="step").fit(X, y)
    with pytest.raises(ConfigError, match="dropout"):
        ImageToSequence(steps=1, dropout=1.0).fit(X, y)


def test_sequence_scores_count_missing_tokens_as_wrong():
    assert sequence_scores(["123"], ["12"]) == {"exact_match": 0.0, "token_accuracy": 2 / 3}


def test_it_learns_single_digits_and_saves(tmp_path):
    X, y = digit_strings(600, max_digits=1, split="fit", seed=0)
    Xv, yv = digit_strings(100, max_digits=1, split="validation", seed=2)
    task = ImageToSequence(32, filters=(8, 16, 16), steps=300, eval_every=100, batch_size=32, learning_rate=5e-3,
                           seed=0, ensemble=1).fit(X, y, validation_data=(Xv, yv))
    assert len(task.history_["val_exact_match"]) == 3 and task.history_["best_step"] in (100, 200, 300)
    Xt, yt = digit_strings(200, max_digits=1, split="test", seed=1)
    scores = task.evaluate(Xt, yt)
    assert scores["exact_match"] > 0.5 and "exact_match" in scores["baseline"]
    baseline = task.predict_baseline(Xt)
    assert np.isclose(sequence_scores(yt, baseline)["exact_match"], scores["baseline"]["exact_match"])
    assert task.attention(Xt[:2]).shape[:2] == (2, 2)
    task.save(tmp_path / "reader")
    again = load(tmp_path / "reader")
    assert again.predict(Xt[:20]) == task.predict(Xt[:20])


def test_an_ensemble_averages_its_members_probabilities_at_every_step(tmp_path):
    import torch

    X, y = digit_strings(48, max_digits=3, seed=0)
    task = ImageToSequence(8, embedding_dim=4, filters=(2, 4, 4), steps=3, eval_every=3, batch_size=8,
                           seed=0, ensemble=2).fit(X, y)
    assert len(task.models_) == 2 and len(task.history_["members"]) == 2
    assert task.member_seed(0) == 0 and task.member_seed(1) not in (0, 1)
    # the same decoding written out by hand: mean of the two members' softmax, argmax fed to both
    x = torch.from_numpy(X[:6])
    a, b = task.models_
    (ma, sa, ca), (mb, sb, cb) = a._begin(x), b._begin(x)
    token, by_hand = torch.full((6,), a.start), []
    with torch.no_grad():
        for _ in range(task.max_length_ + 1):
            la, sa, ca, _ = a._step(token, sa, ca, ma)
            lb, sb, cb, _ = b._step(token, sb, cb, mb)
            token = ((torch.softmax(la, -1) + torch.softmax(lb, -1)) / 2).argmax(-1)
            by_hand.append(token)
    assert task.predict(X[:6]) == task._decode(torch.stack(by_hand, 1).numpy())
    probabilities = sum(torch.softmax(m(x), -1) for m in task.baselines_)
    assert task.predict_baseline(X[:6]) == task._decode(probabilities.argmax(-1).numpy())
    single = ImageToSequence(8, embedding_dim=4, filters=(2, 4, 4), steps=3, eval_every=3, batch_size=8,
                             seed=0, ensemble=1).fit(X, y)
    assert all(torch.equal(p, q) for p, q in zip(single.model_.parameters(), a.parameters()))
    task.save(tmp_path / "ensemble")
    again = load(tmp_path / "ensemble")
    assert len(again.models_) == 2 and again.predict(X[:6]) == task.predict(X[:6])
    with pytest.raises(ConfigError, match="ensemble"):
        ImageToSequence(steps=1, ensemble=0).fit(X, y)



def test_a_time_budget_is_shared_by_the_members_and_each_stops_with_its_best_weights(monkeypatch):
    monkeypatch.setattr(budget, "monotonic", FakeClock(1.0))    # one second per clock reading
    X, y = digit_strings(64, max_digits=1, seed=0)
    task = ImageToSequence(8, filters=(4, 4, 4), eval_every=100, batch_size=16, seed=0, ensemble=2,
                           time_budget="10s").fit(X, y)
    members = task.history_["members"]
    assert [m["stopped"] for m in members] == ["time budget", "time budget"]
    # about 10 / 2 one-second readings each (one a step): far short of the first evaluation at step 100,
    # so each member is scored once at the stop and keeps those weights
    assert all(len(m["step"]) == 1 and m["best_step"] == m["step"][0] < 10 for m in members)
    assert len(task.predict(X[:3])) == 3
