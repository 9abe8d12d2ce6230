"""Notebook tooling shared by `make course`, `make notebooks` and the tests: run, clean, list."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
SETUP_SNIPPET = NOTEBOOK_DIR / "_colab_setup.ipy"
# Cell metadata keys that change from run to run (timings, papermill bookkeeping).
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")


def course_notebooks() -> list[Path]:
    """The numbered notebooks (and their *_solutions companions), in course order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def clean_notebook(path: Path) -> None:
    """Strip run-dependent metadata so a committed notebook diffs cleanly."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        cell.pop("id", None)
    nb.nbformat_minor = 4
    nbformat.write(nb, path)


def execute(path: Path, out_path: Path, profile: str = "smoke", output_dir: Path | None = None,
            parameters: dict | None = None) -> float:
    """Run one notebook with papermill; returns seconds taken. Results go to output_dir."""
    import papermill as pm

    if output_dir is not None:
        os.environ["COURSE_OUTPUT_DIR"] = str(output_dir)
    started = time.perf_counter()
    pm.execute_notebook(
        str(path), str(out_path), parameters={"PROFILE": profile, **(parameters or {})},
        kernel_name="python3", cwd=str(path.parent), progress_bar=False,
    )
    return time.perf_counter() - started


def setup_cell_source() -> str:
    """The Colab setup cell every notebook starts with (written once, in notebooks/_colab_setup.ipy)."""
    return SETUP_SNIPPET.read_text().rstrip("\n")


def sync_setup_cell(path: Path) -> bool:
    """Make the notebook's first code cell the shared setup snippet; True if it changed."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    if first.source == setup_cell_source():
        return False
    first.source = setup_cell_source()
    nbformat.write(nb, path)
    return True


def summarize(results_dir: Path) -> str:
    """One line per notebook with its recorded results, for the end of `make course`."""
    lines = []
    for path in sorted(results_dir.glob("*.results.json")):
        data = json.loads(path.read_text())
        scalars = {k: v for k, v in data.items() if isinstance(v, (int, float, str))}
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in list(scalars.items())[:8])
        lines.append(f"{path.name.removesuffix('.results.json')}: {shown}")
    return "\n".join(lines)
