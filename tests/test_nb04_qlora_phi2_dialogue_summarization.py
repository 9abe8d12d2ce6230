"""Smoke run of notebook 04: QLoRA fine-tuning must beat the base clearly and survive save/reload/merge."""

import json
import math

import pytest
from safetensors import safe_open

NOTEBOOK = "04_qlora_phi2_dialogue_summarization"


@pytest.fixture(scope="module")
def results(run_notebook) -> dict:
    return run_notebook(NOTEBOOK)


@pytest.mark.notebook
def test_fine_tuned_beats_base(results) -> None:
    r = results
    assert r["n_test"] == 150  # the whole shipped test split, not a handful
    assert r["rougeL_ft"] >= 0.30  # facts must be copied from each shipped dialogue: 0.347 measured, lead 0.330
    assert r["rougeL_ft"] >= r["rougeL_base"] + 0.20
    assert r["rougeL_gain_ci_low"] > 0.10  # the gain is not noise


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
    assert results["adapter_mb"] < 1 and results["adapter_mb"] < 0.2 * results["base_mb"]
    preds = json.loads((run_dir / "artifacts" / "04_predictions" / "test_predictions.json").read_text())
    assert len(preds) == results["n_test"]
    assert {"id", "base", "fine_tuned", "reference"} <= set(preds[0])
    assert len({p["id"] for p in preds}) == len(preds)


@pytest.mark.notebook
def test_smoke_budget(results) -> None:
    assert results["_seconds"] < 1200  # a hang guard: timings on a shared 2-core machine vary 5x


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
def test_copy_probe_explains_why_retrieval_wins(results) -> None:
    """4.4's copy probe: the tiny base pays about as much for a text's second reading as for its first,
    so it cannot copy facts from a dialogue (4.12 gives this as the reason retrieval stays ahead). A base
    that learns to copy fails this test: then re-read 4.4's printed verdict and rewrite 4.12's bullet."""
    r = results
    assert 0 < r["copy_loss_first"] and math.isfinite(r["copy_loss_second"])
    assert r["copy_loss_second"] > 0.5 * r["copy_loss_first"]  # the line 4.4 prints: "barely uses the first copy"
