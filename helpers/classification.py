"""Classification heads: build a model per training strategy, train it with Trainer, score it.

Taught in notebook 03; notebook 05 reuses the saved classifier and `predict_labels`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from datasets import Dataset
from torch.utils.data import SequentialSampler
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    BertConfig,
    BertForSequenceClassification,
    Trainer,
)

from .models import count_parameters, make_lora_config
from .profiles import show_progress
from .text import check_texts

STRATEGIES = ("frozen", "full", "lora", "random_init")
POOLINGS = ("mean", "model")  # the head reads the mean over real tokens, or the architecture's own pooling


class MeanPoolingBertConfig(BertConfig):
    """A BERT config whose classifier reads mean pooling; its own model_type, so that loading a saved
    classifier picks the mean-pooling class (or fails clearly) instead of silently reading BERT's pooler."""

    model_type = "bert_mean_pooling"


class BertMeanPoolingForSequenceClassification(BertForSequenceClassification):
    """`BertForSequenceClassification` with the head on the mean of the last hidden states (pads excluded).

    BERT's own head reads the pooler, tanh(dense([CLS])): right for a checkpoint pretrained with that layer, but a
    sentence embedder such as all-MiniLM-L6-v2 was trained on mean pooling (notebook 03, 3.3's probe). The pooler
    is dropped; everything else (weights, loss, `save_pretrained`) is BERT's.
    """

    config_class = MeanPoolingBertConfig

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self.bert.pooler = None  # unused: its checkpoint weights load as "unexpected" and are ignored

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None,
                inputs_embeds=None, labels=None, **kwargs):
        from transformers.modeling_outputs import SequenceClassifierOutput

        kwargs.pop("return_dict", None)
        out = self.bert(input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                        position_ids=position_ids, inputs_embeds=inputs_embeds, return_dict=True, **kwargs)
        hidden = out.last_hidden_state
        mask = (torch.ones(hidden.shape[:2], device=hidden.device) if attention_mask is None
                else attention_mask).unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # mean over real tokens only
        logits = self.classifier(self.dropout(pooled))
        loss = None
        if labels is not None:
            loss = torch.nn.functional.cross_entropy(logits.view(-1, self.num_labels), labels.view(-1))
        return SequenceClassifierOutput(loss=loss, logits=logits, hidden_states=out.hidden_states,
                                        attentions=out.attentions)


# Auto classes (and `pipeline`) load a saved mean-pooling classifier once this module is imported
AutoConfig.register(MeanPoolingBertConfig.model_type, MeanPoolingBertConfig)
AutoModelForSequenceClassification.register(MeanPoolingBertConfig, BertMeanPoolingForSequenceClassification)


def label_maps(names: list[str]) -> tuple[dict[int, str], dict[str, int]]:
    """id2label and label2id for a list of class names."""
    if not names or len(set(names)) != len(names):
        raise ValueError(f"label names must be non-empty and distinct, got {names!r}")
    return dict(enumerate(names)), {n: i for i, n in enumerate(names)}


