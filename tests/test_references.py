"""Several references per dialogue (DialogSum's test split) and near-unique topics, on both data shapes.

Real DialogSum: the test split has 3 rows per dialogue (ids test_N_1..test_N_3: same dialogue,
different summaries and topics) and topics are nearly unique. The shipped look-alike has one
reference per dialogue and a dozen topics; everything here must leave it as it was.
"""

from __future__ import annotations

from collections import Counter

import pytest
from datasets import ClassLabel, Dataset

from helpers import cleaning as C
from helpers import data as D
from helpers.metrics import rouge_per_example, slice_scores

N_DIALOGUES = 500


def dialogue(split: str, i: int) -> str:
    return (f"#Person1#: Good morning, this is {split} call number {i}, can I help you today?\n"
            f"#Person2#: Yes please, I need help with order {i} from last week.")


def dialogsum_test_rows(n: int = N_DIALOGUES) -> list[dict]:
    """DialogSum's test shape: 3 references per dialogue, a (near-unique) topic per reference."""
    return [{"id": f"test_{i}_{k}", "dialogue": dialogue("test", i),
             "summary": f"#Person2# asks about order {i}, version {k}.", "topic": f"order {i} take {k}"}
            for i in range(n) for k in (1, 2, 3)]


def near_unique_topics(n: int = N_DIALOGUES) -> list[str]:
    """Like DialogSum's test topics: 3 frequent ones (20 dialogues each), the rest unique."""
    return [["shopping", "job interview", "travel"][i % 3] if i < 60 else f"topic {i}" for i in range(n)]


@pytest.fixture(scope="module")
def shipped():
    return D.load_dialogsum("local")


# --- group_references ------------------------------------------------------------------------
def test_group_references_dialogsum_test_split(capsys) -> None:
    grouped = C.group_references(Dataset.from_list(dialogsum_test_rows()))
    assert "1500 rows -> 500 dialogues, 500 with more than one reference" in capsys.readouterr().out
    assert len(grouped) == N_DIALOGUES
    assert grouped.column_names == ["id", "dialogue", "summary", "topic", "references", "topics"]
    row = grouped[7]
    assert row["id"] == "test_7" and row["dialogue"] == dialogue("test", 7)
    assert row["references"] == [f"#Person2# asks about order 7, version {k}." for k in (1, 2, 3)]
    assert row["summary"] == row["references"][0]
    assert row["topics"] == ["order 7 take 1", "order 7 take 2", "order 7 take 3"]
    assert row["topic"] == row["topics"][0]


def test_group_references_ignores_spacing_and_keeps_distinct_references_in_order(capsys) -> None:
    rows = [{"id": "test_0_1", "dialogue": "#Person1#: Hi there.", "summary": "B", "topic": "t"},
            {"id": "test_0_2", "dialogue": "#Person1#:  Hi there. ", "summary": "A", "topic": "t"},
            {"id": "test_0_3", "dialogue": "#Person1#: Hi there.", "summary": "B", "topic": "u"},
            {"id": "test_1_1", "dialogue": "#Person1#: Bye.", "summary": "C", "topic": "v"}]
    grouped = C.group_references(Dataset.from_list(rows))
    assert grouped["id"] == ["test_0", "test_1"]
    assert grouped["references"] == [["B", "A"], ["C"]] and grouped["topics"] == [["t", "u"], ["v"]]
    assert "4 rows -> 2 dialogues, 1 with more than one reference" in capsys.readouterr().out


def test_group_references_keeps_shipped_data_as_it_was(shipped, capsys) -> None:
    test = shipped["test"]
    grouped = C.group_references(test)
    assert "150 rows -> 150 dialogues, 0 with more than one reference" in capsys.readouterr().out
    assert grouped["id"] == test["id"] and grouped["summary"] == test["summary"]
    assert grouped["references"] == [[s] for s in test["summary"]]
    assert grouped["topics"] == [[t] for t in test["topic"]]


def test_dialogue_id_strips_only_a_reference_suffix() -> None:
    assert C.dialogue_id("test_12_3") == "test_12"
    assert [C.dialogue_id(i) for i in ("test_0012", "train_5", "a", "x_swap")] == [
        "test_0012", "train_5", "a", "x_swap"]


def test_group_references_bad_input() -> None:
    with pytest.raises(ValueError, match="'summary'"):
        C.group_references(Dataset.from_dict({"id": ["a"], "dialogue": ["x"]}))
    with pytest.raises(ValueError, match="empty"):
        C.group_references(Dataset.from_dict({"id": [], "dialogue": [], "summary": []}))


def test_multi_reference_rouge_on_grouped_rows() -> None:
    grouped = C.group_references(Dataset.from_list(dialogsum_test_rows(3)))
    preds = ["#Person2# asks about order 0, version 2.", "order", "#Person2# asks about order 2, version 3."]
    per = rouge_per_example(preds, grouped["references"], use_stemmer=False)
    assert per["rougeL"][0] == per["rougeL"][2] == pytest.approx(1.0)  # matches its 2nd / 3rd reference
    first_only = rouge_per_example(preds, grouped["summary"], use_stemmer=False)
    assert first_only["rougeL"][0] < 1.0  # scored against the first reference alone it looks worse


