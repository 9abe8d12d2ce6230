"""Profiles resolve to the right device and defaults, and refuse what cannot work."""

import dataclasses

import pytest
import torch

from helpers import profiles
from helpers.profiles import Profile, resolve_profile, seed_everything


def test_auto_picks_smoke_without_cuda(monkeypatch, capsys) -> None:
    monkeypatch.delenv(profiles.SOURCE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    p = resolve_profile("auto")
    assert (p.name, p.device, p.compute_dtype, p.data_source) == ("smoke", "cpu", torch.float32, "local")
    assert "no CUDA" in capsys.readouterr().out


def test_a_t4_is_simulated_the_way_torch_reports_it(fake_cuda) -> None:
    fake_cuda((7, 5), "Tesla T4")
    assert torch.cuda.get_device_capability() == (7, 5)
    assert torch.cuda.is_bf16_supported() is True  # by emulation: torch's default answer on a T4
    assert torch.cuda.is_bf16_supported(including_emulation=False) is False


def test_auto_picks_gpu_with_fp16_on_a_t4(fake_cuda, monkeypatch) -> None:
    monkeypatch.delenv(profiles.SOURCE_ENV, raising=False)
    fake_cuda((7, 5), "Tesla T4")
    p = resolve_profile("auto", verbose=False)
    assert (p.name, p.device, p.compute_dtype, p.data_source) == ("gpu", "cuda", torch.float16, "hub")
    assert p.model_id("causal_lm") == "microsoft/phi-2"


def test_bf16_fast_path_is_off_on_a_t4(fake_cuda) -> None:
    from helpers.models import bf16_is_fast

    fake_cuda((7, 5), "Tesla T4")
    assert not bf16_is_fast("cuda") and not profiles.native_bf16()
    assert profiles.cuda_compute_dtype() == torch.float16


@pytest.mark.parametrize("capability,name", [((8, 0), "NVIDIA A100-SXM4-40GB"), ((8, 9), "NVIDIA L4"),
                                             ((9, 0), "NVIDIA H100 80GB HBM3")])
def test_gpu_uses_bf16_where_the_hardware_has_it(fake_cuda, capability, name) -> None:
    fake_cuda(capability, name)
    assert resolve_profile("gpu", verbose=False).compute_dtype == torch.bfloat16


def test_source_is_separate_from_scale(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv(profiles.SOURCE_ENV, "hub")
    p = resolve_profile("auto", verbose=False)  # smoke sizes on CPU, hub ids and hub data
    assert (p.name, p.device, p.source, p.data_source) == ("smoke", "cpu", "hub", "hub")
    assert p.model_id("causal_lm") == "microsoft/phi-2"
    assert p.model_id("encoder") == "sentence-transformers/all-MiniLM-L6-v2"
    assert p.settings("04").max_steps == profiles.SETTINGS["04"]["smoke"].max_steps
    assert p.model_id("chat_lm") == "HuggingFaceTB/SmolLM2-360M-Instruct"  # notebook 06: Phi-2 has no chat template
    local = resolve_profile("smoke", verbose=False, source="local")
    assert local.model_id("causal_lm") == "SmolLM2-135M-Instruct-packaged"
    assert local.model_id("chat_lm") == local.model_id("causal_lm")  # one offline model, one chat template
    monkeypatch.setenv(profiles.SOURCE_ENV, "s3")
    with pytest.raises(ValueError, match="'hub' or 'local'"):
        resolve_profile("smoke", verbose=False)


def test_gpu_without_cuda_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="PROFILE='smoke'"):
        resolve_profile("gpu")


@pytest.mark.parametrize("bad", ["GPU-please", "cpu", "tpu"])
def test_unknown_profile_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="'auto', 'gpu' or 'smoke'"):
        resolve_profile(bad)


