"""Memory arithmetic: bytes per parameter, training and generation peaks, and a GPU pre-flight.

Bytes per weight and what weights, gradients and Adam cost are taught in notebook 01; notebook 04
teaches the rest: activations, the KV cache, `preflight` (predicted peaks against free GPU memory,
refusing with the setting to lower) and `generation_batches` (batches cut by a token budget).
The benchmark checks the estimates against measured peaks (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch

GIB = 2**30
# Bytes one weight takes in each storage format. NF4 packs two weights per byte and stores one
# fp32 absmax per block of 64 weights (4/64 bytes); double quantization shrinks that constant
# to 8 bits per block plus one fp32 per 256 blocks (QLoRA paper, Dettmers et al. 2023, sec. 3).
BYTES_PER_PARAM = {
    "fp32": 4.0,
    "fp16": 2.0,
    "bf16": 2.0,
    "int8": 1.0,
    "nf4": 0.5 + 4 / 64,
    "nf4+double-quant": 0.5 + 1 / 64 + 4 / (64 * 256),
}
ADAM_STATE_BYTES = 8.0  # AdamW keeps two fp32 moments (m and v) per trainable parameter


@dataclass(frozen=True)
class ParamSplit:
    """Parameter counts by role: 4-bit-quantizable Linear weights, the rest, and LoRA adapters."""

    linear: int  # weights of nn.Linear layers bitsandbytes would quantize (all but lm_head)
    other: int  # embeddings, lm_head, biases, layer norms: kept in the compute dtype
    lora: int  # adapter parameters a LoRA config adds

    @property
    def total(self) -> int:
        """All base-model parameters (without adapters)."""
        return self.linear + self.other


def lora_param_count(model: torch.nn.Module, r: int, target_modules: list[str]) -> int:
    """Parameters LoRA adds: r * (in + out) for every Linear whose name ends in a target."""
    count = 0
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and name.split(".")[-1] in target_modules:
            count += r * (module.in_features + module.out_features)
    return count


def split_parameters(model: torch.nn.Module, r: int, target_modules: list[str],
                     skip: tuple[str, ...] = ("lm_head",)) -> ParamSplit:
    """Count quantizable Linear weights vs everything else, plus the LoRA adapter size."""
    linear = 0
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and name.split(".")[-1] not in skip:
            linear += module.weight.numel()
    total = sum(p.numel() for p in model.parameters())
    return ParamSplit(linear=linear, other=total - linear,
                      lora=lora_param_count(model, r, target_modules))


def training_memory(frozen_weight_bytes: float, trainable: float,
                    trainable_bytes: float = 4.0) -> dict[str, float]:
    """Bytes for weights, gradients and AdamW states: frozen weights' bytes + trainable params."""
    if min(frozen_weight_bytes, trainable, trainable_bytes) < 0:
        raise ValueError("parameter counts and byte sizes must be non-negative")
    weights = frozen_weight_bytes + trainable * trainable_bytes
    grads = trainable * trainable_bytes
    optimizer = trainable * ADAM_STATE_BYTES
    return {"weights": weights, "gradients": grads, "optimizer": optimizer,
            "total": weights + grads + optimizer}


def method_memory(split: ParamSplit, compute: str = "fp16",
                  kbit_prepared: bool = True) -> dict[str, dict[str, float]]:
    """Bytes per method, gradients included, labelled for memory_table: method_states' weights and
    AdamW states plus an fp32 gradient per trainable parameter.

    kbit_prepared=True (the default, what the benchmark measured) counts QLoRA's unquantized weights
    (embeddings, lm_head, norms) in fp32, as prepare_model_for_kbit_training leaves them; False
    counts them in `compute`, ~19% less than measured for Phi-2's weights + AdamW states.
    """
    labels = {"full": "full fine-tuning (fp32 + AdamW)", "lora": f"LoRA ({compute} base)",
              "qlora": "QLoRA (NF4 base)"}
    table = {}
    for method, label in labels.items():
        states = method_states(split, method, compute, kbit_prepared)
        gradients = (split.total if method == "full" else split.lora) * BYTES_PER_PARAM["fp32"]
        table[label] = {"weights": states["weights"], "gradients": gradients,
                        "optimizer": states["optimizer"], "total": states["total"] + gradients}
    return table


