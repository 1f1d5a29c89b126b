"""Paired tests of a classifier against its baseline on the same test examples."""
import numpy as np
import pytest


def test_mcnemar_is_the_exact_binomial_test_of_the_discordant_pairs():
    """Against the textbook formula: p = min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2)."""
    import math

    from seqlab.tasks.classification.metrics import mcnemar

    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b", "c"], 200)
    model = np.where(rng.random(200) < 0.85, y, "a")
    baseline = np.where(rng.random(200) < 0.75, y, "b")
    r = mcnemar(y, model, baseline)
    b, c = int(np.sum((model == y) & (baseline != y))), int(np.sum((model != y) & (baseline == y)))
    expected = min(1.0, 2 * sum(math.comb(b + c, k) for k in range(min(b, c) + 1)) / 2 ** (b + c))
    assert (r["model_only"], r["baseline_only"], r["examples"]) == (b, c, 200)
    assert r["p_value"] == pytest.approx(expected)
    assert mcnemar(y, model, model)["p_value"] == 1.0          # no example told them apart
