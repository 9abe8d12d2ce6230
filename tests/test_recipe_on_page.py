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


def _run_sft_config_cell(P, seed: int = 0, checkpoint_dir: str | None = None) -> dict:
    S = P.settings("04")
    scope = {"P": P, "S": S, "torch": torch, "MAX_STEPS": S.max_steps, "BATCH_SIZE": S.per_device_train_batch_size,
             "GRAD_ACCUM": S.gradient_accumulation_steps, "SEED": seed, "CHECKPOINT_DIR": checkpoint_dir,
             "print": lambda *a, **k: None}
    setup = _cell("run_dir = checkpoint_folder(")  # the setup cell picks the checkpoint folder (4.6)
    line = next(x for x in setup.splitlines() if x.startswith("run_dir = checkpoint_folder("))
    exec("from helpers.checkpoints import checkpoint_folder\n" + line, scope)  # noqa: S102
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


def test_notebook_04_checkpoints_go_to_the_chosen_folder(tmp_path) -> None:
    """CHECKPOINT_DIR (a folder that outlives a Colab session) is where the page's trainer saves, so that
    4.6's training cell finds a checkpoint there to resume from."""
    chosen = tmp_path / "runs"
    scope = _run_sft_config_cell(resolve_profile("smoke"), checkpoint_dir=str(chosen))
    assert Path(scope["args"].output_dir) == chosen / "04_qlora" and (chosen / "04_qlora").is_dir()
    assert scope["args"].save_strategy == "steps" and scope["args"].save_steps < scope["args"].max_steps
    assert _run_sft_config_cell(resolve_profile("smoke"))["args"].save_strategy == "no"  # None: nothing to resume
    from helpers.profiles import SETTINGS

    gpu_04 = SETTINGS["04"]["gpu"]
    assert gpu_04.save_steps < gpu_04.max_steps  # on a T4 too: checkpoints during training, not only at the end


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


NB03 = NB04.parent / "03_sentiment_classification_heads.ipynb"


def _nb03_source(start: str, end: str) -> str:
    """The notebook-03 code from `start` up to (not including) `end`, from the one cell holding `start`."""
    cells = [c.source for c in nbformat.read(NB03, as_version=4).cells if c.cell_type == "code" and start in c.source]
    assert len(cells) == 1, f"expected one cell of notebook 03 with {start!r}, found {len(cells)}"
    body = cells[0][cells[0].index(start):]
    return body[:body.index(end)] if end in body else body


@pytest.mark.parametrize("gpu", [False, True], ids=["smoke-cpu", "t4"])
def test_notebook_03_training_args_equal_the_helper(gpu: bool, fake_cuda, monkeypatch) -> None:
    """Notebook 03 writes its TrainingArguments (3.4); helpers.classification.make_training_args is the copy that
    notebook 05 and the tests use. Equal on the CPU smoke profile and on a T4's (fp16, no bf16)."""
    from transformers import TrainingArguments

    from helpers.classification import make_training_args
    from helpers.profiles import show_progress

    if gpu:
        fake_cuda((7, 5), "Tesla T4", 15.0)
    P = resolve_profile("gpu" if gpu else "smoke")
    monkeypatch.undo()
    S = P.settings("03")
    scope = {"TrainingArguments": TrainingArguments, "show_progress": show_progress, "torch": torch, "P": P, "S": S,
             "EPOCHS": S.num_train_epochs, "SEED": 3}
    exec(_nb03_source("fp16 = ", "\n\n\n# "), scope)  # noqa: S102 - the notebook's own function
    out = "/tmp/clf-args-test"
    for lr, epochs in ((S.full_learning_rates[0], S.num_train_epochs), (S.lora_learning_rates[-1], 1)):
        page = scope["training_args"](out, lr, epochs)
        helper = make_training_args(out, lr=lr, epochs=epochs, batch_size=S.per_device_train_batch_size,
                                    fp16=scope["fp16"], bf16=scope["bf16"], use_cpu=P.device == "cpu", seed=3,
                                    data_seed=3)
        assert page.to_dict() == helper.to_dict()
    assert scope["fp16"] == gpu and not scope["bf16"]  # a T4 computes in fp16


def test_notebook_03_strategies_equal_build_classifier() -> None:
    """Notebook 03's `build(strategy)` (3.5) and helpers.classification.build_classifier train the same tensors."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoConfig, AutoModelForSequenceClassification

    from helpers.classification import (
        BertMeanPoolingForSequenceClassification,
        MeanPoolingBertConfig,
        build_classifier,
        label_maps,
    )
    from helpers.data import SENTIMENT_LABELS
    from helpers.models import encoder_path

    P = resolve_profile("smoke")
    S = P.settings("03")
    id2label, label2id = label_maps(SENTIMENT_LABELS)
    enc = encoder_path(P)
    scope = {"LoraConfig": LoraConfig, "get_peft_model": get_peft_model, "AutoConfig": AutoConfig,
             "AutoModelForSequenceClassification": AutoModelForSequenceClassification, "torch": torch,
             "BertMeanPoolingForSequenceClassification": BertMeanPoolingForSequenceClassification,
             "MeanPoolingBertConfig": MeanPoolingBertConfig,
             "SENTIMENT_LABELS": SENTIMENT_LABELS, "id2label": id2label, "label2id": label2id, "enc_path": enc,
             "S": S}
    exec(_nb03_source("LABELS = {", "\n\n\ndef best_epoch"), scope)  # noqa: S102

    def trainable(model: torch.nn.Module) -> list[tuple[str, tuple[int, ...]]]:
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        return [("class", type(base).__name__)] + [(name, tuple(p.shape)) for name, p in model.named_parameters()
                                                   if p.requires_grad]

    counts = {}
    for strategy in ("frozen", "full", "lora", "random_init"):
        here = trainable(scope["build"](strategy))
        assert here == trainable(build_classifier(enc, strategy, SENTIMENT_LABELS, lora_r=S.lora_r)), strategy
        counts[strategy] = len(here)
    assert counts["frozen"] < counts["lora"] < counts["full"] == counts["random_init"]  # the strategies differ