def memory_table(model: torch.nn.Module, r: int, target_modules: list[str], compute: str = "fp16",
                 kbit_prepared: bool = True):
    """A pandas table (GiB) of weights/gradients/optimizer/total per fine-tuning method (see method_memory)."""
    import pandas as pd

    split = split_parameters(model, r, target_modules)
    rows = {
        method: {k: round(v / GIB, 3) for k, v in parts.items()}
        for method, parts in method_memory(split, compute, kbit_prepared).items()
    }
    for method, parts in rows.items():
        trainable = split.total if method.startswith("full") else split.lora
        parts["trainable params"] = trainable
    table = pd.DataFrame(rows).T[["trainable params", "weights", "gradients", "optimizer", "total"]]
    table["trainable params"] = table["trainable params"].astype(int)
    table.columns = ["trainable params", "weights GiB", "gradients GiB", "AdamW states GiB",
                     "total GiB (no activations)"]
    return table


def bytes_per_param_table(n_params: int):
    """A pandas table: bytes per weight and the size of `n_params` weights in each format."""
    import pandas as pd

    return pd.DataFrame(
        [{"format": f, "bytes/param": round(b, 4), "weights GiB": round(n_params * b / GIB, 3)}
         for f, b in BYTES_PER_PARAM.items()]
    ).set_index("format")


def method_states(split: ParamSplit, method: str, compute: str = "bf16",
                  kbit_prepared: bool = True) -> dict[str, float]:
    """Bytes of weights and AdamW states (no gradients, no activations) for one training method.

    method: 'full' (fp32 weights), 'lora' (base in `compute`, fp32 adapters as PEFT makes them)
    or 'qlora' (NF4 Linear weights; the rest fp32 after `prepare_model_for_kbit_training`,
    which upcasts norms, embeddings and lm_head, or `compute` when kbit_prepared=False).
    The benchmark checks these against measured memory (benchmarks/RESULTS.md).
    """
    if method == "full":
        parts = training_memory(0.0, split.total)
    elif method == "lora":
        parts = training_memory(split.total * BYTES_PER_PARAM[compute], split.lora)
    elif method == "qlora":
        other = BYTES_PER_PARAM["fp32" if kbit_prepared else compute]
        parts = training_memory(split.linear * BYTES_PER_PARAM["nf4"] + split.other * other, split.lora)
    else:
        raise ValueError(f"method must be 'full', 'lora' or 'qlora', got {method!r}")
    return {"weights": parts["weights"], "optimizer": parts["optimizer"],
            "total": parts["weights"] + parts["optimizer"]}


# --- activations, the KV cache and predicted peaks (notebook 04) ---------------------------

# What the pre-flight keeps free beyond the predictions: the CUDA context when the process has
# none yet (~0.3-0.5 GiB), cuBLAS workspaces and blocks the caching allocator holds but cannot reuse.
SAFETY_MARGIN_BYTES = int(0.8 * GIB)
# Training activations autograd keeps per token and decoder layer, in hidden-size and
# intermediate-size vectors of the activation dtype. Chosen to over-estimate measurements slightly,
# not derived: the intermediate term dominates because Phi's tanh-GELU is written in Python and
# autograd keeps ~4 intermediate-size tensors for it. Phi-2 QLoRA, batch 4 x 512, on an H100
# (benchmarks/results.json): predicted peak +6.5% over measured with checkpointing, +5.0% without
# (tests/test_preflight.py); autograd's saved tensors of a small Phi on CPU: 20.5 kB predicted vs
# 19.7 kB counted per token and layer.
ACT_HIDDEN, ACT_INTERMEDIATE = 4, 5
# Inference keeps no activations for backward; a prefill layer holds at most ~6 hidden-size and
# ~3 intermediate-size vectors per token at once (residual, norm, q/k/v, attention output; fc1
# output and two GELU temporaries).
PREFILL_HIDDEN, PREFILL_INTERMEDIATE = 6, 3
LOGIT_COPIES = 3  # training: fp32 logits, their log-softmax in the loss and their gradient
_FORMATS = {torch.float32: "fp32", torch.float16: "fp16", torch.bfloat16: "bf16"}


def dtype_bytes(dtype: torch.dtype | str) -> float:
    """Bytes per element of a torch dtype or a BYTES_PER_PARAM name ('fp16', 'nf4', ...)."""
    if isinstance(dtype, torch.dtype):
        return float(dtype.itemsize)
    if dtype in BYTES_PER_PARAM:
        return BYTES_PER_PARAM[dtype]
    raise ValueError(f"unknown dtype {dtype!r}: pass a torch.dtype or one of {sorted(BYTES_PER_PARAM)}")


