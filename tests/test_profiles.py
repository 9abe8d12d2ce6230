"""Profiles resolve to the right device and defaults, and refuse what cannot work."""

import pytest
import torch

from helpers import profiles
from helpers.profiles import Profile, resolve_profile, seed_everything


def test_auto_picks_smoke_without_cuda(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    p = resolve_profile("auto")
    assert (p.name, p.device, p.compute_dtype, p.data_source) == ("smoke", "cpu", torch.float32, "local")
    assert "no CUDA" in capsys.readouterr().out


def test_auto_picks_gpu_with_fp16_on_a_t4(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)  # a T4
    p = resolve_profile("auto", verbose=False)
    assert (p.name, p.device, p.compute_dtype, p.data_source) == ("gpu", "cuda", torch.float16, "hub")
    assert p.model_id("causal_lm") == "microsoft/phi-2"


def test_gpu_uses_bf16_where_supported(monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert resolve_profile("gpu", verbose=False).compute_dtype == torch.bfloat16


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
    assert p.setting("04", "max_steps") == profiles.SETTINGS["04"]["smoke"]["max_steps"]
    assert p.setting("04", "max_steps", override=7) == 7
    with pytest.raises(KeyError, match="known"):
        p.setting("04", "no_such_setting")
    with pytest.raises(KeyError, match="unknown model kind"):
        p.model_id("vision")


def test_every_notebook_has_both_profiles_with_the_same_keys() -> None:
    for notebook, per_profile in profiles.SETTINGS.items():
        assert set(per_profile) == set(profiles.PROFILES), notebook
        assert set(per_profile["gpu"]) == set(per_profile["smoke"]), notebook


def test_seed_everything_repeats_random_draws() -> None:
    seed_everything(3)
    a = torch.rand(3)
    seed_everything(3)
    assert torch.equal(a, torch.rand(3))
