"""Word-level sequence to sequence (issue 17, item 6): a capped vocabulary, an unknown-word token, and a
model that beats the copy-input and most-frequent-target baselines on generated word reversal."""
import json

import numpy as np
import pytest

from seqlab.cli import main
from seqlab.data.pairs import UNK, WordVocab, split_words, word_reversal_pairs
from seqlab.io.errors import ConfigError, DataError
from seqlab.tasks.generation.seq2seq import Seq2Seq, baseline_scores

WORDS = "the a cat dog sat ran on in red big".split()


def _pairs(n, seed):
    """Word sequences of 3-5 words from ten common words and, one time in twenty, a rare word seen once."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        words = list(rng.choice(WORDS, size=rng.integers(3, 6)))
        if rng.random() < 0.05:
            words[0] = f"rare{seed}x{i}"
        out.append((" ".join(words), " ".join(reversed(words))))
    return out


def test_the_vocabulary_is_capped_and_the_rest_is_unknown():
    vocab = WordVocab.from_texts(["the cat sat", "the dog sat", "the end"], max_size=6)
    assert vocab.tokens == ["<pad>", "<s>", "</s>", "<unk>", "the", "sat"] and len(vocab) == 6
    assert vocab.encode("The cat sat!", start=True, end=True) == [1, 4, UNK, 5, UNK, 2]
    assert vocab.unknown_rate(["the cat sat"]) == pytest.approx(1 / 3)
    assert WordVocab.from_dict(json.loads(json.dumps(vocab.to_dict()))).tokens == vocab.tokens
    with pytest.raises(DataError):
        WordVocab.from_texts(["a b"], max_size=4)


def test_word_reversal_pairs_cut_real_text_into_spans_without_overlap():
    text = "One two three four five six seven eight nine ten eleven twelve."
    pairs = word_reversal_pairs([text], min_words=3, max_words=4, seed=0)
    spans = [p[0].split() for p in pairs]
    assert sum(spans, []) == split_words(text)[:sum(map(len, spans))]       # consecutive, in order
    assert all(3 <= len(s) <= 4 for s in spans) and all(p[1].split() == p[0].split()[::-1] for p in pairs)


def test_a_word_model_learns_reversal_and_beats_both_baselines(tmp_path):
    train, test = _pairs(600, seed=0), _pairs(60, seed=1)
    model = Seq2Seq("gru", tokens="word", max_vocab=14, attention="dot", units=32, embedding_dim=16, epochs=12,
                    batch_size=32, learning_rate=1e-2, seed=0).fit(train)
    assert len(model.src_vocab_) == 14                     # the cap: 4 special tokens and 10 words, rare words out
    scores = model.evaluate(test)
    base = baseline_scores(train, test, tokens="word")
    assert scores["exact_match"] >= 0.7, scores
    assert scores["exact_match"] > max(b["exact_match"] for b in base.values()) + 0.5
    assert scores["word_accuracy"] > base["copy input"]["word_accuracy"] + 0.3
    assert 0 < scores["target_unknown_rate"] < 0.05
    assert model.predict(["red cat ZEBRA"])[0].split()[-1] == "red"   # an unknown input word is read, not refused
    model.save(tmp_path / "m")
    loaded = Seq2Seq.load(tmp_path / "m")
    assert loaded.predict([p[0] for p in test[:10]]) == model.predict([p[0] for p in test[:10]])


def test_bad_word_settings_are_refused():
    with pytest.raises(ConfigError):
        Seq2Seq(tokens="letters", epochs=1).fit(_pairs(10, 0))
    with pytest.raises(ConfigError):
        Seq2Seq(tokens="word", max_vocab=3, epochs=1).fit(_pairs(10, 0))
    with pytest.raises(DataError, match="no word"):
        Seq2Seq(tokens="word", epochs=1).fit([("a b", "b a"), ("a", "  ")])


def test_the_command_learns_words_and_reports_the_baselines(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["seq2seq", "train", "--task", "words", "--n", "80", "--max-vocab", "60", "--epochs", "1",
                 "--units", "8", "--embedding-dim", "4", "-q", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["tokens"] == "word" and metrics["vocabulary"]["target"] == 60
    assert set(metrics["baselines"]) == {"copy input", "most frequent target", "nearest training input"}
    assert "word_accuracy" in metrics and metrics["verdict"].split()[0] in ("beats", "ties", "LOSES")
    assert "verdict:" in capsys.readouterr().out


@pytest.mark.parametrize("tokens", ["char", "word"])
def test_nearest_training_input_baseline_matches_a_direct_computation(tokens):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    from seqlab.tasks.generation.seq2seq import nearest_input_targets

    train, test = _pairs(300, seed=0), _pairs(40, seed=1)
    vec = (TfidfVectorizer(analyzer="word", ngram_range=(1, 2), token_pattern=r"(?u)\S+", lowercase=False,
                           sublinear_tf=True) if tokens == "word" else
           TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True))
    known = vec.fit_transform([i for i, _ in train])
    nearest = np.argmax(cosine_similarity(vec.transform([i for i, _ in test]), known), axis=1)
    assert nearest_input_targets(train, [i for i, _ in test], tokens) == [train[j][1] for j in nearest]
    base = baseline_scores(train, test, tokens=tokens)
    expected = [train[j][1] for j in nearest]
    assert base["nearest training input"]["exact_match"] == pytest.approx(
        np.mean([split_words(p) == split_words(t) if tokens == "word" else p == t
                 for p, (_, t) in zip(expected, test)]))
