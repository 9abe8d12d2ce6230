"""Unit tests of helpers.training on a tiny random Phi and a tokenizer trained on a few sentences."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
import torch
from datasets import Dataset

from helpers.compat import checkpointing_args, is_checkpointing
from helpers.models import PHI_LORA_TARGETS, make_lora_config, phi_config, train_tokenizer
from helpers.profiles import Profile
from helpers.training import (
    PeakMemory,
    generate_summaries,
    loss_history,
    make_sft_config,
    make_sft_trainer,
    memory_now_mb,
    packing_stats,
    prepare_for_qlora,
    saved_adapter_dtype,
    train_summarizer,
)

CHECKPOINTING, CHECKPOINTING_KWARGS = checkpointing_args(True)  # the names this transformers reads
SMOKE = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32)
T4 = Profile(name="gpu", reason="test", device="cuda", compute_dtype=torch.float16)
SENTENCES = [
    "#Person1#: Hello, how are you?\n#Person2#: Fine, thanks. And you?",
    "#Person1#: Where is the station?\n#Person2#: Two blocks north, next to the bank.",
    "Summarize the following conversation:", "Summary:",
    "#Person1# asks #Person2# the way to the station.",
    "#Person1# and #Person2# greet each other.",
]
TINY = {"vocab_size": 300, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 2, "partial_rotary_factor": 0.5, "max_position_embeddings": 128}


def phi_lora(**kwargs):
    """The course's LoRA config on Phi's attention projections (the tiny test models are Phi)."""
    return make_lora_config(target_modules=PHI_LORA_TARGETS, **kwargs)


@pytest.fixture(scope="module")
def tokenizer():
    tok = train_tokenizer(SENTENCES * 5, vocab_size=TINY["vocab_size"])
    tok.pad_token = tok.eos_token
    return tok


def new_tiny_phi(tokenizer):
    """A random tiny PhiForCausalLM, the same weights on every call (seed 0)."""
    from transformers import PhiForCausalLM

    torch.manual_seed(0)
    config = phi_config(TINY, vocab_size=len(tokenizer), bos_token_id=tokenizer.eos_token_id,
                        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    return PhiForCausalLM(config)


@pytest.fixture
def tiny_model(tokenizer):
    return new_tiny_phi(tokenizer)


def pc_rows(n: int = 16) -> Dataset:
    """Prompt/completion rows like helpers.formatting.to_prompt_completion makes."""
    pairs = [(SENTENCES[0], " #Person1# and #Person2# greet each other."),
             (SENTENCES[1], " #Person1# asks #Person2# the way to the station.")]
    rows = [pairs[i % 2] for i in range(n)]
    return Dataset.from_dict({"prompt": [f"Summarize the following conversation:\n{d}\nSummary:"
                                         for d, _ in rows],
                              "completion": [c for _, c in rows]})


def test_sft_config_takes_the_profile_settings_and_overrides(tmp_path) -> None:
    config = make_sft_config(SMOKE, str(tmp_path))
    assert config.max_steps == SMOKE.settings("04").max_steps
    assert config.learning_rate == SMOKE.settings("04").learning_rate
    assert config.eval_strategy == "steps" and config.completion_only_loss is True
    assert not config.fp16 and not config.bf16 and not getattr(config, CHECKPOINTING)
    assert config.report_to == [] and config.disable_tqdm
    short = make_sft_config(SMOKE, str(tmp_path), max_steps=3, learning_rate=1e-3)
    assert short.max_steps == 3 and short.learning_rate == 1e-3
    assert make_sft_config(SMOKE, str(tmp_path), max_steps=None).max_steps == config.max_steps


def test_sft_config_packs_whole_examples_on_both_profiles(tmp_path) -> None:
    for profile in (SMOKE, T4):
        config = make_sft_config(profile, str(tmp_path))
        assert config.packing and config.packing_strategy == "bfd"  # bfd: whole examples, padding-free
    assert not make_sft_config(SMOKE, str(tmp_path), packing=False).packing


def test_training_batches_are_packed_without_cross_talk(tiny_model, tokenizer, tmp_path) -> None:
    """A training batch is one padding-free row; its loss equals that of its examples run one by one."""
    model = prepare_for_qlora(tiny_model, phi_lora(r=4))  # use_cache=False, as in training
    rows = pc_rows(12)
    trainer = make_sft_trainer(SMOKE, model, tokenizer, rows, pc_rows(4), str(tmp_path), max_steps=1,
                               max_length=256, per_device_train_batch_size=2)  # 3 per row
    stats = packing_stats(trainer, len(rows))
    assert stats["examples_missing"] == 0 and stats["rows"] < len(rows)
    assert stats["examples_per_row"] > 1.5 and 0.5 < stats["row_fill"] <= 1.0
    batch = next(iter(trainer.get_train_dataloader()))
    assert "attention_mask" not in batch and batch["input_ids"].shape[0] == 1  # flattened, no padding
    pos, ids, labels = batch["position_ids"][0], batch["input_ids"][0], batch["labels"][0]
    starts = (pos == 0).nonzero().flatten().tolist() + [len(pos)]
    assert len(starts) - 1 >= 3  # several examples share the row
    model.eval()
    with torch.no_grad():
        packed_loss = model(**batch).loss
        total, count = 0.0, 0
        for a, b in itertools.pairwise(starts):  # each example alone, no neighbours
            logits = model(input_ids=ids[a:b][None]).logits[0]
            target = labels[a:b][1:]
            total += torch.nn.functional.cross_entropy(logits[:-1], target, ignore_index=-100,
                                                       reduction="sum").item()
            count += int((target != -100).sum())
    assert packed_loss.item() == pytest.approx(total / count, abs=1e-5)
    # the check can fail: the same row without position_ids lets examples attend to each other
    with torch.no_grad():
        leaky = model(input_ids=batch["input_ids"], labels=batch["labels"]).loss
    assert abs(leaky.item() - total / count) > 1e-4


def test_micro_batches_with_accumulation_make_the_update_of_one_batch(tokenizer, tmp_path) -> None:
    """The smoke profile used to train 8 rows per update as 2 x 4 accumulation steps (it now trains 2 x 1):
    that is the same update only if the loss is divided by the summary tokens of the whole update, not
    averaged per micro-batch. Plain SGD, no dropout, no clipping: the LoRA B weights after one update are
    -lr x the gradient, so the two runs must agree."""
    rows = pc_rows(16)
    lora_b = {}
    for batch_size, accumulation in ((4, 1), (2, 2), (1, 4)):  # (2, 2): flattened rows under accumulation
        model = prepare_for_qlora(new_tiny_phi(tokenizer), phi_lora(r=4, dropout=0.0))
        trainer = make_sft_trainer(SMOKE, model, tokenizer, rows, pc_rows(4), str(tmp_path / f"{batch_size}"),
                                   max_steps=1, max_length=64, per_device_train_batch_size=batch_size,
                                   gradient_accumulation_steps=accumulation, optim="sgd", learning_rate=1.0,
                                   warmup_steps=0, lr_scheduler_type="constant", max_grad_norm=0.0,
                                   eval_strategy="no", save_strategy="no")
        if accumulation == 4:  # the micro-batches carry different numbers of summary tokens, so how the
            loader = trainer.get_train_dataloader()  # loss is averaged matters
            counts = [int((b["labels"] != -100).sum()) for b in itertools.islice(loader, accumulation)]
            assert len(set(counts)) > 1, counts
        trainer.train()
        lora_b[batch_size] = torch.cat([p.detach().flatten() for n, p in model.named_parameters() if "lora_B" in n])
    assert lora_b[4].abs().max() > 0  # the update happened
    torch.testing.assert_close(lora_b[2], lora_b[4], rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(lora_b[1], lora_b[4], rtol=1e-4, atol=1e-6)


def test_sft_config_on_a_t4_uses_fp16_and_checkpointing(tmp_path) -> None:
    config = make_sft_config(T4, str(tmp_path))
    assert config.fp16 and not config.bf16  # a T4 has no bf16
    assert getattr(config, CHECKPOINTING) is True
    assert getattr(config, CHECKPOINTING_KWARGS) == {"use_reentrant": False}


def test_sft_config_rejects_unknown_arguments(tmp_path) -> None:
    with pytest.raises(TypeError):
        make_sft_config(SMOKE, str(tmp_path), evaluation_strategy="steps")  # the seed's old name


def test_prepare_for_qlora_adds_adapters_and_turns_off_cache(tiny_model) -> None:
    model = prepare_for_qlora(tiny_model, phi_lora(r=4))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == TINY["num_hidden_layers"] * 4 * 4 * (32 + 32)  # layers x modules x r x (in+out)
    assert model.config.use_cache is False
    assert not is_checkpointing(model)  # off on CPU by default


def test_prepare_for_qlora_names_missing_modules(tiny_model) -> None:
    with pytest.raises(ValueError, match="Wqkv"):  # Phi-2's old remote-code names match nothing
        prepare_for_qlora(tiny_model, make_lora_config(target_modules=["Wqkv", "out_proj"]))


def test_generate_summaries_returns_one_string_per_dialogue(tiny_model, tokenizer) -> None:
    dialogues = [SENTENCES[0], SENTENCES[1], SENTENCES[0] + "\n" + SENTENCES[1]]
    out = generate_summaries(tiny_model, tokenizer, dialogues, max_new_tokens=5, batch_size=2)
    assert len(out) == 3 and all(isinstance(s, str) for s in out)
    assert tokenizer.padding_side == "right"  # restored after left-padded generation
    alone = generate_summaries(tiny_model, tokenizer, dialogues[:1], max_new_tokens=5)
    assert alone[0] == out[0]  # left padding: batching does not change a greedy summary
    assert generate_summaries(tiny_model, tokenizer, [], max_new_tokens=5) == []


def test_generate_summaries_bad_input(tiny_model, tokenizer) -> None:
    with pytest.raises(TypeError, match="list"):
        generate_summaries(tiny_model, tokenizer, "one dialogue", max_new_tokens=5)
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate_summaries(tiny_model, tokenizer, ["x"], max_new_tokens=0)


def test_train_summarizer_trains_and_logs(tiny_model, tokenizer, tmp_path) -> None:
    model = prepare_for_qlora(tiny_model, phi_lora(r=4))
    trainer = train_summarizer(SMOKE, model, tokenizer, pc_rows(16), pc_rows(4), str(tmp_path),
                               max_steps=4, eval_steps=2, logging_steps=1, save_steps=4,
                               per_device_train_batch_size=4, learning_rate=1e-2)
    assert trainer.state.global_step == 4
    curves = loss_history(trainer)
    assert curves["train"][0] == [1, 2, 3, 4] and len(curves["validation"][1]) == 2
    assert all(v > 0 for v in curves["train"][1])


def test_train_summarizer_wants_prompt_completion_columns(tiny_model, tokenizer, tmp_path) -> None:
    raw = Dataset.from_dict({"dialogue": ["a"], "summary": ["b"]})
    with pytest.raises(ValueError, match="to_prompt_completion"):
        train_summarizer(SMOKE, tiny_model, tokenizer, raw, raw, str(tmp_path))


def test_loss_history_splits_train_and_eval() -> None:
    log = [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.5}, {"step": 2, "eval_loss": 1.7},
           {"step": 2, "train_runtime": 3.0}]
    curves = loss_history(SimpleNamespace(state=SimpleNamespace(log_history=log)))
    assert curves == {"train": ([1, 2], [2.0, 1.5]), "validation": ([2], [1.7])}
    empty = loss_history(SimpleNamespace(state=SimpleNamespace(log_history=[])))
    assert empty == {"train": ([], []), "validation": ([], [])}


def test_saved_adapter_dtype_reads_the_file(tiny_model, tmp_path) -> None:
    from peft import get_peft_model

    model = get_peft_model(tiny_model, phi_lora(r=2))
    for name, param in model.named_parameters():
        if "lora_" in name:
            param.data = param.data.to(torch.bfloat16)  # what TRL does to QLoRA adapters
    model.save_pretrained(tmp_path)
    assert saved_adapter_dtype(tmp_path) == torch.bfloat16
    with pytest.raises(FileNotFoundError, match="save_pretrained"):
        saved_adapter_dtype(tmp_path / "missing")


def test_peak_memory_sees_an_allocation() -> None:
    with PeakMemory("cpu", interval=0.005) as mem:
        block = torch.ones(64 * 2**20 // 4)  # 64 MB
        block += 1
        del block
    assert mem.peak_mb >= mem.start_mb and mem.delta_mb > 30


@pytest.mark.parametrize("env, bars", [({"COURSE_PROGRESS": "1"}, True), ({"COURSE_PROGRESS": "0"}, False),
                                       ({"COURSE_PROGRESS": "1", "CI": "true"}, False)])
def test_progress_bars_for_learners_not_for_papermill_or_ci(monkeypatch, tmp_path, env, bars) -> None:
    """A learner's interactive run shows the trainer's bar; papermill runs (COURSE_PROGRESS=0) and CI do not."""
    monkeypatch.delenv("CI", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert make_sft_config(SMOKE, str(tmp_path)).disable_tqdm is (not bars)


def test_memory_now_is_the_process_rss_on_cpu() -> None:
    import psutil

    rss = psutil.Process().memory_info().rss / 2**20
    assert memory_now_mb("cpu") == pytest.approx(rss, abs=16)


def test_a_run_resumed_from_its_checkpoint_ends_with_the_uninterrupted_weights(tokenizer, tmp_path) -> None:
    """A dropped Colab session loses the process, not the checkpoints: a run resumed from its step-2 checkpoint
    (adapter, AdamW states, scheduler, data order) must end where the uninterrupted 4-step run ends."""
    import shutil

    from helpers.checkpoints import resume_point

    settings = {"max_steps": 4, "max_length": 64, "per_device_train_batch_size": 2, "learning_rate": 1e-2,
                "warmup_steps": 1, "eval_strategy": "no", "save_strategy": "steps", "save_steps": 2,
                "save_total_limit": 2}

    def trainer_in(out):
        model = prepare_for_qlora(new_tiny_phi(tokenizer), phi_lora(r=4, dropout=0.0))
        return make_sft_trainer(SMOKE, model, tokenizer, pc_rows(16), pc_rows(4), str(out), **settings)

    def lora_weights(trainer) -> torch.Tensor:
        return torch.cat([p.detach().flatten() for n, p in trainer.model.named_parameters() if "lora_" in n])

    straight = trainer_in(tmp_path / "straight")
    straight.train()
    interrupted = trainer_in(tmp_path / "dropped")
    interrupted.train()
    shutil.rmtree(tmp_path / "dropped" / "checkpoint-4")  # the session died after the step-2 checkpoint
    resumed = trainer_in(tmp_path / "dropped")  # a fresh runtime: new model, same folder
    checkpoint, step = resume_point(tmp_path / "dropped", {"run": "same"})  # notebook 04's path (4.6)
    assert step == 2 and checkpoint.endswith("checkpoint-2")
    resumed.train(resume_from_checkpoint=checkpoint)
    assert resumed.state.global_step == 4
    assert not torch.equal(lora_weights(resumed), lora_weights(trainer_in(tmp_path / "fresh")))  # it trained
    torch.testing.assert_close(lora_weights(resumed), lora_weights(straight), rtol=1e-5, atol=1e-7)
    # the script's flag: `resume_from_checkpoint` in the config reaches trainer.train() (the Trainer alone ignores it)
    other_start = prepare_for_qlora(new_tiny_phi(tokenizer), phi_lora(r=4, dropout=0.0))
    with torch.no_grad():  # a from-scratch run from these weights could not end at `straight`'s
        for name, param in other_start.named_parameters():
            if "lora_" in name:
                param.add_(0.5)
    scripted = train_summarizer(SMOKE, other_start, tokenizer, pc_rows(16), pc_rows(4), str(tmp_path / "scripted"),
                                **settings, resume_from_checkpoint=checkpoint)
    assert scripted.state.global_step == 4
    torch.testing.assert_close(lora_weights(scripted), lora_weights(straight), rtol=1e-5, atol=1e-7)


def test_checkpoint_folder_is_temporary_a_given_folder_or_a_clear_error(tmp_path, monkeypatch) -> None:
    from helpers.checkpoints import checkpoint_folder

    temp = checkpoint_folder(None, "04_qlora")
    assert temp.is_dir() and not list(temp.iterdir()) and temp.name.startswith("04_qlora-")
    assert checkpoint_folder(None, "04_qlora") != temp  # a new one per run
    chosen = tmp_path / "runs"
    assert checkpoint_folder(str(chosen), "04_qlora") == chosen / "04_qlora"  # created, with its parents
    assert checkpoint_folder(chosen, "05_iteration") == chosen / "05_iteration"  # one setting, separate runs
    assert (chosen / "04_qlora").is_dir()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        checkpoint_folder(tmp_path / "a-file", "04_qlora")
    with pytest.raises(ValueError, match="not mounted"):  # it would land on the runtime's disk and vanish
        checkpoint_folder("/content/drive/MyDrive/runs", "04_qlora")
    monkeypatch.setitem(__import__("sys").modules, "google.colab", None)  # outside Colab: the import fails
    with pytest.raises(ValueError, match="only works on Google Colab: give a folder path"):
        checkpoint_folder("drive", "04_qlora")


def test_last_checkpoint_is_the_newest_complete_one(tmp_path, capsys) -> None:
    from helpers.checkpoints import last_checkpoint

    assert last_checkpoint(tmp_path) is None  # nothing to resume: train from the start
    complete = ["adapter_model.safetensors", "optimizer.pt", "scheduler.pt", "trainer_state.json"]
    # step 15: the session died while saving; step 20: a Drive copy that got its state file but not AdamW's
    for step, files in ((5, complete), (10, complete), (15, complete[:1]), (20, [f for f in complete
                                                                                 if f != "optimizer.pt"])):
        folder = tmp_path / f"checkpoint-{step}"
        folder.mkdir()
        for name in files:
            (folder / name).write_text("x")
    (tmp_path / "checkpoint-notes").mkdir()  # not a step: ignored
    assert last_checkpoint(tmp_path) == str(tmp_path / "checkpoint-10")  # numeric order, not text order
    said = capsys.readouterr().out
    assert "checkpoint-20 is incomplete (no optimizer.pt" in said
    assert "checkpoint-15 is incomplete (no optimizer.pt, scheduler.pt, trainer_state.json" in said


def test_a_trainer_checkpoint_counts_as_complete(tokenizer, tmp_path) -> None:
    """last_checkpoint's list of files is what the Trainer really writes for a LoRA run."""
    from helpers.checkpoints import last_checkpoint

    model = prepare_for_qlora(new_tiny_phi(tokenizer), phi_lora(r=4, dropout=0.0))
    trainer = make_sft_trainer(SMOKE, model, tokenizer, pc_rows(8), pc_rows(4), str(tmp_path), max_steps=2,
                               max_length=64, per_device_train_batch_size=2, eval_strategy="no",
                               save_strategy="steps", save_steps=2, warmup_steps=0)
    trainer.train()
    assert last_checkpoint(tmp_path) == str(tmp_path / "checkpoint-2")


