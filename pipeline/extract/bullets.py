"""Bullet glyphs and indicator text cleaning."""

from __future__ import annotations

import re
import unicodedata

# Glyphs that only ever mark a list item when they stand alone at the start of a line.
_MARKS = set("•▪■►▸▹‣◦○●□▫◆◇❖➢➤➣→✓✔∙·◾◼⦁⁃⬥⬦▶▷")
# Glyphs that mark an item only when followed by a tab-like gap (they also occur inside sentences).
_DASHES = set("–—-*>~")
_CID = re.compile(r"^\(cid:\d+\)$")
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def is_private_use(ch: str) -> bool:
    return len(ch) == 1 and (0xE000 <= ord(ch) <= 0xF8FF or 0xF0000 <= ord(ch) <= 0xFFFFD)


# Fonts whose characters are pictures (ZapfDingbats 'l' is a disc, Wingdings '§' a square): any single
# character set in one of them is a mark.
_SYMBOL_FONT = re.compile(r"dingbat|wingding|webding|symbol", re.IGNORECASE)


def is_symbol_font(font: str) -> bool:
    return bool(_SYMBOL_FONT.search(font or ""))


def glyph_kind(token: str, font: str = "") -> str | None:
    """'mark' for a character that is always a bullet, 'dash' for one that is a bullet when set off by a gap."""
    token = token.strip()
    if not token:
        return None
    if _CID.match(token) or (len(token) == 1 and (token in _MARKS or is_private_use(token) or is_symbol_font(font))):
        return "mark"
    if len(token) == 1 and token in _DASHES:
        return "dash"
    return None


def split_leading_glyph(text: str) -> tuple[str, str]:
    """Split a word like '•Text' into ('•', 'Text') when it starts with an unmistakable bullet mark."""
    m = _CID.match(text.split(")")[0] + ")") if text.startswith("(cid:") else None
    if m:
        head = m.group(0)
        return head, text[len(head):]
    if text and (text[0] in _MARKS or is_private_use(text[0])):
        return text[0], text[1:]
    return "", text


_SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """Normalise one indicator's text: ligatures, stray bullet glyphs, spacing; wording kept."""
    for lig, rep in _LIGATURES.items():
        text = text.replace(lig, rep)
    text = unicodedata.normalize("NFC", text)
    if not (text.isascii() and text.isprintable()):  # printable ASCII has no control, format or odd space
        text = "".join(" " if (is_private_use(ch) or unicodedata.category(ch) in ("Cc", "Cf", "Zs")) else ch
                       for ch in text)
    text = re.sub(r"\(cid:\d+\)", " ", text)
    text = _SPACE.sub(" ", text).strip()
    while text and glyph_kind(text[0]) == "mark":
        text = text[1:].lstrip()
    return text


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines; a line ending in a hyphen directly after a letter is a broken word."""
    out = ""
    for line in lines:
        line = line.strip()
        if not out:
            out = line
        elif re.search(r"[A-Za-z]-$", out) and line[:1].islower():
            out = out[:-1] + line if not _keeps_hyphen(out) else out + line
        else:
            out = out + " " + line
    return out


def _keeps_hyphen(prefix: str) -> bool:
    """Compounds such as 'self-' or 'non-' keep their hyphen when wrapped."""
    word = re.split(r"[\s/(]", prefix)[-1].lower()
    return word in {"self-", "non-", "co-", "pre-", "post-", "anti-", "multi-", "well-", "ex-", "step-", "half-",
                    "long-", "short-", "low-", "high-", "sub-", "semi-", "cross-", "under-", "over-", "re-",
                    "inter-", "intra-", "mid-", "part-", "full-", "one-", "two-", "age-", "school-", "home-",
                    "faith-", "peer-", "risk-", "drug-", "alcohol-", "gang-", "family-", "child-", "parent-"}
