"""The memory estimator's arithmetic, checked by hand on small shapes and on Phi-2's."""

import pytest
import torch

from helpers.memory import (
    BYTES_PER_PARAM,
    GIB,
    ParamSplit,
    lora_param_count,
    memory_table,
    method_memory,
    split_parameters,
    training_memory,
)
from helpers.models import PHI_LORA_TARGETS, phi2_on_meta


class Toy(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = torch.nn.Embedding(10, 4)
        self.q_proj = torch.nn.Linear(4, 8)  # 32 weights + 8 bias
        self.fc1 = torch.nn.Linear(8, 4)  # 32 weights + 4 bias
        self.lm_head = torch.nn.Linear(4, 10, bias=False)  # 40 weights, not quantized


def test_split_and_lora_counts_by_hand() -> None:
    split = split_parameters(Toy(), r=2, target_modules=["q_proj"])
    assert split == ParamSplit(linear=64, other=40 + 12 + 40, lora=2 * (4 + 8))
    assert lora_param_count(Toy(), 2, ["q_proj", "fc1"]) == 2 * (4 + 8) + 2 * (8 + 4)


def test_full_fine_tuning_costs_16_bytes_per_parameter() -> None:
    parts = training_memory(0.0, 1000)
    assert parts == {"weights": 4000, "gradients": 4000, "optimizer": 8000, "total": 16000}


def test_negative_input_is_rejected() -> None:
    with pytest.raises(ValueError):
        training_memory(-1.0, 10)


def test_nf4_is_about_a_quarter_of_fp16() -> None:
    assert BYTES_PER_PARAM["nf4"] == pytest.approx(0.5625)
    assert BYTES_PER_PARAM["nf4+double-quant"] < BYTES_PER_PARAM["nf4"]


def test_phi2_table() -> None:
    model = phi2_on_meta()
    split = split_parameters(model, 32, PHI_LORA_TARGETS)
    assert split.lora == 20_971_520
    methods = method_memory(split)
    full = methods["full fine-tuning (fp32 + AdamW)"]["total"]
    assert full == pytest.approx(16 * 2_779_683_840)
    qlora = methods["QLoRA (NF4 base)"]["weights"]
    assert qlora < methods["LoRA (fp16 base)"]["weights"] / 2
    table = memory_table(model, 32, PHI_LORA_TARGETS)
    assert table.loc["full fine-tuning (fp32 + AdamW)", "total GiB (no activations)"] == round(full / GIB, 3)


def test_training_state_bytes_counts_what_trains() -> None:
    from helpers.memory import training_state_bytes

    model = torch.nn.Sequential(torch.nn.Linear(10, 20), torch.nn.Linear(20, 3))  # 220 + 63 fp32 parameters
    full = training_state_bytes(model)
    assert full == {"weights": 283 * 4, "gradients": 283 * 4, "optimizer": 2 * 283 * 4, "total": 4 * 283 * 4}
    for param in model[0].parameters():
        param.requires_grad = False  # a frozen body: only the 63 head parameters train
    head = training_state_bytes(model)
    assert head["weights"] == 283 * 4 and head["gradients"] == 63 * 4 and head["total"] == 283 * 4 + 3 * 63 * 4
    model.half()
    assert training_state_bytes(model)["weights"] == 283 * 2  # stored size follows the dtype


@pytest.mark.parametrize("compute", ["fp16", "bf16", "fp32"])
def test_method_memory_is_method_states_plus_gradients(compute: str) -> None:
    """One arithmetic: the table's weights and AdamW states are method_states', by hand on a toy split."""
    from helpers.memory import method_states

    split = ParamSplit(linear=1000, other=200, lora=30)
    c = BYTES_PER_PARAM[compute]
    table = method_memory(split, compute)
    assert table["full fine-tuning (fp32 + AdamW)"] == {
        "weights": 4 * 1200, "gradients": 4 * 1200, "optimizer": 8 * 1200, "total": 16 * 1200}
    assert table[f"LoRA ({compute} base)"] == {
        "weights": 1200 * c + 4 * 30, "gradients": 4 * 30, "optimizer": 8 * 30,
        "total": 1200 * c + 16 * 30}
    nf4 = BYTES_PER_PARAM["nf4"]
    # default: the unquantized 200 in fp32, as prepare_model_for_kbit_training leaves them (what was measured)
    assert table["QLoRA (NF4 base)"]["weights"] == pytest.approx(1000 * nf4 + 200 * 4 + 4 * 30)
    assert table["QLoRA (NF4 base)"]["weights"] == pytest.approx(method_states(split, "qlora", compute)["weights"])
    assert table["QLoRA (NF4 base)"]["total"] == pytest.approx(method_states(split, "qlora", compute)["total"] + 4 * 30)
    unprepared = method_memory(split, compute, kbit_prepared=False)["QLoRA (NF4 base)"]
    assert unprepared["weights"] == pytest.approx(1000 * nf4 + 200 * c + 4 * 30)
