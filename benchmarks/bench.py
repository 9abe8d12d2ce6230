"""The cost of fine-tuning, measured: useful tokens/s, step time and peak memory per recipe.

For one model shape and the shipped dialogue set (seed prompt), every combination of
  method   full fine-tuning | LoRA (16-bit base) | QLoRA (NF4 base), seed LoRA config
  GC       gradient checkpointing off | on
  batching padded (the seed: every row padded to max_length) | longest (pad to the batch's
           longest row, TRL's default) | packed (padding-free: whole examples concatenated into
           one row of batch*max_length tokens, position_ids restart at every example)
plus the seed recipe itself (QLoRA, fp16 compute, padded, GC on) for the course-vs-seed ratio.

Packed rows carry position_ids and no attention_mask. transformers (5.x) then builds a
block-diagonal causal mask for sdpa/eager (masking_utils.find_packed_sequence_indices), so
examples do not attend to each other, but only when the forward has no KV cache: pass
use_cache=False (TRL's SFTTrainer.compute_loss does), else the rows leak into each other.
tests/test_bench.py checks both against the unpacked logits and losses.
TRL 1.16 does the same: `SFTConfig(padding_free=True)` or `packing=True` (BFD) make its collator
flatten the batch into one row with position_ids (and cu_seq_lens for flash-attention) and drop
the attention mask.

    python -m benchmarks.bench --fast                       # CPU, random tiny Phi, < 1 minute
    python -m benchmarks.bench --model phi2-shape --out benchmarks/results_gpu.json   # on a GPU
    python -m benchmarks.bench --summarize benchmarks/results_gpu.json benchmarks/results_cpu.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from helpers import memory as mem
from helpers.compat import set_checkpointing
from helpers.models import (
    PHI2_SHAPE,
    PHI_LORA_TARGETS,
    TINY_PHI,
    make_bnb_config,
    make_lora_config,
    phi_config,
    release_memory,
)
from helpers.paths import REPO_ROOT
from helpers.training import PeakMemory, memory_now_mb

METHODS = ("full", "lora", "qlora")
BATCHINGS = ("padded", "longest", "packed")
SCHEMA_VERSION = 1
MB = 2**20


# ----------------------------------------------------------------------------------------------
# data: the shipped dialogue set, the seed prompt, prompt tokens masked out of the loss
# ----------------------------------------------------------------------------------------------
def load_examples(tokenizer: Any, max_length: int, split: str = "train") -> list[dict[str, list[int]]]:
    """Tokenized prompt/completion rows of the shipped DialogSum look-alike (labels -100 on the prompt)."""
    from helpers import data, formatting

    ds = formatting.to_prompt_completion(data.load_dialogsum("local")[split])
    pairs = list(zip(ds["prompt"], ds["completion"]))
    return [formatting.tokenize_prompt_completion(p, c, tokenizer, max_length) for p, c in pairs]


def make_batches(examples: list[dict], mode: str, batch_size: int, max_length: int, pad_id: int,
                 n_batches: int) -> list[dict[str, torch.Tensor]]:
    """`n_batches` training batches in one of BATCHINGS, cycling through `examples` in order."""
    if mode not in BATCHINGS:
        raise ValueError(f"batching must be one of {BATCHINGS}, got {mode!r}")
    if not examples:
        raise ValueError("no examples to batch")
    batches: list[dict[str, torch.Tensor]] = []
    i = 0

    def take() -> dict:
        nonlocal i
        ex = examples[i % len(examples)]
        i += 1
        return ex

    while len(batches) < n_batches:
        if mode == "packed":  # fill a budget of batch*max_length tokens with whole examples
            budget, rows = batch_size * max_length, []
            while True:
                ex = examples[i % len(examples)]
                if rows and sum(len(r["input_ids"]) for r in rows) + len(ex["input_ids"]) > budget:
                    break
                rows.append(take())
            ids = torch.tensor([t for r in rows for t in r["input_ids"]])[None]
            labels = torch.tensor([t for r in rows for t in r["labels"]])[None]
            pos = torch.cat([torch.arange(len(r["input_ids"])) for r in rows])[None]
            labels[pos == 0] = -100  # never predict across a boundary (TRL does the same)
            batches.append({"input_ids": ids, "labels": labels, "position_ids": pos})
            continue
        rows = [take() for _ in range(batch_size)]
        width = max_length if mode == "padded" else max(len(r["input_ids"]) for r in rows)
        ids = torch.full((batch_size, width), pad_id)
        labels = torch.full((batch_size, width), -100)
        attn = torch.zeros((batch_size, width), dtype=torch.long)
        for row, r in enumerate(rows):
            n = len(r["input_ids"])
            ids[row, :n] = torch.tensor(r["input_ids"])
            labels[row, :n] = torch.tensor(r["labels"])
            attn[row, :n] = 1
        batches.append({"input_ids": ids, "labels": labels, "attention_mask": attn})
    return batches


def token_counts(batch: dict[str, torch.Tensor]) -> tuple[int, int]:
    """(useful tokens, pad tokens) in a batch: useful = real example tokens, pad = filler."""
    total = batch["input_ids"].numel()
    useful = int(batch["attention_mask"].sum()) if "attention_mask" in batch else total
    return useful, total - useful


# ----------------------------------------------------------------------------------------------
# models: tiny Phi (a saved one from --base-dir, or random) and Phi-2's real shape with random weights
# ----------------------------------------------------------------------------------------------
def model_config(model: str, vocab_size: int):
    """PhiConfig for --model: the tiny shape or Phi-2's published one (no download)."""
    if model == "tiny":
        return phi_config(TINY_PHI, vocab_size=vocab_size)
    if model == "phi2-shape":
        return phi_config(PHI2_SHAPE)
    raise ValueError(f"--model must be 'tiny' or 'phi2-shape', got {model!r}")


