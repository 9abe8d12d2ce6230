"""Notebook 04 as a script: QLoRA fine-tuning of the profile's causal LM for dialogue summarization.

Runs unchanged on one device or under `torchrun --nproc_per_node N` / `accelerate launch` (DDP):
the Trainer inside SFTTrainer shards batches across ranks. Each rank writes rank<R>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch

from helpers.data import load_dialogsum, to_prompt_completion
from helpers.metrics import rouge_scores
from helpers.models import load_causal_lm, make_lora_config
from helpers.profiles import quiet_logs, resolve_profile, seed_everything
from helpers.training import dedupe_by_dialogue, generate_summaries, prepare_for_qlora, train_summarizer


def parse_args() -> argparse.Namespace:
    """Command-line options; defaults come from the profile (helpers/profiles.py)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="auto", choices=["auto", "gpu", "smoke"])
    parser.add_argument("--max-steps", type=int, default=None, help="default: the profile's")
    parser.add_argument("--lora-r", type=int, default=32)
    parser.add_argument("--output-dir", default="runs/qlora")
    parser.add_argument("--no-quantize", action="store_true",
                        help="load the base in full precision (plain LoRA); needed for multi-process CPU runs")
    parser.add_argument("--n-test", type=int, default=0, help="score this many test dialogues (rank 0)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def main() -> None:
    """Load, prepare, train, save the adapter, optionally score; one JSON of results per rank."""
    args = parse_args()
    quiet_logs()
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    profile = resolve_profile(args.profile, verbose=rank == 0)
    seed_everything(args.seed)
    out = Path(args.output_dir)
    out.mkdir(parents=True, exist_ok=True)

    ds = load_dialogsum(profile.data_source)
    train = to_prompt_completion(ds["train"])
    val = to_prompt_completion(ds["validation"].select(range(min(64, len(ds["validation"])))))
    model, tokenizer = load_causal_lm(profile, quantize=None if args.no_quantize else "nf4")
    if args.no_quantize:
        from peft import get_peft_model

        model = get_peft_model(model, make_lora_config(r=args.lora_r))
    else:
        model = prepare_for_qlora(model, make_lora_config(r=args.lora_r),
                                  gradient_checkpointing=profile.device == "cuda")
    started = time.perf_counter()
    overrides = {"max_steps": args.max_steps} if args.max_steps else {}
    trainer = train_summarizer(profile, model, tokenizer, train, val, str(out / "trainer"), **overrides)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    result = {"rank": rank, "world_size": world, "steps": trainer.state.global_step,
              "train_loss_first": losses[0] if losses else None,
              "train_loss_last": losses[-1] if losses else None,
              "seconds": round(time.perf_counter() - started, 1)}
    if rank == 0:
        trainer.model.save_pretrained(out / "adapter")
        tokenizer.save_pretrained(out / "adapter")
        if args.n_test:
            test, _ = dedupe_by_dialogue(ds["test"])
            test = test.select(range(min(args.n_test, len(test))))
            preds = generate_summaries(trainer.model, tokenizer, test["dialogue"], 60)
            result["rougeL"] = rouge_scores(preds, test["summary"])["rougeL"]
    (out / f"rank{rank}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.barrier()


if __name__ == "__main__":
    main()