def build_classifier(path: str, strategy: str, label_names: list[str], head: str = "classifier",
                     lora_targets: tuple[str, ...] = ("query", "value"), lora_r: int = 8,
                     pad_token_id: int | None = None, pooling: str = "mean", **load_kwargs: Any) -> torch.nn.Module:
    """A sequence classifier from `path`, set up for one of STRATEGIES (which weights train).

    pooling="mean" (a BERT-family encoder) puts the head on mean pooling; "model" keeps the architecture's own
    (BERT's pooler, a decoder's last token). `head` names the new layer (`classifier` in BERT, `score` in Phi);
    `load_kwargs` go to `from_pretrained` (e.g. quantization_config, dtype, device_map).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose one of {list(STRATEGIES)}")
    if pooling not in POOLINGS:
        raise ValueError(f"unknown pooling {pooling!r}; choose one of {list(POOLINGS)}")
    id2label, label2id = label_maps(label_names)
    kwargs: dict[str, Any] = {"num_labels": len(label_names), "id2label": id2label, "label2id": label2id}
    if pad_token_id is not None:
        kwargs["pad_token_id"] = pad_token_id  # decoders find the last real token with it
    if pooling == "mean":
        model_type = AutoConfig.from_pretrained(path).model_type
        if model_type not in ("bert", MeanPoolingBertConfig.model_type):
            raise ValueError(f"pooling='mean' is written for BERT-family encoders; {path} is a {model_type!r} "
                             "model: pass pooling='model' (a decoder pools from its last real token)")
        cls: Any = BertMeanPoolingForSequenceClassification
        if strategy == "random_init":  # same architecture, no pretrained weights
            return cls(MeanPoolingBertConfig.from_pretrained(path, **kwargs))
    else:
        cls = AutoModelForSequenceClassification
        if strategy == "random_init":
            return cls.from_config(AutoConfig.from_pretrained(path, **kwargs))
    model = cls.from_pretrained(path, **kwargs, **load_kwargs)
    if strategy == "frozen":  # the head; with BERT's pooler (dense + tanh on [CLS], only feeds the head) too
        freeze_all_but(model, (head, "pooler") if pooling == "model" else (head,))
    elif strategy == "lora":
        from peft import get_peft_model, prepare_model_for_kbit_training

        if "quantization_config" in load_kwargs:  # 4-bit base: fp32 norms, input grads
            model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
        config = make_lora_config(r=lora_r, alpha=2 * lora_r, dropout=0.1, target_modules=list(lora_targets),
                                  task_type="SEQ_CLS", modules_to_save=[head])
        model = get_peft_model(model, config)
    return model


def freeze_all_but(model: torch.nn.Module, trainable: tuple[str, ...]) -> int:
    """Freeze every parameter whose name does not contain one of `trainable`; returns how many train."""
    if isinstance(trainable, str):
        raise TypeError("pass a tuple of name parts, e.g. ('classifier',), not one string")
    count = 0
    for name, param in model.named_parameters():
        param.requires_grad = any(part in name for part in trainable)
        count += param.numel() if param.requires_grad else 0
    if count == 0:
        raise ValueError(f"no parameter name contains any of {trainable}: nothing would train")
    return count


def tokenize_texts(ds: Dataset, tokenizer, max_length: int) -> Dataset:
    """Tokenize the `text` column (truncated, not padded: the collator pads each batch)."""
    if "text" not in ds.column_names:
        raise ValueError(f"expected a 'text' column, found {ds.column_names}")
    if max_length < 1:
        raise ValueError(f"max_length must be >= 1, got {max_length}")
    return ds.map(lambda b: tokenizer(b["text"], truncation=True, max_length=max_length),
                  batched=True, remove_columns=["text"])


def make_training_args(output_dir: str, lr: float, epochs: int, batch_size: int, **overrides: Any):
    """TrainingArguments for classification: eval and save each epoch, keep the best, warmup, decay."""
    from transformers import TrainingArguments

    if lr <= 0 or epochs < 1 or batch_size < 1:
        raise ValueError(f"need lr > 0, epochs >= 1, batch_size >= 1; got {lr}, {epochs}, {batch_size}")
    kwargs: dict[str, Any] = {
        "output_dir": output_dir, "learning_rate": lr, "num_train_epochs": epochs,
        "per_device_train_batch_size": batch_size, "per_device_eval_batch_size": 2 * batch_size,
        "eval_strategy": "epoch",  # was `evaluation_strategy` before transformers 4.46
        "save_strategy": "epoch", "load_best_model_at_end": True,  # restore the best epoch at the end
        "metric_for_best_model": "f1", "greater_is_better": True, "save_total_limit": 1,
        "warmup_steps": 0.1,  # a float < 1 is a share of all steps (was `warmup_ratio`)
        "lr_scheduler_type": "linear", "weight_decay": 0.01,
        "train_sampling_strategy": "group_by_length",  # batches of similar lengths: less padding (notebook 03, 3.4)
        "logging_strategy": "steps", "logging_steps": 10, "report_to": "none",
        "disable_tqdm": not show_progress(),  # a bar on Colab; none in papermill runs
        "save_only_model": True, "seed": 0, "data_seed": 0,
    }
    kwargs.update(overrides)
    return TrainingArguments(**kwargs)


def compute_metrics(eval_pred) -> dict[str, float]:
    """Accuracy and macro precision/recall/F1 from a Trainer's (logits, labels)."""
    from .metrics import classification_scores

    logits, labels = eval_pred
    logits = logits[0] if isinstance(logits, tuple) else logits
    return classification_scores(labels.tolist(), np.argmax(logits, axis=-1).tolist(), average="macro")