def test_resume_point_refuses_a_folder_trained_with_other_settings(tmp_path) -> None:
    import json

    from helpers.checkpoints import resume_point

    settings = {"model": "smollm2", "lora_r": 32, "targets": {"v_proj", "q_proj"}, "max_steps": 72}
    assert resume_point(tmp_path, settings) == (None, 0)  # a new run: its settings are written
    assert json.loads((tmp_path / "run_settings.json").read_text())["targets"] == ["q_proj", "v_proj"]
    step = tmp_path / "checkpoint-36"
    step.mkdir()
    for name in ("adapter_model.safetensors", "optimizer.pt", "scheduler.pt"):
        (step / name).write_text("x")
    (step / "trainer_state.json").write_text(json.dumps({"global_step": 36}))
    assert resume_point(tmp_path, {**settings, "targets": ["q_proj", "v_proj"]}) == (str(step), 36)  # same run
    with pytest.raises(ValueError, match=r"lora_r: 32 then, 8 now.*new folder, or delete this one"):
        resume_point(tmp_path, {**settings, "lora_r": 8})
    with pytest.raises(ValueError, match="seed: None then, 1 now"):  # a setting added later counts too
        resume_point(tmp_path, {**settings, "seed": 1})


def test_saved_outputs_are_read_back_only_for_the_same_key(tmp_path) -> None:
    """Notebook 04's zero-shot pass is not repeated after a dropped session, and never reused for other settings."""
    from helpers.checkpoints import saved_outputs

    calls = []

    def compute():
        calls.append(1)
        return [["a summary"], [True]]

    key = {"model": "m", "ids": ("t1",), "max_new_tokens": 48}
    assert saved_outputs(tmp_path, "zero_shot", key, compute) == ([["a summary"], [True]], False)
    assert saved_outputs(tmp_path, "zero_shot", key, compute) == ([["a summary"], [True]], True)
    assert len(calls) == 1  # read back, not generated again
    assert saved_outputs(tmp_path, "zero_shot", {**key, "max_new_tokens": 100}, compute)[1] is False
    assert len(calls) == 2
    (tmp_path / "zero_shot.json").write_text('{"key": ')  # a copy cut off mid-write
    assert saved_outputs(tmp_path, "zero_shot", key, compute)[1] is False
    assert saved_outputs(None, "zero_shot", key, compute)[1] is False  # no folder: nothing saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zero_shot.json"]


