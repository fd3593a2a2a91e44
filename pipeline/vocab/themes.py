"""Theme tagging: the controlled vocabulary (pipeline/data/themes.yaml) matched on lemmas with spaCy.

Each indicator gets zero or more theme ids. A theme is marked protective when the indicator states a strength
("No substance misuse", "Good mental health") rather than a need; see the `polarity` section of themes.yaml.
Themes with an `adult_theme` are re-assigned when the subject is an adult ("Parents have a substance misuse
problem" -> parental_substance_misuse, not the child's own substance misuse).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from .crosswalk_files import DataFileError, data_path, load_yaml, string_list
from .domains import AREAS, DIMENSIONS
from .text import lemma, prepare

GAP = "*"
GAP_OP = "{,4}"
EXACT = "="  # "=looked" matches that word form only, not its lemma


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    dimensions: tuple[str, ...]
    early_help_group: str | None
    adult_theme: str | None
    phrases: tuple[str, ...]
    weak: tuple[str, ...]
    unless: tuple[str, ...]


@dataclass(frozen=True)
class EarlyHelpGroup:
    id: str
    wording: str
    themes: tuple[str, ...]


@dataclass
class Vocabulary:
    path: str
    themes: dict[str, Theme]
    groups: list[EarlyHelpGroup]
    adult_markers: tuple[str, ...]
    child_markers: tuple[str, ...]
    adult_areas: frozenset[str]
    window: int
    negation: tuple[str, ...]
    positive: tuple[str, ...]
    risk: tuple[str, ...]

    def dimensions_for(self, theme_ids) -> set[str]:
        return {d for t in theme_ids if t in self.themes for d in self.themes[t].dimensions}

    def groups_for(self, theme_ids) -> list[str]:
        wanted = set(theme_ids)
        return [g.id for g in self.groups if wanted & set(g.themes)]


@dataclass
class ThemeResult:
    """`themes`: concerns the text raises; `protective`: themes it states as a strength or absent. Disjoint."""

    themes: list[str] = field(default_factory=list)
    protective: list[str] = field(default_factory=list)


@lru_cache(maxsize=8)
def load_vocabulary(path: str | None = None) -> Vocabulary:
    """Read and check themes.yaml (cached per path)."""
    path = path or str(data_path("themes.yaml"))
    raw = load_yaml(path)
    themes: dict[str, Theme] = {}
    for i, spec in enumerate(raw.get("themes") or []):
        theme = _theme(spec, path, i)
        if theme.id in themes:
            raise DataFileError(path, f"themes: id {theme.id!r} is defined twice")
        themes[theme.id] = theme
    groups = [_group(spec, path, i) for i, spec in enumerate(raw.get("early_help_groups") or [])]
    group_ids = {g.id for g in groups}
    for theme in themes.values():
        if theme.adult_theme and theme.adult_theme not in themes:
            raise DataFileError(path, f"themes.{theme.id}: adult_theme {theme.adult_theme!r} is not a theme")
        if theme.early_help_group and theme.early_help_group not in group_ids:
            raise DataFileError(path, f"themes.{theme.id}: early_help_group {theme.early_help_group!r} is not listed "
                                      "under early_help_groups")
    for group in groups:
        missing = [t for t in group.themes if t not in themes]
        if missing or not group.themes:
            raise DataFileError(path, f"early_help_groups.{group.id}: unknown or no themes {missing}")
    subjects = raw.get("subjects") or {}
    polarity = raw.get("polarity") or {}
    adult_areas = frozenset(string_list(subjects.get("adult_areas"), path, "subjects.adult_areas"))
    if adult_areas - set(AREAS):
        raise DataFileError(path, f"subjects.adult_areas: unknown areas {sorted(adult_areas - set(AREAS))}")
    return Vocabulary(
        path=path, themes=themes, groups=groups,
        adult_markers=tuple(string_list(subjects.get("adult"), path, "subjects.adult")),
        child_markers=tuple(string_list(subjects.get("child"), path, "subjects.child")),
        adult_areas=adult_areas,
        window=int(polarity.get("window", 3)),
        negation=tuple(string_list(polarity.get("negation"), path, "polarity.negation")),
        positive=tuple(string_list(polarity.get("positive"), path, "polarity.positive")),
        risk=tuple(string_list(polarity.get("risk"), path, "polarity.risk")),
    )


def _theme(spec, path, i) -> Theme:
    if not isinstance(spec, dict) or not spec.get("id"):
        raise DataFileError(path, f"themes[{i}]: each theme needs an id")
    tid = str(spec["id"])
    dims = tuple(string_list(spec.get("dimensions"), path, f"themes.{tid}.dimensions"))
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or not dims:
        raise DataFileError(path, f"themes.{tid}: unknown or no dimensions {bad}")
    phrases = tuple(string_list(spec.get("phrases"), path, f"themes.{tid}.phrases"))
    weak = tuple(string_list(spec.get("weak"), path, f"themes.{tid}.weak"))
    if not phrases and not weak:
        raise DataFileError(path, f"themes.{tid}: needs phrases")
    return Theme(id=tid, label=str(spec.get("label") or tid), description=str(spec.get("description") or ""),
                 dimensions=dims, early_help_group=spec.get("early_help_group"),
                 adult_theme=spec.get("adult_theme"),
                 phrases=phrases, weak=weak,
                 unless=tuple(string_list(spec.get("unless"), path, f"themes.{tid}.unless")))


def _group(spec, path, i) -> EarlyHelpGroup:
    if not isinstance(spec, dict) or not spec.get("id"):
        raise DataFileError(path, f"early_help_groups[{i}]: needs an id")
    gid = str(spec["id"])
    return EarlyHelpGroup(id=gid, wording=str(spec.get("wording") or ""),
                          themes=tuple(string_list(spec.get("themes"), path, f"early_help_groups.{gid}.themes")))


# -- pattern compilation -------------------------------------------------------------------------------------
def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper() and word.isalpha()


def _needs_token_pattern(phrase: str) -> bool:
    words = phrase.split()
    return "|" in phrase or GAP in words or any(_is_acronym(w) or w.startswith(EXACT) for w in words)


def token_pattern(nlp: Language, phrase: str, source: str) -> list[dict]:
    """Compile "parent|carer * custody" into a Matcher pattern (alternatives by lemma, "*" = up to 4 words,
    ALL-CAPS words matched case-sensitively, "=word" matched as that lower-case form only)."""
    pattern: list[dict] = []
    slots = phrase.split()
    if slots[0] == GAP or slots[-1] == GAP:
        raise DataFileError(source, f"pattern {phrase!r}: cannot start or end with {GAP}")
    for slot in slots:
        if slot == GAP:
            pattern.append({"OP": GAP_OP})
            continue
        if slot.startswith(EXACT) and len(slot) > 1:
            pattern.append({"LOWER": {"IN": sorted({a.lower() for a in slot[1:].split("|") if a})}})
            continue
        alternatives = [a for a in slot.split("|") if a]
        tokenised = [[t.text for t in nlp.make_doc(prepare(a))] for a in alternatives]
        if len(alternatives) == 1 and len(tokenised[0]) > 1:
            pattern.extend(_token_spec(w) for w in tokenised[0])
            continue
        if any(len(t) != 1 for t in tokenised):
            raise DataFileError(source, f"pattern {phrase!r}: alternative words must be single words")
        words = [t[0] for t in tokenised]
        if len(words) == 1:
            pattern.append(_token_spec(words[0]))
        else:
            pattern.append({"LEMMA": {"IN": sorted({lemma(w) for w in words})}})
    return pattern


def _token_spec(word: str) -> dict:
    return {"ORTH": word} if _is_acronym(word) else {"LEMMA": lemma(word)}


class _Patterns:
    """Phrase and token patterns under string labels, matched together."""

    def __init__(self, nlp: Language, source: str) -> None:
        self.nlp, self.source = nlp, source
        self.phrases = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.tokens = Matcher(nlp.vocab)
        self._plain: dict[str, list[str]] = {}

    def add(self, label: str, phrases) -> None:
        for phrase in phrases:
            phrase = phrase.strip()
            if not phrase:
                continue
            if _needs_token_pattern(phrase):
                self.tokens.add(label, [token_pattern(self.nlp, phrase, self.source)])
            else:
                self._plain.setdefault(label, []).append(prepare(phrase))

    def freeze(self) -> "_Patterns":
        for label, texts in self._plain.items():
            self.phrases.add(label, list(self.nlp.pipe(texts)))
        self._plain = {}
        return self

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = self.nlp.vocab.strings
        found = {(strings[m], s, e) for m, s, e in self.phrases(doc)}
        found |= {(strings[m], s, e) for m, s, e in self.tokens(doc)}
        return sorted(found, key=lambda x: (x[1], x[2], x[0]))


# -- tagging ---------------------------------------------------------------------------------------------------
class ThemeTagger:
    """Tags processed docs with themes; build once (matchers compile all patterns) and reuse."""

    def __init__(self, nlp: Language, vocabulary: Vocabulary | None = None) -> None:
        self.vocab = vocabulary or load_vocabulary()
        v = self.vocab
        p = _Patterns(nlp, v.path)
        for theme in v.themes.values():
            p.add(f"theme:{theme.id}", theme.phrases)
            p.add(f"weak:{theme.id}", theme.weak)
            p.add(f"unless:{theme.id}", theme.unless)
        p.add("subject:adult", v.adult_markers)
        p.add("subject:child", v.child_markers)
        p.add("cue:neg", v.negation)
        p.add("cue:pos", v.positive)
        p.add("cue:risk", v.risk)
        self.patterns = p.freeze()

    def tag(self, doc: Doc, area: str | None = None) -> ThemeResult:
        """Concern themes and protective themes (sorted ids) of one processed indicator."""
        found: dict[str, list[tuple[int, int]]] = {}
        for label, start, end in self.patterns(doc):
            found.setdefault(label, []).append((start, end))
        strong = {k[6:]: v for k, v in found.items() if k.startswith("theme:")}
        cancelled = {k[7:] for k in found if k.startswith("unless:")}
        matches = self._theme_matches(strong, found, cancelled)
        theme_spans = [span for spans in matches.values() for span in spans]
        subjects = _Subjects(doc, found.get("subject:adult", []), found.get("subject:child", []),
                             area in self.vocab.adult_areas)
        polarity = _Polarity(doc, found, theme_spans, self.vocab.window)
        status: dict[str, bool] = {}
        for tid, spans in matches.items():
            theme = self.vocab.themes[tid]
            for span in spans:
                final = theme.adult_theme if (theme.adult_theme and subjects.is_adult(span)) else tid
                status[final] = status.get(final, True) and polarity.protective(span)
        return ThemeResult(themes=sorted(t for t, p in status.items() if not p),
                           protective=sorted(t for t, p in status.items() if p))

    @staticmethod
    def _theme_matches(strong, found, cancelled) -> dict[str, list[tuple[int, int]]]:
        matches = {t: spans for t, spans in strong.items() if t not in cancelled}
        for key, spans in found.items():
            if not key.startswith("weak:"):
                continue
            tid = key[5:]
            if tid in cancelled:
                continue
            others = [s for t, ss in strong.items() if t != tid for s in ss]
            kept = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] for o in others)]
            if kept:
                matches.setdefault(tid, []).extend(kept)
        return matches


CLAUSE_BREAKS = frozenset({",", ";", ":", "(", ")", "[", "]", "-", "\u2013", "\u2014"})


def _same_sentence(doc: Doc, i: int, j: int) -> bool:
    return doc[i].sent.start == doc[j].sent.start


class _Subjects:
    """Whose need a match describes, for themes with an adult_theme. In order: a marker right before the
    match ("adult mental health", "child's health"); the nearest marker before it in the same clause; the
    first marker of the sentence (its subject); else the indicator's area."""

    def __init__(self, doc: Doc, adult, child, area_default: bool) -> None:
        self.doc, self.area_default = doc, area_default
        self.markers = sorted([(s, e, True) for s, e in adult] + [(s, e, False) for s, e in child])

    def is_adult(self, span) -> bool:
        doc, start = self.doc, span[0]
        in_sentence = [m for m in self.markers if _same_sentence(doc, m[0], start)
                       and not (m[0] >= span[0] and m[1] <= span[1])]
        for s, e, adult in in_sentence:
            if e == start or (e == start - 1 and doc[e].text in {"'s", "'"}):
                return adult
        before = [m for m in in_sentence if m[1] <= start
                  and not any(doc[k].text in CLAUSE_BREAKS for k in range(m[1], start))]
        if before:
            return max(before, key=lambda m: (m[1], m[1] - m[0]))[2]
        if in_sentence:
            return min(in_sentence, key=lambda m: (m[0], -(m[1] - m[0])))[2]
        return self.area_default


