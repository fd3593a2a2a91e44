"""Understanding a practitioner's description of a child's situation (for `threshold lookup`).

    understand("Mum drinks vodka every night") -> Understanding(subject="adult", concepts=("alcohol",),
        themes=("parental_substance_misuse",), frequency="persistent", ...)

Reads pipeline/data/practitioner_words.yaml (everyday words -> the documents' concepts, who a description is
about, how often) and the documents' own theme phrases (themes.yaml). A concept whose theme has an adult variant
(child_substance_misuse -> parental_substance_misuse) takes the adult one when the description is about a parent or
carer, so a parent's drinking looks for parental substance misuse, not a child's experimenting. Phrases match on
lemmas, whole words; a phrase inside a longer matched phrase does not count ("dirty" inside "dirty house").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.compare.matching import cues
from pipeline.compare.text import words
from pipeline.vocab import THEMES_FILE
from pipeline.vocab.lemmas import lemma
from pipeline.yaml_files import load_yaml

VOCABULARY_FILE = Path(__file__).parent / "data" / "practitioner_words.yaml"


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    themes: tuple[str, ...]
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    concepts: dict[str, Concept]
    phrases: dict[tuple[str, ...], tuple[str, ...]]   # lemma phrase -> concept ids (everyday words)
    roles: dict[tuple[str, ...], str]                 # lemma phrase -> "adult" | "child"
    frequency: dict[tuple[str, ...], str]             # lemma phrase -> grade
    theme_phrases: dict[tuple[str, ...], tuple[str, ...]]  # word phrase -> themes (the documents' own words, as
    # written: lemmas would read "housing" as "house" and "SEND" as "sending")
    theme_unless: dict[str, tuple[tuple[str, ...], ...]]  # theme -> word phrases that rule it out (themes.yaml)
    theme_labels: dict[str, str]


@dataclass(frozen=True)
class Understanding:
    """What a description says: about whom, which concepts and themes, how often, and the words to search."""

    subject: str                  # whom the description is mainly about: "adult" (a parent or carer), "child", ""
    concepts: tuple[str, ...]     # practitioner concepts found
    themes: tuple[str, ...]       # themes.yaml ids, the subject's variant
    groups: tuple[tuple[str, ...], ...]  # the themes per concept (and per theme the documents' words name):
    # an indicator answers a concept when it carries any of its themes
    persons: tuple[str, ...]      # whose each group is: "adult", "child" or ""
    group_words: tuple[tuple[tuple[str, ...], ...], ...]  # per group, the documents' words for it (for
    # indicators the normaliser left untagged)
    frequency: str                # "occasional" | "repeated" | "persistent" | ""
    terms: tuple[str, ...]        # the documents' words for the concepts found, for the full-text search


def lemmas(text: str) -> tuple[str, ...]:
    return tuple(lemma(w) for w in words(text))


def _plain(phrase) -> bool:
    """A plain phrase (themes.yaml also has patterns with * and |, which the look-up leaves to the normaliser)."""
    return "*" not in str(phrase) and "|" not in str(phrase) and not str(phrase).startswith("=")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The practitioner vocabulary and the documents' theme phrases, read once (bounded YAML loader)."""
    data = load_yaml(VOCABULARY_FILE) or {}
    concepts, phrases = {}, {}
    for cid, entry in (data.get("concepts") or {}).items():
        concepts[str(cid)] = Concept(str(cid), str(entry.get("label") or cid), tuple(entry.get("themes") or ()),
                                     tuple(str(t) for t in entry.get("terms") or ()))
        for phrase in entry.get("words") or ():
            key = lemmas(str(phrase))
            if key and str(cid) not in phrases.get(key, ()):
                phrases[key] = phrases.get(key, ()) + (str(cid),)
    roles = {lemmas(str(p)): role for role in ("child", "adult") for p in (data.get("roles") or {}).get(role) or ()}
    frequency = {lemmas(str(p)): grade for grade, items in (data.get("frequency") or {}).items() for p in items}
    themes = load_yaml(THEMES_FILE) or {}
    theme_phrases, unless, labels = {}, {}, {}
    for theme in themes.get("themes") or []:
        labels[str(theme["id"])] = str(theme.get("label") or theme["id"])
        unless[str(theme["id"])] = tuple(words(str(p)) for p in theme.get("unless") or ()
                                         if _plain(p) and words(str(p)))
        for phrase in theme.get("phrases") or ():
            key = words(str(phrase)) if _plain(phrase) else ()
            if key and str(theme["id"]) not in theme_phrases.get(key, ()):
                theme_phrases[key] = theme_phrases.get(key, ()) + (str(theme["id"]),)
    for subject in ("child", "adult"):  # the documents' own person words count too
        for phrase in (themes.get("subjects") or {}).get(subject) or ():
            if _plain(phrase):
                roles.setdefault(lemmas(str(phrase)), subject)
    return Vocabulary(concepts, phrases, {k: v for k, v in roles.items() if k}, {k: v for k, v in frequency.items()
                                                                              if k}, theme_phrases, unless, labels)


