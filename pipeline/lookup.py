"""'Which level, where?': the published indicators closest to a practitioner's description, per framework.

    lookup(out, "mum drinks vodka every night", frameworks=None, top=3) -> dict

The description is understood first (pipeline.understand): who it is about (a parent or the child), the concepts
it raises in everyday words (practitioner_words.yaml: "vodka" -> alcohol, "skipping school" -> attendance) and in
the documents' words (themes.yaml), and how often ("every night" -> persistent). Candidates per framework's current
document (the one the frameworks table names) in the release's threshold.sqlite: up to CANDIDATES by FTS5 bm25
(porter stemming) over the description's words and the documents' words for its concepts, plus every indicator
tagged with one of its themes (a parent's concept takes the parental theme: child_substance_misuse ->
parental_substance_misuse).

score = 0.6 * share of the description's concepts the indicator answers + 0.2 * bm25 relative to the framework's
best candidate + 0.2 * wording similarity (rapidfuzz token set / sort ratios); without concepts 0.4 * bm25 + 0.6 *
wording. + FREQUENCY_BONUS when the indicator states the description's frequency; an indicator that contradicts
what the description states (pipeline.compare.matching.query_conflicts: a strength for a concern, another stated
severity, frequency, age or duration, the thing for a risk of it) keeps half its score and says why. Each hit says
why it matched ("parent · alcohol · persistent"); when the description raises concepts, a framework with no
indicator answering any of them says "nothing relevant" instead of showing word matches. No model, nothing
downloaded.

When the release has no threshold.sqlite (published before it existed), one is built once from the release's
JSON files into OUT/.cache/lookup/ (keyed by the release's datapackage.json).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable

from rapidfuzz import fuzz

from pipeline.compare.matching import cues, query_conflicts, row_signature, signature
from pipeline.compare.text import fold, words
from pipeline.understand import Understanding, group_label, understand, vocabulary
from pipeline.vocab import LEVEL_NAMES

CANDIDATES = 25          # per framework, from the full-text index
MIN_SCORE = 0.35         # below this a framework's best indicator is not "close"
FREQUENCY_BONUS = 0.1    # an indicator stating the description's frequency ("every night" ~ persistent)
PERSON = {"adult": "parent", "child": "child"}
STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the their them they
this to was were where which who with child children young person people""".split())


class LookupError_(LookupError):
    """No release, or nothing to search for."""


# ------------------------------------------------------------------------------------------- the query

def query_themes(text: str) -> list[str]:
    """The themes a description raises (practitioner words and the documents' theme phrases), sorted."""
    return sorted(understand(text).themes)


# ------------------------------------------------------------------------------------------- database

def database(out: Path) -> Path:
    """The release's threshold.sqlite, or a cached one built from its JSON files."""
    out = Path(out)
    if (out / "threshold.sqlite").is_file():
        return out / "threshold.sqlite"
    package = out / "datapackage.json"
    if not package.is_file():
        raise LookupError_(f"no published release in {out} (run `threshold run` first, or give --out)")
    key = hashlib.sha256(package.read_bytes()).hexdigest()[:16]
    cached = out / ".cache" / "lookup" / key / "threshold.sqlite"
    if not cached.is_file():
        from pipeline.publish.sqlite import release_tables, write_sqlite

        cached.parent.mkdir(parents=True, exist_ok=True)
        write_sqlite(release_tables(out), cached.parent)
    return cached


def _match_query(text: str, terms: Iterable[str] = ()) -> str:
    """FTS5 query: any of the text's content words and the documents' words for the concepts it raises
    (qualifier words such as "persistent" left to the ranking)."""
    c = cues()
    every = [w for w in dict.fromkeys(words(text)) if w not in STOPWORDS and len(w) > 1]
    content = [w for w in every if (w,) not in c.severity and (w,) not in c.frequency and (w,) not in c.negation]
    found = list(dict.fromkeys(content + [w for t in terms for w in words(t) if w not in STOPWORDS]))
    return " OR ".join('"' + t.replace('"', "") + '"' for t in (found or every or list(words(text))))


# ------------------------------------------------------------------------------------------- search

