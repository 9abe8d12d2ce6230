"""Packing never cuts a summary: every completion + EOS reaches TRL's packed rows, with its loss mask.

TRL's `bfd` packing truncates each tokenized example to `max_length` from its END
(`pc.list_slice(column, 0, seq_length)` in `trl.data_utils._pack_bfd`), so a long dialogue used
to lose its summary tokens and EOS. `to_prompt_completion(ds, tokenizer, max_prompt_tokens=...)` cuts the
dialogue instead, as generation cuts it; with max_prompt_tokens + the longest summary + EOS within max_length
(SummarizationSettings' rule), no summary is cut. These tests build the real SFTTrainer and read the packed set.
"""

from __future__ import annotations

from collections import Counter

import pytest
import torch
from datasets import Dataset

from helpers.data import DATA_DIR, read_jsonl
from helpers.formatting import format_summary_prompt, to_prompt_completion
from helpers.models import TINY_PHI, phi_config, train_tokenizer
from helpers.profiles import Profile
from helpers.training import make_sft_config, packing_stats

P = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32)
MAX_LENGTH = 256  # with a 1,000-token vocabulary, about half the shipped examples are longer
N_LONG, N_SHORT = 12, 12


@pytest.fixture(scope="module")
def shipped() -> list[dict]:
    """The shipped DialogSum look-alike's training rows."""
    return read_jsonl(DATA_DIR / "dialogsum" / "train.jsonl")


@pytest.fixture(scope="module")
def tok(shipped):
    """A byte-level BPE tokenizer trained offline on a few hundred shipped texts; pad = eos."""
    texts = [t for r in shipped[:300] for t in (r["dialogue"], r["summary"])]
    tokenizer = train_tokenizer([*texts, format_summary_prompt("")], vocab_size=1000)
    tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


@pytest.fixture(scope="module")
def rows(shipped) -> Dataset:
    """The longest dialogues (longer than MAX_LENGTH tokens) and a few short ones."""
    by_length = sorted(shipped, key=lambda r: len(r["dialogue"]))
    return Dataset.from_list(by_length[-N_LONG:] + by_length[:N_SHORT])


def full_length(tok, prompt: str, completion: str) -> int:
    """Tokens of prompt + completion + EOS, tokenized as TRL does."""
    return len(tok(prompt + completion + tok.eos_token)["input_ids"])


def packed_trainer(tok, train_ds: Dataset, tmp_path):
    """A real SFTTrainer with the course config (bfd packing, completion-only loss); no training."""
    from transformers import PhiForCausalLM
    from trl import SFTTrainer

    torch.manual_seed(0)
    model = PhiForCausalLM(phi_config(TINY_PHI, vocab_size=len(tok), bos_token_id=tok.eos_token_id,
                                      eos_token_id=tok.eos_token_id, pad_token_id=tok.pad_token_id))
    args = make_sft_config(P, str(tmp_path), max_length=MAX_LENGTH, max_steps=2, eval_strategy="no",
                           save_strategy="no")
    assert args.packing and args.packing_strategy == "bfd" and args.completion_only_loss and args.use_cpu
    return SFTTrainer(model=model, args=args, train_dataset=train_ds, processing_class=tok)


def packed_completions(packed: Dataset) -> list[tuple[int, ...]]:
    """Per packed example: the token ids that carry a loss label (the completion the model learns)."""
    out = []
    for labels, lengths in zip(packed["labels"], packed["seq_lengths"]):
        start = 0
        for n in lengths:
            out.append(tuple(t for t in labels[start:start + n] if t != -100))
            start += n
    return out


def expected_completions(tok, summaries: list[str]) -> Counter:
    """Each summary's tokens (with the leading space of the completion) followed by EOS."""
    return Counter(tuple(tok(" " + s, add_special_tokens=False)["input_ids"]) + (tok.eos_token_id,)
                   for s in summaries)


