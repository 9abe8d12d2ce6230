"""Load, validate and format the course's data sets (taught in notebook 02).

Two sources, same result: `"local"` reads the shipped copies in `data/` (offline, smoke
profile), `"hub"` downloads the real sets (gpu profile, Colab). Both return a `DatasetDict`
with train/validation/test splits and the same columns, and both go through
`validate_rows`, which drops bad rows loudly (a printed `DropReport`), never silently.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value

from .paths import DATA_DIR
from .text import near_duplicate_key, normalize_text  # notebook 02 imports them from here

SPLITS = ("train", "validation", "test")
SOURCES = ("local", "hub")

SUMMARY_PROMPT = "Summarize the following conversation:\n{dialogue}\nSummary:"
DIALOGSUM_HUB_ID = "knkarthick/dialogsum"
DIALOGSUM_COLUMNS = ["id", "dialogue", "summary", "topic"]

SENTIMENT_LABELS = ["negative", "neutral", "positive"]
SENTIMENT_HUB_ID = "cardiffnlp/tweet_eval"
SENTIMENT_HUB_CONFIG = "sentiment"  # labels 0 negative, 1 neutral, 2 positive
SENTIMENT_COLUMNS = ["text", "label"]

MAX_EXAMPLES = 5  # offending rows quoted in a DropReport


class DataValidationError(ValueError):
    """A data file or table is unusable as a whole (bad JSON, a column missing everywhere)."""


@dataclass
class DropReport:
    """What `validate_rows` kept and dropped, and why; print it so no row vanishes silently."""

    source: str
    total: int
    kept: int
    dropped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.dropped:
            return f"{self.source}: kept {self.kept} of {self.total} rows, dropped none"
        reasons = ", ".join(f"{reason}: {n}" for reason, n in self.dropped.items())
        where = "; ".join(self.examples)
        return (f"{self.source}: kept {self.kept} of {self.total} rows, dropped "
                f"{self.total - self.kept} ({reasons}); first: {where}")


def read_jsonl(path: Path) -> list[dict]:
    """Read one JSON object per line (blank lines skipped); errors name the file and line."""
    path = Path(path)
    rows = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise DataValidationError(
                    f"{path}, line {line_no}: invalid JSON ({err.msg}). Each line must be one "
                    f"JSON object; fix or delete that line, or regenerate the file with "
                    f"`python data/make_data.py`.") from err
    return rows


def _problem(row: Any, required: Sequence[str], allowed: dict[str, set] | None) -> str | None:
    """The first reason to drop `row`, or None when it is usable."""
    if not isinstance(row, dict):
        return "not a JSON object"
    for col in required:
        value = row.get(col)
        if value is None:
            return f"missing {col}"
        if isinstance(value, str) and not value.strip():
            return f"empty {col}"
    for col, ok in (allowed or {}).items():
        if col in row and row[col] not in ok:
            return f"bad {col}"
    return None


def validate_rows(rows: Sequence[Any], required: Sequence[str], source: str,
                  allowed: dict[str, set] | None = None) -> tuple[list[dict], DropReport]:
    """Keep rows whose required fields are present, non-blank and allowed; report the rest."""
    dicts = [r for r in rows if isinstance(r, dict)]
    absent = [c for c in required if dicts and not any(c in r for r in dicts)]
    if not dicts and rows:
        absent = list(required)
    if absent:
        found = sorted({k for r in dicts for k in r})
        raise DataValidationError(
            f"{source}: required column(s) {absent} missing from every row (found columns "
            f"{found}). Rename the column(s) to {list(required)} before loading, or check that "
            f"this is the right file.")
    kept, dropped, examples = [], Counter(), []
    for row_no, row in enumerate(rows, start=1):
        reason = _problem(row, required, allowed)
        if reason is None:
            kept.append(row)
            continue
        dropped[reason] += 1
        if len(examples) < MAX_EXAMPLES:
            examples.append(f"row {row_no} ({reason})")
    report = DropReport(source=source, total=len(rows), kept=len(kept),
                        dropped=dict(dropped), examples=examples)
    return kept, report


def _check_source(source: str) -> None:
    """Raise a ValueError naming the allowed values when `source` is not one of them."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {list(SOURCES)}, got {source!r}")


def display_path(path: Path) -> str:
    """A path relative to the repository when inside it (notebook outputs show no machine paths)."""
    try:
        return str(Path(path).resolve().relative_to(DATA_DIR.parent))
    except ValueError:
        return Path(path).name


def _to_dataset(rows: list[dict], columns: list[str], features: Features) -> Dataset:
    """Build a Dataset with exactly `columns`, typed by `features`."""
    return Dataset.from_dict({c: [r[c] for r in rows] for c in columns}, features=features)