def training_state_bytes(model: torch.nn.Module) -> dict[str, float]:
    """Bytes a training run holds for this model besides activations (notebook 03's memory column).

    weights: every parameter at its stored size; gradients: one per trainable parameter, in its
    dtype; optimizer: AdamW's two moment estimates per trainable parameter, in its dtype (as
    torch.optim.AdamW keeps them). Counted from the model, so a frozen backbone, LoRA and full
    fine-tuning differ exactly by what trains.
    """
    weights = grads = 0.0
    for param in model.parameters():
        size = param.numel() * param.element_size()
        weights += size
        grads += size if param.requires_grad else 0.0
    return {"weights": weights, "gradients": grads, "optimizer": 2 * grads, "total": weights + 3 * grads}


def _format_name(dtype: torch.dtype | str) -> str:
    """The BYTES_PER_PARAM name method_states expects ('fp16') for a torch dtype or a name."""
    name = _FORMATS.get(dtype, dtype) if isinstance(dtype, torch.dtype) else dtype
    if name not in ("fp32", "fp16", "bf16"):
        raise ValueError(f"compute dtype must be fp32, fp16 or bf16, got {dtype!r}")
    return name


def meta_model(shape: Any) -> torch.nn.Module:
    """A model to count parameters of: `shape` itself, or a transformers config built on the meta device."""
    if isinstance(shape, torch.nn.Module):
        return shape
    if hasattr(shape, "to_dict") and hasattr(shape, "hidden_size"):
        from transformers import AutoModelForCausalLM

        with torch.device("meta"):
            return AutoModelForCausalLM.from_config(shape)
    raise TypeError(f"pass a transformers config or a model (e.g. helpers.models.phi2_on_meta()), "
                    f"got {type(shape).__name__}")


def _config(shape: Any) -> Any:
    """The transformers config of a model, or the config itself."""
    return shape.config if isinstance(shape, torch.nn.Module) else shape


def _check_counts(**counts: int) -> None:
    """Refuse negative (or non-integer) batch sizes and lengths with the argument's name."""
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative int, got {value!r}")


def kv_cache_bytes(config: Any, batch_size: int, seq_len: int, dtype: torch.dtype | str) -> float:
    """Bytes of the key/value cache: 2 (K and V) x layers x batch x positions x kv heads x head dim."""
    _check_counts(batch_size=batch_size, seq_len=seq_len)
    c = _config(config)
    heads = c.num_attention_heads
    kv_heads = getattr(c, "num_key_value_heads", None) or heads
    head_dim = getattr(c, "head_dim", None) or c.hidden_size // heads
    return 2 * c.num_hidden_layers * batch_size * seq_len * kv_heads * head_dim * dtype_bytes(dtype)


def generation_memory(shape: Any, batch_size: int, prompt_tokens: int, max_new_tokens: int,
                      dtype: torch.dtype = torch.float16, quantize: str | None = "nf4",
                      lora_params: int = 0) -> dict[str, float]:
    """Predicted peak bytes of one greedy-generation batch, by part, with the total.

    weights: NF4 Linear weights (not lm_head) + the rest and LoRA adapters in `dtype`, the dtype of
    the non-quantized parameters while generating (bitsandbytes' Linear4bit returns its input's dtype,
    so it is also the residual stream's and the KV cache's). kv_cache: batch x (prompt + new tokens)
    positions, plus one layer's copy while DynamicCache grows it with torch.cat. prefill: the first
    forward pass over the prompts (see PREFILL_*) and its boolean attention mask (batch x prompt^2).
    logits: generate asks for the last position only (`logits_to_keep=1`) and copies it to fp32.
    """
    _check_counts(batch_size=batch_size, prompt_tokens=prompt_tokens, max_new_tokens=max_new_tokens,
                  lora_params=lora_params)
    model = meta_model(shape)
    c, b = model.config, dtype_bytes(dtype)
    split = split_parameters(model, 0, [])
    if quantize == "nf4":
        weights = split.linear * BYTES_PER_PARAM["nf4"] + split.other * b
    elif quantize is None:
        weights = split.total * b
    else:
        raise ValueError(f"quantize must be 'nf4' or None, got {quantize!r}")
    kv = kv_cache_bytes(c, batch_size, prompt_tokens + max_new_tokens, dtype)
    tokens = batch_size * prompt_tokens
    prefill = (tokens * (PREFILL_HIDDEN * c.hidden_size + PREFILL_INTERMEDIATE * c.intermediate_size) * b
               + batch_size * prompt_tokens**2)
    parts = {"weights": weights + lora_params * b, "kv_cache": kv,
             "kv_cache_growth": kv / c.num_hidden_layers, "prefill": prefill,
             "logits": batch_size * c.vocab_size * (b + 4)}
    return {**parts, "total": sum(parts.values())}


