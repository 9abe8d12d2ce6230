"""Clean the loaded sets: normalise, de-duplicate, group references, drop outliers and leakage, split.

Taught in notebook 02 (sections 2.3-2.5): each step returns what it kept and a count per reason
(a DropReport), never a silent drop. Also the speaker-swap augmentation (2.9).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from datasets import ClassLabel, Dataset, DatasetDict, Value

from .data import (
    DIALOGSUM_COLUMNS,
    DIALOGSUM_GROUPED_COLUMNS,
    DIALOGSUM_GROUPED_FEATURES,
    SENTIMENT_COLUMNS,
    SENTIMENT_FEATURES,
    SENTIMENT_LABELS,
    _to_dataset,
    validate_rows,
)
from .text import near_duplicate_key, normalize_text  # notebook 02 imports them from here

# Word-count bounds outside which a row is a length outlier (inclusive bounds are kept).
DIALOGSUM_BOUNDS = {"dialogue": (10, 1500), "summary": (3, 300)}
SENTIMENT_BOUNDS = {"text": (1, 200)}


def normalize_rows(rows: Sequence[dict], columns: Sequence[str]) -> tuple[list[dict], int]:
    """Apply `normalize_text` to the string `columns`; returns the rows and how many changed."""
    out, changed = [], 0
    for row in rows:
        new = {**row, **{c: normalize_text(row[c]) for c in columns if isinstance(row.get(c), str)}}
        changed += new != row
        out.append(new)
    return out, changed


def drop_duplicates(rows: Sequence[dict], column: str, reference: str | None = None
                    ) -> tuple[list[dict], dict[str, int]]:
    """Keep the first row per `column` text (per column + reference pair if given); count exact and near duplicates."""
    exact: set[Any] = set()
    near: set[Any] = set()
    cols = [column] if reference is None else [column, reference]
    kept, counts = [], {"exact duplicate": 0, "near duplicate": 0}
    for row in rows:
        text, key = tuple(row[c] for c in cols), tuple(near_duplicate_key(row[c]) for c in cols)
        if text in exact:
            counts["exact duplicate"] += 1
        elif key in near:
            counts["near duplicate"] += 1
        else:
            kept.append(row)
        exact.add(text)
        near.add(key)
    return kept, counts


# --- several references per dialogue (DialogSum's test split: ids test_N_1..test_N_3) ----------
REFERENCE_LISTS = {"summary": "references", "topic": "topics"}  # column -> its list per dialogue
REFERENCE_ID_RE = re.compile(r"^(.+_\d+)_\d+$")  # test_12_3 -> test_12; test_0012, train_5 unchanged


def dialogue_id(row_id: str) -> str:
    """A row id without its reference suffix: 'test_12_3' -> 'test_12'; other ids unchanged."""
    match = REFERENCE_ID_RE.match(row_id)
    return match.group(1) if match else row_id


def group_rows(rows: Sequence[dict], key_column: str = "dialogue",
               lists: dict[str, str] = REFERENCE_LISTS) -> tuple[list[dict], int]:
    """One row per `key_column` (near-duplicate key), adding each `lists` column's distinct values;
    and how many rows merged."""
    groups: dict[str, dict] = {}
    for row in rows:
        key = near_duplicate_key(row[key_column])
        if key not in groups:
            groups[key] = {**row, **{dst: [] for src, dst in lists.items() if src in row}}
            if isinstance(row.get("id"), str):
                groups[key]["id"] = dialogue_id(row["id"])
        group = groups[key]
        for src, dst in lists.items():
            if src in row and row[src] not in group[dst]:
                group[dst].append(row[src])
    return list(groups.values()), len(rows) - len(groups)


def group_references(ds: Dataset) -> Dataset:
    """One row per dialogue: id (no _k suffix), dialogue, summary and topic (first), references and topics (lists)."""
    missing = {"id", "dialogue", "summary"} - set(ds.column_names)
    if missing:
        raise ValueError(f"group_references needs columns id, dialogue and summary; {sorted(missing)} "
                         f"missing from {ds.column_names}")
    if len(ds) == 0:
        raise ValueError("group_references got an empty data set; pass at least one row")
    grouped, merged = group_rows(ds.to_list())
    several = sum(len(r["references"]) > 1 for r in grouped)
    print(f"group_references: {len(ds)} rows -> {len(grouped)} dialogues, {several} with more than one "
          f"reference ({merged} rows merged into an earlier row of the same dialogue)")
    return Dataset.from_list(grouped)


def word_count(text: str) -> int:
    """Whitespace-separated words in `text`."""
    return len(text.split())


def drop_length_outliers(rows: Sequence[dict], bounds: dict[str, tuple[int, int]]
                         ) -> tuple[list[dict], dict[str, int]]:
    """Drop rows whose word count in a bounded column is below/above its (min, max) bounds."""
    kept, counts = [], {"too short": 0, "too long": 0}
    for row in rows:
        reason = None
        for col, (low, high) in bounds.items():
            n = word_count(row[col])
            if n < low or n > high:
                reason = "too short" if n < low else "too long"
                break
        if reason:
            counts[reason] += 1
        else:
            kept.append(row)
    return kept, counts


def drop_leakage(splits: dict[str, list[dict]], column: str,
                 order: Sequence[str] = ("test", "validation", "train")
                 ) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Remove from each split the rows whose `column` (near-duplicate key) is in an earlier split.

    The test split wins: a dialogue in both train and test leaves train, so the test set stays
    the same and scores stay comparable. Returns the splits and a count per split.
    """
    unknown = [s for s in splits if s not in order]
    if unknown:
        raise ValueError(f"splits {unknown} are not in order={list(order)}; list every split")
    seen: set[str] = set()
    out, counts = {}, {}
    for split in [s for s in order if s in splits]:
        keys = [near_duplicate_key(r[column]) for r in splits[split]]
        out[split] = [r for r, k in zip(splits[split], keys) if k not in seen]
        counts[split] = len(splits[split]) - len(out[split])
        seen.update(keys)
    return {s: out[s] for s in splits}, counts


