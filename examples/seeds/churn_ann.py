"""Seed 003's churn ANN on the bundled Churn_Modelling.csv.

Columns 3..-2 are the features (CreditScore .. EstimatedSalary), Exited is the target; Gender is
label-encoded, Geography one-hot encoded, everything standardised on the training rows; the
network is Dense(6, relu), Dense(6, relu), Dense(1, sigmoid), Adam, binary cross-entropy,
batch 32, 100 epochs; the split is test_size=0.2, random_state=0.

    python examples/seeds/churn_ann.py            # the seed's 100 epochs
    python examples/seeds/churn_ann.py --save runs/churn-ann
"""
from __future__ import annotations

import argparse

from sklearn.model_selection import train_test_split

import seqlab.datasets
from seqlab.tasks.tabular import TabularClassifier


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--rows", type=int, help="use only the first ROWS rows (quick runs)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save", help="model directory to write")
    args = p.parse_args(argv)
    dataset = seqlab.datasets.load("churn-modelling")
    if args.rows:
        dataset = dataset.iloc[:args.rows]
    X, y = dataset.iloc[:, 3:-1], dataset.iloc[:, -1]
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
    ann = TabularClassifier(units=(6, 6), epochs=args.epochs, batch_size=32, seed=args.seed)
    ann.fit(X_train, y_train)
    print(ann.model_.summary())
    metrics = ann.evaluate(X_test, y_test)
    print(" ".join(f"{k}={metrics[k]:.4f}" for k in ("accuracy", "precision", "recall", "auc", "mae")))
    print("confusion matrix (rows true 0/1):", metrics["confusion_matrix"])
    if args.save:
        print("saved to", ann.save(args.save))
    return metrics


if __name__ == "__main__":
    main()
