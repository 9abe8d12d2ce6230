"""Model-free summarization baselines, scored with the same metric code as the models.

Taught in notebook 05 (and shown beside the results in notebook 04). A fine-tuned summarizer has
learned something only if it beats these: the lead baseline copies the first turns of the
dialogue; the retrieval baseline copies the summary of the most similar training dialogue, which
gets a topic's wording right and its facts (names, numbers, days) wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .text import check_texts

# Picked on the shipped validation split (tests/test_baselines.py checks that it is the best): the
# first 3 turns with their speaker tags score the best ROUGE-L there, since summaries name the
# speakers as #Person1# / #Person2# too.
LEAD_TURNS = 3


def lead_baseline(dialogues: Sequence[str], n_turns: int = LEAD_TURNS,
                  keep_speakers: bool = True) -> list[str]:
    """The first n_turns turns of each dialogue as its 'summary' (speaker tags such as #Person1#: kept or stripped)."""
    dialogues = check_texts("dialogues", dialogues, "dialogue")
    if isinstance(n_turns, bool) or not isinstance(n_turns, int) or n_turns < 1:
        raise ValueError(f"n_turns must be an int >= 1, got {n_turns!r}")
    out = []
    for dialogue in dialogues:
        turns = [t.strip() for t in dialogue.strip().split("\n") if t.strip()][:n_turns]
        if not keep_speakers:
            turns = [t.split(": ", 1)[1] if t.startswith("#") and ": " in t else t for t in turns]
        out.append("\n".join(turns))
    return out


def retrieval_baseline(train_dialogues: Sequence[str], train_summaries: Sequence[str],
                       dialogues: Sequence[str]) -> list[str]:
    """For each dialogue, the summary of the most similar training dialogue (TF-IDF cosine; ties: the first)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    train_dialogues = check_texts("train_dialogues", train_dialogues, "dialogue")
    train_summaries = check_texts("train_summaries", train_summaries, "summary")
    dialogues = check_texts("dialogues", dialogues, "dialogue")
    if len(train_dialogues) != len(train_summaries):
        raise ValueError(f"Got {len(train_dialogues)} training dialogues and {len(train_summaries)} summaries; "
                         "pass one summary per training dialogue, in the same order")
    vectorizer = TfidfVectorizer().fit(train_dialogues)  # rows are L2-normalised: dot product = cosine
    similarity = linear_kernel(vectorizer.transform(dialogues), vectorizer.transform(train_dialogues))
    return [train_summaries[i] for i in np.argmax(similarity, axis=1)]
