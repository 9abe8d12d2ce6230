"""Metrics for the course: ROUGE, accuracy/precision/recall/F1, confusion matrix, bootstrap CIs.

Taught in notebook 05. The metric implementations are `evaluate` modules shipped in
`helpers/metric_modules/<name>/<name>.py` and loaded by path, so they work offline (no hub
download) and give the same numbers on a laptop, in CI and on Colab.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import evaluate
import numpy as np
from sklearn.metrics import confusion_matrix

from .text import check_texts

METRIC_DIR: Path = Path(__file__).resolve().parent / "metric_modules"

_BOOTSTRAP_CHUNK = 256  # resamples drawn at once; bounds memory to 256 x n indices


def available_metrics() -> list[str]:
    """Names of the metric modules shipped in METRIC_DIR."""
    return sorted(
        p.name for p in METRIC_DIR.iterdir() if p.is_dir() and (p / f"{p.name}.py").is_file()
    )


def load_metric(name: str) -> evaluate.EvaluationModule:
    """Load a shipped metric module (e.g. "rouge", "f1") by path; never touches the hub."""
    names = available_metrics()
    if name not in names:
        raise ValueError(f"Unknown metric {name!r}; shipped metrics are: {', '.join(names)}")
    # keep_in_memory: no Arrow cache files per call (evaluate still creates its cache dirs)
    return evaluate.load(str(METRIC_DIR / name), keep_in_memory=True)


@functools.cache
def _cached_metric(name: str) -> evaluate.EvaluationModule:
    """One loaded module per name, reused by the score functions below."""
    return load_metric(name)


References = Sequence[str] | Sequence[Sequence[str]]  # one reference per example, or a list each


def _check_references(predictions: Sequence[str], references: References) -> list[str] | list[list[str]]:
    """The references as strings, or all as lists when any example has several; ValueError on bad input."""
    for arg, value in (("predictions", predictions), ("references", references)):
        if isinstance(value, str):
            raise TypeError(f"{arg} must be a list of strings, one per example, not one string")
    if len(predictions) and len(predictions) == len(references):
        check_texts("predictions", predictions)
    if len(predictions) != len(references):
        raise ValueError(
            f"Got {len(predictions)} predictions and {len(references)} references; "
            "pass one reference per prediction (a string, or a list of strings), in the same order"
        )
    if len(predictions) == 0:
        raise ValueError("predictions and references are empty; pass at least one example")
    if all(isinstance(r, str) for r in references):
        return list(references)
    refs = [[r] if isinstance(r, str) else list(r) for r in references]
    empty = [i for i, r in enumerate(refs) if not r]
    if empty:
        raise ValueError(f"example {empty[0]} has an empty list of references ({len(empty)} such); "
                         "every prediction needs at least one reference")
    bad = [i for i, r in enumerate(refs) if not all(isinstance(x, str) for x in r)]
    if bad:
        raise TypeError(f"references of example {bad[0]} are not all strings: {refs[bad[0]]!r}")
    return refs


def rouge_scores(
    predictions: list[str], references: References, use_stemmer: bool = True
) -> dict[str, float]:
    """Mean ROUGE-1/2/L/Lsum F-measures; with several references per example, the best one counts."""
    refs = _check_references(predictions, references)
    result = _cached_metric("rouge").compute(
        predictions=list(predictions), references=refs, use_stemmer=use_stemmer
    )
    return {k: float(v) for k, v in result.items()}


def rouge_per_example(
    predictions: list[str], references: References, use_stemmer: bool = True
) -> dict[str, list[float]]:
    """ROUGE-1/2/L/Lsum F-measures per example (max over its references), input for bootstrap_ci."""
    refs = _check_references(predictions, references)
    result = _cached_metric("rouge").compute(
        predictions=list(predictions),
        references=refs,
        use_stemmer=use_stemmer,
        use_aggregator=False,
    )
    return {k: [float(x) for x in v] for k, v in result.items()}


def _check_labels(y_true: Sequence[int], y_pred: Sequence[int]) -> None:
    """Raise ValueError unless the label sequences are equal-length and non-empty."""
    if len(y_true) != len(y_pred):
        raise ValueError(
            f"Got {len(y_true)} true labels and {len(y_pred)} predictions; "
            "pass one prediction per example, in the same order"
        )
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty; pass at least one example")


def classification_scores(
    y_true: Sequence[int],
    y_pred: Sequence[int],
    labels: list[int] | None = None,
    average: str = "macro",
) -> dict[str, float]:
    """Accuracy, precision, recall and F1; a class never predicted scores 0 (zero_division=0)."""
    _check_labels(y_true, y_pred)
    refs = [int(y) for y in y_true]
    preds = [int(y) for y in y_pred]
    scores = _cached_metric("accuracy").compute(predictions=preds, references=refs)
    for name in ("precision", "recall", "f1"):
        scores |= _cached_metric(name).compute(
            predictions=preds, references=refs, labels=labels, average=average, zero_division=0
        )
    return {k: float(v) for k, v in scores.items()}


def _ratio(num: float, den: float) -> float:
    """num / den, or 0.0 when den is 0 (the sklearn zero_division=0 convention)."""
    return num / den if den else 0.0


def prf_from_counts(tp: int, fp: int, fn: int, tn: int | None = None) -> dict[str, float]:
    """Precision, recall, F1 (and accuracy if tn is given) from counts; 0/0 gives 0.0."""
    counts = {"tp": tp, "fp": fp, "fn": fn, "tn": 0 if tn is None else tn}
    bad = {k: v for k, v in counts.items() if v < 0}
    if bad:
        raise ValueError(f"Confusion counts must be >= 0, got {bad}")
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    out = {
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
    }
    if tn is not None:
        out["accuracy"] = _ratio(tp + tn, tp + tn + fp + fn)
    return out


def confusion(y_true: Sequence[int], y_pred: Sequence[int], labels: Sequence[int]) -> np.ndarray:
    """Confusion matrix: rows are true labels, columns predicted labels, in `labels` order."""
    _check_labels(y_true, y_pred)
    return confusion_matrix(list(y_true), list(y_pred), labels=list(labels))


def _check_bootstrap(scores: np.ndarray, n_resamples: int, confidence: float) -> None:
    """Raise ValueError for empty or non-finite scores or out-of-range settings."""
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError("Pass a non-empty 1-D sequence of per-example scores")
    if not np.all(np.isfinite(scores)):
        raise ValueError("Per-example scores contain NaN or inf")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")


def _resampled_means(columns: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """Means of each column over n_resamples bootstrap resamples of the rows (same rows for all)."""
    rng = np.random.default_rng(seed)
    n = columns.shape[0]
    means = []
    for start in range(0, n_resamples, _BOOTSTRAP_CHUNK):
        size = min(_BOOTSTRAP_CHUNK, n_resamples - start)
        idx = rng.integers(0, n, size=(size, n))
        means.append(columns[idx].mean(axis=1))
    return np.concatenate(means)  # shape (n_resamples, n_columns)


def _percentiles(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """Lower and upper percentile-bootstrap bounds for the given confidence."""
    alpha = (1.0 - confidence) / 2.0
    low, high = np.percentile(values, [100 * alpha, 100 * (1 - alpha)])
    return float(low), float(high)


def bootstrap_ci(
    per_example_scores: Sequence[float],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean of the scores and its percentile-bootstrap interval: (mean, low, high)."""
    scores = np.asarray(per_example_scores, dtype=float)
    _check_bootstrap(scores, n_resamples, confidence)
    means = _resampled_means(scores[:, None], n_resamples, seed)[:, 0]
    low, high = _percentiles(means, confidence)
    return float(scores.mean()), low, high