def test_settings_and_overrides() -> None:
    p = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32)
    S = p.settings("04")
    assert isinstance(S, profiles.SummarizationSettings) and S == profiles.SETTINGS["04"]["smoke"]
    assert S.lora_r == S.lora_alpha == profiles.SEED_LORA_R == 32  # the seed's rank, written once
    changed = p.settings("04", max_steps=7, learning_rate=None)  # None keeps the profile's value
    assert (changed.max_steps, changed.learning_rate) == (7, S.learning_rate)
    assert profiles.SETTINGS["04"]["smoke"].max_steps != 7  # replace() made a copy
    with pytest.raises(dataclasses.FrozenInstanceError):
        S.max_steps = 7
    with pytest.raises(TypeError, match="its settings: .*'max_steps'"):
        p.settings("04", lr=1e-3)  # the old short name: the library's is learning_rate
    with pytest.raises(KeyError, match="known"):
        p.settings("08")
    with pytest.raises(KeyError, match="unknown model kind"):
        p.model_id("vision")


def test_every_notebook_has_both_profiles_with_the_same_keys() -> None:
    for notebook, per_profile in profiles.SETTINGS.items():
        assert set(per_profile) == set(profiles.PROFILES), notebook
        assert type(per_profile["gpu"]) is type(per_profile["smoke"]), notebook
        assert dataclasses.is_dataclass(per_profile["gpu"]), notebook


def test_settings_use_the_libraries_names() -> None:
    """Fields that end up in TrainingArguments / SFTConfig carry those classes' own names."""
    from trl import SFTConfig

    library = {f.name for f in dataclasses.fields(SFTConfig)}
    short = {"lr", "batch_size", "grad_accum", "epochs", "patience", "steps"}
    for notebook, per_profile in profiles.SETTINGS.items():
        names = {f.name for f in dataclasses.fields(per_profile["smoke"])}
        assert not names & short, (notebook, names & short)
    summarization = {f.name for f in dataclasses.fields(profiles.SummarizationSettings)}
    ours = {"n_val", "n_check", "gen_token_budget", "max_prompt_tokens", "max_new_tokens", "lora_r", "lora_alpha",
            "n_zero_shot"}
    assert summarization - ours <= library, summarization - ours - library


def test_seed_everything_repeats_random_draws() -> None:
    seed_everything(3)
    a = torch.rand(3)
    seed_everything(3)
    assert torch.equal(a, torch.rand(3))


@pytest.mark.parametrize("local_rank,expected", [(None, 0), ("1", 1)])
def test_each_rank_loads_onto_its_own_gpu(fake_cuda, monkeypatch, local_rank, expected) -> None:
    """torchrun sets LOCAL_RANK per process; a 4-bit model must be loaded straight onto that GPU."""
    from helpers import models

    fake_cuda((7, 5), "Tesla T4")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    if local_rank is None:
        monkeypatch.delenv("LOCAL_RANK", raising=False)
    else:
        monkeypatch.setenv("LOCAL_RANK", local_rank)
    seen = {}

    def fake_from_pretrained(path, **kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop after recording the arguments")

    monkeypatch.setattr(models, "load_tokenizer", lambda path: None)
    monkeypatch.setattr(models.AutoModelForCausalLM, "from_pretrained", fake_from_pretrained)
    p = resolve_profile("gpu", verbose=False)
    with pytest.raises(RuntimeError, match="stop after"):
        models.load_causal_lm(p, quantize="nf4", path="microsoft/phi-2")
    assert seen["device_map"] == {"": expected}
    assert seen["quantization_config"].bnb_4bit_compute_dtype == torch.float16  # a T4: fp16 compute
    monkeypatch.setenv("LOCAL_RANK", "2")
    with pytest.raises(RuntimeError, match="one process per GPU"):
        models.local_device_map()


def test_summarization_prompt_budget_leaves_room_for_the_longest_generated_summary() -> None:
    """One truncation rule: prompts keep max_prompt_tokens in training and generation, and a summary as long as
    generation may write (max_new_tokens) plus eos still fits a training row of max_length."""
    from helpers.profiles import SETTINGS

    for name in ("gpu", "smoke"):
        S = SETTINGS["04"][name]
        assert S.max_prompt_tokens + S.max_new_tokens + 1 <= S.max_length
    smoke = resolve_profile("smoke", verbose=False)
    with pytest.raises(ValueError, match="Lower max_prompt_tokens to 335"):
        smoke.settings("04", max_prompt_tokens=448)
