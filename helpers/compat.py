"""Library renames across the supported versions (requirements.txt), in one place.

Every caller asks here instead of naming an API that one supported release renamed, so the next
rename is one edit. The unit tests turn the libraries' FutureWarning/DeprecationWarning into errors
(pyproject.toml), so a newly deprecated name fails there before it breaks a notebook.

transformers 5.23 renamed gradient checkpointing to activation checkpointing: the training
arguments `gradient_checkpointing(_kwargs)` -> `activation_checkpointing(_kwargs)` and the model's
`gradient_checkpointing_enable/disable`, `is_gradient_checkpointing` -> `activation_checkpointing_*`,
`is_activation_checkpointing`. Earlier 5.x releases (Colab's among them) know only the old names;
5.23 still accepts them with a FutureWarning, v6 removes them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import torch


def _training_argument_names() -> set[str]:
    from transformers import TrainingArguments

    return {f.name for f in dataclasses.fields(TrainingArguments)}


def checkpointing_args(on: bool, kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """TrainingArguments/SFTConfig keywords that turn activation (gradient) checkpointing on or off.

    The new names where the installed transformers has them (>= 5.23), else the old ones.
    """
    prefix = ("activation" if "activation_checkpointing" in _training_argument_names()
              else "gradient")
    return {f"{prefix}_checkpointing": on, f"{prefix}_checkpointing_kwargs": kwargs}


def set_checkpointing(model: torch.nn.Module, on: bool, kwargs: dict[str, Any] | None = None) -> None:
    """Turn activation (gradient) checkpointing on, with `kwargs`, or off, under either API name."""
    if on:
        if hasattr(model, "activation_checkpointing_enable"):
            model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    elif hasattr(model, "activation_checkpointing_disable"):
        model.activation_checkpointing_disable()
    else:
        model.gradient_checkpointing_disable()


def is_checkpointing(model: torch.nn.Module) -> bool:
    """Whether activation (gradient) checkpointing is on in `model` (a PEFT model: its base model)."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    # Looked up on the class: reading the deprecated property would warn.
    name = ("is_activation_checkpointing" if hasattr(type(base), "is_activation_checkpointing")
            else "is_gradient_checkpointing")
    return bool(getattr(base, name))
