"""What on the page says a sequence of containers is a document's level scheme: the evidence every candidate
reading is scored on (readings.py), and the one line the summary gives for the reading chosen.

A person sees levels from the page before reading their names: 2 to 6 parallel containers of one visual class
(banners, sections, header columns or rows), each holding bullets, usually repeating the same grouping headings
inside each, often shaded along a scale, often numbered or lettered in order, often followed by a description.
Level words ("Level 2", a name the crosswalk lists) raise confidence but are not required; labels that name
Assessment Framework areas or domains ("Health", "Parenting capacity") count against a reading, since such
containers are groupings, not levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..vocab.domains import load_domain_crosswalk
from ..vocab.keys import label_key
from ..vocab.levels import load_level_crosswalk
from .settings import SETTINGS as S
from .vocabulary import NAMED, strip_continued

# Weights of the evidence in a reading's score (coverage, the share of bullets placed, is added by readings.py).
WEIGHTS = {"words": 1.0, "parallel": 0.3, "shading": 0.3, "ordinal": 0.2, "described": 0.1, "titled": 0.2,
           "grouping": -0.4}

_ORDINAL_PATTERNS = (
    re.compile(r"^(\d{1,2}|[a-fA-F])$"),                       # "1" / "A" printed alone (a badge, a big numeral)
    re.compile(r"^(\d{1,2})[.):]?\s+(?=[^\W\d])"),             # "1 Notice", "2. Offer" (not "7.1 Health")
    re.compile(r"^([a-fA-F])[.):]\s+(?=[^\W\d])"),             # "A. Everyday", "B) Extra"
    re.compile(r"\(\s*(\d{1,2}|[a-fA-F])\s*\)$"),              # "Notice (1)", "Everyday (A)"
    re.compile(r"[\s:–—-]\s*(\d{1,2})$"),                      # "Open door - 1"
)


def ordinal(label: str) -> int | None:
    """The number or letter a label prints for its place in a scheme (1 for "1", "A", "Notice (1)"), or None."""
    text = strip_continued(label).strip()
    for pattern in _ORDINAL_PATTERNS:
        m = pattern.search(text)
        if m:
            token = m.group(1)
            return int(token) if token.isdigit() else ord(token.upper()) - ord("A") + 1
    return None


def printed_number(label: str) -> int | None:
    """The level number a label prints ("Level Two - X" -> 2, "Everyday (1)" -> 1, "Tier 3" -> 3), not a letter."""
    number, _ = load_level_crosswalk().parse(strip_continued(label))
    if number is None and any(ch.isdigit() for ch in label):
        number = ordinal(label)
    return number


def in_sequence(numbers: list[int | None]) -> bool:
    """Two or more numbers counting up one by one, from 1 or 2 (a document may start at level 2)."""
    return (len(numbers) >= 2 and all(n is not None for n in numbers) and numbers[0] in (0, 1, 2)
            and all(b == a + 1 for a, b in zip(numbers, numbers[1:])))


def shading(keys: list[str], colours: list[tuple | None]) -> float:
    """Share of levels with a colour of their own: every printing of the level in one colour, no other level in
    it. `keys` and `colours` run in parallel over every printing of every level (a title repeated per page)."""
    seen: dict[str, set] = {}
    for key, colour in zip(keys, colours):
        seen.setdefault(key, set())
        if colour is not None:
            seen[key].add(colour)
    owners: dict[tuple, set] = {}
    for key, found in seen.items():
        for colour in found:
            owners.setdefault(colour, set()).add(key)
    own = [k for k, found in seen.items() if len(found) == 1 and len(owners[next(iter(found))]) == 1]
    return len(own) / len(seen) if len(seen) >= 2 else 0.0


@lru_cache(maxsize=4096)
def names_a_grouping(label: str) -> bool:
    """Does a short label name an Assessment Framework area or domain ("Health", "Parenting capacity")?"""
    key = label_key(strip_continued(label))
    if not key or len(key.split()) > 6:
        return False  # a long label is a level's sentence, not a grouping's name
    cw = load_domain_crosswalk()
    area = cw.map_area(key)
    return bool(cw.map_domain(key).value) or area.method in ("crosswalk", "fuzzy")


@lru_cache(maxsize=1024)
def names_a_scheme(title: str) -> bool:
    """Does a heading introduce a level scheme ("Levels of need", "Threshold descriptors")? Phrases:
    `scheme_titles` in level_crosswalk.yaml."""
    key = f" {label_key(title)} "
    return any(f" {phrase} " in key for phrase in load_level_crosswalk().scheme_titles)



@lru_cache(maxsize=1)
def _theme_tagger():
    from ..vocab.text import build_nlp
    from ..vocab.themes import ThemeTagger

    return ThemeTagger(build_nlp())


def warm_up() -> None:
    """Build the theme tagger once in the parent process, so forked workers share it."""
    _theme_tagger()


def needs_share(texts: list[str]) -> float:
    """Share of bullets that state a child's or family's need or strength: a theme of themes.yaml in them
    ("Persistent truanting", "Good height/weight"), where an annual report's or a strategy's bullets state
    actions ("Publish the training calendar")."""
    from ..vocab.text import process

    if not texts:
        return 0.0
    step = max(1, len(texts) // S.content_sample)

    sample = texts[::step]
    tagger = _theme_tagger()
    tagged = [tagger.tag(doc) for doc in process(sample)]
    return sum(bool(t.themes or t.protective) for t in tagged) / len(sample)


@dataclass
class Evidence:
    """Why a sequence of containers reads as levels. Each signal is 0-1 (a share of the levels, or all-or-none)."""
    words: float = 0.0        # level numbering or names the crosswalk lists, in the labels
    parallel: float = 0.0     # containers repeat one another's inner headings (or one header row heads them all;
                              # a level named outright counts as parallel to the others)
    shading: float = 0.0      # each level printed in a colour of its own
    ordinal: float = 0.0      # labels numbered or lettered in order (1, 2, 3 / A, B, C)
    described: float = 0.0    # a description printed with the label
    titled: float = 0.0       # the containers follow a heading that names a level scheme ("Levels of need")
    grouping: float = 0.0     # labels that name areas or domains (against)
    needs: float | None = None  # share of the levels' bullets that read as needs (judged only without level words)

    def score(self) -> float:
        return sum(weight * getattr(self, name) for name, weight in WEIGHTS.items())

    def structural(self) -> list[str]:
        """The structural signals present (not words). Prose after a heading is common anywhere, so a
        description counts only when (nearly) every level has one."""
        return [name for name in ("parallel", "shading", "ordinal", "described", "titled")
                if getattr(self, name) >= (S.described_share if name == "described" else S.strong_share)]

    def sufficient(self, n_levels: int) -> bool:
        """Enough to call the containers levels of need: level words; or, for two or more levels, a strong
        structural signal (parallel containers, a colour per level, a scheme title) with a second signal of
        any kind, or containers every one of which repeats the others' inner structure (what a person sees in
        a levels document: the same groupings under each level); and labels that are not mostly area or domain
        names. Without level words the bullets must read as needs. A single level must be named outright."""
        if n_levels == 1:
            return self.words >= NAMED
        if self.words >= S.min_words:
            return True
        present = self.structural()
        strong = {"parallel", "shading", "titled"} & set(present)
        enough = len(present) >= 2 or self.parallel >= S.parallel_alone_share
        return (n_levels >= 2 and bool(strong) and enough and self.grouping < S.strong_share
                and (self.needs is None or self.needs >= S.needs_share))

    def summary(self, n_levels: int, containers: str) -> str:
        """'4 levels from repeated shaded banners, numbered in order; no level words'."""
        adjectives = [word for name, word in (("parallel", "repeated"), ("shading", "shaded")) if
                      getattr(self, name) >= S.strong_share]
        extras = [word for name, word in (("ordinal", "numbered in order"), ("described", "described"),
                                          ("titled", "under a levels title")) if getattr(self, name) >= S.strong_share]
        words = ("level words" if self.words >= NAMED else "some level words" if self.words >= S.min_words
                 else "no level words")
        if self.needs is not None:
            words += f", {round(100 * self.needs)}% of bullets read as needs"
        head = f"{n_levels} level{'s' if n_levels != 1 else ''} from {' '.join(adjectives + [containers])}"
        return f"{head}{', ' + ', '.join(extras) if extras else ''}; {words}"