def activation_bytes(config: Any, tokens: int, act_bytes: float, gradient_checkpointing: bool) -> float:
    """Training activations kept for backward (an estimate, see ACT_HIDDEN): every layer's, or with
    checkpointing each layer's input plus one layer recomputed during backward."""
    c = _config(config)
    per_layer = tokens * (ACT_HIDDEN * c.hidden_size + ACT_INTERMEDIATE * c.intermediate_size) * act_bytes
    if gradient_checkpointing:
        return c.num_hidden_layers * tokens * c.hidden_size * act_bytes + per_layer
    return c.num_hidden_layers * per_layer


def _logits_width(model: torch.nn.Module) -> int:
    """Columns of the model's logits: the LM head's vocabulary, else a classifier's labels."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    return head.out_features if head is not None else getattr(model.config, "num_labels", 2)


def training_peak(shape: Any, method: str, batch_size: int, seq_len: int,
                  compute: torch.dtype | str = "fp16", lora_r: int = 0,
                  lora_targets: Sequence[str] | None = None, gradient_checkpointing: bool = True,
                  kbit_prepared: bool = True, extra_trainable: int = 0) -> dict[str, float]:
    """Predicted peak bytes of a training step, by part: method_states + gradients + activations + logits.

    An estimate: weights and AdamW states come from `method_states` (checked against measurements),
    gradients are fp32 for every trainable parameter, activations follow `activation_bytes` with
    batch_size x seq_len tokens in fp32 where the stream is fp32 (full fine-tuning; QLoRA after
    `prepare_model_for_kbit_training`), else in `compute`; logits: LOGIT_COPIES fp32 copies.
    `extra_trainable` counts parameters trained besides adapters (a head in `modules_to_save`).
    """
    _check_counts(batch_size=batch_size, seq_len=seq_len, lora_r=lora_r, extra_trainable=extra_trainable)
    if method in ("lora", "qlora") and lora_r < 1:
        raise ValueError(f"method {method!r} needs lora_r >= 1, got {lora_r}")
    if lora_targets is None:  # the architecture's attention projections, as the notebooks adapt them
        from .models import lora_targets as targets_of

        lora_targets = targets_of(shape) if method in ("lora", "qlora") else []
    model = meta_model(shape)
    compute = _format_name(compute)
    split = split_parameters(model, lora_r, list(lora_targets))
    split = replace(split, lora=split.lora + extra_trainable)
    states = method_states(split, method, compute, kbit_prepared)
    trainable = split.total if method == "full" else split.lora
    act = 4.0 if method == "full" or (method == "qlora" and kbit_prepared) else BYTES_PER_PARAM[compute]
    tokens = batch_size * seq_len
    parts = {"weights": states["weights"], "optimizer": states["optimizer"], "gradients": 4.0 * trainable,
             "activations": activation_bytes(model.config, tokens, act, gradient_checkpointing),
             "logits": LOGIT_COPIES * tokens * _logits_width(model) * 4.0}
    return {**parts, "total": sum(parts.values())}


@dataclass(frozen=True)
class TrainingPlan:
    """A training run to check before it starts: model shape, method, dtype, batch and lengths."""

    name: str
    shape: Any  # a transformers config or a model (meta device: no weights needed)
    batch_size: int
    seq_len: int  # tokens per row (max_length; with packing, the packed row's length)
    method: str = "qlora"
    compute: torch.dtype | str = "fp16"
    lora_r: int = 0
    lora_targets: tuple[str, ...] | None = None  # None: the architecture's (helpers.models.lora_targets)
    gradient_checkpointing: bool = True
    kbit_prepared: bool = True
    extra_trainable: int = 0
    lower: str = "per_device_train_batch_size / max_length"  # the settings to lower when it does not fit

    def predict(self) -> dict[str, float]:
        """Predicted peak bytes by part (training_peak)."""
        return training_peak(self.shape, self.method, self.batch_size, self.seq_len, self.compute,
                             self.lora_r, self.lora_targets, self.gradient_checkpointing,
                             self.kbit_prepared, self.extra_trainable)


@dataclass(frozen=True)
class GenerationPlan:
    """Greedy generation to check: model shape, dtype used, and batches by token budget or size."""

    name: str
    shape: Any
    max_new_tokens: int
    max_prompt_tokens: int  # prompts are truncated to this many tokens
    token_budget: int | None = None  # rows x (longest prompt + new tokens) per batch
    batch_size: int | None = None  # fixed rows per batch (the old way), or a cap on rows
    dtype: torch.dtype = torch.float16  # non-quantized weights, residual stream and KV cache
    quantize: str | None = "nf4"
    lora_params: int = 0
    lower: str = "gen_token_budget / max_prompt_tokens"

    def worst_batch(self) -> tuple[int, int]:
        """(rows, prompt tokens) of the largest batch: longest prompts, rows rounded up (an upper bound)."""
        if self.token_budget is None and self.batch_size is None:
            raise ValueError(f"{self.name}: give token_budget or batch_size")
        rows = self.batch_size or math.inf
        if self.token_budget is not None:
            seq = self.max_prompt_tokens + self.max_new_tokens
            rows = min(rows, max(1, math.ceil(self.token_budget / seq)))
        return int(rows), self.max_prompt_tokens

    def predict(self) -> dict[str, float]:
        """Predicted peak bytes by part (generation_memory of the worst batch)."""
        rows, prompt = self.worst_batch()
        return generation_memory(self.shape, rows, prompt, self.max_new_tokens, self.dtype,
                                 self.quantize, self.lora_params)


def summarization_plans(P: Any, shape: Any, lora_r: int, lora_params: int = 0,
                        batch_size: int | None = None, settings: Any = None) -> list[TrainingPlan | GenerationPlan]:
    """Notebook 04's QLoRA training and generation plans from its settings (the profile's unless given; also 05)."""
    S = settings or P.settings("04")
    return [TrainingPlan(f"QLoRA training (r={lora_r})", shape, batch_size or S.per_device_train_batch_size,
                         S.max_length, "qlora", P.compute_dtype, lora_r, gradient_checkpointing=P.device == "cuda"),
            GenerationPlan("generation", shape, S.max_new_tokens, S.max_prompt_tokens,
                           token_budget=S.gen_token_budget, dtype=P.compute_dtype, lora_params=lora_params)]


def merge_check_plan(P: Any, shape: Any, lora_params: int = 0) -> GenerationPlan:
    """Notebook 04's merge check (4.8): generation on the full-precision base (fp16 on a T4) + the adapter."""
    S = P.settings("04")
    return GenerationPlan("generation, full-precision base", shape, S.max_new_tokens, S.max_prompt_tokens,
                          token_budget=S.gen_token_budget, dtype=P.compute_dtype, quantize=None,
                          lora_params=lora_params)


