"""helpers.compat: the checkpointing rename (transformers 5.23) handled in one place, and the
warnings gate (pyproject.toml) that makes the libraries' next deprecation fail here."""

from __future__ import annotations

import dataclasses
import warnings

import pytest
import torch
from transformers import PhiForCausalLM, TrainingArguments

from helpers import compat
from helpers.models import TINY_PHI, phi_config
from helpers.profiles import quiet_logs


def test_checkpointing_args_use_the_installed_names() -> None:
    fields = {f.name for f in dataclasses.fields(TrainingArguments)}
    prefix = "activation" if "activation_checkpointing" in fields else "gradient"
    assert compat.checkpointing_args(True, {"use_reentrant": False}) == {
        f"{prefix}_checkpointing": True, f"{prefix}_checkpointing_kwargs": {"use_reentrant": False}}


def test_checkpointing_args_fall_back_to_the_old_names(monkeypatch) -> None:
    """transformers < 5.23 (Colab's) knows only gradient_checkpointing(_kwargs)."""
    monkeypatch.setattr(compat, "_training_argument_names", lambda: {"output_dir", "gradient_checkpointing"})
    assert compat.checkpointing_args(False) == {"gradient_checkpointing": False,
                                               "gradient_checkpointing_kwargs": None}


def test_training_arguments_from_checkpointing_args_do_not_warn(tmp_path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        args = TrainingArguments(str(tmp_path), use_cpu=True, report_to="none",
                                 **compat.checkpointing_args(True, {"use_reentrant": False}))
    flag, kwargs = compat.checkpointing_args(True)
    assert getattr(args, flag) is True and getattr(args, kwargs) == {"use_reentrant": False}


def test_set_checkpointing_turns_it_on_and_off_without_deprecations() -> None:
    torch.manual_seed(0)
    model = PhiForCausalLM(phi_config(TINY_PHI, num_hidden_layers=2))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        assert not compat.is_checkpointing(model)
        compat.set_checkpointing(model, True, {"use_reentrant": False})
        assert compat.is_checkpointing(model)
        assert all(layer.gradient_checkpointing for layer in model.model.layers)
        compat.set_checkpointing(model, False)
        assert not compat.is_checkpointing(model)


class _OldModel(torch.nn.Module):
    """A model class with only the pre-5.23 names."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple] = []
        self.on = False

    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None):
        self.calls.append(("enable", gradient_checkpointing_kwargs))
        self.on = True

    def gradient_checkpointing_disable(self):
        self.calls.append(("disable",))
        self.on = False

    @property
    def is_gradient_checkpointing(self) -> bool:
        return self.on


def test_checkpointing_falls_back_to_the_old_model_methods() -> None:
    model = _OldModel()
    compat.set_checkpointing(model, True, {"use_reentrant": False})
    assert compat.is_checkpointing(model)
    compat.set_checkpointing(model, False)
    assert model.calls == [("enable", {"use_reentrant": False}), ("disable",)]
    assert not compat.is_checkpointing(model)


@pytest.mark.parametrize("library", ["transformers.training_args", "trl.trainer.sft_trainer", "peft",
                                     "datasets.arrow_dataset", "accelerate.utils", "helpers.training"])
@pytest.mark.parametrize("category", [FutureWarning, DeprecationWarning])
def test_library_deprecations_are_errors_even_after_quiet_logs(library: str, category: type) -> None:
    """The gate in pyproject.toml; quiet_logs (every notebook's first cell) must not disarm it here."""
    quiet_logs()
    with pytest.raises(category):
        warnings.warn_explicit("`old_name` is deprecated", category, "x.py", 1, module=library)


def test_other_modules_deprecations_are_not_gated() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("old", DeprecationWarning, "x.py", 1, module="transformers_like_name")
    assert len(caught) == 0  # ignored (pyproject's first line), not an error: the regex is anchored
