"""'Which level, where?': the published indicators closest in meaning to a free-text description, per framework.

    lookup(out, "persistent truanting", frameworks=None, top=3) -> dict

Searches each framework's current document (the one the frameworks table names) in the release's
threshold.sqlite: FTS5 (porter stemming) over the indicator text, its lemmas, its theme labels and its area /
domain gives up to CANDIDATES candidates per framework, ranked by bm25; rapidfuzz re-ranks them on the wording
(token set and token sort ratios of the folded texts); an indicator that contradicts what the query states
(pipeline.compare.matching.query_conflicts: a strength for a concern, another severity, frequency, age or
duration, the thing for a risk of it) keeps half its score and says why. No model, nothing downloaded.

score = 0.4 * bm25 relative to the best candidate + 0.6 * wording similarity, in 0-1; when the query names
themes (themes.yaml phrases, lemmatised with the normaliser's lookup table), 0.3 * bm25 + 0.35 * wording + 0.35 *
the share of those themes the indicator carries (x 0.5 on a conflict). Indicators tagged with the query's themes are
candidates even when they share no word with it ("truanting" finds "poor school attendance").

When the release has no threshold.sqlite (published before it existed), one is built once from the release's
JSON files into OUT/.cache/lookup/ (keyed by the release's datapackage.json).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from rapidfuzz import fuzz

from pipeline.compare.matching import THEMES_FILE, cues, query_conflicts, row_signature, signature
from pipeline.compare.text import fold, words

CANDIDATES = 25          # per framework, from the full-text index
MIN_SCORE = 0.35         # below this a framework's best indicator is not "close"
LEVEL_NAMES = {1: "universal", 2: "additional", 3: "complex", 4: "specialist"}
STOPWORDS = frozenset("""a an and are as at be by for from has have in is it its of on or that the their them they
this to was were where which who with child children young person people""".split())


class LookupError_(LookupError):
    """No release, or nothing to search for."""


# ------------------------------------------------------------------------------------------- query themes

@lru_cache(maxsize=1)
def _lemmas() -> dict:
    """The normaliser's lemma table (spacy-lookups-data's English lookup), read without importing spaCy."""
    import importlib.util

    spec = importlib.util.find_spec("spacy_lookups_data")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "en_lemma_lookup.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


def lemma(word: str) -> str:
    """Lower-case lookup lemma followed to a fixed point, as pipeline.normalise.text.lemma."""
    table, current, seen = _lemmas(), word.lower(), []
    while current not in seen:
        seen.append(current)
        nxt = table.get(current)
        if not isinstance(nxt, str) or not nxt or nxt == current:
            return current
        current = nxt
    return min(seen[seen.index(current):])


@lru_cache(maxsize=1)
def _theme_phrases() -> tuple[dict[str, list[tuple[str, ...]]], dict[str, list[tuple[str, ...]]], dict[str, str]]:
    """theme -> lemma phrases, theme -> 'unless' phrases, theme -> label (themes.yaml; plain phrases only)."""
    data = yaml.load(THEMES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    phrases, unless, labels = {}, {}, {}
    for theme in data.get("themes") or []:
        tid = str(theme["id"])
        labels[tid] = str(theme.get("label") or tid)
        for key, target in (("phrases", phrases), ("unless", unless)):
            target[tid] = [tuple(lemma(w) for w in words(p)) for p in theme.get(key) or []
                           if "*" not in str(p) and "|" not in str(p) and words(p)]
    return phrases, unless, labels


def _contains(tokens: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tokens[i:i + n] == phrase for i in range(len(tokens) - n + 1))


def query_themes(text: str) -> list[str]:
    """The themes whose vocabulary phrases (themes.yaml, lemmatised) occur in the text."""
    tokens = tuple(lemma(w) for w in words(text))
    phrases, unless, _ = _theme_phrases()
    return sorted(t for t, ps in phrases.items() if any(_contains(tokens, p) for p in ps)
                  and not any(_contains(tokens, p) for p in unless.get(t, [])))


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


def _match_query(text: str) -> str:
    """FTS5 query: any of the text's content words (qualifier words such as "persistent" left to the ranking)."""
    c = cues()
    every = [w for w in dict.fromkeys(words(text)) if w not in STOPWORDS and len(w) > 1]
    terms = [w for w in every if (w,) not in c.severity and (w,) not in c.frequency and (w,) not in c.negation]
    return " OR ".join('"' + t.replace('"', "") + '"' for t in (terms or every or list(words(text))))