class WillNotFitError(MemoryError):
    """A plan's predicted peak exceeds free GPU memory minus the safety margin."""


def device_report(device: int = 0) -> dict[str, Any]:
    """The device's name, compute capability and bf16 support (native vs emulated only)."""
    from .profiles import native_bf16  # is_bf16_supported(including_emulation=False): not a T4

    if not torch.cuda.is_available():
        return {"device": "CPU", "capability": None, "native_bf16": False, "emulated_bf16": False}
    native = native_bf16()
    return {"device": torch.cuda.get_device_name(device),
            "capability": tuple(torch.cuda.get_device_capability(device)), "native_bf16": native,
            "emulated_bf16": not native and bool(torch.cuda.is_bf16_supported())}


def _describe(info: dict[str, Any], checked: bool) -> str:
    """One line on the device and which 16-bit dtype it computes in."""
    if info["capability"] is None:
        check = "checked against the free memory given" if checked else "no memory check"
        return f"device: CPU (no CUDA): {check}; the predictions are for a GPU run"
    cap = ".".join(map(str, info["capability"]))
    if info["native_bf16"]:
        return f"device: {info['device']}, compute capability {cap}: native bf16"
    emulated = " (torch.cuda.is_bf16_supported() says True: emulation, slow)" if info["emulated_bf16"] else ""
    return f"device: {info['device']}, compute capability {cap}: no native bf16{emulated}; compute in fp16"


