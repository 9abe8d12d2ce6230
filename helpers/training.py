"""Training: QLoRA preparation, supervised fine-tuning with TRL, generation, memory measurement.

Taught in notebook 04; notebook 05 and scripts/train_summarizer.py reuse it.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psutil
import torch
from datasets import Dataset
from typing_extensions import Self

from .compat import checkpointing_args
from .profiles import Profile, SummarizationSettings, show_progress

if TYPE_CHECKING:  # imported lazily at run time: trl and peft are slow to import
    from peft import PeftModel
    from trl import SFTConfig, SFTTrainer


def make_sft_config(P: Profile, output_dir: str, settings: SummarizationSettings | None = None,
                    **overrides: Any) -> SFTConfig:
    """TRL SFTConfig from notebook 04's settings (the profile's unless given); keyword overrides win.

    Notebook 04 (section 4.5) writes this config argument by argument and checks it equals this copy.
    """
    from trl import SFTConfig

    return SFTConfig(**sft_config_kwargs(P, output_dir, settings, **overrides))


def sft_config_kwargs(P: Profile, output_dir: str, settings: SummarizationSettings | None = None,
                      **overrides: Any) -> dict[str, Any]:
    """The SFTConfig arguments the course sets (the rest keep TRL's defaults); scripts use them as flag defaults."""
    S = settings or P.settings("04")
    on_cuda = P.device == "cuda"
    kwargs: dict[str, Any] = {
        "output_dir": output_dir,
        "max_steps": S.max_steps,
        "per_device_train_batch_size": S.per_device_train_batch_size,
        "per_device_eval_batch_size": S.per_device_train_batch_size,
        "gradient_accumulation_steps": S.gradient_accumulation_steps,
        "learning_rate": S.learning_rate,
        "warmup_steps": S.warmup_steps,
        "lr_scheduler_type": "cosine",
        "eval_strategy": "steps",  # was `evaluation_strategy` before transformers 4.46
        "eval_steps": S.eval_steps,
        "logging_steps": S.logging_steps,
        "save_strategy": "steps",  # checkpoints to resume from if a Colab session drops
        "save_steps": S.save_steps,
        "save_total_limit": 2,  # the newest, and the one before it while the newest is still being written
        "max_length": S.max_length,  # was `max_seq_length` before TRL 0.20; with packing, the row length
        # Packing: best-fit-decreasing bins of whole examples, each row <= max_length tokens; a batch is
        # flattened into one padding-free row whose position_ids restart at every example, so no compute
        # goes to padding and examples do not attend to each other (benchmarks/RESULTS.md measures it).
        "packing": S.packing,
        "packing_strategy": "bfd",  # whole examples; one longer than max_length is truncated
        "completion_only_loss": True,  # loss on the summary tokens only, not the prompt
        "fp16": on_cuda and P.compute_dtype == torch.float16,  # a T4 has no bf16
        "bf16": on_cuda and P.compute_dtype == torch.bfloat16,
        # Recompute activations in backward: less memory for Phi-2 on a T4, ~30% slower. Named
        # `gradient_checkpointing` before transformers 5.23, `activation_checkpointing` since (compat).
        **checkpointing_args(on_cuda, {"use_reentrant": False} if on_cuda else None),
        "use_cpu": not on_cuda,
        "ddp_find_unused_parameters": False,  # multi-process runs: every LoRA weight gets a gradient
        "report_to": "none",
        "disable_tqdm": not show_progress(),  # a bar on Colab; none in papermill runs
        "seed": 0,
        "data_seed": 0,
    }
    # None means "the profile's default", as for the notebooks' parameters (MAX_STEPS = None)
    kwargs.update({k: v for k, v in overrides.items() if v is not None})
    return kwargs


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
                     eval_ds: Dataset, output_dir: str, config: SFTConfig | None = None,
                     **overrides: Any) -> SFTTrainer:
    """SFTTrainer on prompt/completion rows (or "text" rows: next-token loss on every token), ready to train.

    With `config` (e.g. parsed from the command line by scripts/train_summarizer.py) it trains with
    that config; otherwise with make_sft_config(P, output_dir, **overrides).
    """
    from transformers import PrinterCallback
    from trl import SFTTrainer

    for name, ds in (("train_ds", train_ds), ("eval_ds", eval_ds)):
        missing = {"prompt", "completion"} - set(ds.column_names)
        if missing and "text" not in ds.column_names:  # "text": plain language modelling (notebook 06, 6.7)
            raise ValueError(f"{name} lacks columns {sorted(missing)}: pass "
                             "helpers.formatting.to_prompt_completion(dataset), or a 'text' column for plain "
                             "next-token training")
    if config is not None and overrides:
        raise ValueError(f"pass either a config or overrides, not both (got overrides {sorted(overrides)})")
    config = config or make_sft_config(P, output_dir, **overrides)
    trainer = SFTTrainer(model=model, args=config, train_dataset=train_ds, eval_dataset=eval_ds,
                         processing_class=tokenizer)
    trainer.remove_callback(PrinterCallback)  # logs go to trainer.state.log_history, not stdout
    if adapters_need_fp32(config):  # TRL casts QLoRA adapters to bf16: undo it where bf16 does not fit
        for param in trainer.model.parameters():
            if param.requires_grad:
                param.data = param.data.float()
    return trainer