def tokenizer_and_base(model: str, random_weights: bool, base_dir: str | None):
    """The tokenizer (a saved model's in --base-dir, else the tiny Phi's, trained in seconds) and a saved-model
    path, or None for random weights (memory and speed do not depend on the weights' values)."""
    from helpers.models import load_tokenizer

    path = Path(base_dir) if base_dir else None
    if path is not None and (path / "tokenizer.json").exists():
        tok = load_tokenizer(str(path))
    else:  # no cached base: train the same byte-level BPE on the shipped corpus (seconds)
        from helpers.models import pretraining_corpus, train_tokenizer
        tok = train_tokenizer(pretraining_corpus("train"))
        tok.pad_token = tok.eos_token
    use_saved = model == "tiny" and not random_weights and path is not None and (path / "model.safetensors").exists()
    return tok, (str(path) if use_saved else None)


def build_model(cfg, method: str, device: str, dtype: torch.dtype, saved: str | None, tmp: Path):
    """The model for `method`: fp32 full, LoRA on a `dtype` base, or QLoRA on an NF4 base."""
    from peft import get_peft_model, prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM, PhiForCausalLM

    def fresh(weights_dtype: torch.dtype):
        if saved:
            return AutoModelForCausalLM.from_pretrained(saved, dtype=weights_dtype).to(device)
        torch.manual_seed(0)
        with torch.device(device):
            return PhiForCausalLM(cfg).to(weights_dtype)

    if method == "full":
        model = fresh(torch.float32)  # fp32 master weights; the forward runs under autocast
    elif method == "lora":
        model = get_peft_model(fresh(dtype), make_lora_config(target_modules=PHI_LORA_TARGETS))
    elif method == "qlora":
        path = saved
        if path is None:  # quantize a random model: save it in 16 bits, reload in 4 bits
            path = str(tmp / "fp16")
            if not Path(path, "config.json").exists():
                fresh(torch.float16).save_pretrained(path)
                gc.collect()
                if device == "cuda":
                    torch.cuda.empty_cache()
        kwargs = {"device_map": {"": 0}} if device == "cuda" else {}
        model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype, quantization_config=make_bnb_config(dtype),
                                                     **kwargs)
        if device == "cpu":
            from helpers.models import keep_cpu_4bit_trainable
            keep_cpu_4bit_trainable(model)
        # the course's prepare_for_qlora (helpers.training): fp32 norms/embeddings, then adapters
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
        model = get_peft_model(model, make_lora_config(target_modules=PHI_LORA_TARGETS))
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    model.config.use_cache = False
    return model


