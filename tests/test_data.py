"""Unit tests for helpers.data: reading, validation, loading, prompt formatting, tokenization."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from datasets import ClassLabel, Dataset, DatasetDict
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

from helpers import cleaning as C
from helpers import data as D
from helpers import formatting as F

GOOD_DIALOGUE = {"id": "a", "dialogue": "#Person1#: Hi.\n#Person2#: Hello.", "summary": "They greet.",
                 "topic": "greeting"}


def write_jsonl(path: Path, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def make_dir(tmp_path: Path, name: str, rows_by_split: dict[str, list]) -> Path:
    for split, rows in rows_by_split.items():
        write_jsonl(tmp_path / name / f"{split}.jsonl", rows)
    return tmp_path


# --- constants ---------------------------------------------------------------------------
def test_constants() -> None:
    assert D.DATA_DIR == Path(__file__).resolve().parent.parent / "data"
    assert D.SENTIMENT_LABELS == ["negative", "neutral", "positive"]
    assert F.format_summary_prompt("X") == "Summarize the following conversation:\nX\nSummary:"
    assert (D.DIALOGSUM_HUB_ID, D.SENTIMENT_HUB_ID) == ("knkarthick/dialogsum",
                                                        "cardiffnlp/tweet_eval")


# --- read_jsonl --------------------------------------------------------------------------
def test_read_jsonl_skips_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n\n{"a": 2}\n', encoding="utf-8")
    assert D.read_jsonl(path) == [{"a": 1}, {"a": 2}]


def test_read_jsonl_invalid_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"a": 1}\n{"a": \n', encoding="utf-8")
    with pytest.raises(D.DataValidationError, match=r"bad\.jsonl, line 2"):
        D.read_jsonl(path)


# --- validate_rows -----------------------------------------------------------------------
def test_validate_rows_keeps_good_rows() -> None:
    kept, report = D.validate_rows([GOOD_DIALOGUE] * 3, D.DIALOGSUM_COLUMNS, "src")
    assert len(kept) == 3 and report.dropped == {} and report.kept == report.total == 3
    assert str(report) == "src: kept 3 of 3 rows, dropped none"


def test_validate_rows_drops_and_counts_by_reason() -> None:
    rows = [GOOD_DIALOGUE,
            {**GOOD_DIALOGUE, "summary": "   "},
            {k: v for k, v in GOOD_DIALOGUE.items() if k != "dialogue"},
            {**GOOD_DIALOGUE, "summary": ""},
            {**GOOD_DIALOGUE, "topic": None},
            "not a dict"]
    kept, report = D.validate_rows(rows, D.DIALOGSUM_COLUMNS, "train.jsonl")
    assert kept == [GOOD_DIALOGUE]
    assert report.dropped == {"empty summary": 2, "missing dialogue": 1, "missing topic": 1,
                              "not a JSON object": 1}
    assert report.examples[0] == "row 2 (empty summary)"
    text = str(report)
    assert "\n" not in text and "train.jsonl" in text and "dropped 5" in text


def test_validate_rows_bad_label() -> None:
    rows = [{"text": "ok", "label": "positive"}, {"text": "ok", "label": "great"}]
    kept, report = D.validate_rows(rows, ["text", "label"], "s",
                                   allowed={"label": set(D.SENTIMENT_LABELS)})
    assert kept == rows[:1] and report.dropped == {"bad label": 1}


def test_validate_rows_missing_column_everywhere_is_schema_error() -> None:
    rows = [{"text": "a", "sentiment": "positive"}]
    with pytest.raises(D.DataValidationError, match=r"my\.jsonl.*\['label'\].*Rename"):
        D.validate_rows(rows, ["text", "label"], "my.jsonl")


# --- loaders: local ----------------------------------------------------------------------
def test_shipped_data_load_with_zero_drops(capsys: pytest.CaptureFixture) -> None:
    dialog, senti = D.load_dialogsum(), D.load_sentiment()
    assert {k: len(v) for k, v in dialog.items()} == {"train": 1500, "validation": 150,
                                                        "test": 150}
    assert {k: len(v) for k, v in senti.items()} == {"train": 2000, "validation": 200,
                                                       "test": 200}
    out = capsys.readouterr().out
    assert out.count("dropped none") == 6
    assert dialog["train"].column_names == D.DIALOGSUM_COLUMNS
    assert senti["test"].features["label"] == ClassLabel(names=D.SENTIMENT_LABELS)


def test_load_local_drops_bad_rows_and_reports(tmp_path: Path,
                                               capsys: pytest.CaptureFixture) -> None:
    rows = [{"text": "fine", "label": "neutral"}, {"text": " ", "label": "neutral"},
            {"text": "yay", "label": "happy"}]
    make_dir(tmp_path, "sentiment", {s: rows for s in D.SPLITS})
    ds = D.load_sentiment("local", data_dir=tmp_path)
    assert ds["train"]["label"] == [1] and ds["train"]["text"] == ["fine"]
    assert "empty text: 1, bad label: 1" in capsys.readouterr().out


def test_load_local_missing_column(tmp_path: Path) -> None:
    rows = [{k: v for k, v in GOOD_DIALOGUE.items() if k != "summary"}]
    make_dir(tmp_path, "dialogsum", {s: rows for s in D.SPLITS})
    with pytest.raises(D.DataValidationError, match="summary"):
        D.load_dialogsum("local", data_dir=tmp_path)


@pytest.mark.parametrize("loader", [D.load_dialogsum, D.load_sentiment])
def test_unknown_source(loader) -> None:
    with pytest.raises(ValueError, match=r"\['local', 'hub'\]"):
        loader("kaggle")


# --- loaders: hub (load_dataset monkeypatched, nothing downloaded) -----------------------
def test_load_dialogsum_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_load_dataset(*args, **kwargs):
        calls.append(args)
        row = {**GOOD_DIALOGUE, "extra": "x"}
        return DatasetDict({s: Dataset.from_list([row, {**row, "summary": ""}])
                            for s in D.SPLITS})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    ds = D.load_dialogsum("hub")
    assert calls == [(D.DIALOGSUM_HUB_ID,)]
    assert ds["train"].column_names == D.DIALOGSUM_COLUMNS and len(ds["test"]) == 1


def test_load_sentiment_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def fake_load_dataset(*args, **kwargs):
        calls.append(args)
        rows = [{"text": "bad day", "label": 0}, {"text": "meh", "label": 1},
                {"text": "love it", "label": 2}]
        return DatasetDict({s: Dataset.from_list(rows) for s in D.SPLITS})

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    ds = D.load_sentiment("hub")
    assert calls == [(D.SENTIMENT_HUB_ID, D.SENTIMENT_HUB_CONFIG)]
    assert ds["validation"]["label"] == [0, 1, 2]
    assert ds["train"].features["label"].names == D.SENTIMENT_LABELS


# --- prompt-completion format ------------------------------------------------------------
def test_to_prompt_completion() -> None:
    ds = Dataset.from_list([GOOD_DIALOGUE])
    pc = F.to_prompt_completion(ds)
    assert pc.column_names == ["id", "prompt", "completion"]
    assert pc[0]["prompt"] == F.format_summary_prompt(GOOD_DIALOGUE["dialogue"])
    assert pc[0]["completion"] == " They greet."
    with pytest.raises(ValueError, match="both tokenizer and max_prompt_tokens"):
        F.to_prompt_completion(ds, max_prompt_tokens=64)
    with pytest.raises(TypeError):  # keyword-only: a positional max_length must not pass as the prompt budget
        F.to_prompt_completion(ds, None, 64)


# --- tokenization ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    corpus = [F.format_summary_prompt("#Person1#: hi there friend\n#Person2#: hello"),
              "they greet each other . one two three four five six seven eight nine ten"]
    tok = Tokenizer(models.WordLevel(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(corpus, trainers.WordLevelTrainer(
        special_tokens=["<unk>", "<|endoftext|>"]))
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                   unk_token="<unk>")


def test_tokenize_masks_prompt_and_appends_eos(tokenizer) -> None:
    prompt = F.format_summary_prompt("#Person1#: hi there\n#Person2#: hello")
    out = F.tokenize_prompt_completion(prompt, " they greet", tokenizer, max_length=64)
    n_prompt = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    target = tokenizer(" they greet", add_special_tokens=False)["input_ids"]
    assert out["input_ids"][n_prompt:] == [*target, tokenizer.eos_token_id]
    assert out["labels"] == [-100] * n_prompt + [*target, tokenizer.eos_token_id]
    assert out["attention_mask"] == [1] * len(out["input_ids"])


def test_tokenize_truncates_dialogue_keeps_cue_and_completion(tokenizer) -> None:
    prompt = F.format_summary_prompt("#Person1#: " + "hi there friend " * 30)
    completion = " they greet each other"
    out = F.tokenize_prompt_completion(prompt, completion, tokenizer, max_length=20)
    assert len(out["input_ids"]) == 20
    text = tokenizer.decode(out["input_ids"])
    assert text.startswith("Summarize") and "Summary : they greet each other" in text
    assert out["labels"].count(-100) == 20 - 5  # 4 completion tokens + EOS are learned


def test_tokenize_max_length_too_small(tokenizer) -> None:
    with pytest.raises(ValueError, match="max_length=4 is too small"):
        F.tokenize_prompt_completion(F.format_summary_prompt("hi"), " one two three four",
                                     tokenizer, max_length=4)


def test_to_prompt_completion_cuts_long_prompts_as_generation_does(tokenizer, capsys) -> None:
    long = {**GOOD_DIALOGUE, "id": "long", "dialogue": "#Person1#: " + "hi there friend " * 30,
            "summary": "they greet each other"}
    room = len(tokenizer(F.format_summary_prompt(GOOD_DIALOGUE["dialogue"]), add_special_tokens=False)["input_ids"])
    pc = F.to_prompt_completion(Dataset.from_list([GOOD_DIALOGUE, long]), tokenizer, max_prompt_tokens=room,
                                max_length=room + 5)
    out = capsys.readouterr().out
    assert f"1 of 2 prompts cut to max_prompt_tokens={room}" in out
    assert f"0 rows longer than max_length={room + 5}" in out
    assert pc[0]["prompt"] == F.format_summary_prompt(GOOD_DIALOGUE["dialogue"])  # short: untouched
    prompt, completion = pc[1]["prompt"], pc[1]["completion"]
    assert prompt.startswith("Summarize the following conversation:\n#Person1#: hi")
    assert prompt.endswith("\nSummary:") and completion == " they greet each other"  # the summary is never cut
    full_prompt = F.format_summary_prompt(long["dialogue"])
    # training's prompt is, token for token, the prompt generation feeds the model (truncate_prompt_ids)
    ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert ids == F.truncate_prompt_ids(full_prompt, tokenizer, room) and len(ids) == room
    assert F.sft_length(prompt, completion, tokenizer) == room + 5  # the prompt, 4 summary tokens and eos
    # a tighter row: the same prompt, and the row that packing would cut is counted
    F.to_prompt_completion(Dataset.from_list([long]), tokenizer, max_prompt_tokens=room, max_length=room + 4)
    assert f"1 rows longer than max_length={room + 4}" in capsys.readouterr().out


def test_truncate_prompt_matches_the_generation_ids_and_refuses_a_tiny_room(tokenizer) -> None:
    prompt = F.format_summary_prompt("#Person1#: " + "hi there friend " * 30)
    for room in (5, 9, 40):
        text = F.truncate_prompt(prompt, tokenizer, room)
        assert tokenizer(text, add_special_tokens=False)["input_ids"] == F.truncate_prompt_ids(prompt, tokenizer, room)
        assert text.endswith("\nSummary:")
    short = F.format_summary_prompt("#Person1#: hi")
    assert F.truncate_prompt(short, tokenizer, 100) == short
    with pytest.raises(ValueError, match="cannot hold the prompt's last line"):
        F.truncate_prompt(prompt, tokenizer, 2)


def test_completion_lengths_count_like_trl(tokenizer) -> None:
    pc = Dataset.from_dict({"prompt": [F.format_summary_prompt("#Person1#: hi")],
                            "completion": [" they greet"]})
    assert F.completion_lengths(pc, tokenizer) == [3]  # "they", "greet", EOS


# --- cleaning ----------------------------------------------------------------------------
def test_normalize_text_unicode_whitespace_and_lines() -> None:
    raw = "#Person1#:\u00a0Hi  there\t!\r\n\n  #Person2#: ｈｅｌ\u200bｌｏ \n"
    assert C.normalize_text(raw) == "#Person1#: Hi there !\n#Person2#: hello"
    assert C.normalize_text("   ") == ""


def test_near_duplicate_key_ignores_case_punctuation_spacing() -> None:
    assert C.near_duplicate_key("The food was GREAT!") == C.near_duplicate_key("the food  was great")
    assert C.near_duplicate_key("#Person1#: Hi.") == "#person1# hi"
    assert C.near_duplicate_key("not good") != C.near_duplicate_key("good")


def test_normalize_rows_counts_changed_and_keeps_non_strings() -> None:
    rows = [{"text": "a  b", "label": 1}, {"text": "c", "label": 2}, {"text": None, "label": 0}]
    out, changed = C.normalize_rows(rows, ["text"])
    assert changed == 1 and out[0] == {"text": "a b", "label": 1} and out[2]["text"] is None
    assert rows[0]["text"] == "a  b"  # input untouched


def test_drop_duplicates_exact_and_near() -> None:
    rows = [{"text": "Good food."}, {"text": "Good food."}, {"text": "good FOOD"}, {"text": "Bad."}]
    kept, counts = C.drop_duplicates(rows, "text")
    assert kept == [rows[0], rows[3]]
    assert counts == {"exact duplicate": 1, "near duplicate": 1}


def test_drop_duplicates_with_a_reference_column_keeps_new_references() -> None:
    rows = [{"d": "Hi.", "s": "one"}, {"d": "Hi.", "s": "two"}, {"d": "Hi.", "s": "one"},
            {"d": "hi", "s": "ONE!"}, {"d": "hi", "s": "three"}]
    kept, counts = C.drop_duplicates(rows, "d", reference="s")
    assert kept == [rows[0], rows[1], rows[4]]
    assert counts == {"exact duplicate": 1, "near duplicate": 1}


def test_drop_length_outliers() -> None:
    rows = [{"t": "one"}, {"t": "one two three"}, {"t": " ".join(["w"] * 10)}]
    kept, counts = C.drop_length_outliers(rows, {"t": (2, 5)})
    assert kept == [rows[1]] and counts == {"too short": 1, "too long": 1}


def test_drop_leakage_test_wins_and_counts_per_split() -> None:
    splits = {"train": [{"d": "A"}, {"d": "b!"}, {"d": "c"}], "validation": [{"d": "B"}],
              "test": [{"d": "a"}]}
    out, counts = C.drop_leakage(splits, "d")
    assert out["train"] == [{"d": "c"}] and out["test"] == [{"d": "a"}]
    assert out["validation"] == [{"d": "B"}] and counts == {"test": 0, "validation": 0, "train": 2}
    assert list(out) == ["train", "validation", "test"]


def test_drop_leakage_unknown_split() -> None:
    with pytest.raises(ValueError, match="dev"):
        C.drop_leakage({"dev": []}, "d")


def _dialog(i: int, **kw) -> dict:
    return {"id": f"r{i}", "dialogue": f"#Person1#: Hello number {i}, how are you today my friend?\n"
            f"#Person2#: Fine thanks, and you?", "summary": f"#Person1# greets #Person2# {i}.",
            "topic": "greeting", **kw}


def test_prepare_dialogsum_catches_every_injected_row() -> None:
    good = [_dialog(i) for i in range(6)]
    bad = [
        {**_dialog(0), "id": "dup"},  # exact duplicate dialogue
        {**_dialog(1), "dialogue": _dialog(1)["dialogue"].upper()},  # near duplicate
        {**_dialog(7), "summary": None},  # missing
        {**_dialog(8), "summary": " \u200b "},  # empty once the zero-width space is removed
        {**_dialog(9), "dialogue": "#Person1#: Hi."},  # too short
        _dialog(5),  # leaks into test below
    ]
    raw = {"train": good[:5] + bad, "validation": [_dialog(20)],
           "test": [_dialog(5), {**_dialog(21), "dialogue": "a\u00a0 " + _dialog(21)["dialogue"]}]}
    ds, report = C.prepare_dialogsum(raw)
    train = report["train"]
    assert train["rows in"] == 11 and train["missing or empty"] == 2
    assert train["exact duplicate"] == 1 and train["near duplicate"] == 1
    assert train["too short"] == 1 and train["leak (in an earlier split)"] == 1
    assert report["test"]["normalized"] == 1 and train["references grouped"] == 0
    assert ds["train"].column_names == [*D.DIALOGSUM_COLUMNS, "references", "topics"]
    assert ds["train"][0]["references"] == [ds["train"][0]["summary"]]
    removed = sum(v for k, v in train.items() if k not in ("rows in", "rows out", "normalized"))
    assert train["rows out"] == len(ds["train"]) == train["rows in"] - removed


def test_prepare_dialogsum_removes_leaked_dialogue_from_train() -> None:
    raw = {"train": [_dialog(1), _dialog(2)], "validation": [_dialog(3)],
           "test": [{**_dialog(2), "id": "t"}]}
    ds, report = C.prepare_dialogsum(raw)
    assert ds["train"]["id"] == ["r1"] and report["train"]["leak (in an earlier split)"] == 1


def test_length_bounds_never_drop_test_rows() -> None:
    """The test split is the benchmark: a dialogue outside the length bounds stays in it (train and validation
    lose theirs, counted), so scores stay comparable with other reports on the same test set."""
    long_dialogue = "\n".join([_dialog(30)["dialogue"]] * 200)  # far above the word-count bound
    raw = {"train": [_dialog(1), {**_dialog(2), "dialogue": long_dialogue}],
           "validation": [_dialog(3), {**_dialog(4), "dialogue": "#Person1#: Hi."}],
           "test": [_dialog(5), {**_dialog(6), "dialogue": long_dialogue.replace("30", "31")},
                    {**_dialog(7), "dialogue": "#Person1#: Hi.\n#Person2#: Bye."}]}
    ds, report = C.prepare_dialogsum(raw)
    assert report["train"]["too long"] == 1 and report["validation"]["too short"] == 1
    assert len(ds["test"]) == 3 and report["test"]["rows out"] == 3
    assert report["test"]["too long"] == report["test"]["too short"] == 0


def test_prepare_sentiment_names_or_ids_and_bad_labels() -> None:
    raw = {"train": [{"text": "Great phone.", "label": "positive"}, {"text": "Awful.", "label": 0},
                     {"text": "Meh.", "label": "meh"}, {"text": "ok", "label": None},
                     {"text": " ".join(["long"] * 300), "label": 1}],
           "validation": [{"text": "Fine.", "label": 1}], "test": [{"text": "Bad.", "label": 0}]}
    ds, report = C.prepare_sentiment(raw)
    assert ds["train"]["label"] == [2, 0] and report["train"]["missing or empty"] == 2
    assert report["train"]["too long"] == 1
    assert ds["train"].features["label"].names == D.SENTIMENT_LABELS


def test_prepare_accepts_a_datasetdict() -> None:
    dd = DatasetDict({s: Dataset.from_list([_dialog(i)]) for i, s in enumerate(D.SPLITS)})
    ds, _ = C.prepare_dialogsum(dd)
    assert {s: len(d) for s, d in ds.items()} == {"train": 1, "validation": 1, "test": 1}


# --- inspection, splits ------------------------------------------------------------------
def _senti(n_per_class: dict[int, int]) -> Dataset:
    labels = [lab for lab, n in n_per_class.items() for _ in range(n)]
    return Dataset.from_dict({"text": [f"t{i}" for i in range(len(labels))], "label": labels},
                             features=D.SENTIMENT_FEATURES)


def test_label_shares_and_stratified_split() -> None:
    ds = _senti({0: 35, 1: 27, 2: 38})
    assert C.label_shares(ds) == {"negative": 0.35, "neutral": 0.27, "positive": 0.38}
    split = C.stratified_split(ds, test_size=0.2, seed=0)
    assert len(split["test"]) == 20
    for part in split.values():
        for share, want in zip(C.label_shares(part).values(), (0.35, 0.27, 0.38)):
            assert abs(share - want) < 0.03
    again = C.stratified_split(ds, test_size=0.2, seed=0)
    assert again["test"]["text"] == split["test"]["text"]  # fixed seed, same split


def test_stratified_split_needs_labels_or_strings() -> None:
    with pytest.raises(TypeError, match="ClassLabel or strings"):
        C.stratified_split(Dataset.from_dict({"text": ["a", "b"], "score": [0.1, 0.2]}), 0.5, 0, "score")


def test_stratified_split_on_a_string_column_keeps_its_shares(capsys) -> None:
    topics = ["bank"] * 40 + ["gym"] * 40 + ["library"] * 20
    ds = Dataset.from_dict({"text": [f"t{i}" for i in range(100)], "topic": topics})
    split = C.stratified_split(ds, test_size=0.2, seed=0, column="topic")
    assert sorted(split["test"]["topic"]) == ["bank"] * 8 + ["gym"] * 8 + ["library"] * 4
    assert split["test"].column_names == ["text", "topic"]  # no helper column left behind
    assert capsys.readouterr().out == ""  # nothing lumped, nothing said


def test_stratified_split_classlabel_unchanged_when_nothing_is_lumped() -> None:
    ds = _senti({0: 35, 1: 27, 2: 38})
    direct = ds.train_test_split(test_size=0.2, seed=0, stratify_by_column="label")
    assert C.stratified_split(ds, 0.2, 0)["test"]["text"] == direct["test"]["text"]


def test_token_lengths_and_percentile_rank(tokenizer) -> None:
    assert F.token_lengths(["hi there", "hello"], tokenizer) == [2, 1]
    assert F.percentile_rank([1, 2, 3, 4], 3) == 75.0
    with pytest.raises(ValueError, match="empty"):
        F.percentile_rank([], 3)


# --- chat format, tokenized set ----------------------------------------------------------
def test_to_messages_and_simple_template(tokenizer) -> None:
    msgs = F.to_messages("#Person1#: hi", "they greet")
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert msgs[0]["content"] == "Summarize the following conversation:\n#Person1#: hi"
    assert len(F.to_messages("x")) == 1
    tokenizer.chat_template = F.SIMPLE_CHAT_TEMPLATE
    text = tokenizer.apply_chat_template(msgs, tokenize=False)
    assert text == ("<|user|>\nSummarize the following conversation:\n#Person1#: hi\n"
                    "<|assistant|>\nthey greet<|endoftext|>\n")
    prompt = tokenizer.apply_chat_template(msgs[:1], tokenize=False, add_generation_prompt=True)
    assert prompt.endswith("<|assistant|>\n")


def test_tokenize_dialogsum(tokenizer) -> None:
    ds = Dataset.from_list([{**GOOD_DIALOGUE, "dialogue": "#Person1#: hi there\n#Person2#: hello",
                             "summary": "they greet"}])
    out = F.tokenize_dialogsum(ds, tokenizer, max_length=64)
    assert out.column_names == ["input_ids", "attention_mask", "labels"]
    assert out[0]["labels"][-1] == tokenizer.eos_token_id and out[0]["labels"][0] == -100


# --- padding versus packing --------------------------------------------------------------
def test_pad_fractions() -> None:
    assert F.pad_fraction_padded([2, 4, 4, 4], batch_size=2) == pytest.approx(2 / 16)
    assert F.pad_fraction_padded([2, 4], batch_size=2, max_length=8) == pytest.approx(10 / 16)
    assert F.pad_fraction_padded([10], batch_size=1, max_length=8) == 0  # truncated to 8
    assert F.pack_lengths([3, 5, 2, 6], block_size=8) == [[3, 2], [1, 0]]
    assert F.pad_fraction_packed([3, 5, 2, 6], block_size=8) == 0
    assert F.pad_fraction_packed([5, 5], block_size=8) == pytest.approx(6 / 16)


def test_pad_fraction_bad_input() -> None:
    with pytest.raises(ValueError, match="block_size=4"):
        F.pack_lengths([3, 9], 4)
    with pytest.raises(ValueError, match="at least one"):
        F.pad_fraction_padded([], 2)


# --- augmentation ------------------------------------------------------------------------
def test_swap_speakers_and_check() -> None:
    assert C.swap_speakers("#Person1# asks #Person2#.") == "#Person2# asks #Person1#."
    rows = Dataset.from_list([{"id": "a", "dialogue": "#Person1#: Hi.\n#Person2#: Yo.",
                               "summary": "#Person1# greets #Person2#.", "topic": "t"}])
    aug = C.augment_speaker_swap(rows)
    assert aug[0]["id"] == "a_swap" and aug[0]["dialogue"] == "#Person2#: Hi.\n#Person1#: Yo."
    assert set(C.check_speaker_swap(rows, aug).values()) == {0}
    with_refs = C.augment_speaker_swap(rows.add_column("references", [["#Person1# greets.", "#Person2# waves."]]))
    assert with_refs[0]["references"] == ["#Person2# greets.", "#Person1# waves."]
    naive = rows.map(lambda r: {"summary": r["summary"].replace("#Person1#", "#Person2#")})
    # the naive row breaks two promises, one of them in both columns: it counts once per promise and once in all
    assert C.check_speaker_swap(rows, naive) == {"not an involution": 1, "tag counts not swapped": 1,
                                                 "summary changed otherwise": 0, "rows with a problem": 1}
    with pytest.raises(ValueError):
        C.check_speaker_swap(rows, aug.select([]))


def test_general_text_is_paragraphs_and_refuses_a_missing_or_empty_file(tmp_path) -> None:
    from helpers.data import load_general_text

    paragraphs = load_general_text()
    assert len(paragraphs) == 8 and all(len(p.split()) > 40 and "\n" not in p for p in paragraphs)
    with pytest.raises(FileNotFoundError, match="ships with the repository"):
        load_general_text(tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("\n\n  \n")
    with pytest.raises(ValueError, match="holds no text"):
        load_general_text(tmp_path / "empty.txt")


def test_cleaning_summary_counts_every_nonzero_reason() -> None:
    report = {"train": {"rows in": 1500, "missing or empty": 0, "exact duplicate": 2, "references grouped": 0,
                        "rows out": 1498},
              "test": {"rows in": 150, "exact duplicate": 0, "references grouped": 100, "rows out": 50}}
    line = C.cleaning_summary(report)
    assert "train 1,500 -> 1,498" in line and "test 150 -> 50" in line
    assert "train: exact duplicate 2" in line and "test: references grouped 100" in line
    assert "missing or empty" not in line  # zero counts are left out
    clean = {"train": {"rows in": 3, "exact duplicate": 0, "rows out": 3}}
    assert C.cleaning_summary(clean).endswith("removed, merged or normalized: none")
