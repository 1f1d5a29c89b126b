"""Acceptance 1: seed 000's SimpleRNN next-number example runs as written and predicts 10 +- 1."""
import numpy as np
import pytest

import seqlab
from seqlab.layers import Dense, SimpleRNN


def test_seed000_simple_rnn_predicts_the_next_number(tmp_path):
    # seed 000, "A Simple Example of RNN", line for line (plus seed= for a repeatable test)
    X = np.array([[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7], [4, 5, 6, 7, 8]])
    y = np.array([6, 7, 8, 9])
    X = X.reshape((X.shape[0], X.shape[1], 1))
    model = seqlab.Sequential([SimpleRNN(50), Dense(1)], input_shape=(5, 1), seed=0)
    model.compile(optimizer="adam", loss="mean_squared_error")
    history = model.fit(X, y, epochs=1000, verbose=0)
    assert model.count_params() == 2651
    test_input = np.array([5, 6, 7, 8, 9]).reshape((1, 5, 1))
    predicted = model.predict(test_input, verbose=0)
    assert predicted.shape == (1, 1)
    assert predicted.flatten()[0] == pytest.approx(10.0, abs=1.0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]
    model.save(tmp_path / "next_number")                       # and the saved model predicts the same
    np.testing.assert_array_equal(seqlab.load(tmp_path / "next_number").predict(test_input, verbose=0), predicted)


def test_evaluate_and_batch_methods_on_a_sequential_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4, 2)).astype(np.float32)
    y = x.sum((1, 2))[:, None]
    model = seqlab.Sequential([SimpleRNN(8), Dense(1)], input_shape=(4, 2), seed=0)
    model.compile(optimizer="adam", loss="mse", metrics=["mae", "rmse"], learning_rate=0.01)
    before = model.evaluate(x, y)
    for _ in range(20):
        model.train_on_batch(x, y)
    after = model.test_on_batch(x, y)
    assert after["loss"] < before["loss"] and after["rmse"] == pytest.approx(np.sqrt(after["loss"]), rel=1e-5)
    assert np.allclose(model.predict_on_batch(x), model.predict(x), atol=1e-6)


def test_compile_takes_the_old_lr_spelling_with_a_warning():
    import pytest

    import seqlab
    from seqlab import layers

    model = seqlab.Sequential([layers.Dense(1)], input_shape=(2,), seed=0)
    with pytest.warns(DeprecationWarning, match="learning_rate"):
        model.compile(optimizer="sgd", loss="mse", lr=0.5)
    again = seqlab.Sequential([layers.Dense(1)], input_shape=(2,), seed=0)
    again.compile(optimizer="sgd", loss="mse", learning_rate=0.5)
    assert model.trainer.lr == again.trainer.lr == 0.5