# ----------------------------------------------------------------------------------------------
# measuring
# ----------------------------------------------------------------------------------------------
@dataclass
class Run:
    """One measured configuration."""

    method: str
    compute_dtype: str
    gradient_checkpointing: bool
    batching: str
    label: str = ""
    steps_timed: int = 0
    step_time_s_median: float = 0.0
    tokens_per_s: float = 0.0  # useful (non-pad) tokens per second: the figure that matters
    all_tokens_per_s: float = 0.0  # pad included: what the GPU was busy with
    useful_tokens_per_step: float = 0.0
    pad_tokens_per_step: float = 0.0
    examples_per_step: float = 0.0
    peak_memory_mb: float = 0.0
    loss_first: float = 0.0
    loss_last: float = 0.0
    trainable_params: int = 0
    attn_implementation: str = ""


@dataclass(frozen=True)
class Measurement:
    """What one measured training run is: method, checkpointing, batching, dtype, device, warm-up."""

    method: str  # "full", "lora" or "qlora"
    gc_on: bool  # activation (gradient) checkpointing
    batching: str  # "padded" or "packed"
    dtype: torch.dtype  # compute dtype (autocast on CUDA)
    device: str
    warmup: int  # untimed first steps
    baseline_mb: float  # memory before the model was built, subtracted from every reading
    label: str = ""  # e.g. "seed" for the seed recipe's run


def measure(model, batches: list[dict], m: Measurement) -> tuple[Run, float]:
    """Train on `batches` (warm-up, then timed steps); returns the Run and the MB after step 1.

    The MB after step 1 is taken after optimizer.step() and zero_grad(set_to_none=True), before
    the next forward: weights + optimizer states, no gradients or activations.
    """
    method, gc_on, batching, dtype, device = m.method, m.gc_on, m.batching, m.dtype, m.device
    warmup, baseline_mb, label = m.warmup, m.baseline_mb, m.label
    set_checkpointing(model, gc_on, {"use_reentrant": False} if gc_on else None)  # as make_sft_config
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5 if method == "full" else 2e-4)
    autocast = device == "cuda"  # CPU runs stay fp32 (bf16 matmuls are slow on most CPUs)
    release_memory(device)
    times, useful, pads, examples, losses = [], [], [], [], []
    after_step1 = 0.0
    with PeakMemory(device, interval=0.005) as watch:  # CUDA max allocated, or RSS sampled every 5 ms
        for i, batch in enumerate(batches):
            batch = {k: v.to(device) for k, v in batch.items()}
            if device == "cuda":
                torch.cuda.synchronize()
            started = time.perf_counter()
            with torch.autocast(device, dtype=dtype, enabled=autocast):
                loss = model(**batch, use_cache=False).loss  # a cache would disable packed masking
            loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            if device == "cuda":
                torch.cuda.synchronize()
            elapsed = time.perf_counter() - started
            losses.append(loss.item())
            del loss
            if i == 0:
                after_step1 = memory_now_mb(device) - baseline_mb
            if i >= warmup:
                u, p = token_counts(batch)
                times.append(elapsed)
                useful.append(u)
                pads.append(p)
                examples.append(int((batch["position_ids"] == 0).sum()) if "position_ids" in batch
                                else batch["input_ids"].shape[0])
    peak = watch.peak_mb - baseline_mb
    del optimizer
    n = len(times)
    run = Run(method=method, compute_dtype=str(dtype).replace("torch.", ""), gradient_checkpointing=gc_on,
              batching=batching, label=label, steps_timed=n,
              step_time_s_median=round(statistics.median(times), 5),
              tokens_per_s=round(sum(useful) / sum(times), 1),
              all_tokens_per_s=round((sum(useful) + sum(pads)) / sum(times), 1),
              useful_tokens_per_step=sum(useful) / n, pad_tokens_per_step=sum(pads) / n,
              examples_per_step=sum(examples) / n, peak_memory_mb=round(peak, 1),
              loss_first=round(losses[0], 4), loss_last=round(losses[-1], 4),
              trainable_params=sum(p.numel() for p in params))
    return run, after_step1