def _matches(tokens: tuple[str, ...], table: dict) -> list[tuple[int, int, object]]:
    """(start, end, value) of every table phrase in tokens, leaving out those inside a longer match."""
    longest = max((len(p) for p in table), default=0)
    found = [(i, i + n, table[tokens[i:i + n]]) for i in range(len(tokens))
             for n in range(1, min(longest, len(tokens) - i) + 1) if tokens[i:i + n] in table]
    return [(s, e, v) for s, e, v in found
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in found)]


def _person(roles: list[tuple[int, int, str]], start: int) -> str:
    """Whose a concept found at `start` is: the person named last before it, else the first named after it."""
    before = [role for s, e, role in roles if e <= start]
    after = [role for s, e, role in roles if s >= start]
    return before[-1] if before else (after[0] if after else "")


def understand(text: str) -> Understanding:
    """Who the description is about, the concepts and themes it raises, how often, and the search terms."""
    vocab = vocabulary()
    tokens, plain = lemmas(text), words(text)
    roles = sorted(_matches(tokens, vocab.roles))
    adult_of = cues().adult_of
    concept_ids, groups, persons, group_words = [], [], [], []
    for start, _, ids in sorted(_matches(tokens, vocab.phrases)):
        for cid in ids:
            if cid not in concept_ids:
                person = _person(roles, start)
                concept_ids.append(cid)
                persons.append(person)
                groups.append(tuple(dict.fromkeys(adult_of.get(t, t) if person == "adult" else t
                                                  for t in vocab.concepts[cid].themes)))
                group_words.append(tuple(words(t) for t in vocab.concepts[cid].terms))
    padded = f" {' '.join(plain)} "
    for start, end, ids in sorted(_matches(plain, vocab.theme_phrases)):
        person = _person(roles, start)
        for theme in ids:
            if any(f" {' '.join(p)} " in padded for p in vocab.theme_unless.get(theme, ())):
                continue  # the documents' own exception ("attendance" at medical appointments is not school's)
            theme = adult_of.get(theme, theme) if person == "adult" else theme
            if not any(theme in group for group in groups):
                groups.append((theme,))
                persons.append(person)
                group_words.append((plain[start:end],))
    grades = [g for _, _, g in _matches(tokens, vocab.frequency)]
    frequency = max(grades, key=cues().frequency_order.index) if grades else ""
    terms = tuple(dict.fromkeys(t for c in concept_ids for t in vocab.concepts[c].terms))
    themes = tuple(dict.fromkeys(t for group in groups for t in group))
    subject = next((p for p in persons if p), roles[0][2] if roles else "")
    return Understanding(subject, tuple(concept_ids), themes, tuple(groups), tuple(persons),
                         tuple(group_words), frequency, terms)


def group_label(understanding: Understanding, index: int) -> str:
    """How a hit's "why" names the query's index-th concept (the theme's label for the documents' words)."""
    if index < len(understanding.concepts):
        return vocabulary().concepts[understanding.concepts[index]].label
    theme = understanding.groups[index][0]
    return vocabulary().theme_labels.get(theme, theme).lower()
