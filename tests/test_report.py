"""Recorded results round-trip through JSON; bad values are refused."""

import json

import numpy as np
import pytest
import torch

from helpers import report


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    return tmp_path


def test_record_merges_and_converts(isolated) -> None:
    report.record("99_demo", loss=np.float32(1.5), steps=torch.tensor(3))
    out = report.record("99_demo", curve=[np.float64(0.25), 2], name="x")
    assert out == {"loss": 1.5, "steps": 3, "curve": [0.25, 2], "name": "x"}
    assert json.loads((isolated / "99_demo.results.json").read_text()) == out
    assert report.load_results("99_demo") == out


def test_non_finite_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValueError, match="non-finite"):
        report.record("99_demo", loss=float("nan"))
    with pytest.raises(TypeError, match="cannot record"):
        report.record("99_demo", model=object())


def test_missing_results_say_what_to_run() -> None:
    with pytest.raises(FileNotFoundError, match="run notebook 42_nothing first"):
        report.load_results("42_nothing")


def test_reset_and_artifacts_dir(isolated) -> None:
    report.record("99_demo", a=1)
    report.reset("99_demo")
    assert not (isolated / "99_demo.results.json").exists()
    assert report.artifacts_dir("clf") == isolated / "artifacts" / "clf"
    assert (isolated / "artifacts" / "clf").is_dir()


def test_one_repository_root_for_helpers_scripts_and_benchmarks() -> None:
    import nbtools

    from benchmarks import bench
    from helpers import measured, paths, report

    assert (paths.REPO_ROOT / "pyproject.toml").is_file() and (paths.DATA_DIR / "dialogsum").is_dir()
    assert report.REPO_ROOT is paths.REPO_ROOT and bench.REPO_ROOT is paths.REPO_ROOT
    assert nbtools.NOTEBOOK_DIR is paths.NOTEBOOK_DIR
    assert measured.RESULTS_JSON == paths.REPO_ROOT / "benchmarks" / "results.json"


def test_run_time_counts_from_reset(monkeypatch) -> None:
    with pytest.raises(RuntimeError, match="reset"):
        report.run_time("98_never_reset")
    clock = iter([100.0, 190.0])
    monkeypatch.setattr(report.time, "perf_counter", lambda: next(clock))
    report.reset("97_demo")
    assert report.run_time("97_demo") == "97_demo: this run took 1.5 min (90 s) from the cell after the parameters on"


# --- one record call per notebook: helpers/recorded.py reads the notebook's variables -----
def _assigned_names(code: str) -> set[str]:
    """Names the notebook's top-level code binds (assignments, loops, imports, defs), not inside a function body or a
    comprehension: the names left in globals() when the summary cell runs."""
    import ast

    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(child.name)
                continue  # its body's names are its own
            if isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Lambda)):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.add(child.id)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in child.names)
            visit(child)

    visit(ast.parse(code))
    return names


def _notebook_code(number: str) -> str:
    """The notebook's code cells as Python, up to its record_run call (what has run when it is called)."""
    import nbformat
    from IPython.core.inputtransformer2 import TransformerManager

    from helpers.paths import REPO_ROOT

    (path,) = (REPO_ROOT / "notebooks").glob(f"{number}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    to_python = TransformerManager().transform_cell  # the setup cell's !pip and %magics as Python
    return "\n".join(to_python(c.source) for c in cells if c.cell_type == "code")


@pytest.mark.parametrize("number", ["02", "03", "04", "05"])
def test_every_variable_a_recorder_reads_is_one_its_notebook_sets(number) -> None:
    """Renaming a notebook variable fails here, without running the notebook; and the summary cell calls
    record_run once instead of a block of keys."""
    import ast
    import inspect

    from helpers import recorded

    source = inspect.getsource(recorded.RECORDERS[number])
    read = {n.attr for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "nb"}
    code = _notebook_code(number)
    assert code.count("report.record_run(NOTEBOOK, globals())") == 1
    before = code[:code.index("report.record_run(NOTEBOOK, globals())")]
    before = before[:before.rindex("\n")]  # whole lines before the call
    assert read and read <= _assigned_names(before), sorted(read - _assigned_names(before))


def test_results_of_names_a_missing_variable_and_an_unknown_notebook() -> None:
    from helpers.recorded import results_of

    with pytest.raises(NameError, match="notebook 04_x has no variable 'P'"):
        results_of("04_x", {})
    with pytest.raises(KeyError, match="no results recorder for notebook '99_demo'"):
        results_of("99_demo", {})


def test_record_run_records_what_the_recorder_computes(isolated, monkeypatch) -> None:
    from helpers import recorded

    monkeypatch.setitem(recorded.RECORDERS, "98", lambda nb: {"loss": nb.loss, "n": len(nb.rows)})
    out = report.record_run("98_demo", {"loss": np.float32(0.5), "rows": [1, 2, 3], "other": object()})
    assert out == {"loss": 0.5, "n": 3} == report.load_results("98_demo")
