"""``seed=`` makes building and training repeatable without touching torch's global RNG (issue 12,
point 6): weights from a ``torch.Generator``, training noise from the trainer's own stream."""
import numpy as np
import torch

import seqlab
from seqlab.layers import GRU, LSTM, Bidirectional, Dense, Dropout, Embedding, TransformerEncoder
from seqlab.train import Trainer

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 5, 2)).astype(np.float32)
Y = rng.normal(size=(40, 1)).astype(np.float32)


def layers():
    return [Bidirectional(LSTM(4, return_sequences=True)), TransformerEncoder(8, num_heads=2), Dropout(0.3),
            GRU(3, dropout=0.2), Dense(1)]


def same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_same_seed_gives_identical_initial_weights_built_at_once_on_add_or_on_the_first_batch():
    eager = seqlab.Sequential(layers(), input_shape=(5, 2), seed=4)
    again = seqlab.Sequential(layers(), input_shape=(5, 2), seed=4)
    added = seqlab.Sequential(input_shape=(5, 2), seed=4)
    for layer in layers():
        added.add(layer)
    lazy, lazy_again = seqlab.Sequential(layers(), seed=4), seqlab.Sequential(layers(), seed=4)
    lazy.predict(X[:1])
    lazy_again.predict(X[:1])
    assert same(eager.get_weights(), again.get_weights())
    assert same(lazy.get_weights(), lazy_again.get_weights())
    assert same(eager.get_weights(), lazy.get_weights()) and same(eager.get_weights(), added.get_weights())
    assert not same(eager.get_weights(), seqlab.Sequential(layers(), input_shape=(5, 2), seed=5).get_weights())


def test_the_seed_covers_a_first_layer_given_its_own_input_shape():
    first = seqlab.Sequential([Embedding(20, 3, input_length=5), LSTM(2)], seed=1)
    model = seqlab.Sequential([Embedding(20, 3), LSTM(2)], input_shape=(5,), seed=1)
    assert same(first.get_weights(), model.get_weights())


def test_building_and_fitting_a_sequential_leave_torch_global_rng_unchanged():
    before = torch.random.get_rng_state()
    for model in (seqlab.Sequential(layers(), input_shape=(5, 2), seed=0), seqlab.Sequential(layers(), seed=0)):
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, Y, epochs=2, batch_size=8, validation_split=0.25, verbose=0)
        model.train_on_batch(X[:8], Y[:8])
        model.predict(X)
    assert torch.equal(torch.random.get_rng_state(), before)


def test_two_fits_with_the_same_seed_give_identical_weights():
    def fitted():
        model = seqlab.Sequential(layers(), input_shape=(5, 2), seed=3)
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, Y, epochs=2, batch_size=8, verbose=0)
        return model.get_weights()

    torch.manual_seed(100)
    a = fitted()
    torch.manual_seed(200)  # the caller's RNG state plays no part
    assert same(a, fitted())


def test_fitting_twice_continues_one_noise_stream():
    """Dropout noise continues from one fit to the next (like one longer fit), not restarting at the seed."""
    def model():
        m = seqlab.Sequential(layers(), input_shape=(5, 2), seed=3)
        m.compile(optimizer="adam", loss="mse")
        return m

    once, twice = model(), model()
    once.fit(X, Y, epochs=2, batch_size=8, verbose=0)
    twice.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    twice.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert same(once.get_weights(), twice.get_weights())


def test_a_seeded_trainer_leaves_the_callers_rng_alone_and_repeats_itself():
    def run():
        torch.manual_seed(0)  # the plain PyTorch user's own initialisation
        net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(10, 8), torch.nn.Dropout(0.5),
                                  torch.nn.Linear(8, 1))
        before = torch.random.get_rng_state()
        Trainer(net, loss="mse", metrics=(), seed=9).fit(X, Y, epochs=2, batch_size=8, verbose=0)
        assert torch.equal(torch.random.get_rng_state(), before)
        return [p.detach().numpy().copy() for p in net.parameters()]

    assert same(run(), run())


def test_an_unseeded_trainer_draws_its_noise_from_torch_global_rng():
    net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Dropout(0.5), torch.nn.Linear(10, 1))
    before = torch.random.get_rng_state()
    Trainer(net, loss="mse", metrics=(), seed=None).fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert not torch.equal(torch.random.get_rng_state(), before)
