"""Text normalization and the near-duplicate key (notebook 02), standard library only.

helpers.data cleans and de-duplicates with these, and data/make_data.py keeps the shipped sets
free of near-duplicates with the same key, so "duplicate" means one thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata

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