def paired_bootstrap_diff(
    a_scores: Sequence[float],
    b_scores: Sequence[float],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """Paired bootstrap of mean(b) - mean(a) over the same examples (e.g. base a, tuned b).

    Returns mean_diff, ci_low, ci_high and frac_b_better (share of resamples with b > a).
    """
    a = np.asarray(a_scores, dtype=float)
    b = np.asarray(b_scores, dtype=float)
    if a.shape != b.shape:
        raise ValueError(
            f"Got {a.size} scores for a and {b.size} for b; "
            "pass per-example scores of both systems on the same examples, in the same order"
        )
    _check_bootstrap(a, n_resamples, confidence)
    _check_bootstrap(b, n_resamples, confidence)
    means = _resampled_means(np.stack([a, b], axis=1), n_resamples, seed)
    diffs = means[:, 1] - means[:, 0]
    low, high = _percentiles(diffs, confidence)
    return {
        "mean_diff": float(b.mean() - a.mean()),
        "ci_low": low,
        "ci_high": high,
        "frac_b_better": float(np.mean(diffs > 0)),
    }


def length_stats(texts: Sequence[str]) -> dict[str, float]:
    """Word counts of texts: mean, median, min, max and the share of empty texts."""
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, not one string")
    if len(texts) == 0:
        raise ValueError("texts is empty; pass at least one text")
    words = np.array([len(t.split()) for t in texts], dtype=float)
    return {
        "mean": float(words.mean()),
        "median": float(np.median(words)),
        "min": float(words.min()),
        "max": float(words.max()),
        "empty_share": float(np.mean(words == 0)),
    }


def slice_scores(
    scores: Sequence[float],
    groups: Sequence[str],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> list[dict[str, float | str | int]]:
    """Mean score per group with its size and bootstrap interval, worst group first."""
    values = np.asarray(scores, dtype=float)
    if values.shape != (len(groups),):
        raise ValueError(
            f"Got {values.size} scores and {len(groups)} group labels; pass one group per score"
        )
    _check_bootstrap(values, n_resamples, confidence)
    rows = []
    labels = np.asarray(groups, dtype=object)
    for group in sorted(set(groups)):
        mean, low, high = bootstrap_ci(values[labels == group], n_resamples, confidence, seed)
        rows.append({"group": group, "n": int(np.sum(labels == group)), "mean": mean,
                     "ci_low": low, "ci_high": high})
    return sorted(rows, key=lambda row: (row["mean"], row["group"]))


def early_stopping_point(
    steps: Sequence[int], losses: Sequence[float], patience: int, min_delta: float = 0.0
) -> dict[str, float | int | None]:
    """Where early stopping on a validation loss would stop (as transformers' EarlyStoppingCallback).

    After each evaluation: a loss lower than the best by more than `min_delta` resets the
    counter, anything else adds one; training stops once the counter reaches `patience`.
    Returns best_step, best_loss and stop_step (None if the run ended first).
    """
    if len(steps) != len(losses) or len(steps) == 0:
        raise ValueError(f"Got {len(steps)} steps and {len(losses)} losses; pass one loss per step")
    if patience < 1:
        raise ValueError(f"patience must be >= 1 evaluation, got {patience}")
    if min_delta < 0:
        raise ValueError(f"min_delta must be >= 0, got {min_delta}")
    if not np.all(np.isfinite(np.asarray(losses, dtype=float))):
        raise ValueError("losses contain NaN or inf")
    best_step, best_loss, waited = steps[0], float(losses[0]), 0
    for step, loss in zip(steps[1:], losses[1:]):
        if loss < best_loss - min_delta:
            best_step, best_loss, waited = step, float(loss), 0
        else:
            waited += 1
            if waited >= patience:
                return {"best_step": int(best_step), "best_loss": best_loss, "stop_step": int(step)}
    return {"best_step": int(best_step), "best_loss": best_loss, "stop_step": None}


_WORD = re.compile(r"#?\w+#?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def stated_details(text: str) -> list[str]:
    """The names and numbers `text` states, in order, once each: a word with a digit, or a capitalised word that
    does not start a sentence; speaker tags such as #Person1# are skipped."""
    if not isinstance(text, str):
        raise TypeError("pass the text as a string")
    found: list[str] = []
    for sentence in _SENTENCE_END.split(text.strip()):
        for i, word in enumerate(_WORD.findall(sentence)):
            if word.startswith("#"):
                continue
            if (any(c.isdigit() for c in word) or (i > 0 and word[0].isupper())) and word not in found:
                found.append(word)
    return found


def unsupported_details(prediction: str, source: str) -> list[str]:
    """Names and numbers in `prediction` (stated_details) that never occur in `source` (a hallucination check).

    Matching ignores case.
    """
    if not isinstance(prediction, str) or not isinstance(source, str):
        raise TypeError("pass one prediction and one source text, as strings")
    known = {w.lower() for w in _WORD.findall(source)}
    return [word for word in stated_details(prediction) if word.lower() not in known]


def _macro_f1_rows(y: np.ndarray, p: np.ndarray, k: int) -> np.ndarray:
    """Macro-F1 of each row of (y, p), class indices 0..k-1, as sklearn's f1_score(average="macro",
    zero_division=0) with every class listed: 2TP / (2TP + FP + FN) per class, 0 where a class is absent from
    both the labels and the predictions. Counted with numpy for all bootstrap resamples at once."""
    rows = np.arange(y.shape[0])[:, None]
    hit = (y == p)
    tp, pred, true = (np.zeros((y.shape[0], k)) for _ in range(3))
    np.add.at(tp, (np.broadcast_to(rows, y.shape)[hit], y[hit]), 1)
    np.add.at(pred, (np.broadcast_to(rows, p.shape), p), 1)
    np.add.at(true, (np.broadcast_to(rows, y.shape), y), 1)
    denom = pred + true  # 2TP + FP + FN
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    return f1.mean(axis=1)


def paired_bootstrap_macro_f1(
    y_true: Sequence[int],
    pred_a: Sequence[int],
    pred_b: Sequence[int],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """Paired bootstrap of macro-F1(b) - macro-F1(a) on the same test examples (notebook 03).

    Macro-F1 is not a mean of per-example scores, so each resample recomputes it for both systems
    on the same resampled examples. Returns mean_diff (on the full set), ci_low, ci_high and
    frac_b_better, like `paired_bootstrap_diff`. Classes absent from a resample score 0 there.
    """
    y, a, b = (np.asarray(v, dtype=int) for v in (y_true, pred_a, pred_b))
    if not (y.shape == a.shape == b.shape):
        raise ValueError(f"Got {y.size} labels, {a.size} and {b.size} predictions; pass one prediction per "
                         "example for both systems, in the same order")
    _check_bootstrap(y.astype(float), n_resamples, confidence)
    labels = np.array(sorted(set(y.tolist()) | set(a.tolist()) | set(b.tolist())))
    y_i, a_i, b_i = (np.searchsorted(labels, v) for v in (y, a, b))  # class indices 0..k-1
    rng = np.random.default_rng(seed)
    idx = np.stack([rng.integers(0, y.size, size=y.size) for _ in range(n_resamples)])  # the same draws as before
    diffs = _macro_f1_rows(y_i[idx], b_i[idx], labels.size) - _macro_f1_rows(y_i[idx], a_i[idx], labels.size)
    full = _macro_f1_rows(y_i[None], b_i[None], labels.size) - _macro_f1_rows(y_i[None], a_i[None], labels.size)
    low, high = _percentiles(diffs, confidence)
    return {"mean_diff": float(full[0]), "ci_low": low, "ci_high": high,
            "frac_b_better": float(np.mean(diffs > 0))}
