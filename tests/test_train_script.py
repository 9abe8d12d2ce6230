"""scripts/train_summarizer.py parses SFTConfig's own flags, with notebook 04's settings as defaults."""

import sys

import pytest

from helpers.paths import REPO_ROOT
from helpers.profiles import SEED_LORA_R, resolve_profile
from helpers.training import make_sft_config

sys.path.insert(0, str(REPO_ROOT / "scripts"))
from train_summarizer import parse_args


def test_defaults_are_notebook_04s_config() -> None:
    script, config = parse_args(["--profile", "smoke"])
    assert (script.profile, script.quantize, script.lora_r, script.n_test) == ("smoke", True, SEED_LORA_R, 0)
    expected = make_sft_config(resolve_profile("smoke", verbose=False), "runs/qlora")
    assert config.to_dict() == expected.to_dict()


def test_flags_have_the_librarys_names_and_reach_the_config() -> None:
    script, config = parse_args(["--profile", "smoke", "--no_quantize", "--lora_r", "8", "--max_steps", "3",
                                 "--learning_rate", "1e-3", "--per_device_train_batch_size", "2",
                                 "--packing", "false", "--output_dir", "runs/x", "--seed", "5"])
    assert not script.quantize and script.lora_r == 8
    assert (config.max_steps, config.learning_rate, config.per_device_train_batch_size) == (3, 1e-3, 2)
    assert (config.packing, config.output_dir, config.seed) == (False, "runs/x", 5)
    assert config.completion_only_loss  # what the flags did not name keeps the course's value
    _, dashed = parse_args(["--profile", "smoke", "--max-steps", "4"])  # dashes work too
    assert dashed.max_steps == 4


def test_an_unknown_flag_is_refused(capsys) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--profile", "smoke", "--lr", "1e-3"])  # the old short name
    assert "--lr" in capsys.readouterr().err
