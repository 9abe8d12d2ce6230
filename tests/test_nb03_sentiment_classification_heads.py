"""Smoke run of notebook 03: a pretrained encoder must classify sentiment well, and beat random init."""

import math

import pytest

NOTEBOOK = "03_sentiment_classification_heads"


@pytest.mark.notebook
def test_pretraining_beats_random_init(run_notebook) -> None:
    r = run_notebook(NOTEBOOK)
    assert 0.85 <= r["full_f1"] <= 0.97  # fine-tuned MiniLM on the shipped test split: good, not trivially perfect
    assert r["full_f1"] > r["random_init_f1"] + 0.1  # what pretraining buys, same data and budget
    assert r["frozen_f1"] > 0.4 and r["lora_f1"] > 0.4  # well above chance (0.33) with frozen weights
    # mean pooling, how this sentence embedder was trained, holds at least as much as the pooler (3.3's text)
    assert r["probe_f1"]["pooler"] <= r["probe_f1"]["mean"]
    assert 0.0 <= r["decoder_f1"] <= 1.0
    assert r["lora_trainable"] < r["full_trainable"] / 100  # adapters + head: under 1% of the model
    assert r["frozen_trainable"] < r["full_trainable"] / 100  # head + pooler only
    assert r["best"] in ("frozen", "full", "lora")
    assert all(math.isfinite(r[f"{k}_seconds"]) for k in ("frozen", "full", "lora", "random_init", "decoder"))
    assert r["probe_split"] == "validation"  # choosing a pooling is a decision: made on validation
    assert all(r[f"{k}_epochs"] <= r["max_epochs"] for k in ("frozen", "full", "lora"))
    assert r["random_init_epochs"] <= r["random_init_max_epochs"]


@pytest.mark.notebook
def test_each_strategy_trains_until_validation_stops_improving(run_notebook) -> None:
    """Early stopping can fire (patience below the budget) and runs end on their best epoch, not the budget's."""
    r = run_notebook(NOTEBOOK)
    assert r["patience"] < r["max_epochs"]  # early stopping that can fire
    for k in ("frozen", "full", "lora", "random_init"):
        limit = r["random_init_max_epochs"] if k == "random_init" else r["max_epochs"]
        if r[f"{k}_epochs"] < limit:  # stopped: `patience` epochs in a row without a better validation F1
            assert r[f"{k}_epochs"] - r[f"{k}_best_epoch"] == r["patience"], k
        else:  # ran the whole budget
            assert r[f"{k}_epochs"] == limit, k
    # random init's own learning rate: the candidate with the best validation F1 (never the test split)
    sweep = {float(lr): loss for lr, loss in r["random_init_sweep"].items()}
    # the sweep records validation loss after one epoch per candidate: the lowest wins
    assert len(sweep) >= 2 and r["random_init_lr"] == min(sweep, key=sweep.get)
    assert r["_seconds"] < 1800  # a hang guard: 3 min idle, 15-23 min measured on a busy shared 2-core machine


@pytest.mark.notebook
def test_saved_classifier_reloads_and_predicts(run_notebook, run_dir) -> None:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from helpers.classification import predict_labels
    from helpers.data import load_sentiment

    r = run_notebook(NOTEBOOK)
    assert r["reload_same"] is True
    path = run_dir / r["classifier_dir"]
    assert (path / "model.safetensors").exists()
    model = AutoModelForSequenceClassification.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    assert model.config.id2label == {0: "negative", 1: "neutral", 2: "positive"}
    test = load_sentiment("local")["test"].select(range(60))
    names = test.features["label"].names
    preds = predict_labels(model, tokenizer, test["text"])
    accuracy = sum(p == names[y] for p, y in zip(preds, test["label"])) / len(preds)
    assert accuracy >= 0.8  # the reloaded file is the trained classifier (chance is ~0.38)


@pytest.mark.notebook
def test_memory_column_counts_what_each_strategy_trains(run_notebook) -> None:
    """Weights + gradients + AdamW states, from the model: the same architecture costs the same (full and
    random init), and freezing or LoRA saves exactly the states of what no longer trains."""
    r = run_notebook(NOTEBOOK)
    assert r["full_state_mb"] == pytest.approx(r["random_init_state_mb"], rel=1e-9)
    weights_mb = r["full_state_mb"] / 4  # full: weights + gradient + two AdamW states, all fp32
    # frozen: its trainable weights already exist; LoRA adds them (A, B and the head's trainable copy) as new weights
    for strategy, copies in (("frozen", 3), ("lora", 4)):
        extra = copies * 4 * r[f"{strategy}_trainable"] / 2**20
        assert r[f"{strategy}_state_mb"] == pytest.approx(weights_mb + extra, rel=1e-6)


@pytest.mark.notebook
def test_tfidf_baseline_beside_the_networks(run_notebook) -> None:
    from helpers.classification import TFIDF_C_GRID

    r = run_notebook(NOTEBOOK)
    assert r["tfidf_c"] in TFIDF_C_GRID and 0.33 < r["tfidf_f1"] <= 1.0
    assert r["full_vs_tfidf"] == pytest.approx(r["full_f1"] - r["tfidf_f1"], abs=1e-9)
    assert r["full_vs_tfidf_ci_low"] <= r["full_vs_tfidf"] <= r["full_vs_tfidf_ci_high"]
    assert r["full_vs_tfidf_ci_low"] > 0  # fine-tuning beats word counts beyond the noise of the test split
