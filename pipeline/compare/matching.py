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

from pipeline.vocab import QUALIFIERS_FILE, THEMES_FILE
from pipeline.yaml_files import load_yaml

from .text import fold, words

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from scipy import sparse

DATA = Path(__file__).parent / "data"

CHUNK = 512  # rows scored at a time: memory stays chunk x n, never n x n
CHUNK_CELLS = 4_000_000  # ... and at most this many scores (32 MB) in one chunk, however many indicators

MATCH_COLUMNS = (
    "indicator_id", "framework", "document", "page", "level_label", "canonical_level", "text",
    "rank", "score", "match_id", "match_framework", "match_document", "match_page", "match_level_label",
    "match_canonical_level", "match_text", "same_level",
)
DISAGREEMENT_COLUMNS = (
    "framework_a", "document_a", "indicator_id_a", "page_a", "level_label_a", "canonical_level_a", "text_a",
    "framework_b", "document_b", "indicator_id_b", "page_b", "level_label_b", "canonical_level_b", "text_b",
    "score", "level_gap", "shared_themes", "need_id", "reason",
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
    subjects: tuple[tuple[tuple[str, ...], str], ...]  # (phrase, subject), longest phrase first


def _yaml(path: Path) -> dict:
    return load_yaml(path) or {}


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
    subjects = {}
    for subject, key in (("child", "child"), ("adult", "adult")):
        for phrase in _phrases(p for p in (themes.get("subjects") or {}).get(key) or [] if "*" not in str(p)
                               and "|" not in str(p)):
            subjects.setdefault(phrase, subject)
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
        numbers=numbers, adult_of=adult_of, level_one_prior=int(mine.get("level_one_prior", 2)),
        subjects=tuple(sorted(subjects.items(), key=lambda kv: (-len(kv[0]), kv[0]))))


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
    subject: str = ""               # whose need it states first: "child", "adult" (a parent, carer, the family), ""


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
        themes=themes, protective=protective, subject=_subject(tokens, c))


def _subject(tokens: tuple[str, ...], c: Cues) -> str:
    """Whose need a bullet states: the first person it names (themes.yaml `subjects`: "Parents unable to meet the
    child's needs" is the parents'), or "" when it names none."""
    phrases = frozenset(p for p, _ in c.subjects)
    spans = _spans(tokens, phrases)
    if not spans:
        return ""
    start, end = spans[0]
    return dict(c.subjects)[tokens[start:end]]


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
    else:
        if a.subject and b.subject and a.subject != b.subject:
            out.append(f"the {a.subject}'s need against the {b.subject}'s")
    return out


def query_conflicts(query: Signature, row: Signature) -> list[str]:
    """Why an indicator does not answer a free-text query: only what the query states counts (a query that
    names no frequency accepts every frequency; "persistent truanting" refuses "occasional truanting" but not an
    unqualified "poor attendance")."""
    out = []
    if query.polarity and query.polarity * row.polarity < 0:
        out.append("a strength against a concern")
    for name in ("severity", "frequency"):  # an unqualified indicator does not say otherwise
        mine, theirs = getattr(query, name), getattr(row, name)
        if mine and theirs and mine != theirs:
            out.append(f"{name} {mine} vs {theirs}")
    if query.age and query.age != row.age:
        out.append(f"age {query.age} vs {row.age or 'any'}")
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


@dataclass
class Edges:
    """Same-need pairs of a compared frame (its rows sorted by framework, then indicator id): row numbers a < b,
    their similarity, and the frame's records and signatures."""
    records: list[dict]
    signatures: list[Signature]
    a: "np.ndarray"
    b: "np.ndarray"
    score: "np.ndarray"

    def __len__(self) -> int:
        return len(self.a)


def _sorted(frame: "pd.DataFrame") -> "pd.DataFrame":
    return frame.sort_values(["framework", "indicator_id"], kind="stable").reset_index(drop=True)


