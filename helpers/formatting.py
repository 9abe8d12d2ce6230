"""Format and tokenize for causal-LM fine-tuning: the summary prompt, prompt/completion rows, prompt
truncation that cuts the dialogue and never the completion (one rule for training rows and generation),
token lengths, a chat template, padding versus packing.

Taught in notebook 02 (sections 2.6-2.8); notebooks 04 and 05 and helpers.training reuse it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from datasets import Dataset

SUMMARY_PROMPT = "Summarize the following conversation:\n{dialogue}\nSummary:"


def format_summary_prompt(dialogue: str) -> str:
    """The seed recipe's prompt with `dialogue` filled in."""
    return SUMMARY_PROMPT.format(dialogue=dialogue)


def to_prompt_completion(ds: Dataset, tokenizer: Any = None, *, max_prompt_tokens: int | None = None,
                         max_length: int | None = None) -> Dataset:
    """DialogSum rows to TRL's prompt-completion format: id, prompt, completion (' ' + summary).

    With a tokenizer and max_prompt_tokens, a longer prompt loses dialogue tokens from its end ("Summary:"
    kept) by truncate_prompt: the rule generation applies (generate_summaries' max_prompt_tokens), so the
    model is trained on the prompts it will be asked. With max_length too, rows still longer than
    max_length are counted: packing would cut their summary's end (SummarizationSettings keeps
    max_prompt_tokens + max_new_tokens + EOS within max_length, so only a reference longer than anything
    generation may write is cut).
    """
    if (tokenizer is None) != (max_prompt_tokens is None):
        raise ValueError("pass both tokenizer and max_prompt_tokens to cut long prompts, or neither")
    if max_length is not None and tokenizer is None:
        raise ValueError("max_length needs a tokenizer (and max_prompt_tokens) to count rows that are too long")
    prompts = [format_summary_prompt(d) for d in ds["dialogue"]]
    completions = [" " + s for s in ds["summary"]]
    if tokenizer is not None:
        cut = [truncate_prompt(p, tokenizer, max_prompt_tokens) for p in prompts]
        n_cut = sum(c != p for c, p in zip(cut, prompts))
        message = (f"to_prompt_completion: {n_cut} of {len(prompts)} prompts cut to max_prompt_tokens="
                   f"{max_prompt_tokens} (dialogue cut at its end, as generation cuts it)")
        if max_length is not None:
            n_over = sum(sft_length(p, c, tokenizer) > max_length for p, c in zip(cut, completions))
            message += f"; {n_over} rows longer than max_length={max_length} (packing cuts their summary's end)"
        print(message)
        prompts = cut
    ids = {"id": list(ds["id"])} if "id" in ds.column_names else {}
    return Dataset.from_dict({**ids, "prompt": prompts, "completion": completions})


def sft_length(prompt: str, completion: str, tokenizer: Any) -> int:
    """Tokens of a prompt/completion row as TRL's SFTTrainer tokenizes it: prompt + completion + EOS text."""
    return len(tokenizer(prompt + completion + tokenizer.eos_token)["input_ids"])


def completion_lengths(ds: Dataset, tokenizer: Any) -> list[int]:
    """Completion tokens (EOS included) of each prompt/completion row, counted the way TRL's SFTTrainer does.

    TRL tokenizes prompt and prompt + completion + EOS, and the completion starts where they diverge.
    """
    eos = tokenizer.eos_token
    full = [p + c + ("" if c.endswith(eos) else eos) for p, c in zip(ds["prompt"], ds["completion"])]
    prompt_ids = tokenizer(list(ds["prompt"]))["input_ids"]
    full_ids = tokenizer(full)["input_ids"]
    return [len(f) - _common_prefix(p, f) for p, f in zip(prompt_ids, full_ids)]


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Number of leading items `a` and `b` share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _token_prefix(text: str, tokenizer: Any, n_tokens: int) -> str:
    """The start of `text` covered by its first `n_tokens` tokens (exact characters where offsets exist)."""
    if getattr(tokenizer, "is_fast", False):
        offsets = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return text[:offsets[n_tokens - 1][1]]
    return tokenizer.decode(tokenizer(text, add_special_tokens=False)["input_ids"][:n_tokens])


def _last_line_ids(prompt: str, tokenizer: Any) -> list[int]:
    """Token ids of the prompt's last line with its newline (the "Summary:" cue); [] if one line."""
    _, sep, cue = prompt.rpartition("\n")
    return tokenizer(sep + cue, add_special_tokens=False)["input_ids"] if sep else []


def truncate_prompt_ids(prompt: str, tokenizer: Any, room: int) -> list[int]:
    """Prompt token ids, at most `room`: the body (the dialogue) loses tokens from its end, the last line stays.

    Used for training rows (tokenize_prompt_completion; as text, truncate_prompt) and for generation
    (generate_summaries), so a long dialogue is cut the same way in both. Raises ValueError if `room`
    cannot hold the last line and one body token.
    """
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    if len(prompt_ids) <= room:
        return prompt_ids
    body, sep, _ = prompt.rpartition("\n")
    cue_ids = _last_line_ids(prompt, tokenizer)
    body_room = room - len(cue_ids)
    if body_room < 1:
        raise ValueError(f"room={room} tokens cannot hold the prompt's last line ({len(cue_ids)} "
                         f"tokens) and any of its body; allow at least {len(cue_ids) + 1}")
    body_ids = tokenizer(body if sep else prompt, add_special_tokens=False)["input_ids"]
    return body_ids[:body_room] + cue_ids