def clean_splits(splits: dict[str, Sequence[Any]], required: Sequence[str], text_columns: Sequence[str],
                 key_column: str, bounds: dict[str, tuple[int, int]],
                 allowed: dict[str, set] | None = None, references: dict[str, str] | None = None
                 ) -> tuple[dict[str, list[dict]], dict[str, dict[str, int]]]:
    """Validate, normalize, de-duplicate, drop length outliers (not from `test`) and cross-split leaks, counting each.

    With `references` ({column: list column}, e.g. REFERENCE_LISTS), a row that repeats a key with
    another value of the first column is one more reference, not a duplicate: such rows are
    grouped into one row per key ('references grouped'), and duplicates are rows repeating both.
    Returns the cleaned splits and {split: {step or reason: count}}; 'normalized' counts rows
    changed (kept), every other count is rows removed (or merged into another row).
    """
    reference = next(iter(references)) if references else None
    out, report = {}, {}
    for split, rows in splits.items():
        rows, drops = validate_rows(list(rows), required, split, allowed)
        rows, changed = normalize_rows(rows, text_columns)
        # normalizing can empty a field (e.g. only a zero-width or control char): validate again
        rows, drops2 = validate_rows(rows, required, split, allowed)
        rows, dups = drop_duplicates(rows, key_column, reference)
        if split == "test":  # the benchmark: scored as it comes, long or short (generation cuts what is too long)
            lengths = {"too short": 0, "too long": 0}
        else:
            rows, lengths = drop_length_outliers(rows, bounds)
        missing = Counter(drops.dropped) + Counter(drops2.dropped)
        report[split] = {"rows in": drops.total, "missing or empty": sum(missing.values()),
                         "normalized": changed, **dups, **lengths}
        if references:
            rows, report[split]["references grouped"] = group_rows(rows, key_column, references)
        out[split] = rows
    out, leaks = drop_leakage(out, key_column)
    for split in out:
        report[split]["leak (in an earlier split)"] = leaks[split]
        report[split]["rows out"] = len(out[split])
    return out, report


