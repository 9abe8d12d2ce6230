"""Smoke run of notebook 01: pretraining from random init must cut validation perplexity 10x."""

import math

import pytest

NOTEBOOK = "01_pretraining_concepts"


@pytest.mark.notebook
def test_pretraining_lowers_perplexity_tenfold(run_notebook) -> None:
    r = run_notebook(NOTEBOOK)
    assert r["val_ppl_before"] > 1000  # random init: near the vocabulary size (a uniform guess)
    assert r["val_ppl_before"] / r["val_ppl_after"] >= 10
    assert r["train_loss_last"] < r["train_loss_first"] - 3
    assert r["params_phi2"] == 2_779_683_840
    assert 1e6 < r["params_tiny"] < 5e6
    assert math.isfinite(r["pretrain_seconds"])
    assert r["_seconds"] < 1200  # a hang guard; idle budget ~3 min (closing note)


@pytest.mark.notebook
def test_the_pretrained_model_beside_the_scratch_model(run_notebook) -> None:
    """1.6: the model pretrained at scale (SmolLM2 on smoke) spends far fewer bits per byte on general text the
    course wrote, and copies from its context, which the scratch model cannot."""
    r = run_notebook(NOTEBOOK)
    assert r["big_arch"] == "llama" and 1e8 < r["params_big"] < 2e8  # SmolLM2-135M-Instruct
    assert r["bpb_general_big"] < 0.6 * r["bpb_general_tiny"]
    assert r["copy_second_big"] < 0.5 * r["copy_first_big"]  # reads the repeated text far more cheaply
    assert r["copy_second_tiny"] > 0.5 * r["copy_first_tiny"]  # the scratch model barely can
    assert all(math.isfinite(r[k]) for k in ("bpb_dialogue_tiny", "bpb_dialogue_big"))
