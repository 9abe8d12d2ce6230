"""Format and tokenize for causal-LM fine-tuning: the summary prompt, prompt/completion rows, prompt
truncation that never cuts the completion, token lengths, a chat template, padding versus packing.

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


def to_prompt_completion(ds: Dataset, tokenizer: Any = None, max_length: int | None = None) -> Dataset:
    """DialogSum rows to TRL's prompt-completion format: id, prompt, completion (' ' + summary).

    With a tokenizer and max_length, a prompt too long for prompt + completion + EOS to fit loses
    dialogue tokens from its end (fit_prompt), so packing, which cuts from the end, never cuts a summary.
    """
    if (tokenizer is None) != (max_length is None):
        raise ValueError("pass both tokenizer and max_length to fit the prompts, or neither")
    prompts = [format_summary_prompt(d) for d in ds["dialogue"]]
    completions = [" " + s for s in ds["summary"]]
    if tokenizer is not None:
        fitted = [fit_prompt(p, c, tokenizer, max_length) for p, c in zip(prompts, completions)]
        n_cut = sum(f != p for f, p in zip(fitted, prompts))
        print(f"to_prompt_completion: {n_cut} of {len(prompts)} prompts shortened (dialogue cut at its end) "
              f"so that prompt + summary + EOS fit max_length={max_length}")
        prompts = fitted
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


def fit_prompt(prompt: str, completion: str, tokenizer: Any, max_length: int) -> str:
    """`prompt` with its body cut from the end (last line kept, as in tokenize_prompt_completion) to fit max_length."""
    if tokenizer.eos_token is None:
        raise ValueError("the tokenizer has no eos_token; set tokenizer.eos_token first")
    over = sft_length(prompt, completion, tokenizer) - max_length
    if over <= 0:
        return prompt
    body, sep, cue = prompt.rpartition("\n")
    body, cue = (body, sep + cue) if sep else (prompt, "")
    room = len(tokenizer(body, add_special_tokens=False)["input_ids"]) - over
    while room >= 1:
        fitted = _token_prefix(body, tokenizer, room) + cue
        over = sft_length(fitted, completion, tokenizer) - max_length
        if over <= 0:
            return fitted
        room -= over  # tokens can merge differently once cut: take off what is still over
    need = sft_length(cue, completion, tokenizer)
    raise ValueError(f"max_length={max_length} is too small: the completion, EOS and the prompt's last line "
                     f"alone take {need} tokens; raise max_length to at least {need + 1} or shorten the "
                     f"completion.")


def _last_line_ids(prompt: str, tokenizer: Any) -> list[int]:
    """Token ids of the prompt's last line with its newline (the "Summary:" cue); [] if one line."""
    _, sep, cue = prompt.rpartition("\n")
    return tokenizer(sep + cue, add_special_tokens=False)["input_ids"] if sep else []


def truncate_prompt_ids(prompt: str, tokenizer: Any, room: int) -> list[int]:
    """Prompt token ids, at most `room`: the body (the dialogue) loses tokens from its end, the last line stays.

    Used for training rows (tokenize_prompt_completion) and for generation (generate_summaries), so a
    long dialogue is cut the same way in both. Raises ValueError if `room` cannot hold the last line
    and one body token.
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