DIALOGSUM_FEATURES = Features({c: Value("string") for c in DIALOGSUM_COLUMNS})
# prepare_dialogsum's output: one row per dialogue, all its references (and their topics) in lists
DIALOGSUM_GROUPED_COLUMNS = [*DIALOGSUM_COLUMNS, "references", "topics"]
DIALOGSUM_GROUPED_FEATURES = Features({**DIALOGSUM_FEATURES, "references": List(Value("string")),
                                       "topics": List(Value("string"))})
SENTIMENT_FEATURES = Features({"text": Value("string"),
                               "label": ClassLabel(names=SENTIMENT_LABELS)})


def load_dialogsum(source: str = "local", data_dir: Path | None = None) -> DatasetDict:
    """DialogSum (hub) or the shipped look-alike (local): columns id, dialogue, summary, topic."""
    _check_source(source)
    if source == "hub":
        from datasets import load_dataset
        hub = load_dataset(DIALOGSUM_HUB_ID)
        raw = {split: hub[split].to_list() for split in SPLITS}
        names = {split: f"{DIALOGSUM_HUB_ID}[{split}]" for split in SPLITS}
    else:
        folder = Path(data_dir or DATA_DIR) / "dialogsum"
        raw = {split: read_jsonl(folder / f"{split}.jsonl") for split in SPLITS}
        names = {split: display_path(folder / f"{split}.jsonl") for split in SPLITS}
    out = {}
    for split in SPLITS:
        rows, report = validate_rows(raw[split], DIALOGSUM_COLUMNS, names[split])
        print(report)
        out[split] = _to_dataset(rows, DIALOGSUM_COLUMNS, DIALOGSUM_FEATURES)
    return DatasetDict(out)


def load_sentiment(source: str = "local", data_dir: Path | None = None) -> DatasetDict:
    """Three-class sentiment: tweet_eval (hub) or the shipped reviews (local); label is a ClassLabel."""
    _check_source(source)
    if source == "hub":
        from datasets import load_dataset
        hub = load_dataset(SENTIMENT_HUB_ID, SENTIMENT_HUB_CONFIG)
        raw = {}
        for split in SPLITS:  # hub labels are ints 0/1/2: name them like the local files
            raw[split] = [{**r, "label": _label_name(r.get("label"))} for r in hub[split].to_list()]
        names = {split: f"{SENTIMENT_HUB_ID}/{SENTIMENT_HUB_CONFIG}[{split}]" for split in SPLITS}
    else:
        folder = Path(data_dir or DATA_DIR) / "sentiment"
        raw = {split: read_jsonl(folder / f"{split}.jsonl") for split in SPLITS}
        names = {split: display_path(folder / f"{split}.jsonl") for split in SPLITS}
    out = {}
    for split in SPLITS:
        rows, report = validate_rows(raw[split], SENTIMENT_COLUMNS, names[split],
                                     allowed={"label": set(SENTIMENT_LABELS)})
        print(report)
        out[split] = _to_dataset(rows, SENTIMENT_COLUMNS, SENTIMENT_FEATURES)
    return DatasetDict(out)


def _label_name(label: Any) -> Any:
    """Map an int class id to its name; anything else passes through for validation."""
    if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(SENTIMENT_LABELS):
        return SENTIMENT_LABELS[label]
    return label


def format_summary_prompt(dialogue: str) -> str:
    """The seed recipe's prompt with `dialogue` filled in."""
    return SUMMARY_PROMPT.format(dialogue=dialogue)


def to_prompt_completion(ds: Dataset, tokenizer: Any = None, max_length: int | None = None) -> Dataset:
    """DialogSum rows to TRL's prompt-completion format: id, prompt, completion (' ' + summary).

    With a tokenizer and max_length, a prompt too long for prompt + completion + EOS to fit loses
    dialogue tokens from its end (fit_prompt), so packing, which cuts from the end, never cuts a summary.
    """
    if (tokenizer is None) != (max_length is None):
        raise ValueError("pass both tokenizer and max_length to fit the prompts, or neither")
    prompts = [format_summary_prompt(d) for d in ds["dialogue"]]
    completions = [" " + s for s in ds["summary"]]
    if tokenizer is not None:
        fitted = [fit_prompt(p, c, tokenizer, max_length) for p, c in zip(prompts, completions)]
        n_cut = sum(f != p for f, p in zip(fitted, prompts))
        print(f"to_prompt_completion: {n_cut} of {len(prompts)} prompts shortened (dialogue cut at its end) "
              f"so that prompt + summary + EOS fit max_length={max_length}")
        prompts = fitted
    ids = {"id": list(ds["id"])} if "id" in ds.column_names else {}
    return Dataset.from_dict({**ids, "prompt": prompts, "completion": completions})


