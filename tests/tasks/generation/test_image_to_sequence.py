"""ImageToSequence and the composed-digits data: shapes, scoring, learning, saving."""
import numpy as np
import pytest

from seqlab import load
from seqlab.data.digit_strings import digit_pool, digit_strings
from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.generation.image_to_sequence import ImageToSequence, sequence_scores


def test_composed_images_hold_the_labelled_digits_from_disjoint_pools():
    images, labels = digit_strings(20, min_digits=2, max_digits=3, max_gap=0, height=8, seed=0)
    pool, targets = digit_pool("train")
    assert images.shape == (20, 8, 24) and all(2 <= len(s) <= 3 for s in labels)
    first = images[0, :, :8]
    matches = [int(targets[k]) for k in range(len(pool)) if np.allclose(pool[k], first)]
    assert int(labels[0][0]) in matches
    test_pool, _ = digit_pool("test")
    assert len(pool) + len(test_pool) == 1797


def test_bad_shapes_are_refused():
    with pytest.raises(ConfigError, match="width"):
        digit_strings(2, max_digits=3, width=10)
    with pytest.raises(DataError, match="height, width"):
        ImageToSequence().fit(np.zeros((3, 4)), ["1", "2", "3"])


def test_sequence_scores_count_missing_tokens_as_wrong():
    assert sequence_scores(["123"], ["12"]) == {"exact_match": 0.0, "token_accuracy": 2 / 3}


def test_it_learns_single_digits_and_saves(tmp_path):
    X, y = digit_strings(600, max_digits=1, seed=0)
    task = ImageToSequence(64, steps=400, eval_every=100, batch_size=32, learning_rate=5e-3, seed=0).fit(X, y)
    Xt, yt = digit_strings(200, max_digits=1, split="test", seed=1)
    scores = task.evaluate(Xt, yt)
    assert scores["exact_match"] > 0.5 and "exact_match" in scores["baseline"]
    assert task.attention(Xt[:2]).shape[:2] == (2, 2)
    task.save(tmp_path / "reader")
    again = load(tmp_path / "reader")
    assert again.predict(Xt[:20]) == task.predict(Xt[:20])
