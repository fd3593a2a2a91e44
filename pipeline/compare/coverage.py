"""Coverage per document: Working Together 2023 early-help groups mentioned or not; indicators per level x area."""

from __future__ import annotations

from collections import Counter

import pandas as pd

GROUP_COLUMNS = (
    "framework", "document", "group", "group_label", "mentioned", "canonical_levels", "n_indicators",
    "themes_found", "themes_missing", "indicator_ids",
)
COUNT_COLUMNS = ("framework", "document", "canonical_level", "canonical_area", "n_indicators")
CANONICAL_LEVELS = (1, 2, 3, 4)
CANONICAL_AREAS = ("child_development", "parenting_capacity", "family_environment")


def group_coverage(indicators: pd.DataFrame, groups: list[dict]) -> list[dict]:
    """One row per (document, early-help group): is any of the group's themes tagged on a concern indicator?"""
    rows = []
    for (framework, document), doc in indicators.groupby(["framework", "document"], sort=True):
        records = doc.to_dict("records")
        for group in groups:
            wanted = set(group["themes"])
            hits = [r for r in records if wanted & set(r["concern_themes"])]
            found = sorted({t for r in hits for t in r["concern_themes"] if t in wanted})
            rows.append({
                "framework": framework, "document": document, "group": group["id"], "group_label": group["label"],
                "mentioned": bool(hits),
                "canonical_levels": sorted({r["canonical_level"] for r in hits if r["canonical_level"] is not None}),
                "n_indicators": len(hits), "themes_found": found, "themes_missing": sorted(wanted - set(found)),
                "indicator_ids": [r["indicator_id"] for r in hits],
            })
    return rows


def level_area_counts(indicators: pd.DataFrame) -> list[dict]:
    """Indicators per (document, canonical level, canonical area): the full 4 x 3 grid (zeros included), plus
    rows for indicators with no canonical level or area."""
    rows = []
    for (framework, document), doc in indicators.groupby(["framework", "document"], sort=True):
        counts = Counter(zip(doc["canonical_level"], doc["canonical_area"]))
        cells = {(lv, area) for lv in CANONICAL_LEVELS for area in CANONICAL_AREAS} | set(counts)
        for level, area in sorted(cells, key=lambda c: (c[0] is None, c[0] or 0, _area_key(c[1]))):
            rows.append({"framework": framework, "document": document, "canonical_level": level,
                         "canonical_area": area, "n_indicators": int(counts.get((level, area), 0))})
    return rows


def _area_key(area: str) -> tuple[int, str]:
    return (CANONICAL_AREAS.index(area), "") if area in CANONICAL_AREAS else (len(CANONICAL_AREAS), area)
