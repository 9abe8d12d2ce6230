"""Smoke run of notebook 04: QLoRA fine-tuning must beat the base clearly and survive save/reload/merge."""

import json

import pytest

NOTEBOOK = "04_qlora_phi2_dialogue_summarization"


@pytest.mark.notebook
def test_finetuned_beats_base_and_reload_matches(run_notebook, run_dir) -> None:
    r = run_notebook(NOTEBOOK)
    assert r["rougeL_ft"] >= 0.40
    assert r["rougeL_ft"] >= r["rougeL_base"] + 0.20
    assert r["rougeL_gain_ci_low"] > 0.10  # the gain is not noise
    assert abs(r["rougeL_reloaded"] - r["rougeL_before_save"]) < 0.005  # same to 2-3 decimals
    assert r["merged_identical"] >= 0.95 * r["n_check"]  # merged == adapter on the same base
    assert r["max_logit_diff"] < 1e-3
    assert r["train_loss_last"] < r["train_loss_first"] and r["eval_loss_last"] < r["eval_loss_first"]
    assert r["phi2_trainable"] == 20_971_520 and r["phi2_total"] == 2_800_655_360
    assert r["n_test"] == 150  # the whole shipped test split, not a handful
    adapter = run_dir / "artifacts" / "04_adapter"
    assert (adapter / "adapter_model.safetensors").exists() and not list(adapter.glob("*.bin"))
    assert r["adapter_mb"] < 5
    preds = json.loads((run_dir / "artifacts" / "04_predictions" / "test_predictions.json").read_text())
    assert len(preds) == r["n_test"] and {"base", "fine_tuned", "reference"} <= set(preds[0])
    assert r["_seconds"] < 400  # smoke budget: 5 minutes + margin
