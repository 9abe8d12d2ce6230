"""helpers.models' pretraining pieces on a tiny shape: blocks, initialisation, loss, the training loop,
and where the offline base is found (without building it)."""

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


def test_offline_base_path_is_under_the_cache_and_keyed_by_the_recipe(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    assert M.cache_dir() == tmp_path
    path = M.offline_base_path(build=False)  # not built: only the path
    assert path.parent == tmp_path and path.name == f"tiny-phi-{M._fingerprint()}"
    assert len(M._fingerprint()) == 12 and M._fingerprint() == M._fingerprint()
    assert not path.exists()


def test_causal_lm_path_by_source(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("COURSE_CACHE", str(tmp_path))
    monkeypatch.setattr(M, "offline_base_path", lambda build=True: tmp_path / "tiny-phi-x")
    local = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32)
    hub = Profile(name="gpu", reason="test", device="cuda", compute_dtype=torch.float16, source="hub")
    assert M.causal_lm_path(local) == str(tmp_path / "tiny-phi-x")
    assert M.causal_lm_path(hub) == hub.model_id("causal_lm") != "tiny-phi"


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
