"""API drift: every keyword the notebooks and helpers pass to library constructors still exists.

transformers, trl and peft rename arguments often (`evaluation_strategy` -> `eval_strategy`,
`max_seq_length` -> `max_length`, `torch_dtype` -> `dtype`); a renamed keyword should fail here,
loudly, instead of deep inside a notebook run.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import re

import pytest

from helpers.paths import REPO_ROOT

LIBRARIES = ("transformers", "trl", "peft", "bitsandbytes", "datasets")
MAGIC = re.compile(r"^([ \t]*)[!%].*$", re.MULTILINE)  # keep the indent: magics sit in if blocks


def python_sources() -> dict[str, str]:
    """Source text of helpers/*.py, scripts, benchmarks and every notebook's code cells."""
    sources = {}
    for pattern in ("helpers/**/*.py", "scripts/*.py", "benchmarks/*.py"):
        for path in sorted(REPO_ROOT.glob(pattern)):
            sources[str(path.relative_to(REPO_ROOT))] = path.read_text()
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        sources[str(path.relative_to(REPO_ROOT))] = MAGIC.sub(r"\1pass", code)
    return sources


def imported_names(tree: ast.AST) -> dict[str, str]:
    """Map local names to dotted library paths, from `import` and `from ... import` statements."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in LIBRARIES:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in LIBRARIES:
                    names[alias.asname or alias.name] = alias.name
    return names


def resolve(dotted: str):
    """Import `a.b.C` and return the object, or None if it cannot be resolved."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def call_target(func: ast.expr, names: dict[str, str]) -> str | None:
    """Dotted library path of a call like `SFTConfig(...)` or `transformers.TrainingArguments(...)`."""
    if isinstance(func, ast.Name) and func.id in names:
        return names[func.id]
    if isinstance(func, ast.Attribute):
        chain = []
        node = func
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in names:
            return ".".join([names[node.id], *reversed(chain)])
    return None


def accepted_keywords(obj) -> set[str] | None:
    """Keyword names a callable accepts, or None when it takes **kwargs (nothing to check)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return None
    return set(sig.parameters)


def unknown_keywords(source: str) -> list[str]:
    """Every `keyword` passed to a library callable that its current signature lacks."""
    tree = ast.parse(source)
    names = imported_names(tree)
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = call_target(node.func, names)
        obj = resolve(target) if target else None
        if obj is None:
            continue
        accepted = accepted_keywords(obj)
        if accepted is None:
            continue
        for kw in node.keywords:
            if kw.arg and kw.arg not in accepted:
                problems.append(f"line {node.lineno}: {target}({kw.arg}=...)")
    return problems


def checked_calls(source: str) -> int:
    """How many library calls with explicit signatures a source makes (to prove we look)."""
    tree = ast.parse(source)
    names = imported_names(tree)
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.keywords:
            target = call_target(node.func, names)
            if target and resolve(target) is not None and accepted_keywords(resolve(target)):
                count += 1
    return count


@pytest.mark.parametrize("name", sorted(python_sources()))
def test_library_keywords_exist(name: str) -> None:
    """No notebook or helper passes a keyword the installed library no longer accepts."""
    assert unknown_keywords(python_sources()[name]) == []


def test_checker_catches_renamed_arguments() -> None:
    """The checker flags the renames that broke the seed recipe."""
    stale = (
        "from transformers import TrainingArguments\n"
        "from trl import SFTConfig\n"
        "TrainingArguments(output_dir='x', evaluation_strategy='steps')\n"
        "SFTConfig(output_dir='x', max_seq_length=512)\n"
    )
    problems = unknown_keywords(stale)
    assert any("evaluation_strategy" in p for p in problems)
    assert any("max_seq_length" in p for p in problems)
    assert unknown_keywords(stale.replace("evaluation_strategy", "eval_strategy")
                            .replace("max_seq_length", "max_length")) == []


def test_checker_catches_dpo_keywords_trl_removed() -> None:
    """TRL 1.x dropped `max_prompt_length` from DPOConfig (notebook 06 truncates with max_length instead)."""
    stale = "from trl import DPOConfig\nDPOConfig(output_dir='x', beta=0.1, max_length=384, max_prompt_length=128)\n"
    assert [p.split(": ")[1] for p in unknown_keywords(stale)] == ["trl.DPOConfig(max_prompt_length=...)"]


def test_the_sft_overrides_of_notebook_06_are_sft_config_fields() -> None:
    """Notebook 06 passes SFTConfig keywords through make_sft_trainer's overrides (a dict the scan cannot see)."""
    import dataclasses

    from trl import SFTConfig

    source = python_sources()["notebooks/06_instruction_and_preference_tuning.ipynb"]
    calls = [n for n in ast.walk(ast.parse(source))
             if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "make_sft_trainer"]
    passed = {kw.arg for call in calls for kw in call.keywords if kw.arg}
    assert len(calls) >= 2 and {"completion_only_loss", "eval_strategy", "max_steps"} <= passed
    assert passed - {f.name for f in dataclasses.fields(SFTConfig)} == set()


def test_the_course_code_makes_checked_calls() -> None:
    """The scan sees real library calls in helpers (so an empty scan cannot pass silently)."""
    assert sum(checked_calls(src) for src in python_sources().values()) >= 3
