"""Shared fixtures: an isolated output folder per test session and a papermill runner."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

# Every notebook run of this session (papermill and nbval) writes results and artifacts here,
# never into the repo. Set before any kernel starts so kernels inherit it.
RUN_DIR = Path(os.environ.get("COURSE_TEST_RUN_DIR") or tempfile.mkdtemp(prefix="course-run-"))
os.environ["COURSE_OUTPUT_DIR"] = str(RUN_DIR)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def run_dir() -> Path:
    """The folder where this session's notebook runs put results and artifacts."""
    return RUN_DIR


@pytest.fixture(scope="session")
def run_notebook():
    """Execute a course notebook once per session with PROFILE=smoke; return its recorded results."""
    from nbtools import NOTEBOOK_DIR, execute

    from helpers.report import load_results

    done: dict[str, dict] = {}

    def _run(stem: str) -> dict:
        if stem not in done:
            path = NOTEBOOK_DIR / f"{stem}.ipynb"
            if not path.exists():
                pytest.fail(f"{path.name} is missing")
            seconds = execute(path, RUN_DIR / path.name, profile="smoke", output_dir=RUN_DIR)
            results = load_results(stem, RUN_DIR)
            results["_seconds"] = seconds
            print(f"{stem}: {seconds:.0f} s")
            done[stem] = results
        return done[stem]

    return _run
