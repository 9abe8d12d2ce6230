"""Unit tests for helpers.chat: conversations, task examples, the loss mask, preference pairs, the judge."""

from __future__ import annotations

import json
import random
import re

import pytest
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import AutoTokenizer, PreTrainedTokenizerFast

from helpers import chat as C
from helpers.compat import checkpointing_args
from helpers.data import DATA_DIR, SENTIMENT_LABELS, read_jsonl
from helpers.formatting import to_messages
from helpers.models import offline_base_path

# SmolLM2-135M-Instruct's chat template (ChatML, a default system turn, no {% generation %} markers).
CHATML_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
DIALOGUE = "#Person1#: Can I book a table for 4 on Friday at 7 pm?\n#Person2#: Yes. What name?\n#Person1#: Ashford."
SUMMARY = "#Person1# books a table for 4 on Friday at 7 pm under Ashford."


@pytest.fixture(scope="module")
def dialogsum() -> dict[str, list[dict]]:
    return {split: read_jsonl(DATA_DIR / "dialogsum" / f"{split}.jsonl") for split in ("train", "validation", "test")}


@pytest.fixture(scope="module")
def sentiment() -> list[dict]:
    return read_jsonl(DATA_DIR / "sentiment" / "train.jsonl")


@pytest.fixture(scope="module")
def chatml_tokenizer() -> PreTrainedTokenizerFast:
    """A tiny byte-level BPE with SmolLM2's special tokens and chat template (no download, no conversion)."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator([DIALOGUE, SUMMARY, "Summarize the following conversation:", "system user assistant"],
                            trainer=trainer)
    out = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                  pad_token="<|im_end|>", unk_token="<|endoftext|>")
    out.chat_template = CHATML_TEMPLATE
    return out


def smollm2_tokenizer() -> PreTrainedTokenizerFast:
    """The converted SmolLM2 tokenizer if the course cache holds it; the test skips otherwise (converting is slow)."""
    path = offline_base_path(convert=False)
    if not (path / "tokenizer.json").exists():
        pytest.skip("SmolLM2 snapshot not converted yet (run a notebook once); the ChatML tests cover the logic")
    return AutoTokenizer.from_pretrained(path)


def summary_example() -> dict:
    return C.to_prompt_completion_chat(C.TASK_INSTRUCTIONS["summarize"], DIALOGUE, SUMMARY)


# --- conversations -----------------------------------------------------------------------
def test_validate_messages_accepts_a_good_conversation() -> None:
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello"}]
    assert C.validate_messages(messages) is messages


@pytest.mark.parametrize("messages, message", [
    ([{"role": "bot", "content": "Hi"}], r"conversation, turn 0: unknown role 'bot'; use one of"),
    ([{"role": "user", "content": "  "}], r"turn 0 \(user\) has empty content"),
    ([{"role": "assistant", "content": "Hi"}], r"has no user turn: add the request"),
    ([{"role": "user", "content": "Hi"}, {"role": "system", "content": "x"}], r"turn 1: a system turn must come first"),
    ([{"role": "user"}], r"is not a dict with 'role' and 'content'"),
    ([], r"not a non-empty list of messages"),
])
def test_validate_messages_rejects_bad_conversations(messages: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        C.validate_messages(messages)


def test_to_prompt_completion_chat_is_the_course_summary_prompt() -> None:
    example = summary_example()
    # the same user turn as notebook 02's chat formatting (helpers.formatting.to_messages)
    assert example["prompt"] == to_messages(DIALOGUE)
    assert example["completion"] == [{"role": "assistant", "content": SUMMARY}]
    with_system = C.to_prompt_completion_chat("Do it:", "x", "y", system="Be brief.")
    assert [m["role"] for m in with_system["prompt"]] == ["system", "user"]
    assert with_system["prompt"][1]["content"] == "Do it:\nx"


@pytest.mark.parametrize("pieces, message", [
    (("", "x", "y"), "the instruction is empty"), (("Do:", " ", "y"), "the input is empty"),
    (("Do:", "x", ""), "the answer is empty"),
])
def test_to_prompt_completion_chat_rejects_empty_pieces(pieces: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        C.to_prompt_completion_chat(*pieces)
    with pytest.raises(ValueError, match="system is empty"):
        C.to_prompt_completion_chat("Do:", "x", "y", system=" ")


def test_conversation_to_example_learns_only_the_last_reply() -> None:
    turns = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
             {"role": "user", "content": "Summarize: A met B."}, {"role": "assistant", "content": "A met B."}]
    example = C.conversation_to_example(turns)
    assert example == {"prompt": turns[:3], "completion": turns[3:]}


def test_conversation_without_assistant_turn_raises() -> None:
    with pytest.raises(ValueError, match="conversation 3 has no assistant turn: add the reply the model should learn"):
        C.conversation_to_example([{"role": "user", "content": "Hi"}], name="conversation 3")


def test_conversation_ending_with_user_turn_raises() -> None:
    turns = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
             {"role": "user", "content": "Bye"}]
    with pytest.raises(ValueError, match="ends with a user turn, not the assistant's"):
        C.conversation_to_example(turns)


# --- task examples -----------------------------------------------------------------------
@pytest.mark.parametrize("task", C.TASKS)
def test_build_task_examples_counts_add_up(task: str, dialogsum: dict, sentiment: list) -> None:
    rows = sentiment if task == "sentiment" else dialogsum["train"]
    examples, counts = C.build_task_examples(rows, task)
    assert counts["rows in"] == len(rows)
    assert counts["used"] == len(examples) > 0
    assert counts["used"] + sum(v for k, v in counts.items() if k not in ("rows in", "used")) == len(rows)
    for i, ex in enumerate(examples):
        C.conversation_to_example(ex["prompt"] + ex["completion"], name=f"{task} example {i}")
        assert ex["prompt"][0]["content"].startswith(C.TASK_INSTRUCTIONS[task] + "\n")


def test_build_task_examples_skips_bad_rows_with_a_reason() -> None:
    rows = [{"text": "Great room.", "label": "positive"}, {"text": "Fine.", "label": 1},
            {"text": " ", "label": "negative"}, {"text": "Meh.", "label": "great"}, {"text": "No label."}]
    examples, counts = C.build_task_examples(rows, "sentiment")
    assert [e["completion"][0]["content"] for e in examples] == ["positive", "neutral"]
    assert counts == {"rows in": 5, "used": 2, "missing or empty text": 1,
                      "label not one of negative/neutral/positive": 1, "missing or empty label": 1}
    with pytest.raises(ValueError, match="unknown task 'translate'"):
        C.build_task_examples(rows, "translate")


def test_sentiment_answers_are_the_labels(sentiment: list) -> None:
    examples, _ = C.build_task_examples(sentiment[:50], "sentiment")
    assert [e["completion"][0]["content"] for e in examples] == [r["label"] for r in sentiment[:50]]


def test_extract_targets_agree_with_the_generators_summaries(dialogsum: dict) -> None:
    """The generator writes each summary from its final values: the extracted day, time and party size must be
    there, and a dialogue whose first requested time was refused must yield the time finally booked."""
    by_type, refused_time_seen = {"restaurant": 0, "doctor": 0, "hotel": 0}, 0
    for rows in dialogsum.values():
        for row in rows:
            booking, reason = C.extract_booking(row)
            if booking is None:
                assert reason == "no booking in this topic" or "fully booked" in row["dialogue"] \
                    or "completely full" in row["dialogue"], (row["id"], reason)
                continue
            assert list(booking) == list(C.EXTRACT_KEYS)
            by_type[booking["type"]] += 1
            for key, value in booking.items():  # every detail is said in the dialogue, or null
                assert key == "type" or value is None or str(value) in row["dialogue"], (row["id"], key)
            if booking["type"] in ("restaurant", "doctor"):
                assert booking["day"] in row["summary"] and booking["time"] in row["summary"], row["id"]
            if booking["type"] == "restaurant":
                assert f"for {booking['party_size']}" in row["summary"], row["id"]
                first_turn = row["dialogue"].split("\n")[1]
                refused_time_seen += booking["time"] not in first_turn
            if booking["type"] == "hotel":
                assert booking["nights"] is not None and booking["name"] is not None
    assert min(by_type.values()) >= 80, by_type  # every split holds all three kinds
    assert refused_time_seen >= 10  # the rule was tested where the first requested time differs


def test_extract_json_is_the_booking(dialogsum: dict) -> None:
    examples, _ = C.build_task_examples(dialogsum["test"], "extract")
    answers = [json.loads(e["completion"][0]["content"]) for e in examples]
    assert {a["type"] for a in answers} == {"restaurant", "doctor", "hotel"}
    hotel = next(a for a in answers if a["type"] == "hotel")
    assert hotel["day"] is None and hotel["party_size"] is None and isinstance(hotel["nights"], int)


# --- what the trainer sees ---------------------------------------------------------------
def test_render_chat_splits_at_the_reply(chatml_tokenizer: PreTrainedTokenizerFast) -> None:
    prompt, completion = C.render_chat(chatml_tokenizer, summary_example())
    assert prompt.endswith(f"{DIALOGUE}<|im_end|>\n<|im_start|>assistant\n")
    assert prompt.startswith("<|im_start|>system\nYou are a helpful AI assistant named SmolLM")
    assert completion == f"{SUMMARY}<|im_end|>\n"


def test_render_chat_matches_trl(chatml_tokenizer: PreTrainedTokenizerFast) -> None:
    from trl.data_utils import apply_chat_template

    example = C.to_prompt_completion_chat("Do it:", "x", "y", system="Be brief.")
    trl = apply_chat_template(example, chatml_tokenizer)
    assert C.render_chat(chatml_tokenizer, example) == (trl["prompt"], trl["completion"])


def check_mask(tokenizer: PreTrainedTokenizerFast, example: dict) -> None:
    ids, mask = C.assistant_mask(tokenizer, example)
    prompt, completion = C.render_chat(tokenizer, example)
    n = mask.count(0)
    assert len(ids) == len(mask) and mask == [0] * n + [1] * (len(mask) - n)  # one block: the reply, at the end
    assert tokenizer.decode(ids[n:]) == completion and tokenizer.decode(ids[:n]) == prompt
    assert ids[n:] == tokenizer(completion, add_special_tokens=False)["input_ids"]
    assert tokenizer.eos_token_id in ids[n:]  # the model learns to stop


def test_assistant_mask_covers_exactly_the_completion(chatml_tokenizer: PreTrainedTokenizerFast) -> None:
    check_mask(chatml_tokenizer, summary_example())


def test_assistant_mask_with_smollm2_tokenizer() -> None:
    tokenizer = smollm2_tokenizer()
    assert "{% generation %}" not in tokenizer.chat_template  # why the course uses prompt-completion rows
    check_mask(tokenizer, summary_example())
    _, completion = C.render_chat(tokenizer, summary_example())
    assert completion == SUMMARY + tokenizer.eos_token + "\n"


def test_assistant_mask_equals_sft_trainer_labels(chatml_tokenizer: PreTrainedTokenizerFast, tmp_path) -> None:
    """SFTTrainer's own preparation of the same row (a 1-layer model, no training step)."""
    from datasets import Dataset
    from transformers import LlamaConfig, LlamaForCausalLM
    from trl import SFTConfig, SFTTrainer

    config = LlamaConfig(vocab_size=len(chatml_tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=2)
    trainer = SFTTrainer(model=LlamaForCausalLM(config), processing_class=chatml_tokenizer,
                         train_dataset=Dataset.from_list([summary_example()]),
                         args=SFTConfig(output_dir=str(tmp_path), report_to="none", use_cpu=True, max_length=None,
                                        **checkpointing_args(False)))  # TRL's default (on) names a deprecated field
    row = trainer.train_dataset[0]
    ids, mask = C.assistant_mask(chatml_tokenizer, summary_example())
    assert row["input_ids"] == ids
    assert row["labels"] == [t if m else -100 for t, m in zip(ids, mask)]


# --- preference pairs --------------------------------------------------------------------
def test_make_preference_pair_is_conversational() -> None:
    pair = C.make_preference_pair("Summarize: A met B.", "A met B.", "A met C on Friday.")
    assert pair == {"prompt": [{"role": "user", "content": "Summarize: A met B."}],
                    "chosen": [{"role": "assistant", "content": "A met B."}],
                    "rejected": [{"role": "assistant", "content": "A met C on Friday."}]}


@pytest.mark.parametrize("prompt, chosen, rejected, message", [
    ("", "a", "b", "the prompt is empty"), ("p", " ", "b", "the chosen reply is empty"),
    ("p", "a", "", "the rejected reply is empty"),
    ("p", "A met  B.", " A met B.\n", "chosen and rejected are the same text"),
    ([{"role": "assistant", "content": "x"}], "a", "b", "has no user turn"),
])
def test_make_preference_pair_rejects_bad_pairs(prompt, chosen: str, rejected: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        C.make_preference_pair(prompt, chosen, rejected)


def test_simulated_pairs_are_deterministic_and_counted(dialogsum: dict, sentiment: list) -> None:
    rows = dialogsum["validation"] + sentiment[:60] + [{"dialogue": "x", "summary": " "}, {"other": 1}]
    pairs, kinds, skipped = C.simulated_feedback_pairs(rows, seed=3)
    assert pairs == C.simulated_feedback_pairs(rows, seed=3)[0]
    assert pairs != C.simulated_feedback_pairs(rows, seed=4)[0]
    assert sum(kinds.values()) == len(pairs) and len(pairs) + sum(skipped.values()) == len(rows)
    assert skipped == {"missing or empty summary": 1, "neither a dialogue nor a review row": 1}
    assert kinds["wrong label"] == 60 and kinds["invented detail"] > 40 and kinds["run-on"] > 40


def test_every_simulated_reject_is_worse_by_the_judge(dialogsum: dict, sentiment: list) -> None:
    rows = dialogsum["train"] + sentiment[:200]
    pairs, kinds, skipped = C.simulated_feedback_pairs(rows, seed=0)
    assert not skipped and set(kinds) == {"invented detail", "run-on", "wrong label"}
    by_id = {r["id"]: r for r in dialogsum["train"]}
    labels = {f"row_{i}": r["label"] for i, r in enumerate(rows) if "label" in r}
    for pair in pairs:
        chosen, rejected = pair["chosen"][0]["content"], pair["rejected"][0]["content"]
        if pair["kind"] == "wrong label":
            assert chosen == labels[pair["id"]] and rejected in SENTIMENT_LABELS and rejected != chosen
            continue
        dialogue, words = by_id[pair["id"]]["dialogue"], len(chosen.split())
        assert C.judge_pair(chosen, rejected, dialogue, reference_words=words) == 1, pair
        assert C.judge_pair(rejected, chosen, dialogue, reference_words=words) == -1
        if pair["kind"] == "run-on":
            assert len(rejected.split()) >= C.RUN_ON_FACTOR * words and rejected.startswith(chosen)
        else:
            assert C.judge_summary(rejected, dialogue)["unsupported"] and len(rejected.split()) == words


def test_invent_detail_swaps_one_detail_for_an_unsaid_one() -> None:
    rejected = C.invent_detail(SUMMARY, DIALOGUE, random.Random(0))
    changed = [(a, b) for a, b in zip(SUMMARY.split(), rejected.split()) if a != b]
    assert len(changed) == 1 and re.sub(r"\W", "", changed[0][1]) not in re.findall(r"\w+", DIALOGUE)
    assert C.invent_detail("#Person1# says hello.", DIALOGUE, random.Random(0)) is None


# --- the judge ---------------------------------------------------------------------------
def test_judge_summary_checks() -> None:
    good = C.judge_summary(SUMMARY, DIALOGUE, reference_words=12)
    assert good["pass"] and good["score"] == 1.0 and good["unsupported"] == []
    invented = C.judge_summary(SUMMARY.replace("Ashford", "Oakley"), DIALOGUE, reference_words=12)
    assert not invented["supported"] and invented["unsupported"] == ["Oakley"] and invented["score"] == 0.75
    too_long = C.judge_summary(C.run_on(SUMMARY), DIALOGUE, reference_words=12)
    assert too_long["length_ok"] is False and not too_long["pass"]
    no_reference = C.judge_summary(SUMMARY, DIALOGUE, stopped=False)
    assert no_reference["length_ok"] is None and no_reference["score"] == 2 / 3
    with pytest.raises(ValueError, match="reference_words must be >= 1"):
        C.judge_summary(SUMMARY, DIALOGUE, reference_words=0)


def test_judge_pair_order_of_checks() -> None:
    wrong_fact = SUMMARY.replace("Friday", "Sunday")
    assert C.judge_pair(SUMMARY, SUMMARY, DIALOGUE) == 0
    assert C.judge_pair(SUMMARY, wrong_fact, DIALOGUE) == 1
    assert C.judge_pair(wrong_fact, SUMMARY, DIALOGUE, stopped_b=False) == -1  # facts come before stopping
    assert C.judge_pair(SUMMARY, SUMMARY, DIALOGUE, stopped_a=False) == -1
    assert C.judge_pair(SUMMARY, C.run_on(SUMMARY), DIALOGUE) == 0  # no reference: length is not judged
    assert C.judge_pair("", SUMMARY, DIALOGUE) == -1


def test_win_rate_counts_ties_as_half() -> None:
    result = C.win_rate([1, 1, 0, -1], n_resamples=500, seed=0)
    assert (result["n"], result["wins"], result["ties"], result["losses"]) == (4, 2, 1, 1)
    assert result["win_rate"] == 0.625
    assert 0.0 <= result["ci_low"] < 0.625 < result["ci_high"] <= 1.0
    assert C.win_rate([1] * 30, n_resamples=200)["ci_low"] == 1.0
    with pytest.raises(ValueError, match=r"must be \+1 \(win\), 0 \(tie\) or -1"):
        C.win_rate([1, 2])
    with pytest.raises(ValueError, match="outcomes is empty"):
        C.win_rate([])


@pytest.mark.parametrize(("reply", "label"), [
    ("positive", "positive"), ("The sentiment is Negative.", "negative"), ("neutral, I think", "neutral"),
    ("It reads positively", None), ("I cannot tell.", None), ("", None),
])
def test_parse_sentiment_reads_the_first_label_word(reply: str, label) -> None:
    assert C.parse_sentiment(reply) == label


def test_booking_scoring_is_exact_per_field(dialogsum: dict) -> None:
    truth = next(b for b, _ in map(C.extract_booking, dialogsum["train"]) if b and b["type"] == "restaurant")
    perfect = C.booking_fields_correct("Here it is: " + json.dumps(truth) + " Enjoy!", truth)  # words around it
    assert perfect["valid"] and perfect["exact"] and perfect["share"] == 1.0
    other_day = "Monday" if truth["day"] != "Monday" else "Tuesday"
    wrong_day = {**truth, "day": other_day, "party_size": str(truth["party_size"])}
    scored = C.booking_fields_correct(json.dumps(wrong_day), truth)
    assert scored["fields"]["day"] is False and scored["fields"]["party_size"] is True  # "4" == 4
    assert scored["share"] == pytest.approx(5 / 6) and not scored["exact"]
    partial = {k: v for k, v in truth.items() if k != "name"}
    assert C.booking_fields_correct(json.dumps(partial), truth)["fields"]["name"] is False  # a missing key is wrong
    none = C.booking_fields_correct("I could not find a booking.", truth)
    assert not none["valid"] and none["share"] == 0.0
    assert C.booking_fields_correct("{not json} then " + json.dumps(truth), truth)["exact"]  # the first valid object
    with pytest.raises(ValueError, match="lacks"):
        C.booking_fields_correct("{}", {"type": "hotel"})


# --- notebook 06's generation, scoring, LLM judge and bias helpers --------------------------
def tiny_chat_model(tok: PreTrainedTokenizerFast, seed: int = 0):
    """A random 1-layer Llama over the ChatML test tokenizer (eos <|im_end|>)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, bos_token_id=tok.bos_token_id)
    return LlamaForCausalLM(config).eval()


def test_generate_replies_keeps_input_order_and_matches_one_by_one(chatml_tokenizer) -> None:
    """Batched, left-padded generation gives each prompt the reply it gets alone, in input order."""
    model = tiny_chat_model(chatml_tokenizer)
    prompts = [[{"role": "user", "content": text}] for text in (DIALOGUE, "Summarize", SUMMARY, "book")]
    batched, stopped = C.generate_replies(model, chatml_tokenizer, prompts, max_new_tokens=6, token_budget=4096)
    alone = [C.generate_replies(model, chatml_tokenizer, [p], max_new_tokens=6, token_budget=4096)[0][0]
             for p in prompts]
    assert batched == alone and len(stopped) == 4 and all(isinstance(s, bool) for s in stopped)
    assert chatml_tokenizer.padding_side == "right" and not model.training  # restored; eval stays eval


def test_generate_replies_rejects_bad_prompts(chatml_tokenizer) -> None:
    model = tiny_chat_model(chatml_tokenizer)
    with pytest.raises(TypeError, match="list of prompts"):
        C.generate_replies(model, chatml_tokenizer, "hello", 4, 1024)
    with pytest.raises(ValueError, match="ends with the assistant.s turn"):
        C.generate_replies(model, chatml_tokenizer, [[{"role": "user", "content": "a"},
                                                      {"role": "assistant", "content": "b"}]], 4, 1024)
    with pytest.raises(ValueError, match="prompt 0 has no user turn"):
        C.generate_replies(model, chatml_tokenizer, [[{"role": "system", "content": "a"}]], 4, 1024)
    assert C.generate_replies(model, chatml_tokenizer, [], 4, 1024) == ([], [])


def test_score_replies_uses_each_tasks_metric(dialogsum: dict, sentiment: list) -> None:
    reviews, _ = C.build_task_examples(sentiment[:3], "sentiment")
    labels = [r["completion"][0]["content"] for r in reviews]
    assert C.score_replies("sentiment", [f"It is {labels[0]}.", "no idea", labels[2]], reviews) == [1.0, 0.0, 1.0]
    bookings, _ = C.build_task_examples(dialogsum["test"], "extract")
    truth = bookings[0]["completion"][0]["content"]
    assert C.score_replies("extract", [truth, "{}"], bookings[:2]) == [1.0, 0.0]
    summaries, _ = C.build_task_examples(dialogsum["test"][:2], "summarize")
    exact = [s["completion"][0]["content"] for s in summaries]
    assert C.score_replies("summarize", exact, summaries) == pytest.approx([1.0, 1.0])
    several = [{**summaries[0], "references": ["something else entirely", exact[0]]}]  # best of the references
    assert C.score_replies("summarize", exact[:1], several) == pytest.approx([1.0])
    with pytest.raises(ValueError, match="one reply per example"):
        C.score_replies("sentiment", ["positive"], reviews)
    with pytest.raises(ValueError, match="unknown task"):
        C.score_replies("translate", [], [])


def test_judge_messages_and_verdicts() -> None:
    messages = C.judge_messages(DIALOGUE, "first summary", "second summary")
    assert [m["role"] for m in messages] == ["user"] and "Summary A: first summary" in messages[0]["content"]
    with pytest.raises(ValueError, match="summary B is empty"):
        C.judge_messages(DIALOGUE, "a", " ")
    replies = ("A", "B.", "Summary B is better", "I prefer A", "neither", "Both", "A better summary is B",
               "I think summary A.", "a")
    assert [C.parse_verdict(r) for r in replies] == ["A", "B", "B", "A", None, None, "B", "A", None]


def test_swap_names_swaps_whole_words_at_once() -> None:
    text, n = C.swap_names("Ana met Anabel and Bo; Bo left.", {"Ana": "Bo", "Bo": "Ana"})
    assert (text, n) == ("Bo met Anabel and Ana; Ana left.", 3)  # Anabel is another name; no swap back
    assert C.swap_names("nobody here", {"Ana": "Bo"}) == ("nobody here", 0)
    with pytest.raises(ValueError, match="mapping is empty"):
        C.swap_names("Ana", {})


def test_fit_prompt_cuts_the_dialogue_end_and_keeps_the_instruction(chatml_tokenizer) -> None:
    long = summary_example()
    long["prompt"][-1]["content"] += "\n" + "\n".join(f"#Person{1 + i % 2}#: turn {i}" for i in range(40))
    full = C.prompt_tokens(chatml_tokenizer, long["prompt"])
    fitted, cut = C.fit_prompt(long, chatml_tokenizer, full - 30)
    assert cut and C.prompt_tokens(chatml_tokenizer, fitted["prompt"]) <= full - 30
    assert fitted["prompt"][-1]["content"].startswith(C.TASK_INSTRUCTIONS["summarize"] + "\n#Person1#: Can I book")
    assert fitted["completion"] == long["completion"] and "turn 39" not in fitted["prompt"][-1]["content"]
    assert C.fit_prompt(long, chatml_tokenizer, full) == (long, False)  # fits: unchanged
    with pytest.raises(ValueError, match="cannot hold even the template"):
        C.fit_prompt(long, chatml_tokenizer, 3)


def test_summaries_carry_all_their_references() -> None:
    row = {"id": "t1", "dialogue": DIALOGUE, "summary": SUMMARY, "references": [SUMMARY, "Another summary."]}
    (example,), _ = C.build_task_examples([row], "summarize")
    assert example["references"] == [SUMMARY, "Another summary."]
    (plain,), _ = C.build_task_examples([{k: v for k, v in row.items() if k != "references"}], "summarize")
    assert "references" not in plain


def test_invent_detail_never_swaps_a_detail_the_summary_already_invented() -> None:
    """Swapping a name the dialogue never says for another unsaid one adds no unsupported detail: the checks would
    tie, so the pair could not teach or test a preference."""
    dialogue = "#Person1#: A table for 4 on Friday, please.\n#Person2#: Done."
    summary = "Ms Quillfeather books a table."  # the only detail is already unsupported
    assert all(C.invent_detail(summary, dialogue, random.Random(seed)) is None for seed in range(20))


def test_stated_details_is_the_rule_of_unsupported_details() -> None:
    from helpers.metrics import stated_details, unsupported_details

    text = "Tom books a table for 4 at Bellini's. The booking is on Friday, #Person2# says."
    assert stated_details(text) == ["4", "Bellini", "Friday"]  # sentence starts and speaker tags are no detail
    assert unsupported_details(text, "bellini friday") == ["4"]
