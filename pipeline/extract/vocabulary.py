"""What a level of need looks like in print: numbering and the level vocabulary of level_crosswalk.yaml.

Structure inference uses this as one signal among several (geometry, typography, repetition): a heading class or
header row whose labels look like levels is more likely to carry the levels than one whose labels do not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..vocab.keys import label_key
from ..vocab.levels import load_level_crosswalk

_SEPARATORS = " :-–—|"
_TRAILING_NUMBER = re.compile(r"\s*\(\s*\d{1,2}\s*\)\s*$")  # "Everyday (1)": the number in brackets after the name
_CONTINUED = re.compile(r"[\s:\-–—]*[(\[]?\s*(?:continued|cont'?d?\.?)\s*[)\]]?\s*$", re.IGNORECASE)
# weaker than a level word: pathway steps ("Step 1") and document sections ("Stage 2") use these too
_WEAK_PREFIXES = {"step", "stage"}
_SCHEME_PREFIX = "level of need"  # "Level of need: Universal" names no number


@lru_cache(maxsize=1)
def _numbering() -> dict[str, re.Pattern]:
    """The numbering patterns, built from the prefixes and number words of level_crosswalk.yaml (`numbering`)."""
    cw = load_level_crosswalk()
    prefixes = [p for p in cw.prefixes if p != _SCHEME_PREFIX]
    any_prefix = "|".join(map(re.escape, prefixes))
    strong = "|".join(re.escape(p) for p in prefixes if p not in _WEAK_PREFIXES)
    words = "|".join(sorted(map(re.escape, cw.number_words), key=len, reverse=True))
    return {
        # at the start: "Level 2", "Tier Three", "Level of need", or a section number ("2.", "5.1")
        "leading": re.compile(rf"^\s*(?:(?:{any_prefix})\s*(?:\d+[a-z]?|{words})\b|{re.escape(_SCHEME_PREFIX)}\b|"
                              rf"\d+(?:\.\d+)*[.)]?(?=\s))[\s:.)\-–—]*", re.IGNORECASE),
        # after the name, as a header cell prints it on the line below ("Universal Level 1"); "Early help
        # (Level 2)" keeps its brackets, as documents print it
        "trailing": re.compile(rf"(?<=\w)[\s:\-–—]+(?:{strong})\s*(?:\d+|{words})\s*$", re.IGNORECASE),
        # nothing but a number: "1", "A", "Level 2", "Tier Two"
        "only": re.compile(rf"^\s*(?:(?:{any_prefix})\s*)?(?:\d{{1,2}}|[a-f]|{words})\s*[.:)]?\s*$", re.IGNORECASE),
    }


def numbering_only(label: str) -> bool:
    """Is the label only a level's number ("1", "A", "Level 2", "Tier Two"), with no name?"""
    return bool(_numbering()["only"].match(label))


def strip_numbering(label: str) -> str:
    """'LEVEL ONE Level of Need: Universal' -> 'Universal', 'Everyday (1)' -> 'Everyday'; a label that is only
    numbering keeps its last part ('LEVEL FOUR Level of Need: LEVEL 4' -> 'LEVEL 4')."""
    leading = _numbering()["leading"]
    text, prev = label.strip(), None
    while prev != text and text:
        prev = text
        text = _TRAILING_NUMBER.sub("", leading.sub("", text)).strip(_SEPARATORS)
    text = text or prev or label.strip()
    name = _numbering()["trailing"].sub("", text).strip(_SEPARATORS)
    return name if name and not leading.match(name) else text


def strip_continued(label: str) -> str:
    """'Level 4 - Statutory (continued)' -> 'Level 4 - Statutory'."""
    return _CONTINUED.sub("", label).strip() or label.strip()


def level_key(label: str) -> str:
    """Two headings with one key are the same level (a title repeated on a new page or table)."""
    return label_key(strip_continued(label))


# How much a label reads as a level's name (level_likeness), grade by grade.
NUMBERED = 1.0        # level numbering: 'Level 2', 'Tier Three', 'Early help (level 2)', 'Level of need:'
NAMED = 0.9           # a level name the crosswalk lists
WEAKLY_NUMBERED = 0.5  # weak numbering: 'Step 2'
KEYWORD = 0.4         # a name with a level keyword only (domain headings such as 'Care and protection' have them)


@lru_cache(maxsize=4096)
def level_likeness(label: str) -> float:
    """The label's grade (NUMBERED, NAMED, WEAKLY_NUMBERED, KEYWORD), else 0."""
    cw = load_level_crosswalk()
    key = label_key(strip_continued(label))
    if not key:
        return 0.0
    numbers = "|".join([r"\d+[a-z]?", *map(re.escape, cw.number_words)])
    best = 0.0
    for prefix in cw.prefixes:
        pattern = rf"(?:^|\b){re.escape(prefix)} (?:{numbers})\b" if prefix != "level of need" else r"^level of need\b"
        if re.search(pattern, key):
            best = max(best, WEAKLY_NUMBERED if prefix in _WEAK_PREFIXES else NUMBERED)
    if best == NUMBERED:
        return best
    name = label_key(strip_numbering(strip_continued(label)))
    if name in cw.labels:
        return max(best, NAMED)
    level, _, _ = cw.by_name(name)
    return max(best, KEYWORD) if level is not None else best


class LevelVocabulary:
    """Level-likeness for one document: the general vocabulary, and the analyst's level labels (manifest hint
    `levels:`) which read as levels whatever their wording ("Green", "Amber", "Red")."""

    def __init__(self, hinted: list[str] | tuple[str, ...] = ()):
        self.hinted = tuple(h for h in hinted if label_key(h))

    def matches(self, label: str, hint: str) -> bool:
        """Does a printed label name the hinted level (numbering and '(continued)' aside)?"""
        have = label_key(strip_numbering(strip_continued(label)))
        want = label_key(strip_numbering(hint))
        return bool(have and want) and (have == want or f" {want} " in f" {have} ")

    def likeness(self, label: str) -> float:
        if any(self.matches(label, hint) for hint in self.hinted):
            return NUMBERED

        return level_likeness(label)

