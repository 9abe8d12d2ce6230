"""Unit tests of helpers.classification on a tiny randomly initialised BERT (no download)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from datasets import ClassLabel, Dataset, Features, Value
from transformers import (
    AutoModelForSequenceClassification,
    BertConfig,
    BertModel,
    BertTokenizerFast,
)

from helpers.classification import (
    STRATEGIES,
    ClassifierRun,
    build_classifier,
    epoch_history,
    freeze_all_but,
    label_maps,
    make_training_args,
    predict_labels,
    save_classifier,
    tfidf_baseline,
    tokenize_texts,
    train_classifier,
    tune_tfidf_c,
)
from helpers.models import count_parameters

LABELS = ["negative", "neutral", "positive"]
WORDS = ["good", "bad", "great", "awful", "fine", "ok", "the", "food", "was", "not", "service"]
TEXTS = ["the food was good", "the food was bad", "the service was ok", "great", "awful",
         "the food was not bad", "fine", "the service was great"]
TARGETS = [2, 0, 1, 2, 0, 2, 1, 2]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory) -> tuple[str, BertTokenizerFast]:
    """A 2-layer BERT body with random weights and a word-level vocab, saved like a hub checkpoint."""
    path = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(path / "vocab.txt"))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path), tokenizer


def sentiment_ds() -> Dataset:
    features = Features({"text": Value("string"), "label": ClassLabel(names=LABELS)})
    return Dataset.from_dict({"text": TEXTS, "label": TARGETS}, features=features)


def test_label_maps_round_trip_and_bad_input() -> None:
    id2label, label2id = label_maps(LABELS)
    assert id2label == {0: "negative", 1: "neutral", 2: "positive"}
    assert all(label2id[name] == i for i, name in id2label.items())
    for bad in ([], ["a", "a"]):
        with pytest.raises(ValueError, match="distinct"):
            label_maps(bad)


def test_unknown_strategy_is_a_clear_error(tiny_bert) -> None:
    path, _ = tiny_bert
    with pytest.raises(ValueError, match="unknown strategy 'linear'.*frozen"):
        build_classifier(path, "linear", LABELS)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_build_classifier_trains_the_right_weights(tiny_bert, strategy: str) -> None:
    path, _ = tiny_bert
    model = build_classifier(path, strategy, LABELS)
    trainable, total = count_parameters(model)
    head = 32 * 3 + 3
    assert model.config.id2label == {0: "negative", 1: "neutral", 2: "positive"}
    assert type(model.get_base_model() if strategy == "lora" else model).__name__ == (
        "BertMeanPoolingForSequenceClassification")  # the default head reads mean pooling
    assert "pooler" not in " ".join(n for n, _ in model.named_parameters())  # no unused pooler weights
    if strategy == "frozen":  # the head only: the mean of the frozen body's states feeds it directly
        assert trainable == head
    elif strategy == "lora":  # adapters on query/value + the head copy in modules_to_save
        names = [n for n, p in model.named_parameters() if p.requires_grad]
        assert any("lora_A" in n for n in names) and any("modules_to_save" in n for n in names)
        assert head < trainable < total / 5
        cfg = model.peft_config["default"]  # built by helpers.models.make_lora_config
        assert (cfg.r, cfg.lora_alpha, cfg.lora_dropout, cfg.bias, cfg.task_type) == (8, 16, 0.1, "none", "SEQ_CLS")
        assert set(cfg.target_modules) == {"query", "value"} and set(cfg.modules_to_save) >= {"classifier"}
    else:
        assert trainable == total


def test_pooling_model_keeps_berts_pooler_and_frozen_trains_it(tiny_bert) -> None:
    path, _ = tiny_bert
    model = build_classifier(path, "frozen", LABELS, pooling="model")
    assert type(model).__name__ == "BertForSequenceClassification"
    assert count_parameters(model)[0] == 32 * 3 + 3 + 32 * 32 + 32  # the head and BERT's pooler
    with pytest.raises(ValueError, match="unknown pooling 'cls'"):
        build_classifier(path, "full", LABELS, pooling="cls")


def test_mean_pooling_reads_real_tokens_only_and_needs_an_encoder(tiny_bert, tmp_path: Path) -> None:
    """Padding a row must not change its logits (pads are outside the mean), and [CLS] alone does not decide
    them (the mean reads every token); a decoder path gets a clear error that names the other choice."""
    path, _ = tiny_bert
    model = build_classifier(path, "full", LABELS).eval()
    ids = torch.tensor  # token ids of the tiny vocab: 2 = [CLS], 3 = [SEP], 0 = [PAD], 5.. = WORDS
    alone = {"input_ids": ids([[2, 12, 13, 5, 3]]), "attention_mask": ids([[1, 1, 1, 1, 1]])}
    padded = {"input_ids": ids([[2, 12, 13, 5, 3, 0, 0], [2, 12, 13, 14, 6, 5, 3]]),
              "attention_mask": ids([[1, 1, 1, 1, 1, 0, 0], [1] * 7])}
    with torch.no_grad():
        assert torch.allclose(model(**alone).logits[0], model(**padded).logits[0], atol=1e-5)
        other = {"input_ids": ids([[2, 12, 13, 6, 3]]), "attention_mask": alone["attention_mask"]}  # one word differs
        assert not torch.allclose(model(**alone).logits, model(**other).logits)
    hidden = model.bert(**alone).last_hidden_state.mean(1)
    assert torch.allclose(model(**alone).logits, model.classifier(hidden), atol=1e-5)
    (tmp_path / "config.json").write_text('{"model_type": "llama"}')
    with pytest.raises(ValueError, match="pooling='model'"):
        build_classifier(str(tmp_path), "full", LABELS)


def test_random_init_differs_from_pretrained(tiny_bert) -> None:
    path, _ = tiny_bert
    pre = build_classifier(path, "full", LABELS)
    rnd = build_classifier(path, "random_init", LABELS)
    w_pre = pre.bert.encoder.layer[0].attention.self.query.weight
    w_rnd = rnd.bert.encoder.layer[0].attention.self.query.weight
    assert w_pre.shape == w_rnd.shape and not torch.allclose(w_pre, w_rnd)


def test_freeze_all_but_bad_input(tiny_bert) -> None:
    path, _ = tiny_bert
    model = build_classifier(path, "full", LABELS, pooling="model")
    with pytest.raises(ValueError, match="nothing would train"):
        freeze_all_but(model, ("no_such_layer",))
    with pytest.raises(TypeError, match="tuple"):
        freeze_all_but(model, "classifier")
    assert freeze_all_but(model, ("classifier", "pooler")) == 32 * 3 + 3 + 32 * 32 + 32


def test_tokenize_texts_and_bad_input(tiny_bert) -> None:
    _, tok = tiny_bert
    out = tokenize_texts(sentiment_ds(), tok, max_length=4)
    assert {"input_ids", "attention_mask", "label"} <= set(out.column_names)
    assert max(len(ids) for ids in out["input_ids"]) == 4  # truncated, not padded
    with pytest.raises(ValueError, match="'text' column"):
        tokenize_texts(sentiment_ds().rename_column("text", "review"), tok, max_length=8)
    with pytest.raises(ValueError, match="max_length"):
        tokenize_texts(sentiment_ds(), tok, max_length=0)


def test_make_training_args_defaults_and_bad_input(tmp_path: Path) -> None:
    args = make_training_args(str(tmp_path), lr=1e-3, epochs=2, batch_size=4, use_cpu=True)
    assert args.eval_strategy == "epoch" and args.load_best_model_at_end
    assert args.metric_for_best_model == "f1" and args.weight_decay > 0 and args.warmup_steps == 0.1
    assert make_training_args(str(tmp_path), 1e-3, 1, 4, weight_decay=0.0, use_cpu=True).weight_decay == 0.0
    with pytest.raises(ValueError, match="lr > 0"):
        make_training_args(str(tmp_path), lr=0, epochs=1, batch_size=4)


def test_train_classifier_returns_a_run_and_saves(tiny_bert, tmp_path: Path) -> None:
    path, tok = tiny_bert
    ds = tokenize_texts(sentiment_ds(), tok, max_length=16)
    model = build_classifier(path, "lora", LABELS)
    args = make_training_args(str(tmp_path / "run"), lr=5e-3, epochs=2, batch_size=4, use_cpu=True,
                              logging_steps=1)
    run = train_classifier(model, tok, ds, ds, args, test_ds=ds)
    assert isinstance(run, ClassifierRun)
    assert set(run.metrics) == {"accuracy", "precision", "recall", "f1"}
    assert 0 <= run.metrics["f1"] <= 1 and run.seconds > 0 and run.trainable < run.total
    hist = epoch_history(run.trainer)
    assert hist["validation macro-F1"][0] == [1.0, 2.0]
    preds = predict_labels(run.model, tok, TEXTS[:3])
    assert len(preds) == 3 and set(preds) <= set(LABELS)
    out = save_classifier(run.model, tok, tmp_path / "saved")  # LoRA merged into a plain model
    assert (out / "model.safetensors").exists()
    reloaded = AutoModelForSequenceClassification.from_pretrained(out)
    assert reloaded.config.id2label[2] == "positive"
    assert type(reloaded).__name__ == "BertMeanPoolingForSequenceClassification"  # not BERT's pooler head
    assert predict_labels(reloaded, tok, TEXTS[:3]) == preds


def test_train_classifier_rejects_untokenized_data(tiny_bert, tmp_path: Path) -> None:
    path, tok = tiny_bert
    model = build_classifier(path, "frozen", LABELS)
    args = make_training_args(str(tmp_path), lr=1e-3, epochs=1, batch_size=4, use_cpu=True)
    with pytest.raises(ValueError, match="tokenize_texts"):
        train_classifier(model, tok, sentiment_ds(), sentiment_ds(), args)


def test_predict_labels_bad_input(tiny_bert) -> None:
    path, tok = tiny_bert
    model = build_classifier(path, "full", LABELS)
    with pytest.raises(TypeError, match="list of texts"):
        predict_labels(model, tok, "one string")
    assert predict_labels(model, tok, []) == []


# --- the TF-IDF + logistic-regression baseline ----------------------------------------------

TF_TRAIN = ["great food", "lovely staff", "great room", "awful food", "rude staff", "awful room",
            "opens at noon", "has forty rooms"]
TF_LABELS = ["positive", "positive", "positive", "negative", "negative", "negative", "neutral", "neutral"]


def test_tfidf_baseline_learns_words_from_train_only() -> None:
    preds = tfidf_baseline(TF_TRAIN, TF_LABELS, ["great staff", "awful staff", "opens at nine"], C=10.0)
    assert preds == ["positive", "negative", "neutral"]
    assert tfidf_baseline(TF_TRAIN, [0, 0, 0, 1, 1, 1, 2, 2], ["rude room"], C=10.0) == [1]  # ints stay ints
    # deterministic, and a word never seen in train ("superb") carries no signal
    unseen = [tfidf_baseline(TF_TRAIN, TF_LABELS, [word], C=10.0) for word in ("superb", "zzz")]
    assert unseen[0] == unseen[1]


def test_tfidf_baseline_bad_input() -> None:
    with pytest.raises(TypeError, match="list of strings"):
        tfidf_baseline("great food", ["positive"], ["x"])
    with pytest.raises(ValueError, match="one label per text"):
        tfidf_baseline(TF_TRAIN, TF_LABELS[:-1], ["x"])
    with pytest.raises(ValueError, match="single class"):
        tfidf_baseline(TF_TRAIN[:3], TF_LABELS[:3], ["x"])
    with pytest.raises(ValueError, match="C"):
        tfidf_baseline(TF_TRAIN, TF_LABELS, ["x"], C=0)
    with pytest.raises(ValueError, match="empty"):
        tfidf_baseline(TF_TRAIN, TF_LABELS, [])


def test_tune_tfidf_c_picks_on_validation() -> None:
    best, scores = tune_tfidf_c(TF_TRAIN, TF_LABELS, ["great staff", "awful staff", "opens at nine"],
                                ["positive", "negative", "neutral"], grid=(100.0, 0.01, 10.0))
    assert list(scores) == [0.01, 10.0, 100.0] and best == 10.0  # 0.01 predicts one class; ties -> smaller C
    assert scores[10.0] == 1.0 and scores[0.01] < 1.0
    with pytest.raises(ValueError, match="grid is empty"):
        tune_tfidf_c(TF_TRAIN, TF_LABELS, ["x"], ["positive"], grid=())


def test_training_batches_are_grouped_by_length_and_predict_keeps_row_order(tiny_bert, tmp_path: Path) -> None:
    """Grouping by length cuts padding in training; with a plain Trainer it also reorders trainer.predict
    (transformers#33514): the rows below are mixed short and long, so a length-grouped order is not this one."""
    path, tok = tiny_bert
    # 160 distinct texts whose lengths alternate: 3 and 10 tokens with [CLS] and [SEP]
    texts = [" ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + 7 * (i % 2))) for i in range(160)]
    ds = tokenize_texts(Dataset.from_dict({"text": texts, "label": [i % 3 for i in range(160)]}), tok, 32)
    args = make_training_args(str(tmp_path / "run"), lr=1e-3, epochs=1, batch_size=4, use_cpu=True)
    assert args.train_sampling_strategy == "group_by_length"
    run = train_classifier(build_classifier(path, "full", LABELS), tok, ds, ds, args)
    lengths = [len(ids) for ids in ds["input_ids"]]
    batches = [[lengths[i] for i in batch] for batch in run.trainer.get_train_dataloader().batch_sampler]
    # 4 mega-batches of 40 rows, each sorted by length: at most one mixed batch in each (random order: ~35 of 40)
    assert len(batches) == 40 and sum(len(set(b)) > 1 for b in batches) <= 4
    out = run.trainer.predict(ds)
    assert out.label_ids.tolist() == ds["label"]  # row i of predict is row i of the data
    by_row = run.model(**tok(texts, padding=True, return_tensors="pt")).logits.detach().numpy()
    assert abs(out.predictions - by_row).max() < 1e-4


def test_evaluation_batches_rows_by_length_and_scores_as_in_row_order(tiny_bert, tmp_path: Path) -> None:
    """`evaluate` (every epoch's validation pass) batches rows sorted by length, so a batch pads little, and its
    macro-F1 is the one of the row-order predictions; `predict` stays in row order (test above)."""
    from sklearn.metrics import f1_score

    path, tok = tiny_bert
    texts = [" ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + 7 * (i % 2))) for i in range(60)]
    ds = tokenize_texts(Dataset.from_dict({"text": texts, "label": [i % 3 for i in range(60)]}), tok, 32)
    args = make_training_args(str(tmp_path / "run"), lr=1e-3, epochs=1, batch_size=4, use_cpu=True)
    run = train_classifier(build_classifier(path, "full", LABELS), tok, ds, ds, args)
    lengths = [len(ids) for ids in ds["input_ids"]]
    batches = [[lengths[i] for i in b] for b in run.trainer.get_eval_dataloader(ds).batch_sampler]
    assert sum(len(set(b)) > 1 for b in batches) <= 1  # row order alternates 3 and 10 tokens: every batch mixed
    assert sorted(i for b in run.trainer.get_eval_dataloader(ds).batch_sampler for i in b) == list(range(60))
    predicted = run.trainer.predict(ds).predictions.argmax(-1)
    want = f1_score(ds["label"], predicted, average="macro", zero_division=0)
    assert run.trainer.evaluate(ds)["eval_f1"] == pytest.approx(want, abs=1e-9)
