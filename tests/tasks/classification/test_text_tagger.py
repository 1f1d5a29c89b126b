"""TextTagger on generated sentences whose test entities never occur in training; BIO span scoring."""
import numpy as np
import pytest

from seqlab import datasets, load
from seqlab.data.spans import bio_spans, span_scores
from seqlab.io.errors import DataError
from seqlab.tasks.classification.text_tagger import TextTagger

TEMPLATES = ["{PER} met {PER} in {LOC} .", "{PER} works for {ORG} in {LOC} .", "yesterday {PER} visited {LOC} .",
             "the {ORG} office in {LOC} hired {PER} .", "{PER} and {PER} left {ORG} last year .",
             "we flew from {LOC} to {LOC} with {PER} ."]
CITIES = ["Paris", "Lagos", "Lima", "Oslo", "Kyoto", "Quito", "Dakar", "Perth", "Hanoi", "Tunis", "Riga", "Sofia",
          "Accra", "Cusco", "Izmir", "Turin"]
COMPANIES = [["Acme", "Corp"], ["Globex"], ["Initech"], ["Umbrella", "Group"], ["Hooli"], ["Vandelay", "Industries"],
             ["Wayne", "Enterprises"], ["Stark", "Labs"]]


def sentences(n, names, cities, companies, seed):
    rng = np.random.default_rng(seed)
    X, Y = [], []
    for _ in range(n):
        tokens, tags = [], []
        for part in TEMPLATES[rng.integers(len(TEMPLATES))].split():
            if part in ("{PER}", "{LOC}", "{ORG}"):
                kind = part[1:4]
                pick = {"PER": lambda: [names[rng.integers(len(names))].capitalize()],
                        "LOC": lambda: [cities[rng.integers(len(cities))]],
                        "ORG": lambda: companies[rng.integers(len(companies))]}
                words = pick[kind]()
                tokens += words
                tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(words) - 1)
            else:
                tokens.append(part)
                tags.append("O")
        X.append(tokens)
        Y.append(tags)
    return X, Y


def test_bio_spans_read_conll_style():
    assert bio_spans(["I-LOC", "I-LOC", "B-LOC", "O", "I-PER"]) == [("LOC", 0, 2), ("LOC", 2, 3), ("PER", 4, 5)]
    scores = span_scores([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-PER"]])
    assert (scores["precision"], scores["recall"]) == (0.5, 0.5)
    with pytest.raises(DataError, match="BIO"):
        bio_spans(["PER"])


def test_unseen_entities_are_found_from_context_better_than_the_baseline(tmp_path):
    names = datasets.load("names")["name"].tolist()
    X, Y = sentences(600, names[:2000], CITIES[:8], COMPANIES[:4], seed=0)
    Xt, Yt = sentences(200, names[2000:4000], CITIES[8:], COMPANIES[4:], seed=1)
    tagger = TextTagger(units=32, embedding_dim=32, epochs=6, seed=0).fit(X, Y)
    scores = tagger.evaluate(Xt, Yt)
    assert scores["beats_baseline"] and scores["f1"] > 0.7 and scores["baseline"]["f1"] < 0.5   # measured 0.78
    tagger.save(tmp_path / "tagger")
    assert load(tmp_path / "tagger").predict(Xt[:10]) == tagger.predict(Xt[:10])


def test_a_tag_count_that_does_not_match_is_refused():
    with pytest.raises(DataError, match="one tag per token"):
        TextTagger(epochs=1).fit([["a", "b"]], [["O"]])
