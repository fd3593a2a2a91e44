"""Consistency findings for one document: duplicates, level gaps, qualifier inversions, empty cells, level labels.

Each finding: framework, document, kind, severity (high | medium | low), subject, a plain-English message, and
the indicator ids with their pages (aligned lists, in reading order). Kinds:
  duplicate_across_levels      high    the same text at two or more local levels
  duplicate_same_level         medium  the same text twice at one level in one domain (low: in different domains)
  near_duplicate_across_levels medium  nearly the same text at different levels, not graded by a qualifier
  near_duplicate_same_level    low     nearly the same text at one level, not graded by a qualifier
  theme_nonadjacent_levels     medium  one theme worded alike at canonical levels two or more apart, no qualifier
  qualifier_inversion          medium  a milder severity/frequency placed at a higher level than a stronger one
  level_without_indicators     medium  a level with no indicators
  area_empty_at_level          medium  a canonical area the document uses, empty at one level
  dimension_empty_at_level     low     a canonical dimension the document uses, empty at one level
  level_unmapped               high    a level with no canonical level
  level_label_repeated         high    two local levels sharing one label
  level_order_inverted         medium  a higher local level mapped to a lower canonical level
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from .matching import CHUNK, polarity, similarity_block, vectorise
from .text import fold, grading_markers

FINDING_COLUMNS = ("finding_id", "framework", "document", "kind", "severity", "subject", "message",
                   "indicator_ids", "pages")
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITY_RANK = {"mild": 1, "moderate": 2, "severe": 3}
FREQUENCY_RANK = {"occasional": 1, "repeated": 2, "persistent": 3}


# ------------------------------------------------------------------------------------------------ helpers

def _finding(framework: str, document: str, kind: str, severity: str, subject: str, message: str,
             members: list[dict], level: dict | None = None) -> dict:
    """One finding; its id hashes document, kind, subject, the level (if any) and the indicator ids."""
    members = sorted({m["indicator_id"]: m for m in members}.values(), key=lambda m: (m["seq"], m["indicator_id"]))
    ids = [m["indicator_id"] for m in members]
    scope = f"rank {level['level_rank']}" if level else ""
    digest = hashlib.sha1("|".join([document, kind, subject, scope, *ids]).encode("utf-8")).hexdigest()[:10]
    return {"finding_id": f"{framework}-{digest}", "framework": framework, "document": document, "kind": kind,
            "severity": severity, "subject": subject, "message": message, "indicator_ids": ids,
            "pages": [m["page"] for m in members]}


def _level(row: dict) -> str:
    canonical = "no canonical level" if row["canonical_level"] is None else f"canonical {row['canonical_level']}"
    return f'level "{row["level_label"]}" ({canonical})'


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _where(row: dict) -> str:
    place = ", ".join(p for p in (row["domain"], f"p. {row['page']}" if row["page"] is not None else "") if p)
    return f'"{row["text"]}" ({_level(row)}{", " + place if place else ""})'


def _profile(row: dict) -> tuple[str, str, str]:
    return (row["severity"], row["frequency"], row["age_condition"])


def is_graded(a: dict, b: dict, markers: list[str]) -> bool:
    """Do two indicators differ in a qualifier (severity, frequency, age, or a grading word or number)?"""
    return _profile(a) != _profile(b) or grading_markers(a["text"], markers) != grading_markers(b["text"], markers)


# --------------------------------------------------------------------------------------------- duplicates

def duplicates(records: list[dict], settings: dict) -> list[dict]:
    """Exact duplicates (same folded text) and near duplicates (rapidfuzz ratio >= near_ratio, not graded, not a
    concern against a protective statement)."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in records:
        groups[fold(row["text"])].append(row)
    findings = [_exact(members) for members in groups.values() if len(members) > 1]
    keys = sorted(groups)
    threshold = float(settings["duplicates"]["near_ratio"])
    markers = settings["grading_markers"]
    for start in range(0, len(keys), CHUNK):  # chunk x n scores at a time, never n x n
        scores = cdist(keys[start:start + CHUNK], keys, scorer=fuzz.ratio, dtype=None, score_cutoff=threshold)
        for row, j in np.argwhere(scores >= threshold):
            i = start + int(row)
            a, b = groups[keys[i]][0], groups[keys[j]][0]
            if j > i and polarity(a) * polarity(b) >= 0 and not is_graded(a, b, markers):
                findings.append(_near(groups[keys[i]], groups[keys[j]], float(scores[row][j])))
    return findings


def _exact(members: list[dict]) -> dict:
    first = members[0]
    ranks = {m["level_rank"] for m in members}
    places = "; ".join(_where(m) for m in members)
    if len(ranks) > 1:
        return _finding(first["framework"], first["document"], "duplicate_across_levels", "high", fold(first["text"]),
                        f"The same indicator appears at {len(ranks)} different levels: {places}.", members)
    same_domain = len({m["domain"] for m in members}) == 1
    return _finding(first["framework"], first["document"], "duplicate_same_level", "medium" if same_domain else "low",
                    fold(first["text"]),
                    f"The same indicator appears {len(members)} times at {_level(first)}"
                    f"{' in the same domain' if same_domain else ''}: {places}.", members)


