"""helpers.baselines: exact outputs on tiny inputs, bad input, and the default picked on validation."""

from __future__ import annotations

import statistics

import pytest

from helpers.baselines import LEAD_TURNS, lead_baseline, retrieval_baseline
from helpers.data import load_dialogsum
from helpers.metrics import rouge_per_example

DIALOGUE = "#Person1#: Hi, a table for two, please.\n#Person2#: Sure, this way.\n#Person1#: Thanks."


def test_lead_keeps_the_first_turns_with_speakers() -> None:
    two_turns = "#Person1#: Hi, a table for two, please.\n#Person2#: Sure, this way."
    assert lead_baseline([DIALOGUE], n_turns=2) == [two_turns]
    assert lead_baseline([DIALOGUE], n_turns=1) == ["#Person1#: Hi, a table for two, please."]


def test_lead_strips_speakers_on_request() -> None:
    assert lead_baseline([DIALOGUE], n_turns=2, keep_speakers=False) == [
        "Hi, a table for two, please.\nSure, this way."]


def test_lead_short_dialogue_gives_all_its_turns() -> None:
    assert lead_baseline([DIALOGUE, "#Person1#: Hello."], n_turns=10) == [DIALOGUE, "#Person1#: Hello."]


def test_retrieval_copies_the_summary_of_the_nearest_training_dialogue() -> None:
    train = ["#Person1#: I want a table for two on Monday.", "#Person1#: My car makes a noise when I brake."]
    summaries = ["#Person1# books a table.", "#Person1#'s car needs new brakes."]
    queries = ["#Person1#: Is there a table for four on Friday?", "#Person2#: The car makes a strange noise."]
    assert retrieval_baseline(train, summaries, queries) == summaries  # each query finds its own topic


def test_retrieval_ties_go_to_the_first_training_dialogue() -> None:
    assert retrieval_baseline(["same words", "same words"], ["first", "second"], ["same words"]) == ["first"]


@pytest.mark.parametrize("call,error,match", [
    (lambda: lead_baseline(DIALOGUE), TypeError, "list of strings"),
    (lambda: lead_baseline([]), ValueError, "empty"),
    (lambda: lead_baseline([DIALOGUE, 3]), TypeError, r"dialogues\[1\] is a int"),
    (lambda: lead_baseline([DIALOGUE], n_turns=0), ValueError, "n_turns"),
    (lambda: lead_baseline([DIALOGUE], n_turns=2.5), ValueError, "n_turns"),
    (lambda: retrieval_baseline(["a b"], ["s1", "s2"], ["a"]), ValueError, "one summary per training dialogue"),
    (lambda: retrieval_baseline([], [], ["a"]), ValueError, "train_dialogues is empty"),
    (lambda: retrieval_baseline(["a b"], ["s"], "a b"), TypeError, "dialogues must be a list"),
])
def test_bad_input(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_lead_default_is_the_best_setting_on_validation() -> None:
    """LEAD_TURNS with speaker tags kept is the best lead setting on the shipped validation split."""
    val = load_dialogsum()["validation"]
    scores = {(n, keep): statistics.mean(
                  rouge_per_example(lead_baseline(val["dialogue"], n, keep), val["summary"])["rougeL"])
              for n in range(1, 9) for keep in (True, False)}
    assert max(scores, key=scores.get) == (LEAD_TURNS, True), scores


def test_retrieval_returns_training_summaries_on_shipped_data() -> None:
    ds = load_dialogsum()
    preds = retrieval_baseline(ds["train"]["dialogue"], ds["train"]["summary"], ds["test"]["dialogue"][:20])
    assert len(preds) == 20 and set(preds) <= set(ds["train"]["summary"])