def test_rows_include_examples_longer_than_max_length(rows, tok) -> None:
    lengths = [full_length(tok, format_summary_prompt(r["dialogue"]), " " + r["summary"]) for r in rows]
    assert sum(n > MAX_LENGTH for n in lengths) == N_LONG  # the case this file is about
    assert sum(n <= MAX_LENGTH for n in lengths) == N_SHORT


def test_unfitted_long_examples_lose_their_summary_and_packing_stats_says_so(rows, tok, tmp_path) -> None:
    """TRL's behavior without fitting: bfd keeps the start, so the summary end and EOS are dropped."""
    pc = to_prompt_completion(rows)
    trainer = packed_trainer(tok, pc, tmp_path)
    got = packed_completions(trainer.train_dataset)
    want = expected_completions(tok, rows["summary"])
    assert len(got) == len(rows)  # no example is dropped: they are cut
    assert sum(map(len, got)) < sum(len(c) * n for c, n in want.items())
    stats = packing_stats(trainer, pc)
    assert stats["examples_cut"] == N_LONG
    assert stats["completion_tokens_lost"] > 0
    assert stats["completion_tokens_packed"] == sum(map(len, got))


def summary_room(tok, summaries) -> int:
    """Prompt tokens left in a row of MAX_LENGTH beside the longest completion and its EOS (the settings' rule)."""
    return MAX_LENGTH - max(len(tok(" " + s, add_special_tokens=False)["input_ids"]) + 1 for s in summaries)


def test_cut_prompts_keep_every_completion_and_eos_in_the_packed_rows(rows, tok, tmp_path, capsys) -> None:
    room = summary_room(tok, rows["summary"])
    pc = to_prompt_completion(rows, tok, max_prompt_tokens=room, max_length=MAX_LENGTH)
    out = capsys.readouterr().out
    n_cut = sum(len(tok(format_summary_prompt(d))["input_ids"]) > room for d in rows["dialogue"])
    assert n_cut >= N_LONG and f"{n_cut} of {len(rows)} prompts cut" in out and "0 rows longer than" in out
    for prompt, completion in zip(pc["prompt"], pc["completion"]):
        assert prompt.startswith("Summarize the following conversation:\n#Person")
        assert prompt.endswith("\nSummary:")  # the cue line is kept
        assert len(tok(prompt)["input_ids"]) <= room
        assert full_length(tok, prompt, completion) <= MAX_LENGTH
    assert pc["completion"] == [" " + s for s in rows["summary"]]  # summaries untouched

    trainer = packed_trainer(tok, pc, tmp_path)
    packed = trainer.train_dataset
    got = packed_completions(packed)
    want = expected_completions(tok, rows["summary"])
    assert Counter(got) == want  # every example's full completion + EOS, under the loss mask
    assert sum(map(len, got)) == sum(len(c) * n for c, n in want.items())
    assert all(len(ids) <= MAX_LENGTH for ids in packed["input_ids"])
    stats = packing_stats(trainer, pc)
    assert stats["examples"] == len(rows) and stats["examples_missing"] == 0
    assert stats["examples_cut"] == 0 and stats["completion_tokens_lost"] == 0
    assert stats["completion_tokens_expected"] == stats["completion_tokens_packed"] == sum(map(len, got))


def test_a_summary_longer_than_the_row_allows_is_counted_and_its_cut_measured(tok, tmp_path, capsys) -> None:
    long_summary = Dataset.from_list([{"id": "x", "dialogue": "#Person1#: Hi.\n#Person2#: Hello.",
                                       "summary": "They talk. " * 200, "topic": "t"}])
    pc = to_prompt_completion(long_summary, tok, max_prompt_tokens=64, max_length=MAX_LENGTH)
    assert f"1 rows longer than max_length={MAX_LENGTH}" in capsys.readouterr().out
    stats = packing_stats(packed_trainer(tok, pc, tmp_path), pc)
    assert stats["examples_cut"] == 1 and stats["completion_tokens_lost"] > 0
    with pytest.raises(ValueError, match="cannot hold the prompt's last line"):
        to_prompt_completion(long_summary, tok, max_prompt_tokens=1)
