"""Compute every number in data/README.md from the shipped files, as markdown.

    python data/datasheet_stats.py

tests/test_data_files.py checks that the datasheet states what this prints.
"""

from __future__ import annotations

import itertools
import json
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parent
SPLITS = ("train", "validation", "test")
LABELS = ("negative", "neutral", "positive")
CONTRAST = re.compile(r", but |\. However, |^(Although|Even though|While) |, (although|even though) ")
# The constructions of the sentiment set, as data/README.md names them (regular expressions on the text)
CONSTRUCTIONS = {
    "but / however": re.compile(r", but |\. However, "),
    "concessive": re.compile(r"(^|\. )(Although|Even though|While) |, (although|even though) "),
    "negated": re.compile(r"\b(not(?! only)|never|nothing|nobody)\b|\b(?!can't wait)\w+n't\b", re.IGNORECASE),
    "interjection": re.compile(r"^(Great|Oh great|Wonderful|Oh wonderful|Fantastic|Brilliant|Perfect|Lovely|Just "
                               r"perfect|Marvellous|Oh brilliant|Superb)[,:.!] |^(Just what I needed|Love how|"
                               r"I just love it when) "),
    "question": re.compile(r"\?"),
}
WORD = re.compile(r"[a-z]+(?:['-][a-z]+)*")  # a word type: lower-case letters, inner ' or - kept


