"""Test accuracy and F1 of seqlab's classifiers on the bundled sets, beside baselines measured in
the same run and the published figures.

    OMP_NUM_THREADS=1 python benchmarks/classify_accuracy.py            # all sets (~10-15 min, 1 core)
    OMP_NUM_THREADS=1 python benchmarks/classify_accuracy.py gunpoint   # one set
    OMP_NUM_THREADS=1 python benchmarks/classify_accuracy.py sms-spam --seeds 0,1,2   # chosen model per seed
    OMP_NUM_THREADS=1 python benchmarks/classify_accuracy.py sms-spam --text-model bilstm-max-ens3

- SMS spam: exact duplicate texts (403) removed, then a stratified 80/20 split (seed 0).
  Baselines: always-ham, and TF-IDF + logistic regression from scikit-learn (published: 0.9888 /
  spam F1 0.954). Target: accuracy >= 0.985 and spam F1 >= 0.95. Runs marked "early stop" hold
  out a stratified 15% of the training split (seed 0) as validation: training stops when its
  loss has not improved for 3 epochs and the best weights are kept. The test split is used for
  nothing but the printed scores. The chosen model (``--text-model``, default a BiLSTM with
  max-over-time pooling beside a fastText net, shapes tokenizer, 3 seeds averaged) is repeated for every training
  seed of ``--seeds`` (default 0-4); each seed prints its validation and test scores, then the
  count of seeds meeting the target.
  Alternatives, compared on the validation part only: ``textcnn`` (Kim 2014), ``bilstm-max-mean``
  (max and mean pooling concatenated), ``bilstm-max-ens3`` (3 nets with seeds s, s+1, s+2,
  probabilities averaged: 3x the training and prediction time).
  Measured (seeds 0-4, validation acc mean / test seeds meeting the target): bilstm-max 0.9900 /
  2 of 5; textcnn 0.9881 / 1; bilstm-max-mean 0.9881 / 2; bilstm-max-ens3 0.9897 / 2.
  Second round (validation acc / spam F1 / log-loss, means over seeds 0-4; trained on the other
  85%): bilstm-max 0.9900 / 0.9602 / 0.0324; bilstm-max with ``shapes=True`` (number shapes,
  ``<url>``, ``£ ! <caps>`` tokens) 0.9871 / 0.9488 / 0.0322; ``fasttext`` (words + word bigrams
  + character 2-5-grams, all words, lr 0.003, no dropout) 0.9903 / 0.9605 / 0.0344, with shapes
  0.9897 / 0.9575 / 0.0326; ``fasttext`` as run here (16384 buckets, lr 0.005, dropout 0.2)
  0.9894 / 0.9568 / 0.0359; bag_of_embeddings 0.9842 / 0.9371 / 0.0566, with shapes 0.9855 /
  0.9418 / 0.0471; ``bilstm-max+fasttext`` (the two nets' probabilities averaged) 0.9903 /
  0.9611 / 0.0285; ``bilstm-max+fasttext-shapes`` 0.9926 / 0.9697 / 0.0292 (min 0.9919 /
  0.9669): the best, so it is the default here. ``refit=True`` (train again on train +
  validation for the best epoch count), checked by a nested split of the 85% part and scored on
  the 15%: 0.9903 / 0.9604 / 0.0318 against 0.9919 / 0.9671 / 0.0340 without: not taken.
  ``bag_shapes=True`` (Keras words for both nets, shape words hashed into the fastText bag):
  0.9900 / 0.9598 / 0.0278: not taken.
  Test, bilstm-max+fasttext-shapes, seeds 0-4: acc .9874 .9884 .9874 .9865 .9865, spam F1
  .9486 .9531 .9494 .9457 .9457 (mean .9872 / .9485; bilstm-max: .9867 / .9460, min F1 .9339):
  accuracy >= 0.985 on every seed, F1 >= 0.95 on 1 of 5; the TF-IDF + LR baseline of the same
  run scores 0.9845 / 0.9360 on this split.
  Third round: ``bilstm-max+fasttext-shapes-ens3`` (the blend trained 3 times with seeds s, s+1,
  s+2; 6 nets, probabilities averaged) scores validation acc 0.9936 / spam F1 0.9737 on every
  seed, above the single blend's 0.9926 / 0.9697, so it is the default now (chosen by those
  validation scores; the same run printed the test figures beside them). Its test figures,
  seeds 0-4: acc .9884 .9884 .9874 .9884 .9884, spam F1 .9531 .9531 .9494 .9531 .9531 (mean
  .9882 / .9524): the target is met by the mean over seeds and by 4 of 5 seeds; seed 2 misses
  F1 0.95 by one message. 106 s per seed on one core.
- GunPoint, ItalyPowerDemand (UCR) and BasicMotions (UEA): the archive's own train/test split.
  Baselines: majority class and 1-NN Euclidean. Published best deep model (Fawaz et al. 2019,
  FCN/ResNet; InceptionTime; LSTM-FCN): GunPoint 100, ItalyPowerDemand 96.5. Target: best seqlab
  encoder within 2 points; BasicMotions >= 0.95.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from seqlab import datasets
from seqlab.data.formats import LabeledTexts, read_labeled
from seqlab.tasks.classification.classifier import SequenceClassifier
from seqlab.tasks.classification.metrics import majority_baseline
from seqlab.tasks.classification.text_classifier import TextClassifier

PUBLISHED = {"sms-spam": "TF-IDF+LR 0.9888 / spam F1 0.954 (issue)", "gunpoint": "best deep 1.000 (FCN/ResNet)",
             "italy-power-demand": "best deep 0.965 (Fawaz et al.)", "basic-motions": "target >= 0.95"}
TARGET = {"gunpoint": 0.98, "italy-power-demand": 0.945, "basic-motions": 0.95}

SERIES_RUNS = {  # encoder -> settings (kept small enough for 2 shared cores)
    "gunpoint": [("cnn1d", dict(epochs=60, filters=(64, 128, 64))), ("cnn_lstm", dict(epochs=60)),
                 ("lstm", dict(epochs=60)), ("transformer", dict(epochs=60, units=32, num_layers=1)),
                 ("mlp", dict(epochs=200, units=128))],
    "italy-power-demand": [("cnn1d", dict(epochs=100, filters=(64, 128, 64))), ("cnn_lstm", dict(epochs=100)),
                           ("lstm", dict(epochs=100)), ("gru", dict(epochs=100)),
                           ("transformer", dict(epochs=100, units=32, num_layers=1)),
                           ("mlp", dict(epochs=300, units=128))],
    "basic-motions": [("cnn1d", dict(epochs=60, filters=(64, 128, 64))), ("lstm", dict(epochs=60)),
                      ("bilstm", dict(epochs=60)), ("transformer", dict(epochs=60, units=32, num_layers=1))],
}
TEXT_RUNS = [("lstm", dict(epochs=8)), ("lstm", dict(epochs=8, class_weight="balanced")), ("cnn1d", dict(epochs=8)),
             ("bag_of_embeddings", dict(epochs=15)), ("lstm", dict(epochs=20, pooling="max", early_stop=True))]
TEXT_MODELS = {  # repeated over --seeds; --text-model picks one (chosen on the validation part, never on test)
    "bilstm-max": ("bilstm", dict(epochs=20, pooling="max", early_stop=True)),
    "bilstm-max-mean": ("bilstm", dict(epochs=20, pooling="max_mean", early_stop=True)),
    "textcnn": ("textcnn", dict(epochs=20, units=100, dropout=0.5, early_stop=True)),  # Kim 2014: 3,4,5 x 100
    "bilstm-max-ens3": ("bilstm", dict(epochs=20, pooling="max", ensemble=3, early_stop=True)),
    "fasttext": ("fasttext", dict(epochs=20, buckets=16384, early_stop=True)),  # words + bigrams + char 2-5-grams
    "fasttext-shapes": ("fasttext", dict(epochs=20, buckets=16384, shapes=True, early_stop=True)),
    "bilstm-max+fasttext": ("bilstm+fasttext", dict(epochs=20, pooling="max", buckets=16384, early_stop=True)),
    "bilstm-max+fasttext-shapes": ("bilstm+fasttext", dict(epochs=20, pooling="max", buckets=16384, shapes=True,
                                                           early_stop=True)),
    "bilstm-max+fasttext-shapes-ens3": ("bilstm+fasttext", dict(epochs=20, pooling="max", buckets=16384, shapes=True,
                                                                ensemble=3, early_stop=True)),
    "bilstm-max+fasttext-shapes-refit": ("bilstm+fasttext", dict(epochs=20, pooling="max", buckets=16384, shapes=True,
                                                                 early_stop=True, refit=True)),
}
BEST_TEXT = "bilstm-max+fasttext-shapes-ens3"


def row(name, acc, f1, seconds=None, note=""):
    t = f"{seconds:7.1f}s" if seconds is not None else "        "
    print(f"  {name:<28} acc {acc:.4f}   F1 {f1:.4f}  {t}  {note}", flush=True)


def bench_text(seeds=(0,), model=BEST_TEXT):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score

    from seqlab.cli.classify import split_data

    df = datasets.load("sms-spam")
    train, test, record, _ = split_data(LabeledTexts(df["text"].tolist(), df["label"].to_numpy(dtype=object)),
                                        0.2, 0, dedupe=True)
    print(f"\nSMS spam: {record['duplicates_removed']} duplicates removed, train {record['n_train']}, "
          f"test {record['n_test']}; published: {PUBLISHED['sms-spam']}")
    base = majority_baseline(train.y, test.y, ["ham", "spam"])
    row("always ham", base["accuracy"], base["per_class"]["spam"]["f1"], note="(spam F1)")
    t = time.time()
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    lr = LogisticRegression(C=20.0, max_iter=2000).fit(vec.fit_transform(train.texts), train.y)
    pred = lr.predict(vec.transform(test.texts))
    row("TF-IDF + logistic regression", accuracy_score(test.y, pred), f1_score(test.y, pred, pos_label="spam"),
        time.time() - t, "(sklearn, same split)")
    from sklearn.model_selection import train_test_split

    fit_idx, val_idx = train_test_split(np.arange(len(train)), test_size=0.15, random_state=0, stratify=train.y)
    fit_texts, val_texts = [train.texts[i] for i in fit_idx], [train.texts[i] for i in val_idx]
    validation = (val_texts, train.y[val_idx])

    def run(encoder, kw, seed):
        kw = dict(kw)
        early = kw.pop("early_stop", False)
        t = time.time()
        clf = TextClassifier(encoder=encoder, seed=seed, **kw)
        clf.fit(fit_texts, train.y[fit_idx], validation_data=validation) if early else clf.fit(train)
        m = clf.evaluate(test.texts, test.y)
        runs = getattr(clf, "member_epochs_", [len(clf.history_["loss"])])
        note = " ".join(f"{k}={v}" for k, v in kw.items()) + (
            f" early stop ({'/'.join(map(str, runs))} epochs run)" if early else "") + (
            f", refit on train+validation for {'/'.join(map(str, clf.refit_epochs_))}" if kw.get("refit") else ""
        ) + f" seed={seed}"
        seconds = time.time() - t
        row(f"seqlab {encoder}", m["accuracy"], m["per_class"]["spam"]["f1"], seconds, note)
        v = clf.evaluate(*validation) if early and not kw.get("refit") else None  # refit: trained on it
        return m["accuracy"], m["per_class"]["spam"]["f1"], v, seconds

    for encoder, kw in TEXT_RUNS:
        run(encoder, kw, 0)
    met, accs, f1s, secs = 0, [], [], []
    print(f"  {model} ({TEXT_MODELS[model][0]} {TEXT_MODELS[model][1]}) per training seed; "
          "validation = the 15% held out of the training split:")
    for seed in seeds:
        acc, f1, v, seconds = run(*TEXT_MODELS[model], seed)
        ok = acc >= 0.985 and f1 >= 0.95
        met += ok
        accs.append(acc), f1s.append(f1), secs.append(seconds)
        val = "n/a (refit on it)" if v is None else f"{v['accuracy']:.4f} spam F1 {v['per_class']['spam']['f1']:.4f}"
        print(f"  -> {model}, seed {seed}: validation acc {val} | test acc {acc:.4f} spam F1 {f1:.4f}: "
              f"target (>= 0.985, >= 0.95) {'MET' if ok else 'NOT MET'}", flush=True)
    print(f"  {model}: test acc mean {np.mean(accs):.4f} (min {min(accs):.4f}), spam F1 mean {np.mean(f1s):.4f} "
          f"(min {min(f1s):.4f}), {np.mean(secs):.0f}s per seed; target met for {met} of {len(seeds)} seed(s); "
          f"by the mean over seeds {'MET' if np.mean(accs) >= 0.985 and np.mean(f1s) >= 0.95 else 'NOT MET'}")


def one_nn(train, test) -> float:
    a, b = train.to_array().reshape(len(train), -1), test.to_array().reshape(len(test), -1)
    d = ((b[:, None, :] - a[None, :, :]) ** 2).sum(-1)
    return float((train.y[d.argmin(1)] == test.y).mean())


def bench_series(name):
    folder = datasets.path(name)
    stem = {"gunpoint": "GunPoint", "italy-power-demand": "ItalyPowerDemand", "basic-motions": "BasicMotions"}[name]
    train = read_labeled(folder / f"{stem}_TRAIN.ts")
    test = read_labeled(folder / f"{stem}_TEST.ts")
    print(f"\n{stem}: train {len(train)}, test {len(test)}, length {train.lengths[0]}, "
          f"channels {train.n_channels}; published: {PUBLISHED[name]}")
    base = majority_baseline(train.y, test.y, sorted(set(train.y.tolist())))
    row("majority class", base["accuracy"], base["f1_macro"], note="(macro F1)")
    row("1-NN Euclidean", one_nn(train, test), float("nan"), note="(same run)")
    best = (0.0, "")
    for encoder, kw in SERIES_RUNS[name]:
        t = time.time()
        m = SequenceClassifier(encoder=encoder, seed=0, **kw).fit(train).evaluate(test.X, test.y)
        row(f"seqlab {encoder}", m["accuracy"], m["f1_macro"], time.time() - t, f"epochs={kw['epochs']}")
        best = max(best, (m["accuracy"], encoder))
    print(f"  best seqlab: {best[1]} acc {best[0]:.4f} -> target >= {TARGET[name]} "
          f"{'MET' if best[0] >= TARGET[name] else 'NOT MET'}")


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", default=["sms-spam", "gunpoint", "italy-power-demand", "basic-motions"])
    parser.add_argument("--seeds", default="0,1,2,3,4", help="training seeds of the chosen SMS spam model")
    parser.add_argument("--text-model", default=BEST_TEXT, choices=sorted(TEXT_MODELS),
                        help="SMS spam model repeated over --seeds")
    args = parser.parse_args()
    start = time.time()
    for name in args.sets:
        if name == "sms-spam":
            bench_text([int(s) for s in args.seeds.split(",")], args.text_model)
        else:
            bench_series(name)
    print(f"\ntotal {time.time() - start:.0f}s")
