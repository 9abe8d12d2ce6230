"""Chat data, preference pairs and a programmatic judge for instruction and preference tuning.

Taught in notebook 06: conversations checked and turned into TRL's conversational
prompt-completion rows (the loss covers only the assistant reply, also for SmolLM2-135M-Instruct,
whose chat template has no `{% generation %}` markers), three text-to-text tasks on the shipped data
(summarize, sentiment, extract), DPO pairs from simulated user feedback, and a judge made of checks
(facts supported by the dialogue, length, stopping) with a win rate and its bootstrap interval.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import torch

from .data import SENTIMENT_LABELS
from .formatting import SUMMARY_PROMPT, _common_prefix
from .metrics import _WORD, bootstrap_ci, unsupported_details

Message = dict[str, str]
ROLES = ("system", "user", "assistant")


# --- conversations -----------------------------------------------------------------------
def validate_messages(messages: Any, name: str = "conversation") -> list[Message]:
    """Raise ValueError unless `messages` is a list of {"role", "content"} turns with a user turn.

    Roles are system/user/assistant, a system turn only comes first, no content is empty.
    `name` (e.g. "conversation 3") starts every error message, so a bad row in a set can be found.
    """
    if not isinstance(messages, list) or not messages:
        raise ValueError(f"{name} is not a non-empty list of messages: pass [{{'role': 'user', 'content': ...}}, ...]")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or "role" not in m or "content" not in m:
            raise ValueError(f"{name}, turn {i}: {m!r} is not a dict with 'role' and 'content'")
        if m["role"] not in ROLES:
            raise ValueError(f"{name}, turn {i}: unknown role {m['role']!r}; use one of {list(ROLES)}")
        if not isinstance(m["content"], str) or not m["content"].strip():
            raise ValueError(f"{name}, turn {i} ({m['role']}) has empty content: write the text or drop the turn")
        if m["role"] == "system" and i > 0:
            raise ValueError(f"{name}, turn {i}: a system turn must come first; move it to the start")
    if not any(m["role"] == "user" for m in messages):
        raise ValueError(f"{name} has no user turn: add the request the model should answer")
    return messages


def to_prompt_completion_chat(instruction: str, user_input: str, answer: str,
                              system: str | None = None) -> dict[str, list[Message]]:
    """One training row in TRL's conversational prompt-completion format.

    prompt: an optional system turn, then one user turn "instruction\\ninput"; completion: one assistant turn.
    """
    for label, text in (("instruction", instruction), ("input", user_input), ("answer", answer)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"the {label} is empty: every example needs an instruction, an input and an answer")
    if system is not None and not system.strip():
        raise ValueError("system is empty: pass None to leave it out (the chat template may add its default)")
    prompt = ([{"role": "system", "content": system}] if system is not None else [])
    prompt.append({"role": "user", "content": f"{instruction}\n{user_input}"})
    return {"prompt": prompt, "completion": [{"role": "assistant", "content": answer}]}


def conversation_to_example(messages: Any, name: str = "conversation") -> dict[str, list[Message]]:
    """A conversation ending in the assistant's reply, as prompt (every turn before it) and completion (it).

    Earlier assistant turns stay in the prompt: they are context, not learned; only the last reply is.
    """
    validate_messages(messages, name)
    if not any(m["role"] == "assistant" for m in messages):
        raise ValueError(f"{name} has no assistant turn: add the reply the model should learn")
    if messages[-1]["role"] != "assistant":
        raise ValueError(f"{name} ends with a {messages[-1]['role']} turn, not the assistant's: end it with the "
                         f"reply the model should learn, or drop the turns after it")
    if messages[-2]["role"] != "user":  # TRL would continue that turn instead of starting a reply
        raise ValueError(f"{name}: the last reply follows a {messages[-2]['role']} turn; the turn before the "
                         f"reply must be the user's")
    return {"prompt": messages[:-1], "completion": messages[-1:]}


# --- three tasks on the shipped data -----------------------------------------------------
EXTRACT_KEYS = ("type", "name", "day", "time", "party_size", "nights")
TASK_INSTRUCTIONS = {
    "summarize": SUMMARY_PROMPT.split("\n")[0],  # the seed's wording, as formatting.to_messages
    "sentiment": "Classify the sentiment of the following review as negative, neutral or positive:",
    "extract": (f"Extract the booking from the following conversation as JSON with the keys "
                f"{', '.join(EXTRACT_KEYS)} (null where the conversation does not say):"),
}
TASKS = tuple(TASK_INSTRUCTIONS)

# The generator's (data/make_dialogsum.py) fixed sentences that state a booking. Anchored on the
# speaker, so only the staff's confirmation counts, never the customer's first (maybe refused) request.
_DAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_TIME = r"\d{1,2}(?::\d{2})? [ap]m"


def _turn(speaker: str, *bodies: str) -> list[re.Pattern]:
    """Patterns for one whole turn of `speaker` (1 customer, 2 staff) saying one of `bodies`."""
    return [re.compile(rf"^#Person{speaker}#: {body}$", re.MULTILINE) for body in bodies]


_PATTERNS: dict[str, list[re.Pattern]] = {
    "restaurant": _turn("2", rf"So that's a table for (?P<party_size>\d+) on (?P<day>{_DAY}) at (?P<time>{_TIME}), "
                             rf"under (?P<name>\w+)\.",
                        rf"Great\. (?P<name>\w+), a table for (?P<party_size>\d+), (?P<day>{_DAY}) at "
                        rf"(?P<time>{_TIME})\."),
    "doctor": _turn("2", rf"So that's (?P<day>{_DAY}) at (?P<time>{_TIME}) with Doctor \w+\.",
                    rf"Good\. You're booked with Doctor \w+, (?P<day>{_DAY}) at (?P<time>{_TIME})\."),
    "doctor name": _turn("1", r"(?:It's )?(?P<name>[A-Z]\w+ [A-Z]\w+)\."),  # the patient, answering "your name?"
    "hotel": _turn("1", r"Hi, I have a reservation under (?P<name>\w+)\.",
                   r"Yes, the booking is under (?P<name>\w+)\."),
    "hotel nights": _turn("2", r"Let me see\. A [a-z ]+ for (?P<nights>\d+) nights, is that right\?",
                          r"Yes, \w+, a [a-z ]+, (?P<nights>\d+) nights\."),
}
_EXTRACT_TOPICS = {"restaurant booking": "restaurant", "doctor appointment": "doctor", "hotel check-in": "hotel"}


def _one_match(dialogue: str, kind: str) -> dict[str, str] | None:
    """The named groups of the only turn matching a `kind` pattern, or None when none or several match."""
    found = [m for p in _PATTERNS[kind] for m in p.finditer(dialogue)]
    return found[0].groupdict() if len(found) == 1 else None


def extract_booking(row: dict) -> tuple[dict | None, str | None]:
    """The booking stated in a shipped dialogue, read exactly from the generator's fixed sentences, or a reason.

    Exact by construction, not a guess: data/make_dialogsum.py writes each booking detail in a fixed staff
    confirmation (restaurant: "So that's a table for 4 on Friday at 7 pm, under Ashford." or its variant;
    doctor: "So that's Tuesday at 9 am with Doctor Oakley." and the patient's "It's Anna Holton."; hotel:
    "I have a reservation under Marshby." and "A suite for 3 nights, is that right?"). The confirmation
    carries the final values (after a refused time or a moved appointment), so no guessing which of two
    times counts. Other topics, and a fully booked restaurant (nothing confirmed), return a reason instead.
    Keys are EXTRACT_KEYS; a detail the conversation never states is None (null in JSON).
    """
    kind = _EXTRACT_TOPICS.get(row.get("topic", ""))
    if kind is None:
        return None, "no booking in this topic"
    dialogue = row["dialogue"]
    found = _one_match(dialogue, kind)
    if kind == "doctor" and found:
        patient = _one_match(dialogue, "doctor name")
        found = {**found, **patient} if patient else None
    if kind == "hotel" and found:
        nights = _one_match(dialogue, "hotel nights")
        found = {**found, **nights} if nights else None
    if found is None:
        return None, f"{row['topic']}: no single confirmation turn (e.g. fully booked)"
    booking = {key: found.get(key) for key in EXTRACT_KEYS}
    booking["type"] = kind
    for key in ("party_size", "nights"):
        booking[key] = int(booking[key]) if booking[key] is not None else None
    return booking, None


def _label_name(label: Any) -> str | None:
    """A sentiment label as its name (ClassLabel ids from a Dataset, or names from the files)."""
    if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(SENTIMENT_LABELS):
        return SENTIMENT_LABELS[label]
    return label if label in SENTIMENT_LABELS else None


def _task_example(row: dict, task: str) -> tuple[dict | None, str | None]:
    """One row as a `task` example, or (None, the reason it cannot be one)."""
    needs = {"summarize": ("dialogue", "summary"), "sentiment": ("text", "label"), "extract": ("dialogue",)}[task]
    for col in needs:
        value = row.get(col)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, f"missing or empty {col}"
    if task == "summarize":
        answer = row["summary"]
    elif task == "sentiment":
        # The label alone, no reason: the shipped rows keep no record of the template that built a text, and
        # 4% carry a label their text was not built for (label noise, data/make_sentiment.py), so a reason
        # read off the text would argue against the label on exactly those rows.
        answer = _label_name(row["label"])
        if answer is None:
            return None, "label not one of " + "/".join(SENTIMENT_LABELS)
    else:
        booking, reason = extract_booking(row)
        if booking is None:
            return None, reason
        answer = json.dumps(booking)  # keys in EXTRACT_KEYS order: one exact string to learn
    user_input = row["text"] if task == "sentiment" else row["dialogue"]
    example = to_prompt_completion_chat(TASK_INSTRUCTIONS[task], user_input, answer)
    if task == "summarize" and row.get("references"):  # DialogSum's test dialogues have several (score_replies)
        example["references"] = list(row["references"])
    return example, None


def build_task_examples(rows: Iterable[dict], task: str) -> tuple[list[dict], dict[str, int]]:
    """Rows (shipped DialogSum or sentiment) as conversational prompt-completion examples of one task.

    Returns the examples and counts: "rows in", "used", and one count per reason a row was skipped.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; use one of {list(TASKS)}")
    examples, skipped, n = [], Counter(), 0
    for row in rows:
        n += 1
        example, reason = _task_example(row, task)
        if example is None:
            skipped[reason] += 1
        else:
            examples.append(example)
    return examples, {"rows in": n, "used": len(examples), **skipped}


