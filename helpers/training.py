"""Training: QLoRA preparation, supervised fine-tuning with TRL, generation, memory measurement.

Taught in notebook 04; notebook 05 and scripts/train_summarizer.py reuse it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil
import torch
from datasets import Dataset
from typing_extensions import Self

from .profiles import Profile

if TYPE_CHECKING:  # imported lazily at run time: trl and peft are slow to import
    from peft import PeftModel
    from trl import SFTConfig, SFTTrainer


def make_sft_config(P: Profile, output_dir: str, **overrides: Any) -> SFTConfig:
    """TRL SFTConfig from notebook 04's per-profile settings; keyword overrides win."""
    from trl import SFTConfig

    s = lambda name: P.setting("04", name)  # this notebook's per-profile settings
    on_cuda = P.device == "cuda"
    kwargs: dict[str, Any] = {
        "output_dir": output_dir,
        "max_steps": s("max_steps"),
        "per_device_train_batch_size": s("batch_size"),
        "per_device_eval_batch_size": s("batch_size"),
        "gradient_accumulation_steps": s("grad_accum"),
        "learning_rate": s("lr"),
        "warmup_steps": s("warmup_steps"),
        "lr_scheduler_type": "cosine",
        "eval_strategy": "steps",  # was `evaluation_strategy` before transformers 4.46
        "eval_steps": s("eval_steps"),
        "logging_steps": s("logging_steps"),
        "save_strategy": "steps",  # checkpoints to resume from if a Colab session drops
        "save_steps": s("save_steps"),
        "save_total_limit": 1,
        "max_length": s("max_length"),  # was `max_seq_length` before TRL 0.20; with packing, the row length
        # Packing: best-fit-decreasing bins of whole examples, each row <= max_length tokens; a batch is
        # flattened into one padding-free row whose position_ids restart at every example, so no compute
        # goes to padding and examples do not attend to each other (benchmarks/RESULTS.md measures it).
        "packing": s("packing"),
        "packing_strategy": "bfd",  # whole examples; one longer than max_length is truncated
        "completion_only_loss": True,  # loss on the summary tokens only, not the prompt
        "fp16": on_cuda and P.compute_dtype == torch.float16,  # a T4 has no bf16
        "bf16": on_cuda and P.compute_dtype == torch.bfloat16,
        # Recompute activations in backward: less memory for Phi-2 on a T4, ~30% slower. Called
        # Renamed `activation_checkpointing(_kwargs)` in transformers 5.23; the old names are still
        # accepted there and are the only ones earlier 5.x releases (and Colab's) know.
        "gradient_checkpointing": on_cuda,
        "gradient_checkpointing_kwargs": {"use_reentrant": False} if on_cuda else None,
        "use_cpu": not on_cuda,
        "ddp_find_unused_parameters": False,  # multi-process runs: every LoRA weight gets a gradient
        "report_to": "none",
        "disable_tqdm": True,
        "seed": 0,
        "data_seed": 0,
    }
    if overrides.get("max_steps") is None:
        overrides.pop("max_steps", None)  # None means "the profile's default", as in the notebooks
    kwargs.update(overrides)
    return SFTConfig(**kwargs)


def prepare_for_qlora(model: torch.nn.Module, lora_config,
                      gradient_checkpointing: bool | None = None) -> PeftModel:
    """k-bit preparation (fp32 norms, input grads) then LoRA adapters; checkpointing on CUDA by default."""
    from peft import get_peft_model, prepare_model_for_kbit_training

    if gradient_checkpointing is None:
        gradient_checkpointing = model.device.type == "cuda"
    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)
    model.config.use_cache = False  # the KV cache is useless in training and clashes with checkpointing
    return get_peft_model(model, lora_config)


def make_sft_trainer(P: Profile, model: torch.nn.Module, tokenizer, train_ds: Dataset,
                     eval_ds: Dataset, output_dir: str, **overrides: Any) -> SFTTrainer:
    """SFTTrainer on prompt/completion rows with make_sft_config's settings, ready to train."""
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
    if config.fp16:  # TRL casts QLoRA adapters to bf16; fp16 AMP cannot unscale bf16 gradients (T4)
        for param in trainer.model.parameters():
            if param.requires_grad:
                param.data = param.data.float()
    return trainer


def train_summarizer(P: Profile, model: torch.nn.Module, tokenizer, train_ds: Dataset,
                     eval_ds: Dataset, output_dir: str, **overrides: Any) -> SFTTrainer:
    """Fine-tune `model` on prompt/completion rows with SFTTrainer; returns the trained trainer."""
    trainer = make_sft_trainer(P, model, tokenizer, train_ds, eval_ds, output_dir, **overrides)
    trainer.train()
    return trainer


def packing_stats(trainer: SFTTrainer, n_examples: int) -> dict[str, float]:
    """How the trainer's training set was packed: rows, examples per row, and row fill."""
    ds = trainer.train_dataset
    lengths = [len(ids) for ids in ds["input_ids"]]
    max_length = trainer.args.max_length
    per_row = ([len(s) for s in ds["seq_lengths"]] if "seq_lengths" in ds.column_names
               else [1] * len(lengths))
    return {"examples": n_examples, "rows": len(lengths), "examples_per_row": sum(per_row) / len(lengths),
            "tokens": sum(lengths), "row_fill": sum(lengths) / (len(lengths) * max_length),
            "examples_missing": n_examples - sum(per_row)}  # 0 unless rows were dropped


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
    if max_new_tokens < 1 or batch_size < 1:
        raise ValueError(f"max_new_tokens and batch_size must be >= 1, got {max_new_tokens}, {batch_size}")
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


def saved_adapter_dtype(adapter_dir: str | Path) -> torch.dtype:
    """The dtype the adapter's weights were saved in (TRL trains QLoRA adapters in bf16)."""
    from safetensors import safe_open

    path = Path(adapter_dir) / "adapter_model.safetensors"
    if not path.exists():
        raise FileNotFoundError(f"no adapter_model.safetensors in {Path(adapter_dir).name}/: "
                                "save one with model.save_pretrained(adapter_dir)")
    with safe_open(str(path), "pt") as f:
        return f.get_tensor(next(iter(f.keys()))).dtype


def load_adapter(P: Profile, adapter_dir: str | Path,
                 quantize: str | None = "nf4") -> tuple[PeftModel, Any]:
    """A fresh base (4-bit unless quantize=None) with the saved LoRA adapter, in its saved dtype."""
    from peft import PeftModel

    from .models import load_causal_lm

    dtype = saved_adapter_dtype(adapter_dir)
    base, tokenizer = load_causal_lm(P, quantize=quantize)
    model = PeftModel.from_pretrained(base, str(adapter_dir))
    for name, param in model.named_parameters():  # from_pretrained upcasts bf16 adapters to fp32:
        if "lora_" in name:  # keep the trained dtype so the reloaded model is exactly the trained one
            param.data = param.data.to(dtype)
    return model, tokenizer


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

    def __enter__(self) -> Self:
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
    if "dialogue" not in ds.column_names:
        raise ValueError(f"dedupe_by_dialogue needs a 'dialogue' column; found {ds.column_names}")
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
