"""Smoke run of notebook 04 on SmolLM2-135M-Instruct: QLoRA fine-tuning must beat the zero-shot base and both
model-free baselines with intervals, invent few details, stop at eos, and survive save/reload/merge."""

import json

import pytest
from safetensors import safe_open

NOTEBOOK = "04_qlora_phi2_dialogue_summarization"


@pytest.fixture(scope="module")
def results(run_notebook) -> dict:
    return run_notebook(NOTEBOOK)


@pytest.mark.notebook
def test_fine_tuned_beats_zero_shot(results) -> None:
    r = results
    assert r["n_test"] == 150  # the whole shipped test split, not a handful
    assert r["base_model"] == "llama"  # SmolLM2, the pretrained offline base
    assert r["rougeL_ft"] >= r["rougeL_base"] + 0.20
    assert r["rougeL_gain_ci_low"] > 0.10  # the gain is not noise
    assert r["n_zero_shot"] == 50  # the run-on base on a subset (helpers/profiles.py says why); the rest on all
    # the gain is paired on that subset: it is the fine-tuned model's score there minus the base's
    assert r["rougeL_gain"] == pytest.approx(r["rougeL_ft_zs"] - r["rougeL_base"], abs=1e-9)


@pytest.mark.notebook
def test_fine_tuned_beats_lead_and_retrieval(results) -> None:
    """The fine-tuned model beats the first turns on every ROUGE and copying the nearest training summary on
    ROUGE-L, each with a paired interval above 0 (issue 21: 36 CPU updates left it level with retrieval, CI
    -0.060 to +0.014; the smoke budget is 72)."""
    r = results
    for metric in ("rouge1", "rouge2", "rougeL"):
        assert r[f"{metric}_vs_lead_ci_low"] > 0, metric
    assert r["rougeL_vs_retrieval_ci_low"] > 0
    assert r["max_steps"] == 72


@pytest.mark.notebook
def test_few_invented_details_and_summaries_that_stop(results) -> None:
    r = results
    assert r["invented_ft"] <= 0.10 and r["invented_ft"] < r["invented_retrieval"]
    assert r["invented_refs"] == 0  # the check itself finds nothing in the references
    assert r["run_on_ft"] <= 0.05  # the model learned to end with eos
    assert 0 <= r["run_on_base"] <= 1


@pytest.mark.notebook
def test_training_lowered_the_loss(results) -> None:
    assert results["train_loss_last"] < results["train_loss_first"]
    assert results["eval_loss_last"] < results["eval_loss_first"]


@pytest.mark.notebook
def test_training_packed_whole_examples_without_losing_any(results) -> None:
    r = results
    assert r["examples_missing"] == 0  # every training example is in some packed row
    assert r["examples_per_row"] > 1.2 and r["packed_rows"] < 1500  # rows hold several examples
    assert 0.5 < r["row_fill"] <= 1.0
    # one truncation rule: the shipped prompts (<= 270 tokens) fit max_prompt_tokens in training and in generation,
    # and no summary lost a token to packing
    assert r["prompts_shortened"] == 0 and r["test_prompts_cut"] == 0
    assert r["examples_cut"] == 0 and r["completion_tokens_lost"] == 0


@pytest.mark.notebook
def test_reload_is_exact_and_merge_matches(results) -> None:
    r = results
    assert abs(r["rougeL_reloaded"] - r["rougeL_before_save"]) < 1e-9
    assert r["reload_identical"] == r["n_check"]
    assert r["merged_identical"] >= 0.95 * r["n_check"]  # merged == adapter on the same base
    assert r["max_logit_diff"] < 1e-3


@pytest.mark.notebook
def test_phi2_parameter_count(results) -> None:
    assert results["phi2_trainable"] == 20_971_520 and results["phi2_total"] == 2_800_655_360


@pytest.mark.notebook
def test_artifacts_for_notebook_05(results, run_dir) -> None:
    adapter = run_dir / "artifacts" / "04_adapter"
    weights = adapter / "adapter_model.safetensors"
    assert weights.exists() and not list(adapter.glob("*.bin"))
    with safe_open(str(weights), "pt") as f:  # a real safetensors file with LoRA weights
        assert any("lora_A" in k for k in f.keys())  # noqa: SIM118 - safe_open is not iterable
    assert results["adapter_mb"] < 0.05 * results["base_mb"]  # r=32 on four projections: ~3% of SmolLM2 in fp32
    preds = json.loads((run_dir / "artifacts" / "04_predictions" / "test_predictions.json").read_text())
    assert len(preds) == results["n_test"]
    assert {"id", "base", "fine_tuned", "reference"} <= set(preds[0])
    assert len({p["id"] for p in preds}) == len(preds)


@pytest.mark.notebook
def test_smoke_budget(results) -> None:
    assert results["_seconds"] < 2400  # a hang guard: timings on a shared 2-core machine vary 2x


@pytest.mark.notebook
def test_model_free_baselines_beside_the_result(results, shipped_baselines) -> None:
    """Lead and retrieval are on the same test set and scored with the same code as the models;
    the difference from retrieval carries a paired interval around its mean."""
    r, b = results, shipped_baselines
    assert r["lead_turns"] == b["lead_turns"]
    assert r["rougeL_lead"] == pytest.approx(b["lead"], abs=1e-9)
    assert r["rougeL_retrieval"] == pytest.approx(b["retrieval"], abs=1e-9)
    assert r["rougeL_vs_retrieval"] == pytest.approx(r["rougeL_ft"] - r["rougeL_retrieval"], abs=1e-9)
    assert r["rougeL_vs_retrieval_ci_low"] <= r["rougeL_vs_retrieval"] <= r["rougeL_vs_retrieval_ci_high"]


@pytest.mark.notebook
def test_copy_probe_shows_a_base_that_reads_its_context(results) -> None:
    """4.4's copy probe: the pretrained base reads a repeated text far more cheaply the second time (the verdict
    4.4 prints and the summary's bullet on retrieval rely on it)."""
    r = results
    assert 0 < r["copy_loss_second"] < 0.5 * r["copy_loss_first"]
