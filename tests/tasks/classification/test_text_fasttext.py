"""TextClassifier(encoder="fasttext") and TextClassifier(shapes=True): the net is the mean of the
bag's embedding rows into a linear head (checked with NumPy), padding changes nothing, save/load."""
from dataclasses import replace

import numpy as np
import pytest
import torch

from seqlab.data.ngrams import ngram_bag
from seqlab.tasks import Task, TextClassifier


def _texts(n=40):
    spam = ["WIN cash prize now call 09061701461", "free prize! claim now txt 87066", "£1000 cash winner call"]
    ham = ["see you at lunch", "are we meeting today", "call me when home"]
    texts = [spam[i % 3] if i % 2 else ham[i % 3] for i in range(n)]
    return texts, ["spam" if i % 2 else "ham" for i in range(n)]


def test_fasttext_is_a_linear_head_on_the_mean_of_word_and_ngram_vectors(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="fasttext", shapes=True, buckets=97, char_ngrams=(2, 3), embedding_dim=8,
                         epochs=15, batch_size=8, learning_rate=0.02, dropout=0.0, seed=0).fit(texts, y)
    assert clf.evaluate(texts, y)["accuracy"] == 1.0
    text = "call 08000930705 now!"
    tok = clf.tokenizer_
    words, ids = tok.texts_to_words([text])[0], tok.texts_to_sequences([text])[0]
    bag = ngram_bag(words, ids, tok.vocab_size, 97, (2, 3))
    table = clf.model_.embedding.get_weights()[0]
    kernel, bias = clf.model_.head.get_weights()
    logits = table[bag].mean(axis=0) @ kernel + bias
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(clf.predict_proba([text])[0], expected, rtol=1e-5, atol=1e-6)
    alone = clf.predict_proba([text])
    np.testing.assert_allclose(alone, clf.predict_proba([text, "see you at lunch " * 9])[:1], rtol=1e-5, atol=1e-6)
    clf.save(tmp_path / "ft")
    loaded = Task.load(tmp_path / "ft")
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)
    assert loaded.tokenizer_.shapes and loaded.bag_["char_ngrams"] == [2, 3]


def test_shapes_tokenizer_saves_with_a_recurrent_classifier(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="bilstm", pooling="max", shapes=True, units=4, embedding_dim=4, epochs=2,
                         batch_size=8, seed=0).fit(texts, y)
    assert "<num11>" in clf.tokenizer_.word_index and "<caps>" in clf.tokenizer_.word_index
    clf.save(tmp_path / "b")
    loaded = Task.load(tmp_path / "b")
    probe = ["WIN now call 07700900123", "lunch?"]
    np.testing.assert_allclose(loaded.predict_proba(probe), clf.predict_proba(probe), rtol=1e-6)
    with torch.no_grad():
        ids = torch.as_tensor(loaded._inputs(probe[:1]))
        padded = torch.cat([ids, torch.zeros(1, 7, dtype=ids.dtype)], dim=1)
        torch.testing.assert_close(loaded.model_(padded), loaded.model_(ids))


