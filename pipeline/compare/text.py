"""Text keys used by the compare stage: a folded form for duplicate detection and grading markers."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                         "\u2012": "-", "\u2212": "-", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s\-\u2022*.,;:]+|[\s.,;:\-]+$")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


def fold(text: str) -> str:
    """Case, quotes, dashes, spacing and leading/trailing punctuation folded; wording kept."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES).casefold()
    text = _SPACE.sub(" ", text).strip()
    return _EDGE_PUNCT.sub("", text)


def words(text: str) -> tuple[str, ...]:
    """The folded text's words (letters/digits, inner hyphens and apostrophes kept)."""
    return tuple(_WORD.findall(fold(text)))


def grading_markers(text: str, markers: Iterable[str]) -> frozenset[str]:
    """The grading markers (single words or phrases) present as whole words in the text, plus any numbers."""
    padded = " " + " ".join(words(text)) + " "
    found = {m for m in markers if f" {m.casefold()} " in padded}
    found.update(w for w in padded.split() if w.isdigit())
    return frozenset(found)
