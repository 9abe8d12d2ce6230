"""Notebook tooling shared by `make course`, `make notebooks` and the tests: run, clean, list."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat

from helpers.paths import NOTEBOOK_DIR, REPO_ROOT

SETUP_SNIPPET = NOTEBOOK_DIR / "_colab_setup.ipy"
# Cell metadata keys that change from run to run (timings, papermill bookkeeping).
VOLATILE_CELL_KEYS = ("papermill", "execution", "collapsed", "scrolled")
INJECTED_TAG = "injected-parameters"  # the cell papermill adds with the run's parameters


def course_notebooks() -> list[Path]:
    """The numbered notebooks (and their *_solutions companions), in course order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def clean_notebook(path: Path) -> None:
    """Strip run-dependent metadata and papermill's injected parameters so a committed notebook
    runs as a learner opens it (PROFILE = "auto") and diffs cleanly."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.metadata.get("tags", [])]
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
            parameters: dict | None = None, progress: bool = False) -> float:
    """Run one notebook with papermill; returns seconds taken. Results go to output_dir.

    progress=True shows papermill's per-cell bar in the terminal (make course); the notebook's own
    progress bars stay off either way (COURSE_PROGRESS=0), so outputs and logs stay clean.
    """
    import papermill as pm

    if output_dir is not None:
        os.environ["COURSE_OUTPUT_DIR"] = str(output_dir)
    os.environ["COURSE_PROGRESS"] = "0"  # the kernel inherits it: no tqdm bars in saved outputs
    params = dict(parameters or {})
    if profile != "auto":  # "auto" is the committed default: inject nothing for it
        params["PROFILE"] = profile
    started = time.perf_counter()
    pm.execute_notebook(
        str(path), str(out_path), parameters=params,
        kernel_name="python3", cwd=str(path.parent), progress_bar=progress,
        kernel_manager_class=_local_kernel_manager(),
    )
    return time.perf_counter() - started


def _local_kernel_manager() -> type:
    """A kernel manager that talks to the kernel over local IPC sockets instead of TCP ports: nothing
    listens on the network, and ipykernel has no "running over TCP without encryption" warning to print.

    Each kernel gets its own socket path under the temp folder. jupyter_client's default ("kernel-ipc-<n>"
    in the working directory, numbered by whichever file is free) lets two kernels started at the same
    moment in the same folder, as two pytest workers do, take the same sockets.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class LocalKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _unique_ipc_path(self) -> str:
            return os.path.join(tempfile.gettempdir(), f"course-kernel-{uuid.uuid4().hex[:12]}")

    return LocalKernelManager


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


# --- regression check of deterministic outputs (one execution serves results and outputs) ----
# A checked cell carries nbval's own metadata tag, not a comment in the code a learner reads and edits.
CHECK_TAG = "nbval-check-output"


def is_checked(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell's output is compared with the committed one (its metadata tags hold CHECK_TAG)."""
    return CHECK_TAG in cell.get("metadata", {}).get("tags", [])


SANITIZE_FILE = REPO_ROOT / "tests" / "nbval_sanitize.cfg"


def sanitizers(path: Path = SANITIZE_FILE) -> list[tuple[re.Pattern, str]]:
    """(regex, replacement) pairs from the nbval-style sanitize file: timings, addresses, paths."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _output_text(cell: nbformat.NotebookNode) -> str:
    """A cell's comparable output: streams and plain-text results, images left out.

    The kernel splits a stream into chunks, and interleaves stdout with stderr, by timing; so each
    run of consecutive stream outputs is compared as one block per stream name (stderr, then stdout)."""
    parts: list[str] = []
    streams: dict[str, str] = {}

    def flush() -> None:
        parts.extend(f"[{name}] {streams[name]}" for name in sorted(streams))
        streams.clear()

    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            streams[out.name] = streams.get(out.name, "") + out.text
            continue
        flush()
        if out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"[error] {out.ename}: {out.evalue}")
    flush()
    return "".join(parts)


def sanitize(text: str, rules: list[tuple[re.Pattern, str]]) -> str:
    """Apply the sanitize rules in file order."""
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def checked_output_diffs(committed: Path, executed: Path) -> list[str]:
    """Cells tagged CHECK_TAG whose sanitized output changed, with a short diff each."""
    import difflib

    rules = sanitizers()
    old = [c for c in nbformat.read(committed, as_version=4).cells if c.cell_type == "code"]
    new = [c for c in nbformat.read(executed, as_version=4).cells
           if c.cell_type == "code" and INJECTED_TAG not in c.metadata.get("tags", [])]
    if [c.source for c in old] != [c.source for c in new]:
        return ["the executed notebook's code cells differ from the committed ones"]
    problems = []
    for index, (a, b) in enumerate(zip(old, new)):
        if not is_checked(a):
            continue
        want, got = sanitize(_output_text(a), rules), sanitize(_output_text(b), rules)
        if want != got:
            diff = "\n".join(list(difflib.unified_diff(want.splitlines(), got.splitlines(), "committed",
                                                       "this run", lineterm="", n=1))[:40])
            problems.append(f"code cell {index} ({a.source.splitlines()[0][:60]}):\n{diff}")
    return problems
