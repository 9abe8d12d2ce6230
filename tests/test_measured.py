"""helpers.measured: reading the shipped benchmark results that notebooks 01 and 04 cite."""

from __future__ import annotations

import json

import pytest

from helpers.measured import cite, load_measured, runs_table, states_check


@pytest.fixture(scope="module")
def phi2() -> dict:
    return load_measured("phi2-shape-cuda")


def test_shipped_results_hold_phi2_runs_with_their_source(phi2) -> None:
    assert phi2["machine"] and phi2["batch"] == "4 x 512"
    text = cite(phi2)
    assert phi2["source"] in text and "python -m benchmarks.bench" in text
    assert "/root/" not in text  # the device's absolute output path is not shown


def test_runs_table_selects_methods_and_batchings(phi2) -> None:
    table = runs_table(phi2, methods=("qlora",), batchings=("packed",))
    assert set(table.index.get_level_values("method")) == {"qlora"}
    assert set(table.index.get_level_values("batching")) == {"packed"}
    assert len(table) == 2  # checkpointing on and off
    assert (table["peak GiB"] > 0).all() and (table["useful tokens/s"] > 0).all()
    with pytest.raises(ValueError, match="no runs"):
        runs_table(phi2, methods=("prefix-tuning",))


def test_course_vs_seed_ratio_matches_the_runs(phi2) -> None:
    """RESULTS.md's headline ratio is what the shipped runs give."""
    runs = phi2["runs"]
    course, seed = runs["qlora/bfloat16/gc/packed"], runs["qlora-seed/float16/gc/padded"]
    ratio = course["tokens_per_s"] / seed["tokens_per_s"]
    assert ratio == pytest.approx(phi2["comparison"]["tokens_per_s_ratio"], abs=0.01)
    assert course["peak_memory_mb"] <= seed["peak_memory_mb"]


def test_states_check_computes_the_relative_error() -> None:
    entry = {"estimator": [{"method": "full", "measured_weights_plus_optimizer_mb": 2048.0}]}
    table = states_check(entry, {"full": 1.5})  # 1.5 GiB estimated vs 2 GiB measured
    assert table.loc["full", "measured GiB"] == 2.0 and table.loc["full", "error %"] == -25.0
    with pytest.raises(KeyError, match="lora"):
        states_check(entry, {"lora": 1.0})


def test_missing_file_or_entry_says_what_to_do(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="benchmarks.bench"):
        load_measured(path=tmp_path / "results.json")
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"schema_version": 1, "tiny-cpu": {}}))
    with pytest.raises(KeyError, match="tiny-cpu"):
        load_measured("phi2-shape-cuda", path)