def _rows(split: Dataset | Sequence[dict]) -> list[dict]:
    """Rows of a Dataset or a list as plain dicts."""
    return split.to_list() if isinstance(split, Dataset) else list(split)


def prepare_dialogsum(ds: DatasetDict | dict[str, Any], bounds: dict[str, tuple[int, int]] | None = None
                      ) -> tuple[DatasetDict, dict[str, dict[str, int]]]:
    """Clean DialogSum splits (notebook 02): one row per dialogue with its references, and a count
    per step and split."""
    splits = {s: _rows(d) for s, d in ds.items()}
    clean, report = clean_splits(splits, DIALOGSUM_COLUMNS, ["dialogue", "summary", "topic"],
                                 "dialogue", bounds or DIALOGSUM_BOUNDS, references=REFERENCE_LISTS)
    return DatasetDict({s: _to_dataset(r, DIALOGSUM_GROUPED_COLUMNS, DIALOGSUM_GROUPED_FEATURES)
                        for s, r in clean.items()}), report


def cleaning_summary(report: dict[str, dict[str, int]]) -> str:
    """One line from a prepare_* report: rows in and out per split, then every nonzero reason (or "none").

    For the notebooks that train on notebook 02's cleaning, so a reader sees what it removed or merged.
    """
    sizes = ", ".join(f"{split} {c['rows in']:,} -> {c['rows out']:,}" for split, c in report.items())
    reasons = [f"{split}: " + ", ".join(f"{reason} {n:,}" for reason, n in counts.items())
               for split, c in report.items()
               if (counts := {k: v for k, v in c.items() if k not in ("rows in", "rows out") and v})]
    return f"notebook 02's cleaning: rows {sizes}; removed, merged or normalized: {'; '.join(reasons) or 'none'}"


def prepare_sentiment(ds: DatasetDict | dict[str, Any], bounds: dict[str, tuple[int, int]] | None = None
                      ) -> tuple[DatasetDict, dict[str, dict[str, int]]]:
    """Clean sentiment splits (notebook 02): labels as ClassLabel ids, and a count per step and split."""
    splits = {s: [{**r, "label": _label_id(r.get("label"))} for r in _rows(d)] for s, d in ds.items()}
    clean, report = clean_splits(splits, SENTIMENT_COLUMNS, ["text"], "text",
                                 bounds or SENTIMENT_BOUNDS,
                                 allowed={"label": set(range(len(SENTIMENT_LABELS)))})
    return DatasetDict({s: _to_dataset(r, SENTIMENT_COLUMNS, SENTIMENT_FEATURES)
                        for s, r in clean.items()}), report


def _label_id(label: Any) -> Any:
    """A label name to its class id; ids and anything else pass through for validation."""
    return SENTIMENT_LABELS.index(label) if label in SENTIMENT_LABELS else label


# --- inspection and splits ---------------------------------------------------------------
def label_shares(ds: Dataset, column: str = "label") -> dict[str, float]:
    """Share of each class in `ds` (ClassLabel names as keys), in the class order."""
    names = ds.features[column].names
    counts = Counter(ds[column])
    return {name: counts.get(i, 0) / max(len(ds), 1) for i, name in enumerate(names)}


def topic_groups(topics: Sequence[str], min_size: int) -> list[str]:
    """Each topic, or "other (N topics)" for the N topics with fewer than `min_size` rows (for slices and strata)."""
    if isinstance(topics, str):
        raise TypeError("pass a list of topics, one per row, not one string")
    if min_size < 1:
        raise ValueError(f"min_size must be >= 1, got {min_size}")
    counts = Counter(topics)
    rare = {t for t, n in counts.items() if n < min_size}
    other = f"other ({len(rare)} topics)"
    return [other if t in rare else t for t in topics]


def min_stratum_size(test_size: float, n_rows: int) -> int:
    """Rows a stratum needs to expect at least one row on each side of a split (and never below 2)."""
    share = test_size / n_rows if isinstance(test_size, int) else test_size
    if not 0 < share < 1:
        raise ValueError(f"test_size must be a share in (0, 1) or a row count below {n_rows}, got {test_size}")
    return max(2, math.ceil(1 / min(share, 1 - share)))