# --- scoring each task's replies ----------------------------------------------------------
def parse_sentiment(reply: str) -> str | None:
    """The sentiment label a reply names: the first of negative/neutral/positive in it as a word, else None.

    A chatty reply ("The sentiment is positive.") counts; one naming no label, or a word such as "positively"
    only, does not (None is scored wrong, never guessed).
    """
    found = re.search(r"\b(" + "|".join(SENTIMENT_LABELS) + r")\b", reply.lower())
    return found.group(1) if found else None


def parse_booking(reply: str) -> dict | None:
    """The first JSON object in a reply (a model may add words around it), or None if there is none."""
    start = reply.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(reply[start:])
        except json.JSONDecodeError:
            start = reply.find("{", start + 1)
            continue
        return value if isinstance(value, dict) else None
    return None


def booking_fields_correct(reply: str, booking: dict) -> dict[str, Any]:
    """Exact-match scoring of an extraction reply against the true booking (extract_booking's dict).

    "valid": the reply holds a JSON object; "fields": per key of EXTRACT_KEYS, whether the value equals the truth
    (numbers compared as numbers, text case- and space-insensitively; a missing key is wrong); "share": the share
    of keys right (0 for no JSON); "exact": all keys right.
    """
    missing = [k for k in EXTRACT_KEYS if k not in booking]
    if missing:
        raise ValueError(f"the true booking lacks {missing}: pass extract_booking's dict (keys {list(EXTRACT_KEYS)})")
    predicted = parse_booking(reply)

    def same(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return a is None and b is None
        if isinstance(b, int) and not isinstance(b, bool):
            try:
                return int(str(a).strip()) == b
            except ValueError:
                return False
        return _norm(str(a)).lower() == _norm(str(b)).lower()

    fields = {k: predicted is not None and k in predicted and same(predicted[k], booking[k]) for k in EXTRACT_KEYS}
    share = sum(fields.values()) / len(fields)
    return {"valid": predicted is not None, "fields": fields, "share": share, "exact": share == 1.0}


# --- what the trainer sees ---------------------------------------------------------------
def render_chat(tokenizer: Any, example: dict) -> tuple[str, str]:
    """(prompt_text, completion_text) as TRL renders a conversational prompt-completion row.

    As trl.data_utils.apply_chat_template: the prompt with the generation prompt, then the rest of the
    whole conversation; where a template renders the prompt alone differently, the common prefix counts.
    """
    prompt = tokenizer.apply_chat_template(example["prompt"], tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(example["prompt"] + example["completion"], tokenize=False)
    n = _common_prefix(prompt, full)
    return full[:n], full[n:]


def assistant_mask(tokenizer: Any, example: dict) -> tuple[list[int], list[int]]:
    """Token ids of the whole row and a 0/1 mask, 1 over the tokens the loss covers (the completion).

    As SFTTrainer tokenizes conversational prompt-completion rows (trl/trainer/sft_trainer.py,
    tokenize_fn): prompt with generation prompt, and prompt + completion, each through the chat
    template; the completion starts where the two token sequences diverge.
    """
    def ids(messages: list[Message], **kwargs: Any) -> list[int]:
        return list(tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, **kwargs)["input_ids"])

    prompt_ids = ids(example["prompt"], add_generation_prompt=True)
    full_ids = ids(example["prompt"] + example["completion"])
    n = _common_prefix(prompt_ids, full_ids)
    return full_ids, [0] * n + [1] * (len(full_ids) - n)


# --- preference pairs (DPO) --------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join(text.split())


def make_preference_pair(prompt: str | list[Message], chosen: str, rejected: str) -> dict[str, list[Message]]:
    """A conversational preference row for TRL's DPOTrainer: prompt turns, chosen and rejected replies."""
    if isinstance(prompt, str):
        if not prompt.strip():
            raise ValueError("the prompt is empty: a preference pair answers a request")
        prompt = [{"role": "user", "content": prompt}]
    validate_messages(prompt, "the prompt")
    if prompt[-1]["role"] != "user":
        raise ValueError("the prompt must end with a user turn: the replies answer it")
    for label, text in (("chosen", chosen), ("rejected", rejected)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"the {label} reply is empty: a pair needs two real replies to compare")
    if _norm(chosen) == _norm(rejected):
        raise ValueError("chosen and rejected are the same text (ignoring whitespace): the pair teaches nothing; "
                         "drop it or write a worse rejected reply")
    return {"prompt": prompt, "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}]}


LENGTH_BAND = (0.5, 1.5)  # a summary's words as a share of the reference's: inside this band passes
RUN_ON_FACTOR = 2.0  # a simulated run-on has at least this many times the reference's words (> LENGTH_BAND[1])
# Invented surnames for the "invented detail" rejects: none is in data/make_dialogsum.py's banks.
INVENTED_NAMES = ["Quillfeather", "Marrowgate", "Pendragon", "Vexley", "Orrinshaw", "Tullamore", "Brackwater",
                  "Zellick", "Hobbisford", "Caradine"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def _swap_value(word: str, known: set[str], rng: random.Random) -> str | None:
    """A replacement for a name or number that does not occur in the dialogue (`known`), or None."""
    number = re.fullmatch(r"(\d+)(st|nd|rd|th)?", word)
    if number:
        value, ordinal = int(number.group(1)), number.group(2)
        for step in rng.sample([1, 2, 3, 4, 5, 7], 6):
            new = value + step
            suffix = "th" if 10 <= new % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(new % 10, "th")
            new_word = f"{new}{suffix if ordinal else ''}"
            if new_word.lower() not in known:
                return new_word
        return None
    bank = next((b for b in (_DAYS, _MONTHS) if word in b), INVENTED_NAMES)  # a day for a day, a name for a name
    options = [w for w in bank if w.lower() not in known]
    return rng.choice(options) if options else None


def invent_detail(summary: str, dialogue: str, rng: random.Random) -> str | None:
    """`summary` with one name, day or number swapped for one the dialogue never says; None if none swaps.

    The swap counts only if unsupported_details (the judge's check) then flags the new word.
    """
    known = {w.lower() for w in _WORD.findall(dialogue)}
    words = sorted({w for w in _WORD.findall(summary)  # speaker tags (#Person1#) are no detail
                    if not w.startswith("#") and (any(c.isdigit() for c in w) or w[0].isupper())})
    for word in rng.sample(words, len(words)):
        new = _swap_value(word, known, rng)
        if new is None:
            continue
        rejected = re.sub(rf"\b{re.escape(word)}\b", new, summary)
        # the swap must add an unsupported detail, not replace one the summary already invented (then the checks tie)
        if new in unsupported_details(rejected, dialogue) and \
                len(unsupported_details(rejected, dialogue)) > len(unsupported_details(summary, dialogue)):
            return rejected
    return None


def run_on(summary: str, factor: float = RUN_ON_FACTOR) -> str:
    """`summary` followed by its own sentences again until it has `factor` times its words (a model not stopping)."""
    sentences = re.split(r"(?<=[.!?])\s+", summary.strip())
    out, i = summary.strip(), 0
    while len(out.split()) < factor * len(summary.split()):
        out += " " + sentences[i % len(sentences)]
        i += 1
    return out


def simulated_feedback_pairs(rows: Iterable[dict], seed: int
                             ) -> tuple[list[dict], dict[str, int], dict[str, int]]:
    """Preference pairs as a simulated user would judge replies; the same seed gives the same pairs.

    chosen: the reference (summary or label). rejected, per row: a DialogSum row gets, at random, an
    "invented detail" (invent_detail) or a "run-on" (run_on, RUN_ON_FACTOR times the reference's words);
    a sentiment row gets a "wrong label". Prompts are build_task_examples' prompts, so DPO continues SFT.
    Each pair also carries "kind" and "id" (the row's id, or "row_<i>"), which DPOTrainer leaves unused.
    Returns the pairs, a count per kind, and a count per reason a row was skipped.
    """
    rng = random.Random(seed)
    pairs, kinds, skipped = [], Counter(), Counter()
    for i, row in enumerate(rows):
        task = "summarize" if "dialogue" in row else "sentiment" if "text" in row else None
        if task is None:
            skipped["neither a dialogue nor a review row"] += 1
            continue
        example, reason = _task_example(row, task)
        if example is None:
            skipped[reason] += 1
            continue
        chosen = example["completion"][0]["content"]
        if task == "sentiment":
            kind, rejected = "wrong label", rng.choice([x for x in SENTIMENT_LABELS if x != chosen])
        else:
            kind = rng.choice(["invented detail", "run-on"])
            rejected = invent_detail(chosen, row["dialogue"], rng) if kind == "invented detail" else run_on(chosen)
            if rejected is None:
                skipped["no name, day or number to swap"] += 1
                continue
        pair = make_preference_pair(example["prompt"], chosen, rejected)
        pairs.append({**pair, "kind": kind, "id": row.get("id", f"row_{i}")})
        kinds[kind] += 1
    return pairs, dict(kinds), dict(skipped)


# --- a programmatic judge ----------------------------------------------------------------
def judge_summary(summary: str, dialogue: str, reference_words: int | None = None,
                  stopped: bool = True) -> dict[str, Any]:
    """Checks of one summary: facts supported by the dialogue, length in LENGTH_BAND of the reference, stopped.

    "length_ok" is None (not checked) without reference_words. "score" is the share of checks passed,
    "pass" whether all passed; "unsupported" lists the names and numbers the dialogue never says.
    """
    unsupported = unsupported_details(summary, dialogue)
    words = len(summary.split())
    length_ok = None
    if reference_words is not None:
        if reference_words < 1:
            raise ValueError(f"reference_words must be >= 1, got {reference_words}")
        length_ok = LENGTH_BAND[0] * reference_words <= words <= LENGTH_BAND[1] * reference_words
    checks = {"non_empty": words > 0, "supported": not unsupported, "stopped": bool(stopped), "length_ok": length_ok}
    applied = [ok for ok in checks.values() if ok is not None]
    return {**checks, "unsupported": unsupported, "words": words,
            "score": sum(applied) / len(applied), "pass": all(applied)}


def judge_pair(a: str, b: str, dialogue: str, reference_words: int | None = None,
               stopped_a: bool = True, stopped_b: bool = True) -> int:
    """+1 if summary `a` is better, -1 if `b` is, 0 for a tie; a fixed order of checks decides.

    In order, the first that differs decides: non-empty; fewer unsupported names and numbers (a wrong
    fact is the worst failure); stopped at EOS; length inside LENGTH_BAND (when reference_words is
    given). All equal: a tie, whatever else differs (wording is left to ROUGE and to people).
    """
    ja = judge_summary(a, dialogue, reference_words, stopped_a)
    jb = judge_summary(b, dialogue, reference_words, stopped_b)

    def key(j: dict) -> tuple:
        return (j["non_empty"], -len(j["unsupported"]), j["stopped"], bool(j["length_ok"]))

    return (key(ja) > key(jb)) - (key(ja) < key(jb))


def win_rate(outcomes: Sequence[int], n_resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """Wins, ties, losses and the win rate (a tie counts half) with its percentile-bootstrap 95% interval."""
    bad = [o for o in outcomes if o not in (-1, 0, 1)]
    if bad:
        raise ValueError(f"outcomes must be +1 (win), 0 (tie) or -1 (loss), as judge_pair returns; got {bad[:3]}")
    if len(outcomes) == 0:
        raise ValueError("outcomes is empty: judge at least one pair")
    rate, low, high = bootstrap_ci([(o + 1) / 2 for o in outcomes], n_resamples=n_resamples, seed=seed)
    return {"n": len(outcomes), "wins": sum(o == 1 for o in outcomes), "ties": sum(o == 0 for o in outcomes),
            "losses": sum(o == -1 for o in outcomes), "win_rate": rate, "ci_low": low, "ci_high": high}


# --- fitting chat prompts into a row --------------------------------------------------------
def prompt_tokens(tokenizer: Any, messages: list[Message]) -> int:
    """Tokens of the rendered prompt, generation prompt included (what the model reads before replying)."""
    return len(tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True,
                                             return_dict=True)["input_ids"])


def fit_prompt(example: dict, tokenizer: Any, room: int) -> tuple[dict, bool]:
    """`example` with its last user turn cut from the end until the rendered prompt has at most `room` tokens
    (notebook 04's rule: a long dialogue loses its end, the instruction stays); and whether it was cut."""
    if prompt_tokens(tokenizer, example["prompt"]) <= room:
        return example, False
    *before, last = example["prompt"]
    ids = tokenizer(last["content"], add_special_tokens=False)["input_ids"]
    keep = len(ids) - (prompt_tokens(tokenizer, example["prompt"]) - room)
    while keep > 0:
        cut = [*before, {**last, "content": tokenizer.decode(ids[:keep]).rstrip()}]
        if prompt_tokens(tokenizer, cut) <= room:
            return {**example, "prompt": cut}, True
        keep -= 1
    raise ValueError(f"room={room} tokens cannot hold even the template and the earlier turns; raise it")


# --- generation from chat prompts -----------------------------------------------------------
@torch.no_grad()
def generate_replies(model: Any, tokenizer: Any, prompts: Sequence[list[Message]], max_new_tokens: int,
                     token_budget: int, max_batch_size: int | None = None) -> tuple[list[str], list[bool]]:
    """Greedy replies to chat prompts, in input order, and per reply whether it ended with the template's eos.

    Each prompt is rendered by the chat template with the generation prompt (the assistant turn's opening), as
    training rendered it; batches hold at most `token_budget` tokens, rows x (longest prompt + max_new_tokens)
    (helpers.memory.generation_batches), left-padded so new tokens follow every prompt.
    """
    from .memory import generation_batches
    from .profiles import show_progress

    if isinstance(prompts, (str, dict)) or not isinstance(prompts, Sequence):
        raise TypeError(f"pass a list of prompts (each a list of messages), not {type(prompts).__name__}")
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    for i, prompt in enumerate(prompts):
        validate_messages(prompt, f"prompt {i}")
        if prompt[-1]["role"] != "user":
            raise ValueError(f"prompt {i} ends with the {prompt[-1]['role']}'s turn: a reply answers a user turn")
    ids = [list(tokenizer.apply_chat_template(p, add_generation_prompt=True, tokenize=True,
                                              return_dict=True)["input_ids"]) for p in prompts]
    replies, stopped = [""] * len(ids), [False] * len(ids)
    if not ids:
        return replies, stopped
    batches = generation_batches([len(x) for x in ids], max_new_tokens, token_budget, max_batch_size)
    if show_progress():  # a bar for a learner; none in papermill runs (COURSE_PROGRESS=0)
        from tqdm.auto import tqdm

        batches = tqdm(batches, desc=f"generating {len(ids)} replies", unit="batch")
    was_training = model.training
    model.eval()
    old_side, tokenizer.padding_side = tokenizer.padding_side, "left"
    device = next(model.parameters()).device
    try:
        for batch in batches:
            enc = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt").to(device)
            out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, use_cache=True,
                                 pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id)
            new_ids = out[:, enc["input_ids"].shape[1]:]
            ended = (new_ids == tokenizer.eos_token_id).any(dim=1).tolist()
            for i, text, end in zip(batch, tokenizer.batch_decode(new_ids, skip_special_tokens=True), ended):
                replies[i], stopped[i] = text.strip(), bool(end)
    finally:
        tokenizer.padding_side = old_side
        model.train(was_training)
    return replies, stopped


def score_replies(task: str, replies: Sequence[str], examples: Sequence[dict]) -> list[float]:
    """Per-example scores of `replies` to `examples` (build_task_examples rows, same order), each task its metric.

    summarize: ROUGE-L against the reference (each example's "references" when it has several, else its
    completion); sentiment: 1.0 if the reply names the right label (parse_sentiment), else 0.0; extract: the share
    of booking fields exactly right (booking_fields_correct).
    """
    from .metrics import rouge_per_example

    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; use one of {list(TASKS)}")
    if len(replies) != len(examples):
        raise ValueError(f"got {len(replies)} replies for {len(examples)} examples: pass one reply per example")
    truths = [e["completion"][0]["content"] for e in examples]
    if task == "summarize":
        refs = [e.get("references") or [t] for e, t in zip(examples, truths)]
        return rouge_per_example(list(replies), refs)["rougeL"] if replies else []
    if task == "sentiment":
        return [float(parse_sentiment(r) == t) for r, t in zip(replies, truths)]
    return [booking_fields_correct(r, json.loads(t))["share"] for r, t in zip(replies, truths)]


# --- an LLM as judge ----------------------------------------------------------------------
JUDGE_INSTRUCTION = ("Here is a conversation and two summaries of it. Which summary is better: correct facts "
                     "that the conversation supports, and short? Answer with one letter, A or B.")


def judge_messages(dialogue: str, a: str, b: str) -> list[Message]:
    """A chat prompt asking a model which of two summaries of `dialogue` is better (answer: A or B)."""
    for label, text in (("dialogue", dialogue), ("summary A", a), ("summary B", b)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"the {label} is empty: the judge compares two summaries of one conversation")
    return [{"role": "user", "content": f"{JUDGE_INSTRUCTION}\n\nConversation:\n{dialogue}\n\n"
                                        f"Summary A: {a}\n\nSummary B: {b}"}]


def parse_verdict(reply: str) -> str | None:
    """"A" or "B": the first "Summary A/B" or lone letter in the reply, skipping the article "A" before a word
    ("A better summary is B" -> "B"); None when the reply names neither."""
    found = re.search(r"\b[Ss]ummary\s+([AB])\b|\b([AB])\b(?!\s+[a-z])", reply)
    return (found.group(1) or found.group(2)) if found else None


# --- bias checks --------------------------------------------------------------------------
def swap_names(text: str, mapping: dict[str, str]) -> tuple[str, int]:
    """`text` with every whole-word occurrence of a name in `mapping` replaced by its counterpart; and how many.

    All names swap at once (A->B and B->A in one mapping works), so a swap is never swapped back.
    """
    if not mapping:
        raise ValueError("mapping is empty: pass {name: replacement, ...}")
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True)) + r")\b")
    swapped, n = pattern.subn(lambda m: mapping[m.group(1)], text)
    return swapped, n
