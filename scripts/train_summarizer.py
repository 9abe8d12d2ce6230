"""Notebook 04 as a script: QLoRA fine-tuning of the profile's causal LM for dialogue summarization.

Same helpers, same settings (helpers/profiles.py, block "04") as the notebook. Runs unchanged on
one device or under `torchrun --nproc_per_node N` / `accelerate launch` (DDP): the Trainer inside
SFTTrainer splits each batch across ranks (gloo on CPU, NCCL on GPUs) and averages gradients.
Every rank writes rank<R>.json (steps, first/last train loss, seconds) into --output-dir;
rank 0 also saves the adapter and, with --n-test, scores it.

    python scripts/train_summarizer.py --profile smoke --max-steps 30 --output-dir runs/qlora
    torchrun --nproc_per_node 2 scripts/train_summarizer.py --profile smoke --no-quantize ...
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from helpers.data import group_references, load_dialogsum, to_prompt_completion
from helpers.metrics import rouge_scores
from helpers.models import load_causal_lm, make_lora_config
from helpers.profiles import quiet_logs, resolve_profile, seed_everything
from helpers.training import (
    generate_summaries,
    prepare_for_qlora,
    train_summarizer,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; unset ones take the profile's defaults (helpers/profiles.py)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="auto", choices=["auto", "gpu", "smoke"])
    parser.add_argument("--max-steps", type=int, default=None, help="default: the profile's")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="per device (per rank); default: the profile's")
    parser.add_argument("--lr", type=float, default=None, help="default: the profile's")
    parser.add_argument("--lora-r", type=int, default=32, help="LoRA rank (the seed's 32)")
    parser.add_argument("--output-dir", default="runs/qlora")
    parser.add_argument("--no-quantize", action="store_true",
                        help="full-precision base + plain LoRA instead of 4-bit QLoRA, for "
                             "machines where bitsandbytes cannot load 4-bit layers (no CPU "
                             "backend for this platform or version); the script says when")
    parser.add_argument("--no-packing", action="store_true",
                        help="pad each batch to its longest row instead of packing whole examples "
                             "into padding-free rows (to compare the two)")
    parser.add_argument("--n-test", type=int, default=0,
                        help="rank 0 scores this many test dialogues, each against all its references (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Load, prepare, train, save the adapter, optionally score; one JSON of results per rank."""
    args = parse_args(argv)
    quiet_logs()
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    profile = resolve_profile(args.profile, verbose=rank == 0)
    seed_everything(args.seed)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    ds = load_dialogsum(profile.data_source)
    try:
        model, tokenizer = load_causal_lm(profile, quantize=None if args.no_quantize else "nf4")
    except (ImportError, RuntimeError, ValueError) as err:
        if args.no_quantize:
            raise
        raise SystemExit(f"rank {rank}: bitsandbytes could not load the base in 4 bits ({err}). "
                         "Re-run with --no-quantize to train plain LoRA on a full-precision "
                         "base (same adapters, more memory).") from err
    # prompts shortened (dialogue cut at its end) so packing never cuts a summary (notebook 04, 4.6)
    max_length = profile.setting("04", "max_length")
    train = to_prompt_completion(ds["train"], tokenizer, max_length)
    n_val = min(profile.setting("04", "n_val"), len(ds["validation"]))
    val = to_prompt_completion(ds["validation"].select(range(n_val)), tokenizer, max_length)
    lora_config = make_lora_config(r=args.lora_r)
    if args.no_quantize:  # plain LoRA: no k-bit preparation needed
        from peft import get_peft_model

        model.config.use_cache = False
        model = get_peft_model(model, lora_config)
    else:
        model = prepare_for_qlora(model, lora_config)
    overrides = {"max_steps": args.max_steps, "seed": args.seed, "data_seed": args.seed}
    if args.batch_size:
        overrides["per_device_train_batch_size"] = args.batch_size
    if args.lr:
        overrides["learning_rate"] = args.lr
    if args.no_packing:
        overrides["packing"] = False
    started = time.perf_counter()
    trainer = train_summarizer(profile, model, tokenizer, train, val, str(out / "trainer"),
                               **overrides)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    summary = next(h for h in reversed(trainer.state.log_history) if "train_loss" in h)
    adapters = [p.detach().float() for n, p in trainer.model.named_parameters() if "lora_" in n]
    result = {"rank": rank, "world_size": world, "quantized": not args.no_quantize,
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
            test = group_references(ds["test"])  # one row per dialogue, all its references
            test = test.select(range(min(args.n_test, len(test))))
            preds = generate_summaries(trainer.model, tokenizer, test["dialogue"],
                                       profile.setting("04", "max_new_tokens"),
                                       token_budget=profile.setting("04", "gen_token_budget"),
                                       max_prompt_tokens=profile.setting("04", "max_prompt_tokens"))
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