@dataclass
class ClassifierRun:
    """One training run: the trained model, its Trainer, test scores, wall time and memory."""

    model: torch.nn.Module
    trainer: Any
    metrics: dict[str, float]
    seconds: float
    peak_mb: float
    trainable: int
    total: int


class OrderedEvalTrainer(Trainer):
    """A Trainer that groups *training* batches by length and predicts in dataset order.

    With `train_sampling_strategy="group_by_length"`, transformers also length-groups the evaluation
    sampler (huggingface/transformers#33514), so `trainer.predict(ds).predictions[i]` would no longer be
    row i of `ds` (its metrics stay right: the labels are reordered with the predictions). Notebook 03
    pairs test predictions with another system's, row by row, so `predict` keeps dataset order (taught in 3.4).
    `evaluate` only returns metrics, which do not depend on the order: it batches rows sorted by length, so each
    batch pads little (every epoch's validation pass; tweets are 7-42 tokens, and batches in dataset order pad
    to near the longest). In a single process only; with several (DDP) the library's own samplers are kept.
    """

    _predicting = False

    def predict(self, *args, **kwargs):
        self._predicting = True
        try:
            return super().predict(*args, **kwargs)
        finally:
            self._predicting = False

    def _get_eval_sampler(self, eval_dataset):
        if self.args.world_size <= 1 and eval_dataset is not None:
            if self._predicting or "input_ids" not in eval_dataset.column_names:
                return SequentialSampler(eval_dataset)
            lengths = [len(ids) for ids in eval_dataset["input_ids"]]
            return sorted(range(len(lengths)), key=lambda i: (lengths[i], i))  # a sampler is any iterable of rows
        return super()._get_eval_sampler(eval_dataset)


def train_classifier(model: torch.nn.Module, tokenizer, train_ds: Dataset, eval_ds: Dataset,
                     args, test_ds: Dataset | None = None, patience: int = 2) -> ClassifierRun:
    """Train with early stopping on validation F1, then score the best model on `test_ds`."""
    from transformers import DataCollatorWithPadding, EarlyStoppingCallback, PrinterCallback

    from .training import PeakMemory

    for name, ds in (("train_ds", train_ds), ("eval_ds", eval_ds)):
        missing = {"input_ids", "label"} - set(ds.column_names)
        if missing:
            raise ValueError(f"{name} lacks {sorted(missing)}: pass tokenize_texts(dataset, ...)")
    trainable, total = count_parameters(model)
    trainer = OrderedEvalTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                                 processing_class=tokenizer, data_collator=DataCollatorWithPadding(tokenizer),
                                 compute_metrics=compute_metrics,
                                 callbacks=[EarlyStoppingCallback(early_stopping_patience=patience)])
    trainer.remove_callback(PrinterCallback)  # logs stay in trainer.state.log_history
    device = "cuda" if next(model.parameters()).is_cuda else "cpu"
    with PeakMemory(device) as mem:
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    metrics: dict[str, float] = {}
    if test_ds is not None:
        out = trainer.evaluate(test_ds, metric_key_prefix="test")
        metrics = {k.removeprefix("test_"): v for k, v in out.items()
                   if k.removeprefix("test_") in ("accuracy", "precision", "recall", "f1")}
    peak = mem.peak_mb if device == "cuda" else mem.delta_mb
    return ClassifierRun(trainer.model, trainer, metrics, seconds, peak, trainable, total)


