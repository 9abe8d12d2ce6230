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
    assert f"1 of 2 prompts cut to max_prompt_tokens={room}" in out and f"0 rows longer than max_length={room + 5}" in out
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
