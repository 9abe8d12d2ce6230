"""The course's LoRA config on Phi-2's real shape gives the trainable-parameter count we teach."""

from peft import get_peft_model

from helpers.models import PHI_LORA_TARGETS, count_parameters, make_lora_config, phi2_on_meta


def test_phi2_shape_matches_published_config() -> None:
    """The meta-device Phi-2 has the published shape and 2.78B parameters."""
    model = phi2_on_meta()
    cfg = model.config
    assert (cfg.hidden_size, cfg.num_hidden_layers, cfg.num_attention_heads) == (2560, 32, 32)
    assert (cfg.intermediate_size, cfg.vocab_size) == (10240, 51200)
    assert cfg.rope_parameters["partial_rotary_factor"] == 0.4
    assert count_parameters(model) == (2_779_683_840, 2_779_683_840)
    assert next(model.parameters()).device.type == "meta"


def test_course_lora_config_gives_20971520_trainable() -> None:
    """r=32 on q/k/v/dense over 32 layers: 32 * 4 * 32 * (2560 + 2560) = 20,971,520."""
    model = get_peft_model(phi2_on_meta(), make_lora_config(target_modules=PHI_LORA_TARGETS))
    trainable, total = count_parameters(model)
    assert trainable == 20_971_520 == 32 * 4 * 32 * (2560 + 2560)
    assert total == 2_800_655_360
    assert round(100 * trainable / total, 2) == 0.75


def test_old_module_names_match_nothing() -> None:
    """Phi-2's pre-transformers names (Wqkv, out_proj) no longer exist: LoRA on them must fail."""
    import pytest

    with pytest.raises(ValueError, match="not found"):
        get_peft_model(phi2_on_meta(), make_lora_config(target_modules=["Wqkv", "out_proj"]))
    assert PHI_LORA_TARGETS == ["q_proj", "k_proj", "v_proj", "dense"]