def _near(left: list[dict], right: list[dict], score: float) -> dict:
    a, b = left[0], right[0]
    across = len({m["level_rank"] for m in left + right}) > 1
    kind, severity = ("near_duplicate_across_levels", "medium") if across else ("near_duplicate_same_level", "low")
    where = "at different levels" if across else "at the same level"
    return _finding(a["framework"], a["document"], kind, severity, f"{fold(a['text'])} | {fold(b['text'])}",
                    f"Two nearly identical indicators (similarity {score:.0f}/100) {where}, with no qualifier "
                    f"to tell them apart: {_where(a)} and {_where(b)}.", left + right)


# ----------------------------------------------------------------------------------------- theme checks

def _by_theme(records: list[dict]) -> dict[str, list[dict]]:
    themes: dict[str, list[dict]] = defaultdict(list)
    for row in records:
        for theme in row["concern_themes"]:
            themes[theme].append(row)
    return themes


def theme_gaps(records: list[dict], settings: dict) -> list[dict]:
    """Equivalent wordings of one theme two or more canonical levels apart with no qualifier to explain the gap.

    "Equivalent" = similarity at least the matching threshold (the score used across frameworks, fitted on this
    document's indicators). Universal-level (canonical 1) indicators describe no additional need and are left out.
    """
    markers, threshold = settings["grading_markers"], float(settings["matching"]["threshold"])
    placed = [r for r in records if r["canonical_level"] is not None and r["canonical_level"] >= 2
              and r["concern_themes"]]
    if len(placed) < 2:
        return []
    index = {r["indicator_id"]: i for i, r in enumerate(placed)}
    every = np.arange(len(placed))
    scores = similarity_block(vectorise(pd.DataFrame(placed), settings["matching"]), every, every)
    findings = []
    for theme, rows in sorted(_by_theme(placed).items()):
        cells: dict[tuple[int, int], list[tuple[dict, dict]]] = defaultdict(list)
        for lo in rows:
            for hi in rows:
                if (hi["canonical_level"] - lo["canonical_level"] >= 2
                        and scores[index[lo["indicator_id"]], index[hi["indicator_id"]]] >= threshold
                        and not is_graded(lo, hi, markers)):
                    cells[(lo["canonical_level"], hi["canonical_level"])].append((lo, hi))
        for (lo_level, hi_level), pairs in sorted(cells.items()):
            lo, hi = pairs[0]
            more = f" ({len(pairs) - 1} more such pair{'s' if len(pairs) > 2 else ''})" if len(pairs) > 1 else ""
            findings.append(_finding(
                lo["framework"], lo["document"], "theme_nonadjacent_levels", "medium", theme,
                f'Theme "{theme}" is worded alike at canonical levels {lo_level} and {hi_level}, with no qualifier '
                f"that explains the gap: {_where(lo)} and {_where(hi)}{more}.",
                [m for pair in pairs for m in pair]))
    return findings


def _inverted(higher: dict, lower: dict) -> str:
    """Which qualifier is milder at the higher level ("severity"/"frequency"), or "" when none is."""
    sev_h, sev_l = SEVERITY_RANK.get(higher["severity"]), SEVERITY_RANK.get(lower["severity"])
    frq_h, frq_l = FREQUENCY_RANK.get(higher["frequency"]), FREQUENCY_RANK.get(lower["frequency"])
    sev_up = sev_h is not None and sev_l is not None and sev_h > sev_l
    frq_up = frq_h is not None and frq_l is not None and frq_h > frq_l
    if sev_h is not None and sev_l is not None and sev_h < sev_l and not frq_up:
        return "severity"
    if frq_h is not None and frq_l is not None and frq_h < frq_l and not sev_up:
        return "frequency"
    return ""


def qualifier_inversions(records: list[dict]) -> list[dict]:
    """Pairs of one theme where the higher local level carries the milder severity or frequency (universal-level
    indicators left out)."""
    pairs: dict[tuple[str, str], tuple[dict, dict, str, set[str]]] = {}
    above_universal = [r for r in records if r["canonical_level"] is None or r["canonical_level"] >= 2]
    for theme, rows in sorted(_by_theme(above_universal).items()):
        for higher in rows:
            for lower in rows:
                if higher["level_rank"] > lower["level_rank"] and (what := _inverted(higher, lower)):
                    key = (higher["indicator_id"], lower["indicator_id"])
                    pairs.setdefault(key, (higher, lower, what, set()))[3].add(theme)
    findings = []
    for higher, lower, what, themes in pairs.values():
        word = higher[what]
        findings.append(_finding(
            higher["framework"], higher["document"], "qualifier_inversion", "medium", ";".join(sorted(themes)),
            f"A milder wording ({what} {word!r}) sits at a higher level than a stronger one ({what} "
            f"{lower[what]!r}) of the same theme ({', '.join(sorted(themes))}): {_where(higher)} is above "
            f"{_where(lower)}.", [higher, lower]))
    return findings


