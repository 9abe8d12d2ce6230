"""Tests for helpers.metrics and the shipped metric modules, against rouge_score and sklearn."""

import numpy as np
import pytest
from rouge_score import rouge_scorer
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from helpers import metrics

PREDS = [
    "the cat sat on the mat",
    "a dog ran in the park today",
    "people were running home",
    "first line here\nsecond line there",
]
REFS = [
    "the cat was sitting on the mat",
    "the dog runs through the park",
    "nobody is at home",
    "second line there\nfirst line here",
]
ROUGE_TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]

# Three classes; class 2 is never predicted, so its precision is 0/0.
Y_TRUE = [0, 0, 0, 1, 1, 1, 1, 2, 2, 0]
Y_PRED = [0, 0, 1, 1, 1, 0, 1, 1, 0, 0]


def direct_rouge(preds, refs, use_stemmer):
    """Per-example F-measures straight from rouge_score."""
    scorer = rouge_scorer.RougeScorer(ROUGE_TYPES, use_stemmer=use_stemmer)
    rows = [scorer.score(r, p) for p, r in zip(preds, refs)]
    return {t: [row[t].fmeasure for row in rows] for t in ROUGE_TYPES}


def test_shipped_modules_are_listed():
    assert metrics.available_metrics() == ["accuracy", "f1", "precision", "recall", "rouge"]
    for name in metrics.available_metrics():
        assert (metrics.METRIC_DIR / name / f"{name}.py").is_file()


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_rouge_matches_rouge_score(use_stemmer):
    expected = direct_rouge(PREDS, REFS, use_stemmer)
    got = metrics.rouge_scores(PREDS, REFS, use_stemmer=use_stemmer)
    assert set(got) == set(ROUGE_TYPES)
    for t in ROUGE_TYPES:
        assert got[t] == pytest.approx(np.mean(expected[t]), abs=1e-12)
    per = metrics.rouge_per_example(PREDS, REFS, use_stemmer=use_stemmer)
    for t in ROUGE_TYPES:
        assert per[t] == pytest.approx(expected[t], abs=1e-12)


def test_rouge_hand_computed_and_options():
    # "the cat sat" vs "the cat sat down": unigram P=3/3, R=3/4 -> F1 = 6/7; bigram 2/2, 2/3 -> 0.8
    rouge = metrics.load_metric("rouge")
    out = rouge.compute(predictions=["the cat sat"], references=["the cat sat down"])
    assert out["rouge1"] == pytest.approx(6 / 7)
    assert out["rouge2"] == pytest.approx(0.8)
    # use_stemmer: "cats running" matches "cat run" only after stemming
    plain = rouge.compute(predictions=["cats running"], references=["cat run"])
    stem = rouge.compute(predictions=["cats running"], references=["cat run"], use_stemmer=True)
    assert plain["rouge1"] == 0.0 and stem["rouge1"] == pytest.approx(1.0)
    # use_aggregator=False: one value per example, in order
    per = rouge.compute(predictions=PREDS[:2], references=REFS[:2], use_aggregator=False)
    assert isinstance(per["rougeL"], list) and len(per["rougeL"]) == 2
    # rouge_types selects the keys
    only = rouge.compute(predictions=PREDS, references=REFS, rouge_types=["rouge1"])
    assert list(only) == ["rouge1"]


def test_rouge_lsum_splits_on_newlines():
    per = metrics.rouge_per_example(PREDS[3:], REFS[3:], use_stemmer=False)
    # Swapped lines: whole-text LCS is 3 of 6 tokens, per-line LCS recovers all 6.
    assert per["rougeL"][0] == pytest.approx(0.5)
    assert per["rougeLsum"][0] == pytest.approx(1.0)


def test_rouge_multiple_references_takes_best():
    rouge = metrics.load_metric("rouge")
    out = rouge.compute(predictions=["the cat sat"], references=[["a dog", "the cat sat"]])
    assert out["rouge1"] == pytest.approx(1.0)


def test_rouge_several_references_best_one_per_rouge_type():
    # "a b c d" vs A = "d c b a": every word (rouge1 F 1.0), no bigram, LCS 1 (P 1/4, R 1/4: F 0.25)
    # vs B = "a b x y z": 2 words (P 2/4, R 2/5: F 4/9), bigram "a b" (P 1/3, R 1/4: F 2/7), LCS 2 (F 4/9)
    per = metrics.rouge_per_example(["a b c d"], [["d c b a", "a b x y z"]], use_stemmer=False)
    assert per["rouge1"] == [pytest.approx(1.0)]  # from A
    assert per["rouge2"] == [pytest.approx(2 / 7)]  # from B: the best reference is picked per type
    assert per["rougeL"] == [pytest.approx(4 / 9)]  # from B


