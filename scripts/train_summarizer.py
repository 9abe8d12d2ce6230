"""Notebook 04 as a script: QLoRA fine-tuning of the profile's causal LM for dialogue summarization.

Same helpers, same settings (helpers/profiles.py, notebook "04") as the notebook. Flags are parsed
with transformers' HfArgumentParser, as trl/scripts/sft.py does: the few script arguments below,
then every `SFTConfig` field under its own name (`--max_steps`, `--learning_rate`,
`--per_device_train_batch_size`, `--packing false`, `--output_dir`, `--seed`, ...), whose defaults
are the profile's (helpers.training.sft_config_kwargs), not TRL's.
Runs unchanged on one device or under `torchrun --nproc_per_node N` / `accelerate launch` (DDP):
the Trainer inside SFTTrainer splits each batch across ranks (gloo on CPU, NCCL on GPUs) and
averages gradients. Every rank writes rank<R>.json (steps, first/last train loss, seconds) into
the output dir; rank 0 also saves the adapter and, with --n_test, scores it.

    python scripts/train_summarizer.py --profile smoke --max_steps 30 --output_dir runs/qlora
    torchrun --nproc_per_node 2 scripts/train_summarizer.py --profile smoke --no_quantize ...
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import HfArgumentParser
from trl import SFTConfig

from helpers.cleaning import cleaning_summary, prepare_dialogsum
from helpers.data import load_dialogsum
from helpers.formatting import to_prompt_completion
from helpers.metrics import rouge_scores
from helpers.models import load_causal_lm, lora_targets, make_lora_config
from helpers.profiles import SEED_LORA_R, quiet_logs, resolve_profile, seed_everything
from helpers.training import (
    generate_summaries,
    prepare_for_qlora,
    sft_config_kwargs,
    train_summarizer,
)

DEFAULT_OUTPUT_DIR = "runs/qlora"


@dataclass
class ScriptArguments:
    """What the script decides beyond SFTConfig (which the second parser reads)."""

    profile: str = field(default="auto", metadata={"help": "auto, gpu or smoke (helpers/profiles.py)",
                                                    "choices": ["auto", "gpu", "smoke"]})
    quantize: bool = field(default=True, metadata={
        "help": "load the base in 4 bits (QLoRA). --no_quantize: full-precision base + plain LoRA, for "
                "machines where bitsandbytes cannot load 4-bit layers; the script says when"})
    lora_r: int = field(default=SEED_LORA_R, metadata={"help": "LoRA rank (the seed's 32); alpha stays 32"})
    n_test: int = field(default=0, metadata={
        "help": "rank 0 scores this many test dialogues, each against all its references (0: skip)"})


def parse_args(argv: list[str] | None = None) -> tuple[ScriptArguments, SFTConfig]:
    """Script arguments first (the profile decides SFTConfig's defaults), then SFTConfig's own flags."""
    script_parser = HfArgumentParser(
        ScriptArguments, description=__doc__.splitlines()[0],
        epilog="Every SFTConfig argument is also a flag, under its own name (e.g. --max_steps 30, "
               "--learning_rate 1e-3, --per_device_train_batch_size 4, --packing false, --output_dir DIR); "
               "unset ones take the profile's values (helpers/profiles.py, notebook 04).")
    script_args, rest = script_parser.parse_args_into_dataclasses(argv, return_remaining_strings=True)
    profile = resolve_profile(script_args.profile, verbose=False)
    sft_parser = HfArgumentParser(SFTConfig)
    sft_parser.set_defaults(**sft_config_kwargs(profile, DEFAULT_OUTPUT_DIR))
    (config,) = sft_parser.parse_args_into_dataclasses(rest)
    return script_args, config


def main(argv: list[str] | None = None) -> dict:
    """Load, prepare, train, save the adapter, optionally score; one JSON of results per rank."""
    args, config = parse_args(argv)
    quiet_logs()
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    profile = resolve_profile(args.profile, verbose=rank == 0)
    S = profile.settings("04")
    seed_everything(config.seed)
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    ds, cleaning = prepare_dialogsum(load_dialogsum(profile.data_source))  # notebook 02's cleaning, as in 04
    if rank == 0:
        print(cleaning_summary(cleaning))
    try:
        model, tokenizer = load_causal_lm(profile, quantize="nf4" if args.quantize else None)
    except (ImportError, RuntimeError, ValueError) as err:
        if not args.quantize:
            raise
        raise SystemExit(f"rank {rank}: bitsandbytes could not load the base in 4 bits ({err}). "
                         "Re-run with --no_quantize to train plain LoRA on a full-precision "
                         "base (same adapters, more memory).") from err
    # prompts cut as generation cuts them (dialogue cut at its end, notebook 04, 4.3); a --max_length below the
    # profile's lowers the prompt budget with it, so a summary of max_new_tokens + eos still fits a row
    prompt_tokens = min(S.max_prompt_tokens, config.max_length - S.max_new_tokens - 1)
    if prompt_tokens < 1:
        raise SystemExit(f"--max_length {config.max_length} leaves no room for a prompt beside {S.max_new_tokens} "
                         f"summary tokens and eos: raise it")
    cut = {"max_prompt_tokens": prompt_tokens, "max_length": config.max_length}
    train = to_prompt_completion(ds["train"], tokenizer, **cut)
    n_val = min(S.n_val, len(ds["validation"]))
    val = to_prompt_completion(ds["validation"].select(range(n_val)), tokenizer, **cut)
    lora_config = make_lora_config(target_modules=lora_targets(model.config), r=args.lora_r)  # alpha: the seed's 32
    if not args.quantize:  # plain LoRA: no k-bit preparation needed
        from peft import get_peft_model

        model.config.use_cache = False
        model = get_peft_model(model, lora_config)
    else:
        model = prepare_for_qlora(model, lora_config)
    started = time.perf_counter()
    trainer = train_summarizer(profile, model, tokenizer, train, val, str(out), config)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    summary = next(h for h in reversed(trainer.state.log_history) if "train_loss" in h)
    adapters = [p.detach().float() for n, p in trainer.model.named_parameters() if "lora_" in n]
    result = {"rank": rank, "world_size": world, "quantized": args.quantize,
              "steps": trainer.state.global_step, "packing": trainer.args.packing,
              "train_loss_first": losses[0] if losses else None,  # logged every logging_steps
              "train_loss_last": losses[-1] if losses else None,
              "train_loss_mean": summary["train_loss"],
              # the same on every rank when DDP keeps the replicas in sync
              "adapter_checksum": float(sum(p.abs().sum() for p in adapters)),
              "seconds": round(time.perf_counter() - started, 1)}
    if trainer.is_world_process_zero():
        trainer.model.save_pretrained(out / "adapter")  # safetensors
        tokenizer.save_pretrained(out / "adapter")
        if args.n_test:
            test = ds["test"].select(range(min(args.n_test, len(ds["test"]))))  # a row per dialogue, all references
            preds = generate_summaries(trainer.model, tokenizer, test["dialogue"],
                                       S.max_new_tokens, token_budget=S.gen_token_budget,
                                       max_prompt_tokens=prompt_tokens)
            result["n_test"] = len(test)
            result["rougeL"] = rouge_scores(preds, test["references"])["rougeL"]
    (out / f"rank{rank}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result), flush=True)
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()
    return result


if __name__ == "__main__":
    main()
