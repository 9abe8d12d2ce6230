"""Load and validate the course's data sets (taught in notebook 02, section 2.1).

Cleaning (normalise, de-duplicate, group references, split) is in helpers.cleaning; prompts and
tokenization in helpers.formatting. Two sources, same result: `"local"` reads the shipped copies in
`data/` (offline, smoke profile), `"hub"` downloads the real sets (gpu profile, Colab). Both return a
`DatasetDict` with train/validation/test splits and the same columns, and both go through
`validate_rows`, which drops bad rows loudly (a printed `DropReport`), never silently.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value

from .paths import DATA_DIR

SPLITS = ("train", "validation", "test")
SOURCES = ("local", "hub")

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


def _load_splits(name: str, source: str, data_dir: Path | None, hub_rows, columns: list[str],
                 features: Features, allowed: dict[str, set] | None = None) -> DatasetDict:
    """The body both loaders share: raw rows per split (hub or data/<name>/), validated, typed."""
    _check_source(source)
    if source == "hub":
        raw, names = hub_rows()
    else:
        folder = Path(data_dir or DATA_DIR) / name
        raw = {split: read_jsonl(folder / f"{split}.jsonl") for split in SPLITS}
        names = {split: display_path(folder / f"{split}.jsonl") for split in SPLITS}
    out = {}
    for split in SPLITS:
        rows, report = validate_rows(raw[split], columns, names[split], allowed=allowed)
        print(report)
        out[split] = _to_dataset(rows, columns, features)
    return DatasetDict(out)


def load_dialogsum(source: str = "local", data_dir: Path | None = None) -> DatasetDict:
    """DialogSum (hub) or the shipped look-alike (local): columns id, dialogue, summary, topic."""
    def hub_rows() -> tuple[dict[str, list[dict]], dict[str, str]]:
        from datasets import load_dataset
        hub = load_dataset(DIALOGSUM_HUB_ID)
        return ({split: hub[split].to_list() for split in SPLITS},
                {split: f"{DIALOGSUM_HUB_ID}[{split}]" for split in SPLITS})
    return _load_splits("dialogsum", source, data_dir, hub_rows, DIALOGSUM_COLUMNS, DIALOGSUM_FEATURES)


def load_sentiment(source: str = "local", data_dir: Path | None = None) -> DatasetDict:
    """Three-class sentiment: tweet_eval (hub) or the shipped reviews (local); label is a ClassLabel."""
    def hub_rows() -> tuple[dict[str, list[dict]], dict[str, str]]:
        from datasets import load_dataset
        hub = load_dataset(SENTIMENT_HUB_ID, SENTIMENT_HUB_CONFIG)
        # hub labels are ints 0/1/2: name them like the local files
        return ({split: [{**r, "label": _label_name(r.get("label"))} for r in hub[split].to_list()]
                 for split in SPLITS},
                {split: f"{SENTIMENT_HUB_ID}/{SENTIMENT_HUB_CONFIG}[{split}]" for split in SPLITS})
    return _load_splits("sentiment", source, data_dir, hub_rows, SENTIMENT_COLUMNS, SENTIMENT_FEATURES,
                        allowed={"label": set(SENTIMENT_LABELS)})


def load_general_text(path: Path | None = None) -> list[str]:
    """Held-out general English (data/general/heldout.txt, written for the course): paragraphs on everyday topics,
    none from the tasks' data; notebook 01 measures what pretraining buys on it."""
    path = Path(path or DATA_DIR / "general" / "heldout.txt")
    if not path.is_file():
        raise FileNotFoundError(f"{display_path(path)} is missing: it ships with the repository (git checkout data/)")
    paragraphs = [" ".join(p.split()) for p in path.read_text(encoding="utf-8").split("\n\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValueError(f"{display_path(path)} holds no text: paragraphs are separated by blank lines")
    return paragraphs


def _label_name(label: Any) -> Any:
    """Map an int class id to its name; anything else passes through for validation."""
    if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(SENTIMENT_LABELS):
        return SENTIMENT_LABELS[label]
    return label