def test_rouge_several_references_exact_values():
    # "the cat sat" vs "the cat": rouge1 P 2/3 R 1 -> 0.8; rouge2 P 1/2 R 1 -> 2/3; LCS 2 -> 0.8
    # vs "a cat sat on the mat": rouge1 3 of 3 and 6 -> 2/3; rouge2 "cat sat" P 1/2 R 1/5 -> 2/7; LCS 2 -> 4/9
    refs = [["the cat", "a cat sat on the mat"], "a dog barked loudly"]
    per = metrics.rouge_per_example(["the cat sat", "a dog barks"], refs, use_stemmer=False)
    assert per["rouge1"] == [pytest.approx(0.8), pytest.approx(4 / 7)]  # a dog: P 2/3 R 2/4
    assert per["rouge2"] == [pytest.approx(2 / 3), pytest.approx(0.4)]  # "a dog": P 1/2 R 1/3
    assert per["rougeL"] == [pytest.approx(0.8), pytest.approx(4 / 7)]
    mean = metrics.rouge_scores(["the cat sat", "a dog barks"], refs, use_stemmer=False)
    assert mean["rouge1"] == pytest.approx((0.8 + 4 / 7) / 2)
    assert mean["rouge2"] == pytest.approx((2 / 3 + 0.4) / 2)


@pytest.mark.parametrize("use_stemmer", [True, False])
def test_rouge_several_references_is_max_over_single_references(use_stemmer):
    alt = ["a cat on a mat", "dogs run in parks", "people are at home", "first line here"]
    multi = metrics.rouge_per_example(PREDS, [[r, a] for r, a in zip(REFS, alt)], use_stemmer=use_stemmer)
    one = direct_rouge(PREDS, REFS, use_stemmer)
    other = direct_rouge(PREDS, alt, use_stemmer)
    for t in ROUGE_TYPES:
        assert multi[t] == pytest.approx([max(a, b) for a, b in zip(one[t], other[t])])
    same = metrics.rouge_per_example(PREDS, [[r] for r in REFS], use_stemmer=use_stemmer)
    assert same == metrics.rouge_per_example(PREDS, REFS, use_stemmer=use_stemmer)  # one-element lists


def test_rouge_reference_list_errors():
    with pytest.raises(ValueError, match="example 1 has an empty list of references"):
        metrics.rouge_scores(["a", "b"], [["a"], []])
    with pytest.raises(ValueError, match="one reference per prediction"):
        metrics.rouge_per_example(["a", "b"], [["a", "b"]])  # one list for two predictions
    with pytest.raises(TypeError, match="not all strings"):
        metrics.rouge_scores(["a"], [["a", None]])


@pytest.mark.parametrize("average", ["macro", "micro", "weighted"])
def test_classification_scores_match_sklearn(average):
    got = metrics.classification_scores(Y_TRUE, Y_PRED, average=average)
    kw = {"average": average, "zero_division": 0}
    assert got["accuracy"] == pytest.approx(accuracy_score(Y_TRUE, Y_PRED))
    assert got["precision"] == pytest.approx(precision_score(Y_TRUE, Y_PRED, **kw))
    assert got["recall"] == pytest.approx(recall_score(Y_TRUE, Y_PRED, **kw))
    assert got["f1"] == pytest.approx(f1_score(Y_TRUE, Y_PRED, **kw))


def test_macro_scores_by_hand():
    # Confusion rows (true 0, 1, 2): [3, 1, 0], [1, 3, 0], [1, 1, 0]
    got = metrics.classification_scores(Y_TRUE, Y_PRED, average="macro")
    p = [3 / 5, 3 / 5, 0.0]  # class 0: 3 of 5 predicted-0 right; class 1: 3 of 5; class 2: none
    r = [3 / 4, 3 / 4, 0.0]  # class 0: 3 of 4 found; class 1: 3 of 4; class 2: 0 of 2
    f = [2 * a * b / (a + b) if a + b else 0.0 for a, b in zip(p, r)]
    assert got["accuracy"] == pytest.approx(6 / 10)
    assert got["precision"] == pytest.approx(np.mean(p))
    assert got["recall"] == pytest.approx(np.mean(r))
    assert got["f1"] == pytest.approx(np.mean(f))


