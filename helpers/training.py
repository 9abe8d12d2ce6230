"""Training: QLoRA preparation, supervised fine-tuning with TRL, generation, memory measurement.

Taught in notebook 04; notebook 05 and scripts/train_summarizer.py reuse it.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psutil
import torch
from datasets import Dataset

from .profiles import Profile


def make_sft_config(P: Profile, output_dir: str, **overrides: Any):
    """TRL SFTConfig from notebook 04's per-profile settings; keyword overrides win."""
    from trl import SFTConfig

    s = lambda name: P.setting("04", name)  # noqa: E731 - a short alias keeps the table readable
    on_cuda = P.device == "cuda"
    kwargs: dict[str, Any] = dict(
        output_dir=output_dir,
        max_steps=s("max_steps"),
        per_device_train_batch_size=s("batch_size"),
        per_device_eval_batch_size=s("batch_size"),
        gradient_accumulation_steps=s("grad_accum"),
        learning_rate=s("lr"),
        warmup_steps=s("warmup_steps"),
        lr_scheduler_type="cosine",
        eval_strategy="steps",  # was `evaluation_strategy` before transformers 4.46
        eval_steps=s("eval_steps"),
        logging_steps=max(1, s("eval_steps") // 5),
        save_strategy="no",  # the notebook saves the adapter itself
        max_length=s("max_length"),  # was `max_seq_length` before TRL 0.20
        completion_only_loss=True,  # loss on the summary tokens only, not the prompt
        fp16=on_cuda and P.compute_dtype == torch.float16,  # a T4 has no bf16
        bf16=on_cuda and P.compute_dtype == torch.bfloat16,
        gradient_checkpointing=on_cuda,
        gradient_checkpointing_kwargs={"use_reentrant": False} if on_cuda else None,
        use_cpu=not on_cuda,
        report_to="none",
        disable_tqdm=True,
        seed=0,
        data_seed=0,
    )
    kwargs.update(overrides)
    return SFTConfig(**kwargs)


def prepare_for_qlora(model: torch.nn.Module, lora_config, gradient_checkpointing: bool = False):
    """k-bit preparation (fp32 norms, input grads) then LoRA adapters; use_cache off for training."""
    from peft import get_peft_model, prepare_model_for_kbit_training

    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)
    model.config.use_cache = False  # the KV cache is useless in training and clashes with checkpointing
    return get_peft_model(model, lora_config)


def train_summarizer(P: Profile, model: torch.nn.Module, tokenizer, train_ds: Dataset,
                     eval_ds: Dataset, output_dir: str, **overrides: Any):
    """Fine-tune `model` on prompt/completion rows with SFTTrainer; returns the trained trainer."""
    from transformers import PrinterCallback
    from trl import SFTTrainer

    for name, ds in (("train_ds", train_ds), ("eval_ds", eval_ds)):
        missing = {"prompt", "completion"} - set(ds.column_names)
        if missing:
            raise ValueError(f"{name} lacks columns {sorted(missing)}: pass "
                             "helpers.data.to_prompt_completion(dataset)")
    config = make_sft_config(P, output_dir, **overrides)
    trainer = SFTTrainer(model=model, args=config, train_dataset=train_ds, eval_dataset=eval_ds,
                         processing_class=tokenizer)
    trainer.remove_callback(PrinterCallback)  # logs go to trainer.state.log_history, not stdout
    trainer.train()
    return trainer


def loss_history(trainer) -> dict[str, tuple[list[int], list[float]]]:
    """Training and evaluation loss by step from a trainer's log, for plot_loss_curves."""
    train = [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h]
    evals = [(h["step"], h["eval_loss"]) for h in trainer.state.log_history if "eval_loss" in h]
    return {"train": tuple(map(list, zip(*train))) if train else ([], []),
            "validation": tuple(map(list, zip(*evals))) if evals else ([], [])}


@torch.no_grad()
def generate_summaries(model: torch.nn.Module, tokenizer, dialogues: list[str],
                       max_new_tokens: int, batch_size: int = 16) -> list[str]:
    """Greedy summaries for `dialogues` with the course prompt (left padding for generation)."""
    from .data import format_summary_prompt

    if isinstance(dialogues, str):
        raise TypeError("pass a list of dialogues, not one string")
    model.eval()
    old_side, tokenizer.padding_side = tokenizer.padding_side, "left"  # new tokens follow the prompt
    summaries: list[str] = []
    try:
        for start in range(0, len(dialogues), batch_size):
            prompts = [format_summary_prompt(d) for d in dialogues[start:start + batch_size]]
            enc = tokenizer(prompts, return_tensors="pt", padding=True).to(model.device)
            out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, use_cache=True,
                                 pad_token_id=tokenizer.pad_token_id,
                                 eos_token_id=tokenizer.eos_token_id)
            new = out[:, enc["input_ids"].shape[1]:]
            summaries += [s.strip() for s in tokenizer.batch_decode(new, skip_special_tokens=True)]
    finally:
        tokenizer.padding_side = old_side
    return summaries


def load_adapter(P: Profile, adapter_dir: str, quantize: str | None = "nf4"):
    """A fresh base (4-bit unless quantize=None) with the saved LoRA adapter loaded on top."""
    from peft import PeftModel

    from .models import load_causal_lm

    base, tokenizer = load_causal_lm(P, quantize=quantize)
    return PeftModel.from_pretrained(base, adapter_dir), tokenizer


class PeakMemory:
    """Peak memory of a block: CUDA max allocated on GPU, process RSS (sampled) on CPU, in MB."""

    def __init__(self, device: str = "cpu", interval: float = 0.02) -> None:
        self.device, self.interval = device, interval
        self.start_mb = self.peak_mb = 0.0
        self._stop = threading.Event()

    def _rss_mb(self) -> float:
        return psutil.Process().memory_info().rss / 2**20

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self._rss_mb())
            time.sleep(self.interval)

    def __enter__(self) -> "PeakMemory":
        if self.device == "cuda":
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            self.start_mb = self.peak_mb = torch.cuda.memory_allocated() / 2**20
        else:
            self.start_mb = self.peak_mb = self._rss_mb()
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.device == "cuda":
            torch.cuda.synchronize()
            self.peak_mb = torch.cuda.max_memory_allocated() / 2**20
        else:
            self._stop.set()
            self._thread.join()
            self.peak_mb = max(self.peak_mb, self._rss_mb())

    @property
    def delta_mb(self) -> float:
        """Peak minus the level when the block started."""
        return self.peak_mb - self.start_mb


def dedupe_by_dialogue(ds: Dataset) -> tuple[Dataset, int]:
    """Keep the first row of each distinct dialogue; returns the data set and how many were dropped."""
    seen: set[str] = set()
    keep = []
    for i, dialogue in enumerate(ds["dialogue"]):
        key = " ".join(dialogue.split())
        if key not in seen:
            seen.add(key)
            keep.append(i)
    dropped = len(ds) - len(keep)
    print(f"dedupe: kept {len(keep)} of {len(ds)} rows, dropped {dropped} repeated dialogues")
    return ds.select(keep), dropped
