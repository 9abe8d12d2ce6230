"""generate_summaries on a tiny random Phi: budget batching, prompt truncation, the inference dtype.

The model and tokenizer are built here (no download): a byte-level BPE trained on a few hundred
made-up dialogue lines and a 2-layer PhiForCausalLM with random weights. Greedy decoding of random
weights is arbitrary text, but deterministic, so batched and one-by-one outputs must agree.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from transformers import AutoModelForCausalLM, PhiForCausalLM

from helpers.formatting import _last_line_ids, format_summary_prompt, tokenize_prompt_completion, truncate_prompt_ids
from helpers.memory import kv_cache_bytes
from helpers.models import keep_cpu_4bit_trainable, make_bnb_config, phi_config, train_tokenizer
from helpers.training import four_bit_compute_dtype, generate_summaries, inference_dtype

NAMES = ["Anna", "Ben", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo"]
PLACES = ["the station", "the bank", "the library", "a cafe", "the park", "the museum"]
TEXTS = [f"#Person1#: Hello {a}, where is {p}?\n#Person2#: {b} says {p} is two blocks north."
         for a, b, p in itertools.product(NAMES, NAMES[::-1], PLACES)]  # 384 short texts
TINY = {"vocab_size": 400, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
        "num_attention_heads": 2, "partial_rotary_factor": 0.5, "max_position_embeddings": 128}
NEW = 6  # new tokens per summary
DIALOGUES = [TEXTS[0], TEXTS[7] + "\n" + TEXTS[50], TEXTS[100], "\n".join([TEXTS[3], TEXTS[9], TEXTS[200]]),
             "#Person1#: Hi.", TEXTS[300] + "\n" + TEXTS[301]]  # lengths differ: sorting reorders them


@pytest.fixture(scope="module")
def tokenizer():
    tok = train_tokenizer(TEXTS + ["Summarize the following conversation:", "Summary:"],
                          vocab_size=TINY["vocab_size"])
    tok.pad_token = tok.eos_token
    return tok


def tiny_phi(tokenizer) -> PhiForCausalLM:
    torch.manual_seed(0)
    config = phi_config(TINY, vocab_size=len(tokenizer), bos_token_id=tokenizer.eos_token_id,
                        eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    return PhiForCausalLM(config).eval()


@pytest.fixture(scope="module")
def model(tokenizer) -> PhiForCausalLM:
    return tiny_phi(tokenizer)


def record_batches(model, monkeypatch) -> list[torch.Tensor]:
    """Make model.generate record the input_ids of every batch it is given."""
    seen: list[torch.Tensor] = []
    real = model.generate

    def spy(**kwargs):
        seen.append(kwargs["input_ids"].clone())
        return real(**kwargs)

    monkeypatch.setattr(model, "generate", spy)
    return seen


def test_budget_batching_gives_one_by_one_summaries_in_order(model, tokenizer, monkeypatch) -> None:
    alone = [generate_summaries(model, tokenizer, [d], NEW)[0] for d in DIALOGUES]
    assert len(set(alone)) > 3 and all(alone)  # distinct, non-empty: a reordering would show
    batches = record_batches(model, monkeypatch)
    batched = generate_summaries(model, tokenizer, DIALOGUES, NEW, token_budget=200)
    assert batched == alone
    rows = [len(b) for b in batches]
    assert len(rows) > 1 and max(rows) > 1 and sum(rows) == len(DIALOGUES)
    assert all(len(b) * (b.shape[1] + NEW) <= 200 for b in batches)  # the budget holds per batch
    assert tokenizer.padding_side == "right"  # restored after left-padded generation


def test_fixed_batch_size_and_a_dataset_column_still_work(model, tokenizer) -> None:
    from datasets import Dataset

    column = Dataset.from_dict({"dialogue": DIALOGUES})["dialogue"]  # what notebooks pass
    assert (generate_summaries(model, tokenizer, DIALOGUES, NEW, 4)
            == generate_summaries(model, tokenizer, column, NEW, token_budget=10_000))


def test_long_prompts_are_cut_like_training_rows(model, tokenizer, monkeypatch) -> None:
    long = "\n".join(TEXTS[:12])
    prompt = format_summary_prompt(long)
    full = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    cue = _last_line_ids(prompt, tokenizer)
    assert len(full) > 60 and cue == tokenizer("\nSummary:", add_special_tokens=False)["input_ids"]
    batches = record_batches(model, monkeypatch)
    generate_summaries(model, tokenizer, [long, DIALOGUES[4]], NEW, token_budget=1000, max_prompt_tokens=60)
    row = batches[0][0].tolist()  # the longest prompt comes first, unpadded
    assert len(row) == 60 and row[-len(cue):] == cue  # "Summary:" kept
    body = tokenizer(prompt.rpartition("\n")[0], add_special_tokens=False)["input_ids"]
    assert row[:-len(cue)] == body[:60 - len(cue)]  # the dialogue lost tokens from its end
    assert row == truncate_prompt_ids(prompt, tokenizer, 60)


def test_default_prompt_room_is_the_model_positions(model, tokenizer, monkeypatch) -> None:
    batches = record_batches(model, monkeypatch)
    generate_summaries(model, tokenizer, ["\n".join(TEXTS[:12])], NEW)
    assert batches[0].shape[1] == TINY["max_position_embeddings"] - NEW


def old_tokenize_prompt_completion(prompt, completion, tokenizer, max_length):
    """tokenize_prompt_completion before truncate_prompt_ids was factored out (reference)."""
    target = [*tokenizer(completion, add_special_tokens=False)["input_ids"], tokenizer.eos_token_id]
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    if len(prompt_ids) + len(target) > max_length:
        body, sep, cue = prompt.rpartition("\n")
        cue_ids = tokenizer(sep + cue, add_special_tokens=False)["input_ids"] if sep else []
        room = max_length - len(target) - len(cue_ids)
        if room < 1:
            raise ValueError("too small")
        body_ids = tokenizer(body if sep else prompt, add_special_tokens=False)["input_ids"]
        prompt_ids = body_ids[:room] + cue_ids
    return {"input_ids": prompt_ids + target, "labels": [-100] * len(prompt_ids) + target}


@pytest.mark.parametrize("max_length", [8, 12, 30, 64, 500])
@pytest.mark.parametrize("prompt", [format_summary_prompt(TEXTS[5] + "\n" + TEXTS[9]),
                                    "one line, no cue " * 9])
def test_training_rows_are_cut_as_before(tokenizer, prompt, max_length) -> None:
    completion = " Anna asks Ben the way to the bank."
    try:
        old = old_tokenize_prompt_completion(prompt, completion, tokenizer, max_length)
    except ValueError:
        with pytest.raises(ValueError, match=f"max_length={max_length} is too small"):
            tokenize_prompt_completion(prompt, completion, tokenizer, max_length)
        return
    new = tokenize_prompt_completion(prompt, completion, tokenizer, max_length)
    assert (new["input_ids"], new["labels"]) == (old["input_ids"], old["labels"])


def test_truncate_prompt_ids_bounds(tokenizer) -> None:
    prompt = format_summary_prompt(TEXTS[1])
    full = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    assert truncate_prompt_ids(prompt, tokenizer, len(full)) == full  # fits: untouched
    assert len(truncate_prompt_ids(prompt, tokenizer, len(full) - 1)) == len(full) - 1
    with pytest.raises(ValueError, match="room=2"):
        truncate_prompt_ids(prompt, tokenizer, 2)  # "\nSummary:" alone needs more


def fp32_snapshot(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.dtype == torch.float32}


def test_inference_dtype_casts_inside_and_restores_bit_for_bit(tokenizer) -> None:
    model = tiny_phi(tokenizer)
    with torch.no_grad():
        model.model.embed_tokens.weight.add_(1e-3)  # values bf16 cannot hold exactly
    before = fp32_snapshot(model)
    with pytest.raises(RuntimeError, match="boom"), inference_dtype(model, torch.bfloat16):
        assert {p.dtype for p in model.parameters()} == {torch.bfloat16}
        logits = model(input_ids=torch.tensor([[1, 2, 3]])).logits
        assert logits.dtype == torch.bfloat16
        raise RuntimeError("boom")  # restored even when generation fails
    after = fp32_snapshot(model)
    assert after.keys() == before.keys() and all(torch.equal(after[n], before[n]) for n in before)


def test_inference_dtype_is_a_no_op_in_fp32(model) -> None:
    ptrs = [p.data_ptr() for p in model.parameters()]
    for dtype in (None, torch.float32):
        with inference_dtype(model, dtype):
            assert [p.data_ptr() for p in model.parameters()] == ptrs
    assert four_bit_compute_dtype(model) is None  # not quantized: generate_summaries leaves it alone


def cache_of(model, ids: torch.Tensor):
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=NEW,
                         min_new_tokens=NEW, do_sample=False, return_dict_in_generate=True, pad_token_id=0)
    return out.past_key_values


def cache_bytes(cache) -> int:
    return sum(t.numel() * t.element_size() for layer in cache.layers for t in (layer.keys, layer.values))


def test_nf4_model_kv_cache_is_fp32_until_cast_and_params4bit_stay_untouched(tokenizer, tmp_path) -> None:
    from peft import prepare_model_for_kbit_training

    tiny_phi(tokenizer).save_pretrained(tmp_path)
    model = AutoModelForCausalLM.from_pretrained(tmp_path, dtype=torch.float32,
                                                 quantization_config=make_bnb_config(torch.bfloat16))
    keep_cpu_4bit_trainable(model)  # as load_causal_lm does; else bitsandbytes repacks on AVX512-BF16 CPUs
    model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False).eval()
    four_bit = {n: (p, p.data.clone(), p.quant_state.absmax.clone()) for n, p in model.named_parameters()
                if type(p).__name__ == "Params4bit"}
    assert len(four_bit) == TINY["num_hidden_layers"] * 6  # q, k, v, dense, fc1, fc2
    assert four_bit_compute_dtype(model) == torch.bfloat16
    ids = torch.tensor([[5, 6, 7, 8, 9]] * 3)
    # The premise: after k-bit preparation the stream and so the cache are fp32 (Linear4bit returns
    # its input's dtype); inference_dtype makes them bf16.
    cache = cache_of(model, ids)
    assert cache.layers[0].keys.dtype == torch.float32
    positions = ids.shape[1] + NEW - 1  # the last new token is never fed back
    assert cache_bytes(cache) == kv_cache_bytes(model.config, 3, positions, torch.float32)
    with inference_dtype(model, torch.bfloat16):
        cache = cache_of(model, ids)
        assert cache.layers[0].keys.dtype == torch.bfloat16
        assert cache_bytes(cache) == kv_cache_bytes(model.config, 3, positions, torch.bfloat16)
    before = fp32_snapshot(model)
    stream: list[torch.dtype] = []
    hook = model.model.embed_tokens.register_forward_hook(lambda mod, args, out: stream.append(out.dtype))
    assert generate_summaries(model, tokenizer, DIALOGUES[:3], NEW, token_budget=300)
    hook.remove()
    assert set(stream) == {torch.bfloat16}  # generated in the 4-bit layers' compute dtype
    after = fp32_snapshot(model)
    assert after.keys() == before.keys() and all(torch.equal(after[n], before[n]) for n in before)
    for name, (param, data, absmax) in four_bit.items():
        now = dict(model.named_parameters())[name]
        assert now is param and type(now).__name__ == "Params4bit" and now.dtype == torch.uint8
        assert torch.equal(now.data, data) and torch.equal(now.quant_state.absmax, absmax)


def test_bad_input_is_refused_clearly(model, tokenizer) -> None:
    with pytest.raises(TypeError, match="list of dialogues"):
        generate_summaries(model, tokenizer, "one dialogue", NEW)
    with pytest.raises(ValueError, match="token_budget"):
        generate_summaries(model, tokenizer, ["x"], NEW, token_budget=0)
    with pytest.raises(ValueError, match="max_prompt_tokens"):
        generate_summaries(model, tokenizer, ["x"], NEW, max_prompt_tokens=0)
    with pytest.raises(ValueError, match="room=2"):  # no room for "Summary:"
        generate_summaries(model, tokenizer, [TEXTS[0]], NEW, max_prompt_tokens=2)
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate_summaries(model, tokenizer, ["x"], 0)
    assert generate_summaries(model, tokenizer, [], NEW, token_budget=100) == []


def test_return_stopped_tells_summaries_that_ended_at_eos_from_run_ons(model, tokenizer, monkeypatch) -> None:
    """A run-on (no eos within max_new_tokens) is reported as such, per dialogue and in input order, also when
    the pad token is the eos token (padding after a finished row must not hide a run-on)."""
    eos, word = tokenizer.eos_token_id, tokenizer("Summary")["input_ids"][0]

    def fake_generate(input_ids, max_new_tokens, **kwargs):  # stops only for the dialogue that says "Hi."
        rows = []
        for row in input_ids:
            ends = "Hi." in tokenizer.decode(row)
            new = [word, eos] + [eos] * (max_new_tokens - 2) if ends else [word] * max_new_tokens
            rows.append(torch.cat([row, torch.tensor(new)]))
        return torch.stack(rows)

    monkeypatch.setattr(model, "generate", fake_generate)
    texts, stopped = generate_summaries(model, tokenizer, DIALOGUES, NEW, token_budget=200, return_stopped=True)
    assert stopped == [d == "#Person1#: Hi." for d in DIALOGUES]
    assert len(texts) == len(DIALOGUES) and all(texts)
    assert generate_summaries(model, tokenizer, [], NEW, return_stopped=True) == ([], [])
