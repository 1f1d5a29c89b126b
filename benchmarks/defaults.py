"""Every bundled data set through its command with NO tuning flags (issue 13, acceptance 1).

One table: the default's test score, the strong baseline of the same run (what the command's
own report prints), the best figure of the tuned benchmarks, and the wall time. Targets per row:
the default beats the strong baseline; it is within 1.5 accuracy points (classification) or 5% of
the error (forecasting, generation) of the tuned figure; the run takes under 5 minutes.

    OMP_NUM_THREADS=1 python benchmarks/defaults.py                   # every row (~30 min on 2 cores)
    OMP_NUM_THREADS=1 python benchmarks/defaults.py gunpoint airline  # some rows
    OMP_NUM_THREADS=1 python benchmarks/defaults.py --tuned gunpoint  # also rerun the tuned benchmark here

Only flags that say how to read a file are given (``--target``, ``--time-col``, ``--thousands``,
``--fill``, ``--lines``, ``--seq-len``, ``--movielens``) and ``--verbose 0``: no epochs, widths or
learning rates.

Tuned figures (``TUNED``) come from the tuned benchmarks on the same split as the command: SMS
spam from ``benchmarks/classify_accuracy.py`` (its chosen text model, mean test accuracy over
seeds 0-4, docstring), the UCR/UEA sets from the same benchmark's encoder runs (best encoder;
``--tuned`` reruns them here), airline passengers from ``seqlab quickstart`` (lstm, lookback 12,
differenced, 300 epochs: the README's figure, same last-20% split), names from
``benchmarks/names.py`` (lstm, dropout 0.2 chosen on validation, 4,500 steps; makemore's split),
MovieLens from seed 003's RBM as written, rerun by ``benchmarks/rbm_movielens.py`` and scored on
this row's measure (its own sampled loss, the course's 0.25, is no measure to beat: sampling a
guess with p = 0.82 is wrong 30% of the time where "always liked" is wrong 18%). Rows whose tuned
benchmark uses another split say n/a.
Timings are wall time on whatever machine runs this, and the CPU time of this process (one
thread: ``OMP_NUM_THREADS=1``), which is what the run takes on an idle core; the 5-minute check
uses the smaller of the two, since the figures here were taken on a shared 2-core machine running
other jobs (load average 5-7), where wall time is several times the CPU time.

Every row again on 2026-12-07 (``OMP_NUM_THREADS=1 python benchmarks/defaults.py``, an otherwise idle
2-core machine; the text default now trains again on all the texts once its hold-out chose the epoch):

    data set            measure          default  strong baseline           tuned  wall s  beats  close  <5min
    sms-spam            accuracy          0.9884  TF-IDF + LR      0.9845   0.9882    139    yes    yes    yes
    gunpoint            accuracy          1.0000  1-NN Euclidean   0.9133   n/a       273    yes    n/a    yes  (5 nets)
    italy-power-demand  accuracy          0.9602  1-NN Euclidean   0.9553   0.9747*    70    yes    yes    yes  (5 nets)
    basic-motions       accuracy          1.0000  1-NN Euclidean   0.6000   n/a       184    yes    n/a    yes  (5 nets)
    airline-passengers  rmse             16.5877  seasonal naive  46.3442  26.1590      4    yes    yes    yes
    google-stock        rmse              9.7842  naive            9.7290   n/a         5    NO     n/a    yes
    pollution           rmse             21.7607  naive           21.9077   n/a        25    yes    n/a    yes
    names               nats/char         1.9172  bigram           2.4497   1.9071    126    yes    yes    yes
    timegan-stock       discriminative    0.2844  Gaussians        0.4986   n/a       217    yes    n/a    yes
    movielens-100k      test error        0.1461  user + movie     0.1479   0.2336      9    yes    yes    yes
    (* from ``--tuned``, see below. The three series rows are session 10's, CPU seconds: the default became 5
    nets, see the next table.)

2026-12-07, session 10: the series classifier's default became an average of 5 nets below 500 training
series (``1000 // length`` nets on series longer than 200 steps; chosen by cross-validation on the
training splits, ``benchmarks/choose_classifier_defaults.py``), each test split scored once afterwards
(``OMP_NUM_THREADS=1 python benchmarks/defaults.py italy-power-demand gunpoint basic-motions``, the
machine running other jobs, hence the wall times):

    data set            measure          default  strong baseline           tuned  wall s  cpu s  beats  close  <5min
    italy-power-demand  accuracy          0.9602  1-NN Euclidean   0.9553   0.9747*   285     70    yes    yes    yes
    gunpoint            accuracy          1.0000  1-NN Euclidean   0.9133   n/a       409    273    yes    n/a    yes
    basic-motions       accuracy          1.0000  1-NN Euclidean   0.6000   n/a       185    184    yes    n/a    yes
    (italy: 1.45 points below the tuned benchmark's best run, inside the 1.5 asked; one net scored 0.9582.
    Over seeds 0-4 (``seqlab classify italy-power-demand --seed S``) the 5 nets score 0.9602, 0.9602,
    0.9592, 0.9602, 0.9602 (mean 0.9600; seed 2 is 1.55 points below), one net 0.9582, 0.9611, 0.9592,
    0.9602, 0.9621 (mean 0.9602): the ensemble steadies the figure but does not raise its mean here.
    Public UCR/UEA sets, same command as below, each scored once after the choice: ArrowHead 0.8229 vs
    1-NN 0.8000 (3 nets, 242 CPU s; one net 0.8286), UnitTest 0.9545 vs 0.8636 (5 nets, 61 CPU s; one
    net the same), JapaneseVowels 0.9919 vs 0.9514 (5 nets, 96 CPU s; one net 0.9946),
    PickupGestureWiimoteZ 0.7400 vs 0.6800 (2 nets, 210 CPU s; one net 0.7800). Every one beats 1-NN;
    against one net the ensemble gained 2 test series on Italy and lost 1, 1 and 2 on ArrowHead,
    JapaneseVowels and Pickup: on these sets the test splits do not confirm the cross-validated gain.)

Measured 2026-12-06, session 4 (torch 2.13.0, one thread; series classifiers one net trained on every
series watching the training loss below 500 series, chosen by cross-validation on training splits in
``benchmarks/choose_classifier_defaults.py``; text without --model bilstm+fasttext, max pooling, shapes):

    data set            measure     default  strong baseline          tuned   wall s  beats  close  <5min
    italy-power-demand  accuracy     0.9582  1-NN Euclidean  0.9553   0.9747*     12    yes    NO     yes
    gunpoint            accuracy     1.0000  1-NN Euclidean  0.9133   n/a         40    yes    n/a    yes
    basic-motions       accuracy     1.0000  1-NN Euclidean  0.6000   n/a         30    yes    n/a    yes
    sms-spam            accuracy     0.9884  TF-IDF + LR     0.9845   0.9882     120    yes    yes    yes
    names               nats/char    1.9219  bigram          2.4497   1.9071     110    yes    yes    yes
    (* the best of classify_accuracy.py's six encoder runs on ItalyPowerDemand, each scored on test:
    the default is 1.65 points below it, just outside the 1.5 asked. That run is the transformer
    with seed 0; seeds 0-4 of the same settings score 0.9747, 0.9582, 0.9572, 0.9660, 0.9592 (mean
    0.9631), and the best mean over seeds 0-4 of any hand-tuned encoder is cnn_lstm's 0.9701 (gru
    0.9689, mlp 0.9615, cnn1d 0.9578, lstm 0.9508; ``python benchmarks/tune_classify.py --hand-only
    --hand-seeds 0,1,2,3,4``). Against 0.9701 the default is 1.19 points below.)

Session 7 rows (the forecaster choosing first or seasonal differences on validation, values only when
asked: ``benchmarks/choose_forecast_defaults.py``; wall and CPU seconds):

    airline-passengers  rmse        16.5877  seasonal naive  46.3442  26.1590    4   4    yes    yes    yes
    google-stock        rmse         9.7842  naive           9.7290   n/a        4   4    NO     n/a    yes
    pollution           rmse        21.7607  naive          21.9077   n/a       23  23    yes    n/a    yes
    (airline: seasonal differences, 0.36x; session 3's values-or-differences choice gave 27.1817.)

Public forecasting series, scored once after the rule was chosen on the rows before their test splits
(``seqlab forecast FILE [--target COL --time-col COL]``, defaults; Brownlee's ``Datasets`` repository
and aeon 1.6.0's CSVs; test RMSE / the strong baseline's, before -> after the change): daily max
temperatures 0.88 -> 0.88, daily min 0.90 -> 0.89, female births 0.87 -> 0.94, car sales 1.11 -> 0.997,
mean temperature 0.72 -> 0.87, robberies 1.18 -> 0.96, sunspots 0.95 -> 0.93, writing-paper sales
0.98 -> 0.93, champagne 2.13 -> 1.32 (LOSES), shampoo 0.99 -> 0.93, water usage 1.11 -> 1.11 (LOSES),
Lynx 0.80 -> 0.80, Uschange consumption 1.12 -> 0.96, PBS 1.09 -> 1.02 (LOSES), solar 0.67 -> 0.74,
aeon's Airline 0.59 -> 0.36: 13 of 16 beat the strong baseline (10 before), 5-28 s each.

2026-12-07, the forecaster combined with a baseline (``Forecaster(combine="auto")``: ``w x network + (1 -
w) x`` the naive or seasonal naive forecast, both chosen on the validation rows; chosen as the default on
the development rows of 17 series by ``benchmarks/choose_forecast_defaults.py``, geometric mean of RMSE /
strong baseline 0.950 -> 0.895, before any test row was scored). Each test split then scored once
(``OMP_NUM_THREADS=1 python benchmarks/defaults.py airline-passengers google-stock pollution``, an
otherwise idle machine; wall and CPU seconds):

    airline-passengers  rmse        17.7241  seasonal naive  46.3442  26.1590    4   4    yes    yes    yes
    google-stock        rmse         9.7645  naive           9.7290   n/a        4   4    NO     n/a    yes
    pollution           rmse        21.7607  naive          21.9077   n/a       19  19    yes    n/a    yes
    (w = 0.91 toward the seasonal naive, 0.82 toward the naive and 1.00, chosen on 14, 125 and 4,382
    validation windows; the network alone scored 16.5877, 9.7842 and 21.7607. google-stock still LOSES,
    1.004x the naive against 1.006x: its development rows chose w = 0, the full series' validation rows
    0.82. airline is 7% worse, 0.38x against 0.36x.)

The public series, the same command as above (test RMSE / the strong baseline's, the network alone ->
combined; the network alone is ``combination.network`` of the same run's ``metrics.json`` and equals
the figures above; w, n/s for a naive/seasonal naive baseline): daily min temperatures 0.894 -> 0.894
(n 1.00), daily max 0.884 -> 0.883 (n 0.92), female births 0.936 -> 0.895 (n 0.79), car sales 0.997
-> 0.996 (s 0.17), mean temperature 0.867 -> 0.867 (s 1.00), robberies 0.958 -> 0.958 (n 1.00),
sunspots 0.933 -> 0.934 (n 0.76), writing-paper sales 0.932 -> 0.931 (s 0.93), champagne 1.321 ->
1.278 (s 0.88, still LOSES), water usage 1.112 -> 1.022 (n 0.32 on 7 windows, still LOSES), shampoo
0.935 -> 0.958 (s 0.51 on 3 windows), Lynx 0.797 -> 0.797 (n 1.00), Uschange consumption 0.958 ->
0.958 (n 1.00), PBS 1.024 -> 1.000 (w = 0: the naive forecast, a tie), solar 0.741 -> 0.741 (n 1.00),
aeon's Airline 0.358 -> 0.382 (s 0.91). 13 of 16 beat the strong baseline before and after; the
geometric mean goes 0.889 -> 0.883 and the worst 1.321 -> 1.278; PBS goes from a loss to a tie, water
usage from 1.11x to 1.02x. 5-25 s each, 132 CPU s for the 16. Smaller than on the development rows
(0.950 -> 0.895), where the weights chose the baseline on four short series whose test rows here kept
more of the network (robberies, Lynx: w = 1).

2026-12-07, session 12: the combination's weight times n / (n + 5) for n validation windows
(``COMBINATION_PRIOR_WINDOWS``; chosen on the development rows of 17 series by
``benchmarks/choose_forecast_defaults.py`` against significance rules, a James-Stein factor, n / (n + 10) and
a simplex weight: geometric mean 0.895 -> 0.890, worst 1.099 -> 1.048, 11 of 17 beating the strong baseline
against 10, before any test row was scored). Each test split then scored once
(``OMP_NUM_THREADS=1 python benchmarks/defaults.py airline-passengers google-stock pollution``, the machine
running another helper's benchmarks; wall and CPU seconds):

    airline-passengers  rmse        23.2898  seasonal naive  46.3442  26.1590    4   4    yes    yes    yes
    google-stock        rmse         9.7615  naive           9.7290   n/a        4   4    NO     n/a    yes
    pollution           rmse        21.7603  naive          21.9077   n/a       48  25    yes    n/a    yes
    (w = 0.67 toward the seasonal naive (least squares 0.91 on 14 windows), 0.78 toward the naive (0.82 on
    125) and 0.9989 (1.00 on 4,382); the networks are the same as above (16.5877, 9.7842, 21.7607 alone).
    google-stock still LOSES, 1.003x the naive against 1.004x; airline is 31% worse, 0.50x against 0.38x:
    on its test rows the network alone was better than any shrinking of it.)

The public series, the same command (``seqlab forecast FILE [--target COL --time-col COL]``, defaults),
test RMSE / the strong baseline's, session 10's combination -> this one (w, n/s for a naive/seasonal naive
baseline, the validation windows; the network alone is unchanged, the figures above): daily min temperatures
0.894 -> 0.894 (n 0.99, 365), daily max 0.883 -> 0.883 (n 0.91, 365), female births 0.895 -> 0.885 (n 0.69,
36), car sales 0.996 -> 0.997 (s 0.11, 10), mean temperature 0.867 -> 0.866 (s 0.83, 24), robberies 0.958 ->
0.949 (n 0.69, 11), sunspots 0.934 -> 0.935 (n 0.74, 282), writing-paper sales 0.931 -> 0.939 (s 0.69, 14),
champagne 1.278 -> 1.177 (s 0.59, 10; still LOSES), water usage 1.022 -> 1.011 (n 0.19, 7; still LOSES),
shampoo 0.958 -> 0.982 (s 0.19, 3), Lynx 0.797 -> 0.797 (n 0.69, 11), Uschange consumption 0.958 -> 0.933 (n
0.78, 18), PBS 1.000 -> 1.000 (w = 0 on 20: the naive forecast, a tie), solar 0.741 -> 0.739 (n 0.85, 28),
aeon's Airline 0.382 -> 0.503 (s 0.67, 14). 13 of 16 beat the strong baseline before and after; the worst
goes 1.278 -> 1.177 and the geometric mean 0.883 -> 0.893 (the network alone: 0.889), Airline's 0.38x ->
0.50x costing more than champagne and water usage gain. 5-29 s CPU each (144 s for the 16). The development
rows' gain in the geometric mean did not carry over to the test rows; the worst case's did.

Public sets that are not bundled, each test split scored once after the defaults were chosen
(``seqlab classify NAME_TRAIN.ts --test NAME_TEST.ts``, aeon 1.6.0's copies): ArrowHead 0.8286 vs
1-NN 0.8000 in 74 s (the 5-member default scored 0.7429 in 445 s); PickupGestureWiimoteZ 0.7800 vs
1-NN 0.6800 in 92 s. Session 6, the same command, CPU seconds of one thread (the machine was shared):
OSULeaf 0.9752 vs 1-NN 0.5207 (276 s), UnitTest 0.9545 vs 0.8636 (15 s), ACSF1 0.8600 vs 0.5400 in
545 s -- over 5 minutes: 100 series of 1,460 steps, and the budget's floor of 1,000 optimiser steps.
Session 7, texts (the UCI "sentiment labelled sentences", 1,000 each, as CSVs with ``text,label``:
``seqlab classify amazon.csv --text-col text``, the stratified 80/20 split): Amazon 0.8030 LOSES to
TF-IDF + LR 0.8232 (86 s), IMDb 0.7300 LOSES to 0.7550 (109 s), Yelp 0.8300 beats 0.7900 (55 s).
Three-fold cross-validation on the training parts (``benchmarks/choose_text_defaults.py``, no test
rows) gave the same picture -- Amazon default 0.817 / fasttext 0.807 / bilstm 0.775 against TF-IDF +
LR 0.825, IMDb 0.763 / 0.758 / 0.724 against 0.777, Yelp 0.763 / 0.765 / 0.701 against 0.778 -- so no
other text model of seqlab was a better default.
The bundled sms-spam row with the refit (2026-12-07): 0.9894 against TF-IDF + LR 0.9845 and the tuned
0.9882, 201 s wall / 198 s CPU (0.9884 in 120 s before).
2026-12-07, after the same cross-validation chose the refit (``TextClassifier(refit=None)``: train again
on all the training texts for the epoch count the hold-out chose; ``choose_text_defaults.py``), each
test split scored once: Amazon 0.8232 ties TF-IDF + LR 0.8232 (77 s), IMDb 0.7500 LOSES to 0.7550
(145 s), Yelp 0.8200 beats 0.7900.
2026-12-07, 09:15 UTC: the text default became the nets averaged 50/50 with a TF-IDF + logistic-
regression member fitted in the same ``fit`` (``bilstm+fasttext + TF-IDF LR (probability average)``;
chosen by 3-fold cross-validation on the training parts, ``choose_text_defaults.py``), each test split
then scored once (one thread; CPU s = user + sys of the command):
``OMP_NUM_THREADS=1 seqlab classify /tmp/sentiment/NAME.csv --text-col text --verbose 0``: Amazon 0.8384
LOSES to TF-IDF + LR 0.8434 (one sentence of 198; 46 CPU s), IMDb 0.7525 beats 0.7273 (72 CPU s), Yelp
0.8300 beats 0.7900 (47 CPU s). These CSVs were written again on 2026-12-07 (IMDb 990 lines) and TF-IDF
+ LR scores otherwise than in the paragraph above (0.8232, 0.7550, 0.7900 there), so the data or the test
rows differ: compare within a line only. The same fitted models scored without their member (the nets, as the previous
default trains them): 0.8283, 0.7323, 0.8250. ``OMP_NUM_THREADS=1 python benchmarks/defaults.py
sms-spam``: 0.9865 beats TF-IDF + LR 0.9845 and is 0.17 points below the tuned 0.9882 (close), 113 s
wall / 113 CPU s; the nets alone scored 0.9894 in the refit row above (the member leaves the nets
as they were), so on SMS spam the blend costs three test messages of 1,035.
2026-12-07, after the blend became the text default, two sets no default was chosen on, each scored once
(TREC question classification, 6 coarse classes, its 5,452 training and 500 test questions, from
github.com/tmadhuri/TREC-HindiData, read as ``text,label`` CSVs; ``OMP_NUM_THREADS=1 seqlab classify
train.csv --test test.csv --text-col text``): English 0.8838 LOSES to TF-IDF + LR 0.8878 (two questions
of 499; 60 CPU s); the same questions in Hindi 0.7275 beats 0.6052 (90 CPU s).
2026-12-07, 12:00 UTC: the text default's linear member became TF-IDF + LR on word 1-2-grams and character
2-5-grams inside words, C=200 (``bilstm+fasttext + TF-IDF LR on word + char n-grams (probability average)``;
chosen by the same cross-validation on training parts, ``choose_text_defaults.py --members``); each test
split then scored once (one thread, another job's tests on the second core; CPU s = user + sys):
``OMP_NUM_THREADS=1 seqlab classify /tmp/sentiment/NAME.csv --text-col text --verbose 0``: Amazon 0.8182
LOSES to TF-IDF + LR 0.8434 (five sentences of 198; 0.8384 with the words-only member; 63 CPU s), IMDb
0.7677 beats 0.7273 (0.7525; 100 CPU s), Yelp 0.8500 beats 0.7900 (0.8300; 64 CPU s); the nets alone, the
same fitted models without their member, 0.8283, 0.7323, 0.8250 as before, the new member alone 0.8485,
0.7828, 0.8450. ``OMP_NUM_THREADS=1 python benchmarks/defaults.py sms-spam``: 0.9894 beats 0.9845 and the
tuned 0.9882 (0.9865 with the words-only member), 152 s wall / 132 CPU s. TREC (``seqlab classify
/tmp/trec/en_train.csv --test /tmp/trec/en_test.csv --text-col text --verbose 0``): English 0.8818 LOSES to
0.8878 (three questions of 499; 0.8838 before; nets alone 0.8798, member alone 0.8778; 71 CPU s), Hindi
0.8277 beats 0.6052 (0.7275 before; member alone 0.8297; 108 CPU s).
Session 12 (2026-12-07), the TF-IDF tokens and the nets' shapes tokenizer made to keep combining marks inside
words (Hindi's vowel signs; English texts tokenize exactly as before): TREC Hindi scored once more, the same
command: 0.8637 LOSES to the corrected TF-IDF + LR's 0.8717 (four questions of 500), 85 s wall / 78 CPU s.
The 0.6052 above was a baseline that kept a fraction of each Hindi word.
Session 16 (2026-12-07): from 1,000 training texts the linear member keeps the terms of two texts or more
(``tfidf_logistic.member_min_df``; chosen by 3-fold cross-validation of training parts: review polarity's 1,600
reviews 0.8537 against 0.8544 with every term, sms-spam's 4,136 messages 0.9896 against 0.9894; the ~790
sentiment sentences lost 1.5-3 points with it, so sets under 1,000 texts keep every term). Each test split
then scored once: ``benchmarks/defaults.py sms-spam`` 0.9884 (one message of 1,035 fewer), 139 s; TREC
English 0.8878 ties TF-IDF + LR's 0.8878 (0.8818 before; 24 MB model, 92 s), Hindi 0.8737 beats 0.8717
(0.8637 before, not significant; 99 s); review polarity (``seqlab classify review_polarity.tar.gz
--time-budget 90s``) 0.8900 ties 0.8900 (0.8925 before), its model 34 MB instead of 48 MB.
Tiny Shakespeare (``seqlab generate train input.txt``, 1.1 MB): gru 1.7368 nats/char beats the
bigram's 2.4819, 5,000 steps stopped by patience, 796 s on one thread.
Synthetic series on aeon's Uschange (``seqlab synth Uschange.csv --seq-len 24 --drop Quarter``, 164
windows): TimeGAN 0.455 LOSES to the independent Gaussian's 0.424 (the recurrent GAN: 0.500); the
report now cautions that 164 overlapping windows of one series let the post-hoc classifier learn it
by heart.

Session 8 (2026-12-07), one thread, the machine running two or three such jobs at once:
- italy-power-demand, the default over seeds 0-9 (``seqlab classify italy-power-demand --seed S``):
  0.9582, 0.9611, 0.9592, 0.9602, 0.9621, 0.9592, 0.9563, 0.9592, 0.9621, 0.9582 -- mean 0.9596,
  every seed above 1-NN's 0.9553. Against the tuned benchmark's single best run (0.9747) the mean
  is 1.51 points below; against the best mean over seeds of a hand-tuned encoder (cnn_lstm 0.9701)
  1.05 below.
- JapaneseVowels (aeon's .ts, variable lengths, 12 channels; ``seqlab classify
  JapaneseVowels_TRAIN.ts --test JapaneseVowels_TEST.ts``): 0.9946 vs 1-NN 0.9514, 22 CPU s.
- Dinosaur names (``dinos.txt`` of the Keras/Coursera character-model exercise, 1,623 lines;
  ``seqlab generate train dinos.txt --lines``): gru 1.6944 vs bigram 2.2094 nats/char, 68 CPU s.
- The commands that took the adaptive budget this session (``docs/training-budgets.md``):
  ``seqlab seq2seq train --task addition`` 0.9980 exact match (25 epochs, 299 CPU s; 10 fixed
  epochs gave 0.9406), ``--task reversal`` 1.0000 (12 epochs, 226 CPU s), ``--task words`` 0.5748
  (62 epochs, 1,319 CPU s; 10 fixed epochs gave 0.0353); ``seqlab music train``
  0.9294 nats/token against the 12-gram's 1.4105 (2,800 steps; 1,500 fixed steps gave 0.9850).
- Keras's English-French pairs (the first 10,000 lines of ``fra.txt``; ``seqlab seq2seq train
  fra10k.txt``): exact match 0.0060 LOSES to the nearest-training-input baseline's 0.0210 (40
  epochs, 866 CPU s); ``--tokens word`` 0.0090 LOSES to 0.0130 (48 epochs, 577 CPU s).
- ``seqlab detect`` now prints IsolationForest beside the autoencoder: on 13 NAB series the
  autoencoder LOSES on 11 (mean ROC-AUC 0.586 vs 0.672); on UCR's InternalBleeding16 it wins,
  0.9997 vs 0.678 (``docs/baselines.md``).

movielens-100k, measured 2026-12-06 after session 4 (``seqlab rbm ml-100k --movielens``; test error =
per user, the share of u1.test ratings called wrongly as liked (3-5) / not liked (1-2) at p >= 0.5,
then the mean over users; the strong baseline is the best of four like-rate baselines of the run):

    movielens-100k      test error   0.1461  user + movie like rates  0.1479   0.2336*     50     12   yes    yes    yes
    (* seed 003's RBM as written, scored the same way. The other baselines of the run: every movie
    liked 0.1589, the movie's like rate 0.1585, the user's like rate 0.1548. The default is the
    Salakhutdinov-Mnih-Hinton RBM -- visible units for rated movies only, mean-field predictions,
    adaptive budget (stopped by patience after 56 epochs) -- conditioned on the user + movie like
    rates (their logit added to its visible biases). It beats that baseline narrowly: seeds 0-3
    score 0.1461, 0.1478, 0.1450, 0.1476 (mean 0.1466) against 0.1479. The plain RBM
    (``offset=None``) scored 0.1550 (seed 0) and 0.1523 (seed 1): it LOSES to the like-rate
    predictor, as it did on the validation split where the settings were chosen, 0.1482 vs 0.1443.)

google-stock is a random walk over its test year: the naive forecast is the best forecast in
expectation and the differenced LSTM ties it (1.006x; 2.06x before the forecaster compared values
and differences on validation). names took 110 s on an idle machine (1390 s in session 2 under load
average 5-7).

timegan-stock, measured 2026-12-06 session 6 (``seqlab synth stock_data.csv --seq-len 24``; its default
is now TimeGAN for 1,000 / 1,000 / 500 iterations at batch 128, from the authors' TensorFlow
initialisation; one other CPU-bound job on the second core):

    timegan-stock       discriminative    0.2844  independent Gaussian 0.4986   n/a     227    226   yes    n/a    yes
    (coverage 17% of the real windows, the Gaussian's 0%; spread 1.06x the real. The previous
    default, the recurrent GAN, scored 0.500 here in session 2: it LOST to the Gaussian baseline.)
"""
from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import json
import shutil
import tempfile
import time
from pathlib import Path

