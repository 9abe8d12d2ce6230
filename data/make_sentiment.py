"""The sentiment set: domains, phrase banks, the labelling rule, and `make_sentiment(rng)`.

Standard library only (and helpers/text.py, which is too). Called by data/make_data.py.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a clone without installing
from helpers.text import near_duplicate_key  # standard library only, like this script

SENTIMENT_SIZES = {"train": 2000, "validation": 200, "test": 200}
# Per-split label shares (mild imbalance, identical in every split).
SENTIMENT_SHARES = {"positive": 0.38, "negative": 0.35, "neutral": 0.27}

# --------------------------------------------------------------------------------------------
# Sentiment
# Labelling rule for mixed sentiment (documented in data/README.md): the label follows the
# main clause. With "but"/"however", the clause after the connective decides; with
# "although"/"even though"/"while", the concessive clause never decides, wherever it stands.
# --------------------------------------------------------------------------------------------
# name: (items, aspects as (noun phrase, is_plural), neutral facts)
DOMAINS: dict[str, tuple[list[str], list[tuple[str, bool]], list[str]]] = {
    "restaurant": (["this restaurant", "the place", "this bistro"],
                   [("the food", False), ("the service", False), ("the waiters", True),
                    ("the desserts", True), ("the prices", True), ("the atmosphere", False)],
                   ["we had dinner there on Friday night", "the restaurant opens at noon",
                    "we ordered the set menu for two", "the menu changes every season",
                    "it is a short walk from the station", "they serve lunch until three"]),
    "phone": (["this phone", "the handset", "this smartphone"],
              [("the battery", False), ("the screen", False), ("the camera", False),
               ("the speakers", True), ("the charger", False), ("the buttons", True)],
              ["the phone comes in three colors", "I bought it two weeks ago",
               "it has 128 GB of storage", "the box contains a cable and a charger",
               "I switched from an older model", "it runs the latest system update"]),
    "movie": (["this movie", "the film", "this sequel"],
              [("the plot", False), ("the acting", False), ("the soundtrack", False),
               ("the special effects", True), ("the ending", False), ("the dialogues", True)],
              ["the film is about two hours long", "I saw it at the cinema on Sunday",
               "it is based on a novel", "the director also wrote the script",
               "it was released last spring", "we watched it with subtitles"]),
    "hotel": (["this hotel", "the hotel", "this guesthouse"],
              [("the room", False), ("the staff", False), ("the breakfast", False),
               ("the beds", True), ("the location", False), ("the bathrooms", True)],
              ["we stayed there for three nights", "the hotel has forty rooms",
               "check-in is from two in the afternoon", "breakfast is served on the ground floor",
               "the hotel is next to the main square", "we booked the room online"]),
    "delivery": (["this delivery service", "the courier company", "the shipping"],
                 [("the driver", False), ("the packaging", False), ("the tracking", False),
                  ("the delivery times", True), ("the customer support", False),
                  ("the updates", True)],
                 ["the package arrived on Tuesday", "it was delivered to my neighbour",
                  "I ordered it on Monday", "the parcel weighed about two kilos",
                  "the courier came in the afternoon", "delivery took four days"]),
    "app": (["this app", "the application", "the new version of the app"],
            [("the interface", False), ("the notifications", True), ("the updates", True),
             ("the sync feature", False), ("the search", False), ("the settings menu", False)],
            ["the app is free to download", "I use it on my tablet",
             "the update came out last week", "it needs an account to log in",
             "it is available in six languages", "I installed it yesterday"]),
    "book": (["this book", "the novel", "this biography"],
             [("the story", False), ("the characters", True), ("the writing", False),
              ("the ending", False), ("the first chapters", True), ("the translation", False)],
             ["the book has about three hundred pages", "I read it on holiday",
              "it is the second part of a trilogy", "the author is from Canada",
              "I borrowed it from the library", "it was published in paperback"]),
    "course": (["this course", "the online course", "the workshop"],
               [("the instructor", False), ("the exercises", True), ("the videos", True),
                ("the slides", True), ("the pace", False), ("the final project", False)],
               ["the course lasts six weeks", "there are two lessons every week",
                "I took it in the evenings", "it ends with a short exam",
                "the lessons are recorded", "it is taught in English"]),
}

POS_ADJ = ["great", "excellent", "wonderful", "fantastic", "superb", "lovely", "impressive",
           "brilliant", "outstanding", "good", "perfect", "delightful"]
NEG_ADJ = ["awful", "terrible", "disappointing", "horrible", "poor", "useless", "frustrating",
           "dreadful", "bad", "a mess", "unacceptable", "annoying"]
NEU_ADJ = ["okay", "fine, nothing special", "average", "about what I expected",
           "neither good nor bad", "acceptable, I suppose", "so-so", "pretty ordinary",
           "fine, I guess", "not bad, not great"]
INTENS = ["", "", "", "really ", "absolutely ", "incredibly ", "truly ", "quite ", "so "]
POS_GOOD = ["good", "great", "nice", "helpful", "worth it"]  # negated -> negative


def _be(plural: bool, present: bool) -> str:
    return ("are" if plural else "is") if present else ("were" if plural else "was")


def _aspects(text: str, domain: str) -> set[str]:
    return {a for a, _ in DOMAINS[domain][1] if a in text.lower()}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def clause(rng: random.Random, label: str, domain: str, aspect_only: bool = False) -> str:
    """One opinion clause (no final punctuation) about an aspect, or about the whole item."""
    items, aspects, _ = DOMAINS[domain]
    asp, plural = rng.choice(aspects)
    item = rng.choice(items)
    be = _be(plural, rng.random() < 0.3)
    neg_be = {"was": "wasn't", "were": "weren't", "is": "isn't", "are": "aren't"}[be]
    negate = rng.random() < 0.3
    if label == "positive" and negate:
        about_aspect = [f"{asp} {neg_be} bad at all", f"{asp} never disappointed me",
                        f"I have no complaints about {asp}", f"I couldn't be happier with {asp}",
                        f"{asp} could not have been better",
                        f"I can't say anything bad about {asp}"]
        about_item = [f"I would not hesitate to recommend {item}", f"{item} never lets me down"]
    elif label == "positive":
        about_aspect = [f"{asp} {be} {rng.choice(INTENS)}{rng.choice(POS_ADJ)}",
                        f"I {rng.choice(['really ', 'absolutely ', ''])}loved {asp}",
                        (f"{asp} {be} {rng.choice(INTENS)}{rng.choice(POS_ADJ)} and I enjoyed "
                         f"every minute"), f"I am {rng.choice(INTENS)}happy with {asp}"]
        about_item = [f"{item} is worth every penny", f"I would recommend {item} to anyone"]
    elif label == "negative" and negate:
        about_aspect = [f"{asp} {neg_be} {rng.choice(POS_GOOD)} at all",
                        f"{asp} {neg_be} {rng.choice(POS_GOOD)}", f"I can't say I enjoyed {asp}",
                        f"nothing about {asp} was good", f"I was not happy with {asp} at all"]
        about_item = [f"I would not recommend {item} to anyone", f"I will never use {item} again",
                      f"{item} is not worth the money"]
    elif label == "negative":
        about_aspect = [f"{asp} {be} {rng.choice(INTENS)}{rng.choice(NEG_ADJ)}",
                        f"I {rng.choice(['really ', 'absolutely ', ''])}hated {asp}",
                        (f"{asp} {be} {rng.choice(INTENS)}{rng.choice(NEG_ADJ)} and I want my "
                         f"money back"), f"I am {rng.choice(INTENS)}unhappy with {asp}"]
        about_item = [f"{item} is a waste of money", f"I regret choosing {item}"]
    else:
        about_aspect = [f"{asp} {be} {rng.choice(NEU_ADJ)}", f"{asp} {be} {rng.choice(NEU_ADJ)}",
                        f"{asp} {be} neither amazing nor bad",
                        f"I have mixed feelings about {asp}, nothing stands out"]
        about_item = [f"{item} is fine for what it is, nothing more"]
    return rng.choice(about_aspect if aspect_only else about_aspect + about_item)


def fact(rng: random.Random, domain: str) -> str:
    return rng.choice(DOMAINS[domain][2])


def sentiment_text(rng: random.Random, label: str) -> str:
    domain = rng.choice(list(DOMAINS))
    form = rng.choices(["simple", "contrast", "long", "fact"],
                       [0.35, 0.1 if label == "neutral" else 0.35, 0.3,
                        0.3 if label == "neutral" else 0.0])[0]
    end = "!" if label != "neutral" and rng.random() < 0.15 else "."
    if form == "fact":
        # Purely factual: one or two facts, no opinion.
        facts = rng.sample(DOMAINS[domain][2], rng.choice([1, 1, 2]))
        return " ".join(_cap(f) + "." for f in facts)
    if form == "simple":
        return _cap(clause(rng, label, domain)) + end
    if form == "contrast":
        # The clause that decides carries `label`; the other clause has a different label.
        other_label = rng.choice([x for x in ("positive", "negative", "neutral") if x != label])
        main = clause(rng, label, domain)
        if label != "neutral":  # mostly the opposite polarity, sometimes a lukewarm clause
            other_label = rng.choices(["positive", "negative", "neutral"], [1, 1, 0.4])[0]
            other_label = other_label if other_label != label else "neutral"
        minor = clause(rng, other_label, domain, aspect_only=True)
        while _aspects(minor, domain) & _aspects(main, domain):  # two clauses, two aspects
            minor = clause(rng, other_label, domain, aspect_only=True)
        shape = rng.randrange(2 if label == "neutral" else 4)
        if shape == 0:
            return f"{_cap(minor)}, but {main}{end}"
        if shape == 1:
            return f"{_cap(minor)}. However, {main}{end}"
        if shape == 2:
            return f"{rng.choice(['Although', 'Even though', 'While'])} {minor}, {main}{end}"
        return f"{_cap(main)}, {rng.choice(['although', 'even though'])} {minor}{end}"
    # long: a factual lead-in, then one or two opinion clauses of the same label.
    parts = [_cap(fact(rng, domain)) + "."]
    parts.append(_cap(clause(rng, label, domain)) + ".")
    if rng.random() < 0.6:
        second = clause(rng, label, domain)
        while (_aspects(second, domain) & _aspects(parts[1], domain)
               or second.split()[:3] == parts[1][:-1].lower().split()[:3]):
            second = clause(rng, label, domain)
        parts.append(_cap(second) + end)
    elif label != "neutral":
        parts.append(rng.choice({
            "positive": ["Would buy again!", "Highly recommended.", "Five stars from me.",
                         "I'll definitely come back."],
            "negative": ["Never again.", "One star.", "Save your money.",
                         "I want a refund."]}[label]))
    return " ".join(parts)


def make_sentiment(rng: random.Random) -> dict[str, list[dict]]:
    """Exact per-split label counts from SENTIMENT_SHARES; texts unique (near_duplicate_key) across splits."""
    seen: set[str] = set()
    out: dict[str, list[dict]] = {}
    for split, size in SENTIMENT_SIZES.items():
        counts = {lab: round(size * share) for lab, share in SENTIMENT_SHARES.items()}
        counts["neutral"] += size - sum(counts.values())
        labels = [lab for lab, k in counts.items() for _ in range(k)]
        rng.shuffle(labels)
        rows = []
        for label in labels:
            while True:
                text = sentiment_text(rng, label)
                if near_duplicate_key(text) not in seen:  # case/punctuation variants count as repeats
                    seen.add(near_duplicate_key(text))
                    break
            rows.append({"text": text, "label": label})
        out[split] = rows
    return out
