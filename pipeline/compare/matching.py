"""Cross-framework indicator matching you can trust, shared by the compare stage and `threshold lookup`.

Similarity: score(a, b) = w * cos(word TF-IDF of a's and b's lemma text) + (1 - w) * cos(char n-gram TF-IDF of
their folded text), rounded to 3 decimals. The vectorisers are fitted on the indicators being compared (one
document per framework), so adding a framework can move scores slightly; the same inputs always give the same
scores.

Similar wording is not enough to call two bullets "the same indicator". A pair is published as a match only when
its `conflicts` are empty (see `Signature`):
  * polarity: a strength ("Good mental health", "No substance misuse", "Not living in poverty") never matches a
    concern ("Low level mental health issues"); negation flips the cue it governs ("not always adequate");
  * qualifiers: severity (minor / significant), frequency (occasional / persistent), age ("under 13" vs "under
    16"), durations ("less than six weeks") and certainty ("suspected risk of FGM" vs "FGM") must agree;
  * topic and subject: two tagged indicators must share a concern theme (the normaliser's adult variants keep
    "parental substance misuse" apart from the child's own).
The cue words are the normaliser's (pipeline/data/themes.yaml `polarity`, pipeline/data/qualifiers.yaml), plus
data/matching.yaml for certainty and durations. tests/data/judged_pairs.yaml holds pairs judged by reading them;
tests/test_compare_judged_pairs.py prints the precision and recall of the published matches on them.

Heavy libraries (numpy, scipy, scikit-learn) are imported by the functions that need them, so `threshold lookup`
can use the signatures without paying for them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import yaml

from .text import fold, words

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from scipy import sparse

DATA = Path(__file__).parent / "data"
THEMES_FILE = Path(__file__).parent.parent / "data" / "themes.yaml"
QUALIFIERS_FILE = Path(__file__).parent.parent / "data" / "qualifiers.yaml"

CHUNK = 512  # rows scored at a time: memory stays chunk x (indicators of the other framework), never n x m

MATCH_COLUMNS = (
    "indicator_id", "framework", "document", "page", "level_label", "canonical_level", "text",
    "rank", "score", "match_id", "match_framework", "match_document", "match_page", "match_level_label",
    "match_canonical_level", "match_text", "same_level",
)
DISAGREEMENT_COLUMNS = (
    "framework_a", "document_a", "indicator_id_a", "page_a", "level_label_a", "canonical_level_a", "text_a",
    "framework_b", "document_b", "indicator_id_b", "page_b", "level_label_b", "canonical_level_b", "text_b",
    "score", "level_gap", "shared_themes", "same_level_match_a", "same_level_match_b",
)


# ------------------------------------------------------------------------------------------ signatures

@dataclass(frozen=True)
class Cues:
    """The cue vocabularies, read once from the data files."""

    negation: frozenset[tuple[str, ...]]
    positive: frozenset[tuple[str, ...]]
    risk: frozenset[tuple[str, ...]]
    window: int
    severity: dict[tuple[str, ...], str]
    severity_order: tuple[str, ...]
    frequency: dict[tuple[str, ...], str]
    frequency_order: tuple[str, ...]
    diminishers: frozenset[tuple[str, ...]]
    certainty: frozenset[tuple[str, ...]]
    certainty_unless: frozenset[tuple[str, ...]]
    not_grading: frozenset[tuple[str, ...]]
    markers: frozenset[tuple[str, ...]]
    duration: re.Pattern
    age: re.Pattern
    numbers: dict[str, int]
    adult_of: dict[str, str]          # child theme -> its adult variant
    level_one_prior: int


def _yaml(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}


def _phrases(items: Iterable) -> frozenset[tuple[str, ...]]:
    return frozenset(words(str(item)) for item in items or () if words(str(item)))


@lru_cache(maxsize=1)
def cues() -> Cues:
    themes, quals, mine = _yaml(THEMES_FILE), _yaml(QUALIFIERS_FILE), _yaml(DATA / "matching.yaml")
    pol = themes.get("polarity") or {}

    def graded(block: dict) -> tuple[dict[tuple[str, ...], str], tuple[str, ...]]:
        order = tuple(block.get("order") or ())
        table = {}
        for grade in order:  # later (stronger) grades win a phrase listed twice
            for phrase in _phrases(block.get(grade)):
                table[phrase] = grade
        return table, order

    severity, severity_order = graded(quals.get("severity") or {})
    frequency, frequency_order = graded(quals.get("frequency") or {})
    age = quals.get("age") or {}
    numbers = {str(k): int(v) for k, v in (age.get("number_words") or {}).items()}
    number = r"(\d+|" + "|".join(sorted(map(re.escape, numbers), key=len, reverse=True)) + r")"
    below = "|".join(map(re.escape, age.get("below") or ["under"]))
    above = "|".join(map(re.escape, age.get("above") or ["over"]))
    units = "|".join(mine.get("duration_units") or ["days?", "weeks?", "months?", "years?"])
    adult_of = {}
    for theme in themes.get("themes") or []:
        if isinstance(theme, dict) and theme.get("adult_theme"):
            adult_of[str(theme["id"])] = str(theme["adult_theme"])
    return Cues(
        negation=_phrases(pol.get("negation")), positive=_phrases(pol.get("positive")) | _phrases(mine.get("positive")),
        risk=(_phrases(pol.get("risk")) | _phrases(mine.get("risk"))) - _phrases(mine.get("not_risk")),
        window=int(pol.get("window", 3)),
        severity=severity, severity_order=severity_order, frequency=frequency, frequency_order=frequency_order,
        diminishers=_phrases(mine.get("diminishers")),
        certainty=_phrases(mine.get("certainty")), certainty_unless=_phrases(mine.get("certainty_unless")),
        not_grading=_phrases(mine.get("not_grading")),
        markers=_phrases(mine.get("markers")),
        duration=re.compile(rf"\b(?:({below}|{above}|at least|up to)\s+)?{number}\s+({units})\b"),
        age=re.compile(rf"\b(?:aged\s+|age of\s+)?({below}|{above})\s+(?:the\s+age\s+of\s+)?{number}\b"
                       rf"(?!\s+(?:{units}))"),
        numbers=numbers, adult_of=adult_of, level_one_prior=int(mine.get("level_one_prior", 2)))


@dataclass(frozen=True)
class Signature:
    """What must agree for two bullets to be the same indicator."""

    polarity: int                   # +1 a concern, -1 a strength, 0 cannot tell
    severity: str                   # the severity grades the text names, "+"-joined ("mild+severe"; "" none)
    frequency: str                  # the frequency grades the text names ("occasional", ...; "" none)
    age: str                        # age condition, e.g. "under 13" ("" none)
    durations: frozenset[str]       # "less than 6 weeks", ...
    certainty: bool                 # a risk / suspicion / likelihood of something rather than the thing
    markers: frozenset[str]         # other words that set a level apart (matching.yaml `markers`) and numbers
    themes: frozenset[str]          # concern themes
    protective: frozenset[str]      # protective themes


def _spans(tokens: tuple[str, ...], phrases: frozenset[tuple[str, ...]]) -> list[tuple[int, int]]:
    longest = max((len(p) for p in phrases), default=0)
    found = []
    for i in range(len(tokens)):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if tokens[i:i + n] in phrases:
                found.append((i, i + n))
                break
    return found


def _stem(token: str) -> str:
    for suffix in ("ies", "es", "s"):
        if token.endswith(suffix) and len(token) > len(suffix) + 2:
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def lexical_polarity(text: str) -> int:
    """Risk cues minus positive cues in the text: a negation within the window flips the cue after it ("no
    barriers", "not adequate"), a diminisher flips a positive cue ("low aspirations")."""
    c = cues()
    tokens = tuple(_stem(t) if ((t,) not in c.negation and (t,) not in c.positive and (t,) not in c.risk) else t
                   for t in words(text))
    negations = _spans(tokens, c.negation)
    diminished = negations + _spans(tokens, c.diminishers)  # "low aspirations", "lack of positive role models"
    score = 0
    cued = ((_spans(tokens, c.positive), -1, diminished), (_spans(tokens, c.risk), +1, negations))
    for spans, sign, flippers in cued:
        for start, _ in spans:
            flipped = any(end <= start and start - end < c.window for _, end in flippers)
            score += -sign if flipped else sign
    return score


def _grade(tokens: tuple[str, ...], table: dict, order: tuple[str, ...], negations) -> str:
    """The grades the text's qualifier words name, weakest first, "+"-joined ("mild+severe"; "" none)."""
    found = set()
    for start, end in _spans(tokens, frozenset(table)):
        if any(e == start for _, e in negations):  # "not severe"
            continue
        found.add(table[tokens[start:end]])
    return "+".join(g for g in order if g in found)


def _masked(tokens: tuple[str, ...], phrases: frozenset[tuple[str, ...]]) -> tuple[str, ...]:
    """The tokens with the given phrases blanked out ("significant harm" grades nothing)."""
    out = list(tokens)
    for start, end in _spans(tokens, phrases):
        out[start:end] = [""] * (end - start)
    return tuple(out)


def _numbers(flat: str) -> frozenset[str]:
    """Numbers in the text ("6", "13"): a number changes the indicator."""
    return frozenset(re.findall(r"\b\d+\b", flat))


def _number(text: str, numbers: dict[str, int]) -> str:
    return str(numbers.get(text, text))


def signature(text: str, *, themes: Iterable[str] = (), protective: Iterable[str] = (), age: str | None = None,
              level: int | None = None) -> Signature:
    """The signature of a bullet (or of a free-text query): severity and frequency words read from the text
    (qualifiers.yaml's words, every grade named; matching.yaml's `not_grading` phrases left out), the age
    condition (the normaliser's when given), certainty, themes; `level` 1 (universal: needs met) makes the
    bullet a strength."""
    themes = frozenset(themes)
    return _signature(text, themes, frozenset(protective) - themes, age, level)


@lru_cache(maxsize=100_000)
def _signature(text: str, themes: frozenset[str], protective: frozenset[str], age: str | None,
               level: int | None) -> Signature:
    c = cues()
    tokens = words(text)
    negations = _spans(tokens, c.negation)
    score = lexical_polarity(text) + (2 if themes else 0) - (2 if protective and not themes else 0)
    if level == 1:
        score -= c.level_one_prior
    graded = _masked(tokens, c.not_grading)
    flat = " ".join(tokens)
    found_age = ""
    for match in c.age.finditer(flat):
        side = "under" if match.group(1) in ("under", "below", "younger than", "less than") else "over"
        found_age = f"{side} {_number(match.group(2), c.numbers)}"
        break
    durations = frozenset(f"{m.group(1) or ''} {_number(m.group(2), c.numbers)} {m.group(3).rstrip('s')}".strip()
                          for m in c.duration.finditer(flat))
    return Signature(
        polarity=(score > 0) - (score < 0),
        severity=_grade(graded, c.severity, c.severity_order, negations),
        frequency=_grade(graded, c.frequency, c.frequency_order, negations),
        age=age if age is not None else found_age, durations=durations,
        certainty=bool(_spans(_masked(tokens, c.certainty_unless), c.certainty)),
        markers=frozenset(" ".join(graded[s:e]) for s, e in _spans(graded, c.markers)) | _numbers(flat),
        themes=themes, protective=protective)


def row_signature(row: dict) -> Signature:
    """Signature of an indicator row (compare frame record or published row): the normaliser's themes and
    qualifiers, the text's cues, and its canonical level."""
    def items(value) -> tuple[str, ...]:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(";") if v.strip())
        return tuple(value or ())

    themes = items(row.get("concern_themes", row.get("themes")))
    protective = items(row.get("protective_themes"))
    level = row.get("canonical_level")
    return signature(row["text"], themes=[t for t in themes if t not in protective], protective=protective,
                     age=row.get("age_condition") or "", level=int(level) if level not in (None, "") else None)


