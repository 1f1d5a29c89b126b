"""Text classifiers against TF-IDF + logistic regression by cross-validation on TRAINING parts only.

``seqlab classify FILE.csv --text-col text`` without ``--test`` drops duplicate texts and makes a
stratified 80/20 split (seed 0). This script makes the same split, never reads the 20%, cuts the 80%
into three stratified folds (``StratifiedKFold(3, shuffle=True, random_state=0)``), and scores each
candidate text model (``CANDIDATES``, ``TextClassifier`` settings) and the report's strong baseline
(``tfidf_baseline``) on every fold.

Data: CSVs with ``text`` and ``label`` columns in ``--data DIR`` (the UCI "sentiment labelled
sentences": ``amazon.csv``, ``imdb.csv``, ``yelp.csv``, 1,000 sentences each, made from the
``*_labelled.txt`` files by splitting each line at its last tab).

    OMP_NUM_THREADS=1 python benchmarks/choose_text_defaults.py --data DIR [--sets amazon imdb] [--candidates a b]

Measured 2026-12-06 (torch 2.13.0, one thread), mean fold accuracy (CPU seconds per fit: default
43-91, fasttext 17-38, bilstm 23-42, default-x3 about 150), all without the refit (``refit=False``):

    set      TF-IDF + LR   default (bilstm+fasttext)   fasttext   bilstm   default-x3 (ensemble=3)
    amazon      0.825            0.817                  0.807      0.775         0.816
    imdb        0.777            0.763                  0.758      0.724           -
    yelp        0.778            0.763                  0.765      0.701           -

2026-12-07: the same folds with ``refit=True`` (once the adaptive budget has found the best epoch on
its 20% of the fold's training texts, train again from the same start on all of them for that many
epochs; CPU seconds per fit: default 61-125, fasttext 20-23):

    set      TF-IDF + LR   default, refit   fasttext, refit
    amazon      0.825          0.818            0.816
    imdb        0.777          0.773            0.765
    yelp        0.778          0.784            0.786

The refit raised the default model by 0.1, 1.0 and 2.1 points (fasttext by 0.9, 0.7 and 2.1), so
``TextClassifier(refit=None)``, the default, now refits whenever the validation texts are the budget's
own. The default model stays bilstm+fasttext (the best mean of the refitted two, 0.7917 against
0.7891). It still loses to TF-IDF + LR on Amazon and IMDb in these folds; the reports say when it
loses (``docs/baselines.md``). Rows: ``default`` and ``fasttext`` are today's defaults (refit);
``default-no-refit`` and ``fasttext-no-refit`` the 2026-12-06 ones.

2026-12-07, later: the default model averaged 50/50 with a TF-IDF + logistic-regression member fitted in
the same ``fit`` on the same training texts (``default+linear``: ``TextClassifier(linear_weight=0.5)``),
and the bundled sms-spam set's training part as a fourth set (``--sets sms-spam``: the same dedupe and
80/20 split as ``seqlab classify sms-spam``). One thread, another CPU-bound job on the second core:

    OMP_NUM_THREADS=1 python benchmarks/choose_text_defaults.py --data /tmp/sentiment \
        --sets amazon imdb yelp sms-spam --candidates default+linear

The CSVs in ``/tmp/sentiment`` were written again this morning (IMDb has 990 lines) and TF-IDF + LR's
fold means differ from the tables above (Amazon 0.818 against 0.825), so these are not the same folds;
every column below comes from this run. ``nets alone`` is the same fitted model scored without its
member (``linear share 0``): the member is fitted after the nets and leaves them as ``default`` trains
them, so the columns compare like with like (checked: ``--sets amazon --candidates default`` gives
0.8144, 0.7917 and 0.8068, the ``nets alone`` folds, to the fourth decimal).
Mean fold accuracy, CPU seconds per fit of the blend, and each fold's blend / nets alone / TF-IDF + LR:

    set       TF-IDF + LR   nets alone   default+linear   CPU s    fold 0          fold 1          fold 2
    amazon       0.8182       0.8043         0.8308       38-40   .833/.814/.826  .830/.792/.822  .830/.807/.807
    imdb         0.7671       0.7646         0.7785       59-60   .780/.746/.777  .764/.761/.745  .791/.787/.780
    yelp         0.7789       0.7638         0.7890       37-39   .778/.763/.752  .774/.751/.774  .815/.777/.811
    sms-spam     0.9831       0.9857         0.9874      100-177  .983/.980/.981  .989/.988/.985  .991/.989/.983
    mean         0.8368       0.8296         0.8464       (the three sentiment sets: 0.7881, 0.7776, 0.7994)

The blend scored above TF-IDF + LR on 11 of the 12 folds and tied on the twelfth (yelp fold 1), and
above the nets alone on every fold: +1.3, +1.1, +1.0 and +0.4 points against TF-IDF + LR, +2.7, +1.4,
+2.5 and +0.2 against the nets alone. The linear share, same fits (0 = the nets alone, 1 = the linear
member alone, which is TF-IDF + LR):

    set       0.25     0.5      0.75
    amazon   0.8283   0.8308   0.8295
    imdb     0.7734   0.7785   0.7734
    yelp     0.7776   0.7890   0.7915
    sms-spam 0.9874   0.9874   0.9850

0.5 is the best or tied-best share on three sets and 0.25 points below 0.75 on Yelp (about two
sentences a fold), so a share chosen on the budget's 20% hold-out (about 160 sentences) could not be
clearly better and would be noisier: the plain equal average became the text default of ``seqlab
classify`` (``--no-linear`` opts out). ``TextClassifier``'s own default stays ``linear_weight=0`` (the
nets alone, as the seeds build them), as its encoder default stays ``lstm``.

2026-12-07, later still: a stronger linear member. ``--members`` fits the default's nets once a fold (the
``default+linear`` fit; ``--cache DIR`` keeps their held-out probabilities) and scores linear members
(``MEMBERS``) alone and averaged 50/50 with those nets (``--shares`` for other shares). The member is fitted
after the nets and leaves them unchanged, so every column compares the same nets; the folds are those of the
previous table (the nets alone and the words-only blend repeat its figures to the fourth decimal). The
members: word 1-2-grams (the baseline's), word 1-2-grams and character n-grams inside words
(``analyzer="char_wb"``), each a sublinear TF-IDF block with L2-normalised rows, side by side, one logistic
regression; C from 5 to 500. One thread, another CPU-bound job on the second core; a member's fit took
0.1-0.2 CPU s on the sentiment sets and 0.6-0.9 on sms-spam (the nets 40-190 s):

    OMP_NUM_THREADS=1 python benchmarks/choose_text_defaults.py --data /tmp/sentiment \
        --sets amazon imdb yelp sms-spam --cache /tmp/nets --members "words C=20" "words+char2-5 C=200" ...

Mean fold accuracy; ``blend`` is the member averaged 50/50 with the nets, ``alone`` the member alone:

    set            TF-IDF + LR   nets    words C=20   words+chars C=20   words+chars C=200
                                 alone     blend       alone    blend     alone    blend
    amazon            0.8182    0.8043    0.8308      0.8359   0.8321    0.8359   0.8384
    imdb              0.7671    0.7646    0.7785      0.7785   0.7823    0.7785   0.7924
    yelp              0.7789    0.7638    0.7890      0.8267   0.8003    0.8204   0.8103
    sms-spam          0.9831    0.9857    0.9874      0.9877   0.9882    0.9894   0.9898
    mean              0.8368    0.8296    0.8464      0.8572   0.8507    0.8560   0.8577
    worst margin         -      -.0339    0.0000      -.0038   -.0038    -.0038   +.0037
    folds above LR       -        5         11          10       10        11       12
    (worst margin: the smallest of the 12 differences fold accuracy minus TF-IDF + LR's on that fold; one
    fold ties with TF-IDF + LR in the nets alone, the words C=20 blend and both words+chars C=20 columns)

The four-set mean of the words + char 2-5 blend by C: 5 0.8481, 10 0.8485, 20 0.8507, 50 0.8528, 100
0.8554, 200 0.8577, 500 0.8563 (a larger C gives the member sharper probabilities and so more say in the
average). Other members, C=20: word + char 1-4-grams, blend 0.8504; char 2-5-grams alone (no words), blend
0.8517, alone 0.8523; the words-only member at C=5 or 50, blend 0.8453 and 0.8448. The chosen blend's folds,
against TF-IDF + LR: amazon .830/.826 .845/.822 .841/.807, imdb .780/.777 .776/.745 .821/.780, yelp .786/.752
.811/.774 .834/.811, sms-spam .987/.981 .990/.985 .993/.983.

Word + char 2-5-grams with C=200 became the member of ``seqlab classify``'s text default
(``TextClassifier(linear_weight=0.5, linear_chars="char_wb 2-5")``, ``CANDIDATES["default+chars"]``; checked:
its member, ``TfidfLogistic.fit(..., CHARS_C, chars="char_wb 2-5")``, gives this script's probabilities to
3e-16 on the amazon, yelp and sms-spam folds, and with the cached nets the same fold accuracies): the best
mean (0.8577 against the words-only blend's 0.8464, +1.1 points; above it on 10 of the 12 folds, tied on
imdb fold 0, below on amazon fold 0 by one sentence) and the only blend above TF-IDF + LR on all 12 folds
(worst margin +0.4 points, against 0.0). Most of the gain is the character n-grams: the member alone scores
0.8560, 1.9 points above the words-only TF-IDF + LR (Yelp: 4.2), and the nets add 0.17 points to it on
average (+1.4 on IMDb, -1.0 on Yelp). The share stays 0.5; with this member a larger share scored about
the same (C=100: 0.8554 at 0.5, 0.8582 at 0.6, 0.8579 at 0.75; C=20: 0.8507, 0.8552, 0.8552) and was not
adopted. The report's strong baseline stays TF-IDF + LR on word 1-2-grams.

The same members on two sets no default was chosen on, before any test split was scored: TREC questions (6
classes, folds of all 5,452 training questions as ``seqlab classify train.csv --test test.csv`` trains on
them: ``--data /tmp/trec --whole --sets en_train hi_train``; ``--without-nets`` scores members alone).
English: TF-IDF + LR 0.8519, nets 0.8406, words-only blend 0.8551 (below TF-IDF + LR on fold 1), words +
chars C=200 alone 0.8538, blend 0.8576 (above TF-IDF + LR on all three folds; nets 56-61 CPU s a fold).
Hindi, where scikit-learn's word pattern cuts words at vowel signs (``\\w`` does not match combining marks):
TF-IDF + LR 0.5979, nets 0.7248, words-only blend 0.6835, words + chars C=200 alone 0.8012, blend 0.7979;
character 2-5-grams without words, C=20: alone 0.8213, blend 0.8080 (nets 86-95 CPU s a fold).

Each test split scored once afterwards with the new default (``benchmarks/defaults.py`` has the commands):
Amazon 0.8182 LOSES to TF-IDF + LR 0.8434 (0.8384 with the words-only member), IMDb 0.7677 beats 0.7273
(0.7525), Yelp 0.8500 beats 0.7900 (0.8300), SMS spam 0.9894 beats 0.9845 (0.9865), TREC English 0.8818
LOSES to 0.8878 (0.8838), TREC Hindi 0.8277 beats 0.6052 (0.7275). On Amazon the blend scored below both
its parts (nets alone 0.8283, member alone 0.8485), as it did on no fold.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, train_test_split

from seqlab.tasks.classification.baselines import tfidf_baseline
from seqlab.tasks.classification.text_classifier import TextClassifier

CANDIDATES = {
    "default": dict(encoder="bilstm+fasttext", pooling="max", shapes=True),
    "default-no-refit": dict(encoder="bilstm+fasttext", pooling="max", shapes=True, refit=False),
    "fasttext": dict(encoder="fasttext", shapes=True),
    "fasttext-no-refit": dict(encoder="fasttext", shapes=True, refit=False),
    "bilstm": dict(encoder="bilstm", pooling="max", shapes=True, refit=False),
    "default-x3": dict(encoder="bilstm+fasttext", pooling="max", shapes=True, ensemble=3, refit=False),
    "default+linear": dict(encoder="bilstm+fasttext", pooling="max", shapes=True, linear_weight=0.5),
    "default+chars": dict(encoder="bilstm+fasttext", pooling="max", shapes=True, linear_weight=0.5,
                          linear_chars="char_wb 2-5"),   # the text default of seqlab classify since 2026-12-07, later
}
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)   # linear shares shown beside a candidate with a linear member (same fit)
# linear members scored against one fit of the nets (--members): (word 1-2-grams?, char_wb n-gram range or None, C)
MEMBERS = {
    "words C=20": (True, None, 20.0),          # the words-only member, the reports' TF-IDF + LR
    "words C=5": (True, None, 5.0),
    "words C=50": (True, None, 50.0),
    "words+char2-5 C=5": (True, (2, 5), 5.0),
    "words+char2-5 C=10": (True, (2, 5), 10.0),
    "words+char2-5 C=20": (True, (2, 5), 20.0),
    "words+char2-5 C=50": (True, (2, 5), 50.0),
    "words+char2-5 C=100": (True, (2, 5), 100.0),
    "words+char2-5 C=200": (True, (2, 5), 200.0),   # TextClassifier(linear_chars="char_wb 2-5")
    "words+char2-5 C=500": (True, (2, 5), 500.0),
    "words+char1-4 C=20": (True, (1, 4), 20.0),
    "char2-5 C=20": (False, (2, 5), 20.0),
}


def training_part(path: Path, whole: bool = False):
    """Texts and labels of the command's 80% training part (duplicates dropped, stratified, seed 0);
    ``path`` named ``sms-spam.csv`` is the bundled set (``seqlab classify sms-spam``). ``whole``: every row,
    as the command trains on a TRAIN file given with ``--test``."""
    if whole:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        return df["text"].to_numpy(object), df["label"].to_numpy(object)
    if path.name == "sms-spam.csv" and not path.exists():
        from seqlab import datasets

        df = datasets.load("sms-spam")[["text", "label"]].drop_duplicates("text")
    else:
        df = pd.read_csv(path).drop_duplicates("text")
    texts, labels = df["text"].astype(str).to_numpy(object), df["label"].astype(str).to_numpy(object)
    keep, _ = train_test_split(np.arange(len(labels)), test_size=0.2, random_state=0, stratify=labels)
    return texts[keep], labels[keep]


def blends(model: TextClassifier, texts: list, labels: np.ndarray) -> dict[float, float]:
    """Accuracy of the same fitted nets and linear member averaged with each linear share of ``WEIGHTS``."""
    blend, linear = model.predict_proba(texts), model.linear_.predict_proba(texts)
    nets = (blend - model.linear_weight_ * linear) / (1.0 - model.linear_weight_)
    return {w: float(np.mean(model.classes_[((1 - w) * nets + w * linear).argmax(axis=1)] == labels))
            for w in WEIGHTS}


def member_proba(name: str, fit_texts, fit_labels, held_texts, classes) -> np.ndarray:
    """Held-out probabilities (columns in ``classes`` order) of the ``MEMBERS`` entry ``name``: sublinear TF-IDF
    blocks (word 1-2-grams as scikit-learn tokenizes them, character n-grams within word boundaries), each row
    L2-normalised per block, side by side, and one L2-penalised logistic regression."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    words, chars, C = MEMBERS[name]
    vectorizers = ([TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))] if words else []) + (
        [TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=chars)] if chars else [])
    x_fit = hstack([v.fit_transform(list(fit_texts)) for v in vectorizers]).tocsr()
    x_held = hstack([v.transform(list(held_texts)) for v in vectorizers]).tocsr()
    model = LogisticRegression(C=C, max_iter=2000).fit(x_fit, fit_labels)
    return model.predict_proba(x_held)[:, [model.classes_.tolist().index(c) for c in classes]]