def test_zero_division_option_of_shipped_modules():
    precision = metrics.load_metric("precision")
    kw = {"predictions": Y_PRED, "references": Y_TRUE, "average": None}
    zero = precision.compute(**kw, zero_division=0)["precision"]
    one = precision.compute(**kw, zero_division=1)["precision"]
    assert zero == pytest.approx(precision_score(Y_TRUE, Y_PRED, average=None, zero_division=0))
    assert zero[2] == 0.0 and one[2] == 1.0  # class 2 never predicted


def test_binary_pos_label_and_labels_options():
    y_true, y_pred = [1, 0, 0, 1, 1], [1, 1, 0, 0, 1]
    for name, fn in [("precision", precision_score), ("recall", recall_score), ("f1", f1_score)]:
        m = metrics.load_metric(name)
        for pos in (0, 1):
            got = m.compute(predictions=y_pred, references=y_true, pos_label=pos)[name]
            assert got == pytest.approx(fn(y_true, y_pred, pos_label=pos))
        got = m.compute(predictions=Y_PRED, references=Y_TRUE, labels=[0, 1], average="macro")
        assert got[name] == pytest.approx(fn(Y_TRUE, Y_PRED, labels=[0, 1], average="macro"))


def test_worked_examples_from_counts():
    # "80 of 100 correct -> accuracy 0.80"
    assert metrics.prf_from_counts(tp=50, fp=12, fn=8, tn=30)["accuracy"] == pytest.approx(0.80)
    # "45 of 50 positive predictions right -> precision 0.90"
    assert metrics.prf_from_counts(tp=45, fp=5, fn=0)["precision"] == pytest.approx(0.90)
    # "80 of 100 positives found -> recall 0.80"
    assert metrics.prf_from_counts(tp=80, fp=0, fn=20)["recall"] == pytest.approx(0.80)
    # F1 of precision 0.9 and recall 0.8: 2 * 0.72 / 1.7 = 0.8470588...
    out = metrics.prf_from_counts(tp=72, fp=8, fn=18)
    assert (out["precision"], out["recall"]) == pytest.approx((0.9, 0.8))
    assert out["f1"] == pytest.approx(1.44 / 1.7)
    assert "accuracy" not in out


def test_prf_from_counts_agrees_with_sklearn_and_handles_zero():
    cm = metrics.confusion([1, 0, 0, 1, 1, 0], [1, 1, 0, 0, 1, 0], labels=[0, 1])
    (tn, fp), (fn, tp) = cm
    out = metrics.prf_from_counts(int(tp), int(fp), int(fn), int(tn))
    assert out["accuracy"] == pytest.approx(4 / 6)
    assert out["f1"] == pytest.approx(f1_score([1, 0, 0, 1, 1, 0], [1, 1, 0, 0, 1, 0]))
    assert metrics.prf_from_counts(0, 0, 0, 0) == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "accuracy": 0.0,
    }
    with pytest.raises(ValueError, match=">= 0"):
        metrics.prf_from_counts(-1, 0, 0)


def test_confusion_matrix_layout():
    cm = metrics.confusion(Y_TRUE, Y_PRED, labels=[0, 1, 2])
    assert cm.tolist() == [[3, 1, 0], [1, 3, 0], [1, 1, 0]]  # rows true, columns predicted


def test_bootstrap_ci_properties():
    rng = np.random.default_rng(1)
    scores = rng.uniform(0, 1, size=50)
    first = metrics.bootstrap_ci(scores, seed=3)
    assert first == metrics.bootstrap_ci(scores, seed=3)  # deterministic
    assert first != metrics.bootstrap_ci(scores, seed=4)
    mean, low, high = first
    assert mean == pytest.approx(scores.mean())
    assert low <= mean <= high
    # normal-theory 95% half width is 1.96 * sd / sqrt(n); the bootstrap should be close
    half = 1.96 * scores.std(ddof=1) / np.sqrt(scores.size)
    assert (high - low) / 2 == pytest.approx(half, rel=0.2)
    narrower = metrics.bootstrap_ci(scores, confidence=0.5, seed=3)
    assert narrower[2] - narrower[1] < high - low


def test_bootstrap_ci_constant_and_sample_size():
    mean, low, high = metrics.bootstrap_ci([0.3] * 20)
    assert low == high == mean == pytest.approx(0.3)
    rng = np.random.default_rng(2)
    small = rng.uniform(0, 1, size=20)
    large = rng.uniform(0, 1, size=2000)
    _, low_s, high_s = metrics.bootstrap_ci(small)
    _, low_l, high_l = metrics.bootstrap_ci(large)
    w_small, w_large = high_s - low_s, high_l - low_l
    assert w_large < w_small / 4  # width shrinks about as 1/sqrt(n): sqrt(100) = 10