def epoch_history(trainer) -> dict[str, tuple[list[float], list[float]]]:
    """Per-epoch train loss, validation loss and validation F1 from `trainer.state.log_history`."""
    log = trainer.state.log_history
    train: dict[float, list[float]] = {}
    for h in log:
        if "loss" in h:
            train.setdefault(float(np.ceil(h["epoch"])), []).append(h["loss"])
    evals = [h for h in log if "eval_loss" in h]
    return {
        "train loss": (list(train), [float(np.mean(v)) for v in train.values()]),
        "validation loss": ([h["epoch"] for h in evals], [h["eval_loss"] for h in evals]),
        "validation macro-F1": ([h["epoch"] for h in evals], [h["eval_f1"] for h in evals]),
    }


@torch.no_grad()
def predict_labels(model: torch.nn.Module, tokenizer, texts: list[str], max_length: int = 128,
                   batch_size: int = 64) -> list[str]:
    """Predicted label names for raw texts."""
    if isinstance(texts, str):
        raise TypeError("pass a list of texts, not one string")
    if not texts:
        return []
    model.eval()
    names = model.config.id2label
    device = next(model.parameters()).device
    out: list[str] = []
    for start in range(0, len(texts), batch_size):
        enc = tokenizer(list(texts[start:start + batch_size]), truncation=True, max_length=max_length,
                        padding=True, return_tensors="pt").to(device)
        out += [names[int(i)] for i in model(**enc).logits.argmax(-1)]
    return out


def save_classifier(model: torch.nn.Module, tokenizer, out_dir: str | Path) -> Path:
    """Save a plain classifier (LoRA merged in) and its tokenizer as safetensors in `out_dir`."""
    if hasattr(model, "merge_and_unload"):  # a PeftModel: fold the adapters into the weights
        model = model.merge_and_unload()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)  # safetensors; config.json carries id2label / label2id
    tokenizer.save_pretrained(out_dir)
    return out_dir


# --- a model-free reference point (notebook 03): what word counts alone reach ---------------
TFIDF_C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


def tfidf_baseline(train_texts: list[str], train_labels: list, eval_texts: list[str], C: float = 1.0,
                   ngram_range: tuple[int, int] = (1, 2)) -> list:
    """Predicted labels for `eval_texts` from TF-IDF word n-grams + logistic regression fitted on train only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train_texts = check_texts("train_texts", train_texts)
    eval_texts = check_texts("eval_texts", eval_texts)
    train_labels = list(train_labels)
    if len(train_labels) != len(train_texts):
        raise ValueError(f"got {len(train_texts)} train texts and {len(train_labels)} labels; pass one label per text")
    if len(set(train_labels)) < 2:
        raise ValueError("train_labels hold a single class: there is nothing to learn")
    if not C > 0:
        raise ValueError(f"C (inverse regularisation strength) must be > 0, got {C}")
    vectorizer = TfidfVectorizer(ngram_range=ngram_range, sublinear_tf=True)  # vocabulary from train only
    clf = LogisticRegression(C=C, max_iter=5000).fit(vectorizer.fit_transform(train_texts), train_labels)
    return clf.predict(vectorizer.transform(eval_texts)).tolist()


def tune_tfidf_c(train_texts: list[str], train_labels: list, val_texts: list[str], val_labels: list,
                 grid: tuple[float, ...] = TFIDF_C_GRID, ngram_range: tuple[int, int] = (1, 2)
                 ) -> tuple[float, dict[float, float]]:
    """The C of `grid` with the best validation macro-F1 (ties: the smaller C), and every C's score."""
    from sklearn.metrics import f1_score

    if not grid:
        raise ValueError("grid is empty; pass at least one C")
    val_labels = list(val_labels)
    if len(val_labels) != len(check_texts("val_texts", val_texts)):
        raise ValueError(f"got {len(val_texts)} validation texts and {len(val_labels)} labels")
    scores = {float(c): float(f1_score(val_labels, tfidf_baseline(train_texts, train_labels, val_texts, c, ngram_range),
                                       average="macro", zero_division=0))
              for c in sorted(grid)}
    return max(scores, key=lambda c: (scores[c], -c)), scores