def read(name: str, split: str) -> list[dict]:
    """One split of a shipped set, as a list of dicts."""
    with (DATA / name / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def spread(values: list[int]) -> str:
    """'mean (min-max)' with one decimal."""
    return f"{statistics.mean(values):.1f} ({min(values)}-{max(values)})"


def dialogsum_table() -> str:
    """Rows, topics and length statistics per split of the dialogue set."""
    header = ("| split | rows | topics | dialogue words: mean (min-max) | turns: mean (min-max) "
              "| summary words: mean (min-max) |")
    lines = [header, "|---|---|---|---|---|---|"]
    for split in SPLITS:
        rows = read("dialogsum", split)
        lines.append(f"| {split} | {len(rows)} | {len({r['topic'] for r in rows})} "
                     f"| {spread([len(r['dialogue'].split()) for r in rows])} "
                     f"| {spread([r['dialogue'].count(chr(10)) + 1 for r in rows])} "
                     f"| {spread([len(r['summary'].split()) for r in rows])} |")
    return "\n".join(lines)


DETAIL = re.compile(r"#?\w+#?")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def details(summary: str) -> list[str]:
    """Names and numbers as helpers.metrics.unsupported_details sees them: words with a digit, or
    capitalised words that do not start a sentence (speaker tags skipped)."""
    return [w for sentence in SENTENCE_END.split(summary.strip())
            for i, w in enumerate(DETAIL.findall(sentence))
            if not w.startswith("#") and (any(c.isdigit() for c in w) or (i > 0 and w[0].isupper()))]


def skeleton(summary: str, n_words: int = 4) -> str:
    """A summary's first n_words with its details masked: its phrasing, whatever the facts."""
    found = set(details(summary))
    return " ".join("X" if w in found else w.lower() for w in DETAIL.findall(summary)[:n_words])


def alternates(dialogue: str) -> bool:
    """True when no speaker has two turns in a row."""
    speakers = [turn.split(":", 1)[0] for turn in dialogue.split("\n")]
    return all(a != b for a, b in itertools.pairwise(speakers))


def dialogsum_facts() -> str:
    """Turn-taking, how often a test summary is a train summary verbatim, names, phrasings."""
    rows = {split: read("dialogsum", split) for split in SPLITS}
    train_summaries = {r["summary"] for r in rows["train"]}
    n_same = sum(r["summary"] in train_summaries for r in rows["test"])
    n_test = len(rows["test"])
    everyone = [r for split in SPLITS for r in rows[split]]
    n_alt = sum(alternates(r["dialogue"]) for r in everyone)
    names = {w for r in rows["train"] for w in details(r["summary"]) if not any(c.isdigit() for c in w)}
    numbers = {w for r in rows["train"] for w in details(r["summary"]) if any(c.isdigit() for c in w)}
    phrasings: dict[str, set[str]] = {}
    for r in rows["train"]:
        phrasings.setdefault(r["topic"], set()).add(skeleton(r["summary"]))
    counts = [len(v) for v in phrasings.values()]
    return "\n".join([
        f"- test summaries identical to a train summary: {n_same} of {n_test} ({100 * n_same / n_test:.1f}%)",
        f"- dialogues whose speakers alternate on every turn: {n_alt} of {len(everyone)}",
        (f"- distinct capitalised details (names, places, days, months) in train summaries: {len(names)}; "
         f"distinct numbers: {len(numbers)}"),
        f"- summary openings per topic (first four words, details masked), train: {min(counts)} to {max(counts)}",
    ])


def sentiment_table() -> str:
    """Rows, label counts and text length per split of the sentiment set."""
    lines = ["| split | rows | negative | neutral | positive | words: mean (min-max) |",
             "|---|---|---|---|---|---|"]
    for split in SPLITS:
        rows = read("sentiment", split)
        counts = Counter(r["label"] for r in rows)
        shares = " | ".join(f"{counts[lab]} ({100 * counts[lab] / len(rows):.0f}%)" for lab in LABELS)
        lines.append(f"| {split} | {len(rows)} | {shares} | {spread([len(r['text'].split()) for r in rows])} |")
    return "\n".join(lines)


def words(text: str) -> list[str]:
    """The lower-cased words of a text (WORD)."""
    return WORD.findall(text.lower())


def sentiment_vocabulary() -> str:
    """Distinct lower-cased word types, over all splits and per split."""
    per = {split: {w for r in read("sentiment", split) for w in words(r["text"])} for split in SPLITS}
    total = set().union(*per.values())
    return (f"distinct words: {len(total)} over all splits (train {len(per['train'])}, "
            f"validation {len(per['validation'])}, test {len(per['test'])})")


def label_noise() -> dict[str, int]:
    """Rows per split whose text was built for another label (regenerated with the generator's seed)."""
    sys.path.insert(0, str(DATA))
    try:
        from make_data import SEED
        from make_sentiment import make_sentiment_with_truth
    finally:
        sys.path.remove(str(DATA))
    rows = make_sentiment_with_truth(random.Random(SEED + 1))
    return {split: sum(r["label"] != r["built_for"] for r in rows[split]) for split in SPLITS}


def construction_table() -> str:
    """Share of each construction, and of flipped labels, per split of the sentiment set."""
    noise = label_noise()
    lines = ["| split | " + " | ".join(CONSTRUCTIONS) + " | flipped labels (noise) |",
             "|---" * (len(CONSTRUCTIONS) + 2) + "|"]
    for split in SPLITS:
        rows = read("sentiment", split)
        cells = []
        for pattern in CONSTRUCTIONS.values():
            k = sum(bool(pattern.search(r["text"])) for r in rows)
            cells.append(f"{k} ({100 * k / len(rows):.0f}%)")
        cells.append(f"{noise[split]} ({100 * noise[split] / len(rows):.1f}%)")
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tfidf_reference() -> str:
    """notebook 03's TF-IDF baseline: C tuned on validation (helpers.classification), scored on test."""
    sys.path.insert(0, str(DATA.parent))
    try:
        from sklearn.metrics import f1_score

        from helpers.classification import tfidf_baseline, tune_tfidf_c
    finally:
        sys.path.remove(str(DATA.parent))
    train, val, test = (read("sentiment", split) for split in SPLITS)
    text = lambda rows: [r["text"] for r in rows]  # noqa: E731 (a one-line accessor)
    label = lambda rows: [r["label"] for r in rows]  # noqa: E731
    c, val_f1 = tune_tfidf_c(text(train), label(train), text(val), label(val))
    pred = tfidf_baseline(text(train), label(train), text(test), C=c)
    return (f"TF-IDF + logistic regression (word 1-2-grams, all 2000 train rows, C={c:g} tuned on validation): "
            f"validation macro-F1 {val_f1[c]:.3f}, test macro-F1 {f1_score(label(test), pred, average='macro'):.3f}")


def first_turns(dialogue: str, k: int) -> str:
    """The first k turns, speaker tags kept."""
    return "\n".join(dialogue.split("\n")[:k])


def reference_points() -> str:
    """ROUGE-L on the test split of simple non-learned 'summaries', to judge a model against."""
    from rouge_score import rouge_scorer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    train, test = read("dialogsum", "train"), read("dialogsum", "test")
    refs = [r["summary"] for r in test]
    rng = random.Random(0)
    by_topic: dict[str, list[str]] = {}
    for r in train:
        by_topic.setdefault(r["topic"], []).append(r["summary"])
    vec = TfidfVectorizer().fit([r["dialogue"] for r in train])
    nearest = linear_kernel(vec.transform([r["dialogue"] for r in test]),
                            vec.transform([r["dialogue"] for r in train])).argmax(axis=1)
    candidates = {
        "the first turn of the dialogue": [first_turns(r["dialogue"], 1) for r in test],
        "the first two turns": [first_turns(r["dialogue"], 2) for r in test],
        "a random train summary of the same topic (knows the topic, ignores the details)":
            [rng.choice(by_topic[r["topic"]]) for r in test],
        "the train summary of the nearest train dialogue (TF-IDF cosine)":
            [train[i]["summary"] for i in nearest],
    }
    lines = ['| "summary" | ROUGE-L |', "|---|---|"]
    for name, preds in candidates.items():
        score = statistics.mean(scorer.score(ref, pred)["rougeL"].fmeasure for ref, pred in zip(refs, preds))
        lines.append(f"| {name} | {score:.2f} |")
    return "\n".join(lines)


def contrast_and_bag_of_words() -> str:
    """How many train items are contrasts, and what a bag-of-words model reaches (5-fold CV)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import make_pipeline

    rows = read("sentiment", "train")
    n_contrast = sum(bool(CONTRAST.search(r["text"])) for r in rows)
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    f1 = {}
    for ngrams in ((1, 1), (1, 2)):
        model = make_pipeline(TfidfVectorizer(ngram_range=ngrams), LogisticRegression(max_iter=2000))
        f1[ngrams] = cross_val_score(model, texts, labels, cv=5, scoring="f1_macro").mean()
    return (f"contrasts: {n_contrast} of {len(rows)} ({100 * n_contrast / len(rows):.0f}%); "
            f"bag-of-words macro-F1: unigrams {f1[(1, 1)]:.2f}, unigrams and bigrams {f1[(1, 2)]:.2f}")


def main() -> None:
    """Print every datasheet number."""
    print(dialogsum_table(), dialogsum_facts(), sentiment_table(), reference_points(),
          contrast_and_bag_of_words(), sentiment_vocabulary(), construction_table(), tfidf_reference(), sep="\n\n")


if __name__ == "__main__":
    main()
