"""Every notebook on the hub path, offline: the gpu profile's hub ids and hub loaders
(`microsoft/phi-2`, `knkarthick/dialogsum`, `cardiffnlp/tweet_eval`, the MiniLM id) resolved from the
hub-shaped cache of tests/hub_fixture.py, at smoke sizes on CPU (`COURSE_SOURCE=hub`).

The fixture models are random, so these runs assert that the path works and that the real sets'
quirks are handled (three references per test dialogue, near-unique topics, dialogues over 1,000
tokens, @user tweets and duplicates), not that anything learns: the smoke runs assert that.
The step counts below are papermill overrides that keep this file within a few minutes.
"""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.notebook


def test_01_tokenizer_and_phi2_from_the_hub(run_notebook_hub, tmp_path_factory) -> None:
    empty_cache = tmp_path_factory.mktemp("course-cache")  # nothing cached: a conversion would show up here
    r = run_notebook_hub("01_pretraining_concepts", env={"COURSE_CACHE": str(empty_cache)}, PRETRAIN_STEPS=10)
    assert r["source"] == "hub" and r["pretrain_steps"] == 10
    assert not list(empty_cache.iterdir()), "the hub path (gpu profile) converted the offline SmolLM2 base"
    assert r["phi2_vocab"] == 50_295  # the fixture carries Phi-2's tokenizer layout
    assert math.isfinite(r["val_ppl_after"])


def test_02_groups_dialogsum_references_and_splits_near_unique_topics(run_notebook_hub) -> None:
    r = run_notebook_hub("02_data_preparation")
    assert r["source"] == "hub"
    assert r["dialogsum_test_rows"] == 120 and r["dialogsum_test_dialogues"] == 40  # 3 references each
    assert r["dialogsum_test_references_per_dialogue"] == 3
    assert r["dialogsum_exact_duplicates_test"] == 0  # references are not duplicates
    # the stratify-by-topic exercise runs on near-unique topics (lumped, not "least populated class" errors);
    # the fixture's 200 near-unique topics all fall below the exercise's 20-row threshold: one stratum
    assert r["topic_split_groups"] >= 1


def test_03_classifiers_from_the_hub_encoder_and_phi2(run_notebook_hub) -> None:
    r = run_notebook_hub("03_sentiment_classification_heads", EPOCHS=1)
    assert r["source"] == "hub"
    for key in ("frozen_f1", "full_f1", "lora_f1", "random_init_f1", "decoder_f1"):
        assert 0.0 <= r[key] <= 1.0, key


def test_04_trains_scores_against_all_references_and_saves(run_notebook_hub, run_dir) -> None:
    r = run_notebook_hub("04_qlora_phi2_dialogue_summarization", MAX_STEPS=9, BATCH_SIZE=1, GRAD_ACCUM=1,
                         N_ZERO_SHOT=8)
    assert r["source"] == "hub"
    assert r["n_test"] == 40 and r["references_per_dialogue"] == 3
    assert r["examples_cut"] == 0 and r["completion_tokens_lost"] == 0  # packing kept every summary
    assert r["prompts_shortened"] >= 1  # the long fixture dialogues were cut from the dialogue's end
    assert r["test_prompts_cut"] >= 1  # and the long test dialogue is cut by the same rule in generation
    assert r["reload_identical"] == r["n_check"]
    assert math.isfinite(r["copy_loss_first"]) and math.isfinite(r["copy_loss_second"])  # probe on Phi-2 shape
    assert (run_dir / "hub" / "artifacts" / "04_adapter" / "adapter_model.safetensors").exists()


def test_05_opened_alone_retrains_and_slices_near_unique_topics(run_notebook_hub) -> None:
    """A fresh Colab runtime has no notebook-03/04 outputs: 05 retrains both (the smoke run reuses them)."""
    r = run_notebook_hub("05_evaluation_and_iteration", alone=True, FALLBACK_MAX_STEPS=3, OVERFIT_STEPS=8,
                         N_BOOTSTRAP=200, CLF_EPOCHS=1)
    assert r["source"] == "hub"
    assert r["source_04"].startswith("retrained") and "3 steps" in r["source_04"]
    # the iteration's r=32 variant is that retrained adapter; the candidate trains as many steps
    assert r["iter_r32_source"] == "5.6's adapter" and r["iter_max_steps"] == 3
    assert r["clf_source"].startswith("retrained")
    assert 0.0 <= r["clf_macro_f1"] <= 1.0
    assert 1 <= r["n_topic_slices"] <= 10  # near-unique topics lumped, not 40 slices of one


def test_06_chat_model_from_the_hub(run_notebook_hub) -> None:
    """SmolLM2-360M-Instruct's hub id (a random tiny Llama under SmolLM2's tokenizer and chat template), DialogSum
    and tweet_eval from the hub; extraction reads the shipped dialogues, which state bookings, on every path."""
    r = run_notebook_hub("06_instruction_and_preference_tuning", MAX_STEPS=6, DPO_STEPS=2)
    assert r["source"] == "hub"
    assert r["n_test"]["extract"] == 40 and r["example_counts"]["extract validation"]["used"] > 0
    assert r["example_counts"]["summarize test"]["rows in"] == 40  # the fixture's test dialogues, references grouped
    assert r["references_per_dialogue"] == 3  # scored against every reference, as notebook 04 does
    assert r["prompts_cut"]["summarize train"] >= 1  # the long fixture dialogues lose their end, as in notebook 04
    assert r["steps"] == {"multi-task LoRA": 6, "single-task LoRA": 6, "single-task full": 6, "sequential LoRA": 6}
    assert r["dpo_steps"] == 2 and len(r["dpo_margins"]) == 2
    assert 0.0 <= r["dpo_win_rate"]["win_rate"] <= 1.0