def adapters_need_fp32(config: SFTConfig) -> bool:
    """Train LoRA adapters in fp32 instead of TRL's bf16: under fp16 mixed precision (a T4), whose gradient
    scaler cannot unscale bf16 gradients, and on a CPU without native bf16, where bf16 matmuls are emulated
    (measured once on the 2-core CI machine, SmolLM2 QLoRA, 8 updates: 17.9 s per update with bf16 adapters, 12.9 s
    in fp32)."""
    from .models import bf16_is_fast

    return bool(config.fp16) or (bool(config.use_cpu) and not bf16_is_fast("cpu"))


def train_summarizer(P: Profile, model: torch.nn.Module, tokenizer, train_ds: Dataset,
                     eval_ds: Dataset, output_dir: str, config: SFTConfig | None = None,
                     **overrides: Any) -> SFTTrainer:
    """Fine-tune `model` on prompt/completion rows with SFTTrainer; returns the trained trainer.

    `resume_from_checkpoint` in the config (the script's flag of that name) resumes from that checkpoint: the
    Trainer itself only reads it when it is passed to `train()`.
    """
    trainer = make_sft_trainer(P, model, tokenizer, train_ds, eval_ds, output_dir, config, **overrides)
    trainer.train(resume_from_checkpoint=trainer.args.resume_from_checkpoint)
    return trainer


def _examples_in_rows(ds: Dataset) -> list[list[tuple[int, int]]]:
    """Per (packed) row of a prepared training set: (length, last token id) of each example in it."""
    seq_lengths = ds["seq_lengths"] if "seq_lengths" in ds.column_names else [[len(i)] for i in ds["input_ids"]]
    return [[(n, ids[end - 1]) for n, end in zip(lengths, itertools.accumulate(lengths))]
            for ids, lengths in zip(ds["input_ids"], seq_lengths)]


def packing_stats(trainer: SFTTrainer, examples: Dataset | int) -> dict[str, float]:
    """How the training set was packed (rows, examples per row, fill) and how many examples lost tokens.

    examples_cut: packed examples that fill max_length without ending in EOS (TRL's bfd packing keeps
    an over-long example's start, so its summary end is gone). Given the prompt/completion rows
    instead of their count, completion tokens expected (as TRL tokenizes them) are compared with
    those that carry a loss label in the packed rows: completion_tokens_lost.
    """
    ds, max_length = trainer.train_dataset, trainer.args.max_length
    eos = trainer.processing_class.eos_token_id
    rows = _examples_in_rows(ds)
    packed, tokens = sum(map(len, rows)), sum(n for row in rows for n, _ in row)
    learned = (sum(sum(t != -100 for t in row) for row in ds["labels"]) if "labels" in ds.column_names
               else sum(map(sum, ds["completion_mask"])))  # TRL < 1.x kept the mask, not labels
    n_examples = examples if isinstance(examples, int) else len(examples)
    stats = {"examples": n_examples, "rows": len(rows), "examples_per_row": packed / len(rows),
             "tokens": tokens, "row_fill": tokens / (len(rows) * max_length),
             "examples_missing": n_examples - packed,  # dropped whole (0 with bfd packing)
             "examples_cut": sum(n >= max_length and last != eos for row in rows for n, last in row),
             "completion_tokens_packed": learned}
    if not isinstance(examples, int):
        from .formatting import completion_lengths

        expected = sum(completion_lengths(examples, trainer.processing_class))
        stats |= {"completion_tokens_expected": expected, "completion_tokens_lost": expected - learned}
    return stats


