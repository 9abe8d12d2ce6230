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