def test_bilstm_plus_fasttext_averages_two_members_that_share_the_bag_input(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="bilstm+fasttext", pooling="max", buckets=53, char_ngrams=(3, 3), units=4,
                         embedding_dim=8, epochs=10, batch_size=8, learning_rate=0.02, seed=0).fit(texts, y)
    assert clf.evaluate(texts, y)["accuracy"] == 1.0
    lstm, bag = clf.model_.members
    assert (lstm.config.encoder, bag.config.encoder) == ("bilstm", "fasttext")
    words = clf.tokenizer_.vocab_size
    assert lstm.config.words == words and bag.config.vocab_size == words + 53
    x = torch.as_tensor(clf._inputs(["free prize! call 09061701461", "lunch?"]))
    with torch.no_grad():  # the word member reads the word ids at the front of the bag and nothing else
        only_words = torch.where(x < words, x, torch.zeros_like(x))
        torch.testing.assert_close(lstm(x), lstm(only_words))
        mean = (torch.softmax(lstm(x), -1) + torch.softmax(bag(x), -1)) / 2
        torch.testing.assert_close(torch.softmax(clf.model_(x), -1), mean)
    probe = ["free prize! call 09061701461", "see you at lunch " * 9]
    np.testing.assert_allclose(clf.predict_proba(probe[:1]), clf.predict_proba(probe)[:1], rtol=1e-5, atol=1e-6)
    clf.save(tmp_path / "blend")
    np.testing.assert_allclose(Task.load(tmp_path / "blend").predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


def test_a_blend_with_ensemble_two_trains_each_member_twice_with_its_own_seed(tmp_path):
    texts, y = _texts()
    clf = TextClassifier(encoder="bag_of_embeddings+fasttext", buckets=53, char_ngrams=(3, 3), units=4,
                         embedding_dim=8, epochs=2, batch_size=8, seed=0, ensemble=2).fit(texts, y)
    members = clf.model_.members
    assert [m.config.encoder for m in members] == ["bag_of_embeddings", "fasttext"] * 2
    first, second = members[0].state_dict(), members[2].state_dict()  # seeds 0 and 2: different starts
    assert any(not torch.equal(first[k], second[k]) for k in first)
    clf.save(tmp_path / "ens")
    np.testing.assert_allclose(Task.load(tmp_path / "ens").predict_proba(texts), clf.predict_proba(texts), rtol=1e-6)


def test_refit_trains_again_on_train_and_validation_for_the_best_epoch_count():
    texts, y = _texts(24)
    kw = dict(encoder="bag_of_embeddings", units=4, embedding_dim=4, batch_size=8, learning_rate=0.05, seed=3)
    clf = TextClassifier(epochs=6, patience=6, refit=True, **kw).fit(texts, y, validation_data=(texts, y))
    best = int(np.argmin(clf.history_["val_loss"])) + 1
    assert clf.refit_epochs_ == [best] and len(clf.history_["loss"]) == 6
    # the same net trained directly on both parts (a doubled corpus keeps the vocabulary's order)
    direct = TextClassifier(epochs=best, **kw).fit(texts + texts, y + y)
    np.testing.assert_allclose(clf.predict_proba(texts), direct.predict_proba(texts), rtol=1e-5, atol=1e-6)


def test_the_default_refits_on_every_text_only_when_the_budget_held_out_its_own_share(monkeypatch):
    from seqlab.train import budget

    monkeypatch.setattr(budget, "DEFAULT_RULE", replace(budget.DEFAULT_RULE, min_steps=4, patience=2,
                                                         max_epochs=4))
    texts, y = _texts(500)                    # from 500 texts the adaptive budget holds out 20%
    kw = dict(encoder="bag_of_embeddings", units=4, embedding_dim=4, batch_size=64, seed=0)
    clf = TextClassifier(**kw).fit(texts, y)
    best = clf.refit_epochs_[0]
    assert clf.training_["refit_epochs"] == best and clf.training_["refit_examples"] == 500
    assert "trained again from the same start on all 500 examples" in budget.describe(clf.training_)
    assert TextClassifier(refit=False, **kw).fit(texts, y).refit_epochs_ == []
    # under a time budget the net and its refit share it (each net had been given all of it, and no refit ran)
    from seqlab.tasks.classification import classifier as module

    shares, real = [], module.budget_callback
    monkeypatch.setattr(module, "budget_callback",
                        lambda *a, **k: (shares.append(k["time_budget"]), real(*a, **k))[1])
    budgeted = TextClassifier(time_budget="1h", **kw).fit(texts, y)
    assert budgeted.refit_epochs_ == [best]
    assert len(shares) == 2 and shares[0] == pytest.approx(1800, abs=60) and shares[1] > shares[0]
    assert budgeted.training_["time_budget"] == 3600   # the report names the budget given, not the refit's share
    assert TextClassifier(**kw).fit(texts[:400], y[:400], validation_data=(texts[400:], y[400:])).refit_epochs_ == []