def test_paired_bootstrap_diff_sign():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.2, 0.4, size=40)
    tuned = base + 0.1 + rng.normal(0, 0.02, size=40)
    up = metrics.paired_bootstrap_diff(base, tuned)
    assert up["mean_diff"] == pytest.approx(np.mean(tuned - base))
    assert 0 < up["ci_low"] <= up["mean_diff"] <= up["ci_high"]
    assert up["frac_b_better"] == 1.0
    down = metrics.paired_bootstrap_diff(tuned, base)
    assert down["ci_high"] < 0 and down["frac_b_better"] == 0.0
    same = metrics.paired_bootstrap_diff(base, base)
    assert same == {"mean_diff": 0.0, "ci_low": 0.0, "ci_high": 0.0, "frac_b_better": 0.0}


def test_bad_input():
    with pytest.raises(ValueError, match="one reference per prediction"):
        metrics.rouge_scores(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one example"):
        metrics.rouge_per_example([], [])
    with pytest.raises(TypeError, match="list of strings"):
        metrics.rouge_scores("a summary", "a reference")
    with pytest.raises(ValueError, match="one prediction per example"):
        metrics.classification_scores([0, 1], [0])
    with pytest.raises(ValueError, match="at least one example"):
        metrics.classification_scores([], [])
    with pytest.raises(ValueError, match="accuracy, f1, precision, recall, rouge"):
        metrics.load_metric("bleu")
    with pytest.raises(ValueError, match="non-empty"):
        metrics.bootstrap_ci([])
    for bad in (0.0, 1.0, 95):
        with pytest.raises(ValueError, match="confidence"):
            metrics.bootstrap_ci([0.1, 0.2], confidence=bad)
    with pytest.raises(ValueError, match="same examples"):
        metrics.paired_bootstrap_diff([0.1, 0.2], [0.1])
    with pytest.raises(ValueError, match="NaN"):
        metrics.bootstrap_ci([0.1, float("nan")])


def test_length_stats():
    out = metrics.length_stats(["one two three", "", "a b c d e"])
    assert out == {"mean": pytest.approx(8 / 3), "median": 3.0, "min": 0.0, "max": 5.0,
                   "empty_share": pytest.approx(1 / 3)}
    with pytest.raises(TypeError, match="list of texts"):
        metrics.length_stats("one text")
    with pytest.raises(ValueError, match="empty"):
        metrics.length_stats([])


def test_slice_scores_worst_first():
    rows = metrics.slice_scores([0.9, 0.8, 0.1, 0.3, 0.5], ["a", "a", "b", "b", "c"])
    assert [r["group"] for r in rows] == ["b", "c", "a"]
    assert [r["n"] for r in rows] == [2, 1, 2]
    assert rows[0]["mean"] == pytest.approx(0.2) and rows[2]["mean"] == pytest.approx(0.85)
    for r in rows:
        assert r["ci_low"] <= r["mean"] <= r["ci_high"]
    assert rows[1]["ci_low"] == rows[1]["ci_high"] == 0.5  # one example: no spread
    with pytest.raises(ValueError, match="one group per score"):
        metrics.slice_scores([0.1, 0.2], ["a"])


def test_early_stopping_point():
    steps = [10, 20, 30, 40, 50, 60, 70]
    losses = [1.0, 0.8, 0.7, 0.72, 0.69, 0.75, 0.8]
    # patience 2: best 0.69 at step 50, then two evaluations without improvement -> stop at 70
    assert metrics.early_stopping_point(steps, losses, patience=2) == {
        "best_step": 50, "best_loss": 0.69, "stop_step": 70}
    # patience 1: stops at the first evaluation that does not improve (step 40)
    assert metrics.early_stopping_point(steps, losses, patience=1)["stop_step"] == 40
    # min_delta 0.02: 0.69 is not enough better than 0.70 -> best stays at step 30, stop at 50
    out = metrics.early_stopping_point(steps, losses, patience=2, min_delta=0.02)
    assert (out["best_step"], out["stop_step"]) == (30, 50)
    # a loss that keeps falling never triggers
    assert metrics.early_stopping_point([1, 2, 3], [3.0, 2.0, 1.0], patience=1)["stop_step"] is None


def test_early_stopping_point_bad_input():
    with pytest.raises(ValueError, match="one loss per step"):
        metrics.early_stopping_point([1, 2], [0.5], patience=1)
    with pytest.raises(ValueError, match="patience"):
        metrics.early_stopping_point([1], [0.5], patience=0)
    with pytest.raises(ValueError, match="min_delta"):
        metrics.early_stopping_point([1], [0.5], patience=1, min_delta=-1)
    with pytest.raises(ValueError, match="NaN"):
        metrics.early_stopping_point([1, 2], [0.5, float("nan")], patience=1)


def test_unsupported_details():
    dialogue = "#Person1#: Hi, the booking is under Ito, 6 nights.\n#Person2#: Breakfast is at 7:30 am."
    good = "#Person1# checks in under Ito for 6 nights. Breakfast is at 7:30 am."
    bad = "#Person1# checks in under Kowalski for 3 nights. Breakfast is at 8:30 am. Kowalski pays."
    assert metrics.unsupported_details(good, dialogue) == []
    # sentence-initial capitals ("Breakfast", "Kowalski" at a sentence start) are not details
    assert metrics.unsupported_details(bad, dialogue) == ["Kowalski", "3", "8"]
    assert metrics.unsupported_details("under ITO", dialogue) == []  # case is ignored
    assert metrics.unsupported_details("", dialogue) == []
    with pytest.raises(TypeError, match="strings"):
        metrics.unsupported_details(["a"], dialogue)


def test_paired_bootstrap_macro_f1_recomputes_f1_on_each_resample() -> None:
    from sklearn.metrics import f1_score

    from helpers.metrics import paired_bootstrap_macro_f1

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, size=300)
    good = np.where(rng.random(300) < 0.9, y, (y + 1) % 3)  # ~90% right
    poor = np.where(rng.random(300) < 0.6, y, (y + 2) % 3)  # ~60% right
    out = paired_bootstrap_macro_f1(y, poor, good, n_resamples=500, seed=0)
    want = f1_score(y, good, average="macro") - f1_score(y, poor, average="macro")
    assert out["mean_diff"] == pytest.approx(want, abs=1e-12)
    assert 0 < out["ci_low"] < out["mean_diff"] < out["ci_high"] and out["frac_b_better"] == 1.0
    same = paired_bootstrap_macro_f1(y, good, good, n_resamples=200)
    assert same["mean_diff"] == same["ci_low"] == same["ci_high"] == 0.0
    assert paired_bootstrap_macro_f1(y, poor, good, n_resamples=500, seed=0) == out  # seeded
    with pytest.raises(ValueError, match="one prediction per example"):
        paired_bootstrap_macro_f1(y, poor[:-1], good)


