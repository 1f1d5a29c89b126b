"""Seed 004's many-to-one sentiment model: Embedding + Dropout + 2 x LSTM + Dense(6, softmax).

First the model exactly as in the seed (vocab 5000, embedding_dim 64) and its summary, which
must total 386,438 parameters. No six-class sentiment corpus is bundled, so the same
architecture (``TextClassifier(encoder="stacked_lstm")``: Embedding with masked padding,
Dropout, LSTM(return_sequences) + LSTM, softmax head) is then trained on the bundled SMS spam
texts (2 classes; duplicates removed, stratified 80/20 split) and scored against always-ham.

    python examples/seeds/sentiment_stacked_lstm.py [--epochs 8]
"""
from __future__ import annotations

import argparse

import numpy as np

import seqlab
from seqlab import datasets, layers
from seqlab.data.formats import LabeledTexts
from seqlab.tasks import TextClassifier

vocab_size, embedding_dim = 5000, 64


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)

    model = seqlab.Sequential()
    model.add(layers.Embedding(vocab_size, embedding_dim))
    model.add(layers.Dropout(0.5))
    model.add(layers.LSTM(embedding_dim, return_sequences=True))
    model.add(layers.LSTM(embedding_dim))
    model.add(layers.Dense(6, activation="softmax"))
    print(model.summary())                       # Total params: 386,438 (seed 004)

    from seqlab.cli.classify import split_data

    df = datasets.load("sms-spam")
    train, test, split, _ = split_data(LabeledTexts(df["text"].tolist(), df["label"].to_numpy(dtype=object)),
                                       0.2, args.seed, dedupe=True)
    clf = TextClassifier(encoder="stacked_lstm", num_words=vocab_size, embedding_dim=embedding_dim,
                         units=embedding_dim, dropout=0.5, epochs=args.epochs, seed=args.seed)
    m = clf.fit(train).evaluate(test.texts, test.y)
    always_ham = float(np.mean(test.y == "ham"))
    print(f"SMS spam ({split['n_train']} train / {split['n_test']} test): accuracy {m['accuracy']:.4f}, "
          f"spam F1 {m['per_class']['spam']['f1']:.4f}; always-ham {always_ham:.4f}")
    return m


if __name__ == "__main__":
    main()
