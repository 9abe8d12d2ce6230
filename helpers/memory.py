"""Memory arithmetic for training: bytes per parameter and what weights, gradients and Adam cost.

Taught in notebook 01 and reused in notebook 04 and the benchmark, which checks it against
measured peaks. Activations are not included: they depend on batch size and sequence length.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def method_memory(split: ParamSplit, compute: str = "fp16") -> dict[str, dict[str, float]]:
    """Bytes per method: full fine-tuning (fp32), LoRA on a 16-bit base, QLoRA on an NF4 base."""
    c = BYTES_PER_PARAM[compute]
    nf4 = BYTES_PER_PARAM["nf4"]
    return {
        "full fine-tuning (fp32 + AdamW)": training_memory(0.0, split.total),
        f"LoRA ({compute} base)": training_memory(split.total * c, split.lora),
        # QLoRA: quantized Linear weights in NF4, the rest in the compute dtype, fp32 adapters.
        "QLoRA (NF4 base)": training_memory(split.linear * nf4 + split.other * c, split.lora),
    }


def memory_table(model: torch.nn.Module, r: int, target_modules: list[str], compute: str = "fp16"):
    """A pandas table (GiB) of weights/gradients/optimizer/total per fine-tuning method."""
    import pandas as pd

    split = split_parameters(model, r, target_modules)
    rows = {
        method: {k: round(v / GIB, 3) for k, v in parts.items()}
        for method, parts in method_memory(split, compute).items()
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