from seqlab import datasets
from seqlab.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

# name -> (kind, tuned figure or None, where it comes from)
TUNED = {
    "sms-spam": ("accuracy", 0.9882, "classify_accuracy.py bilstm-max+fasttext-shapes-ens3, mean of 5 seeds"),
    "gunpoint": ("accuracy", None, "classify_accuracy.py encoder runs (--tuned)"),
    "italy-power-demand": ("accuracy", None, "classify_accuracy.py encoder runs (--tuned)"),
    "basic-motions": ("accuracy", None, "classify_accuracy.py encoder runs (--tuned)"),
    "airline-passengers": ("rmse", 26.159, "seqlab quickstart --no-combine: lstm, lookback 12, differenced, 300 "
                                           "epochs (combined with the seasonal naive: 28.800, README)"),
    "google-stock": ("rmse", None, "forecast_accuracy.py scores another split (January 2017 only): n/a"),
    "pollution": ("rmse", None, "forecast_accuracy.py scores another split (Brownlee's first year): n/a"),
    "names": ("nats/char", 1.9071, "names.py lstm, dropout 0.2 (validation), 4,500 steps"),
    "timegan-stock": ("discriminative", None, "no tuned benchmark on this command's windows: n/a"),
    "movielens-100k": ("test error", 0.2336, "seed 003's RBM as written (benchmarks/rbm_movielens.py, seeds 0-1, 100 "
                                         "epochs CD-10): mean-field error; its sampled loss 0.2476, the course's 0.25"),
}
LOWER_IS_BETTER = {"rmse", "nats/char", "discriminative", "test error"}


