"""Shared fixtures: an isolated output folder per test session and a papermill runner."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
import torch

from helpers.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))

# Every notebook run of this session (papermill and nbval) writes results and artifacts here,
# never into the repo. Set before any kernel starts so kernels inherit it.
RUN_DIR = Path(os.environ.get("COURSE_TEST_RUN_DIR") or tempfile.mkdtemp(prefix="course-run-"))
os.environ["COURSE_TEST_RUN_DIR"] = str(RUN_DIR)  # pytest-xdist workers start after this: one folder for all
if not os.environ.get("PYTEST_XDIST_WORKER"):  # the main process: forget an earlier session's finished runs
    for marker in RUN_DIR.glob(".done-*"):
        marker.unlink()
os.environ["COURSE_OUTPUT_DIR"] = str(RUN_DIR)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("COURSE_PROGRESS", "0")  # no progress bars in test logs (helpers.profiles.show_progress)

# Under pytest-xdist (`make test TEST_WORKERS=2`), each worker and every kernel it starts uses one
# thread: two two-threaded processes would fight over two cores (measured: 3x slower), while two
# one-threaded ones train the tiny Phi with 1.4x the throughput of one two-threaded process (MiniLM: 1.0x).
if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"  # notebook kernels and subprocesses inherit these
    torch.set_num_threads(1)


# Smoke notebooks that need another notebook's outputs from this session (05 reuses 03's classifier and
# 04's adapter and predictions): they wait until those runs have finished, on whichever worker.
NEEDS = {"05_evaluation_and_iteration": ("03_sentiment_classification_heads",
                                         "04_qlora_phi2_dialogue_summarization")}
SMOKE_COLLECTED: set[str] = set()  # smoke notebooks this session will run (filled at collection)


def smoke_notebook_of(item) -> str | None:
    """The notebook a smoke-run test executes: its parameter (test_notebook_outputs) or its file name."""
    path = getattr(getattr(item, "callspec", None), "params", {}).get("path")
    if path is not None:
        return Path(path).stem
    name = Path(str(item.fspath)).stem  # test_nb03_sentiment_classification_heads -> 03_sentiment_...
    return name.removeprefix("test_nb") if name.startswith("test_nb") else None


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (--dist loadgroup)
def pytest_collection_modifyitems(config, items) -> None:
    """With two workers (TEST_WORKERS=2): notebook 03's smoke run (the longest) on one, the other smoke
    runs in order on another, the hub-path runs together; the rest spread freely. Every worker collects
    every test, so each knows which smoke notebooks this session runs (see NEEDS)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "run_notebook" in names and (stem := smoke_notebook_of(item)):
            SMOKE_COLLECTED.add(stem)
            group = "smoke_03" if stem.startswith("03_") else "smoke_chain"
            item.add_marker(pytest.mark.xdist_group(group))
        elif "run_notebook_hub" in names:
            item.add_marker(pytest.mark.xdist_group("hub_notebooks"))


def _done_marker(stem: str) -> Path:
    return RUN_DIR / f".done-{stem}"


def _wait_for(stems: tuple[str, ...], timeout_s: float = 3600.0) -> None:
    """Wait until the smoke runs of `stems` that this session collected have finished (on any worker)."""
    import time

    started = time.monotonic()
    for stem in stems:
        while stem in SMOKE_COLLECTED and not _done_marker(stem).exists():
            if time.monotonic() - started > timeout_s:
                pytest.fail(f"waited {timeout_s:.0f} s for the smoke run of {stem} (another worker)")
            time.sleep(2)


GIB = 2**30


