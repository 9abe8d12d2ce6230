"""Text normalization, the near-duplicate key (notebook 02) and the input check for lists of texts.

Standard library only. helpers.cleaning cleans and de-duplicates with these, and data/make_data.py
keeps the shipped sets free of near-duplicates with the same key, so "duplicate" means one thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

PUNCT_RE = re.compile(r"[^\w\s#]", flags=re.UNICODE)  # '#' kept: #Person1# is meaningful
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # invisible characters


def normalize_text(text: str) -> str:
    """NFKC unicode, zero-width chars removed, runs of spaces/tabs collapsed, lines stripped, blank lines dropped."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def near_duplicate_key(text: str) -> str:
    """A key equal for texts that differ only in case, punctuation, whitespace or unicode form."""
    return " ".join(PUNCT_RE.sub(" ", normalize_text(text).lower()).split())


def check_texts(name: str, texts: Sequence[str], item: str = "example") -> list[str]:
    """`texts` as a list of strings; TypeError on a bare string or a non-string item, ValueError if empty.

    The one check behind every helper that takes a list of texts (baselines, TF-IDF, metrics).
    """
    if isinstance(texts, str) or not isinstance(texts, Sequence):
        raise TypeError(f"{name} must be a list of strings, one per {item}, not {type(texts).__name__}")
    texts = list(texts)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{name}[{bad[0]}] is a {type(texts[bad[0]]).__name__}, not a string")
    if not texts:
        raise ValueError(f"{name} is empty; pass at least one {item}")
    return texts