def _plain(name: str, member: str, folder: Path) -> Path:
    """A bundled file, un-gzipped into ``folder`` if need be."""
    src = datasets.path(name) / member
    if not src.name.endswith(".gz"):
        return src
    out = folder / src.name[:-3]
    with gzip.open(src, "rb") as f, open(out, "wb") as g:
        shutil.copyfileobj(f, g)
    return out


def commands(folder: Path) -> dict[str, list[str]]:
    """The command line of each row (files written into ``folder`` where they are gzipped)."""
    stock = folder / "google.csv"
    if not stock.exists():
        stock.write_bytes(_plain("google-stock", "Google_Stock_Price_Train.csv.gz", folder).read_bytes())
    return {
        "sms-spam": ["classify", "sms-spam"],
        "gunpoint": ["classify", "gunpoint"],
        "italy-power-demand": ["classify", "italy-power-demand"],
        "basic-motions": ["classify", "basic-motions"],
        "airline-passengers": ["forecast", str(_plain("airline-passengers", "airline-passengers.csv", folder)),
                               "--target", "Passengers", "--time-col", "Month", "--verbose", "0"],
        "google-stock": ["forecast", str(stock), "--target", "Open", "--time-col", "Date", "--thousands", ",",
                         "--verbose", "0"],
        "pollution": ["forecast", str(_plain("pollution", "pollution.csv.gz", folder)), "--target", "pm2.5",
                      "--fill", "interpolate", "--verbose", "0"],
        "names": ["generate", "train", str(_plain("names", "names.txt.gz", folder)), "--lines", "--verbose", "0"],
        "timegan-stock": ["synth", str(_plain("timegan-stock", "stock_data.csv.gz", folder)), "--seq-len", "24"],
        "movielens-100k": ["rbm", str(SHARED / "movielens-100k"), "--movielens", "--verbose", "0"],
    }


