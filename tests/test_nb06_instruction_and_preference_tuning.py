"""Smoke run of notebook 06 on SmolLM2-135M-Instruct: instruction SFT beats the zero-shot model on every task with
an interval, DPO raises the reward margin and its win rate is reported with an interval, forgetting is measured
for full fine-tuning and LoRA, and every comparison runs at one budget."""

import pytest

NOTEBOOK = "06_instruction_and_preference_tuning"
TASKS = ("summarize", "sentiment", "extract")


@pytest.fixture(scope="module")
def results(run_notebook) -> dict:
    return run_notebook(NOTEBOOK)


@pytest.mark.notebook
def test_instruction_sft_beats_zero_shot_on_every_task(results) -> None:
    r = results
    assert r["source"] == "local" and tuple(r["tasks"]) == TASKS
    for task in TASKS:
        assert r["sft_vs_zero"][task]["ci_low"] > 0, f"{task}: not better than zero-shot with a 95% CI"
    # the test sets are the ones stated: 30 dialogues, 100 reviews, 40 bookings of validation and test together
    assert r["n_test"] == {"summarize": 30, "sentiment": 100, "extract": 40}
    assert r["example_counts"]["extract test"]["used"] < 40
    assert r["references_per_dialogue"] == 1  # the shipped test set: one summary per dialogue
    # the format is learned: the tuned model stops at eos on most replies (labels and JSON: nearly all); zero-shot
    # runs on to the token limit on most summaries and bookings
    assert r["stopped"]["multi-task LoRA"]["summarize"] >= 0.8
    assert r["stopped"]["multi-task LoRA"]["sentiment"] >= 0.95 and r["stopped"]["multi-task LoRA"]["extract"] >= 0.95
    assert r["stopped"]["zero-shot"]["summarize"] < 0.5 and r["stopped"]["zero-shot"]["extract"] < 0.5
    # a model-free baseline beside the results: the tuned model beats answering the commonest label; the retrieval
    # summary is recorded beside it (strong on the templated shipped dialogues; the notebook says so)
    assert r["multi_task"]["sentiment"] > r["baseline"]["sentiment"]
    assert 0.3 < r["baseline"]["summarize"] < 1


@pytest.mark.notebook
def test_every_sft_run_has_one_budget(results) -> None:
    r = results
    assert set(r["steps"].values()) == {r["max_steps"]} == {24}  # multi, single, full, sequential (domain + task)
    assert 0 < r["domain_steps"] < r["max_steps"]
    # smoke's shipped prompts fit a row: nothing is cut, in training or generation
    assert not any(r["prompts_cut"].values())


@pytest.mark.notebook
def test_forgetting_is_measured_for_full_and_lora(results) -> None:
    r = results
    assert set(r["forgetting"]) == {"single-task LoRA", "single-task full"}
    assert r["general_paragraphs"] >= 8
    assert set(r["general_bpb"]) == {"zero-shot", "single-task LoRA", "single-task full"}
    for name, f in r["forgetting"].items():
        assert f["learned"]["ci_low"] > 0, f"{name} did not learn to summarize: its forgetting would mean nothing"
        for part in ("sentiment", "bpb"):
            assert f[part]["ci_low"] < f[part]["ci_high"], (name, part)  # measured on several items, not one


@pytest.mark.notebook
def test_dpo_raises_the_margin_and_its_win_rate_has_an_interval(results) -> None:
    r = results
    assert r["dpo_steps"] == len(r["dpo_margins"]) == 10
    assert set(r["dpo_pair_kinds"]) == {"invented detail", "run-on", "wrong label"}
    before, after = r["dpo_heldout_before"], r["dpo_heldout_after"]
    assert r["dpo_heldout_pairs"] == 16
    assert abs(before["margins"]) < 1e-4  # before the first update the policy is its reference (the SFT copy)
    assert after["margins"] > 0.05 and after["accuracies"] > 0.5  # the preference carries over to held-out pairs
    w = r["dpo_win_rate"]
    assert w["n"] == r["n_heldout"] == w["wins"] + w["ties"] + w["losses"] == 30
    assert 0 <= w["ci_low"] < w["ci_high"] <= 1


@pytest.mark.notebook
def test_the_llm_judge_is_calibrated_on_pairs_the_checks_decide(results) -> None:
    r = results
    assert r["judge_pairs"] >= 10
    assert r["judge_checks_prefer_chosen"] == r["judge_pairs"]  # every simulated reject loses a check, by design
    j = r["judge_agreement"]
    assert j["n"] == r["judge_pairs"] and 0 <= j["ci_low"] <= j["ci_high"] <= 1
    assert sum(r["judge_verdicts"].values()) == 2 * r["judge_pairs"]  # asked in both orders
    assert j["mean"] <= r["judge_consistent"] / r["judge_pairs"]  # an order-dependent verdict never agrees


@pytest.mark.notebook
def test_bias_flip_rates_before_and_after(results) -> None:
    r = results
    for model in ("zero-shot", "multi-task LoRA"):
        checks = r["bias"][model]
        assert checks["names -> sentiment"]["n"] >= 10  # test reviews that name someone
        assert checks["roles -> summary facts"]["n"] == 20