def preflight(plans: Sequence[TrainingPlan | GenerationPlan], free_bytes: int | None = None,
              device: int = 0, verbose: bool = True,
              margin_bytes: int = SAFETY_MARGIN_BYTES) -> dict[str, Any]:
    """Predict each plan's peak and refuse (WillNotFitError) any that will not fit in free GPU memory.

    Call it before loading the model. Free memory is torch.cuda.mem_get_info's unless `free_bytes`
    is given; on CPU without `free_bytes` nothing is checked, but the predictions are still shown.
    A plan fits when predicted peak + margin_bytes (SAFETY_MARGIN_BYTES) <= free memory.
    """
    if isinstance(plans, (str, TrainingPlan, GenerationPlan)) or not isinstance(plans, Sequence):
        raise TypeError(f"pass a list of TrainingPlan/GenerationPlan, got {type(plans).__name__}")
    if not plans:
        raise ValueError("no plans to check: pass at least one TrainingPlan or GenerationPlan")
    bad = [type(p).__name__ for p in plans if not isinstance(p, (TrainingPlan, GenerationPlan))]
    names = [p.name for p in plans if isinstance(p, (TrainingPlan, GenerationPlan))]
    if bad or len(set(names)) != len(names):
        raise ValueError(f"plans must be TrainingPlan/GenerationPlan with distinct names; got {bad or names}")
    info = device_report(device)
    if free_bytes is None and info["capability"] is not None:
        free_bytes = torch.cuda.mem_get_info(device)[0]
    predicted = {p.name: p.predict() for p in plans}
    too_big = [p.name for p in plans
               if free_bytes is not None and predicted[p.name]["total"] + margin_bytes > free_bytes]
    if verbose:
        print(_describe(info, free_bytes is not None))
        if free_bytes is not None:
            print(f"free memory: {free_bytes / GIB:.1f} GiB, of which {margin_bytes / GIB:.1f} GiB "
                  "kept as a margin")
        for p in plans:
            parts = ", ".join(f"{k} {v / GIB:.2f}" for k, v in predicted[p.name].items() if k != "total")
            verdict = "" if free_bytes is None else ("  WILL NOT FIT" if p.name in too_big else "  fits")
            print(f"  {p.name}: predicted peak {predicted[p.name]['total'] / GIB:.2f} GiB ({parts}){verdict}")
    if too_big:
        raise WillNotFitError("; ".join(
            f"{p.name} needs ~{predicted[p.name]['total'] / GIB:.1f} GiB "
            f"+ {margin_bytes / GIB:.1f} GiB margin, "
            f"{free_bytes / GIB:.1f} GiB free: lower {p.lower} (helpers/profiles.py, SETTINGS)"
            for p in plans if p.name in too_big))
    return {**info, "free_bytes": free_bytes, "margin_bytes": margin_bytes, "predicted": predicted}


def generation_batches(lengths: Sequence[int], max_new_tokens: int, token_budget: int,
                       max_batch_size: int | None = None) -> list[list[int]]:
    """Prompt indices in batches, longest first, with rows x (longest prompt + new tokens) <= budget.

    Every index appears exactly once. A prompt that alone exceeds the budget gets a batch of its
    own (with a warning); lower max_prompt_tokens to keep it inside. Longest first: a batch that
    does not fit fails at once, not after an hour.
    """
    if isinstance(lengths, (str, bytes)) or not isinstance(lengths, Sequence):
        raise TypeError(f"lengths must be a list of token counts, got {type(lengths).__name__}")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in lengths):
        raise ValueError("lengths must be non-negative ints (prompt token counts)")
    if isinstance(token_budget, bool) or not isinstance(token_budget, int) or token_budget < 1:
        raise ValueError(f"token_budget must be an int >= 1, got {token_budget!r}")
    if max_new_tokens < 1 or (max_batch_size is not None and max_batch_size < 1):
        raise ValueError("max_new_tokens and max_batch_size must be >= 1, "
                         f"got {max_new_tokens}, {max_batch_size}")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])  # stable: ties keep input order
    batches: list[list[int]] = []
    for i in order:
        if batches:
            batch = batches[-1]
            rows_fit = (len(batch) + 1) * (lengths[batch[0]] + max_new_tokens) <= token_budget
            if rows_fit and (max_batch_size is None or len(batch) < max_batch_size):
                batch.append(i)
                continue
        batches.append([i])
    alone = [b[0] for b in batches if lengths[b[0]] + max_new_tokens > token_budget]
    if alone:
        warnings.warn(f"{len(alone)} prompt(s) exceed the token budget on their own (longest "
                      f"{lengths[alone[0]]} + {max_new_tokens} new > {token_budget}): each runs in a "
                      f"batch of one; lower max_prompt_tokens or raise the budget", stacklevel=2)
    return batches