def test_paired_bootstrap_macro_f1_counts_as_sklearn_does_on_every_resample() -> None:
    """The vectorized count equals sklearn's f1_score, resample by resample (same draws, same seed), including
    resamples where a class is missing from the labels or the predictions."""
    from sklearn.metrics import f1_score

    from helpers.metrics import _percentiles, paired_bootstrap_macro_f1

    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, size=40)
    a = np.where(rng.random(40) < 0.6, y, rng.integers(0, 3, size=40))
    b = np.where(rng.random(40) < 0.8, y, 2)  # b never misses by predicting 0 or 1 at random
    y[:2] = 7  # a label only the truth has, rare enough to vanish from many resamples
    labels = sorted(set(y.tolist()) | set(a.tolist()) | set(b.tolist()))
    draws = np.random.default_rng(5)
    diffs = []
    for _ in range(300):
        idx = draws.integers(0, y.size, size=y.size)
        diffs.append(f1_score(y[idx], b[idx], labels=labels, average="macro", zero_division=0)
                     - f1_score(y[idx], a[idx], labels=labels, average="macro", zero_division=0))
    low, high = _percentiles(np.array(diffs), 0.95)
    out = paired_bootstrap_macro_f1(y, a, b, n_resamples=300, seed=5)
    full = (f1_score(y, b, labels=labels, average="macro", zero_division=0)
            - f1_score(y, a, labels=labels, average="macro", zero_division=0))
    assert out["mean_diff"] == pytest.approx(full, abs=1e-12)
    assert out["ci_low"] == pytest.approx(low, abs=1e-12) and out["ci_high"] == pytest.approx(high, abs=1e-12)
    assert out["frac_b_better"] == pytest.approx(np.mean(np.array(diffs) > 0))