def conflicts(a: Signature, b: Signature) -> list[str]:
    """Why two bullets are not the same indicator ([] = nothing against it)."""
    out = []
    if a.polarity * b.polarity < 0:
        out.append("a strength against a concern")
    if a.severity != b.severity:
        out.append(f"severity {a.severity or 'unqualified'} vs {b.severity or 'unqualified'}")
    if a.frequency != b.frequency:
        out.append(f"frequency {a.frequency or 'unqualified'} vs {b.frequency or 'unqualified'}")
    if a.age != b.age:
        out.append(f"age {a.age or 'any'} vs {b.age or 'any'}")
    if a.durations != b.durations:
        out.append("different durations")
    if a.certainty != b.certainty:
        out.append("a risk or suspicion against the thing itself")
    if a.markers != b.markers:
        out.append("markers " + " vs ".join("/".join(sorted(m)) or "none" for m in (a.markers, b.markers)))
    if a.themes and b.themes and not a.themes & b.themes:
        out.append("no concern theme in common")
    elif not a.themes and not b.themes and a.protective and b.protective and not a.protective & b.protective:
        out.append("no theme in common")
    adult = cues().adult_of
    for child_theme, adult_theme in adult.items():
        if (child_theme in a.themes and adult_theme in b.themes and adult_theme not in a.themes) or \
                (child_theme in b.themes and adult_theme in a.themes and adult_theme not in b.themes):
            out.append("the child against a parent")
            break
    return out