def loss_history(trainer) -> dict[str, tuple[list[int], list[float]]]:
    """Training and evaluation loss by step from a trainer's log, for plot_loss_curves."""
    train = [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h]
    evals = [(h["step"], h["eval_loss"]) for h in trainer.state.log_history if "eval_loss" in h]
    return {"train": tuple(map(list, zip(*train))) if train else ([], []),
            "validation": tuple(map(list, zip(*evals))) if evals else ([], [])}


def _is_4bit(param: torch.nn.Parameter) -> bool:
    """True for bitsandbytes' packed 4-bit weights (Params4bit), which must never be cast."""
    return type(param).__name__ == "Params4bit" or getattr(param, "quant_state", None) is not None


def four_bit_compute_dtype(model: torch.nn.Module) -> torch.dtype | None:
    """The compute dtype of the model's 4-bit layers (bnb_4bit_compute_dtype), or None if it has none."""
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if weight is not None and _is_4bit(weight) and getattr(module, "compute_dtype", None) is not None:
            return module.compute_dtype
    return None


@contextmanager
def inference_dtype(model: torch.nn.Module, dtype: torch.dtype | None) -> Iterator[torch.nn.Module]:
    """Inside: the model's fp32 parameters (not 4-bit ones) in `dtype`; after: restored bit for bit.

    After prepare_model_for_kbit_training, embeddings, norms, biases and lm_head are fp32, and as
    bitsandbytes' Linear4bit returns its input's dtype, so are the residual stream and the KV cache:
    twice the memory of fp16. `model.to(dtype)` is refused on 4-bit models, hence this. The fp32
    originals wait on the CPU, so the GPU holds only the 16-bit copies. dtype None or fp32: no-op.
    """
    saved: list[tuple[torch.nn.Parameter, torch.Tensor]] = []
    if dtype is not None and dtype != torch.float32:
        for param in model.parameters():
            if param.dtype == torch.float32 and not _is_4bit(param):
                saved.append((param, param.data.to("cpu", copy=True)))
                param.data = param.data.to(dtype)
    try:
        yield model
    finally:
        for param, original in saved:
            param.data = original.to(param.device)


def _prompt_room(model: torch.nn.Module, max_new_tokens: int, max_prompt_tokens: int | None) -> int:
    """Prompt tokens allowed: max_prompt_tokens, else the model's positions minus the new tokens."""
    if max_prompt_tokens is None:
        positions = getattr(model.config, "max_position_embeddings", None)
        if positions is None:
            raise ValueError("the model's config has no max_position_embeddings: pass max_prompt_tokens")
        max_prompt_tokens = positions - max_new_tokens
    if max_prompt_tokens < 1:
        raise ValueError(f"max_prompt_tokens must be >= 1, got {max_prompt_tokens}")
    return max_prompt_tokens


