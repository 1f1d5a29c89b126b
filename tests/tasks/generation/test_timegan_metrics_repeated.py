"""The TimeGAN metrics averaged over repetitions, as the paper reports them (mean of 10 runs)."""
import numpy as np
import pytest

from seqlab.io.errors import DataError
from seqlab.tasks.generation.metrics import discriminative_score, repeated_score, sine_data


def test_repetitions_are_the_single_scores_with_consecutive_seeds():
    real, fake = sine_data(80, 8, 4, seed=0), sine_data(80, 8, 4, seed=1)
    r = repeated_score(discriminative_score, real, fake, repetitions=3, seed=5, iterations=20)
    singles = [discriminative_score(real, fake, iterations=20, seed=s) for s in (5, 6, 7)]
    assert r["values"] == pytest.approx(singles, abs=0)
    assert r["mean"] == pytest.approx(np.mean(singles)) and r["std"] == pytest.approx(np.std(singles))


def test_known_answers_separable_is_one_half_same_distribution_is_near_zero():
    real = sine_data(200, 8, 4, seed=0)
    separable = repeated_score(discriminative_score, real, np.zeros_like(real), repetitions=2, iterations=400)
    assert separable["mean"] == 0.5 and separable["std"] == 0.0       # every held-out window classified right
    same = repeated_score(discriminative_score, real, sine_data(200, 8, 4, seed=1), repetitions=2, iterations=400)
    assert same["mean"] < 0.15                                        # 80 held-out windows: chance spread ~0.05


def test_repetitions_must_be_positive():
    with pytest.raises(DataError):
        repeated_score(discriminative_score, None, None, repetitions=0)
