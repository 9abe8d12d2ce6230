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


def test_t4_training_estimate_scales_the_h100_measurement() -> None:
    from helpers.measured import H100_OVER_T4, t4_training_estimate

    measured = load_measured("phi2-shape-cuda")["runs"]["qlora/bfloat16/gc/packed"]["tokens_per_s"]
    low, high = t4_training_estimate(1_000_000)
    assert low == pytest.approx(1_000_000 / measured * min(H100_OVER_T4.values()))
    assert high == pytest.approx(1_000_000 / measured * max(H100_OVER_T4.values()))
    assert low < high and t4_training_estimate(0) == (0.0, 0.0)
    with pytest.raises(ValueError):
        t4_training_estimate(-1)


def test_notebook_headers_state_the_estimate_the_settings_give() -> None:
    """The T4 training minutes in notebooks 03, 04 and 05's headers are what the estimator says for their settings."""
    import json

    from helpers.measured import t4_training_estimate, training_tokens
    from helpers.profiles import SETTINGS
    from helpers.report import REPO_ROOT

    s3, s4, s5 = SETTINGS["03"]["gpu"], SETTINGS["04"]["gpu"], SETTINGS["05"]["gpu"]
    row = (s4.per_device_train_batch_size, s4.max_length)
    tokens = {  # 03: the Phi-2 classifier, every row counted at max_length (an upper bound)
        "03_sentiment_classification_heads": s3.decoder_train_size * s3.decoder_num_train_epochs * s3.max_length,
        "04_qlora_phi2_dialogue_summarization": training_tokens(s4.max_steps, row[0], s4.gradient_accumulation_steps,
                                                                row[1]),
        "05_evaluation_and_iteration": training_tokens(s5.fallback_max_steps, row[0], s4.gradient_accumulation_steps,
                                                       row[1])
        # the iteration's candidate at the retrained adapter's budget and rows per update (r=32 is that adapter)
        + training_tokens(s5.iter_max_steps or s5.fallback_max_steps, row[0], s4.gradient_accumulation_steps, row[1])
        + training_tokens(s5.overfit_max_steps, row[0], s5.overfit_gradient_accumulation_steps, row[1]),
    }
    for stem, n in tokens.items():
        low, high = (t / 60 for t in t4_training_estimate(n))
        nb = json.loads((REPO_ROOT / "notebooks" / f"{stem}.ipynb").read_text())
        header = " ".join("".join(nb["cells"][0]["source"]).split())
        assert f"{low:.0f}–{high:.0f} min" in header, (stem, f"{low:.0f}–{high:.0f} min")