# --- prepare_dialogsum ---------------------------------------------------------------------
def dialogsum_splits() -> dict[str, list[dict]]:
    """Train/validation with one reference per dialogue, test with three; plus a duplicate and a leak."""
    train = [{"id": f"train_{i}", "dialogue": dialogue("train", i), "summary": f"Train summary {i}.",
              "topic": f"topic {i}"} for i in range(40)]
    train.append({**train[0], "id": "train_dup"})  # true duplicate: same dialogue and summary
    train.append({"id": "train_leak", "dialogue": dialogue("test", 3), "summary": "x y z.", "topic": "t"})
    val = [{"id": f"dev_{i}", "dialogue": dialogue("dev", i), "summary": f"Dev summary {i}.", "topic": "t"}
           for i in range(10)]
    test = dialogsum_test_rows(20)
    test.append({**test[4], "id": "test_1_9"})  # an exact repeat of one reference row
    return {"train": train, "validation": val, "test": test}


def test_prepare_dialogsum_groups_references_and_still_catches_duplicates_and_leaks() -> None:
    ds, report = C.prepare_dialogsum(dialogsum_splits())
    assert report["test"]["rows in"] == 61 and report["test"]["exact duplicate"] == 1
    assert report["test"]["references grouped"] == 40 and report["test"]["rows out"] == 20
    assert report["train"]["exact duplicate"] == 1 and report["train"]["references grouped"] == 0
    assert report["train"]["leak (in an earlier split)"] == 1 and report["train"]["rows out"] == 40
    assert report["validation"]["rows out"] == 10
    for split, r in report.items():  # every row is accounted for
        removed = sum(v for k, v in r.items() if k not in ("rows in", "rows out", "normalized"))
        assert r["rows out"] == r["rows in"] - removed == len(ds[split])
    assert ds["test"]["id"][:2] == ["test_0", "test_1"]
    assert ds["test"][1]["references"] == [f"#Person2# asks about order 1, version {k}." for k in (1, 2, 3)]
    assert ds["train"][0]["references"] == ["Train summary 0."]


def test_prepare_dialogsum_shipped_report_numbers_unchanged(shipped) -> None:
    clean, report = C.prepare_dialogsum(shipped)
    sizes = {"train": 1500, "validation": 150, "test": 150}
    for split, n in sizes.items():
        assert report[split] == {"rows in": n, "missing or empty": 0, "normalized": 0, "exact duplicate": 0,
                                 "near duplicate": 0, "too short": 0, "too long": 0, "references grouped": 0,
                                 "leak (in an earlier split)": 0, "rows out": n}
        assert clean[split]["id"] == shipped[split]["id"]


# --- topics: slices and strata -------------------------------------------------------------
def test_topic_groups_lumps_rare_topics_into_a_few_groups() -> None:
    groups = C.topic_groups(near_unique_topics(), min_size=10)
    assert Counter(groups) == {"shopping": 20, "job interview": 20, "travel": 20, "other (440 topics)": 440}
    assert C.topic_groups(["a", "a", "b"], min_size=1) == ["a", "a", "b"]
    with pytest.raises(ValueError, match="min_size"):
        C.topic_groups(["a"], min_size=0)
    with pytest.raises(TypeError, match="list of topics"):
        C.topic_groups("a", min_size=1)


def test_topic_groups_keep_the_shipped_topics(shipped) -> None:
    topics = shipped["test"]["topic"]
    assert C.topic_groups(topics, min_size=5) == list(topics)  # 9 or 10 dialogues per topic


def test_slice_scores_on_near_unique_topics_gives_a_few_slices() -> None:
    topics = near_unique_topics()
    scores = [0.2 if t == "travel" else 0.5 for t in topics]
    raw = slice_scores(scores, topics, n_resamples=10)
    assert len(raw) == 443  # one slice per topic: mostly single dialogues, nothing to learn from
    rows = slice_scores(scores, C.topic_groups(topics, min_size=10), n_resamples=10)
    assert (rows[0]["group"], rows[0]["n"]) == ("travel", 20)  # worst first
    assert sorted(r["group"] for r in rows[1:]) == ["job interview", "other (440 topics)", "shopping"]


def test_stratified_split_by_near_unique_topics_does_not_raise(capsys) -> None:
    topics = near_unique_topics()
    ds = Dataset.from_dict({"id": [f"train_{i}" for i in range(N_DIALOGUES)], "topic": topics})
    split = C.stratified_split(ds, test_size=0.1, seed=0, column="topic")
    assert "440 values of 'topic' with fewer than 10 rows each" in capsys.readouterr().out
    assert len(split["test"]) == 50 and split["test"].column_names == ["id", "topic"]
    counts = Counter(split["test"]["topic"])
    assert [counts[t] for t in ("shopping", "job interview", "travel")] == [2, 2, 2]  # 10% of each
    assert sum(n for t, n in counts.items() if t.startswith("topic ")) == 44  # 10% of the lumped rows
    # notebook 02's exercise: the same after turning topic into a ClassLabel
    as_label = ds.class_encode_column("topic")
    assert isinstance(as_label.features["topic"], ClassLabel)
    assert len(C.stratified_split(as_label, test_size=0.1, seed=0, column="topic")["test"]) == 50


def test_stratified_split_by_shipped_topics_keeps_every_topic(shipped, capsys) -> None:
    train = shipped["train"]
    split = C.stratified_split(train, test_size=0.1, seed=0, column="topic")
    assert capsys.readouterr().out == ""  # every topic has 90+ dialogues: nothing lumped
    full, part = Counter(train["topic"]), Counter(split["test"]["topic"])
    assert set(part) == set(full) and all(abs(part[t] - full[t] / 10) < 1 for t in full)


def test_stratified_split_lone_rare_row_is_a_clear_error() -> None:
    ds = Dataset.from_dict({"topic": ["a"] * 10 + ["b"] * 10 + ["c"]})
    with pytest.raises(ValueError, match="rarer than min_size=10"):
        C.stratified_split(ds, test_size=0.1, seed=0, column="topic")