def scores(name: str, out: Path) -> tuple[float, float, str, str]:
    """``(default score, strong baseline score, baseline name, verdict)`` from a run directory."""
    m = json.loads((out / "metrics.json").read_text())
    kind = TUNED[name][0]
    if kind == "accuracy":
        return m["accuracy"], m["strong_baseline"]["accuracy"], m["strong_baseline"]["name"], m["verdict"]
    if kind == "rmse":
        base = min([("naive", m["baseline"]["rmse"])] +
                   ([(f"seasonal naive ({m['seasonal_naive']['season']})", m["seasonal_naive"]["rmse"])]
                    if "seasonal_naive" in m else []), key=lambda p: p[1])
        return m["rmse"], base[1], base[0], m["verdict"]
    if kind == "nats/char":
        return m["test_loss"], m["strong_baseline"]["test_loss"], m["strong_baseline"]["name"], m["verdict"]
    if kind == "discriminative":
        return (m["discriminative_score"], m["baseline"]["discriminative_score"], m["baseline"]["name"],
                " / ".join(m["verdict"]))
    return m["test_error"], m["baseline"]["test_error"], m["baseline"]["name"], m["verdict"]


def tuned_series(name: str) -> float:
    """The best accuracy of ``benchmarks/classify_accuracy.py``'s encoder runs on a UCR/UEA set, here."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from classify_accuracy import SERIES_RUNS

    from seqlab.data.formats import read_labeled
    from seqlab.tasks.classification.classifier import SequenceClassifier

    stem = {"gunpoint": "GunPoint", "italy-power-demand": "ItalyPowerDemand", "basic-motions": "BasicMotions"}[name]
    folder = datasets.path(name)
    train, test = read_labeled(folder / f"{stem}_TRAIN.ts"), read_labeled(folder / f"{stem}_TEST.ts")
    return max(SequenceClassifier(encoder=e, seed=0, **kw).fit(train).evaluate(test.X, test.y)["accuracy"]
               for e, kw in SERIES_RUNS[name])


def verdict_row(name: str, score: float, base: float, tuned: float | None, seconds: float) -> str:
    kind = TUNED[name][0]
    lower = kind in LOWER_IS_BETTER
    beats = score < base if lower else score > base
    if tuned is None:
        close = "n/a"
    elif kind == "accuracy":
        close = "yes" if score >= tuned - 0.015 else "NO"
    else:
        close = "yes" if score <= tuned * 1.05 else "NO"
    fast = "yes" if seconds < 300 else "NO"
    return f"{'yes' if beats else 'NO':>6} {close:>6} {fast:>6}"


def run(names: list[str], rerun_tuned: bool) -> None:
    print(f"{'data set':<20}{'measure':<15}{'default':>9}{'strong baseline':>34}{'tuned':>9}{'wall s':>8}"
          f"{'cpu s':>7}{'beats':>7}{'close':>7}{'<5min':>7}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = commands(folder)
        for name in names:
            argv = lines[name]
            if name == "movielens-100k" and not (SHARED / "movielens-100k" / "u1.base").is_file():
                print(f"{name:<20}skipped: {SHARED / 'movielens-100k'} is not on this machine")
                continue
            out = folder / f"run-{name}"
            start, cpu = time.perf_counter(), time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                code = main([*argv, "--out", str(out)])
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            if code != 0:
                print(f"{name:<20}FAILED (exit {code}): seqlab {' '.join(argv)}")
                continue
            score, base, base_name, line = scores(name, out)
            kind, tuned, _ = TUNED[name]
            if rerun_tuned and tuned is None and kind == "accuracy":
                tuned = tuned_series(name)
            tuned_text = "n/a" if tuned is None else f"{tuned:.4f}"
            print(f"{name:<20}{kind:<15}{score:9.4f}{base_name[:24]:>25} {base:8.4f}{tuned_text:>9}{seconds:8.0f}"
                  f"{cpu:7.0f}" + verdict_row(name, score, base, tuned, min(seconds, cpu)), flush=True)
            training = json.loads((out / "metrics.json").read_text()).get("training")
            print(f"{'':<20}{line}" + (f"; {training['stopped_by']} after {training['steps']} steps"
                                       if training else ""), flush=True)
    print("\nTuned figures:")
    for name in names:
        print(f"  {name}: {TUNED[name][2]}")


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(TUNED), help=f"rows: {', '.join(TUNED)}")
    parser.add_argument("--tuned", action="store_true", help="rerun the tuned UCR/UEA benchmark runs here")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in TUNED]
    if unknown:
        parser.error(f"unknown rows {unknown}; choose from {', '.join(TUNED)}")
    run(args.names, args.tuned)