def _strata(values: list[str], min_size: int, column: str) -> list[str]:
    """`values` with those rarer than `min_size` lumped by topic_groups, saying so; a lone rare row is an error."""
    strata = topic_groups(values, min_size)
    n_rare = len({v for v, s in zip(values, strata) if v != s})
    if n_rare:
        if strata.count(f"other ({n_rare} topics)") < 2:
            raise ValueError(f"one row of {column!r} has a value rarer than min_size={min_size} and no other "
                             f"rare row to share a stratum with; drop that row or relabel it")
        print(f"stratified_split: {n_rare} values of {column!r} with fewer than {min_size} rows each "
              f"are stratified together as one group")
    return strata


def stratified_split(ds: Dataset, test_size: float, seed: int, column: str = "label",
                     min_size: int | None = None) -> DatasetDict:
    """Split into train/test keeping the shares of `column` (a ClassLabel or strings) in both.

    Values with fewer than `min_size` rows (default: enough to expect one in the test part) are
    stratified together as one group, so near-unique values (DialogSum's topics) do not break it.
    """
    feature = ds.features.get(column)
    is_label = isinstance(feature, ClassLabel)
    if not is_label and feature != Value("string"):
        raise TypeError(f"column {column!r} must be a ClassLabel or strings to stratify, got {feature}")
    values = [feature.int2str(v) for v in ds[column]] if is_label else list(ds[column])
    strata = _strata(values, min_size or min_stratum_size(test_size, len(ds)), column)
    if strata == values and is_label:  # nothing lumped: stratify on the labels themselves
        return ds.train_test_split(test_size=test_size, seed=seed, stratify_by_column=column)
    tmp = ds.add_column("_stratum", strata).class_encode_column("_stratum")
    split = tmp.train_test_split(test_size=test_size, seed=seed, stratify_by_column="_stratum")
    return split.remove_columns("_stratum")



# --- augmentation ------------------------------------------------------------------------
def swap_speakers(text: str) -> str:
    """Swap the tags #Person1# and #Person2# everywhere in `text` (dialogue or summary)."""
    return text.replace("#Person1#", "\0").replace("#Person2#", "#Person1#").replace("\0", "#Person2#")


def augment_speaker_swap(ds: Dataset) -> Dataset:
    """A copy of DialogSum rows with speakers swapped in dialogue and summary (and references); ids get '_swap'."""
    def _swap(r: dict) -> dict:
        out = {"id": r["id"] + "_swap", "dialogue": swap_speakers(r["dialogue"]),
               "summary": swap_speakers(r["summary"])}
        if "references" in r:
            out["references"] = [swap_speakers(x) for x in r["references"]]
        return out
    return ds.map(_swap)


def _untagged(text: str) -> str:
    """`text` without speaker tags."""
    return text.replace("#Person1#", "").replace("#Person2#", "")


def check_speaker_swap(original: Dataset, augmented: Dataset) -> dict[str, int]:
    """Count augmented rows that break each of the swap's promises, and rows that break any (all 0: labels
    stayed right). A row counts once per promise, whichever of its columns broke it, and once in
    "rows with a problem" however many promises it broke, so that count never exceeds the rows checked."""
    bad = Counter({"not an involution": 0, "tag counts not swapped": 0, "summary changed otherwise": 0})
    rows_bad = 0
    for o, a in zip(original, augmented, strict=True):
        broken = {
            "not an involution": any(swap_speakers(a[col]) != o[col] for col in ("dialogue", "summary")),
            "tag counts not swapped": any(
                (a[col].count("#Person1#"), a[col].count("#Person2#"))
                != (o[col].count("#Person2#"), o[col].count("#Person1#")) for col in ("dialogue", "summary")),
            "summary changed otherwise": _untagged(a["summary"]) != _untagged(o["summary"]),
        }
        bad.update({reason: 1 for reason, hit in broken.items() if hit})
        rows_bad += any(broken.values())
    return {**bad, "rows with a problem": rows_bad}
