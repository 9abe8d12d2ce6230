"""Measured costs from benchmarks/results.json, for notebooks 01 and 04 to show with their source.

The figures were measured by `benchmarks/bench.py` (see benchmarks/RESULTS.md); this module only
reads them, so a notebook can cite GPU measurements it cannot repeat on a CPU.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from .paths import REPO_ROOT

RESULTS_JSON: Path = REPO_ROOT / "benchmarks" / "results.json"


def load_measured(key: str = "phi2-shape-cuda", path: Path | str = RESULTS_JSON) -> dict[str, Any]:
    """One entry of the benchmark summary (runs, estimator check, source, command, machine)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: it ships with the course repository; regenerate it "
                                "with `python -m benchmarks.bench --summarize ...` (benchmarks/README.md)")
    results = json.loads(path.read_text())
    if key not in results:
        known = sorted(k for k, v in results.items() if isinstance(v, dict))
        raise KeyError(f"no benchmark entry {key!r} in {path.name}; entries: {known}")
    return results[key]


def cite(entry: dict[str, Any]) -> str:
    """Where a measured figure comes from: file, machine, batch and the exact command."""
    command = entry["command"].replace("/root/out/", "$OUT/")  # the device's output folder
    return (f"Source: {entry['source']} (measured on {entry['machine']}, batch {entry['batch']}, "
            f"random weights), `{command}`")


def runs_table(entry: dict[str, Any], methods: tuple[str, ...] = ("full", "lora", "qlora"),
               batchings: tuple[str, ...] = ("padded", "packed")) -> pd.DataFrame:
    """Peak memory (GiB), useful tokens/s and step time per method, checkpointing and batching."""
    rows = []
    for name, run in entry["runs"].items():
        method, dtype, gc, batching = name.split("/")
        if method.replace("-seed", "") not in methods or batching not in batchings:
            continue
        rows.append({"method": method.replace("qlora-seed", "qlora (seed)"), "compute": dtype,
                     "checkpointing": gc == "gc", "batching": batching,
                     "peak GiB": round(run["peak_memory_mb"] / 1024, 2),
                     "useful tokens/s": round(run["tokens_per_s"]),
                     "ms/step": round(1000 * run["step_time_s"], 1)})
    if not rows:
        raise ValueError(f"no runs for methods {methods} and batchings {batchings}")
    return pd.DataFrame(rows).set_index(["method", "compute", "checkpointing", "batching"])


def states_check(entry: dict[str, Any], estimates_gib: dict[str, float]) -> pd.DataFrame:
    """Estimated vs measured weights + AdamW states (GiB) per method, with the relative error."""
    measured = {e["method"]: e["measured_weights_plus_optimizer_mb"] / 1024 for e in entry["estimator"]}
    missing = set(estimates_gib) - set(measured)
    if missing:
        raise KeyError(f"no measurement for {sorted(missing)}; measured: {sorted(measured)}")
    rows = {m: {"estimated GiB": round(est, 3), "measured GiB": round(measured[m], 3),
                "error %": round(100 * (est - measured[m]) / measured[m], 1)}
            for m, est in estimates_gib.items()}
    return pd.DataFrame(rows).T


# Peak ratios, H100 SXM over T4, from the vendors' datasheets (NVIDIA H100 Tensor Core GPU datasheet;
# NVIDIA T4 Tensor Core GPU datasheet): memory bandwidth 3,350 vs 320 GB/s; dense 16-bit tensor
# throughput 989 (bf16) vs 65 (fp16) TFLOP/s.
H100_OVER_T4 = {"memory bandwidth": 3350 / 320, "tensor FLOP/s": 989 / 65}


def t4_training_estimate(tokens: float, run: str = "qlora/bfloat16/gc/packed",
                         key: str = "phi2-shape-cuda") -> tuple[float, float]:
    """(low, high) estimated seconds for a free Colab T4 to train `tokens` tokens of Phi-2 QLoRA.

    Method, not a T4 measurement: the useful tokens/s measured on an H100 for Phi-2's shape with the
    course recipe (benchmarks/results.json, `run`), divided by the H100/T4 ratio of memory bandwidth
    (the optimistic end) and of peak tensor FLOP/s (the pessimistic end).
    """
    if tokens < 0:
        raise ValueError(f"tokens must be >= 0, got {tokens}")
    measured = load_measured(key)["runs"][run]["tokens_per_s"]
    low, high = sorted(tokens / (measured / ratio) for ratio in H100_OVER_T4.values())
    return low, high


def training_tokens(max_steps: int, batch_size: int, grad_accum: int, max_length: int) -> int:
    """Tokens a packed run processes at most: steps x rows per step x row length (full rows)."""
    return max_steps * batch_size * grad_accum * max_length
