"""Smoke run of notebook 02: every injected bad row caught, no leakage left, packing beats padding."""

import pytest

NOTEBOOK = "02_data_preparation"


@pytest.mark.notebook
def test_data_preparation_results(run_notebook) -> None:
    r = run_notebook(NOTEBOOK)
    # cleaning: each injected bad row caught, by the right reason; nothing leaks into test
    assert r["injected"] >= 10 and r["injected_caught"] == r["injected"]
    assert r["injected_caught_exactly"] is True
    assert r["leaks_left"] == 0
    assert r["dialog_rows"] == {"train": 1500, "validation": 150, "test": 150}  # shipped dialogues are clean
    assert r["senti_rows"]["test"] == 200 and 1900 <= r["senti_rows"]["train"] <= 2000  # test never shrinks
    assert r["senti_removed"]["train"] == 2000 - r["senti_rows"]["train"]
    # max_length: the smoke cut keeps nearly every example whole
    assert r["max_length"] == 384 and 95.0 <= r["max_length_percentile"] <= 100.0
    # splits: stratification keeps label shares within 1 point; the random split drifts more
    assert r["share_gap_stratified"] < 0.01 < r["share_gap_random"]
    # labels: prompt masked, eos learned; the LM collator (pad = eos) would mask every eos
    assert r["prompt_masked"] > 0
    assert r["eos_labels_seq2seq"] == 2 and r["eos_labels_lm_collator"] == 0
    # padding versus packing: packing wastes least, fixed-length padding most
    assert r["pad_fraction_packed"] < r["pad_fraction_longest"] < r["pad_fraction_max_length"]
    assert r["pad_fraction_packed"] < 0.15
    # augmentation keeps labels right; the naive swap is caught
    assert r["swap_problems"] == 0 and r["naive_swap_problems"] > 0
    assert r["augmented_rows"] == r["dialog_rows"]["train"]
    # saved for notebooks 03/04
    assert r["saved"] == ["dialogsum", "dialogsum_tokenized", "sentiment"] and r["saved_reloaded_identical"]
    assert r["_seconds"] < 1200  # a hang guard: timings on a shared 2-core machine vary 5x


@pytest.mark.notebook
def test_prepared_sets_reload(run_notebook, run_dir) -> None:
    from datasets import load_from_disk

    run_notebook(NOTEBOOK)
    folder = run_dir / "artifacts" / "02_prepared"
    tokenized = load_from_disk(folder / "dialogsum_tokenized")
    assert tokenized.column_names == ["input_ids", "attention_mask", "labels"]
    row = tokenized[0]
    assert row["labels"][0] == -100 and row["labels"][-1] == row["input_ids"][-1]  # eos learned
    assert load_from_disk(folder / "sentiment")["train"].features["label"].names == [
        "negative", "neutral", "positive"]