def sft_length(prompt: str, completion: str, tokenizer: Any) -> int:
    """Tokens of a prompt/completion row as TRL's SFTTrainer tokenizes it: prompt + completion + EOS text."""
    return len(tokenizer(prompt + completion + tokenizer.eos_token)["input_ids"])


def completion_lengths(ds: Dataset, tokenizer: Any) -> list[int]:
    """Completion tokens (EOS included) of each prompt/completion row, counted the way TRL's SFTTrainer does.

    TRL tokenizes prompt and prompt + completion + EOS, and the completion starts where they diverge.
    """
    eos = tokenizer.eos_token
    full = [p + c + ("" if c.endswith(eos) else eos) for p, c in zip(ds["prompt"], ds["completion"])]
    prompt_ids = tokenizer(list(ds["prompt"]))["input_ids"]
    full_ids = tokenizer(full)["input_ids"]
    return [len(f) - _common_prefix(p, f) for p, f in zip(prompt_ids, full_ids)]


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Number of leading items `a` and `b` share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _token_prefix(text: str, tokenizer: Any, n_tokens: int) -> str:
    """The start of `text` covered by its first `n_tokens` tokens (exact characters where offsets exist)."""
    if getattr(tokenizer, "is_fast", False):
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return text[:offsets[n_tokens - 1][1]]
    return tokenizer.decode(tokenizer(text, add_special_tokens=False)["input_ids"][:n_tokens])


def fit_prompt(prompt: str, completion: str, tokenizer: Any, max_length: int) -> str:
    """`prompt` with its body cut from the end (last line kept, as in tokenize_prompt_completion) to fit max_length."""
    if tokenizer.eos_token is None:
        raise ValueError("the tokenizer has no eos_token; set tokenizer.eos_token first")
    over = sft_length(prompt, completion, tokenizer) - max_length
    if over <= 0:
        return prompt
    body, sep, cue = prompt.rpartition("\n")
    body, cue = (body, sep + cue) if sep else (prompt, "")
    room = len(tokenizer(body, add_special_tokens=False)["input_ids"]) - over
    while room >= 1:
        fitted = _token_prefix(body, tokenizer, room) + cue
        over = sft_length(fitted, completion, tokenizer) - max_length
        if over <= 0:
            return fitted
        room -= over  # tokens can merge differently once cut: take off what is still over
    need = sft_length(cue, completion, tokenizer)
    raise ValueError(f"max_length={max_length} is too small: the completion, EOS and the prompt's last line "
                     f"alone take {need} tokens; raise max_length to at least {need + 1} or shorten the "
                     f"completion.")


def _last_line_ids(prompt: str, tokenizer: Any) -> list[int]:
    """Token ids of the prompt's last line with its newline (the "Summary:" cue); [] if one line."""
    _, sep, cue = prompt.rpartition("\n")
    return tokenizer(sep + cue, add_special_tokens=False)["input_ids"] if sep else []


def truncate_prompt_ids(prompt: str, tokenizer: Any, room: int) -> list[int]:
    """Prompt token ids, at most `room`: the body (the dialogue) loses tokens from its end, the last line stays.

    Used for training rows (tokenize_prompt_completion) and for generation (generate_summaries), so a
    long dialogue is cut the same way in both. Raises ValueError if `room` cannot hold the last line
    and one body token.
    """
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    if len(prompt_ids) <= room:
        return prompt_ids
    body, sep, _ = prompt.rpartition("\n")
    cue_ids = _last_line_ids(prompt, tokenizer)
    body_room = room - len(cue_ids)
    if body_room < 1:
        raise ValueError(f"room={room} tokens cannot hold the prompt's last line ({len(cue_ids)} "
                         f"tokens) and any of its body; allow at least {len(cue_ids) + 1}")
    body_ids = tokenizer(body if sep else prompt, add_special_tokens=False)["input_ids"]
    return body_ids[:body_room] + cue_ids


def tokenize_prompt_completion(prompt: str, completion: str, tokenizer: Any,
                               max_length: int) -> dict[str, list[int]]:
    """Token ids for prompt + completion + EOS, with labels -100 over the prompt (not learned).

    Too long: the prompt loses tokens from the end of its body (the dialogue), while its last
    line (e.g. "Summary:") and the whole completion are kept (truncate_prompt_ids).
    """
    if tokenizer.eos_token_id is None:
        raise ValueError("the tokenizer has no eos_token_id; set tokenizer.eos_token first")
    target = tokenizer(completion, add_special_tokens=False)["input_ids"]
    target = [*target, tokenizer.eos_token_id]
    try:
        prompt_ids = truncate_prompt_ids(prompt, tokenizer, max_length - len(target))
    except ValueError:
        n_cue = len(_last_line_ids(prompt, tokenizer))
        raise ValueError(
            f"max_length={max_length} is too small: the completion needs {len(target)} "
            f"tokens (EOS included) and the prompt's last line {n_cue}; raise "
            f"max_length to at least {len(target) + n_cue + 1} or shorten the "
            f"completion.") from None
    input_ids = prompt_ids + target
    return {"input_ids": input_ids,
            "attention_mask": [1] * len(input_ids),
            "labels": [-100] * len(prompt_ids) + target}