def nets_proba(name: str, k: int, fit, held, texts, labels, cache: Path | None) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, held-out probabilities)`` of the default model's nets alone (``default+linear`` fitted, scored
    without its member); read from / written to ``cache/<set>-<fold>.json`` when ``cache`` is given."""
    path = cache / f"{name}-{k}.json" if cache else None
    if path is not None and path.exists():
        saved = json.loads(path.read_text())
        return np.asarray(saved["classes"], dtype=object), np.asarray(saved["nets"])
    start = time.process_time()
    model = TextClassifier(seed=0, **CANDIDATES["default+linear"]).fit(list(texts[fit]), labels[fit])
    blend, linear = model.predict_proba(list(texts[held])), model.linear_.predict_proba(list(texts[held]))
    nets = (blend - model.linear_weight_ * linear) / (1.0 - model.linear_weight_)
    print(f"{name:<8} fold {k} nets fitted ({time.process_time() - start:.0f} CPU s)", flush=True)
    if path is not None:
        path.write_text(json.dumps({"classes": model.classes_.tolist(), "nets": nets.tolist()}))
    return model.classes_, nets


def score_members(args) -> None:
    """``--members``: per set, fold accuracies of TF-IDF + LR, the nets alone, and each member alone and averaged
    with the nets (50/50, or each of ``--shares``; one fit of the nets per fold)."""
    for name in args.sets:
        texts, labels = training_part(args.data / f"{name}.csv", args.whole)
        scores: dict[str, list] = {"TF-IDF + LR": [], "nets alone": []}
        folds = StratifiedKFold(3, shuffle=True, random_state=0).split(texts, labels)
        for k, (fit, held) in enumerate(folds):
            scores["TF-IDF + LR"].append(tfidf_baseline(texts[fit], labels[fit], texts[held], labels[held])["accuracy"])
            if args.without_nets:   # members alone; a blend column is then the member alone again
                classes = np.unique(labels[fit])
                nets = np.zeros((len(held), len(classes)))
            else:
                classes, nets = nets_proba(name, k, fit, held, texts, labels, args.cache)
            scores["nets alone"].append(float(np.mean(classes[nets.argmax(axis=1)] == labels[held])))
            for m in args.members:
                start = time.process_time()
                member = member_proba(m, texts[fit], labels[fit], texts[held], classes.tolist())
                seconds = time.process_time() - start
                blends = {f"{m} blend" + ("" if w == 0.5 else f" w={w:g}"): (1 - w) * nets + w * member
                          for w in args.shares}
                for key, proba in {f"{m} alone": member, **blends}.items():
                    scores.setdefault(key, []).append(float(np.mean(classes[proba.argmax(axis=1)] == labels[held])))
                shown = "  ".join(f"{key.removeprefix(m + ' ')} {scores[key][-1]:.4f}" for key in blends)
                print(f"{name:<8} fold {k} {m:<20} alone {scores[f'{m} alone'][-1]:.4f}  {shown}  "
                      f"(TF-IDF + LR {scores['TF-IDF + LR'][-1]:.4f}, nets "
                      f"{scores['nets alone'][-1]:.4f}; member {seconds:.1f} CPU s)", flush=True)
        for key, values in scores.items():
            print(f"{name:<8} {key:<28} mean {np.mean(values):.4f}  folds " + " ".join(f"{v:.4f}" for v in values))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding <set>.csv")
    parser.add_argument("--sets", nargs="*", default=["amazon", "imdb", "yelp"])
    parser.add_argument("--candidates", nargs="*", default=list(CANDIDATES))
    parser.add_argument("--members", nargs="*", choices=list(MEMBERS),
                        help="score these linear members against one fit of the default nets a fold (not --candidates)")
    parser.add_argument("--cache", type=Path, help="--members: folder keeping the nets' held-out probabilities")
    parser.add_argument("--shares", nargs="*", type=float, default=[0.5],
                        help="--members: the member's shares of the blend (0.5: the equal average)")
    parser.add_argument("--without-nets", action="store_true", help="--members: score the members alone")
    parser.add_argument("--whole", action="store_true",
                        help="<set>.csv is a TRAIN file given with --test: folds of all its rows (no split, no dedupe)")
    args = parser.parse_args()
    if args.members:
        score_members(args)
        return
    for name in args.sets:
        texts, labels = training_part(args.data / f"{name}.csv")
        scores = {c: [] for c in ["TF-IDF + LR", *args.candidates]}
        folds = StratifiedKFold(3, shuffle=True, random_state=0).split(texts, labels)
        for k, (fit, held) in enumerate(folds):
            scores["TF-IDF + LR"].append(tfidf_baseline(texts[fit], labels[fit], texts[held], labels[held])["accuracy"])
            for c in args.candidates:
                start = time.process_time()
                model = TextClassifier(seed=0, **CANDIDATES[c]).fit(list(texts[fit]), labels[fit])
                scores[c].append(float(np.mean(model.predict(list(texts[held])) == labels[held])))
                print(f"{name:<8} fold {k} {c:<12} {scores[c][-1]:.4f}  (TF-IDF + LR {scores['TF-IDF + LR'][-1]:.4f}, "
                      f"{time.process_time() - start:.0f} s)", flush=True)
                if model.linear_ is not None:
                    for w, accuracy in blends(model, list(texts[held]), labels[held]).items():
                        scores.setdefault(f"{c} w={w:g}", []).append(accuracy)
                    print(f"{name:<8} fold {k} {c:<12} linear share " + "  ".join(
                        f"{w:g}: {scores[f'{c} w={w:g}'][-1]:.4f}" for w in WEIGHTS), flush=True)
        print(f"{name:<8} mean   " + "  ".join(f"{c} {np.mean(v):.4f}" for c, v in scores.items()), flush=True)


if __name__ == "__main__":
    main()