def same_need_edges(frame: "pd.DataFrame", settings: dict) -> Edges:
    """Every pair of indicators of different frameworks that state the same need: similarity at least `threshold`
    and nothing in their statements conflicts (`conflicts`: polarity, subject, concern, qualifiers, certainty).
    Candidates are blocked: each indicator keeps its `top_k` most similar counterparts in each other framework,
    scored CHUNK rows at a time, so memory stays chunk x n and the pairs grow with indicators x frameworks, never
    with a full n x n table held at once."""
    import numpy as np

    frame = _sorted(frame)
    records = frame.to_dict("records")
    signatures = [row_signature(r) for r in records]
    n = len(records)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Edges(records, signatures, empty, empty, np.zeros(0))
    vectors = vectorise(frame, settings)
    threshold, top_k = float(settings["threshold"]), int(settings["top_k"])
    codes = frame["framework"].astype("category").cat.codes.to_numpy()
    found: dict[tuple[int, int], float] = {}
    rows_per_chunk = max(1, min(CHUNK, CHUNK_CELLS // n))
    everything = np.arange(n)
    for start in range(0, n, rows_per_chunk):
        part = everything[start:start + rows_per_chunk]
        block = similarity_block(vectors, part, everything)
        for i, a in enumerate(part):
            kept: dict[int, int] = {}  # other framework -> counterparts kept for this indicator
            for b in sorted(np.flatnonzero((block[i] >= threshold) & (codes != codes[a])).tolist(),
                            key=lambda j: (-block[i, j], j)):
                if kept.get(codes[b], 0) == top_k or conflicts(signatures[a], signatures[b]):
                    continue
                kept[codes[b]] = kept.get(codes[b], 0) + 1
                found[(a, b) if a < b else (b, a)] = float(block[i, b])
    keys = sorted(found)
    return Edges(records, signatures, np.array([k[0] for k in keys], dtype=np.int64),
                 np.array([k[1] for k in keys], dtype=np.int64), np.array([found[k] for k in keys]))


def top_matches(frame: "pd.DataFrame", settings: dict, edges: Edges | None = None) -> list[dict]:
    """For each indicator, its `top_k` same-need counterparts in every other framework (see `same_need_edges`),
    ranked by similarity (ties: lower indicator_id first). At national scale the table keeps, for each
    indicator, its best counterparts across frameworks up to `max_match_rows` rows in all."""
    edges = edges if edges is not None else same_need_edges(frame, settings)
    top_k, budget = int(settings["top_k"]), int(settings.get("max_match_rows") or 0)
    partners: dict[int, list[tuple[float, int]]] = {}
    for a, b, score in zip(edges.a.tolist(), edges.b.tolist(), edges.score.tolist()):
        partners.setdefault(a, []).append((score, b))
        partners.setdefault(b, []).append((score, a))
    records = edges.records
    rows: list[dict] = []
    for a in sorted(partners):
        kept: dict[str, int] = {}
        for score, b in sorted(partners[a], key=lambda t: (-t[0], records[t[1]]["indicator_id"])):
            fw = records[b]["framework"]
            kept[fw] = kept.get(fw, 0) + 1
            if kept[fw] <= top_k:
                rows.append(_match_row(records[a], records[b], kept[fw], score))
    if budget and len(rows) > budget:  # keep each indicator's closest counterparts first, across frameworks
        rows.sort(key=lambda r: (r["rank"], -r["score"], r["indicator_id"], r["match_id"]))
        rows = rows[:budget]
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


def level_disagreements(edges: Edges, need_of: dict[int, str] | None = None, settings: dict | None = None) -> list[dict]:
    """The same need placed at different canonical levels by two frameworks: one row per unordered pair (A before B
    by framework), with both bullets, levels and pages, the concern they share and why they are taken as the same
    need, best first. A universal-level bullet (needs met) and one at level 3 or 4 state no same need; at most
    `max_disagreement_rows` rows (the best-scoring) at national scale."""
    settings = settings or {}
    need_of = need_of or {}
    records, signatures = edges.records, edges.signatures
    rows = []
    for a, b, score in zip(edges.a.tolist(), edges.b.tolist(), edges.score.tolist()):
        la, lb = records[a]["canonical_level"], records[b]["canonical_level"]
        if la is None or lb is None or int(la) == int(lb) or min(int(la), int(lb)) == 1 and max(int(la), int(lb)) >= 3:
            continue
        if records[a]["framework"] > records[b]["framework"]:
            a, b = b, a
        sa, sb = signatures[a], signatures[b]
        shared = tuple(sorted(sa.themes & sb.themes or sa.protective & sb.protective))
        rows.append({
            **{f"{k}_a": v for k, v in _side(records[a]).items()},
            **{f"{k}_b": v for k, v in _side(records[b]).items()},
            "score": score, "level_gap": abs(int(la) - int(lb)), "shared_themes": shared,
            "need_id": need_of.get(a, ""), "reason": same_need_reason(sa, sb, score)})
    rows.sort(key=lambda r: (-r["score"], r["framework_a"], r["framework_b"], r["indicator_id_a"], r["indicator_id_b"]))
    budget = int(settings.get("max_disagreement_rows") or 0)
    return rows[:budget] if budget else rows


def same_need_reason(a: Signature, b: Signature, score: float) -> str:
    """Why two bullets are taken as one need, in a line: what they share and that nothing differs."""
    concern = ", ".join(sorted(a.themes & b.themes or a.protective & b.protective)) or "the same words"
    who = {"child": "the child", "adult": "a parent or carer"}.get(a.subject or b.subject, "the same person")
    kind = "strength" if a.polarity < 0 else "concern"
    return (f"same {kind} ({concern}) about {who}; no severity, frequency, age, duration or certainty differs; "
            f"wording {score:.2f} alike")


def _side(record: dict) -> dict:
    keys = ("framework", "document", "page", "level_label", "canonical_level", "text")
    return {"indicator_id": record["indicator_id"], **{k: record[k] for k in keys}}