def lookup(out: Path, text: str, *, frameworks: Iterable[str] | None = None, top: int = 3) -> dict:
    """The `top` closest indicators in each framework (all, or those named), grouped by framework, with a
    one-line summary of where the frameworks agree or differ on the canonical level.

    When the description raises concepts (practitioner words or the documents' theme phrases), only indicators
    answering one of them are shown; a framework with none says so (`nothing_relevant`)."""
    db = sqlite3.connect(f"file:{database(out)}?mode=ro", uri=True)
    try:
        return lookup_in(db, text, frameworks=frameworks, top=top)
    finally:
        db.close()


def lookup_in(db: sqlite3.Connection, text: str, *, frameworks: Iterable[str] | None = None, top: int = 3) -> dict:
    """`lookup` on an open threshold.sqlite connection (the datasette plugin's way in)."""
    query = " ".join(str(text).split())
    meant = understand(query)
    match = _match_query(query, meant.terms)
    if not match:
        raise LookupError_("nothing to look up: give a few words describing the need")
    wanted = sorted(set(frameworks or ()))
    rows = _candidates(db, match, wanted, list(meant.themes))
    known = [r[0] for r in db.execute("SELECT framework FROM frameworks ORDER BY framework")]
    docs = dict(db.execute("SELECT framework, document FROM frameworks"))
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise LookupError_(f"unknown framework(s): {', '.join(unknown)} (published: {', '.join(known)})")
    hits = _rank(query, rows, meant)
    groups = []
    for framework in wanted or known:
        mine = [h for h in hits if h["framework"] == framework]
        relevant = [h for h in mine if h["concepts"]] if meant.groups else mine
        groups.append({"framework": framework, "document": docs.get(framework), "hits": relevant[:max(1, top)],
                       "nothing_relevant": bool(meant.groups) and not relevant})
    return {"query": query, "top": top, "understood": _understood(meant),
            "themes": [{"theme": t, "label": vocabulary().theme_labels.get(t, t)} for t in meant.themes],
            "frameworks": groups, "summary": summarise(groups)}


def flat_rows(result: dict) -> list[dict]:
    """A lookup result as one row per hit (and one per framework with nothing relevant), for SQL and tables."""
    rows = []
    for group in result["frameworks"]:
        if not group["hits"]:
            rows.append({"framework": group["framework"], "rank": None, "score": None, "canonical_level": None,
                         "level_label": None, "text": None, "why": "nothing relevant" if group["nothing_relevant"]
                         else "no indicator shares a word", "page": None, "indicator_id": None})
        for rank, hit in enumerate(group["hits"], start=1):
            rows.append({"framework": group["framework"], "rank": rank, "score": hit["score"],
                         "canonical_level": hit["canonical_level"], "level_label": hit["level_label"],
                         "text": hit["text"], "why": hit["why"] + (f" (not quite: {'; '.join(hit['conflicts'])})"
                                                                   if hit["conflicts"] else ""),
                         "page": hit["page"], "indicator_id": hit["indicator_id"]})
    return rows


def _understood(meant: Understanding) -> dict:
    return {"about": PERSON.get(meant.subject, ""), "concepts": [group_label(meant, k) for k in
                                                                 range(len(meant.groups))],
            "frequency": meant.frequency}


