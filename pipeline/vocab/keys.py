"""Label keys and printed-text tidying: pure string functions shared by every stage (no spaCy)."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]")
_SPACE = re.compile(r"\s+")
_APOSTROPHE = re.compile(r"['\u2019\u2018`\u00b4]")


def clean_text(text: object) -> str:
    """The printed wording, tidied: control characters removed, whitespace collapsed, ends stripped."""
    if text is None:
        return ""
    s = _CONTROL.sub("", str(text))
    return _SPACE.sub(" ", s).strip()


def label_key(label: object) -> str:
    """A label's matching key: NFKC, case-folded, "&"/"+" -> "and", apostrophes dropped, other punctuation
    -> space, whitespace collapsed. Idempotent: label_key(label_key(x)) == label_key(x)."""
    s = clean_text(label)
    for _ in range(4):  # case folding and NFKC can each expose the other's work; repeat to a fixed point
        before = s
        s = unicodedata.normalize("NFKC", s).casefold()
        s = s.replace("&", " and ").replace("+", " and ")
        s = _APOSTROPHE.sub("", s)
        s = "".join(ch if ch.isalnum() else " " for ch in s)
        s = _SPACE.sub(" ", s).strip()
        if s == before:
            break
    return s