def query_conflicts(query: Signature, row: Signature) -> list[str]:
    """Why an indicator does not answer a free-text query: only what the query states counts (a query that
    names no frequency accepts every frequency; "persistent truanting" refuses "occasional truanting")."""
    out = []
    if query.polarity and query.polarity * row.polarity < 0:
        out.append("a strength against a concern")
    for name in ("severity", "frequency", "age"):
        mine, theirs = getattr(query, name), getattr(row, name)
        if mine and mine != theirs:
            out.append(f"{name} {mine} vs {theirs or 'unqualified'}")
    if query.durations and query.durations != row.durations:
        out.append("different durations")
    if query.certainty and not row.certainty:
        out.append("the thing itself, not a risk of it")
    return out


# ------------------------------------------------------------------------------------------ similarity

def lemma_text(row_text: str, row_normalised: str) -> str:
    """The normaliser's lemma text, or the folded text when the normaliser left it empty."""
    return row_normalised.strip() or fold(row_text)


def vectorise(frame: "pd.DataFrame", settings: dict) -> "sparse.csr_matrix":
    """One L2-normalised row per indicator such that row_a . row_b is the combined similarity."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if frame.empty:
        return sparse.csr_matrix((0, 0))
    weight = float(settings["word_weight"])
    lemmas = [lemma_text(t, n) for t, n in zip(frame["text"], frame["text_normalised"])]
    folded = [fold(t) for t in frame["text"]]
    word = TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b", ngram_range=tuple(settings["word_ngrams"]),
                           sublinear_tf=True, lowercase=True, dtype=np.float64)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(settings["char_ngrams"]), sublinear_tf=True,
                           lowercase=True, dtype=np.float64)
    parts = [math.sqrt(weight) * _fit(word, lemmas), math.sqrt(1.0 - weight) * _fit(char, folded)]
    return sparse.hstack(parts, format="csr")


def _fit(vectoriser, texts: list[str]) -> "sparse.csr_matrix":
    from scipy import sparse

    try:
        return vectoriser.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary (no words at all)
        return sparse.csr_matrix((len(texts), 1))


def similarity_block(vectors: "sparse.csr_matrix", rows: "np.ndarray", cols: "np.ndarray") -> "np.ndarray":
    """Scores of rows x cols, rounded to 3 decimals."""
    import numpy as np

    block = (vectors[rows] @ vectors[cols].T).toarray()
    return np.round(np.clip(block, 0.0, 1.0), 3)


def top_matches(frame: "pd.DataFrame", settings: dict) -> list[dict]:
    """For each indicator, its top_k counterparts in every other framework: score >= threshold and no conflict
    (see `conflicts`: polarity, qualifiers, certainty, topic, subject). Ties: lower indicator_id first."""
    import numpy as np

    frame = frame.sort_values(["framework", "indicator_id"], kind="stable").reset_index(drop=True)
    vectors = vectorise(frame, settings)
    threshold, top_k = float(settings["threshold"]), int(settings["top_k"])
    groups = {fw: np.flatnonzero(frame["framework"].to_numpy() == fw) for fw in sorted(frame["framework"].unique())}
    records = frame.to_dict("records")
    signatures = [row_signature(r) for r in records]
    rows: list[dict] = []
    for fw_a, idx_a in groups.items():
        for fw_b, idx_b in groups.items():
            if fw_a == fw_b:
                continue
            for start in range(0, len(idx_a), CHUNK):
                part = idx_a[start:start + CHUNK]
                block = similarity_block(vectors, part, idx_b)
                order = np.argsort(-block, axis=1, kind="stable")
                for i, a in enumerate(part):
                    rank = 0
                    for j in order[i]:
                        score = float(block[i, j])
                        if score < threshold or rank == top_k:
                            break
                        if conflicts(signatures[a], signatures[idx_b[j]]):
                            continue
                        rank += 1
                        rows.append(_match_row(records[a], records[idx_b[j]], rank, score))
    return sorted(rows, key=lambda r: (r["framework"], r["indicator_id"], r["match_framework"], r["rank"]))


def polarity(row: dict) -> int:
    """+1 a concern (has themes), -1 a protective statement (only protective themes), 0 untagged (the
    normaliser's themes only; the consistency findings use it)."""
    if row["concern_themes"]:
        return 1
    return -1 if row["protective_themes"] else 0


def _match_row(a: dict, b: dict, rank: int, score: float) -> dict:
    return {
        "indicator_id": a["indicator_id"], "framework": a["framework"], "document": a["document"], "page": a["page"],
        "level_label": a["level_label"], "canonical_level": a["canonical_level"], "text": a["text"],
        "rank": rank, "score": score, "match_id": b["indicator_id"], "match_framework": b["framework"],
        "match_document": b["document"], "match_page": b["page"], "match_level_label": b["level_label"],
        "match_canonical_level": b["canonical_level"], "match_text": b["text"],
        "same_level": _same_level(a["canonical_level"], b["canonical_level"]),
    }


def _same_level(a, b) -> bool | None:
    if a is None or b is None:
        return None
    return int(a) == int(b)


def level_disagreements(matches: list[dict], indicators: pd.DataFrame) -> list[dict]:
    """Matched pairs (either direction) whose canonical levels differ; each unordered pair once, A < B by framework."""
    themes = dict(zip(indicators["indicator_id"], indicators["concern_themes"]))
    same_level_in = _same_level_partners(matches)
    pairs: dict[tuple[str, str], dict] = {}
    for m in matches:
        if m["same_level"] is not False:
            continue
        a_first = m["framework"] < m["match_framework"]
        key = (m["indicator_id"], m["match_id"]) if a_first else (m["match_id"], m["indicator_id"])
        if key in pairs:
            pairs[key]["score"] = max(pairs[key]["score"], m["score"])
            continue
        a, b = _sides(m, a_first)
        shared = tuple(sorted(set(themes.get(a["id"], ())) & set(themes.get(b["id"], ()))))
        pairs[key] = {
            **{f"{k}_a": v for k, v in a.items() if k != "id"}, "indicator_id_a": a["id"],
            **{f"{k}_b": v for k, v in b.items() if k != "id"}, "indicator_id_b": b["id"],
            "score": m["score"], "level_gap": abs(int(a["canonical_level"]) - int(b["canonical_level"])),
            "shared_themes": shared,
            "same_level_match_a": (a["id"], b["framework"]) in same_level_in,
            "same_level_match_b": (b["id"], a["framework"]) in same_level_in,
        }
    return sorted(pairs.values(), key=lambda r: (r["framework_a"], r["framework_b"], -r["score"],
                                                 r["indicator_id_a"], r["indicator_id_b"]))


def _same_level_partners(matches: list[dict]) -> set[tuple[str, str]]:
    """(indicator id, other framework) for indicators matched at their own canonical level in that framework."""
    return {(m["indicator_id"], m["match_framework"]) for m in matches if m["same_level"] is True}


def _sides(m: dict, a_first: bool) -> tuple[dict, dict]:
    keys = ("framework", "document", "page", "level_label", "canonical_level", "text")
    left = {"id": m["indicator_id"], **{k: m[k] for k in keys}}
    right = {"id": m["match_id"], **{k: m[f"match_{k}"] for k in keys}}
    return (left, right) if a_first else (right, left)
