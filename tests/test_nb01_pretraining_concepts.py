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