# ------------------------------------------------------------------------------------------- search

def lookup(out: Path, text: str, *, frameworks: Iterable[str] | None = None, top: int = 3) -> dict:
    """The `top` closest indicators in each framework (all, or those named), grouped by framework, with a
    one-line summary of where the frameworks agree or differ on the canonical level."""
    query = " ".join(str(text).split())
    match = _match_query(query)
    if not match:
        raise LookupError_("nothing to look up: give a few words describing the need")
    wanted = sorted(set(frameworks or ()))
    themes = query_themes(query)
    db = sqlite3.connect(f"file:{database(out)}?mode=ro", uri=True)
    try:
        rows = _candidates(db, match, wanted, themes)
        known = [r[0] for r in db.execute("SELECT framework FROM frameworks ORDER BY framework")]
        docs = dict(db.execute("SELECT framework, document FROM frameworks"))
    finally:
        db.close()
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise LookupError_(f"unknown framework(s): {', '.join(unknown)} (published: {', '.join(known)})")
    hits = _rank(query, rows, themes)
    groups = []
    for framework in wanted or known:
        mine = [h for h in hits if h["framework"] == framework][:max(1, top)]
        groups.append({"framework": framework, "document": docs.get(framework), "hits": mine})
    labels = _theme_phrases()[2]
    return {"query": query, "top": top, "themes": [{"theme": t, "label": labels.get(t, t)} for t in themes],
            "frameworks": groups, "summary": summarise(groups)}


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


def _rank(query: str, rows: list[dict], themes: list[str]) -> list[dict]:
    if not rows:
        return []
    best = min((r["bm"] for r in rows if r["bm"] is not None), default=-1.0) or -1.0
    folded = fold(query)
    mine = signature(query)
    wanted = set(themes)
    out = []
    for row in rows:
        text = fold(row["text"])
        wording = (fuzz.token_set_ratio(folded, text) + fuzz.token_sort_ratio(folded, text)) / 200.0
        words_part = row["bm"] / best if (row["bm"] is not None and best < 0) else 0.0
        theirs = row_signature(row)
        tagged = theirs.protective if mine.polarity < 0 else theirs.themes
        theme_part = len(wanted & tagged) / len(wanted) if wanted else 0.0
        if wanted:
            score = 0.3 * words_part + 0.35 * wording + 0.35 * theme_part
        else:
            score = 0.4 * words_part + 0.6 * wording
        why = query_conflicts(mine, theirs)
        if why:
            score *= 0.5
        out.append({
            "framework": row["framework"], "document": row["document"], "indicator_id": row["indicator_id"],
            "score": round(score, 3), "text": row["text"], "level_rank": row["level_rank"],
            "level_label": row["level_label"], "canonical_level": row["canonical_level"],
            "area": row.get("area"), "domain": row.get("domain"), "page": row.get("page"),
            "locator": row.get("locator"), "conflicts": why,
        })
    out.sort(key=lambda h: (h["framework"], -h["score"], h["indicator_id"]))
    return out


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
    lines = [f'"{result["query"]}": the {result["top"]} closest indicators in each framework\'s current document', ""]
    for group in result["frameworks"]:
        lines.append(f"{group['framework']}  ({group['document']})")
        if not group["hits"]:
            lines.append("    no indicator shares a word with the query")
        for hit in group["hits"]:
            where = f"p. {hit['page']}" if hit.get("page") is not None else (hit.get("locator") or "")
            grouping = " / ".join(x for x in (hit.get("area"), hit.get("domain")) if x)
            facts = " · ".join(x for x in (f"level {hit['level_rank']} {hit['level_label']}",
                                           f"canonical {_level(hit['canonical_level'])}", grouping, where) if x)
            lines.append(f"  {hit['score']:.2f}  {facts}")
            lines.append(f"        {hit['text']}")
            if hit["conflicts"]:
                lines.append(f"        (not quite: {'; '.join(hit['conflicts'])})")
        lines.append("")
    lines.append(result["summary"])
    return "\n".join(lines)


