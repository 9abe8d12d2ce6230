"""The shipped data sets: reproducible from data/make_data.py, well-formed, split cleanly."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers.cleaning import near_duplicate_key
from helpers.metrics import unsupported_details
from helpers.paths import DATA_DIR as DATA

SPLITS = ("train", "validation", "test")
SETS = {
    "dialogsum": ({"train": 1500, "validation": 150, "test": 150},
                  ["id", "dialogue", "summary", "topic"]),
    "sentiment": ({"train": 2000, "validation": 200, "test": 200}, ["text", "label"]),
}
LABELS = {"negative", "neutral", "positive"}


def read(name: str, split: str) -> list[dict]:
    with (DATA / name / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_regenerates_byte_identical(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(DATA / "make_data.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, check=True)
    assert "1500" in out.stdout  # it prints what it wrote
    for name in SETS:
        for split in SPLITS:
            fresh = (tmp_path / name / f"{split}.jsonl").read_bytes()
            assert fresh == (DATA / name / f"{split}.jsonl").read_bytes(), (name, split)


@pytest.mark.parametrize("name", list(SETS))
def test_sizes_fields_and_no_empty_values(name: str) -> None:
    sizes, fields = SETS[name]
    for split in SPLITS:
        rows = read(name, split)
        assert len(rows) == sizes[split]
        for row in rows:
            assert list(row) == fields
            assert all(isinstance(v, str) and v.strip() for v in row.values())


def test_dialogsum_format() -> None:
    for split in SPLITS:
        rows = read("dialogsum", split)
        assert [r["id"] for r in rows] == [f"{split}_{i:04d}" for i in range(1, len(rows) + 1)]
        for r in rows:
            turns = r["dialogue"].split("\n")
            assert len(turns) >= 4
            assert all(t.startswith(("#Person1#: ", "#Person2#: ")) for t in turns)
            assert 10 <= len(r["summary"].split()) <= 45
            assert "#Person1#" in r["summary"] or "#Person2#" in r["summary"]


def test_topics_shared_across_splits() -> None:
    train_topics = {r["topic"] for r in read("dialogsum", "train")}
    assert len(train_topics) >= 14
    for split in ("validation", "test"):
        assert {r["topic"] for r in read("dialogsum", split)} == train_topics


def test_sentiment_labels_every_split_same_distribution() -> None:
    shares = []
    for split in SPLITS:
        counts = Counter(r["label"] for r in read("sentiment", split))
        assert set(counts) == LABELS
        shares.append({k: v / sum(counts.values()) for k, v in counts.items()})
    for share in shares[1:]:
        assert all(abs(share[k] - shares[0][k]) < 0.02 for k in LABELS)


@pytest.mark.parametrize("name,key", [("dialogsum", "dialogue"), ("sentiment", "text")])
def test_no_duplicates_within_or_across_splits(name: str, key: str) -> None:
    """Not even near-duplicates (case, punctuation, spacing), which would leak test items into training."""
    keys = [near_duplicate_key(r[key]) for split in SPLITS for r in read(name, split)]
    repeats = [k for k, n in Counter(keys).items() if n > 1]
    assert not repeats, f"{len(repeats)} near-duplicate texts, e.g. {repeats[:3]}"


def _datasheet_stats():
    sys.path.insert(0, str(DATA))
    try:
        import datasheet_stats
    finally:
        sys.path.remove(str(DATA))
    return datasheet_stats


def test_dialogsum_speakers_alternate() -> None:
    """Coherent turn-taking: no speaker has two turns in a row, small talk included."""
    stats = _datasheet_stats()
    broken = [r["id"] for split in SPLITS for r in read("dialogsum", split) if not stats.alternates(r["dialogue"])]
    assert not broken, f"{len(broken)} dialogues with the same speaker twice in a row, e.g. {broken[:3]}"


def test_test_summaries_are_rarely_a_train_summary_verbatim() -> None:
    """At most 2% of test summaries appear word for word in train: summaries are read, not retrieved."""
    train = {r["summary"] for r in read("dialogsum", "train")}
    same = [r["id"] for r in read("dialogsum", "test") if r["summary"] in train]
    assert len(same) <= 0.02 * len(read("dialogsum", "test")), f"{len(same)} test summaries are train summaries"


def test_summary_facts_come_from_large_banks() -> None:
    """Names and places vary independently of the template: hundreds of distinct ones in train summaries."""
    stats = _datasheet_stats()
    names = {w for r in read("dialogsum", "train") for w in stats.details(r["summary"])
             if not any(c.isdigit() for c in w)}
    assert len(names) >= 500, f"only {len(names)} distinct capitalised details in train summaries"


def test_several_summary_phrasings_per_topic() -> None:
    """Every topic has at least three summary openings (first four words, details masked)."""
    stats = _datasheet_stats()
    openings: dict[str, set[str]] = {}
    for r in read("dialogsum", "train"):
        openings.setdefault(r["topic"], set()).add(stats.skeleton(r["summary"]))
    few = {t: sorted(o) for t, o in openings.items() if len(o) < 3}
    assert not few, f"topics with fewer than three summary phrasings: {few}"


def test_summaries_state_only_what_the_dialogue_says() -> None:
    """No reference names a place, person or number the dialogue never mentions (the datasheet's promise)."""
    invented = [(r["id"], found) for split in SPLITS for r in read("dialogsum", split)
                if (found := unsupported_details(r["summary"], r["dialogue"]))]
    assert not invented, f"{len(invented)} summaries with invented details, e.g. {invented[:3]}"


def test_ordinals_are_spelled_right() -> None:
    """21st, 22nd, 23rd, 11th: no '21th' in dialogues or summaries."""
    def ordinal(n: int) -> str:
        return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")

    texts = [r["dialogue"] + "\n" + r["summary"] for split in SPLITS for r in read("dialogsum", split)]
    found = [(m.group(0)) for t in texts for m in re.finditer(r"\b(\d+)(st|nd|rd|th)\b", t)]
    assert found, "expected some ordinals (birthdays) in the data"
    wrong = [w for w in found if w[-2:] != ordinal(int(w[:-2]))]
    assert not wrong, f"misspelled ordinals: {sorted(set(wrong))[:5]}"


def test_datasheet_states_what_the_stats_script_computes() -> None:
    """data/README.md's tables and figures are exactly what data/datasheet_stats.py prints."""
    stats = _datasheet_stats()
    sheet = (DATA / "README.md").read_text(encoding="utf-8")
    for block in (stats.dialogsum_table(), stats.dialogsum_facts(), stats.sentiment_table(),
                  stats.reference_points(), stats.sentiment_vocabulary(), stats.construction_table(),
                  stats.tfidf_reference()):
        assert block in sheet, f"data/README.md is out of date; expected:\n{block}"
    line = stats.contrast_and_bag_of_words()  # "contrasts: N of M (P%); ... unigrams U, ... bigrams B"
    n, total, pct, uni, bi = re.search(r"(\d+) of (\d+) \((\d+)%\).* unigrams ([\d.]+), .* bigrams ([\d.]+)",
                                       line).groups()
    assert f"{pct}% of the train items are contrasts ({n} of {total})" in sheet
    assert f"macro-F1 {uni} with unigrams and {bi} with" in " ".join(sheet.split())


# --- the sentiment set's difficulty (issue 13): see data/README.md, "sentiment/" -----------------
def _sentiment_module():
    """data/make_sentiment.py (its phrase banks and the generator that knows which labels it flipped)."""
    sys.path.insert(0, str(DATA))
    try:
        import make_data
        import make_sentiment
    finally:
        sys.path.remove(str(DATA))
    return make_sentiment, make_data.SEED


def _stats():
    sys.path.insert(0, str(DATA))
    try:
        import datasheet_stats
    finally:
        sys.path.remove(str(DATA))
    return datasheet_stats


def test_sentiment_vocabulary_has_at_least_2000_words() -> None:
    """Lower-cased word types over all splits (the datasheet's definition): a real vocabulary, not ~600 words."""
    words = {w for split in SPLITS for r in read("sentiment", split) for w in _stats().words(r["text"])}
    assert len(words) >= 2000, f"only {len(words)} distinct words"


def test_sentiment_label_noise_is_the_stated_rate_in_every_split() -> None:
    """The generator flips NOISE_RATE of each split's labels (3-5%), the same count per row in every split,
    and the datasheet states the rate; regenerating gives the shipped rows."""
    import random

    ms, seed = _sentiment_module()
    assert 0.03 <= ms.NOISE_RATE <= 0.05
    truth = ms.make_sentiment_with_truth(random.Random(seed + 1))
    rates = {}
    for split in SPLITS:
        shipped = read("sentiment", split)
        assert [{"text": r["text"], "label": r["label"]} for r in truth[split]] == shipped
        rates[split] = sum(r["label"] != r["built_for"] for r in truth[split]) / len(shipped)
        assert 0.03 <= rates[split] <= 0.05, (split, rates[split])
    assert len({round(r, 3) for r in rates.values()}) == 1, rates
    sheet = " ".join((DATA / "README.md").read_text(encoding="utf-8").split())
    assert f"{ms.NOISE_RATE:.0%} of the rows of every split" in sheet


@pytest.mark.parametrize("construction,least", [("but / however", 0.08), ("concessive", 0.025),
                                                ("negated", 0.06), ("interjection", 0.015), ("question", 0.03)])
def test_sentiment_constructions_in_every_split(construction: str, least: float) -> None:
    """Contrast, concession, negation, irony-style interjections and questions appear in every split."""
    pattern = _stats().CONSTRUCTIONS[construction]
    for split in SPLITS:
        rows = read("sentiment", split)
        share = sum(bool(pattern.search(r["text"])) for r in rows) / len(rows)
        assert share >= least, (split, construction, share)


def test_sentiment_irony_is_negative_and_sincere_interjections_positive() -> None:
    """'Great, another two-hour wait.' is negative; an interjection before a good event is positive: both occur."""
    pattern = _stats().CONSTRUCTIONS["interjection"]
    rows = [r for split in SPLITS for r in read("sentiment", split) if pattern.search(r["text"])]
    labels = Counter(r["label"] for r in rows)
    assert labels["negative"] >= 50 and labels["positive"] >= 30, labels
    assert labels["neutral"] <= 0.1 * len(rows), labels  # only label noise


def _plain_pairs(ms) -> tuple[set[str], set[str], re.Pattern]:
    neg = set(ms.NEG_ADJ) | {w for d in ms.DOMAINS.values() for a in d["aspects"] for w in ms._aspect(a)[3]}
    pos = set(ms.POS_ADJ) | {w for d in ms.DOMAINS.values() for a in d["aspects"] for w in ms._aspect(a)[2]}
    # "[lead-in, ]the A was [intensifier/hedge ]ADJ and the B were [intensifier/hedge ]ADJ[, hedge]."
    pair = re.compile(r"^(?:[^,]+, )?[Tt]he ([\w' -]+?) (?:was|were|is|are) (?:[\w-]+ ){0,2}?([\w-]+) and the "
                      r"([\w' -]+?) (?:was|were|is|are) (?:[\w-]+ ){0,2}?([\w-]+)(?:, [\w' ]+)?[.!]$")
    return neg - pos, pos - neg, pair


def test_plain_negatives_like_the_room_was_dirty_are_negative() -> None:
    """'The room was dirty and the staff were rude.': such plain pairs of negative words exist in every split
    and are labelled negative (all but label noise), so a good model must call them negative."""
    ms, _ = _sentiment_module()
    neg, pos, pair = _plain_pairs(ms)
    for split in SPLITS:
        found = [(r["label"], m) for r in read("sentiment", split) if (m := pair.match(r["text"]))]
        negatives = [lab for lab, m in found if m.group(2) in neg and m.group(4) in neg]
        positives = [lab for lab, m in found if m.group(2) in pos and m.group(4) in pos]
        assert len(negatives) >= (20 if split == "train" else 1), (split, len(negatives))
        assert len(positives) >= (20 if split == "train" else 1), (split, len(positives))
        assert negatives.count("negative") >= 0.85 * len(negatives), (split, Counter(negatives))
        assert positives.count("positive") >= 0.85 * len(positives), (split, Counter(positives))


def test_neutral_statements_carry_no_evaluative_words() -> None:
    """Neutral texts that are statements (not questions, not label noise) use no generic evaluative word and
    no lukewarm one ('okay', 'average', 'so-so'): neutral means no opinion."""
    import random

    ms, seed = _sentiment_module()
    evaluative = {w.lower() for w in ms.POS_ADJ + ms.NEG_ADJ} | {"okay", "average", "so-so", "fine", "mediocre"}
    truth = ms.make_sentiment_with_truth(random.Random(seed + 1))
    bad = [r["text"] for split in SPLITS for r in truth[split]
           if r["built_for"] == "neutral" and "?" not in r["text"]
           and evaluative & set(_stats().words(r["text"]))]
    assert not bad, f"{len(bad)} neutral statements with evaluative words, e.g. {bad[:3]}"
    shipped_neutral = [r["text"] for split in SPLITS for r in read("sentiment", split) if r["label"] == "neutral"]
    lukewarm = [t for t in shipped_neutral if re.search(r"\b(okay|average|so-so|nothing special)\b", t.lower())]
    assert len(lukewarm) <= 0.1 * len(shipped_neutral), lukewarm[:3]  # label noise only