def estimate_states_mb(cfg, method: str, dtype: torch.dtype) -> dict[str, float]:
    """helpers.memory's weights + AdamW-state estimate (MB) for `method` on `cfg`'s shape."""
    from transformers import PhiForCausalLM

    with torch.device("meta"):
        split = mem.split_parameters(PhiForCausalLM(cfg), 32, PHI_LORA_TARGETS)
    compute = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}[dtype]
    parts = mem.method_states(split, method, compute)
    return {k: round(v / MB, 1) for k, v in parts.items()}


# ----------------------------------------------------------------------------------------------
# the benchmark
# ----------------------------------------------------------------------------------------------
@dataclass
class Setting:
    """What one invocation measures."""

    model: str
    device: str
    compute_dtype: str
    batch_size: int
    max_length: int
    warmup: int
    steps: int
    random_weights: bool
    methods: list[str] = field(default_factory=lambda: list(METHODS))
    grad_ckpt: list[bool] = field(default_factory=lambda: [False, True])
    batchings: list[str] = field(default_factory=lambda: list(BATCHINGS))
    seed_run: bool = True
    n_layers: int | None = None  # override the shape's depth (--fast uses 2)


def device_info(device: str) -> dict[str, Any]:
    """The machine in words: GPU name and memory, or CPU cores and torch threads."""
    info = {"device": device, "python": platform.python_version(), "torch": torch.__version__}
    for name in ("transformers", "peft", "trl", "bitsandbytes", "accelerate"):
        try:
            info[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001 - missing or broken: report, don't fail
            info[name] = "missing"
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        info.update(gpu=props.name, gpu_memory_gib=round(props.total_memory / 2**30, 1))
    else:
        info.update(cpu_cores=os.cpu_count(), torch_threads=torch.get_num_threads(),
                    cpu=platform.processor() or platform.machine())
    return info


def run_benchmark(s: Setting, base_dir: str | None = None, log=print) -> dict[str, Any]:
    """Measure every (method, GC, batching) in `s`, plus the seed recipe; returns the results dict."""
    dtype = getattr(torch, s.compute_dtype)
    tok, saved = tokenizer_and_base(s.model, s.random_weights, base_dir)
    cfg = model_config(s.model, len(tok))
    if s.n_layers:
        cfg.num_hidden_layers = s.n_layers
    examples = load_examples(tok, s.max_length)
    lengths = [len(e["input_ids"]) for e in examples]
    n_batches = s.warmup + s.steps
    batches = {b: make_batches(examples, b, s.batch_size, s.max_length, tok.pad_token_id, n_batches)
               for b in set(s.batchings) | {"padded"}}
    runs, estimator = [], []
    plan = [(m, dtype) for m in s.methods]
    if s.seed_run:  # the seed recipe: QLoRA with fp16 compute, padded to max_length, GC on
        plan.append(("qlora", torch.float16 if s.device == "cuda" else dtype))
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for k, (method, mdtype) in enumerate(plan):
            is_seed = s.seed_run and k == len(plan) - 1
            release_memory(s.device)
            baseline = memory_now_mb(s.device)
            started = time.perf_counter()
            model = build_model(cfg, method, s.device, mdtype, saved, Path(tmp))
            weights_mb = memory_now_mb(s.device) - baseline
            attn = getattr(getattr(model, "config", None), "_attn_implementation", None)
            log(f"[{method}{' (seed recipe)' if is_seed else ''}] model ready in "
                f"{time.perf_counter() - started:.1f} s, weights {weights_mb:.0f} MB")
            combos = ([(True, "padded")] if is_seed else
                      [(g, b) for g in s.grad_ckpt for b in s.batchings])
            for j, (gc_on, batching) in enumerate(combos):
                try:
                    run, after1 = measure(model, batches[batching], Measurement(
                        method, gc_on, batching, mdtype, s.device, s.warmup, baseline, "seed" if is_seed else ""))
                except torch.OutOfMemoryError as err:
                    log(f"  OOM: {method} gc={gc_on} {batching}: {str(err)[:80]}")
                    release_memory(s.device)
                    continue
                run.attn_implementation = str(attn)
                runs.append(asdict(run))
                log(f"  {method:5s} {run.compute_dtype:8s} gc={int(gc_on)} {batching:7s} "
                    f"{run.tokens_per_s:10.0f} tok/s  {run.step_time_s_median * 1e3:8.1f} ms/step  "
                    f"peak {run.peak_memory_mb:9.1f} MB  pad/step {run.pad_tokens_per_step:.0f}")
                if j == 0 and not is_seed:  # first optimizer of this model: weights + states
                    est = estimate_states_mb(cfg, method, mdtype)
                    estimator.append({
                        "method": method, "compute_dtype": run.compute_dtype,
                        "measured_weights_mb": round(weights_mb, 1),
                        "measured_weights_plus_optimizer_mb": round(after1, 1),
                        "estimated_weights_mb": est["weights"],
                        "estimated_weights_plus_optimizer_mb": round(est["weights"] + est["optimizer"], 1),
                        "error": round((est["weights"] + est["optimizer"]) / after1 - 1, 3) if after1 > 0 else None,
                    })
            del model
            release_memory(s.device)
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "python -m benchmarks.bench " + " ".join(shlex.quote(a) for a in sys.argv[1:]),
        "machine": device_info(s.device),
        "setting": asdict(s),
        "data": {"set": "data/dialogsum train (shipped), seed prompt, prompt tokens masked",
                 "tokenizer": "the tiny Phi's byte-level BPE (Phi-2's tokenizer needs the hub)",
                 "examples": len(examples), "mean_tokens": round(sum(lengths) / len(lengths), 1),
                 "max_tokens": max(lengths)},
        "memory_kind": ("torch.cuda.max_memory_allocated (absolute)" if s.device == "cuda" else
                        "process RSS peak minus RSS before the model was built (sampled every 5 ms)"),
        "runs": runs,
        "estimator": estimator,
        "comparison": compare(runs),
    }