@pytest.fixture
def fake_cuda(monkeypatch):
    """Make torch report a CUDA GPU the way it does on real hardware, at the lowest level.

    Only the device queries are replaced (availability, current device, properties, free
    memory, and whether a bf16 tensor can be created there); torch's own functions, such as
    `torch.cuda.is_bf16_supported` and `get_device_capability`, run unchanged on top of them.
    A T4 is `fake_cuda((7, 5), "Tesla T4", 15.0)`: torch then says bf16 is supported by
    emulation (True) and not natively (`including_emulation=False` gives False), as on Colab.
    """
    from types import SimpleNamespace

    def _install(capability=(7, 5), name="Tesla T4", total_gib=15.0, free_gib=None):
        major, minor = capability
        props = SimpleNamespace(name=name, major=major, minor=minor, total_memory=int(total_gib * GIB),
                                multi_processor_count=40)
        free = int((total_gib if free_gib is None else free_gib) * GIB)
        monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
        monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
        monkeypatch.setattr(torch.cuda, "get_device_properties", lambda device=None: props)
        monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (free, props.total_memory))
        # Every CUDA GPU torch supports can hold a bf16 tensor (emulated below capability 8.0).
        monkeypatch.setattr(torch.cuda, "_check_bf16_tensor_supported", lambda device: True)
        return props

    return _install


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
            if _done_marker(stem).exists():  # a second worker must never run the same notebook
                pytest.fail(f"{stem} already ran on another worker: the xdist groups did not hold "
                            "(pytest-xdist's --dist loadgroup and the pytest version; see requirements-dev.txt)")
            if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:  # one process: file order decides,
                _wait_for(NEEDS.get(stem, ()))  # and waiting could only hang (05 then retrains what is missing)
            try:
                seconds = execute(path, RUN_DIR / path.name, profile="smoke", output_dir=RUN_DIR)
            finally:
                _done_marker(stem).touch()  # failed runs too: a waiting notebook then retrains what it needs
            results = load_results(stem, RUN_DIR)
            results["_seconds"] = seconds
            print(f"{stem}: {seconds:.0f} s")
            done[stem] = results
        return done[stem]

    return _run


# The hub path, offline: the gpu profile's hub ids and hub loaders at smoke sizes on CPU, resolved
# from a hub-shaped cache that tests/hub_fixture.py builds (COURSE.md, "Testing the hub path offline").
HUB_OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                   "COURSE_SOURCE": "hub"}


@pytest.fixture(scope="session")
def hub_home() -> Path:
    """HF_HOME holding the hub-shaped fixture cache (built once, cached across sessions)."""
    from tests.hub_fixture import build_hub_cache

    home = RUN_DIR / "hf_home"
    build_hub_cache(home)
    return home


@pytest.fixture(scope="session")
def run_notebook_hub(hub_home):
    """Execute a notebook once per session on the hub path (source=hub, smoke sizes, offline cache)."""
    from nbtools import NOTEBOOK_DIR, execute

    from helpers.report import load_results

    done: dict[str, dict] = {}
    out_dir = RUN_DIR / "hub"
    out_dir.mkdir(exist_ok=True)

    def _run(stem: str, env: dict[str, str] | None = None, alone: bool = False, **parameters) -> dict:
        """alone=True: run in an empty output folder, as a notebook opened alone in a fresh Colab runtime."""
        key = f"{stem} (alone)" if alone else stem
        if key not in done:
            path = NOTEBOOK_DIR / f"{stem}.ipynb"
            run_out = out_dir / f"alone-{stem}" if alone else out_dir
            run_out.mkdir(exist_ok=True)
            extra = {**HUB_OFFLINE_ENV, "HF_HOME": str(hub_home), **(env or {})}
            saved = {k: os.environ.get(k) for k in (*extra, "COURSE_OUTPUT_DIR")}
            os.environ.update(extra)  # the kernel inherits these
            try:
                seconds = execute(path, run_out / path.name, profile="smoke", output_dir=run_out,
                                  parameters=parameters)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            results = load_results(stem, run_out)
            results["_seconds"] = seconds
            print(f"{key} (hub path): {seconds:.0f} s")
            done[key] = results
        return done[key]

    return _run


@pytest.fixture(scope="session")
def shipped_baselines() -> dict:
    """Lead and retrieval on the shipped test split, recomputed here with helpers.baselines and the
    course's ROUGE (best over each dialogue's references): what notebooks 04 and 05 must report."""
    from helpers.baselines import LEAD_TURNS, lead_baseline, retrieval_baseline
    from helpers.cleaning import group_references
    from helpers.data import load_dialogsum
    from helpers.metrics import rouge_scores, unsupported_details

    ds = load_dialogsum()
    test = group_references(ds["test"])
    lead = lead_baseline(test["dialogue"], LEAD_TURNS)
    retrieval = retrieval_baseline(ds["train"]["dialogue"], ds["train"]["summary"], test["dialogue"])
    invented = [bool(unsupported_details(p, d)) for p, d in zip(retrieval, test["dialogue"])]
    return {"lead_turns": LEAD_TURNS, "lead": rouge_scores(lead, test["references"])["rougeL"],
            "retrieval": rouge_scores(retrieval, test["references"])["rougeL"],
            "retrieval_invented": sum(invented) / len(invented)}