# -------------------------------------------------------------------------------------------- empty cells

def empty_cells(records: list[dict], levels: list[dict]) -> list[dict]:
    """Levels with no indicators; canonical areas and dimensions used by the document but empty at a level."""
    if not records:
        return []
    framework, document = records[0]["framework"], records[0]["document"]
    at_level: dict[int, list[dict]] = defaultdict(list)
    for row in records:
        at_level[row["level_rank"]].append(row)
    findings = []
    for level in levels:
        if not at_level.get(level["level_rank"]):
            findings.append(_finding(framework, document, "level_without_indicators", "medium", level["level_label"],
                                     f"{_cap(_level(level))} has no indicators.", [], level))
    filled = [lv for lv in levels if at_level.get(lv["level_rank"])]
    for kind, severity, label, values in (
            ("area_empty_at_level", "medium", "canonical area", lambda r: [r["canonical_area"]]),
            ("dimension_empty_at_level", "low", "canonical dimension", lambda r: list(r["canonical_dimensions"]))):
        used = {v: set() for r in records for v in values(r) if v}
        for row in records:
            for v in values(row):
                if v:
                    used[v].add(row["level_rank"])
        for value in sorted(used):
            others = [lv for lv in filled if lv["level_rank"] in used[value]]
            for level in filled:
                if level["level_rank"] not in used[value]:
                    names = ", ".join(f'"{lv["level_label"]}"' for lv in others)
                    findings.append(_finding(framework, document, kind, severity, value,
                                             f'{_cap(_level(level))} has no indicators for the {label} '
                                             f'"{value}", which the document covers at {names}.', [], level))
    return findings


# ------------------------------------------------------------------------------------------------- levels

def level_checks(levels: list[dict], framework: str, document: str) -> list[dict]:
    """Unmapped levels, repeated labels, canonical order running against the document's order."""
    findings = []
    for level in levels:
        if level["canonical_level"] is None:
            findings.append(_finding(framework, document, "level_unmapped", "high", level["level_label"],
                                     f'Level "{level["level_label"]}" (rank {level["level_rank"]}) maps to no '
                                     "canonical level; add it to the level crosswalk.", [], level))
    by_label: dict[str, list[dict]] = defaultdict(list)
    for level in levels:
        by_label[fold(level["level_label"])].append(level)
    for label, same in sorted(by_label.items()):
        if len(same) > 1:
            ranks = ", ".join(str(lv["level_rank"]) for lv in same)
            findings.append(_finding(framework, document, "level_label_repeated", "high", label,
                                     f'{len(same)} levels share the label "{same[0]["level_label"]}" '
                                     f"(ranks {ranks}); readers cannot tell them apart.", []))
    mapped = [lv for lv in levels if lv["canonical_level"] is not None]
    for lower, higher in zip(mapped, mapped[1:]):
        if higher["canonical_level"] < lower["canonical_level"]:
            findings.append(_finding(framework, document, "level_order_inverted", "medium", higher["level_label"],
                                     f'Level "{higher["level_label"]}" (rank {higher["level_rank"]}) maps to '
                                     f'canonical {higher["canonical_level"]}, below "{lower["level_label"]}" '
                                     f'(rank {lower["level_rank"]}, canonical {lower["canonical_level"]}).', [],
                                     higher))
    return findings


# --------------------------------------------------------------------------------------------------- all

def document_findings(doc: pd.DataFrame, levels: pd.DataFrame, settings: dict) -> list[dict]:
    """Every consistency finding for one document's indicators and levels."""
    records = doc.sort_values(["seq", "indicator_id"], kind="stable").to_dict("records")
    level_rows = levels.sort_values("level_rank", kind="stable").to_dict("records")
    framework = records[0]["framework"] if records else level_rows[0]["framework"]
    document = records[0]["document"] if records else level_rows[0]["document"]
    found = (duplicates(records, settings) + theme_gaps(records, settings) + qualifier_inversions(records)
             + empty_cells(records, level_rows) + level_checks(level_rows, framework, document))
    return found


def all_findings(indicators: pd.DataFrame, levels: pd.DataFrame, settings: dict) -> list[dict]:
    """Findings for every document (levels-only documents included), sorted for output."""
    by_doc = dict(iter(indicators.groupby(["framework", "document"], sort=True)))
    levels_by_doc = dict(iter(levels.groupby(["framework", "document"], sort=True)))
    findings = []
    for key in sorted(set(by_doc) | set(levels_by_doc)):
        doc = by_doc.get(key, indicators.iloc[0:0])
        findings.extend(document_findings(doc, levels_by_doc.get(key, levels.iloc[0:0]), settings))
    return sort_findings(findings)


def sort_findings(findings: list[dict]) -> list[dict]:
    def key(f: dict) -> tuple:
        first_page = min((p for p in f["pages"] if p is not None), default=0)
        return (f["framework"], f["document"], SEVERITY_ORDER[f["severity"]], f["kind"], first_page, f["subject"],
                f["indicator_ids"], f["finding_id"])
    return sorted(findings, key=key)
