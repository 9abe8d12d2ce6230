"""Report: each notebook records its key results in a small JSON that tests and `make course` read."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .paths import REPO_ROOT  # notebook 04 imports it from here


def output_dir() -> Path:
    """Where executed notebooks write results and artifacts: $COURSE_OUTPUT_DIR or <repo>/outputs."""
    path = Path(os.environ.get("COURSE_OUTPUT_DIR", REPO_ROOT / "outputs"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def artifacts_dir(name: str) -> Path:
    """A folder for saved models and sets that later notebooks reuse (outputs/artifacts/<name>)."""
    path = output_dir() / "artifacts" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_path(notebook: str) -> Path:
    """The JSON file holding `notebook`'s recorded results."""
    return output_dir() / f"{notebook}.results.json"


def _plain(value: Any) -> Any:
    """Convert numpy/torch scalars and containers into JSON-friendly Python values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"refusing to record a non-finite number ({value}); check the run")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    raise TypeError(f"cannot record a {type(value).__name__}; record numbers, strings or lists")


def record(notebook: str, **values: Any) -> dict[str, Any]:
    """Merge `values` into the notebook's results JSON and return everything recorded so far."""
    path = results_path(notebook)
    results = json.loads(path.read_text()) if path.exists() else {}
    results.update(_plain(values))
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return results


def record_run(notebook: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """Record a notebook's results for its test, read from its variables (`globals()`; keys: helpers/recorded.py)."""
    from .recorded import results_of

    return record(notebook, **results_of(notebook, variables))


def load_results(notebook: str, directory: Path | None = None) -> dict[str, Any]:
    """Read a notebook's recorded results; a clear error if the notebook has not run yet."""
    path = (directory / f"{notebook}.results.json") if directory else results_path(notebook)
    if not path.exists():
        raise FileNotFoundError(f"no results at {path}: run notebook {notebook} first")
    return json.loads(path.read_text())


_STARTED: dict[str, float] = {}


def reset(notebook: str) -> None:
    """Forget earlier results of `notebook` and start its clock (called at the top of each notebook)."""
    results_path(notebook).unlink(missing_ok=True)
    _STARTED[notebook] = time.perf_counter()


def run_time(notebook: str) -> str:
    """How long this run of `notebook` has taken since reset(), as a sentence a notebook prints."""
    if notebook not in _STARTED:
        raise RuntimeError(f"call report.reset({notebook!r}) at the top of the notebook first")
    seconds = time.perf_counter() - _STARTED[notebook]
    return f"{notebook}: this run took {seconds / 60:.1f} min ({seconds:.0f} s) from the cell after the parameters on"