@torch.no_grad()
def generate_summaries(model: torch.nn.Module, tokenizer, dialogues: list[str], max_new_tokens: int,
                       batch_size: int | None = None, *, token_budget: int | None = None,
                       max_prompt_tokens: int | None = None, dtype: torch.dtype | None = None,
                       return_stopped: bool = False) -> list[str] | tuple[list[str], list[bool]]:
    """Greedy summaries in input order; prompts cut like training rows, batches cut by a token budget.

    token_budget: rows x (longest prompt + max_new_tokens) per batch (helpers.memory.generation_batches);
    batch_size caps the rows (without a budget: fixed-size batches, 16 if neither is given).
    max_prompt_tokens: longer prompts lose dialogue tokens from the end, "Summary:" kept
    (helpers.formatting.truncate_prompt_ids); default: the model's positions minus max_new_tokens.
    dtype: the dtype to generate in (inference_dtype); default: the 4-bit layers' compute dtype.
    return_stopped: also return, per summary, whether it ended with eos (False: a run-on, cut at max_new_tokens).
    """
    from .formatting import format_summary_prompt, truncate_prompt_ids
    from .memory import generation_batches

    if isinstance(dialogues, str) or not isinstance(dialogues, Sequence):
        raise TypeError(f"pass a list of dialogues, not {type(dialogues).__name__}")
    dialogues = list(dialogues)  # e.g. a datasets Column (ds["dialogue"])
    if max_new_tokens < 1 or (batch_size is not None and batch_size < 1):
        raise ValueError(f"max_new_tokens and batch_size must be >= 1, got {max_new_tokens}, {batch_size}")
    if not dialogues:
        return ([], []) if return_stopped else []
    room = _prompt_room(model, max_new_tokens, max_prompt_tokens)
    prompts = [truncate_prompt_ids(format_summary_prompt(d), tokenizer, room) for d in dialogues]
    if token_budget is None:  # fixed-size batches, as before token budgets
        batch_size = batch_size or 16
        token_budget = batch_size * (max(map(len, prompts)) + max_new_tokens)
    batches = generation_batches([len(p) for p in prompts], max_new_tokens, token_budget, batch_size)
    summaries: list[str] = [""] * len(prompts)
    stopped: list[bool] = [False] * len(prompts)
    model.eval()
    old_side, tokenizer.padding_side = tokenizer.padding_side, "left"  # new tokens follow the prompt
    try:
        with inference_dtype(model, dtype or four_bit_compute_dtype(model)):
            if show_progress():  # a bar for a learner; none in papermill runs (COURSE_PROGRESS=0)
                from tqdm.auto import tqdm

                batches = tqdm(batches, desc=f"generating {len(prompts)} summaries", unit="batch")
            for batch in batches:
                enc = tokenizer.pad({"input_ids": [prompts[i] for i in batch]}, return_tensors="pt")
                enc = enc.to(model.device)
                out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, use_cache=True,
                                     pad_token_id=tokenizer.pad_token_id,
                                     eos_token_id=tokenizer.eos_token_id)
                new_ids = out[:, enc["input_ids"].shape[1]:]
                new = tokenizer.batch_decode(new_ids, skip_special_tokens=True)
                ended = (new_ids == tokenizer.eos_token_id).any(dim=1).tolist()
                for i, text, end in zip(batch, new, ended):
                    summaries[i], stopped[i] = text.strip(), bool(end)
    finally:
        tokenizer.padding_side = old_side
    return (summaries, stopped) if return_stopped else summaries


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


def memory_now_mb(device: str = "cpu") -> float:
    """Memory in use now, in MB: CUDA allocated bytes on GPU, the process's RSS on CPU."""
    if device == "cuda":
        torch.cuda.synchronize()
        return torch.cuda.memory_allocated() / 2**20
    return psutil.Process().memory_info().rss / 2**20


def release_freed_heap() -> None:
    """Hand memory that glibc's malloc holds freed back to the OS (malloc_trim), so RSS counts only live data.

    `make test` and `make course` keep freed memory in the process (Makefile: MALLOC_TRIM_THRESHOLD_), which
    speeds up training but lets a new allocation reuse resident pages without raising RSS. No-op off glibc.
    """
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class PeakMemory:
    """Peak memory of a block: CUDA max allocated on GPU, process RSS (sampled) on CPU, in MB.

    peak_mb and start_mb are absolute; delta_mb is the rise during the block. The benchmark
    (benchmarks/bench.py) measures with it too.
    """

    def __init__(self, device: str = "cpu", interval: float = 0.02) -> None:
        self.device, self.interval = device, interval
        self.start_mb = self.peak_mb = 0.0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, memory_now_mb("cpu"))
            time.sleep(self.interval)

    def __enter__(self) -> Self:
        if self.device != "cuda":
            release_freed_heap()  # a freed but still resident heap would hide the block's allocations from RSS
        self.start_mb = self.peak_mb = memory_now_mb(self.device)
        if self.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        else:
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
            self.peak_mb = max(self.peak_mb, memory_now_mb("cpu"))

    @property
    def delta_mb(self) -> float:
        """Peak minus the level when the block started."""
        return self.peak_mb - self.start_mb
