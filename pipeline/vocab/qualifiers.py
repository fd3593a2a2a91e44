"""Qualifiers: severity and frequency words and age conditions, found with spaCy matchers.

Vocabularies are data (pipeline/data/qualifiers.yaml). Severity and frequency keep the strongest value found;
age conditions are written as "under 13", "over 18", "13 or under", "16 or over", "10-17".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .crosswalk_files import DataFileError, data_path, load_yaml, string_list
from .text import prepare

# A number followed by one of these is a duration or count, not an age ("more than six weeks").
NOT_AGE_UNITS = frozenset({"day", "days", "week", "weeks", "hour", "hours", "minute", "minutes", "time", "times",
                           "occasion", "occasions", "incident", "incidents", "episode", "episodes", "percent", "%",
                           "agency", "agencies", "service", "services", "mile", "miles", "visit", "visits",
                           "prosecution", "prosecutions", "session", "sessions", "school", "schools"})
MONTH_UNITS = frozenset({"month", "months"})


@dataclass(frozen=True)
class Qualifiers:
    severity: str = ""
    frequency: str = ""
    age_condition: str = ""


@dataclass(frozen=True)
class QualifierVocabulary:
    path: str
    scales: dict[str, tuple[str, ...]]            # scale -> values, weakest first
    phrases: dict[tuple[str, str], tuple[str, ...]]  # (scale, value) -> phrases
    negation: tuple[str, ...]
    below: tuple[str, ...]
    above: tuple[str, ...]
    number_words: dict[str, int]
    max_age: int


@lru_cache(maxsize=8)
def load_qualifiers(path: str | None = None) -> QualifierVocabulary:
    """Read and check qualifiers.yaml (cached per path)."""
    path = path or str(data_path("qualifiers.yaml"))
    raw = load_yaml(path)
    scales, phrases = {}, {}
    for scale in ("severity", "frequency"):
        spec = raw.get(scale)
        if not isinstance(spec, dict):
            raise DataFileError(path, f"{scale}: missing")
        order = tuple(string_list(spec.get("order"), path, f"{scale}.order"))
        if not order or any(v not in spec for v in order):
            raise DataFileError(path, f"{scale}.order: every value needs a phrase list")
        scales[scale] = order
        for value in order:
            phrases[(scale, value)] = tuple(string_list(spec[value], path, f"{scale}.{value}"))
    age = raw.get("age") or {}
    return QualifierVocabulary(
        path=path, scales=scales, phrases=phrases,
        negation=tuple(string_list(raw.get("negation"), path, "negation")),
        below=tuple(string_list(age.get("below"), path, "age.below")),
        above=tuple(string_list(age.get("above"), path, "age.above")),
        number_words={str(k).lower(): int(v) for k, v in (age.get("number_words") or {}).items()},
        max_age=int(age.get("max_age", 25)),
    )


class QualifierExtractor:
    """Severity, frequency and age condition of processed docs; build once and reuse."""

    def __init__(self, nlp: Language, vocabulary: QualifierVocabulary | None = None) -> None:
        self.vocab = v = vocabulary or load_qualifiers()
        self.nlp = nlp
        self.words = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for (scale, value), texts in v.phrases.items():
            self.words.add(f"{scale}:{value}", list(nlp.pipe(prepare(t) for t in texts)))
        self.negation = {t.lower() for t in v.negation}
        self.ages = Matcher(nlp.vocab)
        self._add_age_patterns()

    def _add_age_patterns(self) -> None:
        v = self.vocab
        number = {"TEXT": {"REGEX": r"^(\d{1,2}s?|[A-Za-z]+(-[A-Za-z]+)?)$"}}
        below = [[{"LOWER": w} for w in p.lower().split()] for p in v.below]
        above = [[{"LOWER": w} for w in p.lower().split()] for p in v.above]
        age_of = [{"LOWER": "the", "OP": "?"}, {"LOWER": {"IN": ["age", "ages"]}}, {"LOWER": "of"}]
        for words in below:
            self.ages.add("below", [words + [number], words + age_of + [number]])
        for words in above:
            self.ages.add("above", [words + [number], words + age_of + [number]])
        aged = {"LOWER": {"IN": ["aged", "age", "ages"]}}
        self.ages.add("or_below", [[aged, number, {"LOWER": {"IN": ["or", "and"]}},
                                    {"LOWER": {"IN": ["under", "below", "younger"]}}]])
        self.ages.add("or_above", [[aged, number, {"LOWER": {"IN": ["or", "and"]}},
                                    {"LOWER": {"IN": ["over", "above", "older"]}}]])
        self.ages.add("range", [[aged, number, {"LOWER": {"IN": ["-", "to", "\u2013"]}}, number]])

    def extract(self, doc: Doc) -> Qualifiers:
        return Qualifiers(severity=self._strongest(doc, "severity"), frequency=self._strongest(doc, "frequency"),
                          age_condition=self._ages(doc))

    def _strongest(self, doc: Doc, scale: str) -> str:
        order = self.vocab.scales[scale]
        best = -1
        strings = self.nlp.vocab.strings
        for match_id, start, _ in self.words(doc):
            kind, _, value = strings[match_id].partition(":")
            if kind != scale or (start > 0 and doc[start - 1].lower_ in self.negation):
                continue
            best = max(best, order.index(value))
        return order[best] if best >= 0 else ""

    def _number(self, text: str) -> int | None:
        t = text.lower().rstrip("s") if text[:1].isdigit() else text.lower()
        if t.isdigit():
            n = int(t)
        else:
            n = self.vocab.number_words.get(t)
        return n if n is not None and 0 < n <= self.vocab.max_age else None

    def _ages(self, doc: Doc) -> str:
        if not any(t.text[:1].isdigit() or t.lower_ in self.vocab.number_words for t in doc):
            return ""
        strings = self.nlp.vocab.strings
        found: list[tuple[int, str]] = []
        taken: set[int] = set()
        matches = sorted(self.ages(doc), key=lambda m: (m[1], -(m[2] - m[1])))
        for match_id, start, end in matches:
            if taken & set(range(start, end)):
                continue
            value = self._age_value(strings[match_id], doc[start:end], doc[end] if end < len(doc) else None)
            if value:
                found.append((start, value))
                taken |= set(range(start, end))
        return ";".join(dict.fromkeys(v for _, v in sorted(found)))

    def _age_value(self, kind: str, span, following) -> str:
        nums = [self._number(t.text) for t in span if self._number(t.text) is not None]
        if kind in ("below", "above") and following is not None and following.lower_ in NOT_AGE_UNITS:
            return ""
        if not nums:
            return ""
        months = " months" if following is not None and following.lower_ in MONTH_UNITS else ""
        if kind == "below":
            return f"under {nums[-1]}{months}"
        if kind == "above":
            return f"over {nums[-1]}{months}"
        if kind == "or_below":
            return f"{nums[0]} or under"
        if kind == "or_above":
            return f"{nums[0]} or over"
        if kind == "range" and len(nums) == 2:
            return f"{nums[0]}-{nums[1]}"
        return ""