def compare(runs: list[dict]) -> dict[str, Any]:
    """Course recipe vs seed recipe: the fastest QLoRA run at <= the seed's peak memory."""
    seed = next((r for r in runs if r["label"] == "seed"), None)
    if seed is None:
        return {}
    candidates = [r for r in runs if r["method"] == "qlora" and not r["label"]
                  and r["peak_memory_mb"] <= seed["peak_memory_mb"] * 1.001]
    if not candidates:
        return {"seed": seed, "course": None, "note": "no QLoRA run at or under the seed's peak memory"}
    best = max(candidates, key=lambda r: r["tokens_per_s"])
    return {"seed": seed, "course": best,
            "tokens_per_s_ratio": round(best["tokens_per_s"] / seed["tokens_per_s"], 2),
            "peak_memory_ratio": round(best["peak_memory_mb"] / seed["peak_memory_mb"], 3)}


def table(results: dict[str, Any]) -> str:
    """A Markdown table of the runs."""
    lines = ["| method | dtype | GC | batching | useful tok/s | ms/step | pad tok/step | peak MB |",
             "|---|---|---|---|---:|---:|---:|---:|"]
    for r in results["runs"]:
        name = r["method"] + (" (seed)" if r["label"] == "seed" else "")
        lines.append(f"| {name} | {r['compute_dtype']} | {'on' if r['gradient_checkpointing'] else 'off'} | "
                     f"{r['batching']} | {r['tokens_per_s']:,.0f} | {r['step_time_s_median'] * 1e3:,.1f} | "
                     f"{r['pad_tokens_per_step']:,.0f} | {r['peak_memory_mb']:,.0f} |")
    c = results.get("comparison") or {}
    if c.get("course"):
        lines.append(f"\ncourse vs seed: useful tokens/s x{c['tokens_per_s_ratio']}, "
                     f"peak memory x{c['peak_memory_ratio']} ({c['course']['batching']}, "
                     f"{c['course']['compute_dtype']}, GC {'on' if c['course']['gradient_checkpointing'] else 'off'})")
    for e in results.get("estimator", []):
        estimated = e["estimated_weights_plus_optimizer_mb"]
        lines.append(f"estimator {e['method']}: weights+AdamW estimated {estimated:.0f} MB,"
                     f" measured {e['measured_weights_plus_optimizer_mb']:.0f} MB, error {e['error']:+.1%}"
                     if e["error"] is not None else f"estimator {e['method']}: no measurement")
    return "\n".join(lines)