# --- cleaning (notebook 02) --------------------------------------------------------------
# Every step returns what it kept and a count per reason, so nothing is dropped silently.

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
    """Validate, normalize, de-duplicate, drop length outliers and cross-split leaks, counting each.

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


def token_lengths(texts: Sequence[str], tokenizer: Any) -> list[int]:
    """Number of tokens of each text (no special tokens added)."""
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]


def percentile_rank(lengths: Sequence[int], max_length: int) -> float:
    """Percent of lengths that fit in `max_length`: the percentile the cut-off sits at."""
    if not lengths:
        raise ValueError("lengths is empty")
    return 100.0 * sum(n <= max_length for n in lengths) / len(lengths)


# --- formatting for causal-LM fine-tuning ------------------------------------------------
# A minimal chat template (Jinja, the format transformers' apply_chat_template uses); role
# markers in the style of instruction-tuned models such as Phi-3. The eos closes each answer.
SIMPLE_CHAT_TEMPLATE = (
    "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] }}"
    "{% if m['role'] == 'assistant' %}{{ eos_token }}{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)


def to_messages(dialogue: str, summary: str | None = None) -> list[dict[str, str]]:
    """A DialogSum row as chat messages: the instruction from the user, the summary from the assistant."""
    messages = [{"role": "user", "content": SUMMARY_PROMPT.removesuffix("\nSummary:").format(
        dialogue=dialogue)}]
    if summary is not None:
        messages.append({"role": "assistant", "content": summary})
    return messages


def tokenize_dialogsum(ds: Dataset, tokenizer: Any, max_length: int) -> Dataset:
    """Seed-prompt + summary token ids with the prompt masked (-100) in labels, for a Trainer."""
    def _one(row: dict) -> dict:
        return tokenize_prompt_completion(format_summary_prompt(row["dialogue"]), " " + row["summary"],
                                          tokenizer, max_length)
    return ds.map(_one, remove_columns=ds.column_names)


# --- padding versus packing --------------------------------------------------------------
def pad_fraction_padded(lengths: Sequence[int], batch_size: int, max_length: int | None = None) -> float:
    """Share of pad tokens when batches (in this order) pad to their longest, or to max_length."""
    if not lengths or batch_size < 1:
        raise ValueError("need at least one length and batch_size >= 1")
    real = total = 0
    for start in range(0, len(lengths), batch_size):
        batch = [min(n, max_length) if max_length else n for n in lengths[start:start + batch_size]]
        width = max_length or max(batch)
        real += sum(batch)
        total += width * len(batch)
    return 1 - real / total


def pack_lengths(lengths: Sequence[int], block_size: int) -> list[list[int]]:
    """First-fit-decreasing packing of whole examples into blocks of `block_size` tokens (indices)."""
    too_long = [n for n in lengths if n > block_size]
    if too_long:
        raise ValueError(f"{len(too_long)} examples are longer than block_size={block_size} "
                         f"(longest {max(too_long)}); truncate them first")
    blocks: list[list[int]] = []
    room: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        slot = next((b for b, free in enumerate(room) if free >= lengths[i]), None)
        if slot is None:
            blocks.append([])
            room.append(block_size)
            slot = len(blocks) - 1
        blocks[slot].append(i)
        room[slot] -= lengths[i]
    return blocks


def pad_fraction_packed(lengths: Sequence[int], block_size: int) -> float:
    """Share of pad tokens when whole examples are packed into blocks of `block_size`."""
    blocks = pack_lengths(lengths, block_size)
    return 1 - sum(lengths) / (len(blocks) * block_size)


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
    """Count augmented rows that break the swap's promises (0s mean labels stayed right)."""
    bad = Counter({"not an involution": 0, "tag counts not swapped": 0, "summary changed otherwise": 0})
    for o, a in zip(original, augmented, strict=True):
        for col in ("dialogue", "summary"):
            if swap_speakers(a[col]) != o[col]:
                bad["not an involution"] += 1
            if (a[col].count("#Person1#"), a[col].count("#Person2#")) != (
                    o[col].count("#Person2#"), o[col].count("#Person1#")):
                bad["tag counts not swapped"] += 1
        bad["summary changed otherwise"] += _untagged(a["summary"]) != _untagged(o["summary"])
    return dict(bad)