def test_final_outputs_are_kept_whole_for_a_notebook_in_another_runtime(tmp_path) -> None:
    """Notebook 04 keeps its adapter, predictions and results beside its checkpoints; notebook 05 finds them there."""
    from helpers.checkpoints import final_outputs, keep_final_outputs

    run = tmp_path / "run"
    (run / "adapter").mkdir(parents=True)
    (run / "adapter" / "adapter_config.json").write_text("{}")
    (run / "preds.json").write_text("[1]")
    shared = tmp_path / "drive"
    assert final_outputs(shared, "04_qlora") is None  # nothing finished there yet
    assert not shared.exists()  # and the lookup created nothing
    kept = keep_final_outputs(shared / "04_qlora",
                              {"04_adapter": run / "adapter", "predictions.json": run / "preds.json"})
    assert final_outputs(shared, "04_qlora") == kept
    assert (kept / "04_adapter" / "adapter_config.json").read_text() == "{}"
    assert (kept / "predictions.json").read_text() == "[1]"
    (run / "preds.json").write_text("[2]")  # a later run replaces the copy
    keep_final_outputs(shared / "04_qlora", {"predictions.json": run / "preds.json"})
    assert (kept / "predictions.json").read_text() == "[2]" and not (kept / "04_adapter").exists()
    with pytest.raises(FileNotFoundError, match="missing.json does not exist"):
        keep_final_outputs(shared / "04_qlora", {"x": run / "missing.json"})
    assert (kept / "predictions.json").exists()  # a failed copy leaves the last complete one
