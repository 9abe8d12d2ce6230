"""Every committed notebook follows the course's conventions (notebooks/CONVENTIONS.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from nbtools import CHECK_TAG, NOTEBOOK_DIR, VOLATILE_CELL_KEYS, course_notebooks, setup_cell_source

TESTS = Path(__file__).resolve().parent
NOTEBOOKS = course_notebooks()
MACHINE_PATH = re.compile(r"/(work|root|tmp|home|Users)/[\w.-]+")


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_there_are_course_notebooks() -> None:
    assert NOTEBOOKS, f"no numbered notebooks in {NOTEBOOK_DIR.name}/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_title_setup_and_parameters(path: Path) -> None:
    nb = load(path)
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert "".join(nb["cells"][0]["source"]).startswith("# "), "first cell must be the title"
    cells = code_cells(nb)
    assert "".join(cells[0]["source"]) == setup_cell_source(), "first code cell must be the Colab setup"
    params = cells[1]
    assert "parameters" in params["metadata"].get("tags", []), "second code cell must be tagged 'parameters'"
    assert re.search(r'^PROFILE = "auto"', "".join(params["source"]), re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_profile_is_forced(path: Path) -> None:
    """A learner's "Run all" must pick the profile itself: no papermill-injected parameters."""
    nb = load(path)
    injected = [i for i, c in enumerate(nb["cells"]) if "injected-parameters" in c["metadata"].get("tags", [])]
    assert not injected, f"cells {injected} are papermill's injected parameters; run scripts/nbtools.clean_notebook"
    for cell in code_cells(nb):
        if "parameters" in cell["metadata"].get("tags", []):
            continue
        source = "".join(cell["source"])
        assert not re.search(r"^\s*PROFILE\s*=", source, re.MULTILINE), "PROFILE set outside parameters"
    outputs = "".join(o.get("text", "") if isinstance(o.get("text"), str) else "".join(o.get("text", []))
                      for c in code_cells(nb) for o in c.get("outputs", []))
    assert "asked for explicitly" not in outputs, "the committed run forced its profile"


def test_clean_notebook_strips_injected_parameters(tmp_path: Path) -> None:
    import nbformat
    from nbtools import clean_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('PROFILE = "auto"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell('PROFILE = "smoke"', metadata={"tags": ["injected-parameters"]}),
                nbformat.v4.new_code_cell("print(PROFILE)")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    clean_notebook(path)
    sources = [c.source for c in nbformat.read(path, as_version=4).cells]
    assert sources == ['PROFILE = "auto"', "print(PROFILE)"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_and_clean(path: Path) -> None:
    nb = load(path)
    text = path.read_text()
    cells = code_cells(nb)
    assert all(c.get("execution_count") for c in cells[1:]), "commit the notebook executed"
    assert '"output_type": "error"' not in text
    assert not MACHINE_PATH.search(text), "outputs must not show machine paths"
    assert "trust_remote_code=True" not in text and "use_auth_token" not in "".join(
        "".join(c["source"]) for c in cells)
    assert "papermill" not in nb["metadata"]
    for cell in nb["cells"]:
        assert not set(VOLATILE_CELL_KEYS) & set(cell["metadata"]), "run-dependent metadata"
    assert any(CHECK_TAG in c["metadata"].get("tags", []) for c in cells), "no deterministic cell checked"
    markers = [line for c in cells for line in c["source"] if "NBVAL_" in line]
    assert not markers, f"nbval markers in the code a learner reads: tag the cell ({CHECK_TAG}) instead: {markers}"
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("## ")]
    assert any("Summary" in h for h in headings) and any("Exercise" in h for h in headings)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_has_a_results_test(path: Path) -> None:
    tests = list(TESTS.glob(f"test_nb{path.stem[:2]}_*.py"))
    assert tests, f"add tests/test_nb{path.stem[:2]}_<name>.py asserting on {path.stem}'s results"
    assert path.stem in tests[0].read_text()
