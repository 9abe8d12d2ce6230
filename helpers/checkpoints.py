"""Checkpoints that outlive a session: where they go, which one to resume from, and whether it is the same run.

Taught in notebook 04 (4.6). Kept apart from helpers.training so that the setup cell can pick the folder (and
mount Google Drive) without importing the training stack.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

DRIVE_ROOT = Path("/content/drive")  # where Colab mounts Google Drive
DRIVE_FOLDER = DRIVE_ROOT / "MyDrive" / "llm-finetuning-course"
# What a checkpoint needs to resume exactly: weights (adapter or model), AdamW, the schedule, and the Trainer's
# state, which it writes last. A copy on Google Drive may upload them in any order, so every one is checked.
CHECKPOINT_FILES = ("optimizer.pt", "scheduler.pt", "trainer_state.json")
CHECKPOINT_WEIGHTS = ("adapter_model.safetensors", "model.safetensors")


def checkpoint_folder(setting: str | Path | None, name: str) -> Path:
    """The folder a training run writes its checkpoints to (notebook 04, 4.6), created if missing.

    None: a new temporary folder (lost with the session). "drive": Google Drive on Colab, mounted here,
    folder MyDrive/llm-finetuning-course/<name>. Any other value: <that folder>/<name>, so two notebooks given
    the same setting never share checkpoints. A path under /content/drive needs Drive mounted first (or
    "drive"): otherwise it would be created on the runtime's own disk and lost with it.
    """
    if setting is None:
        return Path(tempfile.mkdtemp(prefix=f"{name}-"))
    if str(setting) == "drive":
        try:
            from google.colab import drive  # only on Colab
        except ImportError:
            raise ValueError("CHECKPOINT_DIR='drive' mounts Google Drive, which only works on Google Colab: "
                             "give a folder path instead (or None for a temporary folder)") from None
        if not (DRIVE_ROOT / "MyDrive").is_dir():
            drive.mount(str(DRIVE_ROOT))  # asks the learner to allow access
        folder = DRIVE_FOLDER / name
    else:
        base = Path(setting).expanduser()
        if base.is_relative_to(DRIVE_ROOT) and not (DRIVE_ROOT / "MyDrive").is_dir():
            raise ValueError(f"CHECKPOINT_DIR={str(setting)!r} is on Google Drive, which is not mounted: use "
                             "CHECKPOINT_DIR='drive' (it mounts Drive), or mount it first")
        if base.exists() and not base.is_dir():
            raise ValueError(f"CHECKPOINT_DIR={str(setting)!r} is a file: give a folder (it is created if missing)")
        folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def last_checkpoint(folder: str | Path) -> str | None:
    """The newest complete `checkpoint-<step>` in `folder` to resume from, or None.

    Complete: it holds CHECKPOINT_FILES and one of CHECKPOINT_WEIGHTS. The Trainer would resume from an
    incomplete one without a word (a missing optimizer or scheduler file is skipped, and training goes on with
    fresh AdamW moments and a restarted schedule), so such a checkpoint is passed over, with a line saying why.
    """
    steps = {}
    for path in Path(folder).glob("checkpoint-*"):
        if path.is_dir() and path.name.removeprefix("checkpoint-").isdigit():
            steps[int(path.name.removeprefix("checkpoint-"))] = path
    for step in sorted(steps, reverse=True):
        missing = [f for f in CHECKPOINT_FILES if not (steps[step] / f).exists()]
        if not any((steps[step] / f).exists() for f in CHECKPOINT_WEIGHTS):
            missing.append(" or ".join(CHECKPOINT_WEIGHTS))
        if not missing:
            return str(steps[step])
        print(f"{steps[step].name} is incomplete (no {', '.join(missing)}; saving was interrupted): "
              "not resumed from")
    return None


RUN_SETTINGS_FILE = "run_settings.json"  # in a checkpoint folder: the settings its checkpoints were trained with


def sft_run_settings(args: Any, lora_config: Any, model_id: str) -> dict[str, Any]:
    """What one training run must keep across sessions to resume (for resume_point): model, LoRA, data, schedule."""
    fields = ("max_steps", "per_device_train_batch_size", "gradient_accumulation_steps", "learning_rate",
              "warmup_steps", "lr_scheduler_type", "max_length", "packing", "completion_only_loss", "seed", "data_seed")
    return {"model": model_id, "lora_r": lora_config.r, "lora_alpha": lora_config.lora_alpha,
            "lora_targets": sorted(lora_config.target_modules), **{f: getattr(args, f) for f in fields}}


def resume_point(folder: str | Path, settings: dict[str, Any]) -> tuple[str | None, int]:
    """Where a run in `folder` starts: (the newest complete checkpoint or None, the step it reached).

    `settings` are what must not change between the sessions of one run (model, LoRA, data, schedule). The
    first call writes them to folder/RUN_SETTINGS_FILE; a later call with different settings raises a
    ValueError naming them, since resuming would mix two runs (or fail on mismatched adapter shapes).
    """
    saved_file = Path(folder) / RUN_SETTINGS_FILE
    settings = json.loads(json.dumps(settings, default=sorted))  # as stored: lists, not tuples or sets
    if saved_file.exists():
        saved = json.loads(saved_file.read_text())
        changed = sorted(k for k in saved.keys() | settings.keys() if saved.get(k) != settings.get(k))
        if changed:
            details = "; ".join(f"{k}: {saved.get(k)!r} then, {settings.get(k)!r} now" for k in changed)
            raise ValueError(f"{folder} holds a run with other settings ({details}): set CHECKPOINT_DIR to a new "
                             "folder, or delete this one to start over")
    else:
        saved_file.write_text(json.dumps(settings, indent=1))
    checkpoint = last_checkpoint(folder)
    if checkpoint is None:
        return None, 0
    return checkpoint, json.loads((Path(checkpoint) / "trainer_state.json").read_text())["global_step"]


def saved_outputs(folder: str | Path | None, name: str, key: dict[str, Any], compute: Any) -> tuple[Any, bool]:
    """`compute()`'s result, saved as folder/<name>.json beside the checkpoints and reused by a later session.

    For a pass that costs minutes and does not change with training (notebook 04's zero-shot summaries): after a
    dropped session, "Run all" reads it back instead of generating again. `key` holds everything the result depends
    on (model, test rows, decoding settings); a saved file with another key is computed again and overwritten.
    folder None: computed, nothing saved. Returns (result, whether it was read back). The result must be JSON.
    """
    key = json.loads(json.dumps(key))  # as stored: lists, not tuples
    path = Path(folder) / f"{name}.json" if folder is not None else None
    if path is not None and path.exists():
        try:
            saved = json.loads(path.read_text())
        except json.JSONDecodeError:  # a copy interrupted mid-write: compute again
            saved = {}
        if saved.get("key") == key:
            return saved["result"], True
    result = compute()
    if path is not None:
        tmp = path.with_suffix(".json.partial")
        tmp.write_text(json.dumps({"key": key, "result": result}))
        tmp.replace(path)  # never a half-written file under the real name
    return result, False


FINAL_OUTPUTS = "final"  # in a checkpoint folder: the finished run's outputs, for a notebook run in another runtime


def keep_final_outputs(folder: str | Path, sources: dict[str, str | Path]) -> Path:
    """Copy a finished run's outputs (files or folders, under the given names) into folder/final.

    Notebook 04 does this when CHECKPOINT_DIR is set, so notebook 05, opened later in a fresh Colab runtime, can
    read the adapter and predictions from Drive (its FROM_04_DIR) instead of retraining. An older copy is replaced
    only once the new one is complete.
    """
    import shutil

    folder = Path(folder)
    partial, final = folder / f"{FINAL_OUTPUTS}.partial", folder / FINAL_OUTPUTS
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for name, source in sources.items():
        source = Path(source)
        if not source.exists():
            raise FileNotFoundError(f"{source.name} does not exist: save the run's outputs before keeping them")
        if source.is_dir():
            shutil.copytree(source, partial / name)
        else:
            shutil.copy2(source, partial / name)
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return final


def final_outputs(setting: str | Path, name: str) -> Path | None:
    """The folder keep_final_outputs filled in the checkpoint folder of `setting` and `name`, or None if none did.

    A lookup: it creates no folder ("drive" still mounts Google Drive on Colab, as checkpoint_folder does).
    """
    folder = checkpoint_folder(setting, name) if str(setting) == "drive" else Path(setting).expanduser() / name
    final = folder / FINAL_OUTPUTS
    return final if final.is_dir() else None
