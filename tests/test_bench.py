"""benchmarks/bench.py: batch building, token counting, packing without cross-talk, the --fast run."""

import json

import pytest
import torch
from transformers import PhiForCausalLM

from benchmarks import bench
from helpers.models import TINY_PHI, phi_config

PAD = 0


def examples(lengths: list[int]) -> list[dict[str, list[int]]]:
    """Fake tokenized rows: ids 1..n, the first half masked out of the loss like a prompt."""
    rows = []
    for n in lengths:
        ids = list(range(1, n + 1))
        rows.append({"input_ids": ids, "labels": [-100] * (n // 2) + ids[n // 2:]})
    return rows


def test_padded_batches_pad_to_max_length_and_count_real_tokens() -> None:
    batch = bench.make_batches(examples([3, 5]), "padded", 2, 8, PAD, 1)[0]
    assert batch["input_ids"].shape == (2, 8)
    assert bench.token_counts(batch) == (8, 8)  # 3 + 5 real, 16 - 8 pad
    assert (batch["labels"][batch["attention_mask"] == 0] == -100).all()  # no loss on pad


def test_longest_batches_pad_to_the_longest_row() -> None:
    batch = bench.make_batches(examples([3, 5]), "longest", 2, 8, PAD, 1)[0]
    assert batch["input_ids"].shape == (2, 5)
    assert bench.token_counts(batch) == (8, 2)


def test_packed_batches_fill_the_budget_with_whole_examples_and_restart_positions() -> None:
    batch = bench.make_batches(examples([3, 5, 4, 6]), "packed", 2, 8, PAD, 1)[0]
    assert batch["input_ids"].shape == (1, 12)  # 3 + 5 + 4 fit in 16 tokens, the 6 would not
    assert "attention_mask" not in batch
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1, 2, 3, 4, 0, 1, 2, 3]]
    assert (batch["labels"][batch["position_ids"] == 0] == -100).all()
    assert bench.token_counts(batch) == (12, 0)


def test_bad_batching_is_rejected() -> None:
    with pytest.raises(ValueError, match="batching must be one of"):
        bench.make_batches(examples([3]), "bucketed", 1, 8, PAD, 1)
    with pytest.raises(ValueError, match="no examples"):
        bench.make_batches([], "padded", 1, 8, PAD, 1)


@pytest.mark.parametrize("attn", ["sdpa", "eager"])
def test_packed_sequences_do_not_attend_across_boundaries(attn: str) -> None:
    """A packed row's logits and per-sequence losses equal those of each sequence run alone."""
    torch.manual_seed(0)
    model = PhiForCausalLM(phi_config(TINY_PHI, num_hidden_layers=2, attn_implementation=attn)).eval()
    rows = examples([7, 12, 5])
    packed = bench.make_batches(rows, "packed", 3, 8, PAD, 1)[0]
    assert packed["position_ids"].shape[1] == 24
    with torch.no_grad():  # use_cache=False as in training (TRL's compute_loss passes it too)
        out = model(**packed, use_cache=False).logits[0]
        alone = [model(input_ids=torch.tensor([r["input_ids"]]), use_cache=False).logits[0] for r in rows]
        leaky = model(input_ids=packed["input_ids"], use_cache=False).logits[0]  # no positions: plain causal
        # a trap: with a KV cache (config.use_cache=True, the default) transformers skips packed-
        # sequence detection, so a hand-written loop that forgets use_cache=False leaks across rows
        cached = model(input_ids=packed["input_ids"], position_ids=packed["position_ids"]).logits[0]
    start = 0
    for r, logits in zip(rows, alone):
        seg = out[start:start + len(r["input_ids"])]
        torch.testing.assert_close(seg, logits, atol=1e-4, rtol=1e-4)
        labels = torch.tensor(r["labels"])
        loss_packed = torch.nn.functional.cross_entropy(seg[:-1], labels[1:], ignore_index=-100)
        loss_alone = torch.nn.functional.cross_entropy(logits[:-1], labels[1:], ignore_index=-100)
        assert loss_packed.item() == pytest.approx(loss_alone.item(), abs=1e-4)
        start += len(r["input_ids"])
    # the check can fail: without position_ids, or with a cache, the second sequence sees the first
    assert not torch.allclose(leaky[7:19], alone[1], atol=1e-3)
    assert not torch.allclose(cached[7:19], alone[1], atol=1e-3)


def test_compare_picks_the_fastest_qlora_run_within_the_seeds_memory() -> None:
    def run(label: str, batching: str, tps: float, peak: float) -> dict:
        return {"method": "qlora", "label": label, "batching": batching, "tokens_per_s": tps,
                "peak_memory_mb": peak}
    runs = [run("seed", "padded", 100, 50), run("", "packed", 300, 80), run("", "packed", 180, 50)]
    c = bench.compare(runs)
    assert c["tokens_per_s_ratio"] == 1.8 and c["peak_memory_ratio"] == 1.0


@pytest.fixture(scope="module")
def fast_results(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    bench.main(["--fast", "--out", str(out)])
    return json.loads(out.read_text())


def test_fast_run_writes_the_results_schema(fast_results: dict) -> None:
    assert fast_results["schema_version"] == bench.SCHEMA_VERSION
    assert {"command", "machine", "setting", "data", "memory_kind", "runs", "estimator",
            "comparison"} <= set(fast_results)
    methods = {(r["method"], r["label"]) for r in fast_results["runs"]}
    assert methods == {("full", ""), ("lora", ""), ("qlora", ""), ("qlora", "seed")}
    assert {e["method"] for e in fast_results["estimator"]} == {"full", "lora", "qlora"}


def test_fast_run_measurements_are_sane(fast_results: dict) -> None:
    s = fast_results["setting"]
    budget = s["batch_size"] * s["max_length"]
    for r in fast_results["runs"]:
        assert r["steps_timed"] == s["steps"]
        assert r["tokens_per_s"] > 0 and r["step_time_s_median"] > 0 and r["peak_memory_mb"] > 0
        assert r["all_tokens_per_s"] >= r["tokens_per_s"]
        assert r["trainable_params"] > 0 and r["loss_first"] > 0
        if r["batching"] == "padded":  # every row is max_length: real + pad = the whole tensor
            assert r["useful_tokens_per_step"] + r["pad_tokens_per_step"] == budget
            assert r["pad_tokens_per_step"] > 0
        else:
            assert r["pad_tokens_per_step"] == 0 and r["useful_tokens_per_step"] <= budget
    by = {(r["method"], r["batching"]): r for r in fast_results["runs"] if not r["label"]}
    for method in ("full", "lora", "qlora"):  # packing carries more real tokens per step
        assert by[method, "packed"]["useful_tokens_per_step"] >= by[method, "padded"]["useful_tokens_per_step"]
        assert by[method, "packed"]["pad_tokens_per_step"] < by[method, "padded"]["pad_tokens_per_step"]
    lora = [r for r in fast_results["runs"] if r["method"] != "full"]
    full = [r for r in fast_results["runs"] if r["method"] == "full"]
    assert max(r["trainable_params"] for r in lora) < min(r["trainable_params"] for r in full)


def test_summarize_keeps_the_figures_notebooks_cite(fast_results: dict, tmp_path) -> None:
    path = tmp_path / "full.json"
    path.write_text(json.dumps(fast_results))
    summary = bench.summarize([str(path)])
    entry = summary["tiny-cpu"]
    assert entry["batch"] == "2 x 384" and entry["runs"]
    assert all(v["tokens_per_s"] > 0 for v in entry["runs"].values())


def test_method_states_matches_the_measured_phi2_arithmetic() -> None:
    """helpers.memory.method_states, whose Phi-2 figures the H100 run matched within 1.1%."""
    from helpers import memory as mem
    from helpers.models import PHI_LORA_TARGETS, phi2_on_meta

    split = mem.split_parameters(phi2_on_meta(), 32, PHI_LORA_TARGETS)
    full = mem.method_states(split, "full")
    assert full["total"] == 12 * split.total  # fp32 weights + two fp32 moments
    qlora = mem.method_states(split, "qlora", "bf16")
    assert qlora["weights"] == split.linear * mem.BYTES_PER_PARAM["nf4"] + split.other * 4 + split.lora * 4
    assert mem.method_states(split, "qlora", "bf16", kbit_prepared=False)["weights"] < qlora["weights"]
    with pytest.raises(ValueError, match="method must be"):
        mem.method_states(split, "dora")
