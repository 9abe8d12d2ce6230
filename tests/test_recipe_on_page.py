"""Notebook 04 writes its recipe (BitsAndBytesConfig, LoraConfig, SFTConfig) in its own cells, and
notebook 05 and the script build the same objects with helpers. These tests compare
the two (no equality prints on the page); the SFTConfig cell runs on the profile a learner
gets on a T4 too, so the page and the helper cannot drift apart on the Colab path either."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import torch

from helpers.profiles import resolve_profile
from helpers.training import make_sft_config

NB04 = Path(__file__).resolve().parents[1] / "notebooks" / "04_qlora_phi2_dialogue_summarization.ipynb"


def _cell(marker: str) -> str:
    cells = [c.source for c in nbformat.read(NB04, as_version=4).cells
             if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"expected one cell of notebook 04 with {marker!r}, found {len(cells)}"
    return cells[0]


def _run_sft_config_cell(P, seed: int = 0) -> dict:
    S = P.settings("04")
    scope = {"P": P, "S": S, "torch": torch, "MAX_STEPS": S.max_steps, "BATCH_SIZE": S.per_device_train_batch_size,
             "GRAD_ACCUM": S.gradient_accumulation_steps, "SEED": seed, "print": lambda *a, **k: None}
    exec(_cell("args = SFTConfig("), scope)  # noqa: S102 - the notebook's own cell
    return scope


@pytest.mark.parametrize("gpu", [False, True], ids=["smoke-cpu", "t4"])
def test_notebook_04_sft_config_equals_the_helpers(gpu: bool, fake_cuda, monkeypatch) -> None:
    if gpu:
        fake_cuda((7, 5), "Tesla T4", 15.0)
    P = resolve_profile("gpu" if gpu else "smoke")  # on the fake T4: cuda, fp16
    monkeypatch.undo()  # the configs are built on this CPU machine, from the T4's profile
    assert P.device == ("cuda" if gpu else "cpu")
    scope = _run_sft_config_cell(P, seed=3)
    page, helper = scope["args"], make_sft_config(P, scope["run_dir"], **scope["TRAIN"])
    assert page.to_dict() == helper.to_dict()
    assert page.seed == 3  # the notebook's SEED parameter reaches the config
    if gpu:  # what a T4 learner trains with
        assert page.fp16 and not page.bf16 and page.activation_checkpointing and not page.use_cpu


def test_the_comparison_sees_a_changed_argument() -> None:
    P = resolve_profile("smoke")
    scope = _run_sft_config_cell(P)
    changed = make_sft_config(P, scope["run_dir"], **{**scope["TRAIN"], "learning_rate": 1e-5})
    assert scope["args"].to_dict() != changed.to_dict()


def test_notebook_04_lora_and_bnb_configs_equal_the_helpers() -> None:
    from transformers import BitsAndBytesConfig

    from helpers.models import LORA_TARGETS, make_bnb_config, make_lora_config

    lora_src = _cell("lora_config = LoraConfig(")
    lora_src = lora_src[lora_src.index("lora_config = LoraConfig("):lora_src.index("\n)\n") + 3]
    for targets in LORA_TARGETS.values():  # Phi-2 on gpu, SmolLM2 (Llama) on smoke
        scope = {"LORA_R": 32, "S": resolve_profile("smoke").settings("04"), "targets": targets}
        exec("from peft import LoraConfig\n" + lora_src, scope)  # noqa: S102
        assert scope["lora_config"] == make_lora_config(target_modules=targets, r=32)
    bnb_src = _cell("bnb_config = BitsAndBytesConfig(")
    bnb_src = bnb_src[bnb_src.index("bnb_config = BitsAndBytesConfig("):bnb_src.index("\n)\n") + 3]
    for dtype in (torch.float16, torch.bfloat16, torch.float32):
        scope = {"BitsAndBytesConfig": BitsAndBytesConfig, "P": type("P", (), {"compute_dtype": dtype})}
        exec(bnb_src, scope)  # noqa: S102
        assert scope["bnb_config"].to_dict() == make_bnb_config(dtype).to_dict()


def test_notebook_01_pretraining_loop_equals_the_helper() -> None:
    """Notebook 01 writes its pretraining loop; helpers.models.pretrain_causal_lm is its reusable copy.
    From the same weights and seed they must give the same losses, step for step."""
    import copy
    import math

    from helpers.models import evaluate_lm_loss, pretrain_causal_lm
    from tests.test_models import small_phi

    nb01 = NB04.parent / "01_pretraining_concepts.ipynb"
    src = [c.source for c in nbformat.read(nb01, as_version=4).cells if "def pretrain(" in c.source]
    assert len(src) == 1, "notebook 01 should write its loop in one cell as `def pretrain(`"
    body = src[0][src[0].index("def pretrain("):]
    scope = {"torch": torch, "math": math, "evaluate_lm_loss": evaluate_lm_loss}
    exec(body, scope)  # noqa: S102 - the notebook's own function
    torch.manual_seed(0)
    model = small_phi()
    blocks = torch.randint(0, 32, (12, 16), generator=torch.Generator().manual_seed(1))
    kw = {"steps": 6, "batch_size": 4, "lr": 1e-2, "seed": 0, "eval_every": 3, "warmup": 2}
    here = scope["pretrain"](copy.deepcopy(model), blocks[:8], blocks[8:], **kw)
    helper = pretrain_causal_lm(copy.deepcopy(model), blocks[:8], blocks[8:], **kw)
    assert here == helper and len(here["train_loss"]) == 6