def truncate_prompt(prompt: str, tokenizer: Any, room: int) -> str:
    """`prompt` as text, cut as truncate_prompt_ids cuts its tokens: at most `room` tokens, the body loses its end.

    Training rows (to_prompt_completion) are text that TRL tokenizes; generation cuts token ids. Both cut the
    body (the dialogue) to the same first tokens and keep the last line ("Summary:").
    """
    ids = truncate_prompt_ids(prompt, tokenizer, room)  # raises if room cannot hold the last line
    if len(ids) == len(tokenizer(prompt, add_special_tokens=False)["input_ids"]):
        return prompt
    body, sep, cue = prompt.rpartition("\n")
    n_body = len(ids) - len(_last_line_ids(prompt, tokenizer))
    return _token_prefix(body if sep else prompt, tokenizer, n_body) + (sep + cue if sep else "")


def tokenize_prompt_completion(prompt: str, completion: str, tokenizer: Any,
                               max_length: int) -> dict[str, list[int]]:
    """Token ids for prompt + completion + EOS, with labels -100 over the prompt (not learned).

    Too long: the prompt loses tokens from the end of its body (the dialogue), while its last
    line (e.g. "Summary:") and the whole completion are kept (truncate_prompt_ids).
    """
    if tokenizer.eos_token_id is None:
        raise ValueError("the tokenizer has no eos_token_id; set tokenizer.eos_token first")
    target = tokenizer(completion, add_special_tokens=False)["input_ids"]
    target = [*target, tokenizer.eos_token_id]
    try:
        prompt_ids = truncate_prompt_ids(prompt, tokenizer, max_length - len(target))
    except ValueError:
        n_cue = len(_last_line_ids(prompt, tokenizer))
        raise ValueError(
            f"max_length={max_length} is too small: the completion needs {len(target)} "
            f"tokens (EOS included) and the prompt's last line {n_cue}; raise "
            f"max_length to at least {len(target) + n_cue + 1} or shorten the "
            f"completion.") from None
    input_ids = prompt_ids + target
    return {"input_ids": input_ids,
            "attention_mask": [1] * len(input_ids),
            "labels": [-100] * len(prompt_ids) + target}


def token_lengths(texts: Sequence[str], tokenizer: Any) -> list[int]:
    """Number of tokens of each text (no special tokens added)."""
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=False)["input_ids"]]


def percentile_rank(lengths: Sequence[int], max_length: int) -> float:
    """Percent of lengths that fit in `max_length`: the percentile the cut-off sits at."""
    if not lengths:
        raise ValueError("lengths is empty")
    return 100.0 * sum(n <= max_length for n in lengths) / len(lengths)


# --- formatting for causal-LM fine-tuning ------------------------------------------------
# A minimal chat template (Jinja, the format transformers' apply_chat_template uses); role
# markers in the style of instruction-tuned models such as Phi-3. The eos closes each answer.
SIMPLE_CHAT_TEMPLATE = (
    "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' + m['content'] }}"
    "{% if m['role'] == 'assistant' %}{{ eos_token }}{% endif %}{{ '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}"
)


def to_messages(dialogue: str, summary: str | None = None) -> list[dict[str, str]]:
    """A DialogSum row as chat messages: the instruction from the user, the summary from the assistant."""
    messages = [{"role": "user", "content": SUMMARY_PROMPT.removesuffix("\nSummary:").format(
        dialogue=dialogue)}]
    if summary is not None:
        messages.append({"role": "assistant", "content": summary})
    return messages


def tokenize_dialogsum(ds: Dataset, tokenizer: Any, max_length: int) -> Dataset:
    """Seed-prompt + summary token ids with the prompt masked (-100) in labels, for a Trainer."""
    def _one(row: dict) -> dict:
        return tokenize_prompt_completion(format_summary_prompt(row["dialogue"]), " " + row["summary"],
                                          tokenizer, max_length)
    return ds.map(_one, remove_columns=ds.column_names)


# --- padding versus packing --------------------------------------------------------------
def pad_fraction_padded(lengths: Sequence[int], batch_size: int, max_length: int | None = None) -> float:
    """Share of pad tokens when batches (in this order) pad to their longest, or to max_length."""
    if not lengths or batch_size < 1:
        raise ValueError("need at least one length and batch_size >= 1")
    real = total = 0
    for start in range(0, len(lengths), batch_size):
        batch = [min(n, max_length) if max_length else n for n in lengths[start:start + batch_size]]
        width = max_length or max(batch)
        real += sum(batch)
        total += width * len(batch)
    return 1 - real / total


def pack_lengths(lengths: Sequence[int], block_size: int) -> list[list[int]]:
    """First-fit-decreasing packing of whole examples into blocks of `block_size` tokens (indices)."""
    too_long = [n for n in lengths if n > block_size]
    if too_long:
        raise ValueError(f"{len(too_long)} examples are longer than block_size={block_size} "
                         f"(longest {max(too_long)}); truncate them first")
    blocks: list[list[int]] = []
    room: list[int] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        slot = next((b for b, free in enumerate(room) if free >= lengths[i]), None)
        if slot is None:
            blocks.append([])
            room.append(block_size)
            slot = len(blocks) - 1
        blocks[slot].append(i)
        room[slot] -= lengths[i]
    return blocks


def pad_fraction_packed(lengths: Sequence[int], block_size: int) -> float:
    """Share of pad tokens when whole examples are packed into blocks of `block_size`."""
    blocks = pack_lengths(lengths, block_size)
    return 1 - sum(lengths) / (len(blocks) * block_size)