def summarize(paths: list[str]) -> dict[str, Any]:
    """The figures notebooks cite, from full results files, keyed by device."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION,
                           "source": "benchmarks/bench.py; full runs in " + ", ".join(paths)}
    for path in paths:
        res = json.loads(Path(path).read_text())
        key = f"{res['setting']['model']}-{res['machine']['device']}"
        if key in out:  # a second file for the same model/device (e.g. a course-path check): add its check
            if res.get("course_qlora_check"):
                out[key]["course_qlora_check"] = {"source": path, "command": res["command"],
                                                  "results": res["course_qlora_check"]}
            continue
        out[key] = {
            "source": path, "command": res["command"],
            "machine": res["machine"].get("gpu") or f"CPU, {res['machine'].get('cpu_cores')} cores",
            "batch": f"{res['setting']['batch_size']} x {res['setting']['max_length']}",
            "runs": {f"{r['method']}{'-seed' if r['label'] else ''}/{r['compute_dtype']}/"
                     f"{'gc' if r['gradient_checkpointing'] else 'nogc'}/{r['batching']}":
                     {"tokens_per_s": r["tokens_per_s"], "step_time_s": r["step_time_s_median"],
                      "peak_memory_mb": r["peak_memory_mb"]} for r in res["runs"]},
            "comparison": {k: v for k, v in res.get("comparison", {}).items() if k not in ("seed", "course")},
            "estimator": res.get("estimator", []),
        }
        if res.get("course_qlora_check"):
            out[key]["course_qlora_check"] = res["course_qlora_check"]
    return out


def course_qlora_check(base_dir: str, steps: int) -> list[dict[str, Any]]:
    """Notebook 04's own CUDA path (load_causal_lm nf4 -> prepare_for_qlora -> SFTTrainer) in fp16 and bf16."""
    from helpers.data import load_dialogsum
    from helpers.formatting import to_prompt_completion
    from helpers.models import load_causal_lm
    from helpers.profiles import Profile
    from helpers.training import prepare_for_qlora, train_summarizer

    ds = load_dialogsum("local")
    train = to_prompt_completion(ds["train"])
    val = to_prompt_completion(ds["validation"].select(range(16)))
    out = []
    for dtype in (torch.float16, torch.bfloat16):
        name = str(dtype).replace("torch.", "")
        profile = Profile(name="gpu", reason="benchmark", device="cuda", compute_dtype=dtype)
        release_memory("cuda")
        torch.cuda.reset_peak_memory_stats()
        started = time.perf_counter()
        try:
            model, tok = load_causal_lm(profile, "nf4", path=base_dir)
            lora = make_lora_config(target_modules=PHI_LORA_TARGETS)
            model = prepare_for_qlora(model, lora, gradient_checkpointing=True)
            with tempfile.TemporaryDirectory() as tmp:
                trainer = train_summarizer(profile, model, tok, train, val, tmp, max_steps=steps,
                                           eval_steps=steps, logging_steps=1)
            losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
            evals = [h["eval_loss"] for h in trainer.state.log_history if "eval_loss" in h]
            out.append({"compute_dtype": name, "ok": True, "steps": trainer.state.global_step,
                        "loss_first": losses[0], "loss_last": losses[-1], "eval_loss": evals[-1] if evals else None,
                        "peak_memory_mb": round(torch.cuda.max_memory_allocated() / MB, 1),
                        "seconds": round(time.perf_counter() - started, 1)})
            del trainer, model
        except Exception as err:  # noqa: BLE001 - report what broke, keep the other dtype's check
            out.append({"compute_dtype": name, "ok": False, "error": f"{type(err).__name__}: {str(err)[:300]}"})
        print(f"course QLoRA path, {name} compute: {out[-1]}")
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="tiny", choices=["tiny", "phi2-shape"])
    p.add_argument("--fast", action="store_true",
                   help="CPU smoke setting: random 2-layer tiny Phi, 2 x 384 tokens, padded vs packed, "
                        "no GC, 1 warm-up + 2 timed steps")
    p.add_argument("--device", default=None, choices=["cpu", "cuda"], help="default: cuda if available")
    p.add_argument("--dtype", default=None, choices=["float32", "bfloat16", "float16"],
                   help="compute dtype (default: bfloat16 on CUDA, float32 on CPU)")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--steps", type=int, default=5, help="timed steps after warm-up")
    p.add_argument("--random-weights", action="store_true", help="tiny: random weights instead of the cached base")
    p.add_argument("--base-dir", default=None, help="a saved tiny Phi (default: random weights)")
    p.add_argument("--methods", default=",".join(METHODS))
    p.add_argument("--batchings", default=",".join(BATCHINGS))
    p.add_argument("--grad-ckpt", default="off,on")
    p.add_argument("--no-seed-run", action="store_true")
    p.add_argument("--course-qlora-check", type=int, default=0, metavar="STEPS",
                   help="CUDA only: also run notebook 04's QLoRA path for STEPS steps in fp16 and bf16")
    p.add_argument("--out", default=None, help="write the results JSON here")
    p.add_argument("--summarize", nargs="+", default=None, metavar="RESULTS_JSON",
                   help="write benchmarks/results.json from these full results files and exit")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print a Markdown table."""
    args = parse_args(argv)
    if args.summarize:
        out = Path(args.out or REPO_ROOT / "benchmarks" / "results.json")
        out.write_text(json.dumps(summarize(args.summarize), indent=1) + "\n")
        print(f"wrote {out}")
        return {}
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    dtype = args.dtype or ("bfloat16" if device == "cuda" else "float32")
    s = Setting(model=args.model, device=device, compute_dtype=dtype, batch_size=args.batch_size,
                max_length=args.max_length, warmup=args.warmup, steps=args.steps,
                random_weights=args.random_weights or args.model != "tiny",
                methods=args.methods.split(","), batchings=args.batchings.split(","),
                grad_ckpt=[g == "on" for g in args.grad_ckpt.split(",")], seed_run=not args.no_seed_run)
    if args.fast:  # CPU smoke: the smallest setting that still shows padding waste
        s.model, s.random_weights, s.device, s.compute_dtype = "tiny", True, "cpu", "float32"
        s.batch_size, s.max_length, s.warmup, s.steps = 2, 384, 1, 2
        s.grad_ckpt, s.batchings, s.n_layers = [False], ["padded", "packed"], 2
    from helpers.profiles import PROGRESS_ENV, quiet_logs

    os.environ.setdefault(PROGRESS_ENV, "0")  # progress bars would bury the table
    quiet_logs()
    results = run_benchmark(s, args.base_dir)
    if args.course_qlora_check and device == "cuda":
        if not args.base_dir:
            raise SystemExit("--course-qlora-check trains the course's QLoRA recipe on a saved model: pass --base-dir")
        results["course_qlora_check"] = course_qlora_check(args.base_dir, args.course_qlora_check)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return results


if __name__ == "__main__":
    main()
