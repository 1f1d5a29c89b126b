
import numpy as np
import pytest
import torch
from support import SHARED_DATA

import seqlab
from seqlab.inspect.activations import correlated_units, pattern_signal
from seqlab.tasks.generation.generator import CharGenerator, read_text, split_items

NAMES = SHARED_DATA / "names/names.txt"


@pytest.fixture(scope="module")
def names():
    return NAMES.read_text().splitlines()[:400]


@pytest.fixture(scope="module")
def lstm_gen(names):
    return CharGenerator(model="lstm", steps=30, n_embd=8, units=16, batch_size=32, seed=0).fit(names)


def test_split_is_makemores(names):
    # makemore: torch.manual_seed(3407); rp = torch.randperm(n); test = the last min(1000, 10%)
    words = NAMES.read_text().splitlines()
    torch.manual_seed(3407)
    rp = torch.randperm(len(words)).tolist()
    train, test = split_items(words)
    assert len(test) == 1000 and len(train) == len(words) - 1000
    assert test == [words[i] for i in rp[-1000:]]


def test_prefix_samples_start_with_prefix_and_seed_repeats(lstm_gen):
    a = lstm_gen.sample(n=8, prefix="al", seed=5)
    assert len(a) == 8 and all(s.startswith("al") for s in a)
    assert lstm_gen.sample(n=8, prefix="al", seed=5) == a
    assert lstm_gen.sample(n=8, prefix="al", seed=6) != a


def test_held_out_loss_is_nats_per_character(lstm_gen):
    # recompute by hand: every held-out character and each end-of-name counts once
    _, test = split_items(NAMES.read_text().splitlines()[:400])
    model, stoi = lstm_gen.model_, lstm_gen.stoi_
    total, count = 0.0, 0
    with torch.no_grad():
        for w in test:
            ids = [0] + [stoi[c] for c in w] + [0]
            logp = model(torch.tensor([ids[:-1]]))[0].log_softmax(-1)
            total -= float(logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].sum())
            count += len(ids) - 1
    assert abs(lstm_gen.test_loss_ - total / count) < 1e-4
    assert abs(lstm_gen.evaluate()["loss"] - total / count) < 1e-4


def test_capitalised_prefix_works_on_a_lowercase_vocabulary(lstm_gen):
    out = lstm_gen.sample(n=6, prefix="Al", seed=5)
    assert all(s.startswith("Al") for s in out)
    assert [s.lower() for s in out] == lstm_gen.sample(n=6, prefix="al", seed=5)


def test_bad_sampling_requests_are_seqlab_errors(lstm_gen):
    with pytest.raises(seqlab.SeqlabError, match="vocabulary"):
        lstm_gen.sample(prefix="Zoë")          # no digits or accents in names.txt
    with pytest.raises(seqlab.SeqlabError, match="temperature"):
        lstm_gen.sample(temperature=0)
    with pytest.raises(seqlab.SeqlabError, match="top_p"):
        lstm_gen.sample(top_p=1.5)
    with pytest.raises(seqlab.SeqlabError, match="not fitted"):
        CharGenerator().sample()


def test_save_and_load_keep_samples_and_loss(lstm_gen, tmp_path):
    lstm_gen.save(tmp_path / "m")
    back = CharGenerator.load(tmp_path / "m")
    assert back.sample(n=5, prefix="m", seed=2) == lstm_gen.sample(n=5, prefix="m", seed=2)
    assert back.test_loss_ == pytest.approx(lstm_gen.test_loss_)
    assert back.novelty(["emma", "zzzq"])["new"] == lstm_gen.novelty(["emma", "zzzq"])["new"]


def test_novelty_counts_samples_not_in_training(lstm_gen):
    seen = lstm_gen.train_text_[0]
    assert lstm_gen.novelty([seen, "qqqqxq"]) == {"n": 2, "new": 1, "fraction_new": 0.5}


def test_lstm_activation_is_tanh_of_the_cell_state(lstm_gen):
    text = "anna\nbob"
    got = lstm_gen.activations(text)
    layer = lstm_gen.model_.recurrent[-1]
    kernel, recurrent, bias = layer.get_weights()
    ref = torch.nn.LSTMCell(kernel.shape[0], recurrent.shape[0])   # same gate order i, f, g, o
    with torch.no_grad():
        ref.weight_ih.copy_(torch.tensor(kernel.T))
        ref.weight_hh.copy_(torch.tensor(recurrent.T))
        ref.bias_ih.copy_(torch.tensor(bias))
        ref.bias_hh.zero_()
        ids = torch.tensor([[0] + [lstm_gen.stoi_[c] for c in text]])
        x = lstm_gen.model_.embedding(ids)[0]
        h = c = torch.zeros(1, recurrent.shape[0])
        want = []
        for t in range(x.shape[0]):
            h, c = ref(x[t:t + 1], (h, c))
            want.append(torch.tanh(c)[0].numpy())
    assert got.shape == (len(text), recurrent.shape[0])
    np.testing.assert_allclose(got, np.array(want[1:]), atol=1e-5)


def test_correlated_units_match_numpy_corrcoef():
    rng = np.random.default_rng(0)
    text = 'he said "hi there" and "bye" then left'
    signal = pattern_signal(text, "quotes")
    acts = rng.normal(size=(len(text), 6))
    acts[:, 4] = signal + 0.1 * rng.normal(size=len(text))
    ranked = correlated_units(acts, signal, top=6)
    want = [np.corrcoef(acts[:, u], signal)[0, 1] for u in range(6)]
    assert ranked[0][0] == 4
    for unit, r in ranked:
        assert r == pytest.approx(want[unit])


def test_pattern_position_runs_from_zero_along_each_line():
    np.testing.assert_allclose(pattern_signal("abcd\nef", "position"), [0, .25, .5, .75, 0, 0, .5])


def test_activations_need_a_recurrent_model(names):
    gen = CharGenerator(model="bigram", steps=2).fit(names)
    with pytest.raises(seqlab.SeqlabError, match="rnn, lstm or gru"):
        gen.activations("anna")


def test_running_text_model_continues_a_prefix():
    text = "the cat sat on the mat. " * 40
    gen = CharGenerator(model="gru", lines=False, steps=20, units=16, n_embd=8, block_size=16).fit(text)
    out = gen.sample(n=2, prefix="the ", max_length=30, seed=0)
    assert all(s.startswith("the ") and len(s) == 30 for s in out)
    assert np.isfinite(gen.test_loss_)


@pytest.mark.parametrize("content,match", [(b"", "empty"), (b"  \n\n", "empty"), (b"ab\x00\x01cd", "binary"),
                                           (b"\xff\xfe\xfa", "UTF-16")])
def test_unreadable_text_files_are_data_errors(tmp_path, content, match):
    path = tmp_path / "t.txt"
    path.write_bytes(content)
    with pytest.raises(seqlab.SeqlabError, match=match):
        read_text(path)


def test_steps_and_epochs_are_exclusive(names):
    with pytest.raises(seqlab.SeqlabError, match="steps or epochs"):
        CharGenerator(steps=3, epochs=1).fit(names)