class _Polarity:
    """Negation, positive and risk cues of one doc, for deciding whether a theme match is protective.

    A match is protective when its sentence has no live risk word and either a negation stands within
    `window` words before it (with no positive word between) or the sentence has a live positive word.
    Negation neutralises a risk word ("no barriers") and turns a positive word into a risk ("not adequate")."""

    def __init__(self, doc: Doc, found, theme_spans, window: int) -> None:
        self.doc, self.window = doc, window
        overlaps = lambda s: any(s[0] < t[1] and t[0] < s[1] for t in theme_spans)  # noqa: E731
        neg_all = found.get("cue:neg", [])
        self.neg = [s for s in neg_all if not overlaps(s)]
        negated = lambda s: any(n[1] <= s[0] and s[0] - n[1] < window and _same_sentence(doc, n[0], s[0])  # noqa: E731
                                for n in neg_all)
        pos = found.get("cue:pos", [])
        self.pos = [s for s in pos if not negated(s)]
        self.risk = [s for s in found.get("cue:risk", []) if not negated(s)] + [s for s in pos if negated(s)]

    def _in_sentence(self, spans, token: int) -> bool:
        return any(_same_sentence(self.doc, s[0], token) for s in spans)

    def protective(self, span) -> bool:
        if self._in_sentence(self.risk, span[0]):
            return False
        negated = any(n[1] <= span[0] and span[0] - n[1] <= self.window and _same_sentence(self.doc, n[0], span[0])
                      and not any(n[1] <= p[0] and p[1] <= span[0] for p in self.pos)
                      for n in self.neg)
        return negated or self._in_sentence(self.pos, span[0])