def _candidates(db: sqlite3.Connection, match: str, frameworks: list[str], themes: list[str]) -> list[dict]:
    """Up to CANDIDATES indicators per framework (current documents) by bm25, plus those tagged with the query's
    themes; `bm` is None for a theme-only candidate."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(indicators)")}
    optional = [c for c in ("locator", "age_condition", "themes", "protective_themes", "area", "domain", "page")
                if c in columns]
    select = ("i.indicator_id, i.framework, i.document, i.level_label, i.level_rank, i.canonical_level, i.text"
              + "".join(f", i.{c}" for c in optional))
    only, params = "", []
    if frameworks:
        only = f" AND i.framework IN ({', '.join('?' for _ in frameworks)})"
        params = list(frameworks)
    current = "JOIN frameworks f ON f.framework = i.framework AND f.document = i.document"
    sql = (f"WITH hits AS (SELECT rowid, bm25(indicators_fts, 4.0, 2.0, 1.0, 0.5) AS bm FROM indicators_fts "
           f"WHERE indicators_fts MATCH ?) "
           f"SELECT * FROM (SELECT {select}, hits.bm AS bm, "
           f"row_number() OVER (PARTITION BY i.framework ORDER BY hits.bm, i.indicator_id) AS n "
           f"FROM hits JOIN indicators i ON i.rowid = hits.rowid {current} WHERE 1{only}) WHERE n <= {CANDIDATES}")
    db.row_factory = sqlite3.Row
    try:
        rows = {r["indicator_id"]: dict(r) for r in db.execute(sql, [match] + params)}
    except sqlite3.OperationalError as exc:
        raise LookupError_(f"cannot search {match!r}: {exc}") from None
    if themes and "indicator_themes" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}:
        marks = ", ".join("?" for _ in themes)
        sql = (f"SELECT DISTINCT {select}, NULL AS bm FROM indicator_themes t JOIN indicators i "
               f"ON i.indicator_id = t.indicator_id {current} WHERE t.theme IN ({marks}){only} "
               f"ORDER BY i.framework, i.indicator_id")
        for r in db.execute(sql, list(themes) + params):
            rows.setdefault(r["indicator_id"], dict(r))
    return list(rows.values())


def _rank(query: str, rows: list[dict], meant: Understanding) -> list[dict]:
    """Score each candidate: the share of the description's concepts it answers first, its wording second.

    with concepts: 0.6 * concepts answered + 0.2 * bm25 relative to the framework's best candidate + 0.2 * wording
    similarity (to the description and the documents' words for its concepts); without: 0.4 * bm25 + 0.6 *
    wording.
    + FREQUENCY_BONUS when the indicator states the description's frequency; x 0.5 on a conflict."""
    if not rows:
        return []
    best: dict[str, float] = {}  # per framework: a framework's answer does not depend on the others asked
    for r in rows:
        if r["bm"] is not None:
            best[r["framework"]] = min(best.get(r["framework"], 0.0), r["bm"])
    folded = fold(" ".join((query,) + meant.terms))
    stated = signature(query)
    # practitioner concepts are concerns ("met online" is not "needs met"); the frequency is handled here
    mine = replace(stated, frequency=meant.frequency or stated.frequency,
                   polarity=1 if meant.concepts else stated.polarity)
    by_person = set(cues().adult_of) | set(cues().adult_of.values())  # themes told apart by whose they are
    out = []
    for row in rows:
        text = fold(row["text"])
        wording = (fuzz.token_set_ratio(folded, text) + fuzz.token_sort_ratio(folded, text)) / 200.0
        top_bm = best.get(row["framework"], 0.0)
        words_part = row["bm"] / top_bm if (row["bm"] is not None and top_bm < 0) else 0.0
        theirs = row_signature(row)
        tagged = theirs.protective if mine.polarity < 0 else theirs.themes
        answered = _answered(meant, tagged, theirs, words(row["text"]))
        if meant.groups:
            score = 0.6 * len(answered) / len(meant.groups) + 0.2 * words_part + 0.2 * wording
        else:
            score = 0.4 * words_part + 0.6 * wording
        same_often = bool(mine.frequency) and mine.frequency in theirs.frequency.split("+")
        score = min(1.0, score + (FREQUENCY_BONUS if same_often else 0.0))
        why = query_conflicts(replace(mine, frequency=""), theirs) + _frequency_conflict(mine, theirs)
        if why:
            score *= 0.5
        concepts = [group_label(meant, k) for k in answered]
        out.append({
            "framework": row["framework"], "document": row["document"], "indicator_id": row["indicator_id"],
            "score": round(score, 3), "text": row["text"], "level_rank": row["level_rank"],
            "level_label": row["level_label"], "canonical_level": row["canonical_level"],
            "area": row.get("area"), "domain": row.get("domain"), "page": row.get("page"),
            "locator": row.get("locator"), "conflicts": why, "concepts": concepts,
            "why": _why(meant, theirs, answered, concepts, same_often and mine.frequency, by_person),
        })
    out.sort(key=lambda h: (h["framework"], -h["score"], h["indicator_id"]))
    return out


def _answered(meant: Understanding, tagged: frozenset, theirs, text_words: tuple[str, ...]) -> list[int]:
    """The description's concepts an indicator answers: by its themes; an indicator the normaliser left without
    any theme, by the documents' words for the concept in its text."""
    if theirs.themes or theirs.protective:
        return [k for k, group in enumerate(meant.groups) if tagged & set(group)]
    padded = " " + " ".join(text_words) + " "
    return [k for k, phrases in enumerate(meant.group_words)
            if any(f" {' '.join(p)} " in padded for p in phrases if p)]


def _frequency_conflict(mine, theirs) -> list[str]:
    """A stated frequency two grades from the description's ("every night" against "occasional"); neighbouring
    grades are how people and documents word the same thing differently."""
    order = cues().frequency_order
    stated = [g for g in theirs.frequency.split("+") if g in order]
    if mine.frequency in order and stated and all(abs(order.index(mine.frequency) - order.index(g)) > 1
                                                  for g in stated):
        return [f"frequency {mine.frequency} vs {theirs.frequency}"]
    return []


def _why(meant: Understanding, theirs, answered: list[int], concepts: list[str], frequency: str,
         by_person: set[str]) -> str:
    """Why an indicator matched, e.g. "parent · alcohol · persistent" (or "wording" when no concept); the person
    is named for concepts whose themes differ by person (a parent's or the child's substance misuse)."""
    if not answered:
        return "wording"
    person = next((meant.persons[k] for k in answered if meant.persons[k] and by_person & set(meant.groups[k])), "")
    person = PERSON.get(person, "") if theirs.subject in (person, "") else ""
    return " · ".join(x for x in [person] + concepts + [frequency] if x)


# ------------------------------------------------------------------------------------------- summary

def _level(level: int | None) -> str:
    return f"{level} ({LEVEL_NAMES.get(level, '?')})" if level else "unmapped"


def _names(items: list[str], limit: int = 6) -> str:
    return ", ".join(items) if len(items) <= limit else f"{len(items)} frameworks ({', '.join(items[:limit])}, ...)"


def summarise(groups: list[dict]) -> str:
    """One line: where the frameworks' closest indicators agree or differ on the canonical level."""
    close = {g["framework"]: g["hits"][0] for g in groups
             if g["hits"] and g["hits"][0]["score"] >= MIN_SCORE and not g["hits"][0]["conflicts"]}
    missing = [g["framework"] for g in groups if g["framework"] not in close]
    tail = f"; no close indicator in {_names(missing)}" if missing else ""
    if not close:
        return f"No framework has a close indicator{' (' + _names(missing) + ')' if missing else ''}."
    by_level: dict[Any, list[str]] = {}
    for framework, hit in sorted(close.items()):
        by_level.setdefault(hit["canonical_level"], []).append(framework)
    if len(by_level) == 1:
        [(level, names)] = by_level.items()
        who = "the only framework with" if len(names) == 1 else f"all {len(names)} frameworks with"
        return f"Agree: {who} a close indicator place{'s' if len(names) == 1 else ''} it at canonical level " \
               f"{_level(level)}{tail}."
    parts = [f"{_level(level)} in {_names(names)}" for level, names in
             sorted(by_level.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
    return "Differ: canonical level " + "; ".join(parts) + tail + "."


def render(result: dict) -> str:
    """The result as text for a terminal."""
    lines = [f'"{result["query"]}": the {result["top"]} closest indicators in each framework\'s current document']
    meant = result.get("understood") or {}
    if meant.get("concepts"):
        about = f"about a {meant['about']}: " if meant.get("about") else ""
        often = f" ({meant['frequency']})" if meant.get("frequency") else ""
        lines.append(f"understood as {about}{', '.join(meant['concepts'])}{often}")
    lines.append("")
    for group in result["frameworks"]:
        lines.append(f"{group['framework']}  ({group['document']})")
        if group.get("nothing_relevant"):
            about = " · ".join((result.get("understood") or {}).get("concepts") or []) or "it"
            lines.append(f"    nothing relevant: no indicator about {about}")
        elif not group["hits"]:
            lines.append("    no indicator shares a word with the query")
        for hit in group["hits"]:
            where = f"p. {hit['page']}" if hit.get("page") is not None else (hit.get("locator") or "")
            grouping = " / ".join(x for x in (hit.get("area"), hit.get("domain")) if x)
            facts = " · ".join(x for x in (f"level {hit['level_rank']} {hit['level_label']}",
                                           f"canonical {_level(hit['canonical_level'])}", grouping, where) if x)
            lines.append(f"  {hit['score']:.2f}  {facts}")
            lines.append(f"        {hit['text']}")
            if hit.get("why"):
                lines.append(f"        why: {hit['why']}")
            if hit["conflicts"]:
                lines.append(f"        (not quite: {'; '.join(hit['conflicts'])})")
        lines.append("")
    lines.append(result["summary"])
    return "\n".join(lines)


